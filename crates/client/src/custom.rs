//! Calls of the customer-service family, and the admin calls about system
//! accounts and presence.

use sixin_api::admin::{PresenceEntry, SystemAccountEntry};
use sixin_api::custom::{HeartBeatQuery, UploadedFile};
use sixin_api::Envelope;

use crate::{Client, Error};

impl Client {
    /// `GET /x/custom/session_svr/v1/heart_beat`
    pub async fn heart_beat(&self, query: &HeartBeatQuery) -> Result<Envelope<()>, Error> {
        self.get("/x/custom/session_svr/v1/heart_beat", query).await
    }

    /// `POST /x/custom/msg_svr/v1/upload` with the file part `file` (bytes
    /// or a stream), the display name `filename` and `mid` (this user's).
    pub async fn upload_file(
        &self,
        file: reqwest::multipart::Part,
        filename: &str,
        mid: u64,
    ) -> Result<Envelope<UploadedFile>, Error> {
        let csrf = self
            .cookies()
            .map(|c| c.bili_jct.clone())
            .unwrap_or_default();
        let form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("filename", filename.to_owned())
            .text("mid", mid.to_string())
            .text("csrf", csrf);
        let request = self
            .with_auth(self.http.post(self.url("/x/custom/msg_svr/v1/upload")))
            .multipart(form);
        Ok(request.send().await?.json().await?)
    }

    /// `GET /admin/v1/system-accounts[?system_msg_type=..]`
    pub async fn system_accounts(
        &self,
        system_msg_type: Option<i64>,
    ) -> Result<Envelope<Vec<SystemAccountEntry>>, Error> {
        let query: Vec<(&str, i64)> = system_msg_type
            .map(|t| ("system_msg_type", t))
            .into_iter()
            .collect();
        self.get("/admin/v1/system-accounts", &query).await
    }

    /// `DELETE /admin/v1/users/{mid}/system`
    pub async fn delete_system(&self, mid: u64) -> Result<Envelope<()>, Error> {
        let request = self.with_auth(
            self.http
                .delete(self.url(&format!("/admin/v1/users/{mid}/system"))),
        );
        Ok(request.send().await?.json().await?)
    }

    /// `GET /admin/v1/presence[?within_secs=..]`
    pub async fn presence(
        &self,
        within_secs: Option<u64>,
    ) -> Result<Envelope<Vec<PresenceEntry>>, Error> {
        let query: Vec<(&str, u64)> = within_secs
            .map(|s| ("within_secs", s))
            .into_iter()
            .collect();
        self.get("/admin/v1/presence", &query).await
    }
}

impl Client {
    /// `POST /admin/v1/messages`: delivers a message of any documented type.
    pub async fn push_message(
        &self,
        message: &sixin_api::admin::PushMessage,
    ) -> Result<Envelope<sixin_api::admin::PushJobEntry>, Error> {
        self.admin_json(reqwest::Method::POST, "/admin/v1/messages", Some(message))
            .await
    }

    /// `GET /admin/v1/messages/{job}`
    pub async fn push_job(
        &self,
        job: u64,
    ) -> Result<Envelope<sixin_api::admin::PushJobEntry>, Error> {
        self.admin_json::<(), _>(
            reqwest::Method::GET,
            &format!("/admin/v1/messages/{job}"),
            None,
        )
        .await
    }

    /// `POST /admin/v1/messages/{msg_key}/withdraw`
    pub async fn withdraw(
        &self,
        msg_key: u64,
    ) -> Result<Envelope<sixin_api::admin::Withdrawn>, Error> {
        self.admin_json::<(), _>(
            reqwest::Method::POST,
            &format!("/admin/v1/messages/{msg_key}/withdraw"),
            None,
        )
        .await
    }
}
