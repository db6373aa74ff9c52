//! The user-relation family: `/x/relation/...` and `/x/space/wbi/acc/relation`.
//!
//! Where the documents are silent, sixin decides (also in the README):
//! - A quiet follow (悄悄关注) is invisible to everyone but the follower: it
//!   is not in the target's followers nor in the follower's followings (it is
//!   in `whispers`), it does not count as a follower, and others see its
//!   attribute as 0. It counts towards the follow limit.
//! - Groups belong to a follow (attribute 2). A quiet follow cannot be put in
//!   groups (22105). Unfollowing, turning the follow into a quiet one, being
//!   blocked or removed as a fan drops its groups and its special mark;
//!   following again starts in the default group.
//! - `tags/addUsers` sets each user's groups to exactly `tagids` (the web
//!   client sends the whole selection); `tagids=0` moves them back to the
//!   default group. A follow in any group, the special one included, is not
//!   in the default group, so `tag` is `null` exactly for the default group.
//! - Unfollowing, unblocking or removing someone who is not there is a success.
//! - List entries describe the list owner's relation to each user: `mtime`
//!   is when the listed relation was made (for followers, when they
//!   followed), `tag`/`special` the owner's groups for them.
//! - `ps` is at most 50 everywhere (as documented for `blacks`).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Deserializer};
use sixin_api::relation::{
    attribute, BatchModifyResult, CreatedTag, OrderedMap, Relation, RelationList, RelationListItem,
    RelationStat, RelationVip, Relations, SpaceRelation, SpaceRelationSide, Tag, TagMember,
    TagNames, UntotalledRelationList,
};
use sixin_api::{Code, Envelope};

use crate::assets::face_url;
use crate::auth::{now_secs, CsrfForm, CurrentUser, MaybeUser};
use crate::domain::{Mid, Profile};
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use crate::store::{
    Act, ListEntry, ListKind, Page, RelationLimits, RelationPair, TagEdit, TagName,
};

/// Default `ps` of every paged list.
const DEFAULT_PS: u64 = 50;
/// Largest `ps` served. The documents give 50 as the default and as the
/// blacklist's cap; capping every list there keeps a page's cost bounded.
/// Offsets use the capped size, so `pn` paging still visits every entry.
const MAX_PS: u64 = 50;
/// Pages of someone else's followings or followers one may read (22007 beyond).
const OTHERS_MAX_PN: u64 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/x/relation/modify", post(modify_relation))
        .route("/x/relation/batch/modify", post(batch_modify_relation))
        .route("/x/relation", get(get_relation))
        .route("/x/relation/relations", get(get_relations))
        .route("/x/space/acc/relation", get(get_space_relation))
        .route("/x/space/wbi/acc/relation", get(get_space_relation))
        .route("/x/web-interface/relation", get(get_space_relation))
        .route("/x/relation/followings", get(get_followings))
        .route("/x/relation/followers", get(get_followers))
        .route("/x/relation/same/followings", get(get_same_followings))
        .route("/x/relation/whispers", get(get_whispers))
        .route("/x/relation/friends", get(get_friends))
        .route("/x/relation/blacks", get(get_blacks))
        .route("/x/relation/stat", get(get_stat))
        .route("/x/relation/tags", get(get_tags))
        .route("/x/relation/tag", get(get_tag_members))
        .route("/x/relation/tag/user", get(get_user_tags))
        .route("/x/relation/tag/special", get(get_special))
        .route("/x/relation/tag/create", post(create_tag))
        .route("/x/relation/tag/update", post(update_tag))
        .route("/x/relation/tag/del", post(delete_tag))
        .route("/x/relation/tags/addUsers", post(add_users_to_tags))
        .route("/x/relation/tags/copyUsers", post(copy_users_to_tags))
        .route("/x/relation/tags/moveUsers", post(move_users_between_tags))
}

/// The configured limits.
fn limits(state: &AppState) -> RelationLimits {
    RelationLimits {
        max_followings: state.config.max_followings,
        max_blacklist: state.config.max_blacklist,
        max_tags: state.config.max_tags,
    }
}

/// A comma-separated list (`fids=1,2,3`, `tagids=-10,207542`); -400 when
/// empty or when an element does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CommaList<T>(Vec<T>);

impl<'de, T: std::str::FromStr> Deserialize<'de> for CommaList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let items = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<T>())
            .collect::<Result<Vec<T>, _>>()
            .map_err(|_| serde::de::Error::custom("invalid list element"))?;
        if items.is_empty() {
            return Err(serde::de::Error::custom("empty list"));
        }
        Ok(CommaList(items))
    }
}

/// A mid as an element of a comma-separated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ListedMid(Mid);

impl std::str::FromStr for ListedMid {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Mid::parse(s).map(ListedMid).ok_or(())
    }
}

/// `ps`/`pn` as clients send them: absent or 0 means the default, `ps` is
/// capped at [`MAX_PS`].
#[derive(Debug, Clone, Copy, Deserialize)]
struct Paging {
    #[serde(default)]
    ps: Option<u64>,
    #[serde(default)]
    pn: Option<u64>,
}

impl Paging {
    fn ps(self) -> u64 {
        self.ps
            .filter(|&ps| ps > 0)
            .unwrap_or(DEFAULT_PS)
            .min(MAX_PS)
    }

    fn pn(self) -> u64 {
        self.pn.filter(|&pn| pn > 0).unwrap_or(1)
    }

    fn page(self) -> Page {
        Page::new(self.ps(), self.pn())
    }

    /// Unpaged lists (whispers, friends) answer everything unless asked for a page.
    fn page_or_all(self) -> Page {
        if self.ps.is_none() && self.pn.is_none() {
            Page::all()
        } else {
            self.page()
        }
    }
}

fn vip_of(profile: &Profile) -> RelationVip {
    profile.vip.into()
}

/// The owner's relation to `pair`'s other side as `GET /x/relation` shows it:
/// all zeros (and `tag: null`) when there is none or it is hidden.
fn relation_view(mid: Mid, pair: &RelationPair, show_quiet: bool) -> Relation {
    let attribute = pair.attribute(show_quiet);
    let row = pair
        .forward
        .as_ref()
        .filter(|_| attribute != attribute::NONE);
    Relation {
        mid: mid.get(),
        attribute,
        mtime: row.map_or(0, |r| r.mtime),
        tag: row.and_then(|r| (!r.tags.is_empty()).then(|| r.tags.clone())),
        special: row.map_or(0, |r| i64::from(r.special)),
    }
}

/// The entries of a page, in order.
fn list_items(
    state: &AppState,
    entries: Vec<ListEntry>,
    followers: bool,
    owner: bool,
) -> Vec<RelationListItem> {
    entries
        .into_iter()
        .map(|e| list_item(state, e, followers, owner))
        .collect()
}

/// One list entry; `followers` lists show when the fan followed.
fn list_item(state: &AppState, entry: ListEntry, followers: bool, owner: bool) -> RelationListItem {
    let view = relation_view(entry.profile.mid, &entry.pair, owner);
    let mtime = if followers {
        entry.pair.backward.as_ref().map_or(0, |r| r.mtime)
    } else {
        view.mtime
    };
    let p = entry.profile;
    // The seed's followers table gives `tag` as null and `special` as 0; a
    // client built from it would not expect the owner's groups there.
    let (tag, special) = if followers {
        (None, 0)
    } else {
        (view.tag, view.special)
    };
    RelationListItem {
        mid: p.mid.get(),
        attribute: view.attribute,
        mtime,
        tag,
        special,
        uname: p.uname.clone(),
        face: face_url(state, p.face.as_deref()),
        sign: p.sign.clone(),
        vip: vip_of(&p),
        official_verify: p.official_verify,
    }
}

#[derive(Debug, Deserialize)]
struct ModifyForm {
    fid: Mid,
    act: i64,
}

/// POST /x/relation/modify
///
/// `re_src` is accepted and ignored, whatever its value.
async fn modify_relation(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ModifyForm>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let act = Act::from_code(form.act)
        .ok_or_else(|| ApiError::bad_request(format!("unknown act {}", form.act)))?;
    let outcome = state
        .store
        .modify(user.mid, form.fid, act, limits(&state), now_secs())
        .await?;
    greet_if_mutual(&state, user.mid, form.fid, outcome).await;
    Ok(Json(Envelope::empty()))
}

/// When a follow made two users mutual followers, the one who completed the
/// pair sends the automatic greeting (`msg_source` 17). The follow is already
/// committed; a failed greeting is logged, not reported as a failed follow.
async fn greet_if_mutual(
    state: &AppState,
    mid: Mid,
    fid: Mid,
    outcome: crate::store::ModifyOutcome,
) {
    if !outcome.became_mutual {
        return;
    }
    let sent = crate::messages::send_automatic(
        state,
        mid,
        fid,
        crate::messages::policy::MUTUAL_GREETING,
        crate::messages::content::SOURCE_MUTUAL,
    )
    .await;
    if let Err(err) = sent {
        tracing::warn!(%mid, %fid, %err, "mutual-follow greeting not sent");
    }
}

/// Most users one `batch/modify` may name.
const MAX_BATCH_FIDS: usize = 50;

#[derive(Debug, Deserialize)]
struct BatchModifyForm {
    // The document's table says `fids`, its example sends `fid`.
    #[serde(alias = "fid")]
    fids: CommaList<ListedMid>,
    act: i64,
}

/// POST /x/relation/batch/modify
///
/// Follows (1) or blocks (5) up to 50 users, each on its own: those refused
/// (yourself, unknown, blocked, already done, over a limit) are listed in
/// `failed_fids`. Any other `act`, or more than 50 users, is -400.
async fn batch_modify_relation(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<BatchModifyForm>,
) -> Result<Json<Envelope<BatchModifyResult>>, ApiError> {
    let act = match form.act {
        1 => Act::Follow,
        5 => Act::Block,
        other => return Err(ApiError::bad_request(format!("batch act {other}"))),
    };
    if form.fids.0.len() > MAX_BATCH_FIDS {
        return Err(ApiError::bad_request("more than 50 fids"));
    }
    let mut failed_fids = Vec::new();
    for ListedMid(fid) in form.fids.0 {
        let outcome = state
            .store
            .modify(user.mid, fid, act, limits(&state), now_secs())
            .await;
        match outcome {
            Ok(outcome) => greet_if_mutual(&state, user.mid, fid, outcome).await,
            Err(crate::store::StoreError::Rejected(code)) => {
                tracing::debug!(%fid, %code, "batch modify refused");
                failed_fids.push(fid.get());
            }
            Err(err) => {
                // Earlier fids are committed already: report this one as
                // failed rather than failing the whole answer.
                tracing::error!(%fid, %err, "batch modify failed");
                failed_fids.push(fid.get());
            }
        }
    }
    Ok(Json(Envelope::ok(BatchModifyResult { failed_fids })))
}

#[derive(Debug, Deserialize)]
struct FidQuery {
    fid: Mid,
}

/// GET /x/relation
async fn get_relation(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FidQuery>,
) -> Result<Json<Envelope<Relation>>, ApiError> {
    let pair = state.store.relation(user.mid, query.fid).await?;
    Ok(Json(Envelope::ok(relation_view(query.fid, &pair, true))))
}

#[derive(Debug, Deserialize)]
struct FidsQuery {
    // The document's table says `fids`, its example sends `fid`.
    #[serde(alias = "fid")]
    fids: CommaList<ListedMid>,
}

/// GET /x/relation/relations
///
/// Only users the caller has a relation with appear, as in the document's
/// example (five asked, two answered).
async fn get_relations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FidsQuery>,
) -> Result<Json<Envelope<Relations>>, ApiError> {
    let mut fids: Vec<Mid> = Vec::new();
    for ListedMid(fid) in query.fids.0 {
        if !fids.contains(&fid) {
            fids.push(fid);
        }
    }
    let pairs = state.store.relations(user.mid, fids).await?;
    let map = pairs
        .into_iter()
        .map(|(fid, pair)| relation_view(fid, &pair, true))
        .filter(|r| r.attribute != attribute::NONE)
        .map(|r| (r.mid.to_string(), r))
        .collect();
    Ok(Json(Envelope::ok(OrderedMap(map))))
}

#[derive(Debug, Deserialize)]
struct MidQuery {
    mid: Mid,
}

fn space_side(r: Relation) -> SpaceRelationSide {
    SpaceRelationSide {
        mid: r.mid,
        attribute: r.attribute,
        mtime: r.mtime,
        tag: r.tag,
        special: r.special,
        is_followed: false,
    }
}

/// GET /x/space/wbi/acc/relation
///
/// Also served at `/x/space/acc/relation` and `/x/web-interface/relation`.
/// The target's quiet follow of the caller shows as no relation.
async fn get_space_relation(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<MidQuery>,
) -> Result<Json<Envelope<SpaceRelation>>, ApiError> {
    let pair = state.store.relation(user.mid, query.mid).await?;
    let relation = relation_view(query.mid, &pair, true);
    let be_relation = relation_view(user.mid, &pair.reversed(), false);
    Ok(Json(Envelope::ok(SpaceRelation {
        relation: space_side(relation),
        be_relation: space_side(be_relation),
    })))
}

#[derive(Debug, Deserialize)]
struct VmidPage {
    vmid: Mid,
    #[serde(default)]
    ps: Option<u64>,
    #[serde(default)]
    pn: Option<u64>,
}

impl VmidPage {
    fn paging(&self) -> Paging {
        Paging {
            ps: self.ps,
            pn: self.pn,
        }
    }
}

/// Someone's followings or followers: all pages for the owner, the first
/// five for anyone else.
async fn public_list(
    state: AppState,
    viewer: MaybeUser,
    query: VmidPage,
    kind: ListKind,
) -> Result<Json<Envelope<RelationList>>, ApiError> {
    let owner = viewer.0.as_ref().is_some_and(|u| u.mid == query.vmid);
    if !owner && query.paging().pn() > OTHERS_MAX_PN {
        return Err(Code::RelationPageLimit.into());
    }
    let page = state
        .store
        .list(query.vmid, kind, query.paging().page())
        .await?;
    let followers = kind == ListKind::Followers;
    Ok(Json(Envelope::ok(RelationList {
        list: list_items(&state, page.entries, followers, owner),
        re_version: page.version,
        total: page.total,
    })))
}

/// GET /x/relation/followings
async fn get_followings(
    State(state): State<AppState>,
    viewer: MaybeUser,
    Query(query): Query<VmidPage>,
) -> Result<Json<Envelope<RelationList>>, ApiError> {
    public_list(state, viewer, query, ListKind::Followings).await
}

/// GET /x/relation/followers
async fn get_followers(
    State(state): State<AppState>,
    viewer: MaybeUser,
    Query(query): Query<VmidPage>,
) -> Result<Json<Envelope<RelationList>>, ApiError> {
    public_list(state, viewer, query, ListKind::Followers).await
}

/// GET /x/relation/same/followings
async fn get_same_followings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<VmidPage>,
) -> Result<Json<Envelope<RelationList>>, ApiError> {
    let page = state
        .store
        .list(
            user.mid,
            ListKind::SameFollowings(query.vmid),
            query.paging().page(),
        )
        .await?;
    Ok(Json(Envelope::ok(RelationList {
        list: list_items(&state, page.entries, false, true),
        re_version: page.version,
        total: page.total,
    })))
}

/// The caller's own list without `total`.
async fn own_untotalled(
    state: AppState,
    user: CurrentUser,
    paging: Paging,
    kind: ListKind,
) -> Result<Json<Envelope<UntotalledRelationList>>, ApiError> {
    let page = state
        .store
        .list(user.mid, kind, paging.page_or_all())
        .await?;
    Ok(Json(Envelope::ok(UntotalledRelationList {
        list: list_items(&state, page.entries, false, true),
        re_version: page.version,
    })))
}

/// GET /x/relation/whispers
async fn get_whispers(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Envelope<UntotalledRelationList>>, ApiError> {
    own_untotalled(state, user, paging, ListKind::Whispers).await
}

/// GET /x/relation/friends
async fn get_friends(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Envelope<UntotalledRelationList>>, ApiError> {
    own_untotalled(state, user, paging, ListKind::Friends).await
}

/// GET /x/relation/blacks
async fn get_blacks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Envelope<RelationList>>, ApiError> {
    let page = state
        .store
        .list(user.mid, ListKind::Blacks, paging.page())
        .await?;
    Ok(Json(Envelope::ok(RelationList {
        list: list_items(&state, page.entries, false, true),
        re_version: page.version,
        total: page.total,
    })))
}

#[derive(Debug, Deserialize)]
struct VmidQuery {
    vmid: Mid,
}

/// GET /x/relation/stat
///
/// Anyone may ask; `whisper` and `black` are the owner's secrets and are 0
/// for everyone else.
async fn get_stat(
    State(state): State<AppState>,
    viewer: MaybeUser,
    Query(query): Query<VmidQuery>,
) -> Result<Json<Envelope<RelationStat>>, ApiError> {
    let owner = viewer.0.as_ref().is_some_and(|u| u.mid == query.vmid);
    let counts = state.store.relation_counts(query.vmid).await?;
    Ok(Json(Envelope::ok(RelationStat {
        mid: query.vmid.get(),
        following: counts.following,
        whisper: if owner { counts.whisper } else { 0 },
        black: if owner { counts.black } else { 0 },
        follower: counts.follower,
    })))
}

/// GET /x/relation/tags
async fn get_tags(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<Vec<Tag>>>, ApiError> {
    let tags = state.store.tags(user.mid).await?;
    Ok(Json(Envelope::ok(
        tags.into_iter()
            .map(|t| Tag {
                tagid: t.tagid,
                name: t.name,
                count: t.count,
            })
            .collect(),
    )))
}

#[derive(Debug, Deserialize)]
struct TagPage {
    tagid: i64,
    // Not `#[serde(flatten)]`: flattening loses the number parsing of
    // url-encoded values.
    #[serde(default)]
    ps: Option<u64>,
    #[serde(default)]
    pn: Option<u64>,
}

/// GET /x/relation/tag
///
/// `tagid` -10 special, 0 default, -20 every follow, else one of the caller's
/// groups (22104 otherwise).
async fn get_tag_members(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TagPage>,
) -> Result<Json<Envelope<Vec<TagMember>>>, ApiError> {
    let page = state
        .store
        .list(
            user.mid,
            ListKind::Tag(query.tagid),
            Paging {
                ps: query.ps,
                pn: query.pn,
            }
            .page(),
        )
        .await?;
    let members = page
        .entries
        .into_iter()
        .map(|e| {
            let p = e.profile;
            TagMember {
                mid: p.mid.get(),
                uname: p.uname.clone(),
                face: face_url(&state, p.face.as_deref()),
                sign: p.sign.clone(),
                vip: vip_of(&p),
                official_verify: p.official_verify,
            }
        })
        .collect();
    Ok(Json(Envelope::ok(members)))
}

/// GET /x/relation/tag/user
///
/// `{}` when the user is only in the default group (or not followed).
async fn get_user_tags(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FidQuery>,
) -> Result<Json<Envelope<TagNames>>, ApiError> {
    let tags = state.store.tags_of(user.mid, query.fid).await?;
    Ok(Json(Envelope::ok(OrderedMap(
        tags.into_iter()
            .map(|(tagid, name)| (tagid.to_string(), name))
            .collect(),
    ))))
}

/// GET /x/relation/tag/special
async fn get_special(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<Vec<u64>>>, ApiError> {
    let mids = state.store.special(user.mid).await?;
    Ok(Json(Envelope::ok(mids.into_iter().map(Mid::get).collect())))
}

#[derive(Debug, Deserialize)]
struct CreateTagForm {
    tag: String,
}

/// POST /x/relation/tag/create
async fn create_tag(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<CreateTagForm>,
) -> Result<Json<Envelope<CreatedTag>>, ApiError> {
    let name = TagName::parse(&form.tag)?;
    let tagid = state
        .store
        .create_tag(user.mid, name, limits(&state), now_secs())
        .await?;
    Ok(Json(Envelope::ok(CreatedTag { tagid })))
}

#[derive(Debug, Deserialize)]
struct UpdateTagForm {
    tagid: i64,
    name: String,
}

/// POST /x/relation/tag/update
async fn update_tag(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<UpdateTagForm>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let name = TagName::parse(&form.name)?;
    state.store.rename_tag(user.mid, form.tagid, name).await?;
    Ok(Json(Envelope::empty()))
}

#[derive(Debug, Deserialize)]
struct DeleteTagForm {
    tagid: i64,
}

/// POST /x/relation/tag/del
async fn delete_tag(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<DeleteTagForm>,
) -> Result<Json<Envelope<()>>, ApiError> {
    state.store.delete_tag(user.mid, form.tagid).await?;
    Ok(Json(Envelope::empty()))
}

#[derive(Debug, Deserialize)]
struct AddUsersForm {
    fids: CommaList<ListedMid>,
    tagids: CommaList<i64>,
}

/// POST /x/relation/tags/addUsers
async fn add_users_to_tags(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<AddUsersForm>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let fids = form.fids.0.into_iter().map(|ListedMid(m)| m).collect();
    state
        .store
        .edit_tags(user.mid, fids, TagEdit::Set(form.tagids.0))
        .await?;
    Ok(Json(Envelope::empty()))
}

/// POST /x/relation/tags/copyUsers
///
/// Adds the users to `tagids`, keeping their other groups.
async fn copy_users_to_tags(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<AddUsersForm>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let fids = form.fids.0.into_iter().map(|ListedMid(m)| m).collect();
    state
        .store
        .edit_tags(user.mid, fids, TagEdit::Copy(form.tagids.0))
        .await?;
    Ok(Json(Envelope::empty()))
}

#[derive(Debug, Deserialize)]
struct MoveUsersForm {
    fids: CommaList<ListedMid>,
    #[serde(rename = "beforeTagids")]
    before_tagids: CommaList<i64>,
    #[serde(rename = "afterTagids")]
    after_tagids: CommaList<i64>,
}

/// POST /x/relation/tags/moveUsers
///
/// Takes the users out of `beforeTagids` and puts them in `afterTagids`.
async fn move_users_between_tags(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MoveUsersForm>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let fids = form.fids.0.into_iter().map(|ListedMid(m)| m).collect();
    let edit = TagEdit::Move {
        from: form.before_tagids.0,
        to: form.after_tagids.0,
    };
    state.store.edit_tags(user.mid, fids, edit).await?;
    Ok(Json(Envelope::empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lists_parse_and_reject_garbage() {
        let list: CommaList<i64> = serde_json::from_str(r#""-10, 207542,""#).unwrap();
        assert_eq!(list.0, vec![-10, 207542]);
        assert!(serde_json::from_str::<CommaList<i64>>(r#""1,x""#).is_err());
        assert!(serde_json::from_str::<CommaList<i64>>(r#"",""#).is_err());
        assert!(serde_json::from_str::<CommaList<ListedMid>>(r#""0""#).is_err());
    }

    #[test]
    fn paging_defaults_and_caps() {
        let p = |ps, pn| Paging { ps, pn };
        assert_eq!((p(None, None).ps(), p(None, None).pn()), (50, 1));
        assert_eq!(p(Some(0), Some(0)).page(), Page::new(50, 1));
        assert_eq!(p(Some(500), Some(2)).page(), Page::new(50, 2));
        assert_eq!(p(None, None).page_or_all(), Page::all());
    }
}
