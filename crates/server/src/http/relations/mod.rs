//! The user-relation family: `/x/relation/...` and `/x/space/wbi/acc/relation`.

mod fans;
mod lists;
mod modify;
mod tags;
mod view;

use sixin_api::form::CommaList;
use sixin_api::relation::request::{
    BatchModifyForm, CreateTagForm, DeleteTagForm, FansQuery, FidQuery, FidsQuery, MidQuery,
    ModifyForm, MoveUsersForm, Paging, SearchFollowingsQuery, TagQuery, TagUsersForm,
    UpdateTagForm, VmidPageQuery, VmidQuery,
};
use sixin_api::relation::{
    BatchModifyResult, CreatedTag, FansList, FollowersUnread, Relation, RelationList, RelationStat,
    SpaceRelation, Tag, TagMember, UntotalledRelationList,
};
use sixin_api::Code;
use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::error::Shape;
use super::routes::{self, Auth, Doc, Routes};

use super::extract::mid;
use crate::domain::Mid;
use crate::error::Error;

pub fn router() -> Routes {
    use Code::*;
    let relation = || {
        Doc::new("Relation with one user")
            .auth(Auth::Login)
            .query::<MidQuery>()
            .data::<SpaceRelation>()
            .codes(&[RelationSelf, UserNotFound])
    };
    let public_list = |summary| {
        Doc::new(summary)
            .auth(Auth::Optional)
            .query::<VmidPageQuery>()
            .data::<RelationList>()
            .codes(&[RelationPageLimit, UserNotFound])
    };
    let own_list = |summary| Doc::new(summary).auth(Auth::Login).query::<Paging>();
    Routes::new(Shape::Plain)
        .post(
            "/x/relation/modify",
            modify::modify_relation,
            Doc::new("Follow, unfollow, block, unblock or remove a fan (act 1-7)")
                .auth(Auth::Csrf)
                .form::<ModifyForm>()
                .codes(&[
                    RelationSelf,
                    RelationBlacklisted,
                    BlacklistFull,
                    FollowLimit,
                    AlreadyFollowing,
                    AlreadyBlocked,
                    UserNotFound,
                ]),
        )
        .post(
            "/x/relation/batch/modify",
            modify::batch_modify_relation,
            Doc::new("Follow or block up to 50 users")
                .auth(Auth::Csrf)
                .form::<BatchModifyForm>()
                .data::<BatchModifyResult>(),
        )
        .get(
            "/x/relation",
            lists::get_relation,
            Doc::new("The caller's relation to one user")
                .auth(Auth::Login)
                .query::<FidQuery>()
                .data::<Relation>()
                .codes(&[UserNotFound]),
        )
        .get(
            "/x/relation/relations",
            lists::get_relations,
            Doc::new("The caller's relations to several users")
                .auth(Auth::Login)
                .query::<FidsQuery>()
                .data_map::<Relation>(),
        )
        .get(
            "/x/space/acc/relation",
            lists::get_space_relation,
            relation(),
        )
        .get(
            "/x/space/wbi/acc/relation",
            lists::get_space_relation,
            relation(),
        )
        .get(
            "/x/web-interface/relation",
            lists::get_space_relation,
            relation(),
        )
        .get(
            "/x/relation/followings",
            lists::get_followings,
            public_list("A user's followings, newest first"),
        )
        .get(
            "/x/relation/followers",
            lists::get_followers,
            public_list("A user's followers, newest first"),
        )
        .get(
            "/x/relation/fans",
            fans::get_fans,
            Doc::new("A user's fans, newest follow first, with offset cursor paging")
                .auth(Auth::Login)
                .query::<FansQuery>()
                .data::<FansList>()
                .codes(&[UserNotFound]),
        )
        .get(
            "/x/relation/followers/unread/count",
            fans::get_followers_unread,
            Doc::new("Followers since the caller last looked (asking counts as looking)")
                .auth(Auth::Login)
                .data::<FollowersUnread>(),
        )
        .get(
            "/x/relation/followings/search",
            fans::search_followings,
            Doc::new("Search a user's followings by name")
                .auth(Auth::Login)
                .query::<SearchFollowingsQuery>()
                .data::<RelationList>()
                .codes(&[RelationPageLimit, UserNotFound]),
        )
        .get(
            "/x/relation/same/followings",
            lists::get_same_followings,
            Doc::new("Users both the caller and vmid follow")
                .auth(Auth::Login)
                .query::<VmidPageQuery>()
                .data::<RelationList>()
                .codes(&[RelationPageLimit]),
        )
        .get(
            "/x/relation/whispers",
            lists::get_whispers,
            own_list("The caller's quiet follows").data::<UntotalledRelationList>(),
        )
        .get(
            "/x/relation/friends",
            lists::get_friends,
            own_list("The caller's mutual follows").data::<UntotalledRelationList>(),
        )
        .get(
            "/x/relation/blacks",
            lists::get_blacks,
            own_list("The caller's blacklist").data::<RelationList>(),
        )
        .get(
            "/x/relation/stat",
            lists::get_stat,
            Doc::new("A user's following and follower counts")
                .auth(Auth::Optional)
                .query::<VmidQuery>()
                .data::<RelationStat>()
                .codes(&[UserNotFound]),
        )
        .get(
            "/x/relation/tags",
            tags::get_tags,
            Doc::new("The caller's follow groups")
                .auth(Auth::Login)
                .data_list::<Tag>(),
        )
        .get(
            "/x/relation/tag",
            tags::get_tag_members,
            Doc::new("The members of one of the caller's follow groups")
                .auth(Auth::Login)
                .query::<TagQuery>()
                .data_list::<TagMember>()
                .codes(&[TagNotFound]),
        )
        .get(
            "/x/relation/tag/user",
            tags::get_user_tags,
            Doc::new("The groups the caller put a user in")
                .auth(Auth::Login)
                .query::<FidQuery>()
                .data_schema(
                    ObjectBuilder::new()
                        .description(Some("Group names keyed by group id"))
                        .additional_properties(Some(
                            ObjectBuilder::new().schema_type(Type::String),
                        )),
                ),
        )
        .get(
            "/x/relation/tag/special",
            tags::get_special,
            Doc::new("The users in the caller's special group (特别关注)")
                .auth(Auth::Login)
                .data_schema(routes::list(Type::Integer, "User ids")),
        )
        .post(
            "/x/relation/tag/create",
            tags::create_tag,
            Doc::new("Create a follow group")
                .auth(Auth::Csrf)
                .form::<CreateTagForm>()
                .data::<CreatedTag>()
                .codes(&[TooManyTags, TagNameTooLong, TagNameInvalid, TagExists]),
        )
        .post(
            "/x/relation/tag/update",
            tags::update_tag,
            Doc::new("Rename a follow group")
                .auth(Auth::Csrf)
                .form::<UpdateTagForm>()
                .codes(&[TagNotFound, TagNameTooLong, TagNameInvalid, TagExists]),
        )
        .post(
            "/x/relation/tag/del",
            tags::delete_tag,
            Doc::new("Delete a follow group (its members stay followed)")
                .auth(Auth::Csrf)
                .form::<DeleteTagForm>()
                .codes(&[TagNotFound]),
        )
        .post(
            "/x/relation/tags/addUsers",
            tags::add_users_to_tags,
            Doc::new("Set the groups of followed users")
                .auth(Auth::Csrf)
                .form::<TagUsersForm>()
                .codes(&[TagNotFound, NotFollowing]),
        )
        .post(
            "/x/relation/tags/copyUsers",
            tags::copy_users_to_tags,
            Doc::new("Add followed users to more groups")
                .auth(Auth::Csrf)
                .form::<TagUsersForm>()
                .codes(&[TagNotFound, NotFollowing]),
        )
        .post(
            "/x/relation/tags/moveUsers",
            tags::move_users_between_tags,
            Doc::new("Move followed users from some groups to others")
                .auth(Auth::Csrf)
                .form::<MoveUsersForm>()
                .codes(&[TagNotFound, NotFollowing]),
        )
}

/// A comma-separated list of user ids as mids (-400 for one that is not).
fn mids(list: CommaList<u64>, field: &'static str) -> Result<Vec<Mid>, Error> {
    list.0.into_iter().map(|id| mid(id, field)).collect()
}
