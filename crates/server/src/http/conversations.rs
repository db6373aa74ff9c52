//! sixin's own conversation endpoints, beyond what Bilibili's clients
//! call: searching one's own conversations (`/sixin/v1/messages/search`)
//! and marking every session read at once (`/sixin/v1/sessions/read_all`;
//! Bilibili's documents have this only for the intercepted folder,
//! `batch_update_dustbin_ack`).

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::conversations::{FoundMessage, FoundMessages, ReadAll, SearchMessagesQuery};
use sixin_api::message::msg_type;
use sixin_api::message::request::NoFields;
use sixin_api::{Code, Envelope};

use super::auth::{CsrfForm, CurrentUser};
use super::error::Shape;
use super::extract::Query;
use super::messages::view;
use super::routes::{Auth, Doc, Routes};
use super::state::AppState;
use crate::domain::MsgKey;
use crate::error::Error;

/// Messages a search page holds unless asked otherwise.
const DEFAULT_SIZE: u64 = 20;

const SEARCH: &str = "\
Your own text messages that contain `keyword`: in conversations with users \
you have a session with, and in the fan groups you are a member of; only \
what you see (not recalled, not hidden from you by your block words). \
Chinese is found by any part of it; letters of the Latin alphabet in either \
case. Newest first: for the next page, pass the last `msg_key` as \
`before_key`. -400 for an empty keyword or one longer than 64 characters.";

pub fn router() -> Routes {
    Routes::new(Shape::Plain)
        .get(
            "/sixin/v1/messages/search",
            search_messages,
            Doc::new("sixin's own: search the text of your own conversations, newest first")
                .describe(SEARCH)
                .auth(Auth::Login)
                .query::<SearchMessagesQuery>()
                .data::<FoundMessages>()
                .codes(&[Code::BadRequest]),
        )
        .post(
            "/sixin/v1/sessions/read_all",
            read_all,
            Doc::new(
                "sixin's own: mark every session with unread messages read (with users, not \
                 the intercepted folder, which `batch_update_dustbin_ack` reads; and fan \
                 groups); your other devices hear each as a `read` push",
            )
            .auth(Auth::Csrf)
            .form::<NoFields>()
            .data::<ReadAll>(),
        )
}

/// POST /sixin/v1/sessions/read_all
async fn read_all(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Json<Envelope<ReadAll>>, Error> {
    let read = state.services.messages.read_all(user.mid).await?;
    Ok(Json(Envelope::ok(ReadAll {
        sessions: read as u64,
    })))
}

/// GET /sixin/v1/messages/search
async fn search_messages(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchMessagesQuery>,
) -> Result<Json<Envelope<FoundMessages>>, Error> {
    let messages = &state.services.messages;
    let (found, has_more) = messages
        .search(
            user.mid,
            &query.keyword,
            query.before_key.map(MsgKey),
            query.size.unwrap_or(DEFAULT_SIZE),
        )
        .await?;
    let catalogue = messages.catalogue().await?;
    let texts: Vec<String> = found
        .iter()
        .filter(|(_, m)| m.msg_type == msg_type::TEXT)
        .filter_map(|(_, m)| view::text_of(&m.content))
        .collect();
    let e_infos = view::e_infos(
        texts.iter().map(String::as_str),
        &catalogue.emotes,
        &state.public_url,
    );
    Ok(Json(Envelope::ok(FoundMessages {
        messages: found
            .into_iter()
            .map(|(talker, message)| FoundMessage {
                talker_id: talker.id(),
                session_type: talker.session_type(),
                message: view::message(message),
            })
            .collect(),
        has_more,
        e_infos: (!e_infos.is_empty()).then_some(e_infos),
    })))
}
