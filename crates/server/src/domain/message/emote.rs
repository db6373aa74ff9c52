//! Emoji tokens (`[doge]`) and keyword rules in message text.

/// An entry of the emoji catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emote {
    /// With brackets, e.g. `[tv_doge]`.
    pub text: String,
    /// Absolute URL, or a path on this server.
    pub uri: String,
    /// 1 small, 2 large.
    pub size: i64,
    pub gif_url: Option<String>,
}

/// A keyword rule attaching a warning (`key_hit_infos`) to text messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordRule {
    pub rule_id: i64,
    pub keywords: Vec<String>,
    pub toast: String,
}

/// Old emoji names and the new names they became (`[doge]` -> `[tv_doge]`).
const OLD_EMOTES: &[(&str, &str)] = &[
    ("[doge]", "[tv_doge]"),
    ("[微笑]", "[tv_微笑]"),
    ("[大哭]", "[tv_大哭]"),
    ("[偷笑]", "[tv_偷笑]"),
    ("[鼓掌]", "[tv_鼓掌]"),
];

/// Rewrites old emoji names into new ones.
pub fn convert_old_emotes(text: &str) -> String {
    if !text.contains('[') {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    for (old, new) in OLD_EMOTES {
        if out.contains(old) {
            out = out.replace(old, new);
        }
    }
    out
}

/// The `[name]` tokens of `text`, in order of first appearance, without repeats.
pub fn emote_tokens(text: &str) -> Vec<&str> {
    let mut tokens: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open..];
        match after[1..].find(['[', ']']) {
            Some(i) if after.as_bytes()[i + 1] == b']' => {
                let token = &after[..i + 2];
                if i > 0 && !tokens.contains(&token) {
                    tokens.push(token);
                }
                rest = &after[i + 2..];
            }
            Some(i) => rest = &after[i + 1..],
            None => break,
        }
    }
    tokens
}

/// The catalogue entries for the emoji in `texts`, in order of first
/// appearance, each once.
pub fn emotes_in<'c, 't>(
    texts: impl IntoIterator<Item = &'t str>,
    catalogue: &'c [Emote],
) -> Vec<&'c Emote> {
    let mut found: Vec<&Emote> = Vec::new();
    for text in texts {
        for token in emote_tokens(text) {
            if found.iter().any(|e| e.text == token) {
                continue;
            }
            if let Some(emote) = catalogue.iter().find(|e| e.text == token) {
                found.push(emote);
            }
        }
    }
    found
}

/// A keyword rule that matched, and how many of its keywords occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordHit<'r> {
    pub rule: &'r KeywordRule,
    pub hits: usize,
}

/// The first rule (by id) one of whose keywords occurs in `text`.
pub fn keyword_hit<'r>(text: &str, rules: &'r [KeywordRule]) -> Option<KeywordHit<'r>> {
    let mut rules: Vec<&KeywordRule> = rules.iter().collect();
    rules.sort_by_key(|r| r.rule_id);
    rules.into_iter().find_map(|rule| {
        let hits = rule
            .keywords
            .iter()
            .filter(|k| !k.is_empty() && text.contains(k.as_str()))
            .count();
        (hits > 0).then_some(KeywordHit { rule, hits })
    })
}

/// A small catalogue for tests: one emoji hosted here, one elsewhere.
#[cfg(test)]
pub(crate) fn sample_catalogue() -> Vec<Emote> {
    vec![
        Emote {
            text: "[tv_doge]".into(),
            uri: "/bfs/emote/a.png".into(),
            size: 1,
            gif_url: None,
        },
        Emote {
            text: "[口罩]".into(),
            uri: "https://cdn.example.test/b.png".into(),
            size: 2,
            gif_url: Some("/bfs/emote/b.gif".into()),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_tokens_are_found_once_in_order() {
        assert_eq!(emote_tokens("a[x]b[y][x][]c[z"), vec!["[x]", "[y]"]);
        assert_eq!(emote_tokens("[[口罩]]"), vec!["[口罩]"]);
        assert!(emote_tokens("no emoji").is_empty());
    }

    #[test]
    fn emotes_come_from_the_catalogue_in_order_of_appearance() {
        let catalogue = sample_catalogue();
        let found = emotes_in(["[口罩][unknown][tv_doge]", "[tv_doge]"], &catalogue);
        let texts: Vec<&str> = found.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, vec!["[口罩]", "[tv_doge]"]);
    }

    #[test]
    fn old_names_become_new_ones() {
        assert_eq!(convert_old_emotes("催更[doge]"), "催更[tv_doge]");
        assert_eq!(convert_old_emotes("plain"), "plain");
    }

    #[test]
    fn keyword_rules_match_the_first_rule_by_id() {
        let rules = vec![
            KeywordRule {
                rule_id: 9,
                keywords: vec!["钱".into()],
                toast: "nine".into(),
            },
            KeywordRule {
                rule_id: 2,
                keywords: vec!["支付宝".into(), "微信".into()],
                toast: "two".into(),
            },
        ];
        let hit = keyword_hit("支付宝和微信都给钱", &rules).unwrap();
        assert_eq!(hit.rule.rule_id, 2);
        assert_eq!(hit.rule.toast, "two");
        assert_eq!(hit.hits, 2);
        assert_eq!(keyword_hit("hello", &rules), None);
    }
}
