//! Calls of the user-relation family.

use sixin_api::form::CommaList;
use sixin_api::relation::request::{
    BatchModifyForm, CreateTagForm, DeleteTagForm, FansQuery, FidQuery, FidsQuery, MidQuery,
    ModifyForm, MoveUsersForm, Paging, SearchFollowingsQuery, TagQuery, TagUsersForm,
    UpdateTagForm, VmidPageQuery, VmidQuery,
};
use sixin_api::relation::{
    Act, BatchModifyResult, CreatedTag, FansList, FollowersUnread, Relation, RelationList,
    RelationStat, Relations, SpaceRelation, Tag, TagMember, TagNames, UntotalledRelationList,
};
use sixin_api::Envelope;

use crate::{Client, Error};

fn paging(ps: Option<u32>, pn: Option<u32>) -> Paging {
    Paging {
        ps: ps.map(u64::from),
        pn: pn.map(u64::from),
    }
}

fn vmid_page(vmid: u64, ps: Option<u32>, pn: Option<u32>) -> VmidPageQuery {
    let Paging { ps, pn } = paging(ps, pn);
    VmidPageQuery { vmid, ps, pn }
}

impl Client {
    /// `POST /x/relation/modify` with `re_src=11`.
    pub async fn modify_relation(&self, fid: u64, act: Act) -> Result<Envelope<()>, Error> {
        let form = ModifyForm {
            fid,
            act: act.code(),
            re_src: Some("11".into()),
        };
        self.post_form("/x/relation/modify", &form).await
    }

    /// `POST /x/relation/batch/modify` (`act` follow or block).
    pub async fn batch_modify_relation(
        &self,
        fids: &[u64],
        act: Act,
    ) -> Result<Envelope<BatchModifyResult>, Error> {
        let form = BatchModifyForm {
            fids: CommaList(fids.to_vec()),
            act: act.code(),
            re_src: Some("11".into()),
        };
        self.post_form("/x/relation/batch/modify", &form).await
    }

    /// `POST /x/relation/tags/copyUsers`
    pub async fn copy_users_to_tags(
        &self,
        fids: &[u64],
        tagids: &[i64],
    ) -> Result<Envelope<()>, Error> {
        let form = TagUsersForm {
            fids: CommaList(fids.to_vec()),
            tagids: CommaList(tagids.to_vec()),
        };
        self.post_form("/x/relation/tags/copyUsers", &form).await
    }

    /// `POST /x/relation/tags/moveUsers`
    pub async fn move_users_between_tags(
        &self,
        fids: &[u64],
        before: &[i64],
        after: &[i64],
    ) -> Result<Envelope<()>, Error> {
        let form = MoveUsersForm {
            before_tagids: CommaList(before.to_vec()),
            after_tagids: CommaList(after.to_vec()),
            fids: CommaList(fids.to_vec()),
        };
        self.post_form("/x/relation/tags/moveUsers", &form).await
    }

    /// `GET /x/relation`
    pub async fn relation(&self, fid: u64) -> Result<Envelope<Relation>, Error> {
        self.get("/x/relation", &FidQuery { fid }).await
    }

    /// `GET /x/relation/relations`
    pub async fn relations(&self, fids: &[u64]) -> Result<Envelope<Relations>, Error> {
        let query = FidsQuery {
            fids: CommaList(fids.to_vec()),
        };
        self.get("/x/relation/relations", &query).await
    }

    /// `GET /x/space/wbi/acc/relation`
    pub async fn space_relation(&self, mid: u64) -> Result<Envelope<SpaceRelation>, Error> {
        self.get("/x/space/wbi/acc/relation", &MidQuery { mid })
            .await
    }

    /// `GET /x/relation/followings`
    pub async fn followings(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        self.get("/x/relation/followings", &vmid_page(vmid, ps, pn))
            .await
    }

    /// `GET /x/relation/followers`
    pub async fn followers(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        self.get("/x/relation/followers", &vmid_page(vmid, ps, pn))
            .await
    }

    /// `GET /x/relation/fans`: page `pn`, or after `offset` (the previous
    /// page's `data.offset`).
    pub async fn fans(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
        offset: Option<&str>,
    ) -> Result<Envelope<FansList>, Error> {
        let Paging { ps, pn } = paging(ps, pn);
        let query = FansQuery {
            vmid,
            ps,
            pn,
            offset: offset.map(str::to_owned),
            ..FansQuery::default()
        };
        self.get("/x/relation/fans", &query).await
    }

    /// `GET /x/relation/followers/unread/count` (which counts as looking
    /// at one's followers).
    pub async fn followers_unread_count(&self) -> Result<Envelope<FollowersUnread>, Error> {
        self.get("/x/relation/followers/unread/count", &()).await
    }

    /// `GET /x/relation/followings/search`
    pub async fn search_followings(
        &self,
        vmid: u64,
        name: Option<&str>,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        let Paging { ps, pn } = paging(ps, pn);
        let query = SearchFollowingsQuery {
            vmid,
            name: name.map(str::to_owned),
            ps,
            pn,
        };
        self.get("/x/relation/followings/search", &query).await
    }

    /// `GET /x/relation/same/followings`
    pub async fn same_followings(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        self.get("/x/relation/same/followings", &vmid_page(vmid, ps, pn))
            .await
    }

    /// `GET /x/relation/whispers`
    pub async fn whispers(&self) -> Result<Envelope<UntotalledRelationList>, Error> {
        self.get("/x/relation/whispers", &Paging::default()).await
    }

    /// `GET /x/relation/friends`
    pub async fn friends(&self) -> Result<Envelope<UntotalledRelationList>, Error> {
        self.get("/x/relation/friends", &Paging::default()).await
    }

    /// `GET /x/relation/blacks`
    pub async fn blacks(
        &self,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        self.get("/x/relation/blacks", &paging(ps, pn)).await
    }

    /// `GET /x/relation/stat`
    pub async fn relation_stat(&self, vmid: u64) -> Result<Envelope<RelationStat>, Error> {
        self.get("/x/relation/stat", &VmidQuery { vmid }).await
    }

    /// `GET /x/relation/tags`
    pub async fn tags(&self) -> Result<Envelope<Vec<Tag>>, Error> {
        self.get("/x/relation/tags", &()).await
    }

    /// `GET /x/relation/tag`
    pub async fn tag_members(
        &self,
        tagid: i64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<Vec<TagMember>>, Error> {
        let Paging { ps, pn } = paging(ps, pn);
        self.get("/x/relation/tag", &TagQuery { tagid, ps, pn })
            .await
    }

    /// `GET /x/relation/tag/user`
    pub async fn user_tags(&self, fid: u64) -> Result<Envelope<TagNames>, Error> {
        self.get("/x/relation/tag/user", &FidQuery { fid }).await
    }

    /// `GET /x/relation/tag/special`
    pub async fn special(&self) -> Result<Envelope<Vec<u64>>, Error> {
        self.get("/x/relation/tag/special", &()).await
    }

    /// `POST /x/relation/tag/create`
    pub async fn create_tag(&self, name: &str) -> Result<Envelope<CreatedTag>, Error> {
        let form = CreateTagForm {
            tag: name.to_owned(),
        };
        self.post_form("/x/relation/tag/create", &form).await
    }

    /// `POST /x/relation/tag/update`
    pub async fn rename_tag(&self, tagid: i64, name: &str) -> Result<Envelope<()>, Error> {
        let form = UpdateTagForm {
            tagid,
            name: name.to_owned(),
        };
        self.post_form("/x/relation/tag/update", &form).await
    }

    /// `POST /x/relation/tag/del`
    pub async fn delete_tag(&self, tagid: i64) -> Result<Envelope<()>, Error> {
        self.post_form("/x/relation/tag/del", &DeleteTagForm { tagid })
            .await
    }

    /// `POST /x/relation/tags/addUsers`
    pub async fn add_users_to_tags(
        &self,
        fids: &[u64],
        tagids: &[i64],
    ) -> Result<Envelope<()>, Error> {
        let form = TagUsersForm {
            fids: CommaList(fids.to_vec()),
            tagids: CommaList(tagids.to_vec()),
        };
        self.post_form("/x/relation/tags/addUsers", &form).await
    }
}
