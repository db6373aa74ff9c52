//! Links that expire: query strings in the shape of an S3 presigned URL
//! (AWS Signature Version 4, `X-Amz-*` parameters, the `host` header
//! signed), signed and checked with a key derived from the server's secret.
//!
//! The signature is SigV4's: HMAC-SHA256 over the canonical request
//! (method, URI-encoded path, sorted query, `host`, `UNSIGNED-PAYLOAD`),
//! with the signing key derived from the secret, the date, the region and
//! the service. Any change to the path, host or any parameter changes the
//! signature; a link is refused once `X-Amz-Date + X-Amz-Expires` has
//! passed. Time is a parameter: these are pure functions.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The region named in credentials (any name works; this one says whose).
pub const REGION: &str = "sixin";
const SERVICE: &str = "s3";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The longest validity S3 allows, in seconds (7 days).
pub const MAX_EXPIRES: u64 = 604_800;

/// The credentials links are signed with.
#[derive(Clone)]
pub struct LinkKey {
    /// Shown in `X-Amz-Credential`.
    pub access_key_id: String,
    secret: String,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkKey")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl LinkKey {
    /// The key derived from the server's secret: stable across restarts,
    /// and revealing nothing of the secret.
    pub fn derive(server_key: &[u8; 32]) -> LinkKey {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let id = hmac(server_key, b"sixin link access key id");
        LinkKey {
            access_key_id: id[..16]
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect(),
            secret: hex::encode(hmac(server_key, b"sixin link secret")),
        }
    }

    fn signature(&self, date: &str, string_to_sign: &str) -> String {
        let k_date = hmac(format!("AWS4{}", self.secret).as_bytes(), date.as_bytes());
        let k_region = hmac(&k_date, REGION.as_bytes());
        let k_service = hmac(&k_region, SERVICE.as_bytes());
        let k_signing = hmac(&k_service, b"aws4_request");
        hex::encode(hmac(&k_signing, string_to_sign.as_bytes()))
    }
}

/// Percent-encodes as SigV4 does: everything but `A-Za-z0-9-_.~`, and `/`
/// too unless `keep_slash`.
pub fn uri_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `YYYYMMDD'T'HHMMSS'Z'` of unix seconds.
pub fn amz_date(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Unix seconds of an `amz_date`.
fn parse_amz_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let secs = days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss;
    // Reject dates that do not exist (Feb 30): they do not round-trip.
    (amz_date(secs) == text).then_some(secs)
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The parameters of a link, in canonical (sorted) order, unencoded.
fn parameters(key: &LinkKey, date_time: &str, expires: u64) -> [(&'static str, String); 5] {
    [
        ("X-Amz-Algorithm", ALGORITHM.to_owned()),
        (
            "X-Amz-Credential",
            format!(
                "{}/{}/{REGION}/{SERVICE}/aws4_request",
                key.access_key_id,
                &date_time[..8]
            ),
        ),
        ("X-Amz-Date", date_time.to_owned()),
        ("X-Amz-Expires", expires.to_string()),
        ("X-Amz-SignedHeaders", "host".to_owned()),
    ]
}

fn encode_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", uri_encode(k, false), uri_encode(v, false)))
        .collect::<Vec<_>>()
        .join("&")
}

fn sign(key: &LinkKey, host: &str, path: &str, date_time: &str, canonical_query: &str) -> String {
    let canonical_request = format!(
        "GET\n{}\n{canonical_query}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD",
        uri_encode(path, true)
    );
    let scope = format!("{}/{REGION}/{SERVICE}/aws4_request", &date_time[..8]);
    let string_to_sign = format!(
        "{ALGORITHM}\n{date_time}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    key.signature(&date_time[..8], &string_to_sign)
}

/// The query string that lets anyone `GET` `path` on `host` for `expires`
/// seconds from `now_secs`.
pub fn presign(key: &LinkKey, host: &str, path: &str, now_secs: i64, expires: u64) -> String {
    let date_time = amz_date(now_secs);
    let query = encode_query(&parameters(key, &date_time, expires));
    let signature = sign(key, host, path, &date_time, &query);
    format!("{query}&X-Amz-Signature={signature}")
}

/// Why a link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// A parameter is missing, repeated, unknown or malformed, or the
    /// signature does not match.
    Invalid,
    /// The link was genuine but its time is over (or not yet come).
    Expired,
}

/// Checks a request for `path` on `host` with the raw `query` at `now_secs`.
pub fn verify(
    key: &LinkKey,
    host: &str,
    path: &str,
    query: &str,
    now_secs: i64,
) -> Result<(), LinkRefusal> {
    let mut found: [Option<String>; 6] = Default::default();
    const NAMES: [&str; 6] = [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    ];
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let at = NAMES
            .iter()
            .position(|n| *n == name)
            .ok_or(LinkRefusal::Invalid)?;
        if found[at].replace(value.into_owned()).is_some() {
            return Err(LinkRefusal::Invalid);
        }
    }
    let [Some(_), Some(_), Some(date_time), Some(expires), Some(_), Some(signature)] = &found
    else {
        return Err(LinkRefusal::Invalid);
    };
    let issued = parse_amz_date(date_time).ok_or(LinkRefusal::Invalid)?;
    let expires: u64 = match expires.parse() {
        Ok(n) if (1..=MAX_EXPIRES).contains(&n) && !expires.starts_with('0') => n,
        _ => return Err(LinkRefusal::Invalid),
    };
    let expected = parameters(key, date_time, expires);
    let given = found[..5].iter().flatten();
    if !expected.iter().zip(given).all(|((_, e), g)| e == g) {
        return Err(LinkRefusal::Invalid);
    }
    let wanted = sign(key, host, path, date_time, &encode_query(&expected));
    if !bool::from(wanted.as_bytes().ct_eq(signature.as_bytes())) {
        return Err(LinkRefusal::Invalid);
    }
    let skew = 900;
    if now_secs >= issued + expires as i64 || now_secs < issued - skew {
        return Err(LinkRefusal::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LinkKey {
        LinkKey::derive(&[7; 32])
    }

    #[test]
    fn dates_are_written_as_amz_dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        // The documents' example link.
        assert_eq!(amz_date(1_722_686_087), "20240803T115447Z");
        assert_eq!(parse_amz_date("20240803T115447Z"), Some(1_722_686_087));
        assert_eq!(parse_amz_date("20240230T000000Z"), None);
        assert_eq!(parse_amz_date("2024-08-03T11:54"), None);
        for t in [0, 951_782_400, 1_709_164_800, 4_102_444_799] {
            assert_eq!(parse_amz_date(&amz_date(t)), Some(t));
        }
    }

    #[test]
    fn the_signature_is_aws_sigv4() {
        // AWS's documented presigned GET example ("Authenticating Requests:
        // Using Query Parameters"), with its published signature.
        let key = LinkKey {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        };
        let date_time = "20130524T000000Z";
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256\
            &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
            &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host";
        let canonical_request = format!(
            "GET\n/test.txt\n{query}\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
        );
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{date_time}\n20130524/us-east-1/s3/aws4_request\n{}",
            hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        let k_date = hmac(format!("AWS4{}", key.secret).as_bytes(), b"20130524");
        let k_signing = hmac(&hmac(&hmac(&k_date, b"us-east-1"), b"s3"), b"aws4_request");
        assert_eq!(
            hex::encode(hmac(&k_signing, string_to_sign.as_bytes())),
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn links_look_like_the_documents_example() {
        let query = presign(
            &key(),
            "h:1",
            "/customer-video-upload/a.xcf",
            1_722_686_087,
            900,
        );
        let names: Vec<String> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-Expires",
                "X-Amz-SignedHeaders",
                "X-Amz-Signature"
            ]
        );
        assert!(query.contains(&format!(
            "X-Amz-Credential={}%2F20240803%2Fsixin%2Fs3%2Faws4_request",
            key().access_key_id
        )));
        assert!(query.contains("&X-Amz-Date=20240803T115447Z&X-Amz-Expires=900&"));
        assert_eq!(key().access_key_id.len(), 16);
    }

    #[test]
    fn a_link_holds_until_it_expires() {
        let path = "/customer-video-upload/a.xcf";
        let query = presign(&key(), "h:1", path, 1000, 900);
        assert_eq!(verify(&key(), "h:1", path, &query, 1000), Ok(()));
        assert_eq!(verify(&key(), "h:1", path, &query, 1899), Ok(()));
        assert_eq!(
            verify(&key(), "h:1", path, &query, 1900),
            Err(LinkRefusal::Expired)
        );
    }

    #[test]
    fn any_change_breaks_a_link() {
        let path = "/customer-video-upload/a.xcf";
        let query = presign(&key(), "h:1", path, 1000, 900);
        let other_key = LinkKey::derive(&[8; 32]);
        assert_eq!(
            verify(&other_key, "h:1", path, &query, 1000),
            Err(LinkRefusal::Invalid)
        );
        assert!(verify(&key(), "h:2", path, &query, 1000).is_err());
        assert!(verify(&key(), "h:1", "/customer-video-upload/b.xcf", &query, 1000).is_err());
        let longer = query.replace("X-Amz-Expires=900", "X-Amz-Expires=9000");
        assert!(verify(&key(), "h:1", path, &longer, 1000).is_err());
        let extra = format!("{query}&x=1");
        assert!(verify(&key(), "h:1", path, &extra, 1000).is_err());
        let twice = format!("{query}&X-Amz-Expires=900");
        assert!(verify(&key(), "h:1", path, &twice, 1000).is_err());
        // Flipping each character of the query in turn.
        for at in 0..query.len() {
            let mut bytes = query.clone().into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).unwrap();
            if changed != query {
                assert!(
                    verify(&key(), "h:1", path, &changed, 1000).is_err(),
                    "changed at {at}: {changed}"
                );
            }
        }
    }
}
