//! sixin's own directory for its web client: what this server is
//! (`/sixin/v1/instance`, before anyone logs in), its emoji
//! (`/sixin/v1/emotes`, for a picker) and who its users are
//! (`/sixin/v1/users`, `/sixin/v1/users/search`). Bilibili's clients find
//! people through services sixin does not host.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::directory::{Instance, SearchUsersQuery, UserCard, UsersQuery};
use sixin_api::message::EInfo;
use sixin_api::Envelope;

use super::assets::face_url;
use super::auth::CurrentUser;
use super::error::Shape;
use super::extract::Query;
use super::messages::view;
use super::routes::{Auth, Doc, Routes};
use super::state::AppState;
use crate::domain::{Mid, Profile};
use crate::error::Error;

/// Most users one `users` call names.
const MAX_MIDS: usize = 50;
/// Most users one search finds.
const MAX_FOUND: usize = 20;

pub fn router() -> Routes {
    Routes::new(Shape::Plain)
        .get(
            "/sixin/v1/instance",
            get_instance,
            Doc::new("sixin's own: whether anyone has an account yet, and the limits clients show")
                .data::<Instance>(),
        )
        .get(
            "/sixin/v1/emotes",
            get_emotes,
            Doc::new("sixin's own: the emoji catalogue, as e_infos entries, for an emoji picker")
                .auth(Auth::Login)
                .data_list::<EInfo>(),
        )
        .get(
            "/sixin/v1/users",
            get_users,
            Doc::new("sixin's own: the profiles of up to 50 users (unknown ones left out)")
                .auth(Auth::Login)
                .query::<UsersQuery>()
                .data_list::<UserCard>(),
        )
        .get(
            "/sixin/v1/users/search",
            search_users,
            Doc::new(
                "sixin's own: up to 20 users, the one whose mid is the keyword first, then those \
                 whose name contains it (ignoring case), by mid",
            )
            .auth(Auth::Login)
            .query::<SearchUsersQuery>()
            .data_list::<UserCard>(),
        )
}

/// GET /sixin/v1/instance
async fn get_instance(State(state): State<AppState>) -> Result<Json<Envelope<Instance>>, Error> {
    let config = &state.config;
    Ok(Json(Envelope::ok(Instance {
        has_users: state.services.accounts.has_users().await?,
        recall_window_secs: config.recall_window_secs,
        max_msg_bytes: config.max_msg_bytes as u64,
        max_upload_bytes: config.max_upload_bytes,
    })))
}

/// GET /sixin/v1/emotes
async fn get_emotes(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Envelope<Vec<EInfo>>>, Error> {
    let catalogue = state.services.messages.catalogue().await?;
    Ok(Json(Envelope::ok(
        catalogue
            .emotes
            .iter()
            .map(|emote| view::e_info(emote, &state.public_url))
            .collect(),
    )))
}

/// GET /sixin/v1/users
async fn get_users(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(query): Query<UsersQuery>,
) -> Result<Json<Envelope<Vec<UserCard>>>, Error> {
    let mids = parse_mids(&query.mids)?;
    let profiles = state.services.accounts.profiles(&mids).await?;
    Ok(Json(Envelope::ok(cards(&state, profiles))))
}

/// GET /sixin/v1/users/search
async fn search_users(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(query): Query<SearchUsersQuery>,
) -> Result<Json<Envelope<Vec<UserCard>>>, Error> {
    let found = state
        .services
        .accounts
        .search_users(&query.keyword, MAX_FOUND)
        .await?;
    Ok(Json(Envelope::ok(cards(&state, found))))
}

/// `1,2,3` as mids: -400 for anything else, or more than [`MAX_MIDS`].
fn parse_mids(text: &str) -> Result<Vec<Mid>, Error> {
    let mut mids = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mid =
            part.parse::<u64>().ok().and_then(Mid::new).ok_or_else(|| {
                Error::bad_request(format!("mids must be user ids, not {part:?}"))
            })?;
        if !mids.contains(&mid) {
            mids.push(mid);
        }
    }
    if mids.len() > MAX_MIDS {
        return Err(Error::bad_request("mids must name at most 50 users"));
    }
    Ok(mids)
}

fn cards(state: &AppState, profiles: Vec<Profile>) -> Vec<UserCard> {
    profiles
        .into_iter()
        .map(|p| UserCard {
            mid: p.mid.get(),
            face: face_url(state, p.face.as_deref()),
            uname: p.uname,
            sign: p.sign,
            official_type: p.official_verify.kind,
        })
        .collect()
}
