//! JSON written by hand for the answers served most (a page of history):
//! the same bytes as `serde_json`'s compact output of the derived
//! `Serialize` (the tests below pin it, field by field and for every byte a
//! string may hold), at a fraction of the cost: each field name is one
//! constant, and strings are copied a run at a time between the bytes that
//! need escaping.
//!
//! Every `write_json` destructures its type completely, so a field added to
//! a wire type does not compile until it is written here too.

use serde::Serialize;

use crate::message::{History, Message};
use crate::Envelope;

/// A value that can write itself as JSON.
pub trait WriteJson {
    /// Appends the value's JSON to `out`.
    fn write_json(&self, out: &mut Vec<u8>);
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it:
/// `"` and `\`, and the control characters (the short forms `\b \t \n \f
/// \r` where they exist, `\u00xx` otherwise); everything else as it is.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn write_int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Appends any other value the way `serde_json` writes it.
fn write_serde(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing into a `Vec` fails only if the value's `Serialize` does; the
    // derived ones of the wire types do not.
    serde_json::to_writer(out, value).expect("wire types serialise");
}

impl WriteJson for Message {
    fn write_json(&self, out: &mut Vec<u8>) {
        let Message {
            sender_uid,
            receiver_type,
            receiver_id,
            msg_type,
            content,
            msg_seqno,
            timestamp,
            at_uids,
            msg_key,
            msg_status,
            sys_cancel,
            notify_code,
            new_face_version,
            msg_source,
        } = self;
        out.extend_from_slice(b"{\"sender_uid\":");
        write_int(out, *sender_uid);
        out.extend_from_slice(b",\"receiver_type\":");
        write_int(out, *receiver_type);
        out.extend_from_slice(b",\"receiver_id\":");
        write_int(out, *receiver_id);
        out.extend_from_slice(b",\"msg_type\":");
        write_int(out, *msg_type);
        out.extend_from_slice(b",\"content\":");
        write_str(out, content);
        out.extend_from_slice(b",\"msg_seqno\":");
        write_int(out, *msg_seqno);
        out.extend_from_slice(b",\"timestamp\":");
        write_int(out, *timestamp);
        out.extend_from_slice(b",\"at_uids\":");
        match at_uids {
            None => out.extend_from_slice(b"null"),
            Some(uids) => {
                out.push(b'[');
                for (i, uid) in uids.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_int(out, *uid);
                }
                out.push(b']');
            }
        }
        out.extend_from_slice(b",\"msg_key\":");
        write_int(out, *msg_key);
        out.extend_from_slice(b",\"msg_status\":");
        write_int(out, *msg_status);
        if let Some(cancel) = sys_cancel {
            out.extend_from_slice(if *cancel {
                b",\"sys_cancel\":true"
            } else {
                b",\"sys_cancel\":false"
            });
        }
        out.extend_from_slice(b",\"notify_code\":");
        write_str(out, notify_code);
        if let Some(version) = new_face_version {
            out.extend_from_slice(b",\"new_face_version\":");
            write_int(out, *version);
        }
        out.extend_from_slice(b",\"msg_source\":");
        write_int(out, *msg_source);
        out.push(b'}');
    }
}

impl WriteJson for History {
    fn write_json(&self, out: &mut Vec<u8>) {
        let History {
            messages,
            has_more,
            min_seqno,
            max_seqno,
            e_infos,
        } = self;
        out.extend_from_slice(b"{\"messages\":");
        match messages {
            None => out.extend_from_slice(b"null"),
            Some(messages) => {
                out.push(b'[');
                for (i, message) in messages.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    message.write_json(out);
                }
                out.push(b']');
            }
        }
        out.extend_from_slice(b",\"has_more\":");
        write_int(out, *has_more);
        out.extend_from_slice(b",\"min_seqno\":");
        write_int(out, *min_seqno);
        out.extend_from_slice(b",\"max_seqno\":");
        write_int(out, *max_seqno);
        if let Some(e_infos) = e_infos {
            out.extend_from_slice(b",\"e_infos\":");
            write_serde(out, e_infos);
        }
        out.push(b'}');
    }
}

impl<T: WriteJson> WriteJson for Envelope<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let Envelope {
            code,
            msg,
            message,
            ttl,
            data,
        } = self;
        out.extend_from_slice(b"{\"code\":");
        write_int(out, *code);
        if let Some(msg) = msg {
            out.extend_from_slice(b",\"msg\":");
            write_str(out, msg);
        }
        out.extend_from_slice(b",\"message\":");
        write_str(out, message);
        out.extend_from_slice(b",\"ttl\":");
        write_int(out, *ttl);
        if let Some(data) = data {
            out.extend_from_slice(b",\"data\":");
            data.write_json(out);
        }
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::EInfo;

    fn written(value: &impl WriteJson) -> String {
        let mut out = Vec::new();
        value.write_json(&mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    fn message(content: &str) -> Message {
        Message {
            sender_uid: 1,
            receiver_type: 1,
            receiver_id: u64::MAX,
            msg_type: 1,
            content: content.into(),
            msg_seqno: 7,
            timestamp: -3,
            at_uids: Some(vec![0]),
            msg_key: 7_000_000_000_000_000_001,
            msg_status: 0,
            sys_cancel: None,
            notify_code: String::new(),
            new_face_version: Some(0),
            msg_source: 8,
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every: String = (0u8..0x80).map(char::from).collect();
        every.push_str("é中文😀\u{2028}\u{7f}/");
        for s in [
            "",
            "plain",
            "{\"content\":\"hello\"}",
            "\\\"",
            &every,
            "\u{0}end",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn messages_are_written_as_serde_json_writes_them() {
        let plain = message("{\"content\":\"hi \\\"there\\\"\\n\"}");
        let variants = [
            plain.clone(),
            Message {
                at_uids: None,
                new_face_version: None,
                sys_cancel: Some(true),
                notify_code: "code\t1".into(),
                msg_type: 5,
                ..plain.clone()
            },
            Message {
                at_uids: Some(vec![]),
                sys_cancel: Some(false),
                ..plain.clone()
            },
            Message {
                at_uids: Some(vec![1, 2, u64::MAX]),
                receiver_type: i64::MIN,
                msg_status: i64::MAX,
                ..plain
            },
        ];
        for m in &variants {
            assert_eq!(written(m), serde_json::to_string(m).unwrap());
        }
    }

    #[test]
    fn history_envelopes_are_written_as_serde_json_writes_them() {
        let e_info = EInfo {
            text: "[doge]".into(),
            uri: "http://h/d.png".into(),
            url: "http://h/d.png".into(),
            size: 1,
            gif_url: None,
        };
        let pages = [
            History {
                messages: None,
                has_more: 0,
                min_seqno: u64::MAX,
                max_seqno: 0,
                e_infos: None,
            },
            History {
                messages: Some(vec![message("a"), message("[doge]")]),
                has_more: 1,
                min_seqno: 1,
                max_seqno: 2,
                e_infos: Some(vec![e_info]),
            },
        ];
        for page in pages {
            let vc = Envelope::ok(page.clone()).with_msg();
            assert_eq!(written(&vc), serde_json::to_string(&vc).unwrap());
            let plain = Envelope::ok(page);
            assert_eq!(written(&plain), serde_json::to_string(&plain).unwrap());
        }
        let empty: Envelope<History> = Envelope {
            data: None,
            ..Envelope::ok(pages_placeholder())
        };
        assert_eq!(written(&empty), serde_json::to_string(&empty).unwrap());
    }

    fn pages_placeholder() -> History {
        History {
            messages: None,
            has_more: 0,
            min_seqno: 0,
            max_seqno: 0,
            e_infos: None,
        }
    }
}
