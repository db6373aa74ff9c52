//! Where `sixin serve` listens: `--listen host:port`, a name or an IP address.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// Where to listen: a host (an IP address or a name) and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    /// The host as given, without the brackets of an IPv6 address.
    pub host: String,
    pub port: u16,
}

impl Listen {
    /// The host as an IP address, when it is one (not a name).
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

impl FromStr for Listen {
    type Err = String;

    fn from_str(text: &str) -> Result<Listen, String> {
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(addr.into());
        }
        let (host, port) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("`{text}`: give host:port, e.g. localhost:8080"))?;
        let port = port
            .parse()
            .map_err(|_| format!("`{text}`: `{port}` is not a port number"))?;
        let valid_name = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !valid_name {
            return Err(format!(
                "`{text}`: `{host}` is neither an IP address nor a host name (IPv6 addresses go in brackets: [::1]:8080)"
            ));
        }
        Ok(Listen {
            host: host.to_owned(),
            port,
        })
    }
}

impl From<SocketAddr> for Listen {
    fn from(addr: SocketAddr) -> Listen {
        Listen {
            host: addr.ip().to_string(),
            port: addr.port(),
        }
    }
}

impl fmt::Display for Listen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ip() {
            Some(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.port),
            _ => write!(f, "{}:{}", self.host, self.port),
        }
    }
}
