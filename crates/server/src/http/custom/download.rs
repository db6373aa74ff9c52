//! Downloading an uploaded customer-service file through its signed link,
//! answered as the object store whose link it imitates would: HTTP 403
//! with an S3-style XML error for an expired or altered link, 404 for a
//! file that is gone, the bytes (or one range of them) otherwise.

use std::ops::Range;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::domain::presign::LinkRefusal;
use crate::http::state::AppState;
use crate::service::custom::DownloadRefusal;

/// An S3-style error document.
fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "application/xml"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// Which bytes a `Range` header asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wanted {
    All,
    Part(Range<u64>),
    Unsatisfiable,
}

/// Reads a single-range `Range: bytes=...` against `size`. Anything else
/// (several ranges, another unit, a malformed header) gets the whole file,
/// as RFC 9110 allows.
fn wanted(headers: &HeaderMap, size: u64) -> Wanted {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Wanted::All;
    };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::All;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // bytes=-N: the last N bytes.
        (true, _, Some(n)) => {
            if n == 0 || size == 0 {
                Wanted::Unsatisfiable
            } else {
                Wanted::Part(size.saturating_sub(n)..size)
            }
        }
        (false, Some(start), end) if last.trim().is_empty() || end.is_some() => {
            if start >= size {
                return Wanted::Unsatisfiable;
            }
            let end = end.map_or(size, |e| e.saturating_add(1).min(size));
            if end <= start {
                return Wanted::All;
            }
            Wanted::Part(start..end)
        }
        _ => Wanted::All,
    }
}

/// Characters escaped in `filename*` (RFC 5987 `attr-char` kept).
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII `filename` and the exact one as `filename*`.
fn content_disposition(filename: &str) -> HeaderValue {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let value = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(filename, ATTR)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// GET /customer-video-upload/{key}?X-Amz-...
pub async fn download(
    State(state): State<AppState>,
    Path(key): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let custom = &state.services.custom;
    let file =
        match custom.open(&key, uri.query().unwrap_or_default()).await {
            Ok(file) => file,
            Err(DownloadRefusal::Forbidden(LinkRefusal::Expired)) => {
                return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired")
            }
            Err(DownloadRefusal::Forbidden(LinkRefusal::Invalid)) => return s3_error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            ),
            Err(DownloadRefusal::NotFound) => {
                return s3_error(
                    StatusCode::NOT_FOUND,
                    "NoSuchKey",
                    "The specified key does not exist.",
                )
            }
            Err(DownloadRefusal::Failed(err)) => return err.into_response(),
        };
    let size = file.bytes;
    let (status, range) = match wanted(&headers, size) {
        Wanted::All => (StatusCode::OK, 0..size),
        Wanted::Part(range) => (StatusCode::PARTIAL_CONTENT, range),
        Wanted::Unsatisfiable => {
            let mut response = s3_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable",
            );
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let body = match custom.read(&file, range.clone()).await {
        Ok(stream) => Body::from_stream(stream),
        Err(err) => return err.into_response(),
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let h = response.headers_mut();
    let text = |s: String| HeaderValue::from_str(&s).ok();
    if let Some(v) = text(file.mime.clone()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(v) = text((range.end - range.start).to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        let value = format!("bytes {}-{}/{size}", range.start, range.end - 1);
        if let Some(v) = text(value) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=0"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(&file.filename),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str, size: u64) -> Wanted {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).unwrap());
        wanted(&headers, size)
    }

    #[test]
    fn single_ranges_are_served() {
        assert_eq!(wanted(&HeaderMap::new(), 10), Wanted::All);
        assert_eq!(range("bytes=0-3", 10), Wanted::Part(0..4));
        assert_eq!(range("bytes=5-", 10), Wanted::Part(5..10));
        assert_eq!(range("bytes=5-100", 10), Wanted::Part(5..10));
        assert_eq!(range("bytes=-3", 10), Wanted::Part(7..10));
        assert_eq!(range("bytes=-30", 10), Wanted::Part(0..10));
        assert_eq!(range("bytes=10-", 10), Wanted::Unsatisfiable);
        assert_eq!(range("bytes=-0", 10), Wanted::Unsatisfiable);
        assert_eq!(range("bytes=0-1,4-5", 10), Wanted::All);
        assert_eq!(range("items=0-1", 10), Wanted::All);
        assert_eq!(range("bytes=5-2", 10), Wanted::All);
        assert_eq!(range("bytes=x-2", 10), Wanted::All);
    }

    #[test]
    fn download_names_are_quoted_safely() {
        assert_eq!(
            content_disposition("报告 \"1\".pdf"),
            "attachment; filename=\"__ _1_.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%221%22.pdf"
        );
        assert_eq!(
            content_disposition("a;b\\c.txt"),
            "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%3Bb%5Cc.txt"
        );
    }
}
