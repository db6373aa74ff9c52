//! `fetch_session_msgs`.

use crate::http::reply::Written;
use axum::extract::State;
use sixin_api::message::request::FetchSessionMsgsQuery;
use sixin_api::message::{msg_type, History, EMPTY_MIN_SEQNO};
use sixin_api::Envelope;

use super::{talker, vc_envelope, view};
use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::extract::Query;
use crate::http::state::AppState;

/// GET /svr_sync/v1/svr_sync/fetch_session_msgs
///
/// Newest first, `begin_seqno` and `end_seqno` both exclusive; does not mark
/// anything read. Recalled messages are still returned, with `msg_status` 1.
pub async fn fetch_session_msgs(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<FetchSessionMsgsQuery>,
) -> Result<Written<Envelope<History>>, Error> {
    let messages = &state.services.messages;
    let (page, has_more) = match talker(query.talker_id, query.session_type)? {
        Some(talker) => {
            messages
                .history(
                    user.mid,
                    talker,
                    query.begin_seqno,
                    query.end_seqno,
                    query.size,
                )
                .await?
        }
        None => (Vec::new(), false),
    };
    let catalogue = messages.catalogue().await?;
    let texts: Vec<String> = page
        .iter()
        .filter(|m| m.msg_type == msg_type::TEXT && view::may_name_emotes(&m.content))
        .filter_map(|m| view::text_of(&m.content))
        .collect();
    let e_infos = view::e_infos(
        texts.iter().map(String::as_str),
        &catalogue.emotes,
        &state.public_url,
    );
    Ok(Written(vc_envelope(History {
        min_seqno: page.last().map_or(EMPTY_MIN_SEQNO, |m| m.seqno.get()),
        max_seqno: page.first().map_or(0, |m| m.seqno.get()),
        has_more: i64::from(has_more),
        messages: (!page.is_empty()).then(|| page.into_iter().map(view::message).collect()),
        e_infos: (!e_infos.is_empty()).then_some(e_infos),
    })))
}
