//! A typed async client for a sixin server (or anything that speaks the same
//! Bilibili-compatible API).
//!
//! Every call returns the whole [`Envelope`], so callers can look at `code`
//! for API errors; [`Error`] is only for transport and decoding failures. Use
//! [`EnvelopeExt::into_data`] to turn a non-zero code into an error.

mod conversations;
mod custom;
mod groups;
pub mod messages;
mod passport;
pub mod push;
mod relations;
mod sessions;

pub use sixin_api::relation::Act as RelationAct;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sixin_api::account::{LoginForm, LoginResult, LogoutForm, MyInfo};
use sixin_api::admin::{CreateUser, CreatedUser, LoginCookies, PatchUser};
use sixin_api::Envelope;

/// Why a call did not produce an envelope, or (from `into_data`) why the
/// envelope was not a success.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    #[error("api error {code}: {message}")]
    Api { code: i64, message: String },
    #[error("response has code 0 but no data")]
    NoData,
    #[error("encoding the request: {0}")]
    Encode(#[source] serde_urlencoded::ser::Error),
    #[error("push connection: {0}")]
    Push(String),
}

/// Turning an envelope into its data.
pub trait EnvelopeExt<T> {
    /// `data` when `code` is 0, else [`Error::Api`].
    fn into_data(self) -> Result<T, Error>;
}

impl<T> EnvelopeExt<T> for Envelope<T> {
    fn into_data(self) -> Result<T, Error> {
        if self.code != 0 {
            return Err(Error::Api {
                code: self.code,
                message: self.message,
            });
        }
        self.data.ok_or(Error::NoData)
    }
}

/// A connection to one server, optionally as one user and/or as admin.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    cookies: Option<LoginCookies>,
    admin_token: Option<String>,
}

impl Client {
    /// A client for the server at `base_url` (such as `http://127.0.0.1:8080`).
    pub fn new(base_url: &str) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: base_url.trim_end_matches('/').to_owned(),
            cookies: None,
            admin_token: None,
        }
    }

    /// The same client, authorised for `/admin/v1`.
    pub fn with_admin_token(mut self, token: &str) -> Client {
        self.admin_token = Some(token.to_owned());
        self
    }

    /// The same client, logged in with `cookies`.
    pub fn with_cookies(mut self, cookies: LoginCookies) -> Client {
        self.cookies = Some(cookies);
        self
    }

    /// The cookies this client sends, if logged in.
    pub fn cookies(&self) -> Option<&LoginCookies> {
        self.cookies.as_ref()
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn with_auth(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(cookies) = &self.cookies {
            request = request.header(COOKIE, cookies.cookie_header());
        }
        if let Some(token) = &self.admin_token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        request
    }

    /// `GET path?query` with this client's cookies; `query` is one of the
    /// request types of `sixin_api` (or any list of pairs).
    pub async fn get<T: DeserializeOwned, Q: Serialize + ?Sized>(
        &self,
        path: &str,
        query: &Q,
    ) -> Result<Envelope<T>, Error> {
        let request = self.with_auth(self.http.get(self.url(path)).query(query));
        Ok(request.send().await?.json().await?)
    }

    /// `POST path` with a url-encoded form (one of the request types of
    /// `sixin_api`, or any list of pairs); `csrf` and `csrf_token` are added
    /// from the session's `bili_jct` unless the form already has one.
    pub async fn post_form<T: DeserializeOwned, F: Serialize + ?Sized>(
        &self,
        path: &str,
        form: &F,
    ) -> Result<Envelope<T>, Error> {
        let mut body = serde_urlencoded::to_string(form).map_err(Error::Encode)?;
        let has_csrf = serde_urlencoded::from_str::<Vec<(String, String)>>(&body)
            .map_err(|e| Error::Encode(serde::ser::Error::custom(e)))?
            .iter()
            .any(|(k, _)| k == "csrf" || k == "csrf_token");
        if let (Some(cookies), false) = (&self.cookies, has_csrf) {
            let csrf = serde_urlencoded::to_string([
                ("csrf", &cookies.bili_jct),
                ("csrf_token", &cookies.bili_jct),
            ])
            .map_err(Error::Encode)?;
            if !body.is_empty() {
                body.push('&');
            }
            body.push_str(&csrf);
        }
        let request = self.with_auth(
            self.http
                .post(self.url(path))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body),
        );
        Ok(request.send().await?.json().await?)
    }

    pub(crate) async fn admin_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Envelope<T>, Error> {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        Ok(self.with_auth(request).send().await?.json().await?)
    }

    /// `POST /admin/v1/users`
    pub async fn create_user(&self, user: &CreateUser) -> Result<Envelope<CreatedUser>, Error> {
        self.admin_json(reqwest::Method::POST, "/admin/v1/users", Some(user))
            .await
    }

    /// `PATCH /admin/v1/users/{mid}`
    pub async fn patch_user(&self, mid: u64, patch: &PatchUser) -> Result<Envelope<()>, Error> {
        self.admin_json(
            reqwest::Method::PATCH,
            &format!("/admin/v1/users/{mid}"),
            Some(patch),
        )
        .await
    }

    /// `POST /admin/v1/users/{mid}/sessions`
    pub async fn create_session(&self, mid: u64) -> Result<Envelope<LoginCookies>, Error> {
        self.admin_json::<(), _>(
            reqwest::Method::POST,
            &format!("/admin/v1/users/{mid}/sessions"),
            None,
        )
        .await
    }

    /// `GET /x/web-interface/nav`. `data` is kept as JSON because its shape
    /// differs between logged-in (code 0) and anonymous (code -101) answers.
    pub async fn nav(&self) -> Result<Envelope<serde_json::Value>, Error> {
        self.get("/x/web-interface/nav", &()).await
    }

    /// `GET /x/space/myinfo`
    pub async fn myinfo(&self) -> Result<Envelope<MyInfo>, Error> {
        self.get("/x/space/myinfo", &()).await
    }

    /// `POST /x/passport-login/web/login`; on success the returned client is
    /// logged in with the cookies the server set.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(Envelope<LoginResult>, Option<Client>), Error> {
        let response = self
            .http
            .post(self.url("/x/passport-login/web/login"))
            .form(&LoginForm {
                username: username.to_owned(),
                password: password.to_owned(),
            })
            .send()
            .await?;
        let cookies = set_cookies(&response);
        let envelope: Envelope<LoginResult> = response.json().await?;
        let logged_in = cookies
            .filter(|_| envelope.code == 0)
            .map(|c| self.clone().with_cookies(c));
        Ok((envelope, logged_in))
    }

    /// `POST /login/exit/v2`: the answer is not a standard envelope.
    pub async fn logout(&self) -> Result<serde_json::Value, Error> {
        let csrf = self
            .cookies
            .as_ref()
            .map(|c| c.bili_jct.clone())
            .unwrap_or_default();
        let request = self
            .with_auth(self.http.post(self.url("/login/exit/v2")))
            .form(&LogoutForm {
                bili_csrf: csrf,
                gourl: None,
            });
        Ok(request.send().await?.json().await?)
    }
}

/// The session a response's `Set-Cookie` headers start, if they set one.
fn set_cookies(response: &reqwest::Response) -> Option<LoginCookies> {
    let mut jar = std::collections::HashMap::new();
    for value in response.headers().get_all(SET_COOKIE) {
        if let Some((name, rest)) = value.to_str().unwrap_or_default().split_once('=') {
            let value = rest.split(';').next().unwrap_or_default();
            jar.insert(name.trim().to_owned(), value.to_owned());
        }
    }
    match (
        jar.get("SESSDATA"),
        jar.get("bili_jct"),
        jar.get("DedeUserID"),
    ) {
        (Some(s), Some(j), Some(u)) if !s.is_empty() => Some(LoginCookies {
            sessdata: s.clone(),
            bili_jct: j.clone(),
            dede_user_id: u.clone(),
            expires: 0,
        }),
        _ => None,
    }
}
