//! What web clients fetch on start-up before any API call: browser ids
//! (`GET /x/frontend/finger/spi`, then their activation at
//! `POST /x/internal/gaia-gateway/ExClimbWuzhi`) and a web ticket
//! (`POST /bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket`). Each has an
//! envelope of its own shape, spelled out here.

use serde::{Deserialize, Serialize};

/// The whole answer of `GET /x/frontend/finger/spi`: `{code, data, message}`
/// (no `ttl`), `message` "ok".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpiAnswer {
    pub code: i64,
    pub data: Spi,
    pub message: String,
}

/// `data` of `GET /x/frontend/finger/spi`: the `buvid3` and `buvid4` cookies
/// the client stores and sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spi {
    pub b_3: String,
    pub b_4: String,
}

/// `POST /bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket`; clients put
/// the parameters in the query string. `hexsign` is an HMAC of `ts` and
/// the timestamp under a key built into Bilibili's web page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GenWebTicketQuery {
    #[serde(default)]
    pub key_id: String,
    #[serde(default)]
    pub hexsign: String,
    #[serde(
        rename = "context[ts]",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ts: Option<i64>,
    /// The session's `bili_jct`, or empty; not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
}

/// The whole answer of `GenWebTicket`: `{code, message, data, ttl}` in that
/// order, `message` "OK".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebTicketAnswer {
    pub code: i64,
    pub message: String,
    pub data: WebTicket,
    pub ttl: i64,
}

/// `data` of `GenWebTicket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebTicket {
    /// A JWT the client sends back as the `bili_ticket` cookie.
    pub ticket: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Seconds the ticket is valid: 259200 (3 days).
    pub ttl: i64,
    /// Always `{}`.
    pub context: serde_json::Map<String, serde_json::Value>,
    /// The WBI key images, the same as `nav`'s `wbi_img`.
    pub nav: TicketNav,
}

/// `data.nav` of `GenWebTicket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketNav {
    /// `nav`'s `wbi_img.img_url`.
    pub img: String,
    /// `nav`'s `wbi_img.sub_url`.
    pub sub: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_has_its_documented_wire_names() {
        let query = GenWebTicketQuery {
            key_id: "ec02".into(),
            hexsign: "ab".into(),
            ts: Some(1700000000),
            csrf: Some(String::new()),
        };
        assert_eq!(
            serde_urlencoded::to_string(&query).unwrap(),
            "key_id=ec02&hexsign=ab&context%5Bts%5D=1700000000&csrf="
        );
    }
}
