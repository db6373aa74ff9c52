//! QR-code login as Bilibili's web clients perform it
//! (`/x/passport-login/web/qrcode/...`), and sixin's own endpoints through
//! which a logged-in user approves a pending QR login.

use serde::{Deserialize, Serialize};

/// `data.code` of `GET /x/passport-login/web/qrcode/poll`: where a QR login
/// stands. The poll itself always answers envelope code 0.
pub mod qr_status {
    /// Confirmed: the cookies are set and `url` carries them.
    pub const CONFIRMED: i64 = 0;
    /// The key is unknown, expired (180 s after it was generated) or already used.
    pub const EXPIRED: i64 = 86038;
    /// Scanned by a logged-in user who has not confirmed yet.
    pub const SCANNED: i64 = 86090;
    /// Nobody has scanned it yet.
    pub const NOT_SCANNED: i64 = 86101;

    /// The `data.message` the live service gives each status.
    pub const fn message(code: i64) -> &'static str {
        match code {
            EXPIRED => "二维码已失效",
            SCANNED => "二维码已扫码未确认",
            NOT_SCANNED => "未扫码",
            _ => "",
        }
    }
}

/// `data` of `GET /x/passport-login/web/qrcode/generate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrGenerate {
    /// What the QR code encodes: the page a scanning client opens.
    pub url: String,
    /// 32 hex characters; the browser polls with it.
    pub qrcode_key: String,
}

/// `GET /x/passport-login/web/qrcode/poll` (web clients also send `source`,
/// which is ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct QrPollQuery {
    pub qrcode_key: String,
}

/// `data` of `GET /x/passport-login/web/qrcode/poll`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrPoll {
    /// On success the cross-domain login URL carrying the cookies as query
    /// parameters; empty otherwise.
    pub url: String,
    /// Empty: sixin has no cookie refresh.
    pub refresh_token: String,
    /// Milliseconds of the login on success; 0 otherwise.
    pub timestamp: i64,
    /// One of [`qr_status`].
    pub code: i64,
    pub message: String,
}

/// `POST /x/sixin/qrcode/scan` and `POST /x/sixin/qrcode/confirm` (sixin's
/// own, with the session's `csrf`): a logged-in user marks a pending QR login
/// as scanned, then confirms it, logging the browser that polls the key in
/// as themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrKeyForm {
    pub qrcode_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_has_its_documented_wire_names() {
        let key = || "0123456789abcdef0123456789abcdef".to_owned();
        assert_eq!(
            serde_urlencoded::to_string(QrPollQuery { qrcode_key: key() }).unwrap(),
            "qrcode_key=0123456789abcdef0123456789abcdef"
        );
        assert_eq!(
            serde_urlencoded::to_string(QrKeyForm { qrcode_key: key() }).unwrap(),
            "qrcode_key=0123456789abcdef0123456789abcdef"
        );
    }

    #[test]
    fn poll_statuses_carry_the_live_messages() {
        assert_eq!(qr_status::message(qr_status::NOT_SCANNED), "未扫码");
        assert_eq!(qr_status::message(qr_status::SCANNED), "二维码已扫码未确认");
        assert_eq!(qr_status::message(qr_status::EXPIRED), "二维码已失效");
        assert_eq!(qr_status::message(qr_status::CONFIRMED), "");
    }
}
