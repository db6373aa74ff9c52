//! Who a request comes from: the peer of the connection, or, when that peer
//! is a reverse proxy the operator trusts, the address the proxy says it
//! forwarded for (`X-Forwarded-For`). The header is never believed from
//! anyone else, or anyone could pick the address they are throttled under.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// An address range: an address and a prefix length (`10.0.0.0/8`,
/// `::1/128`), or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrRange {
    addr: IpAddr,
    prefix: u8,
}

impl AddrRange {
    /// Whether `addr` is in the range (IPv4 mapped into IPv6 counts as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.addr, canonical(addr)) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for AddrRange {
    type Err = String;

    fn from_str(text: &str) -> Result<AddrRange, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = canonical(
            addr.parse::<IpAddr>()
                .map_err(|_| format!("{text:?} is not an address or address/prefix"))?,
        );
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?}: the prefix must be 0 to {max}"))?,
            None => max,
        };
        Ok(AddrRange { addr, prefix })
    }
}

impl fmt::Display for AddrRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// The client's address: `peer`, unless `peer` is one of `trusted`; then
/// the right-most address of the `X-Forwarded-For` values (in header
/// order) that is not itself a trusted proxy. A header that cannot be read
/// leaves the peer (the proxy) as the client, so a broken chain never
/// lets a client choose its address.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[AddrRange],
) -> IpAddr {
    let is_trusted = |addr: IpAddr| trusted.iter().any(|range| range.contains(addr));
    if !is_trusted(peer) {
        return canonical(peer);
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .collect();
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(addr) if is_trusted(addr) => continue,
            Some(addr) => return addr,
            None => return canonical(peer),
        }
    }
    canonical(peer)
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(addr) = hop.parse::<IpAddr>() {
        return Some(canonical(addr));
    }
    if let Ok(sock) = hop.parse::<std::net::SocketAddr>() {
        return Some(canonical(sock.ip()));
    }
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse().ok())
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn ranges(texts: &[&str]) -> Vec<AddrRange> {
        texts.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn ranges_parse_and_match() {
        let net: AddrRange = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")));
        let one: AddrRange = "::1".parse().unwrap();
        assert!(one.contains(ip("::1")));
        assert!(!one.contains(ip("::2")));
        let all: AddrRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")));
        assert!("10.0.0.0/33".parse::<AddrRange>().is_err());
        assert!("proxy".parse::<AddrRange>().is_err());
        assert_eq!(net.to_string(), "10.1.0.0/16");
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let trusted = ranges(&["127.0.0.1", "10.0.0.0/8"]);
        // Not a proxy: the header is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), ["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // A proxy: the right-most untrusted hop; what a client wrote on
        // the left is ignored.
        assert_eq!(
            client_address(
                ip("127.0.0.1"),
                ["1.2.3.4, 198.51.100.1", "10.0.0.5"],
                &trusted
            ),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), ["[2001:db8::1]:443"], &trusted),
            ip("2001:db8::1")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(
            client_address(ip("127.0.0.1"), [], &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), ["1.2.3.4, junk"], &trusted),
            ip("127.0.0.1")
        );
        // Nobody trusted: the peer.
        assert_eq!(
            client_address(ip("127.0.0.1"), ["1.2.3.4"], &[]),
            ip("127.0.0.1")
        );
    }
}
