//! Private messages: what a message is, where it came from, and the rules
//! of sending, reading and session settings.

pub mod content;
pub mod emote;
pub mod recall;
pub mod send;
pub mod session;
pub mod settings;

use sixin_api::message::msg_source;

use super::{MsgKey, Seqno};

pub use content::Content;

/// A message as stored (私信主体对象).
#[derive(Debug, Clone, PartialEq, Eq)]
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
