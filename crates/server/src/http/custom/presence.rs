//! Who is present in customer service, for agents and operators.

use crate::http::reply::Json;
use axum::extract::State;
use serde::Deserialize;
use sixin_api::admin::PresenceEntry;
use sixin_api::Envelope;

use crate::error::Error;
use crate::http::auth::Admin;
use crate::http::extract::Query;
use crate::http::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PresenceQuery {
    /// Everyone seen within this many seconds (default: the presence
    /// window, i.e. who is online).
    within_secs: Option<u64>,
}

/// GET /admin/v1/presence[?within_secs=N]: most recently seen first.
pub async fn list_presence(
    State(state): State<AppState>,
    _: Admin,
    Query(query): Query<PresenceQuery>,
) -> Result<Json<Envelope<Vec<PresenceEntry>>>, Error> {
    let entries = state.services.custom.presence(query.within_secs).await?;
    Ok(Json(Envelope::ok(
        entries
            .into_iter()
            .map(|e| PresenceEntry {
                mid: e.record.mid.get(),
                uname: e.record.uname,
                shop_id: e.record.place.shop_id,
                shop_father_id: e.record.place.shop_father_id,
                since: e.record.presence.first_seen,
                last_seen: e.record.presence.last_seen,
                online: e.online,
            })
            .collect(),
    )))
}
