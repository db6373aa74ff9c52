//! Extractors whose rejections are envelope errors (-400), never axum's
//! plain-text rejections.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::domain::Mid;
use crate::error::Error;

/// A user id from the wire as a [`Mid`]; -400 naming `field` when it is 0
/// or too large.
pub fn mid(value: u64, field: &'static str) -> Result<Mid, Error> {
    Mid::new(value).ok_or_else(|| Error::bad_request(format!("{field} is not a user id")))
}

/// Largest form body accepted (uploads have their own limit).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Query-string parameters. Unknown parameters (such as the WBI signature's
/// `wts`, `w_rid`, `web_location`) are ignored; malformed ones are -400.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        parse_pairs(query.as_bytes()).map(Query)
    }
}

/// A form body (`application/x-www-form-urlencoded`), read whatever the
/// declared content type, since clients are not careful about it.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req).await?;
        parse_pairs(&bytes).map(Form)
    }
}

/// A JSON body (admin API).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req).await?;
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|e| Error::bad_request(format!("json body: {e}")))
    }
}

/// The body, bounded by [`MAX_FORM_BYTES`].
pub async fn read_body(req: Request) -> Result<axum::body::Bytes, Error> {
    axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES)
        .await
        .map_err(|e| Error::bad_request(format!("body: {e}")))
}

/// Deserialises url-encoded pairs. Empty values count as absent, so that
/// `ps=` gets the default rather than an error, as the real service does.
pub fn parse_pairs<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    parse_merged(bytes, b"")
}

/// Deserialises a POST's parameters: the body's pairs, then those of the
/// query string whose names the body does not have (some clients put every
/// parameter in the URL, as Bilibili accepts).
pub fn parse_merged<T: DeserializeOwned>(body: &[u8], query: &[u8]) -> Result<T, Error> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.trim().to_owned(), v.into_owned()))
        .collect();
    let from_query: Vec<(String, String)> = form_urlencoded::parse(query)
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.trim().to_owned(), v.into_owned()))
        .filter(|(k, _)| !pairs.iter().any(|(b, _)| b == k))
        .collect();
    pairs.extend(from_query);
    let encoded = serde_urlencoded::to_string(&pairs)
        .map_err(|e| Error::bad_request(format!("parameters: {e}")))?;
    serde_urlencoded::from_str(&encoded).map_err(|e| Error::bad_request(format!("parameters: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Page {
        vmid: u64,
        #[serde(default)]
        ps: Option<u32>,
        #[serde(rename = "msg[receiver_id]", default)]
        receiver: Option<u64>,
    }

    #[test]
    fn unknown_and_empty_parameters_are_ignored() {
        let page: Page = parse_pairs(b"vmid=3&ps=&wts=1&w_rid=abc").unwrap();
        assert_eq!(
            page,
            Page {
                vmid: 3,
                ps: None,
                receiver: None
            }
        );
    }

    #[test]
    fn bracketed_names_and_keys_with_stray_spaces_are_read() {
        let page: Page = parse_pairs(b"vmid=3&msg%5Breceiver_id%5D%20=9").unwrap();
        assert_eq!(page.receiver, Some(9));
    }

    #[test]
    fn post_parameters_may_come_from_the_query_but_the_body_wins() {
        let page: Page = parse_merged(b"ps=7", b"vmid=3&ps=9").unwrap();
        assert_eq!(
            page,
            Page {
                vmid: 3,
                ps: Some(7),
                receiver: None
            }
        );
    }

    #[test]
    fn wrong_types_and_missing_parameters_are_bad_requests() {
        assert!(parse_pairs::<Page>(b"vmid=abc").is_err());
        assert!(parse_pairs::<Page>(b"ps=1").is_err());
        assert!(parse_pairs::<Page>(b"vmid=1&ps=-1").is_err());
    }
}
