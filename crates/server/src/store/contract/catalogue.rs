//! Pins `CatalogueStore`: emoji and keyword rules are added, replaced,
//! listed in order and removed (reporting whether there was one); upload
//! records read back and keep the first of two. A backend may start with
//! a built-in catalogue, so the cases only look at entries they made.

use std::sync::Arc;

use super::helpers::{mid, T0};
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::store::catalogue::Upload;
use crate::store::Store;

fn emote(text: &str, uri: &str) -> Emote {
    Emote {
        text: text.into(),
        uri: uri.into(),
        size: 1,
        gif_url: None,
    }
}

/// The entries the case made, in the order listed.
async fn ours(store: &Arc<dyn Store>) -> Vec<Emote> {
    let all = store.emotes().await.unwrap();
    all.into_iter()
        .filter(|e| e.text.starts_with("[contract_"))
        .collect()
}

pub(crate) async fn emotes_are_put_replaced_and_deleted(store: Arc<dyn Store>) {
    let big = Emote {
        size: 2,
        gif_url: Some("https://example.com/b.gif".into()),
        ..emote("[contract_b]", "https://example.com/b.png")
    };
    store.put_emote(big.clone()).await.unwrap();
    store
        .put_emote(emote("[contract_a]", "/bfs/emote/a.png"))
        .await
        .unwrap();
    assert_eq!(
        ours(&store).await,
        vec![emote("[contract_a]", "/bfs/emote/a.png"), big.clone()],
        "by text"
    );

    let replaced = emote("[contract_a]", "/bfs/emote/a2.png");
    store.put_emote(replaced.clone()).await.unwrap();
    assert_eq!(ours(&store).await, vec![replaced, big.clone()]);

    assert!(store.delete_emote("[contract_a]".into()).await.unwrap());
    assert!(!store.delete_emote("[contract_a]".into()).await.unwrap());
    assert_eq!(ours(&store).await, vec![big]);
}

pub(crate) async fn keyword_rules_are_put_replaced_and_deleted(store: Arc<dyn Store>) {
    let rule = |rule_id, keywords: &[&str], toast: &str| KeywordRule {
        rule_id,
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        toast: toast.into(),
    };
    let ours = |rules: Vec<KeywordRule>| -> Vec<KeywordRule> {
        let ids: Vec<i64> = rules.iter().map(|r| r.rule_id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "by id: {ids:?}");
        rules.into_iter().filter(|r| r.rule_id >= 9000).collect()
    };
    let later = rule(9002, &["转账", "汇款"], "小心诈骗");
    let earlier = rule(9001, &[], "empty");
    store.put_keyword_rule(later.clone()).await.unwrap();
    store.put_keyword_rule(earlier.clone()).await.unwrap();
    assert_eq!(
        ours(store.keyword_rules().await.unwrap()),
        vec![earlier.clone(), later.clone()]
    );
    let replaced = rule(9001, &["a \"quoted\" word"], "changed");
    store.put_keyword_rule(replaced.clone()).await.unwrap();
    assert_eq!(
        ours(store.keyword_rules().await.unwrap()),
        vec![replaced, later.clone()]
    );
    assert!(store.delete_keyword_rule(9001).await.unwrap());
    assert!(!store.delete_keyword_rule(9001).await.unwrap());
    assert_eq!(ours(store.keyword_rules().await.unwrap()), vec![later]);
}

pub(crate) async fn uploads_are_recorded_once(store: Arc<dyn Store>) {
    let name = format!("{}.png", "ab".repeat(32));
    let first = Upload {
        name: name.clone(),
        owner: mid(1),
        mime: "image/png".into(),
        width: 640,
        height: 480,
        bytes: 12_345,
        created_at: T0,
    };
    assert_eq!(store.upload(name.clone()).await.unwrap(), None);
    store.record_upload(first.clone()).await.unwrap();
    assert_eq!(
        store.upload(name.clone()).await.unwrap(),
        Some(first.clone())
    );
    let second = Upload {
        owner: mid(2),
        created_at: T0 + 60,
        ..first.clone()
    };
    store.record_upload(second).await.unwrap();
    assert_eq!(
        store.upload(name).await.unwrap(),
        Some(first),
        "recording twice keeps the first"
    );
    assert_eq!(store.upload("other.png".into()).await.unwrap(), None);
}
