//! Streaming `multipart/form-data` uploads (multer underneath).
//!
//! The file field is written chunk by chunk into a staged file of the file
//! store as it arrives, never gathered in memory; every other field is text
//! of at most [`MAX_TEXT_BYTES`]. The file's limit is checked on every
//! chunk, so a body that crosses it is refused at that moment. Every
//! refusal is an envelope error naming the problem. A staged file is
//! deleted when dropped, so an error, a refusal or a client that goes away
//! leaves nothing behind.
//!
//! When a request is refused before its body has been read, the rest is
//! read and thrown away (up to [`DRAIN_BYTES`] or [`DRAIN_TIME`]) after the
//! answer is sent, so that the client, still sending, gets to read the
//! answer instead of a reset connection.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::error::Error;
use crate::store::files::{FileStore, Staged};

/// Longest text field, in bytes.
pub const MAX_TEXT_BYTES: usize = 4096;
/// Most fields in one form.
const MAX_FIELDS: usize = 32;
/// How much of a refused body is read and discarded at most.
const DRAIN_BYTES: u64 = 64 * 1024 * 1024;
/// How long a refused body is read and discarded at most.
const DRAIN_TIME: Duration = Duration::from_secs(30);

/// What a form may hold.
pub struct Spec<'a> {
    /// Names of the file field (the first is the documented one).
    pub file_fields: &'a [&'static str],
    /// Largest file, in bytes.
    pub max_file_bytes: u64,
    /// The error for a file past `max_file_bytes`.
    pub too_large: fn() -> Error,
}

/// The file of a form, staged.
#[derive(Debug)]
pub struct FilePart {
    /// The name the client gave the file part, if any (never a path here).
    pub filename: Option<String>,
    pub staged: Staged,
}

/// A form read: its text fields in order, and its file.
#[derive(Debug, Default)]
pub struct Form {
    pub texts: Vec<(String, String)>,
    pub file: Option<FilePart>,
}

impl Form {
    /// Every value of the text field `name`.
    pub fn all<'f>(&'f self, name: &'f str) -> impl Iterator<Item = &'f str> + 'f {
        self.texts
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-empty value of the text field `name`.
    pub fn text<'f>(&'f self, name: &'f str) -> Option<&'f str> {
        self.all(name).find(|v| !v.is_empty())
    }
}

fn bad(detail: String) -> Error {
    Error::bad_request(detail)
}

/// Reads a multipart request as `spec` allows, staging its file in `files`.
pub async fn read_form(
    request: Request,
    files: &dyn FileStore,
    spec: &Spec<'_>,
) -> Result<Form, Error> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let boundary = multer::parse_boundary(&content_type)
        .map_err(|_| bad("Content-Type must be multipart/form-data with a boundary".to_owned()))?;
    let (body, pump) = pumped(request.into_body());
    let mut multipart = multer::Multipart::new(body, boundary);
    let result = read_fields(&mut multipart, files, spec).await;
    drop(multipart);
    if result.is_err() {
        // Whatever is left of the body is drained by the pump, so the
        // client can read the answer.
        pump.drain();
    }
    result
}

async fn read_fields(
    multipart: &mut multer::Multipart<'static>,
    files: &dyn FileStore,
    spec: &Spec<'_>,
) -> Result<Form, Error> {
    let mut form = Form::default();
    let mut fields = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(format!("multipart body: {e}")))?
    {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(bad(format!("more than {MAX_FIELDS} form fields")));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if spec.file_fields.contains(&name.as_str()) {
            if form.file.is_some() {
                return Err(bad(format!("{name} given twice")));
            }
            let filename = field.file_name().map(str::to_owned);
            let mut staged = files.stage().await?;
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| bad(format!("{name}: {e}")))?
            {
                if staged.len() + chunk.len() as u64 > spec.max_file_bytes {
                    return Err((spec.too_large)());
                }
                staged.write(&chunk).await?;
            }
            form.file = Some(FilePart { filename, staged });
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|e| bad(format!("{name}: {e}")))?
            {
                if value.len() + chunk.len() > MAX_TEXT_BYTES {
                    return Err(bad(format!("{name} is longer than {MAX_TEXT_BYTES} bytes")));
                }
                value.extend_from_slice(&chunk);
            }
            let value =
                String::from_utf8(value).map_err(|_| bad(format!("{name} is not UTF-8 text")))?;
            form.texts.push((name, value));
        }
    }
    Ok(form)
}

/// The task forwarding the request body to the multipart parser.
struct Pump {
    drain: tokio::sync::oneshot::Sender<()>,
}

impl Pump {
    /// Lets the pump read and discard the rest of the body.
    fn drain(self) {
        let _ = self.drain.send(());
    }
}

type Chunk = Result<Bytes, std::io::Error>;

/// The body as a stream fed by a task that owns it: when the parser is
/// dropped early the task can keep reading (and discarding) the rest.
fn pumped(
    body: Body,
) -> (
    impl futures_util::Stream<Item = Chunk> + Send + 'static,
    Pump,
) {
    let (tx, rx) = mpsc::channel::<Chunk>(2);
    let (drain_tx, drain_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut body = body.into_data_stream();
        loop {
            let Some(chunk) = body.next().await else {
                return;
            };
            let chunk = chunk.map_err(std::io::Error::other);
            let failed = chunk.is_err();
            if tx.send(chunk).await.is_err() || failed {
                break;
            }
        }
        // The parser is gone: drain only if the answer is an error that
        // the client should be able to read.
        if drain_rx.await.is_err() {
            return;
        }
        let mut drained = 0u64;
        let _ = tokio::time::timeout(DRAIN_TIME, async {
            while let Some(Ok(chunk)) = body.next().await {
                drained += chunk.len() as u64;
                if drained > DRAIN_BYTES {
                    break;
                }
            }
        })
        .await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    (stream, Pump { drain: drain_tx })
}
