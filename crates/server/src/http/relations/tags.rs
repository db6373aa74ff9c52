//! Follow groups: listing, creating, renaming, deleting, and moving people.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::relation::request::{
    CreateTagForm, DeleteTagForm, FidQuery, MoveUsersForm, TagQuery, TagUsersForm, UpdateTagForm,
};
use sixin_api::relation::{
    ContractInfo, CreatedTag, MemberLive, OrderedMap, RelationVip, Tag, TagMember, TagNames,
    SPECIAL_TAG_TIP,
};
use sixin_api::Envelope;

use super::mids;
use crate::domain::tag::{TagEdit, TagName};
use crate::domain::{Mid, TagId};
use crate::error::Error;
use crate::http::assets::face_url;
use crate::http::auth::{CsrfForm, CurrentUser};
use crate::http::extract::{mid, Query};
use crate::http::state::AppState;
use crate::store::relations::ListKind;

fn tag_ids(ids: Vec<i64>) -> Vec<TagId> {
    ids.into_iter().map(TagId).collect()
}

/// GET /x/relation/tags
///
/// The special group's `tip` is the document's; the others have none.
pub async fn get_tags(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<Vec<Tag>>>, Error> {
    let tags = state.services.relations.tags(user.mid).await?;
    Ok(Json(Envelope::ok(
        tags.into_iter()
            .map(|t| Tag {
                tagid: t.tagid.get(),
                name: t.name,
                count: t.count,
                tip: if t.tagid == TagId::SPECIAL {
                    SPECIAL_TAG_TIP.to_owned()
                } else {
                    String::new()
                },
            })
            .collect(),
    )))
}

/// GET /x/relation/tag
///
/// `tagid` -10 special, 0 default, -20 every follow, else one of the caller's
/// groups (22104 otherwise). Members carry the document's constant
/// `attribute` 0, `tag` null and `special` 0, and nobody is live.
pub async fn get_tag_members(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TagQuery>,
) -> Result<Json<Envelope<Vec<TagMember>>>, Error> {
    let page = state
        .services
        .relations
        .own_list(
            user.mid,
            ListKind::Group(TagId(query.tagid)),
            query.ps,
            query.pn,
        )
        .await?;
    let members = page
        .entries
        .into_iter()
        .map(|e| {
            let p = e.profile.shown();
            TagMember {
                mid: p.mid.get(),
                attribute: 0,
                tag: None,
                special: 0,
                contract_info: ContractInfo::default(),
                face: face_url(&state, p.face.as_deref()),
                uname: p.uname,
                sign: p.sign,
                face_nft: 0,
                vip: RelationVip::from(p.vip),
                official_verify: p.official_verify,
                live: MemberLive::default(),
                nft_icon: String::new(),
                rec_reason: String::new(),
                track_id: String::new(),
                follow_time: String::new(),
            }
        })
        .collect();
    Ok(Json(Envelope::ok(members)))
}

/// GET /x/relation/tag/user
///
/// `{}` when the user is only in the default group (or not followed).
pub async fn get_user_tags(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FidQuery>,
) -> Result<Json<Envelope<TagNames>>, Error> {
    let fid = mid(query.fid, "fid")?;
    let groups = state.services.relations.groups_of(user.mid, fid).await?;
    Ok(Json(Envelope::ok(OrderedMap(
        groups
            .into_iter()
            .map(|(tagid, name)| (tagid.get().to_string(), name))
            .collect(),
    ))))
}

/// GET /x/relation/tag/special
pub async fn get_special(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<Vec<u64>>>, Error> {
    let mids = state.services.relations.special(user.mid).await?;
    Ok(Json(Envelope::ok(mids.into_iter().map(Mid::get).collect())))
}

/// POST /x/relation/tag/create
pub async fn create_tag(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<CreateTagForm>,
) -> Result<Json<Envelope<CreatedTag>>, Error> {
    let name = TagName::parse(&form.tag)?;
    let tagid = state.services.relations.create_tag(user.mid, name).await?;
    Ok(Json(Envelope::ok(CreatedTag { tagid: tagid.get() })))
}

/// POST /x/relation/tag/update
pub async fn update_tag(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<UpdateTagForm>,
) -> Result<Json<Envelope<()>>, Error> {
    let name = TagName::parse(&form.name)?;
    state
        .services
        .relations
        .rename_tag(user.mid, TagId(form.tagid), name)
        .await?;
    Ok(Json(Envelope::empty()))
}

/// POST /x/relation/tag/del
pub async fn delete_tag(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<DeleteTagForm>,
) -> Result<Json<Envelope<()>>, Error> {
    state
        .services
        .relations
        .delete_tag(user.mid, TagId(form.tagid))
        .await?;
    Ok(Json(Envelope::empty()))
}

/// Changes the groups of the users `fids` names.
async fn edit_groups(
    state: &AppState,
    user: Mid,
    fids: sixin_api::form::CommaList<u64>,
    edit: TagEdit,
) -> Result<Json<Envelope<()>>, Error> {
    let fids = mids(fids, "fids")?;
    state.services.relations.edit_tags(user, fids, edit).await?;
    Ok(Json(Envelope::empty()))
}

/// POST /x/relation/tags/addUsers
///
/// Sets each user's groups to exactly `tagids` (the web client sends the
/// whole selection); `tagids=0` moves them back to the default group.
pub async fn add_users_to_tags(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<TagUsersForm>,
) -> Result<Json<Envelope<()>>, Error> {
    let edit = TagEdit::Set(tag_ids(form.tagids.0));
    edit_groups(&state, user.mid, form.fids, edit).await
}

/// POST /x/relation/tags/copyUsers
///
/// Adds the users to `tagids`, keeping their other groups.
pub async fn copy_users_to_tags(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<TagUsersForm>,
) -> Result<Json<Envelope<()>>, Error> {
    let edit = TagEdit::Copy(tag_ids(form.tagids.0));
    edit_groups(&state, user.mid, form.fids, edit).await
}

/// POST /x/relation/tags/moveUsers
///
/// Takes the users out of `beforeTagids` and puts them in `afterTagids`.
pub async fn move_users_between_tags(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MoveUsersForm>,
) -> Result<Json<Envelope<()>>, Error> {
    let edit = TagEdit::Move {
        from: tag_ids(form.before_tagids.0),
        to: tag_ids(form.after_tagids.0),
    };
    edit_groups(&state, user.mid, form.fids, edit).await
}
