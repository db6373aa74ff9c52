//! Private messages: what a message is, where it came from, and the rules
//! of sending, reading and session settings.

pub mod auto_reply;
pub mod block;
pub mod content;
pub mod emote;
pub mod group_send;
pub mod push;
pub mod rate;
pub mod recall;
pub mod schema;
pub mod search;
pub mod send;
pub mod session;
pub mod settings;

use sixin_api::message::msg_source;

use super::{MsgKey, Seqno};

pub use content::Content;

/// A message as stored (私信主体对象).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// 0 for messages of the system.
    pub sender_uid: u64,
    /// 1 user, 2 fan group.
    pub receiver_type: i64,
    pub receiver_id: u64,
    pub msg_type: i64,
    /// The content object as JSON text, as the wire carries it.
    pub content: String,
    pub seqno: Seqno,
    /// Microseconds.
    pub ts_us: i64,
    /// `Some([0])` on what users send (nobody mentioned), `None` on
    /// automatic messages, as in the documents' examples.
    pub at_uids: Option<Vec<u64>>,
    pub msg_key: MsgKey,
    /// 0 normal, 1 recalled, 2 recalled by the system.
    pub msg_status: i64,
    pub notify_code: String,
    pub new_face_version: Option<i64>,
    pub msg_source: i64,
}

/// Where a message lands: its key and its place in the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub msg_key: MsgKey,
    pub msg_seqno: Seqno,
}

/// `msg_status` of an image that has expired (图片已失效).
pub const EXPIRED_IMAGE: i64 = 50;

/// An image message (`msg_type` 2) sent more than `retention_us` before
/// `now_us` shows as expired: `msg_status` 50 and, as the documents say,
/// an image telling that the picture is gone (`placeholder`, its content
/// JSON). Others, and any recalled image, show as they are.
pub fn expire_image(
    message: Message,
    now_us: i64,
    retention_us: Option<i64>,
    placeholder: &str,
) -> Message {
    match retention_us {
        Some(retention)
            if message.msg_type == sixin_api::message::msg_type::IMAGE
                && message.msg_status == 0
                && now_us.saturating_sub(message.ts_us) > retention =>
        {
            Message {
                msg_status: EXPIRED_IMAGE,
                content: placeholder.to_owned(),
                ..message
            }
        }
        _ => message,
    }
}

/// `msg_source` for the platform a client names (`mobi_app`, else
/// `platform`; web when absent).
pub fn source_of(mobi_app: Option<&str>) -> i64 {
    match mobi_app.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("web") => msg_source::WEB,
        Some("iphone" | "ipad" | "iphone_i" | "iphone_b" | "ios") => msg_source::IOS,
        Some("android" | "android_hd" | "android_i" | "android_b" | "android_tv") => {
            msg_source::ANDROID
        }
        Some("h5" | "mobile" | "html5") => msg_source::H5,
        Some("pc" | "pc_client" | "pc_electron" | "win" | "mac") => msg_source::PC_CLIENT,
        Some(_) => msg_source::UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_past_their_retention_show_as_expired() {
        let image = Message {
            sender_uid: 1,
            receiver_type: 1,
            receiver_id: 2,
            msg_type: 2,
            content: r#"{"url":"x"}"#.into(),
            seqno: Seqno(1),
            ts_us: 1_000,
            at_uids: Some(vec![0]),
            msg_key: MsgKey(9),
            msg_status: 0,
            notify_code: String::new(),
            new_face_version: Some(1),
            msg_source: 7,
        };
        let gone = expire_image(image.clone(), 2_001, Some(1_000), "P");
        assert_eq!((gone.msg_status, gone.content.as_str()), (50, "P"));
        assert_eq!(expire_image(image.clone(), 2_000, Some(1_000), "P"), image);
        assert_eq!(expire_image(image.clone(), 9_999, None, "P"), image);
        let recalled = Message {
            msg_status: 1,
            ..image.clone()
        };
        assert_eq!(
            expire_image(recalled.clone(), 9_999, Some(1), "P"),
            recalled
        );
        let text = Message {
            msg_type: 1,
            ..image
        };
        assert_eq!(expire_image(text.clone(), 9_999, Some(1), "P"), text);
    }

    #[test]
    fn sources_follow_the_documented_table() {
        assert_eq!(source_of(None), 7);
        assert_eq!(source_of(Some("web")), 7);
        assert_eq!(source_of(Some("android")), 2);
        assert_eq!(source_of(Some("iphone")), 1);
        assert_eq!(source_of(Some("h5")), 3);
        assert_eq!(source_of(Some("pc_electron")), 4);
        assert_eq!(source_of(Some("toaster")), 0);
    }
}
