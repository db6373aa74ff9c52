//! `spawn_app` and friends: a real server per test, clients for it, and the
//! fixtures and forms that more than one topic uses.

use std::path::PathBuf;
use std::sync::{Arc, Once};

use serde::Serialize;
use serde_json::Value;
use sixin_api::admin::CreateUser;
use sixin_api::message::request::SendMsgForm;
use sixin_api::Envelope;
use sixin_client::{Client, EnvelopeExt, RelationAct};
use sixin_server::clock::{Clock, ManualClock, SystemClock};
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
    _dir: tempfile::TempDir,
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
    start(adjust, Arc::new(SystemClock)).await
}

/// Starts a server with every default whose clock stands still until the
/// test moves it.
pub async fn spawn_app_with_clock() -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    (start(|_| {}, clock.clone()).await, clock)
}

async fn start(adjust: impl FnOnce(&mut Config), clock: Arc<dyn Clock>) -> TestApp {
    init_tracing();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("data"));
    config.admin_token = Some(ADMIN_TOKEN.into());
    adjust(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data_dir = config.data_dir.clone();
    let admin_token = config.admin_token.clone();
    let state = sixin_server::open_with_clock(config, addr, clock).expect("server state");
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

    /// `POST path` as `client` with `form` (a request type of `sixin_api`, or
    /// pairs) url-encoded, followed by the session's `csrf` and `csrf_token`;
    /// the answer as raw JSON.
    pub async fn post_form_as(&self, client: &Client, path: &str, form: &impl Serialize) -> Value {
        let jct = &client.cookies().expect("logged in").bili_jct;
        let mut fields = pairs(form);
        fields.push(("csrf".into(), jct.clone()));
        fields.push(("csrf_token".into(), jct.clone()));
        self.http
            .post(format!("{}{path}", self.base))
            .header("Cookie", cookie_of(client))
            .form(&fields)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json body")
    }
}

/// The Cookie header a logged-in client sends.
pub fn cookie_of(client: &Client) -> String {
    client.cookies().expect("logged in").cookie_header()
}

/// A typed form as the url-encoded body text it sends.
pub fn encode(form: &impl Serialize) -> String {
    serde_urlencoded::to_string(form).expect("form encodes")
}

/// A typed form as the url-encoded pairs it puts on the wire, in order.
pub fn pairs(form: &impl Serialize) -> Vec<(String, String)> {
    serde_urlencoded::from_str(&encode(form)).expect("form decodes")
}

// ---- people -----------------------------------------------------------------

/// Alice, Bob and Carol, who have nothing to do with each other yet.
pub async fn three(app: &TestApp) -> ((u64, Client), (u64, Client), (u64, Client)) {
    (
        app.user("alice").await,
        app.user("bob").await,
        app.user("carol").await,
    )
}

/// Alice and Bob, who have already exchanged a message each, so that neither
/// is limited as a stranger.
pub async fn acquainted(app: &TestApp) -> (u64, Client, u64, Client) {
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    assert_eq!(alice.send_text(b, "hi bob").await.unwrap().code, 0);
    assert_eq!(bob.send_text(a, "hi alice").await.unwrap().code, 0);
    (a, alice, b, bob)
}

// ---- messages ---------------------------------------------------------------

/// A `send_msg` form as the documents show it: from `sender` to the user
/// `receiver`, with the given device and time and no platform.
pub fn send_form(
    sender: u64,
    receiver: u64,
    msg_type: i64,
    content: &str,
    dev_id: &str,
    ts: i64,
) -> SendMsgForm {
    SendMsgForm {
        sender_uid: sender,
        receiver_id: receiver,
        receiver_type: 1,
        msg_type,
        msg_status: Some(0),
        dev_id: Some(dev_id.into()),
        timestamp: Some(ts),
        new_face_version: Some(1),
        content: content.into(),
        ..SendMsgForm::default()
    }
}

// ---- relations --------------------------------------------------------------

/// Asserts the envelope's code.
#[track_caller]
pub fn assert_code<T: std::fmt::Debug>(envelope: &Envelope<T>, code: i64) {
    assert_eq!(envelope.code, code, "{envelope:?}");
}

/// `client` does `act` to `fid` (`POST /x/relation/modify`); the answer.
pub async fn act(client: &Client, fid: u64, act: RelationAct) -> Envelope<()> {
    client.modify_relation(fid, act).await.expect("modify")
}

/// `client` does `act` to `fid`, which must succeed.
pub async fn relate(client: &Client, fid: u64, what: RelationAct) {
    let answer = act(client, fid, what).await;
    assert_eq!(answer.code, 0, "modify act {}: {answer:?}", what.code());
}

/// How `client` relates to `fid`: the `attribute` of `GET /x/relation`.
pub async fn attribute(client: &Client, fid: u64) -> i64 {
    client
        .relation(fid)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .attribute
}

/// The mids on the first page of `vmid`'s followers, as `client` sees them.
pub async fn follower_mids(client: &Client, vmid: u64) -> Vec<u64> {
    let list = client.followers(vmid, None, None).await.unwrap();
    list.into_data()
        .unwrap()
        .list
        .iter()
        .map(|e| e.mid)
        .collect()
}

/// How many of `talker`'s messages `client` has not read (`session_detail`).
pub async fn unread_with(client: &Client, talker: u64) -> u64 {
    client
        .session_detail(talker)
        .await
        .expect("session_detail")
        .into_data()
        .expect("a session")
        .unread_count
}

/// The newest page of `client`'s history with `talker`.
pub async fn history_with(client: &Client, talker: u64) -> sixin_api::message::History {
    client
        .fetch_session_msgs(talker, None, None, None)
        .await
        .expect("fetch_session_msgs")
        .into_data()
        .expect("a history")
}
