//! The web client in a real browser: headless Chromium driven over
//! WebDriver (Debian's `chromium` and `chromium-driver`), against the real
//! server. Each window is a browser of its own (its own profile, so its
//! own cookies): two people chat in two windows.
//!
//! Skipped, and said so, when Chromium or chromedriver is missing, unless
//! `SIXIN_REQUIRE_BROWSER=1` (CI), which makes a missing browser a failure.
//! Browser tests run one at a time (each Chromium is heavy on two cores).
//!
//! The page re-renders whenever news arrives (a push, a badge, the
//! title), which replaces its elements: a handle found before may be
//! stale by the time it is used. So [`Window`] never holds a handle across
//! a wait: every action finds its element again and acts at once, and an
//! action refused because the element went stale (or is not yet clickable)
//! is retried on a fresh find, within [`PATIENCE`]. Tests act through
//! these helpers rather than through `Element`s of their own.

mod chat;
mod groups;
mod people;
mod search;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::Duration;

use fantoccini::{elements::Element, error::CmdError, Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use sixin_api::admin::CreateUser;
use sixin_client::EnvelopeExt;
use tokio::sync::{Mutex, MutexGuard};

use crate::helpers::TestApp;

const CHROMIUM: &str = "SIXIN_CHROMIUM";
const CHROMEDRIVER: &str = "SIXIN_CHROMEDRIVER";
const REQUIRE: &str = "SIXIN_REQUIRE_BROWSER";

/// How long a browser assertion waits for the page to catch up.
pub const PATIENCE: Duration = Duration::from_secs(8);

/// One browser test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

fn find_program(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env) {
        return Some(PathBuf::from(path));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// A chromedriver of this test, and the windows it opened.
pub struct Browser {
    driver: Child,
    port: u16,
    chromium: PathBuf,
    profiles: Vec<tempfile::TempDir>,
    windows: Vec<Client>,
    _turn: MutexGuard<'static, ()>,
}

/// Starts chromedriver, or says why the browser tests are skipped.
pub async fn browser() -> Option<Browser> {
    let chromium = find_program(
        CHROMIUM,
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = find_program(CHROMEDRIVER, &["/usr/bin/chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        if std::env::var_os(REQUIRE).is_some_and(|v| v == "1") {
            panic!("{REQUIRE}=1 but chromium or chromedriver is missing (apt-get install chromium chromium-driver)");
        }
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "NOTE: the browser tests are SKIPPED: no chromium and chromedriver \
                 (apt-get install chromium chromium-driver, or set {CHROMIUM} and {CHROMEDRIVER})"
            );
        });
        return None;
    };
    let turn = ONE_AT_A_TIME.lock().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut command = Command::new(&driver);
    command
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = command.spawn().expect("chromedriver starts");
    let browser = Browser {
        driver: child,
        port,
        chromium,
        profiles: Vec::new(),
        windows: Vec::new(),
        _turn: turn,
    };
    let status = format!("http://127.0.0.1:{port}/status");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(answer) = reqwest::get(&status).await {
            if answer.status().is_success() {
                break;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "chromedriver never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Some(browser)
}

impl Browser {
    /// A new browser window with a fresh profile, `width` CSS pixels wide.
    pub async fn window(&mut self, width: u32) -> Window {
        let profile = tempfile::tempdir().expect("a profile directory");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--lang=zh-CN".to_owned(),
            format!("--window-size={width},860"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({"binary": self.chromium, "args": args}),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session");
        self.profiles.push(profile);
        self.windows.push(client.clone());
        Window { client }
    }

    /// Closes every window (Chromium exits) and chromedriver.
    pub async fn close(mut self) {
        for window in std::mem::take(&mut self.windows) {
            let _ = window.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Whether `err` means the action did not happen because the page moved
/// under it (re-rendered, still laying out): worth finding the element
/// again and retrying.
fn page_moved(err: &CmdError) -> bool {
    err.is_stale_element_reference()
        || err.is_element_not_interactable()
        || matches!(err, CmdError::Standard(w) if w.error == fantoccini::error::ErrorStatus::ElementClickIntercepted)
}

/// One browser window.
pub struct Window {
    pub client: Client,
}

impl Window {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigation");
    }

    /// The first element matching `css`, waiting for it. Only to wait for
    /// it: act through [`Window::act`] and friends, which find it again.
    pub async fn find(&self, css: &str) -> Element {
        self.find_at(Locator::Css(css)).await
    }

    async fn find_at(&self, locator: Locator<'_>) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(locator)
            .await
            .unwrap_or_else(|err| panic!("no {locator:?} on the page: {err}"))
    }

    /// Finds the first element at `locator` and does `action` to it; while
    /// the page moves under it ([`page_moved`]), finds it again and
    /// retries, within [`PATIENCE`].
    pub async fn act<T, F, Fut>(&self, locator: Locator<'_>, what: &str, action: F) -> T
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<T, CmdError>>,
    {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            match action(self.find_at(locator).await).await {
                Ok(done) => return done,
                Err(err) if page_moved(&err) && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(err) => panic!("{what} {locator:?}: {err}"),
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.click_at(Locator::Css(css)).await;
    }

    pub async fn click_at(&self, locator: Locator<'_>) {
        self.act(locator, "clicking", |e| async move { e.click().await })
            .await;
    }

    /// Clicks the element matching `css` whose text is exactly `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            // Found afresh each round; a stale one is looked for again.
            for element in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                let Ok(shown) = element.text().await else {
                    continue;
                };
                if shown.trim() == text {
                    match element.click().await {
                        Ok(()) => return,
                        Err(err) if page_moved(&err) => break,
                        Err(err) => panic!("clicking {text}: {err}"),
                    }
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {css} says {text:?}; there are {:?}",
                self.texts(css).await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.act(Locator::Css(css), "typing into", |e| async move {
            e.send_keys(text).await
        })
        .await;
    }

    /// Empties the field matching `css`.
    pub async fn clear(&self, css: &str) {
        self.act(
            Locator::Css(css),
            "clearing",
            |e| async move { e.clear().await },
        )
        .await;
    }

    /// The visible text of every element matching `css`, read from one
    /// rendering of the page (read again when one went stale midway, so
    /// that a re-render never reads as "nothing there").
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        'again: loop {
            let mut texts = Vec::new();
            for element in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                match element.text().await {
                    Ok(text) => texts.push(text),
                    Err(err)
                        if err.is_stale_element_reference()
                            && tokio::time::Instant::now() < deadline =>
                    {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue 'again;
                    }
                    Err(err) => panic!("reading {css}: {err}"),
                }
            }
            return texts;
        }
    }

    /// Waits until some element matching `css` shows `text`.
    pub async fn see(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let texts = self.texts(css).await;
            if texts.iter().any(|t| t.contains(text)) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {text:?} in {css}, the page shows {texts:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until no element matching `css` shows `text`.
    pub async fn no_longer_see(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let texts = self.texts(css).await;
            if !texts.iter().any(|t| t.contains(text)) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {text:?} gone from {css}, the page shows {texts:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `css` matches `n` elements.
    pub async fn count(&self, css: &str, n: usize) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
                .len();
            if found == n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} of {css}, found {found}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page title is `title`.
    pub async fn title_is(&self, title: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let now = self.client.title().await.unwrap_or_default();
            if now == title {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected the title {title:?}, it is {now:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn run(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .expect("script runs")
    }

    /// Signs in on the page at `base` as `username`.
    pub async fn sign_in(&self, base: &str, username: &str, password: &str) {
        self.goto(base).await;
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click("form button[type=submit]").await;
        self.find("header.top .my-name").await;
    }

    /// Saves a screenshot as `name`.png in the test's target directory.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        eprintln!("screenshot: {}", path.display());
        path
    }
}

/// Creates `uname` with `password` through the admin API; the mid.
pub async fn person(app: &TestApp, uname: &str, password: &str) -> u64 {
    app.admin
        .create_user(&CreateUser {
            uname: uname.into(),
            password: Some(password.into()),
            ..CreateUser::default()
        })
        .await
        .expect("create user")
        .into_data()
        .expect("user created")
        .mid
}
