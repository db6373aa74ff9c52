//! Calls of the private-message family.

use sixin_api::message::{History, SendResult, Session, SessionList, SingleUnread, UploadedImage};
use sixin_api::Envelope;

use crate::{Client, Error};

/// A `send_msg` request; `Default` fills what a web client sends.
#[derive(Debug, Clone)]
pub struct SendMsg {
    pub receiver_id: u64,
    pub receiver_type: i64,
    pub msg_type: i64,
    /// `msg[content]` exactly as sent.
    pub content: String,
    pub dev_id: String,
    pub timestamp: i64,
    pub new_face_version: Option<i64>,
    pub mobi_app: Option<String>,
}

impl Default for SendMsg {
    fn default() -> Self {
        SendMsg {
            receiver_id: 0,
            receiver_type: 1,
            msg_type: 1,
            content: String::new(),
            dev_id: "372778FD-E359-461D-86A3-EA2BCC6FF52A".into(),
            timestamp: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
            new_face_version: Some(1),
            mobi_app: Some("web".into()),
        }
    }
}

/// `{"content": text}` as a text message's content.
pub fn text_content(text: &str) -> String {
    serde_json::json!({ "content": text }).to_string()
}

impl Client {
    /// The logged-in user's mid (from `DedeUserID`), or 0.
    pub fn mid(&self) -> u64 {
        self.cookies()
            .and_then(|c| c.dede_user_id.parse().ok())
            .unwrap_or(0)
    }

    /// `POST /web_im/v1/web_im/send_msg`
    pub async fn send_msg(&self, msg: &SendMsg) -> Result<Envelope<SendResult>, Error> {
        let mut form = vec![
            ("msg[sender_uid]", self.mid().to_string()),
            ("msg[receiver_id]", msg.receiver_id.to_string()),
            ("msg[receiver_type]", msg.receiver_type.to_string()),
            ("msg[msg_type]", msg.msg_type.to_string()),
            ("msg[msg_status]", "0".to_string()),
            ("msg[dev_id]", msg.dev_id.clone()),
            ("msg[timestamp]", msg.timestamp.to_string()),
            ("msg[content]", msg.content.clone()),
        ];
        if let Some(v) = msg.new_face_version {
            form.push(("msg[new_face_version]", v.to_string()));
        }
        if let Some(app) = &msg.mobi_app {
            form.push(("mobi_app", app.clone()));
            form.push(("build", "0".to_string()));
        }
        self.post_form("/web_im/v1/web_im/send_msg", &form).await
    }

    /// Sends a text message with a fresh `dev_id`-independent timestamp.
    pub async fn send_text(
        &self,
        receiver: u64,
        text: &str,
    ) -> Result<Envelope<SendResult>, Error> {
        self.send_msg(&SendMsg {
            receiver_id: receiver,
            content: text_content(text),
            ..SendMsg::default()
        })
        .await
    }

    /// Recalls one of the caller's messages (type 5).
    pub async fn recall(&self, receiver: u64, msg_key: u64) -> Result<Envelope<SendResult>, Error> {
        self.send_msg(&SendMsg {
            receiver_id: receiver,
            msg_type: 5,
            content: msg_key.to_string(),
            ..SendMsg::default()
        })
        .await
    }

    /// `GET /session_svr/v1/session_svr/new_sessions`
    pub async fn new_sessions(
        &self,
        begin_ts: Option<i64>,
        size: Option<u32>,
    ) -> Result<Envelope<SessionList>, Error> {
        let mut query = vec![("build", "0".to_string()), ("mobi_app", "web".to_string())];
        if let Some(ts) = begin_ts {
            query.push(("begin_ts", ts.to_string()));
        }
        if let Some(size) = size {
            query.push(("size", size.to_string()));
        }
        self.get("/session_svr/v1/session_svr/new_sessions", &query)
            .await
    }

    /// `GET /session_svr/v1/session_svr/get_sessions` with extra parameters.
    pub async fn get_sessions(
        &self,
        session_type: i64,
        extra: &[(&str, String)],
    ) -> Result<Envelope<SessionList>, Error> {
        let mut query = vec![("session_type", session_type.to_string())];
        query.extend_from_slice(extra);
        self.get("/session_svr/v1/session_svr/get_sessions", &query)
            .await
    }

    /// `GET /session_svr/v1/session_svr/session_detail`
    pub async fn session_detail(&self, talker_id: u64) -> Result<Envelope<Session>, Error> {
        self.get(
            "/session_svr/v1/session_svr/session_detail",
            &[
                ("talker_id", talker_id.to_string()),
                ("session_type", "1".to_string()),
            ],
        )
        .await
    }

    /// `GET /svr_sync/v1/svr_sync/fetch_session_msgs`
    pub async fn fetch_session_msgs(
        &self,
        talker_id: u64,
        size: Option<u32>,
        begin_seqno: Option<u64>,
        end_seqno: Option<u64>,
    ) -> Result<Envelope<History>, Error> {
        let mut query = vec![
            ("talker_id", talker_id.to_string()),
            ("session_type", "1".to_string()),
            ("sender_device_id", "1".to_string()),
            ("mobi_app", "web".to_string()),
        ];
        if let Some(size) = size {
            query.push(("size", size.to_string()));
        }
        if let Some(b) = begin_seqno {
            query.push(("begin_seqno", b.to_string()));
        }
        if let Some(e) = end_seqno {
            query.push(("end_seqno", e.to_string()));
        }
        self.get("/svr_sync/v1/svr_sync/fetch_session_msgs", &query)
            .await
    }

    /// `POST /session_svr/v1/session_svr/update_ack`
    pub async fn update_ack(
        &self,
        talker_id: u64,
        ack_seqno: Option<u64>,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let mut form = vec![
            ("talker_id", talker_id.to_string()),
            ("session_type", "1".to_string()),
        ];
        if let Some(seqno) = ack_seqno {
            form.push(("ack_seqno", seqno.to_string()));
        }
        self.post_form("/session_svr/v1/session_svr/update_ack", &form)
            .await
    }

    /// `GET /session_svr/v1/session_svr/single_unread`
    pub async fn single_unread(&self) -> Result<Envelope<SingleUnread>, Error> {
        self.get(
            "/session_svr/v1/session_svr/single_unread",
            &[
                ("unread_type", "0".to_string()),
                ("show_dustbin", "1".to_string()),
            ],
        )
        .await
    }

    /// `POST /session_svr/v1/session_svr/set_top` (`pin` false unpins).
    pub async fn set_top(
        &self,
        talker_id: u64,
        pin: bool,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        self.post_form(
            "/session_svr/v1/session_svr/set_top",
            &[
                ("talker_id", talker_id.to_string()),
                ("session_type", "1".to_string()),
                ("op_type", if pin { "0" } else { "1" }.to_string()),
            ],
        )
        .await
    }

    /// `POST /session_svr/v1/session_svr/remove_session`
    pub async fn remove_session(
        &self,
        talker_id: u64,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        self.post_form(
            "/session_svr/v1/session_svr/remove_session",
            &[
                ("talker_id", talker_id.to_string()),
                ("session_type", "1".to_string()),
            ],
        )
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
