//! The client's address, for the throttles: the connection's peer, or what
//! a trusted reverse proxy says in `X-Forwarded-For`
//! (`--trusted-proxies`; rules in `domain::client`).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::state::AppState;
use crate::domain::client::client_address;

/// Who sent the request. Without connection information (a router driven
/// directly, as in some tests) the peer counts as `0.0.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientAddr(client_address(
            peer,
            forwarded,
            &state.config.guard.trusted_proxies,
        )))
    }
}
