//! Following, unfollowing, blocking: one at a time or in a batch.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::relation::request::{BatchModifyForm, ModifyForm};
use sixin_api::relation::{Act, BatchModifyResult};
use sixin_api::Envelope;

use super::mids;
use crate::domain::Mid;
use crate::error::Error;
use crate::http::auth::CsrfForm;
use crate::http::extract::mid;
use crate::http::state::AppState;

fn act(code: i64) -> Result<Act, Error> {
    Act::from_code(code)
        .ok_or_else(|| Error::bad_request(format!("act must be 1 to 7, not {code}")))
}

/// POST /x/relation/modify
///
/// `re_src` is accepted and ignored, whatever its value.
pub async fn modify_relation(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ModifyForm>,
) -> Result<Json<Envelope<()>>, Error> {
    let fid = mid(form.fid, "fid")?;
    let act = act(form.act)?;
    state.services.relations.modify(user.mid, fid, act).await?;
    Ok(Json(Envelope::empty()))
}

/// POST /x/relation/batch/modify
///
/// Follows (1) or blocks (5) up to 50 users, each on its own: those refused
/// are listed in `failed_fids`.
pub async fn batch_modify_relation(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<BatchModifyForm>,
) -> Result<Json<Envelope<BatchModifyResult>>, Error> {
    let fids = mids(form.fids, "fids")?;
    let act = act(form.act)?;
    let failed = state
        .services
        .relations
        .batch_modify(user.mid, fids, act)
        .await?;
    Ok(Json(Envelope::ok(BatchModifyResult {
        failed_fids: failed.into_iter().map(Mid::get).collect(),
    })))
}
