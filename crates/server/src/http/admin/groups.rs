//! Fan groups through the admin API: create, change, dissolve, members.

use crate::http::reply::Json;
use axum::extract::{Path, State};
use sixin_api::admin::{CreateGroup, CreatedGroup, GroupEntry, GroupMembers, PatchGroup};
use sixin_api::{Code, Envelope};

use super::{check_link, parse_mid};
use crate::domain::group::{check_name, check_type, GroupId};
use crate::domain::Mid;
use crate::error::Error;
use crate::http::auth::Admin;
use crate::http::error::Shape;
use crate::http::extract;
use crate::http::routes::{Auth, Doc, Routes};
use crate::http::state::AppState;
use crate::service::groups::GroupChange;
use crate::store::groups::NewGroup;

/// Most users added in one request.
const MAX_ADDED: usize = 1000;

pub(super) fn router() -> Routes {
    use Code::*;
    let admin = |summary| Doc::new(summary).auth(Auth::Admin);
    let id = "The group's id";
    Routes::new(Shape::Plain)
        .post(
            "/admin/v1/groups",
            create_group,
            admin("Create a fan group (its owner its first member; posts 305)")
                .json::<CreateGroup>()
                .data::<CreatedGroup>()
                .codes(&[UserNotFound, Conflict]),
        )
        .get(
            "/admin/v1/groups/{id}",
            get_group,
            admin("A fan group and its members")
                .path_param("id", id)
                .data::<GroupEntry>()
                .codes(&[NotFound]),
        )
        .patch(
            "/admin/v1/groups/{id}",
            patch_group,
            admin("Rename, re-cover, freeze (posts 303) or unfreeze a fan group")
                .path_param("id", id)
                .json::<PatchGroup>()
                .codes(&[NotFound, GroupDissolved]),
        )
        .delete(
            "/admin/v1/groups/{id}",
            dissolve_group,
            admin("Dissolve a fan group (posts 304; members keep its history)")
                .path_param("id", id)
                .codes(&[NotFound, GroupDissolved]),
        )
        .post(
            "/admin/v1/groups/{id}/members",
            add_members,
            admin("Add users to a fan group (posts 306 for each new member)")
                .path_param("id", id)
                .json::<GroupMembers>()
                .codes(&[NotFound, GroupDissolved, UserNotFound]),
        )
        .delete(
            "/admin/v1/groups/{id}/members/{mid}",
            remove_member,
            admin("Remove a member from a fan group (posts 302)")
                .path_param("id", id)
                .path_param("mid", "The member's mid")
                .codes(&[NotFound, GroupDissolved]),
        )
}

fn parse_id(text: &str) -> Result<GroupId, Error> {
    text.trim()
        .parse()
        .ok()
        .and_then(GroupId::new)
        .ok_or_else(|| Error::bad_request(format!("id must be a group id, not {text:?}")))
}

fn check_cover(cover: &Option<String>) -> Result<(), Error> {
    match cover {
        Some(cover) => check_link(cover),
        None => Ok(()),
    }
}

/// POST /admin/v1/groups
async fn create_group(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<CreateGroup>,
) -> Result<Json<Envelope<CreatedGroup>>, Error> {
    let id = match body.group_id {
        Some(id) => Some(
            GroupId::new(id).ok_or_else(|| Error::bad_request("group_id must be 1..=2^63-1"))?,
        ),
        None => None,
    };
    let owner = Mid::new(body.owner).ok_or_else(|| Error::bad_request("owner must be a mid"))?;
    check_name(&body.name).map_err(Error::bad_request)?;
    let cover = body.cover.filter(|c| !c.is_empty());
    check_cover(&cover)?;
    check_type(body.group_type).map_err(Error::bad_request)?;
    let id = state
        .services
        .groups
        .create(NewGroup {
            id,
            owner,
            name: body.name,
            cover,
            group_type: body.group_type,
        })
        .await?;
    Ok(Json(Envelope::ok(CreatedGroup { group_id: id.get() })))
}

/// GET /admin/v1/groups/{id}
async fn get_group(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Json<Envelope<GroupEntry>>, Error> {
    let id = parse_id(&id)?;
    let (group, members) = state
        .services
        .groups
        .group(id)
        .await?
        .ok_or(Error::from(Code::NotFound))?;
    Ok(Json(Envelope::ok(GroupEntry {
        group_id: group.id.get(),
        owner: group.owner.get(),
        name: group.name,
        cover: crate::http::messages::group_cover(&state.public_url, group.cover),
        group_type: group.group_type,
        frozen: group.frozen,
        dissolved: group.dissolved,
        members: members.into_iter().map(Mid::get).collect(),
    })))
}

/// PATCH /admin/v1/groups/{id}
async fn patch_group(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
    extract::Json(body): extract::Json<PatchGroup>,
) -> Result<Json<Envelope<()>>, Error> {
    let id = parse_id(&id)?;
    if let Some(name) = &body.name {
        check_name(name).map_err(Error::bad_request)?;
    }
    check_cover(&body.cover)?;
    let change = GroupChange {
        name: body.name,
        cover: body.cover,
        frozen: body.frozen,
    };
    state.services.groups.update(id, change).await?;
    Ok(Json(Envelope::empty()))
}

/// DELETE /admin/v1/groups/{id}
async fn dissolve_group(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Json<Envelope<()>>, Error> {
    state.services.groups.dissolve(parse_id(&id)?).await?;
    Ok(Json(Envelope::empty()))
}

/// POST /admin/v1/groups/{id}/members
async fn add_members(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
    extract::Json(body): extract::Json<GroupMembers>,
) -> Result<Json<Envelope<()>>, Error> {
    let id = parse_id(&id)?;
    if body.mids.is_empty() || body.mids.len() > MAX_ADDED {
        return Err(Error::bad_request("mids must hold 1 to 1000 mids"));
    }
    let mids = body
        .mids
        .iter()
        .map(|&m| Mid::new(m).ok_or_else(|| Error::bad_request(format!("mids: {m} is not a mid"))))
        .collect::<Result<Vec<_>, _>>()?;
    state.services.groups.add_members(id, mids).await?;
    Ok(Json(Envelope::empty()))
}

/// DELETE /admin/v1/groups/{id}/members/{mid}
async fn remove_member(
    State(state): State<AppState>,
    _: Admin,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Json<Envelope<()>>, Error> {
    let id = parse_id(&id)?;
    let mid = parse_mid(&mid)?;
    state.services.groups.remove_member(id, mid).await?;
    Ok(Json(Envelope::empty()))
}
