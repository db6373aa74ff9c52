//! Request parameters of the private-message family, with their exact wire
//! names. GET endpoints take them in the query string, POST endpoints in the
//! form body (or the query string); `csrf` / `csrf_token` come on top.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::form::user_id;

/// `POST /web_im/v1/web_im/send_msg`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMsgForm {
    #[serde(rename = "msg[sender_uid]")]
    pub sender_uid: u64,
    #[serde(rename = "msg[receiver_id]")]
    pub receiver_id: u64,
    /// 1 user, 2 fan group.
    #[serde(rename = "msg[receiver_type]")]
    pub receiver_type: i64,
    /// See [`super::msg_type`].
    #[serde(rename = "msg[msg_type]")]
    pub msg_type: i64,
    /// Always 0 when sending.
    #[serde(
        rename = "msg[msg_status]",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub msg_status: Option<i64>,
    /// The sending device; with `timestamp` and the content it identifies a
    /// retried send.
    #[serde(
        rename = "msg[dev_id]",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub dev_id: Option<String>,
    /// Seconds.
    #[serde(
        rename = "msg[timestamp]",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<i64>,
    /// 0: old emoji names in the text are converted to new ones.
    #[serde(
        rename = "msg[new_face_version]",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub new_face_version: Option<i64>,
    /// The content object as JSON text (a bare msg_key for a recall).
    #[serde(rename = "msg[content]")]
    pub content: String,
    /// Members of the fan group the message mentions: mids separated by
    /// commas (or a JSON array); 0 or absent mentions nobody. Not in the
    /// documents; read only for `receiver_type` 2.
    #[serde(
        rename = "msg[at_uids]",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub at_uids: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// The client's platform, which decides `msg_source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
    /// Read when `mobi_app` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// `GET /session_svr/v1/session_svr/new_sessions`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct NewSessionsQuery {
    /// Only sessions newer than this (microseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_ts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// `GET /session_svr/v1/session_svr/get_sessions`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GetSessionsQuery {
    /// 1 users and system, 2 unfollowed, 3 fan groups, 4 all, 5 intercepted,
    /// 6 business, 7 system, 8 strangers, 9 followed and system.
    pub session_type: i64,
    /// Microseconds; only sessions after this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_ts: Option<i64>,
    /// Microseconds; only sessions before this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// 3: most recently read first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_rule: Option<i64>,
    /// Fold fan groups (1); accepted as text and ignored: sixin lists every
    /// session individually.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_fold: Option<String>,
    /// Fold users you do not follow (1); accepted as text and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfollow_fold: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// One session: `session_detail` (GET) and `remove_session` (POST).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SessionQuery {
    pub talker_id: u64,
    /// 1 user, 2 fan group.
    pub session_type: i64,
}

/// `GET /svr_sync/v1/svr_sync/fetch_session_msgs`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct FetchSessionMsgsQuery {
    pub talker_id: u64,
    pub session_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// Exclusive lower bound; 0 or absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_seqno: Option<u64>,
    /// Exclusive upper bound; 0 or absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_seqno: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// `POST /session_svr/v1/session_svr/update_ack`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateAckForm {
    pub talker_id: u64,
    pub session_type: i64,
    /// Required (`-400` without it), as the documents mark it.
    pub ack_seqno: u64,
}

/// `POST /session_svr/v1/session_svr/set_top`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetTopForm {
    pub talker_id: u64,
    pub session_type: i64,
    /// 0 pin, 1 unpin.
    pub op_type: i64,
}

/// `POST /session_svr/v1/session_svr/update_intercept`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateInterceptForm {
    pub talker_id: u64,
    /// 1 intercept, 0 trust.
    pub status: i64,
}

/// `GET /session_svr/v1/session_svr/single_unread`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SingleUnreadQuery {
    /// 0 all, 1 followed, 2 unfollowed, 3 dustbin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread_type: Option<i64>,
    /// 1: count the dustbin too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_dustbin: Option<i64>,
}

/// `link_setting/get` (GET query or POST form): the two optional fields are
/// answered only when asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GetSettingsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_notify: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_unfollowed_msg: Option<i64>,
}

/// `POST /link_setting/v1/link_setting/set`: the settings to change, by
/// name (`set_like`, `receive_unfollow_msg`, ...: the fields of
/// [`super::MessageSettings`]), each value as the client wrote it (an
/// unparsable value is `2 非法参数`, not -400). A name given twice counts
/// once, with its last value; names that are not settings are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct SetSettingsForm(pub BTreeMap<String, String>);

/// `GET /link_setting/v1/link_setting/is_limit`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct IsLimitQuery {
    #[serde(deserialize_with = "user_id")]
    pub uid: u64,
}

/// `GET /link_setting/v1/link_setting/get_msg_dnd`: one user and/or one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GetMsgDndQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uids: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_ids: Option<String>,
}

/// `POST /link_setting/v1/link_setting/set_msg_dnd`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetMsgDndForm {
    /// 1 on, 0 off.
    pub setting: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd_uid: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd_group_id: Option<u64>,
}

/// `GET /link_setting/v1/link_setting/get_session_ss`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GetSessionSsQuery {
    #[serde(deserialize_with = "user_id")]
    pub talker_uid: u64,
}

/// `POST /link_setting/v1/link_setting/set_push_ss`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPushSsForm {
    pub talker_uid: u64,
    /// 0 receive, 1 do not.
    pub setting: i64,
}

/// The client's build and platform, all some endpoints take
/// (`get_block_words`, `get_sys_setting`, `show_create_group_icon`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct PlatformQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// `web`, `android`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// `POST /x/im/link_setting/add_block_word` and `del_block_word`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockWordForm {
    /// The word, at most 20 characters, no spaces.
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// Forms without fields (`batch_update_dustbin_ack`, `batch_rm_dustbin`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoFields {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_msg_keeps_its_bracketed_names_and_skips_what_is_absent() {
        let form = SendMsgForm {
            sender_uid: 1,
            receiver_id: 2,
            receiver_type: 1,
            msg_type: 1,
            content: r#"{"content":"hi"}"#.into(),
            ..SendMsgForm::default()
        };
        let encoded = serde_urlencoded::to_string(&form).unwrap();
        assert_eq!(
            encoded,
            "msg%5Bsender_uid%5D=1&msg%5Breceiver_id%5D=2&msg%5Breceiver_type%5D=1\
             &msg%5Bmsg_type%5D=1&msg%5Bcontent%5D=%7B%22content%22%3A%22hi%22%7D"
        );
        assert_eq!(
            serde_urlencoded::from_str::<SendMsgForm>(&encoded).unwrap(),
            form
        );
    }

    /// The wire names of a request, in order.
    fn names(value: &impl Serialize) -> Vec<String> {
        let encoded = serde_urlencoded::to_string(value).unwrap();
        serde_urlencoded::from_str::<Vec<(String, String)>>(&encoded)
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    /// Every form and query of the family, fully filled, with the wire names
    /// the documents give.
    #[test]
    fn every_request_has_its_documented_wire_names() {
        let text = || Some(String::from("x"));
        let send = SendMsgForm {
            msg_status: Some(0),
            dev_id: text(),
            timestamp: Some(1),
            new_face_version: Some(1),
            build: text(),
            mobi_app: text(),
            platform: text(),
            ..SendMsgForm::default()
        };
        assert_eq!(
            names(&send),
            [
                "msg[sender_uid]",
                "msg[receiver_id]",
                "msg[receiver_type]",
                "msg[msg_type]",
                "msg[msg_status]",
                "msg[dev_id]",
                "msg[timestamp]",
                "msg[new_face_version]",
                "msg[content]",
                "build",
                "mobi_app",
                "platform"
            ]
        );
        let new_sessions = NewSessionsQuery {
            begin_ts: Some(1),
            size: Some(1),
            build: text(),
            mobi_app: text(),
        };
        assert_eq!(
            names(&new_sessions),
            ["begin_ts", "size", "build", "mobi_app"]
        );
        let get_sessions = GetSessionsQuery {
            session_type: 1,
            begin_ts: Some(1),
            end_ts: Some(1),
            size: Some(1),
            sort_rule: Some(1),
            group_fold: text(),
            unfollow_fold: text(),
            build: text(),
            mobi_app: text(),
        };
        assert_eq!(
            names(&get_sessions),
            [
                "session_type",
                "begin_ts",
                "end_ts",
                "size",
                "sort_rule",
                "group_fold",
                "unfollow_fold",
                "build",
                "mobi_app"
            ]
        );
        assert_eq!(
            names(&SessionQuery::default()),
            ["talker_id", "session_type"]
        );
        let history = FetchSessionMsgsQuery {
            size: Some(1),
            begin_seqno: Some(1),
            end_seqno: Some(1),
            sender_device_id: text(),
            build: text(),
            mobi_app: text(),
            ..FetchSessionMsgsQuery::default()
        };
        assert_eq!(
            names(&history),
            [
                "talker_id",
                "session_type",
                "size",
                "begin_seqno",
                "end_seqno",
                "sender_device_id",
                "build",
                "mobi_app"
            ]
        );
        let ack = UpdateAckForm {
            ack_seqno: 1,
            ..UpdateAckForm::default()
        };
        assert_eq!(names(&ack), ["talker_id", "session_type", "ack_seqno"]);
        assert_eq!(
            names(&SetTopForm::default()),
            ["talker_id", "session_type", "op_type"]
        );
        assert_eq!(
            names(&UpdateInterceptForm::default()),
            ["talker_id", "status"]
        );
        let unread = SingleUnreadQuery {
            unread_type: Some(0),
            show_dustbin: Some(1),
        };
        assert_eq!(names(&unread), ["unread_type", "show_dustbin"]);
        let get = GetSettingsQuery {
            msg_notify: Some(1),
            show_unfollowed_msg: Some(1),
        };
        assert_eq!(names(&get), ["msg_notify", "show_unfollowed_msg"]);
        let set = SetSettingsForm([("set_like".to_owned(), "5".to_owned())].into());
        assert_eq!(names(&set), ["set_like"]);
        assert_eq!(names(&IsLimitQuery::default()), ["uid"]);
        let dnd = GetMsgDndQuery {
            uids: text(),
            group_ids: text(),
        };
        assert_eq!(names(&dnd), ["uids", "group_ids"]);
        let set_dnd = SetMsgDndForm {
            setting: 1,
            dnd_uid: Some(1),
            dnd_group_id: Some(1),
        };
        assert_eq!(names(&set_dnd), ["setting", "dnd_uid", "dnd_group_id"]);
        assert_eq!(names(&GetSessionSsQuery::default()), ["talker_uid"]);
        assert_eq!(names(&SetPushSsForm::default()), ["talker_uid", "setting"]);
        let platform = PlatformQuery {
            build: text(),
            mobi_app: text(),
        };
        assert_eq!(names(&platform), ["build", "mobi_app"]);
        let word = BlockWordForm {
            content: "x".into(),
            build: text(),
            mobi_app: text(),
        };
        assert_eq!(names(&word), ["content", "build", "mobi_app"]);
    }

    #[test]
    fn a_setting_given_twice_counts_once_with_its_last_value() {
        let form: SetSettingsForm =
            serde_urlencoded::from_str("set_like=0&set_like=5&unknown=1").unwrap();
        assert_eq!(form.0.get("set_like").map(String::as_str), Some("5"));
        assert_eq!(form.0.len(), 2);
    }
}
