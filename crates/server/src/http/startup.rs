//! What web clients fetch on start-up, before any API call: browser ids
//! and their activation, and a web ticket. Each answers in the live
//! service's own envelope. sixin hands out fresh values and never requires
//! any of them back.

use crate::http::reply::Json;
use axum::extract::{Request, State};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use sixin_api::frontend::{
    GenWebTicketQuery, Spi, SpiAnswer, TicketNav, WebTicket, WebTicketAnswer,
};
use sixin_api::Code;

use super::assets::wbi_img;
use super::error::Shape;
use super::extract::Params;
use super::routes::{Data, Doc, Routes};
use super::state::AppState;
use crate::error::Error;
use crate::secrets::random_hex;

/// How long a web ticket is valid, in seconds (3 days, as the live ones).
const TICKET_TTL_SECS: i64 = 259_200;

pub fn router() -> Routes {
    Routes::new(Shape::Plain)
        .get(
            "/x/frontend/finger/spi",
            get_spi,
            Doc::new("Browser ids (buvid3 as b_3, buvid4 as b_4)").own_json::<SpiAnswer>(),
        )
        .post(
            "/x/internal/gaia-gateway/ExClimbWuzhi",
            activate_buvid,
            Doc::new("Activate a browser id (any body; always succeeds)")
                .data_is(Data::EmptyObject),
        )
        .post(
            "/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket",
            gen_web_ticket,
            Doc::new("A web ticket (bili_ticket) and the WBI key images")
                .query::<GenWebTicketQuery>()
                .own_json::<WebTicketAnswer>()
                .codes(&[Code::TicketParams]),
        )
}

/// A random browser id in Bilibili's shape: 8-4-4-4-12 upper-case hex
/// characters, then `suffix`.
fn buvid(suffix: &str) -> String {
    let hex = random_hex(16).to_uppercase();
    format!(
        "{}-{}-{}-{}-{}{suffix}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// GET /x/frontend/finger/spi
///
/// Browser fingerprint cookies (`buvid3`, `buvid4`) that clients fetch
/// before anything else and then send back; `{code, data, message}` with
/// `message` "ok" and no `ttl`.
async fn get_spi() -> Json<SpiAnswer> {
    Json(SpiAnswer {
        code: 0,
        data: Spi {
            b_3: buvid("infoc"),
            b_4: buvid("-023112300-infoc"),
        },
        message: "ok".into(),
    })
}

/// POST /x/internal/gaia-gateway/ExClimbWuzhi
///
/// Web clients "activate" the ids from `spi` by posting a browser
/// fingerprint (JSON `{"payload": "..."}`) here. sixin has no risk control
/// to feed: it accepts any body and answers success in the
/// `api.bilibili.com` envelope, the shape the live gateway's answers have.
async fn activate_buvid() -> Json<serde_json::Value> {
    Json(json!({"code": 0, "message": "0", "ttl": 1, "data": {}}))
}

/// POST /bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket
///
/// A `bili_ticket` (an HS256 JWT, here signed with a key derived from the
/// server key) valid for 3 days, and the WBI key images `nav` gives. The
/// parameters come in the query string (or the body): `key_id`, `hexsign`
/// and `context[ts]` are required (code 400 参数错误 otherwise, the
/// documented code); `hexsign` is not verified and `csrf` is not checked.
async fn gen_web_ticket(
    State(state): State<AppState>,
    request: Request,
) -> Result<Json<WebTicketAnswer>, Error> {
    let (parts, body) = request.into_parts();
    let params: GenWebTicketQuery = match Params::from_request(&parts, body).await {
        Ok(params) => params.parse(),
        Err(err) => Err(err),
    }
    .map_err(|_| Error::from(Code::TicketParams))?;
    if params.key_id.is_empty() || params.hexsign.is_empty() || params.ts.is_none() {
        return Err(Code::TicketParams.into());
    }
    let now = state.services.accounts.now_secs();
    let wbi = wbi_img(&state);
    Ok(Json(WebTicketAnswer {
        code: 0,
        message: "OK".into(),
        data: WebTicket {
            ticket: web_ticket(&state.secrets.server_key, now),
            created_at: now,
            ttl: TICKET_TTL_SECS,
            context: serde_json::Map::new(),
            nav: TicketNav {
                img: wbi.img_url,
                sub: wbi.sub_url,
            },
        },
        ttl: 1,
    }))
}

/// A JWT shaped as the live tickets: header `{"alg":"HS256","kid":"s03",
/// "typ":"JWT"}`, claims `{"exp","iat","plt":-1}`.
fn web_ticket(server_key: &[u8; 32], now: i64) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","kid":"s03","typ":"JWT"}"#);
    let claims = json!({"exp": now + TICKET_TTL_SECS, "iat": now, "plt": -1});
    let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signed = format!("{header}.{claims}");
    let mut key = Hmac::<Sha256>::new_from_slice(server_key).expect("any key length");
    key.update(b"bili_ticket\0");
    let key = key.finalize().into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(signed.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signed}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_ids_have_bilibilis_shape() {
        let id = buvid("infoc");
        assert_eq!(id.len(), 36 + 5);
        assert!(id.ends_with("infoc"));
        let parts: Vec<usize> = id[..36].split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
    }

    #[test]
    fn tickets_are_jwts_with_the_live_claims() {
        let ticket = web_ticket(&[7; 32], 1_700_000_000);
        let parts: Vec<&str> = ticket.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims = URL_SAFE_NO_PAD.decode(parts[1]).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&claims).unwrap();
        assert_eq!(
            claims,
            json!({"exp": 1_700_259_200i64, "iat": 1_700_000_000i64, "plt": -1})
        );
        assert_eq!(
            ticket,
            web_ticket(&[7; 32], 1_700_000_000),
            "the same key and time"
        );
        assert_ne!(ticket, web_ticket(&[8; 32], 1_700_000_000));
    }
}
