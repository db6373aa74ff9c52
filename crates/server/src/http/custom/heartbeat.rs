//! The customer-service heartbeat: it records where the caller is present.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::custom::HeartBeatQuery;
use sixin_api::Envelope;

use crate::domain::system::Place;
use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::extract::Query;
use crate::http::state::AppState;

/// GET /x/custom/session_svr/v1/heart_beat (`shop_id`, `shop_father_id`,
/// `build`, `mobi_app`): `{code, msg: "ok", message: "ok", ttl}`, no `data`.
pub async fn heart_beat(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HeartBeatQuery>,
) -> Result<Json<Envelope<()>>, Error> {
    let place = Place {
        shop_id: query.shop_id.unwrap_or(0),
        shop_father_id: query.shop_father_id.unwrap_or(0),
    };
    state.services.custom.heartbeat(user.mid, place).await?;
    Ok(Json(Envelope {
        code: 0,
        msg: Some("ok".into()),
        message: "ok".into(),
        ttl: 1,
        data: None,
    }))
}
