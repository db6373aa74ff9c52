//! Fans by cursor, new followers since the last look, and searching a
//! follow list by name.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::relation::request::{FansQuery, SearchFollowingsQuery};
use sixin_api::relation::{FansList, FollowersUnread, RelationList};
use sixin_api::Envelope;

use super::view;
use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::extract::{mid, Query};
use crate::http::state::AppState;

/// GET /x/relation/fans
///
/// Someone's fans, newest follow first (ties: larger mid first), paged by
/// `pn` or, when `offset` is a `{mtime}:{mid}` cursor, from after that fan
/// (`pn` is then ignored). Only the newest 1000 of one's own fans and 100
/// of anyone else's are listed; later pages are empty, not errors. There
/// is no recommended order: `from=main` and `last_access_ts` change
/// nothing. Reading one's own first page counts as looking at one's
/// followers (`followers/unread/count`).
pub async fn get_fans(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FansQuery>,
) -> Result<Json<Envelope<FansList>>, Error> {
    let owner = mid(query.vmid, "vmid")?;
    let fans = state
        .services
        .relations
        .fans(
            Some(user.mid),
            owner,
            query.ps,
            query.pn,
            query.offset.as_deref(),
        )
        .await?;
    Ok(Json(Envelope::ok(FansList {
        list: view::list_items(&state, fans.page.entries, true, user.mid == owner),
        offset: fans.offset,
        re_version: fans.page.version,
        total: fans.page.total,
    })))
}

/// GET /x/relation/followers/unread/count
///
/// How many followed the caller since they last looked at their followers
/// (this call, or the first page of their own `followers` or `fans`), and
/// when that was (0 when nobody did). Asking counts as looking.
pub async fn get_followers_unread(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<FollowersUnread>>, Error> {
    let unread = state.services.relations.unread_followers(user.mid).await?;
    Ok(Json(Envelope::ok(FollowersUnread {
        count: unread.count,
        time: unread.time,
    })))
}

/// GET /x/relation/followings/search
///
/// Those `vmid` follows whose name contains `name` (ignoring case; all of
/// them without `name`), newest follow first, `total` counting every match.
/// Quiet follows are never found; someone else's list stops at page 5
/// (22007).
pub async fn search_followings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchFollowingsQuery>,
) -> Result<Json<Envelope<RelationList>>, Error> {
    let owner = mid(query.vmid, "vmid")?;
    let page = state
        .services
        .relations
        .search_followings(user.mid, owner, query.name.as_deref(), query.ps, query.pn)
        .await?;
    Ok(Json(Envelope::ok(RelationList {
        list: view::list_items(&state, page.entries, false, user.mid == owner),
        re_version: page.version,
        total: page.total,
    })))
}
