//! `spawn_app` and friends: a real server per test, clients for it, and the
//! fixtures and forms that more than one topic uses.
//!
//! Servers store in SQLite in their data directory, or, when
//! `SIXIN_TEST_DATABASE_URL` names a PostgreSQL database, in a schema of
//! their own there (dropped after the test): the whole suite runs on
//! either backend.

mod fans;
mod nodes;

use std::path::PathBuf;
use std::sync::{Arc, Once};

use serde::Serialize;
use serde_json::Value;
use sixin_api::admin::CreateUser;
use sixin_api::message::request::SendMsgForm;
use sixin_api::Envelope;
use sixin_client::{Client, EnvelopeExt, RelationAct};
use sixin_server::clock::{Clock, ManualClock, SystemClock};
use sixin_server::service::Services;
use sixin_server::store::postgres::{TestDatabase, TEST_DATABASE_URL};
use sixin_server::Config;
use tokio::sync::oneshot;

pub use fans::{add_fans, add_fans_from};
pub use nodes::{spawn_two_nodes, spawn_two_nodes_without_nats};

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
    /// The server's task: done once it has stopped and closed its store.
    running: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    /// The services of the running server (its event bus, for tests of
    /// what crosses nodes).
    pub services: Arc<Services>,
    /// The PostgreSQL schema of this server, when the suite runs on
    /// PostgreSQL; dropped after the last node using it.
    database: Option<Arc<TestDatabase>>,
    /// The resume log of the nodes of [`spawn_two_nodes`]: deleted after
    /// the last of them.
    resume_log: Option<Arc<ResumeLog>>,
}

/// A test community's JetStream stream, deleted when dropped.
struct ResumeLog {
    nats_url: String,
    prefix: String,
}

impl Drop for ResumeLog {
    fn drop(&mut self) {
        let (url, prefix) = (self.nats_url.clone(), self.prefix.clone());
        // A thread of its own: this may be dropped inside an async runtime.
        let deleted = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime
                .block_on(sixin_server::cluster::log::delete(&url, &prefix))
                .ok()
        })
        .join();
        if !matches!(deleted, Ok(Some(()))) {
            tracing::warn!(prefix = %self.prefix, "could not delete a test resume log");
        }
    }
}

impl TestApp {
    /// Whether this server keeps its data in PostgreSQL (not SQLite).
    pub fn on_postgres(&self) -> bool {
        self.database.is_some()
    }
}

pub(crate) fn init_tracing() {
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
    spawn_app_with_clock_and(|_| {}).await
}

/// [`spawn_app_with_clock`] after letting `adjust` change the configuration.
pub async fn spawn_app_with_clock_and(
    adjust: impl FnOnce(&mut Config),
) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::starting_now());
    (start(adjust, clock.clone()).await, clock)
}

/// A schema of its own in the database `SIXIN_TEST_DATABASE_URL` names, to
/// run the suite on PostgreSQL; `None` (SQLite) without it.
pub async fn test_database() -> Option<TestDatabase> {
    let url = std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|u| !u.is_empty())?;
    Some(
        TestDatabase::create(&url)
            .await
            .expect("a test schema in SIXIN_TEST_DATABASE_URL"),
    )
}

async fn start(adjust: impl FnOnce(&mut Config), clock: Arc<dyn Clock>) -> TestApp {
    init_tracing();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("data"));
    config.admin_token = Some(ADMIN_TOKEN.into());
    let database = test_database().await.map(Arc::new);
    if let Some(database) = &database {
        config.database_url = Some(database.url());
        config.database_connections = 8;
    }
    adjust(&mut config);
    launch(config, clock, dir, database).await
}

/// Starts a server on `config`; `dir` and `database` live as long as it.
pub(crate) async fn launch(
    config: Config,
    clock: Arc<dyn Clock>,
    dir: tempfile::TempDir,
    database: Option<Arc<TestDatabase>>,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let data_dir = config.data_dir.clone();
    let admin_token = config.admin_token.clone();
    let state = sixin_server::open_with_clock(config, addr, clock)
        .await
        .expect("server state");
    let token = admin_token.unwrap_or_else(|| state.secrets.admin_token.clone());
    let services = state.services.clone();
    let (tx, rx) = oneshot::channel::<()>();
    let running = tokio::spawn(async move {
        let ran = sixin_server::run(listener, state, async {
            let _ = rx.await;
        })
        .await;
        // The test's runtime may end while the server is shutting down
        // (connections a browser keeps open delay it): that is no failure.
        if let Err(err) = ran {
            assert!(err.to_string().contains("cancelled"), "server run: {err}");
        }
    });
    let base = format!("http://{addr}");
    TestApp {
        admin: Client::new(&base).with_admin_token(&token),
        base,
        http: reqwest::Client::new(),
        data_dir,
        shutdown: Some(tx),
        running: Some(running),
        _dir: dir,
        services,
        database,
        resume_log: None,
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

    /// Stops this server and starts another on what it stored (its data
    /// directory, or its PostgreSQL schema), with every default. `between`
    /// runs while no server is running (to change the database by hand),
    /// given the PostgreSQL schema's URL (`None`: SQLite, `sixin.db` in
    /// the data directory it is given).
    pub async fn restart_after<F: std::future::Future<Output = ()>>(
        mut self,
        between: impl FnOnce(Option<String>, PathBuf) -> F,
    ) -> TestApp {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // The old server lets go of the database (its store closed, the
        // WAL folded back) before anything else touches it.
        if let Some(running) = self.running.take() {
            tokio::time::timeout(std::time::Duration::from_secs(30), running)
                .await
                .expect("the old server stops within 30 s")
                .expect("the old server stops cleanly");
        }
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().expect("temp dir"));
        let database = self.database.take();
        between(database.as_ref().map(|d| d.url()), self.data_dir.clone()).await;
        let mut config = Config::new("127.0.0.1:0".parse().unwrap(), self.data_dir.clone());
        config.admin_token = Some(ADMIN_TOKEN.into());
        if let Some(database) = &database {
            config.database_url = Some(database.url());
            config.database_connections = 8;
        }
        launch(config, Arc::new(SystemClock), dir, database).await
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

/// A relation-list entry (关系列表对象) of a user with the default profile,
/// as the wire shows it with `mtime` set to 0, `tag` null, `special` 0.
pub fn list_entry(app: &TestApp, mid: u64, uname: &str, attribute: i64) -> Value {
    serde_json::json!({
        "mid": mid,
        "attribute": attribute,
        "mtime": 0,
        "tag": null,
        "special": 0,
        "contract_info": {},
        "uname": uname,
        "face": format!("{}/bfs/face/member/noface.png", app.base),
        "sign": "",
        "face_nft": 0,
        "official_verify": {"type": -1, "desc": ""},
        "vip": {
            "vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
            "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
            "label": {"path": ""}
        },
        "name_render": {},
        "nft_icon": "",
        "rec_reason": "",
        "track_id": "",
        "follow_time": ""
    })
}

/// Records the upload `name` a second time, as `alias` (as an older
/// server named it), directly in the database behind `app`.
pub async fn alias_upload(app: &TestApp, name: &str, alias: &str) {
    const COPY: &str = "INSERT INTO uploads (name, owner, mime, width, height, bytes, created_at)
         SELECT $1, owner, mime, width, height, bytes, created_at FROM uploads WHERE name = $2";
    if let Some(database) = &app.database {
        let (db, connection) = tokio_postgres::connect(&database.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        assert_eq!(db.execute(COPY, &[&alias, &name]).await.unwrap(), 1);
        return;
    }
    let db = rusqlite::Connection::open(app.data_dir.join("sixin.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    assert_eq!(db.execute(COPY, [alias, name]).unwrap(), 1);
}

/// Runs `sql` (statements that take no parameters) directly in the
/// database behind `app`, while it runs.
pub async fn run_sql_behind(app: &TestApp, sql: &str) {
    if let Some(database) = &app.database {
        let (db, connection) = tokio_postgres::connect(&database.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(connection);
        db.batch_execute(sql).await.unwrap();
        return;
    }
    let db = rusqlite::Connection::open(app.data_dir.join("sixin.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    db.execute_batch(sql).unwrap();
}
