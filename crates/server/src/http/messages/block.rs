//! Message block words (`/x/im/link_setting/...`).

use crate::http::reply::Json;
use axum::extract::State;
use serde_json::Value;
use sixin_api::message::request::{BlockWordForm, PlatformQuery};
use sixin_api::message::{BlockWord, BlockWords, MAX_BLOCK_WORDS, MAX_BLOCK_WORD_CHARS};
use sixin_api::Envelope;

use super::{empty_object, vc};
use crate::error::Error;
use crate::http::auth::{CsrfForm, CurrentUser};
use crate::http::extract::Query;
use crate::http::state::AppState;

/// GET /x/im/link_setting/get_block_words
///
/// The caller's words in the order they were added; `words` is `null`
/// when there is none.
pub async fn get_block_words(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(_): Query<PlatformQuery>,
) -> Result<Json<Envelope<BlockWords>>, Error> {
    let words: Vec<BlockWord> = state
        .services
        .messages
        .block_words(user.mid)
        .await?
        .into_iter()
        .map(|(word, ctime)| BlockWord {
            content: word.as_str().to_owned(),
            ctime,
        })
        .collect();
    Ok(vc(BlockWords {
        words: (!words.is_empty()).then_some(words),
        message: String::new(),
        max_word_length: MAX_BLOCK_WORD_CHARS as u64,
        max_words_size: MAX_BLOCK_WORDS as u64,
    }))
}

/// POST /x/im/link_setting/add_block_word
///
/// From then on, a text message to the caller containing the word (in any
/// case) is hidden from them; its sender is not told.
pub async fn add_block_word(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<BlockWordForm>,
) -> Result<Json<Envelope<Value>>, Error> {
    state
        .services
        .messages
        .add_block_word(user.mid, &form.content)
        .await?;
    Ok(vc(empty_object()))
}

/// POST /x/im/link_setting/del_block_word
///
/// Removing a word that is not there succeeds and changes nothing.
pub async fn del_block_word(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<BlockWordForm>,
) -> Result<Json<Envelope<Value>>, Error> {
    state
        .services
        .messages
        .delete_block_word(user.mid, &form.content)
        .await?;
    Ok(vc(empty_object()))
}
