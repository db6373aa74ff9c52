//! JSON answers. Like `axum::Json` (the same bytes and headers), but the
//! body is written straight into one `Vec` sized for a typical page
//! (axum's starts at 128 bytes in a `BytesMut` behind an `io::Write`
//! adapter, and grows it a few times for a page of messages). [`Written`]
//! answers the same bytes for the types that write their own JSON
//! (`sixin_api::json`), without going through `serde`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sixin_api::json::WriteJson;

/// Room for a page of twenty messages without growing.
const INITIAL_CAPACITY: usize = 8 * 1024;

/// A value answered as `application/json`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(INITIAL_CAPACITY);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(err) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                err.to_string(),
            )
                .into_response(),
        }
    }
}

/// A value answered as `application/json`, written by its own
/// [`WriteJson`]: the same bytes as [`Json`] would answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written<T>(pub T);

impl<T: WriteJson> IntoResponse for Written<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(INITIAL_CAPACITY);
        self.0.write_json(&mut body);
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    }
}
