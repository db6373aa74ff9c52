//! `send_msg`.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::message::request::SendMsgForm;
use sixin_api::message::SendResult;
use sixin_api::Envelope;

use super::view;
use crate::domain::message::Content;
use crate::error::Error;
use crate::http::auth::CsrfForm;
use crate::http::state::AppState;

/// POST /web_im/v1/web_im/send_msg
///
/// A retried send (same receiver, dev_id, timestamp and content within the
/// retry window) answers what the first one did.
pub async fn send_msg(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SendMsgForm>,
) -> Result<Json<Envelope<SendResult>>, Error> {
    let messages = &state.services.messages;
    let receipt = messages.send(user.mid, &form).await?;
    let mut result = SendResult {
        msg_key: receipt.sent.msg_key.get(),
        e_infos: None,
        msg_content: None,
        key_hit_infos: None,
        gt: 0,
    };
    if let Content::Text { json, text } = receipt.content {
        let catalogue = messages.catalogue().await?;
        let e_infos = view::e_infos([text.as_str()], &catalogue.emotes, &state.public_url);
        result.e_infos = (!e_infos.is_empty()).then_some(e_infos);
        // Only to a user, as the seed document says of both.
        if form.receiver_type == 1 {
            result.key_hit_infos = Some(view::key_hit_infos(&text, &catalogue.rules));
            result.msg_content = Some(json);
        }
    }
    Ok(Json(Envelope::ok(result)))
}
