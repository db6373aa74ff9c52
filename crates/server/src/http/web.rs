//! The browser client, served at `/`: the files of `web/` in the
//! repository, compiled into the binary (no build step: plain ES modules).
//! The page talks to the server only through the public API and the push
//! socket. `/h5-app/passport/login/scan` (where a QR code of a QR-code
//! login points) is the same page, which offers to approve the login.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sixin_api::Code;

use super::error::Shape;
use super::routes::{Doc, Routes};
use crate::error::Error;

/// Every file of `web/`, by its path there.
const FILES: &[(&str, &[u8])] = &[
    ("index.html", include_bytes!("../../../../web/index.html")),
    ("style.css", include_bytes!("../../../../web/style.css")),
    ("js/api.js", include_bytes!("../../../../web/js/api.js")),
    ("js/dom.js", include_bytes!("../../../../web/js/dom.js")),
    ("js/i18n.js", include_bytes!("../../../../web/js/i18n.js")),
    ("js/main.js", include_bytes!("../../../../web/js/main.js")),
    ("js/push.js", include_bytes!("../../../../web/js/push.js")),
    ("js/store.js", include_bytes!("../../../../web/js/store.js")),
    (
        "js/views/chat.js",
        include_bytes!("../../../../web/js/views/chat.js"),
    ),
    (
        "js/views/composer.js",
        include_bytes!("../../../../web/js/views/composer.js"),
    ),
    (
        "js/views/login.js",
        include_bytes!("../../../../web/js/views/login.js"),
    ),
    (
        "js/views/people.js",
        include_bytes!("../../../../web/js/views/people.js"),
    ),
    (
        "js/views/search.js",
        include_bytes!("../../../../web/js/views/search.js"),
    ),
    (
        "js/views/sessions.js",
        include_bytes!("../../../../web/js/views/sessions.js"),
    ),
    (
        "js/views/settings.js",
        include_bytes!("../../../../web/js/views/settings.js"),
    ),
];

/// What the page may load: its own scripts and styles, images from
/// anywhere (avatars may live elsewhere), connections to this server only.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src * data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

pub fn router() -> Routes {
    let page = || Doc::new("The web client").file("text/html");
    Routes::new(Shape::Plain)
        .get("/", get_page, page())
        .get(
            "/h5-app/passport/login/scan",
            get_page,
            Doc::new("The web client's page approving a QR-code login (where the QR code points)")
                .file("text/html"),
        )
        .get(
            "/web/{*file}",
            get_file,
            Doc::new("A file of the web client (scripts, styles)")
                .path_param("file", "its path under `web/`")
                .file("application/octet-stream")
                .codes(&[Code::NotFound]),
        )
}

/// GET /
async fn get_page(headers: HeaderMap) -> Response {
    let mut response = serve("index.html", &headers).expect("index.html is embedded");
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    response
}

/// GET /web/{*file}
async fn get_file(Path(file): Path<String>, headers: HeaderMap) -> Response {
    serve(&file, &headers).unwrap_or_else(|| Error::from(Code::NotFound).into_response())
}

/// The file at `path`, revalidated by its hash (`ETag`), so a new binary's
/// files are picked up at once.
fn serve(path: &str, headers: &HeaderMap) -> Option<Response> {
    let (_, bytes) = FILES.iter().find(|(name, _)| *name == path)?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..12]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let kind = match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };
    let common = [
        (header::CONTENT_TYPE, kind.to_owned()),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (header::ETAG, etag),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ];
    Some(if fresh {
        (StatusCode::NOT_MODIFIED, common).into_response()
    } else {
        (common, *bytes).into_response()
    })
}

#[cfg(test)]
mod tests {
    use super::FILES;
    use std::path::{Path, PathBuf};

    /// Every file under `web/` is served, and nothing else.
    #[test]
    fn every_file_of_the_web_client_is_embedded() {
        fn visit(dir: &Path, root: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, root, found);
                } else {
                    let relative = path.strip_prefix(root).unwrap();
                    found.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web");
        let mut on_disk = Vec::new();
        visit(&root, &root, &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(name, _)| (*name).to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "web/ and FILES in http/web.rs differ");
    }
}
