//! Url-encoded parameters (a query string or a form body) read by
//! `http::extract::Params` and decoded into the request types of every
//! family: any input is a value or a -400, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sixin_api::message::request::{FetchSessionMsgsQuery, GetSessionsQuery, SendMsgForm};
use sixin_api::relation::request::{BatchModifyForm, FansQuery, ModifyForm, MoveUsersForm};
use sixin_server::http::extract::Params;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Params::from_query(text).parse::<SendMsgForm>();
    let _ = Params::from_query(text).parse::<GetSessionsQuery>();
    let _ = Params::from_query(text).parse::<FetchSessionMsgsQuery>();
    let _ = Params::from_query(text).parse::<ModifyForm>();
    let _ = Params::from_query(text).parse::<BatchModifyForm>();
    let _ = Params::from_query(text).parse::<FansQuery>();
    let _ = Params::from_query(text).parse::<MoveUsersForm>();
});
