//! A POST's parameters from a body of any format (`Params::from_request`):
//! the first byte picks the Content-Type (multipart with boundary `B`,
//! url-encoded, JSON, none), the rest is the body; the query string is
//! merged in. Any input is parameters or a -400, never a panic.
#![no_main]

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use sixin_api::message::request::SendMsgForm;
use sixin_server::http::extract::Params;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    let content_type = match kind % 4 {
        0 => "multipart/form-data; boundary=B",
        1 => "application/x-www-form-urlencoded",
        2 => "application/json",
        _ => "",
    };
    let mut request = Request::post("/x?csrf=q&msg%5Bcontent%5D=x");
    if !content_type.is_empty() {
        request = request.header("content-type", content_type);
    }
    let (parts, ()) = request.body(()).unwrap().into_parts();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        if let Ok(params) = Params::from_request(&parts, Body::from(body.to_vec())).await {
            let _ = params.get("csrf");
            let _ = params.parse::<SendMsgForm>();
        }
    });
});
