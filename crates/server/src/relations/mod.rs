//! The user-relation family: `/x/relation/...` and `/x/space/acc/relation`.

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
