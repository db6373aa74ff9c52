//! Cookie headers (`http::auth::cookie`): every line of the input is one
//! `Cookie` header; any input finds a value or none, never a panic.
#![no_main]

use axum::http::{header, HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use sixin_server::http::auth::cookie;

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(header::COOKIE, value);
        }
    }
    for name in ["SESSDATA", "bili_jct", "DedeUserID", ""] {
        if let Some(value) = cookie(&headers, name) {
            assert!(!value.contains(';'));
        }
    }
});
