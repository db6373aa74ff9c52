//! Calls of the user-relation family.

use sixin_api::relation::{
    BatchModifyResult, CreatedTag, Relation, RelationList, RelationStat, Relations, SpaceRelation,
    Tag, TagMember, TagNames, UntotalledRelationList,
};
use sixin_api::Envelope;

use crate::{Client, Error};

/// `act` of `POST /x/relation/modify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationAct {
    Follow = 1,
    Unfollow = 2,
    QuietFollow = 3,
    QuietUnfollow = 4,
    Block = 5,
    Unblock = 6,
    RemoveFan = 7,
}

fn paging(ps: Option<u32>, pn: Option<u32>) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if let Some(ps) = ps {
        query.push(("ps", ps.to_string()));
    }
    if let Some(pn) = pn {
        query.push(("pn", pn.to_string()));
    }
    query
}

fn joined<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl Client {
    /// `POST /x/relation/modify` with `re_src=11`.
    pub async fn modify_relation(&self, fid: u64, act: RelationAct) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/relation/modify",
            &[
                ("fid", fid.to_string()),
                ("act", (act as u8).to_string()),
                ("re_src", "11".into()),
            ],
        )
        .await
    }

    /// `POST /x/relation/batch/modify` (`act` 1 or 5).
    pub async fn batch_modify_relation(
        &self,
        fids: &[u64],
        act: RelationAct,
    ) -> Result<Envelope<BatchModifyResult>, Error> {
        self.post_form(
            "/x/relation/batch/modify",
            &[
                ("fids", joined(fids)),
                ("act", (act as u8).to_string()),
                ("re_src", "11".into()),
            ],
        )
        .await
    }

    /// `POST /x/relation/tags/copyUsers`
    pub async fn copy_users_to_tags(
        &self,
        fids: &[u64],
        tagids: &[i64],
    ) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/relation/tags/copyUsers",
            &[("fids", joined(fids)), ("tagids", joined(tagids))],
        )
        .await
    }

    /// `POST /x/relation/tags/moveUsers`
    pub async fn move_users_between_tags(
        &self,
        fids: &[u64],
        before: &[i64],
        after: &[i64],
    ) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/relation/tags/moveUsers",
            &[
                ("beforeTagids", joined(before)),
                ("afterTagids", joined(after)),
                ("fids", joined(fids)),
            ],
        )
        .await
    }

    /// `GET /x/relation`
    pub async fn relation(&self, fid: u64) -> Result<Envelope<Relation>, Error> {
        self.get("/x/relation", &[("fid", fid.to_string())]).await
    }

    /// `GET /x/relation/relations`
    pub async fn relations(&self, fids: &[u64]) -> Result<Envelope<Relations>, Error> {
        self.get("/x/relation/relations", &[("fids", joined(fids))])
            .await
    }

    /// `GET /x/space/wbi/acc/relation`
    pub async fn space_relation(&self, mid: u64) -> Result<Envelope<SpaceRelation>, Error> {
        self.get("/x/space/wbi/acc/relation", &[("mid", mid.to_string())])
            .await
    }

    /// `GET /x/relation/followings`
    pub async fn followings(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        let mut query = vec![("vmid", vmid.to_string())];
        query.extend(paging(ps, pn));
        self.get("/x/relation/followings", &query).await
    }

    /// `GET /x/relation/followers`
    pub async fn followers(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        let mut query = vec![("vmid", vmid.to_string())];
        query.extend(paging(ps, pn));
        self.get("/x/relation/followers", &query).await
    }

    /// `GET /x/relation/same/followings`
    pub async fn same_followings(
        &self,
        vmid: u64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<RelationList>, Error> {
        let mut query = vec![("vmid", vmid.to_string())];
        query.extend(paging(ps, pn));
        self.get("/x/relation/same/followings", &query).await
    }

    /// `GET /x/relation/whispers`
    pub async fn whispers(&self) -> Result<Envelope<UntotalledRelationList>, Error> {
        self.get("/x/relation/whispers", &[]).await
    }

    /// `GET /x/relation/friends`
    pub async fn friends(&self) -> Result<Envelope<UntotalledRelationList>, Error> {
        self.get("/x/relation/friends", &[]).await
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
        self.get("/x/relation/stat", &[("vmid", vmid.to_string())])
            .await
    }

    /// `GET /x/relation/tags`
    pub async fn tags(&self) -> Result<Envelope<Vec<Tag>>, Error> {
        self.get("/x/relation/tags", &[]).await
    }

    /// `GET /x/relation/tag`
    pub async fn tag_members(
        &self,
        tagid: i64,
        ps: Option<u32>,
        pn: Option<u32>,
    ) -> Result<Envelope<Vec<TagMember>>, Error> {
        let mut query = vec![("tagid", tagid.to_string())];
        query.extend(paging(ps, pn));
        self.get("/x/relation/tag", &query).await
    }

    /// `GET /x/relation/tag/user`
    pub async fn user_tags(&self, fid: u64) -> Result<Envelope<TagNames>, Error> {
        self.get("/x/relation/tag/user", &[("fid", fid.to_string())])
            .await
    }

    /// `GET /x/relation/tag/special`
    pub async fn special(&self) -> Result<Envelope<Vec<u64>>, Error> {
        self.get("/x/relation/tag/special", &[]).await
    }

    /// `POST /x/relation/tag/create`
    pub async fn create_tag(&self, name: &str) -> Result<Envelope<CreatedTag>, Error> {
        self.post_form("/x/relation/tag/create", &[("tag", name.to_owned())])
            .await
    }

    /// `POST /x/relation/tag/update`
    pub async fn rename_tag(&self, tagid: i64, name: &str) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/relation/tag/update",
            &[("tagid", tagid.to_string()), ("name", name.to_owned())],
        )
        .await
    }

    /// `POST /x/relation/tag/del`
    pub async fn delete_tag(&self, tagid: i64) -> Result<Envelope<()>, Error> {
        self.post_form("/x/relation/tag/del", &[("tagid", tagid.to_string())])
            .await
    }

    /// `POST /x/relation/tags/addUsers`
    pub async fn add_users_to_tags(
        &self,
        fids: &[u64],
        tagids: &[i64],
    ) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/relation/tags/addUsers",
            &[("fids", joined(fids)), ("tagids", joined(tagids))],
        )
        .await
    }
}
