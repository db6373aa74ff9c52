//! Deserialising request parameters, which are all text, into the types of
//! the `api` crate's request structs, with errors that say what a parameter
//! must be (`must be a non-negative integer`, `is required`), so that a
//! `-400` names the offending parameter and why.

use std::collections::BTreeMap;
use std::fmt;
use std::num::{IntErrorKind, ParseIntError};
use std::str::FromStr;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// Why a parameter could not be read, phrased to follow its name.
#[derive(Debug, PartialEq, Eq)]
pub struct ParamError(pub String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl de::Error for ParamError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ParamError(msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        ParamError(format!("{field} is required"))
    }

    fn invalid_type(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        ParamError(format!("must be {expected}"))
    }

    fn invalid_value(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        ParamError(format!("must be {expected}"))
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        ParamError(format!("must be one of {}", expected.join(", ")))
    }

    fn duplicate_field(field: &'static str) -> Self {
        ParamError(format!("{field} is given twice"))
    }
}

/// Deserialises named parameters into `T`. The error names the parameter
/// (`vmid must be a non-negative integer`) unless it concerns the whole set
/// (`fid is required`).
pub fn from_params<T: DeserializeOwned>(params: BTreeMap<String, String>) -> Result<T, String> {
    let map = de::value::MapDeserializer::<_, ParamError>::new(
        params.into_iter().map(|(name, value)| (name, Text(value))),
    );
    serde_path_to_error::deserialize(map).map_err(|err| {
        let path = err.path().to_string();
        let why = err.into_inner().0;
        if path == "." {
            why
        } else {
            format!("{path} {why}")
        }
    })
}

/// One parameter's text.
struct Text(String);

impl<'de> IntoDeserializer<'de, ParamError> for Text {
    type Deserializer = Text;

    fn into_deserializer(self) -> Text {
        self
    }
}

fn unsigned<T: FromStr<Err = ParseIntError>>(text: &str) -> Result<T, ParamError> {
    text.trim()
        .parse()
        .map_err(|e: ParseIntError| match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                ParamError("is out of range".into())
            }
            _ => ParamError("must be a non-negative integer".into()),
        })
}

fn signed<T: FromStr<Err = ParseIntError>>(text: &str) -> Result<T, ParamError> {
    text.trim()
        .parse()
        .map_err(|e: ParseIntError| match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                ParamError("is out of range".into())
            }
            _ => ParamError("must be an integer".into()),
        })
}

fn float<T: FromStr>(text: &str) -> Result<T, ParamError> {
    text.trim()
        .parse()
        .map_err(|_| ParamError("must be a number".into()))
}

impl<'de> de::Deserializer<'de> for Text {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_string(self.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        match self.0.trim() {
            "true" | "1" => visitor.visit_bool(true),
            "false" | "0" => visitor.visit_bool(false),
            _ => Err(ParamError("must be true or false".into())),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_u8(unsigned(&self.0)?)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_u16(unsigned(&self.0)?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_u32(unsigned(&self.0)?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_u64(unsigned(&self.0)?)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_i8(signed(&self.0)?)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_i16(signed(&self.0)?)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_i32(signed(&self.0)?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_i64(signed(&self.0)?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_f32(float(&self.0)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_f64(float(&self.0)?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    forward_to_deserialize_any! {
        char str string bytes byte_buf unit_struct seq tuple tuple_struct map
        struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Form {
        vmid: u64,
        #[serde(default)]
        order: Option<i32>,
        #[serde(default)]
        flag: Option<bool>,
        #[serde(rename = "msg[content]", default)]
        content: Option<String>,
        #[serde(default)]
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Asc,
        Desc,
    }

    fn read(pairs: &[(&str, &str)]) -> Result<Form, String> {
        from_params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn text_becomes_the_field_types() {
        let form = read(&[
            ("vmid", " 7 "),
            ("order", "-3"),
            ("flag", "1"),
            ("msg[content]", "{\"content\":\"1\"}"),
            ("kind", "desc"),
            ("w_rid", "ignored"),
        ])
        .unwrap();
        assert_eq!(
            form,
            Form {
                vmid: 7,
                order: Some(-3),
                flag: Some(true),
                content: Some("{\"content\":\"1\"}".into()),
                kind: Some(Kind::Desc),
            }
        );
    }

    #[test]
    fn errors_name_the_parameter_and_say_what_it_must_be() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], "vmid is required"),
            (&[("vmid", "abc")], "vmid must be a non-negative integer"),
            (&[("vmid", "-1")], "vmid must be a non-negative integer"),
            (&[("vmid", "99999999999999999999")], "vmid is out of range"),
            (&[("vmid", "1"), ("order", "x")], "order must be an integer"),
            (
                &[("vmid", "1"), ("flag", "yes")],
                "flag must be true or false",
            ),
            (
                &[("vmid", "1"), ("kind", "up")],
                "kind must be one of asc, desc",
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(read(pairs).unwrap_err(), *expected, "{pairs:?}");
        }
    }
}
