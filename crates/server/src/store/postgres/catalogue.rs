//! The emoji catalogue, keyword rules and upload records in PostgreSQL.

use async_trait::async_trait;

use super::{execute, query, query_opt, Postgres};
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::domain::Mid;
use crate::store::catalogue::{CatalogueStore, Upload};
use crate::store::StoreError;

#[async_trait]
impl CatalogueStore for Postgres {
    async fn emotes(&self) -> Result<Vec<Emote>, StoreError> {
        let client = self.client().await?;
        let rows = query(
            &client,
            "SELECT text, uri, size, gif_url FROM emotes ORDER BY text COLLATE \"C\"",
            &[],
        )
        .await?;
        Ok(rows
            .iter()
            .map(|r| Emote {
                text: r.get(0),
                uri: r.get(1),
                size: r.get(2),
                gif_url: r.get(3),
            })
            .collect())
    }

    async fn put_emote(&self, emote: Emote) -> Result<(), StoreError> {
        let client = self.client().await?;
        execute(
            &client,
            "INSERT INTO emotes (text, uri, size, gif_url) VALUES ($1, $2, $3, $4)
             ON CONFLICT (text) DO UPDATE SET uri = excluded.uri, size = excluded.size,
                gif_url = excluded.gif_url",
            &[&emote.text, &emote.uri, &emote.size, &emote.gif_url],
        )
        .await?;
        Ok(())
    }

    async fn delete_emote(&self, text: String) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(execute(&client, "DELETE FROM emotes WHERE text = $1", &[&text]).await? > 0)
    }

    async fn keyword_rules(&self) -> Result<Vec<KeywordRule>, StoreError> {
        let client = self.client().await?;
        let rows = query(
            &client,
            "SELECT rule_id, keywords, toast FROM keyword_rules ORDER BY rule_id",
            &[],
        )
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                // Keywords are kept as a JSON array of strings.
                let keywords: String = r.get(1);
                KeywordRule {
                    rule_id: r.get(0),
                    keywords: serde_json::from_str(&keywords).unwrap_or_default(),
                    toast: r.get(2),
                }
            })
            .collect())
    }

    async fn put_keyword_rule(&self, rule: KeywordRule) -> Result<(), StoreError> {
        let client = self.client().await?;
        let keywords = serde_json::Value::from(rule.keywords).to_string();
        execute(
            &client,
            "INSERT INTO keyword_rules (rule_id, keywords, toast) VALUES ($1, $2, $3)
             ON CONFLICT (rule_id) DO UPDATE SET keywords = excluded.keywords,
                toast = excluded.toast",
            &[&rule.rule_id, &keywords, &rule.toast],
        )
        .await?;
        Ok(())
    }

    async fn delete_keyword_rule(&self, rule_id: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(execute(
            &client,
            "DELETE FROM keyword_rules WHERE rule_id = $1",
            &[&rule_id],
        )
        .await?
            > 0)
    }

    async fn record_upload(&self, upload: Upload) -> Result<(), StoreError> {
        let client = self.client().await?;
        execute(
            &client,
            "INSERT INTO uploads (name, owner, mime, width, height, bytes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
            &[
                &upload.name,
                &upload.owner.as_i64(),
                &upload.mime,
                &i64::from(upload.width),
                &i64::from(upload.height),
                &(upload.bytes as i64),
                &upload.created_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn upload(&self, name: String) -> Result<Option<Upload>, StoreError> {
        let client = self.client().await?;
        let row = query_opt(
            &client,
            "SELECT name, owner, mime, width, height, bytes, created_at
             FROM uploads WHERE name = $1",
            &[&name],
        )
        .await?;
        Ok(row.map(|r| Upload {
            name: r.get(0),
            owner: Mid::from_i64(r.get(1)),
            mime: r.get(2),
            width: r.get::<_, i64>(3).clamp(0, i64::from(u32::MAX)) as u32,
            height: r.get::<_, i64>(4).clamp(0, i64::from(u32::MAX)) as u32,
            bytes: r.get::<_, i64>(5).max(0) as u64,
            created_at: r.get(6),
        }))
    }
}
