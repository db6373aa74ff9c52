//! Message content: which types can be sent, what each one's content must
//! look like, emoji tokens, keyword rules and where a message came from.

use serde_json::{Map, Value};
use sixin_api::message::{EInfo, KeyHitInfos};
use sixin_api::Code;

use crate::error::ApiError;
use crate::store::messages::{Emote, KeywordRule};

/// Text.
pub const TEXT: i64 = 1;
/// Image.
pub const IMAGE: i64 = 2;
/// Recall of an earlier message.
pub const RECALL: i64 = 5;
/// Custom emoji (same content as an image).
pub const CUSTOM_EMOTE: i64 = 6;
/// Share of a video, article, ...
pub const SHARE: i64 = 7;
/// System tip, visible only to one side.
pub const SYSTEM_TIP: i64 = 18;

/// `msg_source` of the automatic mutual-follow greeting.
pub const SOURCE_MUTUAL: i64 = 17;
/// `msg_source` of a system tip.
pub const SOURCE_TIP: i64 = 18;

/// A validated content ready to store.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// The JSON text to store and the message text inside it.
    Text { json: String, text: String },
    /// An image or custom emoji: the JSON text and the image address.
    Image { json: String, url: String },
    /// A recall: the key of the message to recall.
    Recall { json: String, target: u64 },
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
) -> Result<Content, ApiError> {
    if !matches!(msg_type, TEXT | IMAGE | RECALL | CUSTOM_EMOTE | SHARE) {
        return Err(if msg_type > 0 {
            Code::MsgTypeNotSendable.into()
        } else {
            ApiError::bad_request(format!("msg_type {msg_type}"))
        });
    }
    if raw.len() > max_bytes {
        return Err(Code::MsgTooLong.into());
    }
    match msg_type {
        TEXT => parse_text(raw, new_face_version),
        IMAGE | CUSTOM_EMOTE => parse_image(raw),
        RECALL => parse_recall(raw),
        _ => parse_share(raw),
    }
}

fn object(raw: &str) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("content is not a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!("content: {e}"))),
    }
}

fn parse_text(raw: &str, new_face_version: i64) -> Result<Content, ApiError> {
    let mut map = object(raw)?;
    let text = match map.get("content") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(ApiError::bad_request(
                "text content must be a non-empty string",
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

fn parse_image(raw: &str) -> Result<Content, ApiError> {
    let map = object(raw)?;
    let url = match map.get("url") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) | None => return Err(Code::ImageInvalid.into()),
        Some(_) => return Err(ApiError::bad_request("image url must be a string")),
    };
    for key in ["height", "width", "original", "size"] {
        if !matches!(map.get(key), None | Some(Value::Number(_))) {
            return Err(ApiError::bad_request(format!(
                "image {key} must be a number"
            )));
        }
    }
    if !matches!(map.get("imageType"), None | Some(Value::String(_))) {
        return Err(ApiError::bad_request("imageType must be a string"));
    }
    Ok(Content::Image {
        json: raw.to_owned(),
        url,
    })
}

fn parse_recall(raw: &str) -> Result<Content, ApiError> {
    // The content is the target's msg_key: a bare number, though some
    // clients quote it.
    let digits = raw.trim().trim_matches('"');
    let target: u64 = digits
        .parse()
        .map_err(|_| ApiError::bad_request("recall content must be a msg_key"))?;
    Ok(Content::Recall {
        json: target.to_string(),
        target,
    })
}

fn parse_share(raw: &str) -> Result<Content, ApiError> {
    let map = object(raw)?;
    if !matches!(map.get("id"), Some(Value::Number(_))) {
        return Err(ApiError::bad_request("share id must be a number"));
    }
    if !matches!(map.get("source"), Some(Value::Number(_))) {
        return Err(ApiError::bad_request("share source must be a number"));
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
            return Err(ApiError::bad_request(format!(
                "share {key} must be a string"
            )));
        }
    }
    Ok(Content::Share {
        json: raw.to_owned(),
    })
}

/// Old emoji names and the new names they became (`[doge]` -> `[tv_doge]`).
const OLD_EMOTES: &[(&str, &str)] = &[
    ("[doge]", "[tv_doge]"),
    ("[微笑]", "[tv_微笑]"),
    ("[大哭]", "[tv_大哭]"),
    ("[偷笑]", "[tv_偷笑]"),
    ("[鼓掌]", "[tv_鼓掌]"),
];

/// Rewrites old emoji names into new ones.
pub fn convert_old_emotes(text: &str) -> String {
    if !text.contains('[') {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for (old, new) in OLD_EMOTES {
        if out.contains(old) {
            out = out.replace(old, new);
        }
    }
    out
}

/// The `[name]` tokens of `text`, in order of first appearance, without repeats.
pub fn emote_tokens(text: &str) -> Vec<&str> {
    let mut tokens: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open..];
        match after[1..].find(['[', ']']) {
            Some(i) if after.as_bytes()[i + 1] == b']' => {
                let token = &after[..i + 2];
                if i > 0 && !tokens.contains(&token) {
                    tokens.push(token);
                }
                rest = &after[i + 2..];
            }
            Some(i) => rest = &after[i + 1..],
            None => break,
        }
    }
    tokens
}

/// The catalogue entries for the emoji in `texts`, in order of appearance,
/// with addresses made absolute against `public_url`.
pub fn e_infos<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    catalogue: &[Emote],
    public_url: &str,
) -> Vec<EInfo> {
    let mut found: Vec<EInfo> = Vec::new();
    for text in texts {
        for token in emote_tokens(text) {
            if found.iter().any(|e| e.text == token) {
                continue;
            }
            if let Some(emote) = catalogue.iter().find(|e| e.text == token) {
                let absolute = |u: &str| {
                    if u.starts_with('/') {
                        format!("{public_url}{u}")
                    } else {
                        u.to_owned()
                    }
                };
                let uri = absolute(&emote.uri);
                found.push(EInfo {
                    text: emote.text.clone(),
                    url: uri.clone(),
                    uri,
                    size: emote.size,
                    gif_url: emote.gif_url.as_deref().map(absolute),
                });
            }
        }
    }
    found
}

/// The first rule (by id) one of whose keywords occurs in `text`: its toast,
/// id, and one highlight per keyword found. `{}` when none matches.
pub fn key_hits(text: &str, rules: &[KeywordRule]) -> KeyHitInfos {
    let mut rules: Vec<&KeywordRule> = rules.iter().collect();
    rules.sort_by_key(|r| r.rule_id);
    for rule in rules {
        let hits = rule
            .keywords
            .iter()
            .filter(|k| !k.is_empty() && text.contains(k.as_str()))
            .count();
        if hits > 0 {
            return KeyHitInfos {
                toast: Some(rule.toast.clone()),
                rule_id: Some(rule.rule_id),
                // The documents show one empty object per highlight.
                high_text: Some(vec![Value::Object(Map::new()); hits]),
            };
        }
    }
    KeyHitInfos::default()
}

/// `msg_source` for the `mobi_app` a client names (web when absent).
pub fn msg_source(mobi_app: Option<&str>) -> i64 {
    match mobi_app.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("web") => 7,
        Some("iphone" | "ipad" | "iphone_i" | "iphone_b" | "ios") => 1,
        Some("android" | "android_hd" | "android_i" | "android_b" | "android_tv") => 2,
        Some("h5" | "mobile" | "html5") => 3,
        Some("pc" | "pc_client" | "pc_electron" | "win" | "mac") => 4,
        Some(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<Emote> {
        vec![
            Emote {
                text: "[tv_doge]".into(),
                uri: "/bfs/emote/a.png".into(),
                size: 1,
                gif_url: None,
            },
            Emote {
                text: "[口罩]".into(),
                uri: "https://cdn.example.test/b.png".into(),
                size: 2,
                gif_url: Some("/bfs/emote/b.gif".into()),
            },
        ]
    }

    #[test]
    fn only_documented_types_can_be_sent() {
        for t in [8, 9, 10, 11, 12, 13, 14, 16, 18, 19, 306] {
            let err = parse(t, "{}", 2000, 1).unwrap_err();
            assert_eq!(err.code(), Code::MsgTypeNotSendable, "type {t}");
        }
        assert_eq!(
            parse(0, "{}", 2000, 1).unwrap_err().code(),
            Code::BadRequest
        );
        assert_eq!(
            parse(-1, "{}", 2000, 1).unwrap_err().code(),
            Code::BadRequest
        );
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
                parse(TEXT, raw, 2000, 1).unwrap_err().code(),
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
            parse(TEXT, &text, 2000, 1).unwrap_err().code(),
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
                target: 7345551441311046575
            }
        );
        assert!(parse(RECALL, "\"12\"", 2000, 1).is_ok());
        assert!(parse(RECALL, "abc", 2000, 1).is_err());
    }

    #[test]
    fn images_need_a_url_and_numeric_sizes() {
        assert_eq!(
            parse(IMAGE, "{}", 2000, 1).unwrap_err().code(),
            Code::ImageInvalid
        );
        assert_eq!(
            parse(IMAGE, r#"{"url":"x","width":"wide"}"#, 2000, 1)
                .unwrap_err()
                .code(),
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

    #[test]
    fn emoji_tokens_are_found_once_in_order() {
        assert_eq!(emote_tokens("a[x]b[y][x][]c[z"), vec!["[x]", "[y]"]);
        assert_eq!(emote_tokens("[[口罩]]"), vec!["[口罩]"]);
        assert!(emote_tokens("no emoji").is_empty());
    }

    #[test]
    fn e_infos_come_from_the_catalogue_with_absolute_addresses() {
        let infos = e_infos(
            ["[口罩][unknown][tv_doge]", "[tv_doge]"],
            &catalogue(),
            "http://h",
        );
        assert_eq!(infos.len(), 2);
        assert_eq!(infos[0].text, "[口罩]");
        assert_eq!(infos[0].uri, "https://cdn.example.test/b.png");
        assert_eq!(
            infos[0].gif_url.as_deref(),
            Some("http://h/bfs/emote/b.gif")
        );
        assert_eq!(infos[1].uri, "http://h/bfs/emote/a.png");
        assert_eq!(infos[1].url, infos[1].uri);
    }

    #[test]
    fn keyword_rules_match_the_first_rule_by_id() {
        let rules = vec![
            KeywordRule {
                rule_id: 9,
                keywords: vec!["钱".into()],
                toast: "nine".into(),
            },
            KeywordRule {
                rule_id: 2,
                keywords: vec!["支付宝".into(), "微信".into()],
                toast: "two".into(),
            },
        ];
        let hit = key_hits("支付宝和微信都给钱", &rules);
        assert_eq!(hit.rule_id, Some(2));
        assert_eq!(hit.toast.as_deref(), Some("two"));
        assert_eq!(hit.high_text.unwrap().len(), 2);
        assert_eq!(key_hits("hello", &rules), KeyHitInfos::default());
        assert_eq!(
            serde_json::to_string(&KeyHitInfos::default()).unwrap(),
            "{}"
        );
    }

    #[test]
    fn sources_follow_the_documented_table() {
        assert_eq!(msg_source(None), 7);
        assert_eq!(msg_source(Some("web")), 7);
        assert_eq!(msg_source(Some("android")), 2);
        assert_eq!(msg_source(Some("iphone")), 1);
        assert_eq!(msg_source(Some("h5")), 3);
        assert_eq!(msg_source(Some("pc_electron")), 4);
        assert_eq!(msg_source(Some("toaster")), 0);
    }
}
