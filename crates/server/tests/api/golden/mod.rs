//! Golden transcripts: fixed scenarios whose every request and response is
//! written down and compared byte for byte with the recorded copy in
//! `tests/golden/<name>.txt`.
//!
//! They pin the wire format across refactoring: status, content type and
//! the exact body text (key order, `null` versus absent, number formats).
//! Values that change from run to run are masked, keeping the bytes around
//! them: the server's address, secrets, and numbers by their width (msg_keys
//! are numbered in order of appearance, times become `<s>`, `<ms>`, `<us>`).
//!
//! `SIXIN_BLESS=1 cargo test --test api golden` rewrites the recorded copies;
//! review the diff before committing it.

mod accounts;
mod admin;
mod custom;
mod groups;
mod messages;
mod pushes;
mod qrlogin;
mod relations;
mod settings;

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;
use sixin_client::Client;

use crate::helpers::{cookie_of, TestApp};

/// A transcript being written.
pub struct Recorder<'a> {
    app: &'a TestApp,
    name: &'static str,
    text: String,
    keys: HashMap<String, usize>,
}

/// Who makes a request.
#[derive(Clone, Copy)]
pub enum As<'c> {
    Nobody,
    User(&'c Client),
    /// A logged-in user whose csrf is left out of forms.
    UserNoCsrf(&'c Client),
    Admin,
}

impl<'a> Recorder<'a> {
    pub fn new(app: &'a TestApp, name: &'static str) -> Self {
        Recorder {
            app,
            name,
            text: String::new(),
            keys: HashMap::new(),
        }
    }

    /// A comment line in the transcript.
    pub fn note(&mut self, text: &str) {
        self.text.push_str(&format!("## {text}\n\n"));
    }

    fn cookie(who: As<'_>) -> Option<String> {
        match who {
            As::User(c) | As::UserNoCsrf(c) => Some(cookie_of(c)),
            _ => None,
        }
    }

    fn request(&self, method: reqwest::Method, path: &str, who: As<'_>) -> reqwest::RequestBuilder {
        let mut request = self
            .app
            .http
            .request(method, format!("{}{path}", self.app.base));
        if let Some(cookie) = Self::cookie(who) {
            request = request.header("Cookie", cookie);
        }
        if let As::Admin = who {
            request = request.bearer_auth(crate::helpers::ADMIN_TOKEN);
        }
        request
    }

    /// `GET path`, recorded; returns the body as JSON (`Null` if not JSON).
    pub async fn get(&mut self, path: &str, who: As<'_>) -> Value {
        let line = format!("GET {path}{}", who_label(who));
        let response = self
            .request(reqwest::Method::GET, path, who)
            .send()
            .await
            .unwrap();
        self.record(line, None, response).await
    }

    /// `POST path` with a url-encoded form (csrf and csrf_token added for
    /// `As::User`), recorded.
    pub async fn post(&mut self, path: &str, who: As<'_>, form: &[(&str, &str)]) -> Value {
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let As::User(client) = who {
            let jct = client.cookies().unwrap().bili_jct.clone();
            fields.push(("csrf".into(), jct.clone()));
            fields.push(("csrf_token".into(), jct));
        }
        let shown: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let line = format!("POST {path}{}", who_label(who));
        let response = self
            .request(reqwest::Method::POST, path, who)
            .form(&fields)
            .send()
            .await
            .unwrap();
        self.record(line, Some(shown.join("&")), response).await
    }

    /// A request with a raw body and content type, recorded.
    pub async fn raw(
        &mut self,
        method: reqwest::Method,
        path: &str,
        who: As<'_>,
        content_type: &str,
        body: &str,
    ) -> Value {
        let line = format!("{method} {path}{}", who_label(who));
        let response = self
            .request(method, path, who)
            .header("Content-Type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        self.record(line, Some(format!("[{content_type}] {body}")), response)
            .await
    }

    /// An admin request with a JSON body, recorded.
    pub async fn admin(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let line = format!("{method} {path} (admin)");
        let mut request = self.request(method, path, As::Admin);
        let shown = body.as_ref().map(Value::to_string);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        self.record(line, shown, response).await
    }

    /// A multipart upload, recorded.
    pub async fn multipart(
        &mut self,
        path: &str,
        who: As<'_>,
        form: reqwest::multipart::Form,
        shown: &str,
    ) -> Value {
        let line = format!("POST {path}{}", who_label(who));
        let response = self
            .request(reqwest::Method::POST, path, who)
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.record(line, Some(format!("[multipart] {shown}")), response)
            .await
    }

    async fn record(
        &mut self,
        line: String,
        body_shown: Option<String>,
        response: reqwest::Response,
    ) -> Value {
        let mut entry = format!("> {line}\n");
        if let Some(shown) = body_shown {
            entry.push_str(&format!("> {shown}\n"));
        }
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get_all(name)
                .iter()
                .map(|v| v.to_str().unwrap_or("<binary>").to_owned())
                .collect::<Vec<_>>()
        };
        let content_type = header("content-type").join(", ");
        let cookies = header("set-cookie");
        entry.push_str(&format!("< {status} {content_type}\n"));
        for cookie in cookies {
            entry.push_str(&format!("< set-cookie: {cookie}\n"));
        }
        let bytes = response.bytes().await.unwrap();
        let json = serde_json::from_slice::<Value>(&bytes).ok();
        match &json {
            Some(_) => entry.push_str(&String::from_utf8_lossy(&bytes)),
            None => entry.push_str(&format!("<{} bytes>", bytes.len())),
        }
        entry.push_str("\n\n");
        let masked = self.mask(&entry);
        self.text.push_str(&masked);
        json.unwrap_or(Value::Null)
    }

    /// Masks what changes from run to run.
    fn mask(&mut self, text: &str) -> String {
        let host = self.app.base.trim_start_matches("http://");
        let encoded_base = crate::helpers::encode(&[("", &self.app.base)]);
        let mut text = text
            .replace(&self.app.base, "<base>")
            .replace(&encoded_base[1..], "<base>")
            .replace(host, "<host>");
        // Secrets as JSON strings, and as `name=value` in cookies, forms
        // and query strings.
        let names = [
            "SESSDATA",
            "bili_jct",
            "biliCSRF",
            "b_3",
            "b_4",
            "DedeUserID__ckMd5",
            "sid",
            "qrcode_key",
            "ticket",
        ];
        for name in names {
            text = mask_after(&text, &format!("\"{name}\":\""), &['"']);
            text = mask_after(&text, &format!("{name}="), &[';', '&', '"', '\n']);
        }
        text = mask_after(&text, "/bfs/wbi/", &['.']);
        // Image names are keyed by the server's random secret; session
        // ids are hashes of random tokens.
        text = mask_after(&text, "/bfs/im/", &['.']);
        text = mask_after(&text, "\"id\":\"", &['"']);
        // Customer-service keys are random, their links signed with the time.
        text = mask_after(&text, "\"key\":\"", &['.']);
        text = mask_after(&text, "/customer-video-upload/", &['"']);
        text = mask_after(&text, "Max-Age=", &[';']);
        mask_numbers(&text, &mut self.keys)
    }

    /// Compares the transcript with the recorded copy (or records it).
    pub fn finish(self) {
        let path = golden_path(self.name);
        if std::env::var_os("SIXIN_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &self.text).unwrap();
            return;
        }
        let recorded = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; record it with SIXIN_BLESS=1 cargo test --test api golden",
                path.display()
            )
        });
        if recorded != self.text {
            let actual = path.with_extension("actual.txt");
            std::fs::write(&actual, &self.text).unwrap();
            let first = recorded
                .lines()
                .zip(self.text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| recorded.lines().count().min(self.text.lines().count()));
            panic!(
                "{} differs from the recorded transcript at line {}:\n  recorded: {:?}\n  now:      {:?}\n(whole transcript written to {})",
                self.name,
                first + 1,
                recorded.lines().nth(first),
                self.text.lines().nth(first),
                actual.display()
            );
        }
    }
}

/// Replaces stand-alone digit runs by their kind: 19 digits are msg_keys
/// (numbered in order of appearance), 16 microseconds, 13 milliseconds,
/// 10 seconds.
fn mask_numbers(text: &str, keys: &mut HashMap<String, usize>) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let starts_run =
            bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !starts_run {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let mut end = i;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let digits = &text[i..end];
        let free = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        let replacement = match (free, digits.len()) {
            (true, 19) => {
                let next = keys.len() + 1;
                let n = *keys.entry(digits.to_owned()).or_insert(next);
                format!("<key#{n}>")
            }
            (true, 16) => "<us>".to_owned(),
            (true, 13) => "<ms>".to_owned(),
            (true, 10) => "<s>".to_owned(),
            _ => digits.to_owned(),
        };
        out.push_str(&replacement);
        i = end;
    }
    out
}

fn who_label(who: As<'_>) -> String {
    match who {
        As::Nobody => String::new(),
        As::User(c) => format!(" (as {})", c.mid()),
        As::UserNoCsrf(c) => format!(" (as {}, no csrf)", c.mid()),
        As::Admin => " (admin)".to_owned(),
    }
}

/// Replaces what follows each `marker` up to the first of `ends` with
/// `<masked>`. A marker must start a word (`sid=` is not `_sid=`).
fn mask_after(text: &str, marker: &str, ends: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let (before, after) = rest.split_at(at + marker.len());
        out.push_str(before);
        let starts_word = !before[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !starts_word {
            rest = after;
            continue;
        }
        let stop = after.find(ends).unwrap_or(after.len());
        if stop > 0 {
            out.push_str("<masked>");
        }
        rest = &after[stop..];
    }
    out.push_str(rest);
    out
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"))
}

#[test]
fn masking_keeps_the_bytes_around_what_changes() {
    assert_eq!(
        mask_after(r#"{"SESSDATA":"abc","x":1}"#, "\"SESSDATA\":\"", &['"']),
        r#"{"SESSDATA":"<masked>","x":1}"#
    );
    assert_eq!(
        mask_after("SESSDATA=abc; Path=/", "SESSDATA=", &[';']),
        "SESSDATA=<masked>; Path=/"
    );
    assert_eq!(
        mask_after("SESSDATA=; Path=/", "SESSDATA=", &[';']),
        "SESSDATA=; Path=/"
    );
    assert_eq!(
        mask_after("?a_sid=1&sid=2&SESSDATA=3\n", "sid=", &['&', '\n']),
        "?a_sid=1&sid=<masked>&SESSDATA=3\n"
    );
    let mut keys = HashMap::new();
    assert_eq!(
        mask_numbers(
            r#"{"a":7345551441311046575,"b":1712305278098351,"c":1712305278,"d":7345551441311046575,"e":"x1712305278"}"#,
            &mut keys
        ),
        r#"{"a":<key#1>,"b":<us>,"c":<s>,"d":<key#1>,"e":"x1712305278"}"#
    );
}
