//! Rows as both backends read them, and the checksum over them.
//!
//! Each side reads a table into [`Value`]s of the column's [`Kind`]
//! (strictly: a SQLite value that does not fit its kind is an error, never
//! silently converted), and both sides' rows go through the same
//! [`Checksum`]: SHA-256 over one canonical line per row, in primary-key
//! order. Equal checksums mean equal rows in equal order.
//!
//! [`Kind`]: super::tables::Kind

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One value of a column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
    Ints(Vec<i64>),
}

/// One row: a value per column, in the table's column order.
pub type Row = Vec<Value>;

impl Value {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn as_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }

    /// A list of integers as the text of a PostgreSQL array, `{1,2,3}`.
    pub fn as_array_text(&self) -> Option<String> {
        match self {
            Value::Ints(list) => {
                let items: Vec<String> = list.iter().map(i64::to_string).collect();
                Some(format!("{{{}}}", items.join(",")))
            }
            _ => None,
        }
    }

    /// The canonical text of the value, appended to `out`.
    fn canonical(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Value::Null => out.push_str("null"),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Text(s) => {
                // JSON string syntax: unambiguous whatever the text holds.
                out.push_str(&serde_json::Value::from(s.as_str()).to_string());
            }
            Value::Bytes(b) => {
                out.push_str("x'");
                out.push_str(&hex::encode(b));
                out.push('\'');
            }
            Value::Ints(list) => {
                out.push('[');
                for (i, n) in list.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{n}");
                }
                out.push(']');
            }
        }
    }
}

/// A primary key as recorded in the target's progress (JSON).
pub fn encode_key(key: &[Value]) -> String {
    serde_json::to_string(key).unwrap_or_default()
}

/// A primary key recorded by [`encode_key`].
pub fn decode_key(text: &str) -> Option<Vec<Value>> {
    serde_json::from_str(text).ok()
}

/// The count and SHA-256 of a table's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    pub rows: u64,
    pub sha256: String,
}

/// Accumulates [`Sum`]: feed it every row in primary-key order.
#[derive(Default)]
pub struct Checksum {
    hasher: Sha256,
    rows: u64,
    line: String,
}

impl Checksum {
    pub fn add(&mut self, row: &[Value]) {
        self.line.clear();
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                self.line.push('\t');
            }
            value.canonical(&mut self.line);
        }
        self.line.push('\n');
        self.hasher.update(self.line.as_bytes());
        self.rows += 1;
    }

    pub fn finish(self) -> Sum {
        Sum {
            rows: self.rows,
            sha256: hex::encode(self.hasher.finalize()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(rows: &[Row]) -> Sum {
        let mut checksum = Checksum::default();
        for row in rows {
            checksum.add(row);
        }
        checksum.finish()
    }

    #[test]
    fn the_checksum_sees_every_value_its_kind_and_the_order() {
        let a = vec![Value::Int(1), Value::Text("a\tb".into())];
        let b = vec![Value::Int(2), Value::Null];
        let base = sum(&[a.clone(), b.clone()]);
        assert_eq!(base.rows, 2);
        assert_eq!(base, sum(&[a.clone(), b.clone()]));
        assert_ne!(base, sum(&[b.clone(), a.clone()]), "order counts");
        assert_ne!(base, sum(std::slice::from_ref(&a)), "rows count");
        // Tabs inside text cannot fake a column boundary, nor text a null.
        let split = vec![
            Value::Int(1),
            Value::Text("a".into()),
            Value::Text("b".into()),
        ];
        assert_ne!(base, sum(&[split, b.clone()]));
        let text_null = vec![Value::Int(2), Value::Text("null".into())];
        assert_ne!(base, sum(&[a.clone(), text_null]));
        // A boolean is not the integer 1, bytes are not their text.
        assert_ne!(sum(&[vec![Value::Bool(true)]]), sum(&[vec![Value::Int(1)]]));
        assert_ne!(
            sum(&[vec![Value::Bytes(b"ab".to_vec())]]),
            sum(&[vec![Value::Text("ab".into())]])
        );
        assert_ne!(
            sum(&[vec![Value::Ints(vec![1, 2])]]),
            sum(&[vec![Value::Ints(vec![12])]])
        );
    }

    #[test]
    fn keys_round_trip_through_their_record() {
        let key = vec![
            Value::Int(-5),
            Value::Bytes(vec![0, 255]),
            Value::Text("名".into()),
        ];
        assert_eq!(decode_key(&encode_key(&key)), Some(key));
        assert_eq!(decode_key("not json"), None);
    }
}
