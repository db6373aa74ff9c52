//! Fan groups: the admin calls that manage them, and what members do
//! (send with `msg[receiver_type]=2`, read and ack the group's session);
//! and automatic replies.

use sixin_api::admin::{CreateGroup, CreatedGroup, GroupEntry, GroupMembers, PatchGroup};
use sixin_api::message::request::{
    FetchSessionMsgsQuery, PlatformQuery, SendMsgForm, SessionQuery, UpdateAckForm,
};
use sixin_api::message::{msg_type, GroupUnread, History, SendResult, Session};
use sixin_api::Envelope;

use crate::messages::text_content;
use crate::{Client, Error};

impl Client {
    /// `POST /admin/v1/groups`
    pub async fn create_group(&self, group: &CreateGroup) -> Result<Envelope<CreatedGroup>, Error> {
        self.admin_json(reqwest::Method::POST, "/admin/v1/groups", Some(group))
            .await
    }

    /// `GET /admin/v1/groups/{id}`
    pub async fn group(&self, id: u64) -> Result<Envelope<GroupEntry>, Error> {
        self.admin_json::<(), _>(
            reqwest::Method::GET,
            &format!("/admin/v1/groups/{id}"),
            None,
        )
        .await
    }

    /// `PATCH /admin/v1/groups/{id}`
    pub async fn patch_group(&self, id: u64, patch: &PatchGroup) -> Result<Envelope<()>, Error> {
        self.admin_json(
            reqwest::Method::PATCH,
            &format!("/admin/v1/groups/{id}"),
            Some(patch),
        )
        .await
    }

    /// `DELETE /admin/v1/groups/{id}`: dissolves the group.
    pub async fn dissolve_group(&self, id: u64) -> Result<Envelope<()>, Error> {
        self.admin_json::<(), _>(
            reqwest::Method::DELETE,
            &format!("/admin/v1/groups/{id}"),
            None,
        )
        .await
    }

    /// `POST /admin/v1/groups/{id}/members`
    pub async fn add_group_members(&self, id: u64, mids: &[u64]) -> Result<Envelope<()>, Error> {
        let body = GroupMembers {
            mids: mids.to_vec(),
        };
        self.admin_json(
            reqwest::Method::POST,
            &format!("/admin/v1/groups/{id}/members"),
            Some(&body),
        )
        .await
    }

    /// `DELETE /admin/v1/groups/{id}/members/{mid}`
    pub async fn remove_group_member(&self, id: u64, mid: u64) -> Result<Envelope<()>, Error> {
        self.admin_json::<(), _>(
            reqwest::Method::DELETE,
            &format!("/admin/v1/groups/{id}/members/{mid}"),
            None,
        )
        .await
    }

    /// A `send_msg` form to the fan group `group`, mentioning `at_uids`.
    pub fn message_to_group(
        &self,
        group: u64,
        msg_type: i64,
        content: String,
        at_uids: &[u64],
    ) -> SendMsgForm {
        let mut form = self.message_to(group, msg_type, content);
        form.receiver_type = 2;
        if !at_uids.is_empty() {
            let list: Vec<String> = at_uids.iter().map(u64::to_string).collect();
            form.at_uids = Some(list.join(","));
        }
        form
    }

    /// Sends a text message to a fan group, mentioning `at_uids`.
    pub async fn send_group_text(
        &self,
        group: u64,
        text: &str,
        at_uids: &[u64],
    ) -> Result<Envelope<SendResult>, Error> {
        self.send_msg(&self.message_to_group(group, msg_type::TEXT, text_content(text), at_uids))
            .await
    }

    /// `GET /session_svr/v1/session_svr/session_detail` of a fan group.
    pub async fn group_session_detail(&self, group: u64) -> Result<Envelope<Session>, Error> {
        let query = SessionQuery {
            talker_id: group,
            session_type: 2,
        };
        self.get("/session_svr/v1/session_svr/session_detail", &query)
            .await
    }

    /// `GET /svr_sync/v1/svr_sync/fetch_session_msgs` of a fan group.
    pub async fn fetch_group_msgs(
        &self,
        group: u64,
        size: Option<u32>,
        begin_seqno: Option<u64>,
        end_seqno: Option<u64>,
    ) -> Result<Envelope<History>, Error> {
        let query = FetchSessionMsgsQuery {
            talker_id: group,
            session_type: 2,
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

    /// `POST /session_svr/v1/session_svr/update_ack` of a fan group.
    pub async fn group_update_ack(
        &self,
        group: u64,
        ack_seqno: u64,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let form = UpdateAckForm {
            talker_id: group,
            session_type: 2,
            ack_seqno,
        };
        self.post_form("/session_svr/v1/session_svr/update_ack", &form)
            .await
    }

    /// `GET /session_svr/v1/session_svr/my_group_unread`
    pub async fn my_group_unread(&self) -> Result<Envelope<GroupUnread>, Error> {
        let query = PlatformQuery {
            build: Some("0".into()),
            mobi_app: Some("web".into()),
        };
        self.get("/session_svr/v1/session_svr/my_group_unread", &query)
            .await
    }

    /// `GET /x/im/auto_reply/get_reply_text` of `types`.
    pub async fn reply_texts(
        &self,
        types: &[i64],
    ) -> Result<Envelope<sixin_api::message::auto_reply::ReplyTexts>, Error> {
        let query: Vec<(&str, String)> = types.iter().map(|t| ("type[]", t.to_string())).collect();
        self.get("/x/im/auto_reply/get_reply_text", &query).await
    }

    /// `POST /x/im/auto_reply/set_reply_text`
    pub async fn set_reply_text(
        &self,
        form: &sixin_api::message::auto_reply::SetReplyTextForm,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        self.post_form("/x/im/auto_reply/set_reply_text", form)
            .await
    }

    /// `POST /x/im/auto_reply/del_reply_text`
    pub async fn del_reply_text(&self, id: u64) -> Result<Envelope<serde_json::Value>, Error> {
        let form = sixin_api::message::auto_reply::DelReplyTextForm {
            id: id.to_string(),
            build: None,
            mobi_app: None,
        };
        self.post_form("/x/im/auto_reply/del_reply_text", &form)
            .await
    }
}
