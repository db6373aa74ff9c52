//! Emoji in message text: old names rewritten to new ones, `[name]` tokens
//! found, catalogue entries picked, keyword rules matched
//! (`domain::message::emote`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sixin_server::domain::message::emote::{
    convert_old_emotes, emote_tokens, emotes_in, keyword_hit, Emote, KeywordRule,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let converted = convert_old_emotes(text);
    assert!(!converted.contains("[doge]"), "old names are gone");
    let tokens = emote_tokens(&converted);
    for token in &tokens {
        assert!(token.starts_with('[') && token.ends_with(']') && token.len() > 2);
    }
    let catalogue = [
        Emote {
            text: "[tv_doge]".into(),
            uri: "/bfs/emote/e25.png".into(),
            size: 1,
            gif_url: None,
        },
        Emote {
            text: "[妙啊]".into(),
            uri: "/bfs/emote/e04.png".into(),
            size: 2,
            gif_url: Some("/bfs/emote/e04.gif".into()),
        },
    ];
    let found = emotes_in([converted.as_str(), text], &catalogue);
    assert!(found.len() <= catalogue.len());
    let rules = [KeywordRule {
        rule_id: 2,
        keywords: vec!["转账".into(), "[".into()],
        toast: "提示".into(),
    }];
    let _ = keyword_hit(&converted, &rules);
});
