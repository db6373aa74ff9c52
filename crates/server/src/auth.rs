//! Cookie authentication as Bilibili clients send it.
//!
//! `SESSDATA` is a random token; only its SHA-256 is stored. `bili_jct` is
//! not stored at all: it is an HMAC of the token under the server key, so it
//! is bound to the session and cannot be chosen freely. Every POST carries it
//! back as `csrf` (vc endpoints also as `csrf_token`). Secrets are compared in
//! constant time.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use sixin_api::admin::LoginCookies;
use sixin_api::Code;
use subtle::ConstantTimeEq;

use crate::domain::Mid;
use crate::error::ApiError;
use crate::extract::{parse_merged, read_body};
use crate::state::{random_hex, AppState};
use crate::store::LoginSession;

/// The logged-in caller of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub mid: Mid,
    /// The SESSDATA token as presented.
    pub token: String,
}

impl CurrentUser {
    /// Whether `presented` is this session's `bili_jct`.
    pub fn csrf_matches(&self, state: &AppState, presented: &str) -> bool {
        let expected = csrf_token(&state.secrets.server_key, &self.token);
        expected
            .as_bytes()
            .ct_eq(presented.trim().as_bytes())
            .into()
    }
}

/// SHA-256 of a SESSDATA token, the form in which sessions are stored.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The `bili_jct` bound to a SESSDATA token: 32 hex characters, as Bilibili's.
pub fn csrf_token(server_key: &[u8; 32], token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(server_key).expect("any key length");
    mac.update(b"bili_jct\0");
    mac.update(token.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Unix seconds now.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Starts a login session for `mid` and returns the cookies for it.
pub async fn start_session(state: &AppState, mid: Mid) -> Result<LoginCookies, ApiError> {
    let token = random_hex(32);
    let now = now_secs();
    let expires = now + state.config.session_ttl().as_secs() as i64;
    state
        .store
        .create_login(LoginSession {
            token_hash: token_hash(&token),
            mid,
            created_at: now,
            expires_at: expires,
        })
        .await?;
    Ok(LoginCookies {
        bili_jct: csrf_token(&state.secrets.server_key, &token),
        sessdata: token,
        dede_user_id: mid.to_string(),
        expires,
    })
}

/// The value of cookie `name`, from any `Cookie` header.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().trim_matches('"'))
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, ApiError> {
    let Some(token) = cookie(&parts.headers, "SESSDATA").filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let session = state.store.login(token_hash(token), now_secs()).await?;
    Ok(session.map(|s| CurrentUser {
        mid: s.mid,
        token: token.to_owned(),
    }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    /// -101 when SESSDATA is missing, unknown or expired.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let user = authenticate(parts, state)
            .await?
            .ok_or(ApiError::Code(Code::NotLoggedIn))?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The caller if logged in, for endpoints that also serve visitors.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(MaybeUser(Some(user.clone())));
        }
        Ok(MaybeUser(authenticate(parts, state).await?))
    }
}

/// A POST form from a logged-in user whose `csrf` (or `csrf_token`) is the
/// session's `bili_jct`: -101 without a session, -111 for a missing or wrong
/// token, -400 for a malformed form. The token may also come in the query
/// string, where some clients put every parameter.
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let query = parts.uri.query().unwrap_or_default().to_owned();
        let bytes = read_body(Request::from_parts(parts, body)).await?;
        check_csrf(state, &user, &bytes, query.as_bytes())?;
        let form = parse_merged(&bytes, query.as_bytes())?;
        Ok(CsrfForm { user, form })
    }
}

/// Checks the csrf tokens in a url-encoded body (falling back to the query):
/// at least one of `csrf` and `csrf_token` must be present, and every one
/// present must match.
pub fn check_csrf(
    state: &AppState,
    user: &CurrentUser,
    body: &[u8],
    query: &[u8],
) -> Result<(), ApiError> {
    let tokens = |bytes: &[u8]| -> Vec<String> {
        form_urlencoded::parse(bytes)
            .filter(|(k, v)| matches!(k.trim(), "csrf" | "csrf_token") && !v.is_empty())
            .map(|(_, v)| v.into_owned())
            .collect()
    };
    let mut presented = tokens(body);
    if presented.is_empty() {
        presented = tokens(query);
    }
    if presented.is_empty() || !presented.iter().all(|t| user.csrf_matches(state, t)) {
        return Err(ApiError::Code(Code::CsrfFailed));
    }
    Ok(())
}

/// Admin API authorisation: `Authorization: Bearer <admin token>`, else -403.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .trim();
        let expected = state.secrets.admin_token.as_bytes();
        if !presented.is_empty() && bool::from(presented.as_bytes().ct_eq(expected)) {
            Ok(Admin)
        } else {
            Err(ApiError::Code(Code::Forbidden))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn csrf_tokens_depend_on_the_session_and_the_key() {
        let key = [7u8; 32];
        let a = csrf_token(&key, "token-a");
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, csrf_token(&key, "token-a"));
        assert_ne!(a, csrf_token(&key, "token-b"));
        assert_ne!(a, csrf_token(&[8u8; 32], "token-a"));
    }

    #[test]
    fn cookies_are_found_among_others_and_across_headers() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("buvid3=x; SESSDATA=abc"),
        );
        headers.append(header::COOKIE, HeaderValue::from_static("bili_jct=def"));
        assert_eq!(cookie(&headers, "SESSDATA"), Some("abc"));
        assert_eq!(cookie(&headers, "bili_jct"), Some("def"));
        assert_eq!(cookie(&headers, "DedeUserID"), None);
    }
}
