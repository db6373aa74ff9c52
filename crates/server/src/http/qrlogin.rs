//! QR-code login as Bilibili's web clients perform it, and sixin's own
//! endpoints through which a logged-in user approves it.
//!
//! The browser: `generate` gives a key and the URL its QR code shows;
//! `poll` answers (always with envelope code 0) `data.code` 86101 until
//! someone scans, 86090 until they confirm, then 0 once, with the session's
//! cookies set and carried in `url` as query parameters, as the live
//! service does; 86038 for a key that is unknown, expired (180 s) or used.
//!
//! The approving user (`sixin login approve`, or a web client): Bilibili's
//! app calls undocumented endpoints here, so sixin has its own,
//! `POST /x/sixin/qrcode/scan` then `POST /x/sixin/qrcode/confirm`, each
//! with the key, the session cookie and its `csrf`.

use crate::http::reply::Json;
use axum::extract::State;
use axum::response::{AppendHeaders, IntoResponse, Response};
use sixin_api::passport::{qr_status, QrGenerate, QrKeyForm, QrPoll, QrPollQuery};
use sixin_api::{Code, Envelope};

use super::accounts::session_cookies;
use super::auth::CsrfForm;
use super::client::ClientAddr;
use super::error::Shape;
use super::extract::Query;
use super::routes::{Auth, Doc, Routes};
use super::state::AppState;
use crate::error::Error;
use crate::service::accounts::{QrPollOutcome, SessionTokens};

pub fn router() -> Routes {
    use Code::*;
    Routes::new(Shape::Plain)
        .get(
            "/x/passport-login/web/qrcode/generate",
            generate,
            Doc::new("Start a QR-code login: a key and the URL its QR code shows")
                .data::<QrGenerate>()
                .codes(&[TooFrequent]),
        )
        .get(
            "/x/passport-login/web/qrcode/poll",
            poll,
            Doc::new(
                "Poll a QR-code login: data.code 86101, 86090, 86038, or 0 with the cookies set",
            )
            .query::<QrPollQuery>()
            .data::<QrPoll>()
            .codes(&[TooFrequent]),
        )
        .post(
            "/x/sixin/qrcode/scan",
            scan,
            Doc::new("sixin's own: mark a QR-code login scanned by the caller")
                .auth(Auth::Csrf)
                .form::<QrKeyForm>()
                .codes(&[QrScanned, QrExpired]),
        )
        .post(
            "/x/sixin/qrcode/confirm",
            confirm,
            Doc::new("sixin's own: confirm the QR-code login the caller scanned")
                .auth(Auth::Csrf)
                .form::<QrKeyForm>()
                .codes(&[QrNotScanned, QrScanned, QrExpired]),
        )
}

/// GET /x/passport-login/web/qrcode/generate
///
/// The QR code's URL is the live service's scan page, on this server.
///
/// Throttled per client address (-799 past about ten keys in five minutes).
async fn generate(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
) -> Result<Json<Envelope<QrGenerate>>, Error> {
    let key = state.services.accounts.generate_qr_login(from).await?;
    Ok(Json(Envelope::ok(QrGenerate {
        url: format!(
            "{}/h5-app/passport/login/scan?navhide=1&qrcode_key={key}&from=",
            state.public_url
        ),
        qrcode_key: key,
    })))
}

/// A poll's `data` for a status other than success.
fn waiting(code: i64) -> QrPoll {
    QrPoll {
        url: String::new(),
        refresh_token: String::new(),
        timestamp: 0,
        code,
        message: qr_status::message(code).to_owned(),
    }
}

/// The live service's cross-domain login URL, on this server: the cookies
/// as query parameters, `Expires` in unix seconds, and where to go next.
fn cross_domain_url(state: &AppState, tokens: &SessionTokens) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("DedeUserID", &tokens.mid.to_string())
        .append_pair("DedeUserID__ckMd5", &tokens.ck_md5)
        .append_pair("Expires", &tokens.expires.to_string())
        .append_pair("SESSDATA", &tokens.sessdata)
        .append_pair("bili_jct", &tokens.bili_jct)
        .append_pair("gourl", &state.public_url)
        .finish();
    format!("{}/crossDomain?{query}", state.public_url)
}

/// GET /x/passport-login/web/qrcode/poll
///
/// Polls that find no live key (86038) are throttled per client address:
/// past 30 of them (one forgotten every 10 s) the envelope is -799.
async fn poll(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    Query(query): Query<QrPollQuery>,
) -> Result<Response, Error> {
    let accounts = &state.services.accounts;
    let data = match accounts.poll_qr_login(&query.qrcode_key, from).await? {
        QrPollOutcome::NotScanned => waiting(qr_status::NOT_SCANNED),
        QrPollOutcome::Scanned => waiting(qr_status::SCANNED),
        QrPollOutcome::Expired => waiting(qr_status::EXPIRED),
        QrPollOutcome::LoggedIn(tokens) => {
            let now = accounts.now_secs();
            let data = QrPoll {
                url: cross_domain_url(&state, &tokens),
                refresh_token: String::new(),
                timestamp: now * 1000,
                code: qr_status::CONFIRMED,
                message: String::new(),
            };
            let cookies = AppendHeaders(session_cookies(
                Some(&tokens),
                now,
                state.config.secure_cookies(),
            ));
            return Ok((cookies, Json(Envelope::ok(data))).into_response());
        }
    };
    Ok(Json(Envelope::ok(data)).into_response())
}

/// POST /x/sixin/qrcode/scan
///
/// sixin's own: the caller scans a pending QR login (86038 for a dead key,
/// 86090 when someone else scanned it).
async fn scan(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<QrKeyForm>,
) -> Result<Json<Envelope<()>>, Error> {
    state
        .services
        .accounts
        .scan_qr_login(&form.qrcode_key, user.mid)
        .await?;
    Ok(Json(Envelope::empty()))
}

/// POST /x/sixin/qrcode/confirm
///
/// sixin's own: the caller confirms the QR login they scanned, logging the
/// polling browser in as themselves (86101 before a scan, 86090 when
/// someone else scanned it, 86038 for a dead or confirmed key).
async fn confirm(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<QrKeyForm>,
) -> Result<Json<Envelope<()>>, Error> {
    state
        .services
        .accounts
        .confirm_qr_login(&form.qrcode_key, user.mid)
        .await?;
    Ok(Json(Envelope::empty()))
}
