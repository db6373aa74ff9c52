//! Reading relations: one, many, and paged lists.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::relation::request::{
    FidQuery, FidsQuery, MidQuery, Paging, VmidPageQuery, VmidQuery,
};
use sixin_api::relation::{
    attribute, OrderedMap, Relation, RelationList, RelationStat, Relations, SpaceRelation,
    UntotalledRelationList,
};
use sixin_api::Envelope;

use super::{mids, view};
use crate::error::Error;
use crate::http::auth::{CurrentUser, MaybeUser};
use crate::http::extract::{mid, Query};
use crate::http::state::AppState;
use crate::store::relations::{ListKind, ListPage};

/// GET /x/relation
pub async fn get_relation(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FidQuery>,
) -> Result<Json<Envelope<Relation>>, Error> {
    let fid = mid(query.fid, "fid")?;
    let pair = state.services.relations.relation(user.mid, fid).await?;
    Ok(Json(Envelope::ok(view::relation(fid, &pair, true))))
}

/// GET /x/relation/relations
///
/// Only users the caller has a relation with appear, as in the document's
/// example (five asked, two answered).
pub async fn get_relations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FidsQuery>,
) -> Result<Json<Envelope<Relations>>, Error> {
    let fids = mids(query.fids, "fids")?;
    let pairs = state.services.relations.relations(user.mid, fids).await?;
    let map = pairs
        .into_iter()
        .map(|(fid, pair)| view::relation(fid, &pair, true))
        .filter(|r| r.attribute != attribute::NONE)
        .map(|r| (r.mid.to_string(), r))
        .collect();
    Ok(Json(Envelope::ok(OrderedMap(map))))
}

/// GET /x/space/wbi/acc/relation
///
/// Also served at `/x/space/acc/relation` and `/x/web-interface/relation`.
/// The target's quiet follow of the caller shows as no relation.
pub async fn get_space_relation(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MidQuery>,
) -> Result<Json<Envelope<SpaceRelation>>, Error> {
    let target = mid(query.mid, "mid")?;
    let pair = state.services.relations.relation(user.mid, target).await?;
    let relation = view::relation(target, &pair, true);
    let be_relation = view::relation(user.mid, &pair.reversed(), false);
    Ok(Json(Envelope::ok(SpaceRelation {
        relation: view::space_side(relation),
        be_relation: view::space_side(be_relation),
    })))
}

/// A page as `RelationList`.
fn relation_list(
    state: &AppState,
    page: ListPage,
    followers: bool,
    owner: bool,
) -> Json<Envelope<RelationList>> {
    Json(Envelope::ok(RelationList {
        list: view::list_items(state, page.entries, followers, owner),
        re_version: page.version,
        total: page.total,
    }))
}

/// Someone's followings or followers.
async fn public_list(
    state: AppState,
    viewer: MaybeUser,
    query: VmidPageQuery,
    kind: ListKind,
) -> Result<Json<Envelope<RelationList>>, Error> {
    let owner = mid(query.vmid, "vmid")?;
    let page = state
        .services
        .relations
        .public_list(viewer.mid(), owner, kind, query.ps, query.pn)
        .await?;
    let is_owner = viewer.mid() == Some(owner);
    Ok(relation_list(
        &state,
        page,
        kind == ListKind::Followers,
        is_owner,
    ))
}

/// GET /x/relation/followings
pub async fn get_followings(
    State(state): State<AppState>,
    viewer: MaybeUser,
    Query(query): Query<VmidPageQuery>,
) -> Result<Json<Envelope<RelationList>>, Error> {
    public_list(state, viewer, query, ListKind::Followings).await
}

/// GET /x/relation/followers
///
/// The owner reading their first page counts as looking at their
/// followers (`followers/unread/count`).
pub async fn get_followers(
    State(state): State<AppState>,
    viewer: MaybeUser,
    Query(query): Query<VmidPageQuery>,
) -> Result<Json<Envelope<RelationList>>, Error> {
    public_list(state, viewer, query, ListKind::Followers).await
}

/// GET /x/relation/same/followings
pub async fn get_same_followings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<VmidPageQuery>,
) -> Result<Json<Envelope<RelationList>>, Error> {
    let other = mid(query.vmid, "vmid")?;
    let page = state
        .services
        .relations
        .own_list(
            user.mid,
            ListKind::SameFollowings(other),
            query.ps,
            query.pn,
        )
        .await?;
    Ok(relation_list(&state, page, false, true))
}

/// The caller's own list without `total`: everything unless a page is asked for.
async fn own_untotalled(
    state: AppState,
    user: CurrentUser,
    paging: Paging,
    kind: ListKind,
) -> Result<Json<Envelope<UntotalledRelationList>>, Error> {
    let page = state
        .services
        .relations
        .own_whole_list(user.mid, kind, paging.ps, paging.pn)
        .await?;
    Ok(Json(Envelope::ok(UntotalledRelationList {
        list: view::list_items(&state, page.entries, false, true),
        re_version: page.version,
    })))
}

/// GET /x/relation/whispers
pub async fn get_whispers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Envelope<UntotalledRelationList>>, Error> {
    own_untotalled(state, user, paging, ListKind::Whispers).await
}

/// GET /x/relation/friends
pub async fn get_friends(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Envelope<UntotalledRelationList>>, Error> {
    own_untotalled(state, user, paging, ListKind::Friends).await
}

/// GET /x/relation/blacks
pub async fn get_blacks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Envelope<RelationList>>, Error> {
    let page = state
        .services
        .relations
        .own_list(user.mid, ListKind::Blacks, paging.ps, paging.pn)
        .await?;
    Ok(relation_list(&state, page, false, true))
}

/// GET /x/relation/stat
///
/// Anyone may ask; `whisper` and `black` are the owner's secrets and are 0
/// for everyone else.
pub async fn get_stat(
    State(state): State<AppState>,
    viewer: MaybeUser,
    Query(query): Query<VmidQuery>,
) -> Result<Json<Envelope<RelationStat>>, Error> {
    let vmid = mid(query.vmid, "vmid")?;
    let counts = state.services.relations.stat(viewer.mid(), vmid).await?;
    Ok(Json(Envelope::ok(RelationStat {
        mid: vmid.get(),
        following: counts.following,
        whisper: counts.whisper,
        black: counts.black,
        follower: counts.follower,
    })))
}
