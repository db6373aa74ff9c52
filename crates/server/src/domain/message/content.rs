//! Message content: which types can be sent and what each one's content
//! must look like (parse, don't validate: a [`Content`] is ready to store).

use serde_json::{Map, Value};
use sixin_api::message::msg_type::{CUSTOM_EMOTE, IMAGE, RECALL, SHARE, TEXT};
use sixin_api::Code;

use super::emote::convert_old_emotes;
use crate::domain::{MsgKey, Refusal};

/// A validated content ready to store.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// The JSON text to store and the message text inside it.
    Text { json: String, text: String },
    /// An image or (`custom`) a custom emoji: the JSON text and the image
    /// address.
    Image {
        json: String,
        url: String,
        custom: bool,
    },
    /// A recall: the key of the message to recall.
    Recall { json: String, target: MsgKey },
    /// A share card.
    Share { json: String },
}

impl Content {
    /// The JSON text stored as the message's `content`.
    pub fn json(&self) -> &str {
        match self {
            Content::Text { json, .. }
            | Content::Image { json, .. }
            | Content::Recall { json, .. }
            | Content::Share { json } => json,
        }
    }

    /// The `msg_type` this content is stored with.
    pub fn msg_type(&self) -> i64 {
        match self {
            Content::Text { .. } => TEXT,
            Content::Image { custom: true, .. } => CUSTOM_EMOTE,
            Content::Image { .. } => IMAGE,
            Content::Recall { .. } => RECALL,
            Content::Share { .. } => SHARE,
        }
    }
}

/// Parses `msg[content]` for `msg[msg_type]`.
///
/// Order of checks: a type that cannot be sent is 21035; content longer than
/// `max_bytes` is 21007; malformed or empty content is -400. Old emoji names
/// are converted to new ones when `new_face_version` is 0.
pub fn parse(
    msg_type: i64,
    raw: &str,
    max_bytes: usize,
    new_face_version: i64,
) -> Result<Content, Refusal> {
    if !matches!(msg_type, TEXT | IMAGE | RECALL | CUSTOM_EMOTE | SHARE) {
        return Err(if msg_type > 0 {
            Code::MsgTypeNotSendable.into()
        } else {
            Refusal::bad_request(format!(
                "msg[msg_type] must be a message type, not {msg_type}"
            ))
        });
    }
    if raw.len() > max_bytes {
        return Err(Code::MsgTooLong.into());
    }
    match msg_type {
        TEXT => parse_text(raw, new_face_version),
        IMAGE | CUSTOM_EMOTE => parse_image(raw, msg_type == CUSTOM_EMOTE),
        RECALL => parse_recall(raw),
        _ => parse_share(raw),
    }
}

fn object(raw: &str) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Refusal::bad_request("msg[content] must be a JSON object")),
        Err(e) => Err(Refusal::bad_request(format!(
            "msg[content] must be JSON: {e}"
        ))),
    }
}

fn parse_text(raw: &str, new_face_version: i64) -> Result<Content, Refusal> {
    let mut map = object(raw)?;
    let text = match map.get("content") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(Refusal::bad_request(
                "msg[content] of a text message must have a non-empty string content",
            ))
        }
    };
    if new_face_version == 0 {
        let converted = convert_old_emotes(&text);
        if converted != text {
            map.insert("content".into(), Value::String(converted.clone()));
            let json = Value::Object(map).to_string();
            return Ok(Content::Text {
                json,
                text: converted,
            });
        }
    }
    Ok(Content::Text {
        json: raw.to_owned(),
        text,
    })
}

fn parse_image(raw: &str, custom: bool) -> Result<Content, Refusal> {
    let map = object(raw)?;
    let url = match map.get("url") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) | None => return Err(Code::ImageInvalid.into()),
        Some(_) => {
            return Err(Refusal::bad_request(
                "msg[content] of an image must have a string url",
            ))
        }
    };
    for key in ["height", "width", "original", "size"] {
        if !matches!(map.get(key), None | Some(Value::Number(_))) {
            return Err(Refusal::bad_request(format!(
                "msg[content] of an image must have a numeric {key}"
            )));
        }
    }
    if !matches!(map.get("imageType"), None | Some(Value::String(_))) {
        return Err(Refusal::bad_request(
            "msg[content] of an image must have a string imageType",
        ));
    }
    Ok(Content::Image {
        json: raw.to_owned(),
        url,
        custom,
    })
}

fn parse_recall(raw: &str) -> Result<Content, Refusal> {
    // The content is the target's msg_key: a bare number, though some
    // clients quote it.
    let digits = raw.trim().trim_matches('"');
    let target: u64 = digits
        .parse()
        .map_err(|_| Refusal::bad_request("msg[content] of a recall must be a msg_key"))?;
    Ok(Content::Recall {
        json: target.to_string(),
        target: MsgKey(target),
    })
}

fn parse_share(raw: &str) -> Result<Content, Refusal> {
    let map = object(raw)?;
    if !matches!(map.get("id"), Some(Value::Number(_))) {
        return Err(Refusal::bad_request(
            "msg[content] of a share must have a numeric id",
        ));
    }
    if !matches!(map.get("source"), Some(Value::Number(_))) {
        return Err(Refusal::bad_request(
            "msg[content] of a share must have a numeric source",
        ));
    }
    for key in [
        "author",
        "headline",
        "thumb",
        "title",
        "url",
        "bvid",
        "source_desc",
    ] {
        if !matches!(map.get(key), None | Some(Value::String(_))) {
            return Err(Refusal::bad_request(format!(
                "msg[content] of a share must have a string {key}"
            )));
        }
    }
    Ok(Content::Share {
        json: raw.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documented_types_can_be_sent() {
        for t in [8, 9, 10, 11, 12, 13, 14, 16, 18, 19, 306] {
            let err = parse(t, "{}", 2000, 1).unwrap_err();
            assert_eq!(err.code, Code::MsgTypeNotSendable, "type {t}");
        }
        assert_eq!(parse(0, "{}", 2000, 1).unwrap_err().code, Code::BadRequest);
        assert_eq!(parse(-1, "{}", 2000, 1).unwrap_err().code, Code::BadRequest);
    }

    #[test]
    fn text_must_be_an_object_with_non_empty_content() {
        for raw in [
            "",
            "hello",
            "[]",
            "{}",
            r#"{"content":""}"#,
            r#"{"content":"  "}"#,
            r#"{"content":5}"#,
        ] {
            assert_eq!(
                parse(TEXT, raw, 2000, 1).unwrap_err().code,
                Code::BadRequest,
                "{raw}"
            );
        }
        let ok = parse(TEXT, r#"{"content":"hi"}"#, 2000, 1).unwrap();
        assert_eq!(ok.json(), r#"{"content":"hi"}"#);
    }

    #[test]
    fn the_length_limit_is_in_bytes_of_the_content() {
        let text = format!(r#"{{"content":"{}"}}"#, "字".repeat(700));
        assert!(text.len() > 2000);
        assert_eq!(
            parse(TEXT, &text, 2000, 1).unwrap_err().code,
            Code::MsgTooLong
        );
        assert!(parse(TEXT, &text, 4000, 1).is_ok());
    }

    #[test]
    fn old_emoji_names_become_new_ones_only_for_version_0() {
        let raw = r#"{"content":"催更[doge]"}"#;
        match parse(TEXT, raw, 2000, 0).unwrap() {
            Content::Text { json, text } => {
                assert_eq!(text, "催更[tv_doge]");
                assert_eq!(json, r#"{"content":"催更[tv_doge]"}"#);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse(TEXT, raw, 2000, 1).unwrap().json(), raw);
    }

    #[test]
    fn recalls_carry_a_msg_key() {
        let c = parse(RECALL, "7345551441311046575", 2000, 1).unwrap();
        assert_eq!(
            c,
            Content::Recall {
                json: "7345551441311046575".into(),
                target: MsgKey(7345551441311046575)
            }
        );
        assert!(parse(RECALL, "\"12\"", 2000, 1).is_ok());
        assert!(parse(RECALL, "abc", 2000, 1).is_err());
    }

    #[test]
    fn images_need_a_url_and_numeric_sizes() {
        assert_eq!(
            parse(IMAGE, "{}", 2000, 1).unwrap_err().code,
            Code::ImageInvalid
        );
        assert_eq!(
            parse(IMAGE, r#"{"url":"x","width":"wide"}"#, 2000, 1)
                .unwrap_err()
                .code,
            Code::BadRequest
        );
        assert!(parse(
            CUSTOM_EMOTE,
            r#"{"url":"x","width":3,"height":4,"imageType":"png"}"#,
            2000,
            1
        )
        .is_ok());
    }

    #[test]
    fn shares_need_id_and_source() {
        assert!(parse(
            SHARE,
            r#"{"id":1,"source":5,"title":"t","thumb":"u"}"#,
            2000,
            1
        )
        .is_ok());
        assert!(parse(SHARE, r#"{"source":5}"#, 2000, 1).is_err());
        assert!(parse(SHARE, r#"{"id":1,"source":5,"title":3}"#, 2000, 1).is_err());
    }
}
