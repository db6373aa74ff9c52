//! Extractors whose rejections are envelope errors (-400 naming the
//! offending parameter), never axum's plain-text rejections.
//!
//! Clients send a POST's parameters in every format Bilibili accepts: a
//! url-encoded body, a `multipart/form-data` body (text fields), or the query
//! string. [`Params`] reads them all with one precedence rule: a parameter of
//! the body wins over one of the same name in the query string, and within
//! one source the last occurrence of a name wins. Empty values count as
//! absent, so that `ps=` gets the default rather than an error, as the real
//! service does.

mod text;

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;

use crate::domain::Mid;
use crate::error::Error;

/// A user id from the wire as a [`Mid`]; -400 naming `field` when it is 0
/// or too large.
pub fn mid(value: u64, field: &'static str) -> Result<Mid, Error> {
    Mid::new(value).ok_or_else(|| Error::bad_request(format!("{field} must be a user mid")))
}

/// Largest form body accepted, in any format (uploads have their own limit).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// A request's named parameters, as text.
#[derive(Debug, Default)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// The parameters of a query string.
    pub fn from_query(query: &str) -> Params {
        let mut params = Params::default();
        params.add_encoded(query.as_bytes(), Precedence::Replace);
        params
    }

    /// A POST's parameters: its body's, in whichever format the
    /// `Content-Type` names, then those of the query string whose names the
    /// body does not have.
    pub async fn from_request(parts: &Parts, body: axum::body::Body) -> Result<Params, Error> {
        let mut params = Params::default();
        match body_format(&parts.headers)? {
            BodyFormat::UrlEncoded => {
                params.add_encoded(&read_bytes(body).await?, Precedence::Replace)
            }
            BodyFormat::Multipart(boundary) => params.add_multipart(body, boundary).await?,
            BodyFormat::Other(media_type) => {
                if !read_bytes(body).await?.is_empty() {
                    return Err(Error::bad_request(format!(
                        "the body must be application/x-www-form-urlencoded or multipart/form-data, not {media_type}"
                    )));
                }
            }
        }
        let query = parts.uri.query().unwrap_or_default();
        params.add_encoded(query.as_bytes(), Precedence::Keep);
        Ok(params)
    }

    /// The value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The parameters as `T`; -400 naming the offending parameter.
    pub fn parse<T: DeserializeOwned>(self) -> Result<T, Error> {
        text::from_params(self.0).map_err(Error::bad_request)
    }

    fn add(&mut self, name: &str, value: String, precedence: Precedence) {
        let name = name.trim();
        if value.is_empty() || name.is_empty() {
            return;
        }
        match precedence {
            Precedence::Replace => {
                self.0.insert(name.to_owned(), value);
            }
            Precedence::Keep => {
                self.0.entry(name.to_owned()).or_insert(value);
            }
        }
    }

    fn add_encoded(&mut self, bytes: &[u8], precedence: Precedence) {
        for (name, value) in form_urlencoded::parse(bytes) {
            self.add(&name, value.into_owned(), precedence);
        }
    }

    async fn add_multipart(
        &mut self,
        body: axum::body::Body,
        boundary: String,
    ) -> Result<(), Error> {
        let limits = multer::Constraints::new()
            .size_limit(multer::SizeLimit::new().whole_stream(MAX_FORM_BYTES as u64));
        let stream = body.into_data_stream();
        let mut multipart = multer::Multipart::with_constraints(stream, boundary, limits);
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            let value = String::from_utf8(bytes.to_vec())
                .map_err(|_| Error::bad_request(format!("{name} must be UTF-8 text")))?;
            self.add(&name, value, Precedence::Replace);
        }
        Ok(())
    }
}

/// What a parameter does to an earlier one of the same name.
#[derive(Debug, Clone, Copy)]
enum Precedence {
    Replace,
    Keep,
}

enum BodyFormat {
    UrlEncoded,
    Multipart(String),
    /// A format no form endpoint takes (`application/json`, ...): fine
    /// only when the body is empty.
    Other(String),
}

/// The body format the `Content-Type` names. No type, `text/plain` and
/// anything url-encoded-looking are read as url-encoded, since clients are
/// not careful about it.
fn body_format(headers: &HeaderMap) -> Result<BodyFormat, Error> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(BodyFormat::UrlEncoded);
    };
    let value = value
        .to_str()
        .map_err(|_| Error::bad_request("Content-Type is not text"))?;
    let media_type = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match media_type.as_str() {
        "" | "application/x-www-form-urlencoded" | "text/plain" => Ok(BodyFormat::UrlEncoded),
        "multipart/form-data" => multer::parse_boundary(value)
            .map(BodyFormat::Multipart)
            .map_err(|_| Error::bad_request("multipart/form-data without a boundary")),
        _ => Ok(BodyFormat::Other(media_type)),
    }
}

fn multipart_error(err: multer::Error) -> Error {
    match err {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large()
        }
        other => Error::bad_request(format!("malformed multipart body: {other}")),
    }
}

fn too_large() -> Error {
    Error::bad_request(format!(
        "the body is larger than {} KiB",
        MAX_FORM_BYTES / 1024
    ))
}

/// The body, bounded by [`MAX_FORM_BYTES`].
async fn read_bytes(body: axum::body::Body) -> Result<axum::body::Bytes, Error> {
    axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| too_large())
}

/// Query-string parameters. Unknown parameters (such as the WBI signature's
/// `wts`, `w_rid`, `web_location`) are ignored; malformed ones are -400.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Params::from_query(parts.uri.query().unwrap_or_default())
            .parse()
            .map(Query)
    }
}

/// A POST's parameters from a request that needs no csrf token (password
/// login), in any of the formats [`Params`] reads.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        Params::from_request(&parts, body).await?.parse().map(Form)
    }
}

/// A JSON body (admin API).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_bytes(req.into_body()).await?;
        let mut json = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut json)
            .map(Json)
            .map_err(|e| match e.path().to_string().as_str() {
                "." | "?" => Error::bad_request(format!("JSON body: {}", e.inner())),
                path => Error::bad_request(format!("JSON body, {path}: {}", e.inner())),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Page {
        vmid: u64,
        #[serde(default)]
        ps: Option<u32>,
        #[serde(rename = "msg[receiver_id]", default)]
        receiver: Option<u64>,
    }

    async fn post(
        content_type: Option<&str>,
        uri: &str,
        body: &'static str,
    ) -> Result<Page, Error> {
        let mut request = axum::http::Request::post(uri);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let (parts, body) = request.body(Body::from(body)).unwrap().into_parts();
        Params::from_request(&parts, body).await?.parse()
    }

    fn detail(err: Error) -> String {
        match err {
            Error::Refused(refusal) => refusal.detail.into_owned(),
            Error::Internal(e) => panic!("internal: {e}"),
        }
    }

    #[test]
    fn unknown_and_empty_parameters_are_ignored() {
        let page: Page = Params::from_query("vmid=3&ps=&wts=1&w_rid=abc")
            .parse()
            .unwrap();
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
        let page: Page = Params::from_query("vmid=3&msg%5Breceiver_id%5D%20=9")
            .parse()
            .unwrap();
        assert_eq!(page.receiver, Some(9));
    }

    #[test]
    fn the_last_of_a_repeated_parameter_wins() {
        let page: Page = Params::from_query("vmid=3&ps=1&ps=2").parse().unwrap();
        assert_eq!(page.ps, Some(2));
    }

    #[tokio::test]
    async fn post_parameters_may_come_from_the_query_but_the_body_wins() {
        let page = post(None, "/x?vmid=3&ps=9", "ps=7").await.unwrap();
        assert_eq!(
            page,
            Page {
                vmid: 3,
                ps: Some(7),
                receiver: None
            }
        );
    }

    #[tokio::test]
    async fn multipart_text_fields_are_read_like_a_url_encoded_body() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"vmid\"\r\n\r\n5\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"msg[receiver_id]\"\r\n\r\n8\r\n\
                    --XyZ--\r\n";
        let page = post(
            Some("multipart/form-data; boundary=XyZ"),
            "/x?ps=4&vmid=1",
            body,
        )
        .await
        .unwrap();
        assert_eq!(
            page,
            Page {
                vmid: 5,
                ps: Some(4),
                receiver: Some(8)
            }
        );
    }

    #[tokio::test]
    async fn a_body_no_form_endpoint_takes_is_refused_by_name() {
        let err = post(Some("application/json"), "/x", "{\"vmid\":1}")
            .await
            .unwrap_err();
        assert_eq!(
            detail(err),
            "the body must be application/x-www-form-urlencoded or multipart/form-data, not application/json"
        );
        let page = post(Some("application/json"), "/x?vmid=2", "")
            .await
            .unwrap();
        assert_eq!(page.vmid, 2);
    }

    #[tokio::test]
    async fn malformed_multipart_bodies_are_bad_requests() {
        let err = post(Some("multipart/form-data"), "/x", "vmid=1")
            .await
            .unwrap_err();
        assert_eq!(detail(err), "multipart/form-data without a boundary");
        let err = post(Some("multipart/form-data; boundary=XyZ"), "/x", "garbage")
            .await
            .unwrap_err();
        assert!(detail(err).starts_with("malformed multipart body"));
    }

    #[test]
    fn wrong_types_and_missing_parameters_name_the_parameter() {
        let err = Params::from_query("vmid=abc").parse::<Page>().unwrap_err();
        assert_eq!(detail(err), "vmid must be a non-negative integer");
        let err = Params::from_query("ps=1").parse::<Page>().unwrap_err();
        assert_eq!(detail(err), "vmid is required");
        let err = Params::from_query("vmid=1&ps=-1")
            .parse::<Page>()
            .unwrap_err();
        assert_eq!(detail(err), "ps must be a non-negative integer");
    }
}
