//! Calls of the private-message family.

use sixin_api::message::request::{
    BlockWordForm, FetchSessionMsgsQuery, NewSessionsQuery, PlatformQuery, SendMsgForm,
    SessionQuery, SetTopForm, SingleUnreadQuery, UpdateAckForm,
};
use sixin_api::message::{
    msg_type, BlockWords, CreateGroupIcon, History, SendResult, Session, SessionList, SingleUnread,
    SysSetting, UploadedImage,
};
use sixin_api::Envelope;

use crate::{Client, Error};

/// `{"content": text}` as a text message's content.
pub fn text_content(text: &str) -> String {
    serde_json::json!({ "content": text }).to_string()
}

/// Unix seconds now.
fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The platform of Bilibili's web client.
fn web() -> PlatformQuery {
    PlatformQuery {
        build: Some("0".into()),
        mobi_app: Some("web".into()),
    }
}

/// A block-word form from the web client.
fn block_word(content: &str) -> BlockWordForm {
    BlockWordForm {
        content: content.to_owned(),
        build: Some("0".into()),
        mobi_app: Some("web".into()),
    }
}

impl Client {
    /// The logged-in user's mid (from `DedeUserID`), or 0.
    pub fn mid(&self) -> u64 {
        self.cookies()
            .and_then(|c| c.dede_user_id.parse().ok())
            .unwrap_or(0)
    }

    /// A `send_msg` form as Bilibili's web client fills it: from this user,
    /// to user `receiver`, of `msg_type`, with `content` (JSON text), this
    /// device's id and the current time.
    pub fn message_to(&self, receiver: u64, msg_type: i64, content: String) -> SendMsgForm {
        SendMsgForm {
            sender_uid: self.mid(),
            receiver_id: receiver,
            receiver_type: 1,
            msg_type,
            msg_status: Some(0),
            dev_id: Some("372778FD-E359-461D-86A3-EA2BCC6FF52A".into()),
            timestamp: Some(now_secs()),
            new_face_version: Some(1),
            content,
            at_uids: None,
            build: Some("0".into()),
            mobi_app: Some("web".into()),
            platform: None,
        }
    }

    /// `POST /web_im/v1/web_im/send_msg`
    pub async fn send_msg(&self, form: &SendMsgForm) -> Result<Envelope<SendResult>, Error> {
        self.post_form("/web_im/v1/web_im/send_msg", form).await
    }

    /// Sends a text message.
    pub async fn send_text(
        &self,
        receiver: u64,
        text: &str,
    ) -> Result<Envelope<SendResult>, Error> {
        self.send_msg(&self.message_to(receiver, msg_type::TEXT, text_content(text)))
            .await
    }

    /// Recalls one of the caller's messages (type 5).
    pub async fn recall(&self, receiver: u64, msg_key: u64) -> Result<Envelope<SendResult>, Error> {
        self.send_msg(&self.message_to(receiver, msg_type::RECALL, msg_key.to_string()))
            .await
    }

    /// `GET /session_svr/v1/session_svr/new_sessions`
    pub async fn new_sessions(
        &self,
        begin_ts: Option<i64>,
        size: Option<u32>,
    ) -> Result<Envelope<SessionList>, Error> {
        let query = NewSessionsQuery {
            begin_ts,
            size,
            build: Some("0".into()),
            mobi_app: Some("web".into()),
        };
        self.get("/session_svr/v1/session_svr/new_sessions", &query)
            .await
    }

    /// `GET /session_svr/v1/session_svr/get_sessions`
    pub async fn get_sessions(
        &self,
        query: &sixin_api::message::request::GetSessionsQuery,
    ) -> Result<Envelope<SessionList>, Error> {
        self.get("/session_svr/v1/session_svr/get_sessions", query)
            .await
    }

    /// `GET /session_svr/v1/session_svr/session_detail` of a user session.
    pub async fn session_detail(&self, talker_id: u64) -> Result<Envelope<Session>, Error> {
        let query = SessionQuery {
            talker_id,
            session_type: 1,
        };
        self.get("/session_svr/v1/session_svr/session_detail", &query)
            .await
    }

    /// `GET /svr_sync/v1/svr_sync/fetch_session_msgs` of a user session.
    pub async fn fetch_session_msgs(
        &self,
        talker_id: u64,
        size: Option<u32>,
        begin_seqno: Option<u64>,
        end_seqno: Option<u64>,
    ) -> Result<Envelope<History>, Error> {
        let query = FetchSessionMsgsQuery {
            talker_id,
            session_type: 1,
            size,
            begin_seqno,
            end_seqno,
            sender_device_id: Some("1".into()),
            build: None,
            mobi_app: Some("web".into()),
        };
        self.get("/svr_sync/v1/svr_sync/fetch_session_msgs", &query)
            .await
    }

    /// `POST /session_svr/v1/session_svr/update_ack` of a user session.
    pub async fn update_ack(
        &self,
        talker_id: u64,
        ack_seqno: u64,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let form = UpdateAckForm {
            talker_id,
            session_type: 1,
            ack_seqno,
        };
        self.post_form("/session_svr/v1/session_svr/update_ack", &form)
            .await
    }

    /// `GET /session_svr/v1/session_svr/single_unread`, dustbin included.
    pub async fn single_unread(&self) -> Result<Envelope<SingleUnread>, Error> {
        let query = SingleUnreadQuery {
            unread_type: Some(0),
            show_dustbin: Some(1),
        };
        self.get("/session_svr/v1/session_svr/single_unread", &query)
            .await
    }

    /// `POST /session_svr/v1/session_svr/set_top` (`pin` false unpins).
    pub async fn set_top(
        &self,
        talker_id: u64,
        pin: bool,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let form = SetTopForm {
            talker_id,
            session_type: 1,
            op_type: if pin { 0 } else { 1 },
        };
        self.post_form("/session_svr/v1/session_svr/set_top", &form)
            .await
    }

    /// `POST /session_svr/v1/session_svr/remove_session` of a user session.
    pub async fn remove_session(
        &self,
        talker_id: u64,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let form = SessionQuery {
            talker_id,
            session_type: 1,
        };
        self.post_form("/session_svr/v1/session_svr/remove_session", &form)
            .await
    }

    /// `GET /x/im/link_setting/get_block_words`
    pub async fn block_words(&self) -> Result<Envelope<BlockWords>, Error> {
        self.get("/x/im/link_setting/get_block_words", &web()).await
    }

    /// `POST /x/im/link_setting/add_block_word`
    pub async fn add_block_word(
        &self,
        content: &str,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        self.post_form("/x/im/link_setting/add_block_word", &block_word(content))
            .await
    }

    /// `POST /x/im/link_setting/del_block_word`
    pub async fn del_block_word(
        &self,
        content: &str,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        self.post_form("/x/im/link_setting/del_block_word", &block_word(content))
            .await
    }

    /// `GET /link_setting/v1/link_setting/get_sys_setting` as a client on
    /// `mobi_app` (none: as the document's example asks).
    pub async fn sys_setting(&self, mobi_app: Option<&str>) -> Result<Envelope<SysSetting>, Error> {
        let query = PlatformQuery {
            build: None,
            mobi_app: mobi_app.map(str::to_owned),
        };
        self.get("/link_setting/v1/link_setting/get_sys_setting", &query)
            .await
    }

    /// `GET /link_group/v1/member/show_create_group_icon`
    pub async fn show_create_group_icon(&self) -> Result<Envelope<CreateGroupIcon>, Error> {
        self.get("/link_group/v1/member/show_create_group_icon", &web())
            .await
    }

    /// `POST /x/dynamic/feed/draw/upload_bfs`
    pub async fn upload_image(
        &self,
        bytes: Vec<u8>,
        file_name: &str,
    ) -> Result<Envelope<UploadedImage>, Error> {
        let csrf = self
            .cookies()
            .map(|c| c.bili_jct.clone())
            .unwrap_or_default();
        let form = reqwest::multipart::Form::new()
            .part(
                "file_up",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            )
            .text("biz", "im")
            .text("category", "daily")
            .text("csrf", csrf);
        let request = self
            .with_auth(self.http.post(self.url("/x/dynamic/feed/draw/upload_bfs")))
            .multipart(form);
        Ok(request.send().await?.json().await?)
    }
}
