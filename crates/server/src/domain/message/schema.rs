//! The documented content of every message type (私信内容对象), as a
//! schema the admin API's deliveries are checked against: each field the
//! documents list with its JSON type (`null` only where they say "无效时：
//! null"), nested objects and arrays too, and no field they do not list.
//!
//! Where a document marks a field optional ("非必要"), or says it may be
//! missing (video and article pushes sometimes carry only `rid`, `type`
//! and `attach_msg`), it may be absent; the fields a client needs to show
//! the message at all are required. The seed and the upstream documents
//! are merged: the seed's image `type` beside upstream's `imageType`.

use serde_json::{Map, Value};
use sixin_api::message::msg_type;

/// A JSON type.
#[derive(Debug, Clone, Copy)]
enum Ty {
    Str,
    Num,
    Bool,
    /// An object with these fields.
    Obj(&'static [Field]),
    /// An array of these.
    Arr(&'static Ty),
    /// `null`, or the other type.
    Nullable(&'static Ty),
    /// Text holding JSON of the other type (type 18's `content`).
    JsonText(&'static Ty),
    /// Any object (undocumented inside).
    AnyObj,
}

#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    ty: Ty,
    required: bool,
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

use Ty::{AnyObj, Arr, Bool, JsonText, Nullable, Num, Obj, Str};

const TEXT: &[Field] = &[req("content", Str)];

const IMAGE: &[Field] = &[
    req("url", Str),
    opt("height", Num),
    opt("width", Num),
    opt("imageType", Str),
    opt("type", Str),
    opt("original", Num),
    opt("size", Num),
];

const SHARE: &[Field] = &[
    opt("author", Str),
    opt("headline", Str),
    req("id", Num),
    req("source", Num),
    opt("source_desc", Str),
    opt("thumb", Str),
    opt("title", Str),
    opt("url", Str),
    opt("bvid", Str),
];

const MINI_PROGRAM: &[Field] = &[
    opt("avatar", Str),
    opt("cover", Str),
    req("id", Str),
    req("jump_uri", Str),
    opt("label_cover", Str),
    opt("label_name", Str),
    opt("name", Str),
    req("title", Str),
];

const MODULE: &[Field] = &[opt("title", Str), opt("detail", Str)];
const NOTIFIER: &[Field] = &[
    opt("avatar_url", Str),
    opt("nickname", Str),
    opt("jump_url", Str),
];
const JUMP_CONFIG: &[Field] = &[
    opt("all_uri", Str),
    opt("android_uri", Str),
    opt("iphone_uri", Str),
    opt("ipad_uri", Str),
    opt("web_uri", Str),
    opt("text", Str),
];
const BIZ_CONTENT: &[Field] = &[
    opt("cover", Str),
    opt("backup_cover", Str),
    opt("refresh_type", Num),
    opt("biz_type", Num),
    opt("biz_id1", Str),
    opt("biz_id2", Str),
    opt("biz_status", Num),
];
const NOTIFICATION: &[Field] = &[
    req("title", Str),
    req("text", Str),
    opt("jump_text", Str),
    opt("jump_uri", Str),
    opt("modules", Nullable(&Arr(&Obj(MODULE)))),
    opt("jump_text_2", Str),
    opt("jump_uri_2", Str),
    opt("jump_text_3", Str),
    opt("jump_uri_3", Str),
    opt("notifier", Nullable(&Obj(NOTIFIER))),
    opt("jump_uri_config", Obj(JUMP_CONFIG)),
    opt("jump_uri_2_config", Obj(JUMP_CONFIG)),
    opt("jump_uri_3_config", Obj(JUMP_CONFIG)),
    opt("biz_content", Nullable(&Obj(BIZ_CONTENT))),
];

const ATTACH_MSG: &[Field] = &[opt("id", Num), opt("content", Str)];

const VIDEO_PUSH: &[Field] = &[
    opt("title", Str),
    opt("times", Num),
    opt("cover", Str),
    req("rid", Num),
    opt("type_", Num),
    opt("type", Num),
    opt("desc", Str),
    opt("bvid", Str),
    opt("view", Num),
    opt("danmaku", Num),
    opt("pub_date", Num),
    opt("attach_msg", Nullable(&Obj(ATTACH_MSG))),
];

const ARTICLE_PUSH: &[Field] = &[
    req("rid", Num),
    opt("type", Num),
    opt("title", Str),
    opt("summary", Str),
    opt("author", Str),
    opt("view", Num),
    opt("like", Num),
    opt("reply", Num),
    opt("template_id", Num),
    opt("image_urls", Nullable(&Arr(&Str))),
    opt("attach_msg", Nullable(&Obj(ATTACH_MSG))),
    opt("pub_date", Num),
];

const PICTURE_CARD: &[Field] = &[req("pic_url", Str), opt("jump_url", Str), req("title", Str)];

const SHARE_OTHER: &[Field] = &[
    opt("author", Str),
    opt("cover", Str),
    opt("desc", Str),
    opt("source", Str),
    req("title", Str),
    req("url", Str),
];

const SUB_CARD: &[Field] = &[
    req("card_id", Num),
    opt("card_type", Num),
    opt("jump_url", Str),
    opt("cover_url", Str),
    opt("field1", Str),
    opt("field2", Str),
    opt("field3", Str),
    opt("icon3", Num),
    opt("field4", Str),
    opt("icon4", Num),
];
const FOLLOWED_PUSH: &[Field] = &[
    opt("main_title", Str),
    opt("reply_content", Str),
    req("sub_cards", Arr(&Obj(SUB_CARD))),
];

const TIP: &[Field] = &[
    req("text", Str),
    opt("color_day", Str),
    opt("color_nig", Str),
    opt("jump_url", Str),
];
const SYSTEM_TIP: &[Field] = &[req("content", JsonText(&Arr(&Obj(TIP))))];

const PARAGRAPHS: &[Field] = &[req("paragraphs", Arr(&AnyObj))];
const AI: &[Field] = &[
    req("content", Obj(PARAGRAPHS)),
    opt("show_like", Bool),
    opt("show_change", Bool),
    opt("gpt_session_id", Num),
    opt("gpt_bind_query", Str),
    opt("session_closed_line", Str),
    opt("voice_url", Str),
    opt("sub_type", Num),
    opt("voice_time", Num),
];

const GROUP_NOTICE: &[Field] = &[opt("group_id", Num), req("content", Str)];

/// The fields of a message type's content object; `None` for a type the
/// documents do not describe as an object (5 and 8 are a msg_key).
fn fields_of(kind: i64) -> Option<&'static [Field]> {
    Some(match kind {
        msg_type::TEXT => TEXT,
        msg_type::IMAGE | msg_type::CUSTOM_EMOTE => IMAGE,
        msg_type::SHARE => SHARE,
        msg_type::MINI_PROGRAM => MINI_PROGRAM,
        msg_type::NOTIFICATION => NOTIFICATION,
        msg_type::VIDEO_PUSH => VIDEO_PUSH,
        msg_type::ARTICLE_PUSH => ARTICLE_PUSH,
        msg_type::PICTURE_CARD => PICTURE_CARD,
        msg_type::SHARE_OTHER => SHARE_OTHER,
        msg_type::FOLLOWED_PUSH => FOLLOWED_PUSH,
        msg_type::SYSTEM_TIP => SYSTEM_TIP,
        msg_type::AI => AI,
        301..=306 => GROUP_NOTICE,
        _ => return None,
    })
}

/// Whether the documents describe `kind` (a message type that can be
/// delivered with its content checked).
pub fn is_documented(kind: i64) -> bool {
    fields_of(kind).is_some()
}

/// Checks `content` (the content object as JSON text) against the
/// documented fields of `kind`; the error names the first field that is
/// wrong (as a path, such as `modules[1].title`).
pub fn check(kind: i64, content: &str) -> Result<(), String> {
    let fields = fields_of(kind).ok_or_else(|| format!("msg_type {kind} is not documented"))?;
    let value: Value =
        serde_json::from_str(content).map_err(|e| format!("content is not JSON: {e}"))?;
    match &value {
        Value::Object(map) => check_object(map, fields, ""),
        _ => Err("content must be a JSON object".to_owned()),
    }
}

fn check_object(map: &Map<String, Value>, fields: &[Field], at: &str) -> Result<(), String> {
    for name in map.keys() {
        if !fields.iter().any(|f| f.name == name) {
            return Err(format!("{at}{name} is not a documented field"));
        }
    }
    for field in fields {
        let path = format!("{at}{}", field.name);
        match map.get(field.name) {
            Some(value) => check_value(value, field.ty, &path)?,
            None if field.required => return Err(format!("{path} is missing")),
            None => {}
        }
    }
    Ok(())
}

fn check_value(value: &Value, ty: Ty, path: &str) -> Result<(), String> {
    let wrong = |what: &str| Err(format!("{path} must be {what}"));
    match (ty, value) {
        (Ty::Str, Value::String(_)) | (Ty::Num, Value::Number(_)) | (Ty::Bool, Value::Bool(_)) => {
            Ok(())
        }
        (Ty::Str, _) => wrong("a string"),
        (Ty::Num, _) => wrong("a number"),
        (Ty::Bool, _) => wrong("true or false"),
        (Ty::AnyObj, Value::Object(_)) => Ok(()),
        (Ty::AnyObj, _) => wrong("an object"),
        (Ty::Obj(fields), Value::Object(map)) => check_object(map, fields, &format!("{path}.")),
        (Ty::Obj(_), _) => wrong("an object"),
        (Ty::Arr(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check_value(v, *item, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Ty::Arr(_), _) => wrong("an array"),
        (Ty::Nullable(_), Value::Null) => Ok(()),
        (Ty::Nullable(inner), _) => check_value(value, *inner, path),
        (Ty::JsonText(inner), Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(parsed) => check_value(&parsed, *inner, path),
            Err(_) => wrong("text holding JSON"),
        },
        (Ty::JsonText(_), _) => wrong("text holding JSON"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documents' examples, as they show them.
    const EXAMPLES: &[(i64, &str)] = &[
        (1, r#"{"content":"Hello"}"#),
        (
            2,
            r#"{"url":"https://message.biliimg.com/bfs/im_new/c161fdf51d901c1607a15e30f10116dd425503913.jpg","height":300,"width":300,"imageType":"jpeg","original":1,"size":55.443}"#,
        ),
        (
            7,
            r#"{"author":"社会易姐QwQ","headline":"","id":246551172,"source":5,"thumb":"http://i2.hdslb.com/bfs/archive/14ba78056f946ece8c954a10677ef6b073edb178.jpg","title":"合 成 大 東 瓜","bvid":"BV16v411e7CW"}"#,
        ),
        (
            10,
            r#"{"title":"流量奖励到账通知","text":"恭喜您已获得2000流量曝光奖励，快来投稿使用吧。","jump_text":"","jump_uri":"","modules":null,"jump_text_2":"","jump_uri_2":"","jump_text_3":"","jump_uri_3":"","notifier":null,"jump_uri_config":{"all_uri":"https://member.bilibili.com/york/flow-reward?navhide=1\u0026from=msgrecall","text":""},"jump_uri_2_config":{"text":""},"jump_uri_3_config":{"text":""},"biz_content":null}"#,
        ),
        (
            11,
            r#"{"title":"t","times":14,"cover":"http://c","rid":1951316064,"type_":8,"desc":"d","bvid":"BV1zC411p7JN","view":452,"danmaku":0,"pub_date":1709385603,"attach_msg":null}"#,
        ),
        (11, r#"{"rid":1,"type":11,"attach_msg":null}"#),
        (
            12,
            r#"{"rid":18275013,"title":"t","summary":"s","author":"a","view":872,"like":38,"reply":7,"template_id":4,"image_urls":["https://i0.hdslb.com/x.jpg"],"attach_msg":null,"pub_date":1661358081}"#,
        ),
        (
            13,
            r#"{"pic_url":"http://p","jump_url":"https://j","title":"原神，启动！"}"#,
        ),
        (
            14,
            r#"{"author":"哔哩哔哩晚会","cover":"https://c","desc":"d","source":"直播","title":"t","url":"https://live.bilibili.com/21738461"}"#,
        ),
        (
            16,
            r#"{"main_title":"更多宝藏内容","reply_content":"r","sub_cards":[{"card_id":379743801,"card_type":1,"jump_url":"https://b23.tv/x","cover_url":"http://c","field1":"f","field2":"2021-12-10","field3":"20万","icon3":1,"field4":"479","icon4":3}]}"#,
        ),
        (
            18,
            r##"{"content":"[{\"text\":\"对方主动回复或关注你前，最多发送1条消息\",\"color_day\":\"#9499A0\",\"color_nig\":\"#9499A0\"}]"}"##,
        ),
        (
            19,
            r#"{"content":{"paragraphs":[{"text":"x"}]},"show_like":true,"gpt_session_id":1}"#,
        ),
        (
            305,
            r#"{"group_id":221082140,"content":"社会易姐QwQ的应援团开通啦 (>▽<)"}"#,
        ),
    ];

    #[test]
    fn every_documented_example_passes() {
        for (kind, content) in EXAMPLES {
            assert_eq!(check(*kind, content), Ok(()), "type {kind}");
        }
    }

    #[test]
    fn wrong_types_missing_and_unknown_fields_are_named() {
        assert_eq!(
            check(10, r#"{"title":"t"}"#),
            Err("text is missing".to_owned())
        );
        assert_eq!(
            check(10, r#"{"title":"t","text":"x","modules":[{"title":1}]}"#),
            Err("modules[0].title must be a string".to_owned())
        );
        assert_eq!(
            check(11, r#"{"rid":"1"}"#),
            Err("rid must be a number".to_owned())
        );
        assert_eq!(
            check(13, r#"{"pic_url":"p","title":"t","extra":1}"#),
            Err("extra is not a documented field".to_owned())
        );
        assert_eq!(
            check(18, r##"{"content":"[{\"color_day\":\"#fff\"}]"}"##),
            Err("content[0].text is missing".to_owned())
        );
        assert_eq!(
            check(18, r#"{"content":"not json"}"#),
            Err("content must be text holding JSON".to_owned())
        );
        assert!(check(1, "[1]").is_err());
        assert!(check(1, "{").is_err());
        assert!(check(12, r#"{"rid":1,"image_urls":null}"#).is_ok());
        assert!(check(12, r#"{"rid":1,"image_urls":[1]}"#).is_err());
    }

    #[test]
    fn only_documented_types_exist() {
        for kind in [1, 2, 6, 7, 9, 10, 11, 12, 13, 14, 16, 18, 19, 301, 306] {
            assert!(is_documented(kind), "{kind}");
        }
        for kind in [0, 3, 4, 5, 8, 15, 17, 20, 300, 307] {
            assert!(!is_documented(kind), "{kind}");
        }
    }
}
