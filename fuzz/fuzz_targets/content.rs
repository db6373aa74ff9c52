//! `msg[content]` of every message type (`domain::message::content::parse`):
//! the first byte picks `msg_type` (0 to 20, the sendable ones and every
//! other), the second `new_face_version`; the rest is the content text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sixin_server::domain::message::content::parse;

fuzz_target!(|data: &[u8]| {
    let [kind, face, rest @ ..] = data else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(rest) else {
        return;
    };
    let msg_type = i64::from(*kind % 21) - 1;
    if let Ok(content) = parse(msg_type, raw, 2000, i64::from(*face % 2)) {
        // What is stored is valid JSON of the same type.
        let _: serde_json::Value =
            serde_json::from_str(content.json()).expect("stored content is JSON");
        assert_eq!(content.msg_type(), msg_type);
    }
});

