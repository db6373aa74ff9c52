//! The private-message family: sessions (`session_svr`), history
//! (`svr_sync`), sending (`web_im`), per-session and per-user settings
//! (`link_setting`), and the image upload clients use for image messages.
//!
//! The vc hosts answer with `msg` beside `message`; `send_msg` answers like
//! `api.bilibili.com` with `"data": null` on errors, `session_detail` with
//! both.

mod auto_reply;
mod block;
mod feed;
mod history;
mod send;
mod sessions;
mod settings;
mod system;
mod upload;
pub(super) mod view;

pub(crate) use view::group_cover;

use crate::http::reply::Json;
use sixin_api::message::auto_reply::{
    DelReplyTextForm, GetReplyTextQuery, ReplyTexts, SetReplyTextForm,
};
use sixin_api::message::request::{
    BlockWordForm, FetchSessionMsgsQuery, GetMsgDndQuery, GetSessionSsQuery, GetSessionsQuery,
    GetSettingsQuery, IsLimitQuery, NewSessionsQuery, NoFields, PlatformQuery, SendMsgForm,
    SessionQuery, SetMsgDndForm, SetPushSsForm, SetSettingsForm, SetTopForm, SingleUnreadQuery,
    UpdateAckForm, UpdateInterceptForm,
};
use sixin_api::message::{BlockWords, CreateGroupIcon, FeedUnread, SysSetting};
use sixin_api::message::{
    DndSettings, GroupUnread, History, LimitState, MessageSettings, SendResult, Session,
    SessionList, SessionPushSetting, SingleUnread, UploadedImage,
};
use sixin_api::{Code, Envelope};

use super::error::Shape;
use super::routes::{Auth, Data, Doc, Routes};
use crate::domain::message::session::Talker;
use crate::error::Error;

pub fn router() -> Routes {
    use Code::*;
    const SESSION_SVR: &str = "/session_svr/v1/session_svr";
    const LINK_SETTING: &str = "/link_setting/v1/link_setting";
    const IM_LINK_SETTING: &str = "/x/im/link_setting";
    let at = |base: &str, name: &str| format!("{base}/{name}");
    let session_flag = |summary| {
        Doc::new(summary)
            .auth(Auth::Csrf)
            .data_is(Data::EmptyObject)
            .codes(&[SessionNotFound])
    };
    let vc = Routes::new(Shape::Vc)
        .get(
            &at(SESSION_SVR, "single_unread"),
            sessions::get_single_unread,
            Doc::new("Unread private messages, by kind")
                .auth(Auth::Login)
                .query::<SingleUnreadQuery>()
                .data::<SingleUnread>()
                .codes(&[InvalidParam]),
        )
        .get(
            &at(SESSION_SVR, "my_group_unread"),
            sessions::get_group_unread,
            Doc::new("Unread fan-group messages")
                .auth(Auth::Login)
                .data::<GroupUnread>(),
        )
        .get(
            &at(SESSION_SVR, "new_sessions"),
            sessions::get_new_sessions,
            Doc::new("Sessions with news since begin_ts, newest first")
                .auth(Auth::Login)
                .query::<NewSessionsQuery>()
                .data::<SessionList>(),
        )
        .get(
            &at(SESSION_SVR, "get_sessions"),
            sessions::get_sessions,
            Doc::new("A page of sessions of one kind")
                .auth(Auth::Login)
                .query::<GetSessionsQuery>()
                .data::<SessionList>(),
        )
        .post(
            &at(SESSION_SVR, "update_ack"),
            sessions::update_ack,
            Doc::new("Mark a session read up to ack_seqno")
                .auth(Auth::Csrf)
                .form::<UpdateAckForm>()
                .data_is(Data::EmptyObject),
        )
        .post(
            &at(SESSION_SVR, "set_top"),
            sessions::set_top,
            session_flag("Pin (op_type 0) or unpin (1) a session").form::<SetTopForm>(),
        )
        .post(
            &at(SESSION_SVR, "remove_session"),
            sessions::remove_session,
            session_flag("Remove a session from the lists (marks it read)").form::<SessionQuery>(),
        )
        .post(
            &at(SESSION_SVR, "update_intercept"),
            sessions::update_intercept,
            session_flag("Move a session to (status 1) or out of (0) the intercepted folder")
                .form::<UpdateInterceptForm>(),
        )
        .post(
            &at(SESSION_SVR, "batch_update_dustbin_ack"),
            sessions::ack_dustbin,
            session_flag("Mark every intercepted session read").form::<NoFields>(),
        )
        .post(
            &at(SESSION_SVR, "batch_rm_dustbin"),
            sessions::clear_dustbin,
            session_flag("Remove every intercepted session").form::<NoFields>(),
        )
        .get(
            "/svr_sync/v1/svr_sync/fetch_session_msgs",
            history::fetch_session_msgs,
            Doc::new("A page of a session's messages, newest first")
                .auth(Auth::Login)
                .query::<FetchSessionMsgsQuery>()
                .data::<History>(),
        )
        .get(
            &at(LINK_SETTING, "get"),
            settings::get_settings,
            Doc::new("The caller's message preferences")
                .auth(Auth::Login)
                .query::<GetSettingsQuery>()
                .data::<MessageSettings>(),
        )
        .post(
            &at(LINK_SETTING, "get"),
            settings::post_get_settings,
            Doc::new("The caller's message preferences")
                .auth(Auth::Csrf)
                .form::<GetSettingsQuery>()
                .data::<MessageSettings>(),
        )
        .post(
            &at(LINK_SETTING, "set"),
            settings::set_settings,
            Doc::new("Change message preferences (each setting a parameter of its own name)")
                .auth(Auth::Csrf)
                .form::<SetSettingsForm>()
                .data_is(Data::EmptyObject)
                .codes(&[InvalidParam, NoPermission]),
        )
        .get(
            &at(LINK_SETTING, "is_limit"),
            settings::get_limit,
            Doc::new("Whether a user is stopped from sending")
                .auth(Auth::Login)
                .query::<IsLimitQuery>()
                .data::<LimitState>(),
        )
        .get(
            &at(LINK_SETTING, "get_msg_dnd"),
            settings::get_dnd,
            Doc::new("Do-not-disturb settings of sessions")
                .auth(Auth::Login)
                .query::<GetMsgDndQuery>()
                .data::<DndSettings>(),
        )
        .post(
            &at(LINK_SETTING, "set_msg_dnd"),
            settings::set_dnd,
            Doc::new("Turn do-not-disturb on (1) or off (0) for a session")
                .auth(Auth::Csrf)
                .form::<SetMsgDndForm>()
                .data_is(Data::EmptyObject),
        )
        .get(
            &at(LINK_SETTING, "get_session_ss"),
            settings::get_push,
            Doc::new("Push setting of a session")
                .auth(Auth::Login)
                .query::<GetSessionSsQuery>()
                .data::<SessionPushSetting>(),
        )
        .post(
            &at(LINK_SETTING, "set_push_ss"),
            settings::set_push,
            Doc::new("Receive (0) or refuse (1) pushes of a session")
                .auth(Auth::Csrf)
                .form::<SetPushSsForm>()
                .data_is(Data::EmptyObject),
        );
    let vc = vc
        .get(
            &at(LINK_SETTING, "get_sys_setting"),
            system::get_sys_setting,
            Doc::new("System message settings clients read at start")
                .auth(Auth::Login)
                .query::<PlatformQuery>()
                .data::<SysSetting>(),
        )
        .get(
            &at(IM_LINK_SETTING, "get_block_words"),
            block::get_block_words,
            Doc::new("The caller's message block words")
                .auth(Auth::Login)
                .query::<PlatformQuery>()
                .data::<BlockWords>(),
        )
        .post(
            &at(IM_LINK_SETTING, "add_block_word"),
            block::add_block_word,
            Doc::new("Add a block word: incoming text messages containing it are hidden")
                .auth(Auth::Csrf)
                .form::<BlockWordForm>()
                .data_is(Data::EmptyObject)
                .codes(&[
                    BlockWordTooLong,
                    TooManyBlockWords,
                    BlockWordExists,
                    BlockWordSpace,
                ]),
        )
        .post(
            &at(IM_LINK_SETTING, "del_block_word"),
            block::del_block_word,
            Doc::new("Remove a block word")
                .auth(Auth::Csrf)
                .form::<BlockWordForm>()
                .data_is(Data::EmptyObject),
        )
        .get(
            "/link_group/v1/member/show_create_group_icon",
            system::show_create_group_icon,
            Doc::new("Whether to show the create-fan-group entry")
                .auth(Auth::Login)
                .query::<PlatformQuery>()
                .data::<CreateGroupIcon>(),
        );
    let detail = Routes::new(Shape::VcNullData).get(
        &at(SESSION_SVR, "session_detail"),
        sessions::get_session_detail,
        Doc::new("One session")
            .auth(Auth::Login)
            .query::<SessionQuery>()
            .data::<Session>()
            .codes(&[SessionNotFound]),
    );
    let send = Routes::new(Shape::NullData).post(
        "/web_im/v1/web_im/send_msg",
        send::send_msg,
        Doc::new("Send a private message")
            .describe(
                "`msg[content]` is the content object as JSON text: `{\"content\":\"text\"}` \
                 (type 1), `{\"url\":…,\"height\":…,\"width\":…}` (2, an image uploaded \
                 through `upload_bfs`), the msg_key to recall (5), a custom emoji (6) or a \
                 share card (7).",
            )
            .auth(Auth::Csrf)
            .form::<SendMsgForm>()
            .data::<SendResult>()
            .codes(&[
                SendToSelf,
                MsgTooLong,
                MsgTypeNotSendable,
                ImageInvalid,
                SendTooFast,
                SendBanned24h,
                StrangerLimit,
                ReceiverPrivacy,
                ReceiverBlocked,
                MsgKeyNotFound,
                RecallExpired,
                AlreadyRecalled,
            ]),
    );
    let auto_replies = Routes::new(Shape::Plain)
        .get(
            "/x/im/auto_reply/get_reply_text",
            auto_reply::get_reply_text,
            Doc::new("The caller's automatic replies of some types (type[] 1, 2, 3, 5)")
                .auth(Auth::Login)
                .query::<GetReplyTextQuery>()
                .data::<ReplyTexts>()
                .codes(&[InvalidParam]),
        )
        .post(
            "/x/im/auto_reply/set_reply_text",
            auto_reply::set_reply_text,
            Doc::new("Set an automatic reply, or add (id 0) or change a keyword rule")
                .auth(Auth::Csrf)
                .form::<SetReplyTextForm>()
                .data_is(Data::EmptyObject)
                .codes(&[ReplyParams, ReplyTooLong, TooManyReplyRules]),
        )
        .post(
            "/x/im/auto_reply/del_reply_text",
            auto_reply::del_reply_text,
            Doc::new("Delete a keyword rule")
                .auth(Auth::Csrf)
                .form::<DelReplyTextForm>()
                .data_is(Data::EmptyObject)
                .codes(&[NotYourRule]),
        );
    let feed = |summary| {
        Doc::new(summary)
            .auth(Auth::Login)
            .query::<PlatformQuery>()
            .data::<FeedUnread>()
    };
    let uploads = Routes::new(Shape::Plain)
        .get(
            "/x/msgfeed/unread",
            feed::get_feed_unread,
            feed("Unread notices (replies, @, likes, system): all 0 on sixin"),
        )
        .get(
            "/x/im/web/msgfeed/unread",
            feed::get_im_feed_unread,
            feed("Unread notices, newer endpoint (with sys_msg_style): all 0 on sixin"),
        )
        .post(
            "/x/dynamic/feed/draw/upload_bfs",
            // The body is streamed and its limit checked while reading.
            upload::upload_bfs,
            Doc::new("Upload an image for an image message (multipart: file_up, csrf)")
                .auth(Auth::Csrf)
                .data::<UploadedImage>()
                .codes(&[BadRequest, ImageInvalid]),
        )
        .get(
            "/bfs/im/{name}",
            upload::get_image,
            Doc::new("An uploaded image")
                .path_param("name", "The stored name")
                .file("image/*")
                .codes(&[NotFound]),
        );
    vc.merge(detail)
        .merge(send)
        .merge(auto_replies)
        .merge(uploads)
}

/// A success in the vc hosts' shape.
fn vc<T>(data: T) -> Json<Envelope<T>> {
    Json(vc_envelope(data))
}

/// The envelope of a success in the vc hosts' shape.
fn vc_envelope<T>(data: T) -> Envelope<T> {
    Envelope::ok(data).with_msg()
}

/// `{}` as `data`.
fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The talker of a session of `session_type` (1 user, 2 fan group; -400
/// for anything else); `None` when `talker_id` cannot name one (0).
fn talker(talker_id: u64, session_type: i64) -> Result<Option<Talker>, Error> {
    match session_type {
        1 | 2 => Ok(Talker::parse(talker_id, session_type)),
        _ => Err(Error::bad_request(format!(
            "session_type must be 1 (user) or 2 (fan group), not {session_type}"
        ))),
    }
}
