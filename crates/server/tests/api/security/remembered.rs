//! The server remembers the sessions it has seen live (so that a request
//! need not look its cookie up in the database): a remembered session must
//! end exactly when a looked-up one would. Every way a session ends is
//! tried on sessions used just before, and the very next request must be
//! refused.

use sixin_api::admin::{CreateUser, PatchUser};
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::*;

/// The ways a session ends.
#[derive(Debug, Clone, Copy)]
pub enum Ending {
    /// The session logs out.
    Logout,
    /// Another session of the user revokes it.
    Revoke,
    /// The administrator ends it.
    AdminEndsOne,
    /// The administrator ends every session of the user.
    AdminEndsAll,
    /// The session signs out everywhere.
    LogoutEverywhere,
    /// Another session of the user changes the password.
    PasswordChange,
    /// The administrator sets a new password.
    AdminSetsPassword,
    /// The administrator disables the account.
    Disable,
    /// The administrator deletes the account.
    Delete,
}

pub const ENDINGS: [Ending; 9] = [
    Ending::Logout,
    Ending::Revoke,
    Ending::AdminEndsOne,
    Ending::AdminEndsAll,
    Ending::LogoutEverywhere,
    Ending::PasswordChange,
    Ending::AdminSetsPassword,
    Ending::Disable,
    Ending::Delete,
];

impl Ending {
    /// Whether the user's other session survives it.
    pub fn spares_the_other(self) -> bool {
        matches!(
            self,
            Ending::Logout | Ending::Revoke | Ending::AdminEndsOne | Ending::PasswordChange
        )
    }

    /// Ends `ended` (a session of `mid`, whose other session is `other`)
    /// through the node `at`.
    pub async fn end(self, at: &TestApp, mid: u64, ended: &Client, other: &Client) {
        let on_at = |c: &Client| at.anonymous().with_cookies(c.cookies().unwrap().clone());
        let (ended, other) = (on_at(ended), on_at(other));
        let code = match self {
            Ending::Logout => ended.logout().await.unwrap()["code"].as_i64().unwrap(),
            Ending::Revoke => {
                other
                    .revoke_session(&current_id(&ended).await)
                    .await
                    .unwrap()
                    .code
            }
            Ending::AdminEndsOne => {
                let id = current_id(&ended).await;
                at.admin.end_user_session(mid, &id).await.unwrap().code
            }
            Ending::AdminEndsAll => at.admin.end_user_sessions(mid).await.unwrap().code,
            Ending::LogoutEverywhere => ended.logout_everywhere().await.unwrap().code,
            Ending::PasswordChange => {
                other
                    .change_password(PASSWORD, "another secret")
                    .await
                    .unwrap()
                    .code
            }
            Ending::AdminSetsPassword => {
                let patch = PatchUser {
                    password: Some("set by the admin".into()),
                    ..PatchUser::default()
                };
                at.admin.patch_user(mid, &patch).await.unwrap().code
            }
            Ending::Disable => {
                let patch = PatchUser {
                    disabled: Some(true),
                    ..PatchUser::default()
                };
                at.admin.patch_user(mid, &patch).await.unwrap().code
            }
            Ending::Delete => at.admin.delete_user(mid).await.unwrap().code,
        };
        assert_eq!(code, 0, "{self:?}");
    }
}

const PASSWORD: &str = "a secret";

/// A user with a password and two sessions, made through `app`.
pub async fn user_with_two_sessions(app: &TestApp, uname: &str) -> (u64, Client, Client) {
    let mid = app
        .admin
        .create_user(&CreateUser {
            uname: uname.into(),
            password: Some(PASSWORD.into()),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .mid;
    (mid, app.login_as(mid).await, app.login_as(mid).await)
}

/// The id of `client`'s own session.
async fn current_id(client: &Client) -> String {
    client
        .own_sessions()
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .into_iter()
        .find(|s| s.current)
        .unwrap()
        .id
}

/// The code of a history fetch and of `nav` by `client`: both 0 or both
/// -101.
pub async fn accepted(client: &Client, talker: u64) -> bool {
    let fetched = client
        .fetch_session_msgs(talker, Some(20), None, None)
        .await
        .unwrap()
        .code;
    let nav = client.nav().await.unwrap().code;
    match (fetched, nav) {
        (0, 0) => true,
        (-101, -101) => false,
        other => panic!("fetch and nav answered {other:?}"),
    }
}

#[tokio::test]
async fn every_way_a_session_ends_refuses_it_on_the_very_next_request() {
    let app = spawn_app().await;
    let talker = app.create_user("talker").await;
    for (i, ending) in ENDINGS.into_iter().enumerate() {
        let (mid, ended, other) = user_with_two_sessions(&app, &format!("user{i}")).await;
        // Both used, twice: remembered, if the server remembers anything.
        for _ in 0..2 {
            assert!(accepted(&ended, talker).await, "{ending:?}");
            assert!(accepted(&other, talker).await, "{ending:?}");
        }
        if !app.on_postgres() {
            assert!(app.services.accounts.remembered_logins() >= 2);
        }
        ending.end(&app, mid, &ended, &other).await;
        assert!(!accepted(&ended, talker).await, "{ending:?}");
        assert_eq!(
            accepted(&other, talker).await,
            ending.spares_the_other(),
            "{ending:?}: the other session"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_looked_up_while_it_ends_stays_ended() {
    let app = spawn_app().await;
    let talker = app.create_user("talker").await;
    let mid = app.create_user("alice").await;
    for _ in 0..20 {
        let session = app.login_as(mid).await;
        assert!(accepted(&session, talker).await);
        // Lookups race the logout; whichever way each goes, none may
        // leave the session remembered once the logout has answered.
        let mut racing = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let session = session.clone();
            racing.spawn(async move {
                for _ in 0..5 {
                    let _ = session.nav().await.unwrap();
                }
            });
        }
        assert_eq!(session.logout().await.unwrap()["code"], 0);
        assert!(!accepted(&session, talker).await);
        while let Some(done) = racing.join_next().await {
            done.unwrap();
        }
        assert!(!accepted(&session, talker).await);
    }
}
