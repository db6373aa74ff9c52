//! Relations as the wire shows them.

use sixin_api::relation::{
    attribute, no_name_render, ContractInfo, Relation, RelationListItem, RelationVip,
    SpaceRelationSide,
};

use crate::domain::relation::RelationPair;
use crate::domain::Mid;
use crate::http::assets::face_url;
use crate::http::state::AppState;
use crate::store::relations::ListEntry;

/// The owner's relation to `pair`'s other side as `GET /x/relation` shows it:
/// all zeros (and `tag: null`) when there is none or it is hidden.
pub fn relation(mid: Mid, pair: &RelationPair, show_quiet: bool) -> Relation {
    let attribute = pair.attribute(show_quiet);
    let row = pair
        .forward
        .as_ref()
        .filter(|_| attribute != attribute::NONE);
    Relation {
        mid: mid.get(),
        attribute,
        mtime: row.map_or(0, |r| r.mtime),
        tag: row
            .and_then(|r| (!r.tags.is_empty()).then(|| r.tags.iter().map(|t| t.get()).collect())),
        special: row.map_or(0, |r| i64::from(r.special)),
    }
}

/// One side of `/x/space/wbi/acc/relation`.
pub fn space_side(r: Relation) -> SpaceRelationSide {
    SpaceRelationSide {
        mid: r.mid,
        attribute: r.attribute,
        mtime: r.mtime,
        tag: r.tag,
        special: r.special,
        is_followed: false,
    }
}

/// The entries of a page, in order. Entries describe the list owner's
/// relation to each user: `mtime` is when the listed relation was made (for
/// `followers` and `fans`, when they followed), `tag`/`special` the owner's
/// groups for them. `owner` says whether the viewer owns the list (quiet
/// follows show only to them). sixin has no contracts, NFT avatars, name
/// rendering or recommendations: those fields are as the documents'
/// examples show them for an ordinary user.
pub fn list_items(
    state: &AppState,
    entries: Vec<ListEntry>,
    followers: bool,
    owner: bool,
) -> Vec<RelationListItem> {
    entries
        .into_iter()
        .map(|entry| {
            let view = relation(entry.profile.mid, &entry.pair, owner);
            let mtime = if followers {
                entry.pair.backward.as_ref().map_or(0, |r| r.mtime)
            } else {
                view.mtime
            };
            let p = entry.profile.shown();
            // The seed's followers table gives `tag` as null and `special`
            // as 0; a client built from it would not expect the owner's
            // groups there. Someone else's groups and special marks are
            // theirs alone.
            let (tag, special) = if followers || !owner {
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
                contract_info: ContractInfo::default(),
                face: face_url(state, p.face.as_deref()),
                uname: p.uname,
                sign: p.sign,
                face_nft: 0,
                vip: RelationVip::from(p.vip),
                official_verify: p.official_verify,
                name_render: no_name_render(),
                nft_icon: String::new(),
                rec_reason: String::new(),
                track_id: String::new(),
                follow_time: String::new(),
            }
        })
        .collect()
}
