//! Helpers for request forms and query strings: comma-separated lists and
//! user ids as clients write them.
//!
//! Forms and query strings carry every value as text. The request types of
//! each family (`message::request`, `relation::request`, ...) are plain serde
//! structs with the exact wire names; the server decodes them, the typed
//! client encodes them. `csrf` / `csrf_token` are not part of them: they
//! authenticate the request rather than describe it, and the client adds them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A comma-separated list (`fids=1,2,3`, `tagids=-10,207542`). Elements are
/// trimmed and empty ones skipped; an empty list or an element that does not
/// parse is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommaList<T>(pub Vec<T>);

impl<T> CommaList<T> {
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T> From<Vec<T>> for CommaList<T> {
    fn from(items: Vec<T>) -> Self {
        CommaList(items)
    }
}

impl<T: fmt::Display> Serialize for CommaList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self
            .0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        serializer.serialize_str(&text)
    }
}

impl<'de, T: FromStr> Deserialize<'de> for CommaList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let items = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<T>())
            .collect::<Result<Vec<T>, _>>()
            .map_err(|_| serde::de::Error::custom("must be a comma-separated list of ids"))?;
        if items.is_empty() {
            return Err(serde::de::Error::custom("must name at least one id"));
        }
        Ok(CommaList(items))
    }
}

/// Reads a user id (`fid`, `vmid`, `mid`, `uid`, `talker_uid`) from a number
/// or from text with surrounding spaces, as clients write them. Whether the
/// id is valid (not 0) is for the server to decide.
pub fn user_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[serde(untagged)]
    enum Raw {
        Number(u64),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Number(n) => Ok(n),
        Raw::Text(t) => t
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("must be a user mid")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lists_round_trip_and_reject_garbage() {
        let list: CommaList<i64> = serde_json::from_str(r#""-10, 207542,""#).unwrap();
        assert_eq!(list.0, vec![-10, 207542]);
        assert_eq!(serde_json::to_string(&list).unwrap(), r#""-10,207542""#);
        assert!(serde_json::from_str::<CommaList<i64>>(r#""1,x""#).is_err());
        assert!(serde_json::from_str::<CommaList<i64>>(r#"",""#).is_err());
    }

    #[test]
    fn user_ids_come_as_numbers_or_padded_text() {
        #[derive(Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        struct Q {
            #[serde(deserialize_with = "user_id")]
            fid: u64,
        }
        let q: Q = serde_json::from_str(r#"{"fid":" 7 "}"#).unwrap();
        assert_eq!(q.fid, 7);
        let q: Q = serde_json::from_str(r#"{"fid":7}"#).unwrap();
        assert_eq!(q.fid, 7);
        assert!(serde_json::from_str::<Q>(r#"{"fid":"x"}"#).is_err());
    }
}
