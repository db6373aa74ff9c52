//! The emoji catalogue, keyword rules and upload records in SQLite.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use super::Sqlite;
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::domain::Mid;
use crate::store::catalogue::{CatalogueStore, Upload};
use crate::store::StoreError;

#[async_trait]
impl CatalogueStore for Sqlite {
    async fn emotes(&self) -> Result<Vec<Emote>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT text, uri, size, gif_url FROM emotes ORDER BY text")?;
            let rows = stmt.query_map([], |r| {
                Ok(Emote {
                    text: r.get(0)?,
                    uri: r.get(1)?,
                    size: r.get(2)?,
                    gif_url: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn put_emote(&self, emote: Emote) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO emotes (text, uri, size, gif_url) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![emote.text, emote.uri, emote.size, emote.gif_url])?;
            Ok(())
        })
        .await
    }

    async fn delete_emote(&self, text: String) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Ok(conn
                .prepare_cached("DELETE FROM emotes WHERE text = ?1")?
                .execute([text])?
                > 0)
        })
        .await
    }

    async fn keyword_rules(&self) -> Result<Vec<KeywordRule>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT rule_id, keywords, toast FROM keyword_rules ORDER BY rule_id",
            )?;
            let rows = stmt.query_map([], |r| {
                // Keywords are kept as a JSON array of strings.
                let keywords: String = r.get(1)?;
                Ok(KeywordRule {
                    rule_id: r.get(0)?,
                    keywords: serde_json::from_str(&keywords).unwrap_or_default(),
                    toast: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn put_keyword_rule(&self, rule: KeywordRule) -> Result<(), StoreError> {
        self.write(move |conn| {
            let keywords = serde_json::Value::from(rule.keywords).to_string();
            conn.prepare_cached(
                "INSERT OR REPLACE INTO keyword_rules (rule_id, keywords, toast) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![rule.rule_id, keywords, rule.toast])?;
            Ok(())
        })
        .await
    }

    async fn delete_keyword_rule(&self, rule_id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            Ok(conn
                .prepare_cached("DELETE FROM keyword_rules WHERE rule_id = ?1")?
                .execute([rule_id])?
                > 0)
        })
        .await
    }

    async fn record_upload(&self, upload: Upload) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO uploads (name, owner, mime, width, height, bytes, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                upload.name,
                upload.owner.as_i64(),
                upload.mime,
                upload.width,
                upload.height,
                upload.bytes as i64,
                upload.created_at
            ])?;
            Ok(())
        })
        .await
    }

    async fn upload(&self, name: String) -> Result<Option<Upload>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT name, owner, mime, width, height, bytes, created_at
                     FROM uploads WHERE name = ?1",
                )?
                .query_row([name], |r| {
                    Ok(Upload {
                        name: r.get(0)?,
                        owner: Mid::from_i64(r.get(1)?),
                        mime: r.get(2)?,
                        width: r.get(3)?,
                        height: r.get(4)?,
                        bytes: r.get::<_, i64>(5)? as u64,
                        created_at: r.get(6)?,
                    })
                })
                .optional()?)
        })
        .await
    }
}
