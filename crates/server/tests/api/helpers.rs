//! `spawn_app` and friends: a real server per test, and clients for it.

use std::path::PathBuf;
use std::sync::Once;

use serde_json::Value;
use sixin_api::admin::CreateUser;
use sixin_client::{Client, EnvelopeExt};
use sixin_server::Config;
use tokio::sync::oneshot;

pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A running server with its own temporary data directory.
pub struct TestApp {
    pub base: String,
    /// A client authorised for `/admin/v1`, not logged in as anyone.
    pub admin: Client,
    /// A plain HTTP client for asserting exact wire JSON.
    pub http: reqwest::Client,
    pub data_dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
}

fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
                .init();
        }
    });
}

/// Starts a server with every default and the admin token [`ADMIN_TOKEN`].
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server after letting `adjust` change its configuration.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    init_tracing();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("data"));
    config.admin_token = Some(ADMIN_TOKEN.into());
    adjust(&mut config);
    start(config, Some(dir)).await
}

async fn start(config: Config, dir: Option<tempfile::TempDir>) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data_dir = config.data_dir.clone();
    let admin_token = config.admin_token.clone();
    let state = sixin_server::open(config, addr).expect("server state");
    let token = admin_token.unwrap_or_else(|| state.secrets.admin_token.clone());
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        sixin_server::run(listener, state, async {
            let _ = rx.await;
        })
        .await
        .expect("server run");
    });
    let base = format!("http://{addr}");
    TestApp {
        admin: Client::new(&base).with_admin_token(&token),
        base,
        http: reqwest::Client::new(),
        data_dir,
        shutdown: Some(tx),
        _dir: dir,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// A client that is not logged in.
    pub fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    /// Creates a user named `uname` and returns its mid.
    pub async fn create_user(&self, uname: &str) -> u64 {
        self.admin
            .create_user(&CreateUser {
                uname: uname.into(),
                ..CreateUser::default()
            })
            .await
            .expect("create user")
            .into_data()
            .expect("user created")
            .mid
    }

    /// A client logged in as `mid`.
    pub async fn login_as(&self, mid: u64) -> Client {
        let cookies = self
            .admin
            .create_session(mid)
            .await
            .expect("create session")
            .into_data()
            .expect("session created");
        self.anonymous().with_cookies(cookies)
    }

    /// Creates `uname` and logs in as them.
    pub async fn user(&self, uname: &str) -> (u64, Client) {
        let mid = self.create_user(uname).await;
        (mid, self.login_as(mid).await)
    }

    /// `GET path` as raw JSON, with an optional Cookie header.
    pub async fn get_raw(&self, path: &str, cookie: Option<&str>) -> Value {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 200, "GET {path} answers HTTP 200");
        response.json().await.expect("json body")
    }

    /// `POST path` with a raw body and content type, as raw JSON.
    pub async fn post_raw(
        &self,
        path: &str,
        cookie: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Value {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type)
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 200, "POST {path} answers HTTP 200");
        response.json().await.expect("json body")
    }
}

/// The Cookie header a logged-in client sends.
pub fn cookie_of(client: &Client) -> String {
    client.cookies().expect("logged in").cookie_header()
}
