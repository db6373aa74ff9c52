//! Sessions and accounts: the admin calls that list users, list and end
//! their sessions and delete accounts, and a user's own session calls.

use sixin_api::account::{ChangePasswordForm, EndedSessions, OwnSession, RevokeSessionForm};
use sixin_api::admin::{SessionEntry, UserEntry};
use sixin_api::Envelope;

use crate::{Client, Error};

impl Client {
    /// `GET /admin/v1/users[?after=..&limit=..]`
    pub async fn users(
        &self,
        after: Option<u64>,
        limit: Option<u64>,
    ) -> Result<Envelope<Vec<UserEntry>>, Error> {
        let query: Vec<(&str, u64)> = [("after", after), ("limit", limit)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        self.get("/admin/v1/users", &query).await
    }

    async fn delete<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Envelope<T>, Error> {
        let request = self.with_auth(self.http.delete(self.url(path)));
        Ok(request.send().await?.json().await?)
    }

    /// `DELETE /admin/v1/users/{mid}`: deletes the account for good.
    pub async fn delete_user(&self, mid: u64) -> Result<Envelope<()>, Error> {
        self.delete(&format!("/admin/v1/users/{mid}")).await
    }

    /// `GET /admin/v1/users/{mid}/sessions`
    pub async fn user_sessions(&self, mid: u64) -> Result<Envelope<Vec<SessionEntry>>, Error> {
        self.get(&format!("/admin/v1/users/{mid}/sessions"), &())
            .await
    }

    /// `DELETE /admin/v1/users/{mid}/sessions`
    pub async fn end_user_sessions(&self, mid: u64) -> Result<Envelope<EndedSessions>, Error> {
        self.delete(&format!("/admin/v1/users/{mid}/sessions"))
            .await
    }

    /// `DELETE /admin/v1/users/{mid}/sessions/{id}`
    pub async fn end_user_session(&self, mid: u64, id: &str) -> Result<Envelope<()>, Error> {
        self.delete(&format!("/admin/v1/users/{mid}/sessions/{id}"))
            .await
    }

    /// `GET /x/sixin/sessions`: this user's sessions.
    pub async fn own_sessions(&self) -> Result<Envelope<Vec<OwnSession>>, Error> {
        self.get("/x/sixin/sessions", &()).await
    }

    /// `POST /x/sixin/sessions/revoke`
    pub async fn revoke_session(&self, id: &str) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/sixin/sessions/revoke",
            &RevokeSessionForm { id: id.to_owned() },
        )
        .await
    }

    /// `POST /x/sixin/logout/everywhere`: ends every session, this one too.
    pub async fn logout_everywhere(&self) -> Result<Envelope<EndedSessions>, Error> {
        self.post_form("/x/sixin/logout/everywhere", &()).await
    }

    /// `POST /x/sixin/password`
    pub async fn change_password(&self, old: &str, new: &str) -> Result<Envelope<()>, Error> {
        self.post_form(
            "/x/sixin/password",
            &ChangePasswordForm {
                old_password: old.to_owned(),
                new_password: new.to_owned(),
            },
        )
        .await
    }
}
