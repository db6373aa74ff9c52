//! Who is calling: the cookie session (`SESSDATA`), the csrf token that
//! must come with every POST, and the admin bearer token. Every extractor
//! here rejects with an envelope error.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use sixin_api::Code;
use subtle::ConstantTimeEq;

use super::client::ClientAddr;
use super::extract::Params;
use super::state::AppState;
use crate::domain::Mid;
use crate::error::Error;

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
        state.services.accounts.csrf_matches(&self.token, presented)
    }
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

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, Error> {
    let Some(token) = cookie(&parts.headers, "SESSDATA").filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let mid = state.services.accounts.authenticate(token).await?;
    if let (Some(mid), Some(caller)) = (mid, parts.extensions.get::<super::observe::Caller>()) {
        caller.set(mid);
    }
    Ok(mid.map(|mid| CurrentUser {
        mid,
        token: token.to_owned(),
    }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    /// -101 when SESSDATA is missing, unknown or expired.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let user = authenticate(parts, state)
            .await?
            .ok_or(Error::from(Code::NotLoggedIn))?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The caller if logged in, for endpoints that also serve visitors.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl MaybeUser {
    /// The caller's mid, if logged in.
    pub fn mid(&self) -> Option<Mid> {
        self.0.as_ref().map(|u| u.mid)
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(MaybeUser(Some(user.clone())));
        }
        Ok(MaybeUser(authenticate(parts, state).await?))
    }
}

/// A POST form from a logged-in user whose `csrf` (or `csrf_token`) is the
/// session's `bili_jct`: -101 without a session, -111 for a missing or wrong
/// token, -400 for a malformed form. Parameters come in any format
/// [`Params`] reads (url-encoded or multipart body, query string), the token
/// included.
#[derive(Debug)]
pub struct CsrfForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Error> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await?;
        let params = Params::from_request(&parts, body).await?;
        check_csrf(state, &user, &params)?;
        let form = params.parse()?;
        Ok(CsrfForm { user, form })
    }
}

/// At least one of `csrf` and `csrf_token` must be present, and every one
/// present must match.
fn check_csrf(state: &AppState, user: &CurrentUser, params: &Params) -> Result<(), Error> {
    let presented: Vec<&str> = ["csrf", "csrf_token"]
        .into_iter()
        .filter_map(|name| params.get(name))
        .collect();
    if presented.is_empty() || !presented.iter().all(|t| user.csrf_matches(state, t)) {
        return Err(Code::CsrfFailed.into());
    }
    Ok(())
}

/// Admin API authorisation: `Authorization: Bearer <admin token>`, else
/// -403. Wrong tokens are throttled per client address: while an address
/// is shut, every token it presents (the right one too) is -799 without
/// being compared.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .trim()
            .to_owned();
        if presented.is_empty() {
            return Err(Code::Forbidden.into());
        }
        let Ok(ClientAddr(from)) = ClientAddr::from_request_parts(parts, state).await;
        let guard = &state.services.guard;
        guard.admin_from(from).await?;
        let expected = state.secrets.admin_token.as_bytes();
        if bool::from(presented.as_bytes().ct_eq(expected)) {
            Ok(Admin)
        } else {
            guard.admin_failed(from).await?;
            Err(Code::Forbidden.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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
