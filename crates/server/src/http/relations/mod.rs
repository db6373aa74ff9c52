//! The user-relation family: `/x/relation/...` and `/x/space/wbi/acc/relation`.

mod lists;
mod modify;
mod tags;
mod view;

use axum::routing::{get, post};
use axum::Router;
use sixin_api::form::CommaList;

use super::extract::mid;
use super::state::AppState;
use crate::domain::Mid;
use crate::error::Error;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/x/relation/modify", post(modify::modify_relation))
        .route(
            "/x/relation/batch/modify",
            post(modify::batch_modify_relation),
        )
        .route("/x/relation", get(lists::get_relation))
        .route("/x/relation/relations", get(lists::get_relations))
        .route("/x/space/acc/relation", get(lists::get_space_relation))
        .route("/x/space/wbi/acc/relation", get(lists::get_space_relation))
        .route("/x/web-interface/relation", get(lists::get_space_relation))
        .route("/x/relation/followings", get(lists::get_followings))
        .route("/x/relation/followers", get(lists::get_followers))
        .route(
            "/x/relation/same/followings",
            get(lists::get_same_followings),
        )
        .route("/x/relation/whispers", get(lists::get_whispers))
        .route("/x/relation/friends", get(lists::get_friends))
        .route("/x/relation/blacks", get(lists::get_blacks))
        .route("/x/relation/stat", get(lists::get_stat))
        .route("/x/relation/tags", get(tags::get_tags))
        .route("/x/relation/tag", get(tags::get_tag_members))
        .route("/x/relation/tag/user", get(tags::get_user_tags))
        .route("/x/relation/tag/special", get(tags::get_special))
        .route("/x/relation/tag/create", post(tags::create_tag))
        .route("/x/relation/tag/update", post(tags::update_tag))
        .route("/x/relation/tag/del", post(tags::delete_tag))
        .route("/x/relation/tags/addUsers", post(tags::add_users_to_tags))
        .route("/x/relation/tags/copyUsers", post(tags::copy_users_to_tags))
        .route(
            "/x/relation/tags/moveUsers",
            post(tags::move_users_between_tags),
        )
}

/// A comma-separated list of user ids as mids (-400 for one that is not).
fn mids(list: CommaList<u64>, field: &'static str) -> Result<Vec<Mid>, Error> {
    list.0.into_iter().map(|id| mid(id, field)).collect()
}
