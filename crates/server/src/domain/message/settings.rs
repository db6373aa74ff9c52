//! A user's message preferences (`link_setting`): their names, defaults
//! and the values each may take, in one table.

use sixin_api::Code;

use crate::domain::Refusal;

/// Each setting with its default (that of a new account: everything
/// received, automatic replies off) and the values it may take.
const SETTINGS: &[(&str, i64, &[i64])] = &[
    ("show_unfollowed_msg", 0, &[0, 1]),
    ("msg_notify", 1, &[1, 3]),
    ("set_like", 0, &[0, 5]),
    ("set_comment", 0, &[0, 1, 2]),
    ("set_at", 0, &[0, 1, 2]),
    ("is_group_fold", 0, &[0, 1]),
    ("should_receive_group", 1, &[0, 1]),
    ("receive_unfollow_msg", 1, &[0, 1]),
    ("followed_reply", 0, &[0, 1]),
    ("keys_reply", 0, &[0, 1]),
    ("recv_reply", 0, &[0, 1]),
    ("voyage_reply", 0, &[0, 1]),
    ("recommend_followed_reply", 0, &[0, 1]),
    ("ai_intercept", 0, &[0, 1]),
    ("set_recv_reply", 0, &[0, 1, 2]),
    ("set_recv_like", 0, &[0, 2]),
    ("set_new_follow", 0, &[0, 2]),
    // 一键防骚扰: the session lists' `anti_disturb_cleaning`. Not among the
    // documents' settings; sixin takes it through `link_setting/set` too.
    ("anti_disturb_cleaning", 0, &[0, 1]),
];

/// A user's message preferences: every setting's value, defaults for those
/// never changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSettings {
    values: [i64; SETTINGS.len()],
}

impl Default for MessageSettings {
    fn default() -> Self {
        let mut values = [0; SETTINGS.len()];
        for (value, (_, default, _)) in values.iter_mut().zip(SETTINGS) {
            *value = *default;
        }
        MessageSettings { values }
    }
}

impl MessageSettings {
    /// The value of the setting called `name`.
    pub fn get(&self, name: &str) -> i64 {
        let index = index_of(name);
        debug_assert!(index.is_some(), "{name} is not a setting");
        index.map_or(0, |i| self.values[i])
    }

    /// Whether `name` is a setting this version knows.
    pub fn knows(name: &str) -> bool {
        index_of(name).is_some()
    }

    /// Whether messages from people the user does not follow are received
    /// (`receive_unfollow_msg`).
    pub fn accepts_strangers(&self) -> bool {
        self.get("receive_unfollow_msg") != 0
    }

    /// Whether the one-key anti-harassment switch (`anti_disturb_cleaning`)
    /// is on: messages from strangers go to the dustbin.
    pub fn intercepts_strangers(&self) -> bool {
        self.get("anti_disturb_cleaning") != 0
    }

    /// Sets a stored value, ignoring names that are not settings (a newer
    /// version may have stored them).
    pub fn restore(&mut self, name: &str, value: i64) {
        if let Some(i) = index_of(name) {
            self.values[i] = value;
        }
    }

    /// The settings whose values differ from the defaults, by name.
    pub fn changed(&self) -> impl Iterator<Item = (&'static str, i64)> + '_ {
        SETTINGS
            .iter()
            .zip(self.values)
            .filter(|((_, default, _), value)| value != default)
            .map(|((name, _, _), value)| (*name, value))
    }
}

/// A validated change of some settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange(Vec<(usize, i64)>);

impl SettingsChange {
    /// Parses the settings a client wants to change, by name, as it wrote
    /// them. A value that is not a number, or not one the setting may take,
    /// is `2 非法参数` and changes nothing.
    pub fn parse<'a>(
        given: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SettingsChange, Refusal> {
        let mut changes = Vec::new();
        for (name, raw) in given {
            let Some(i) = index_of(name) else { continue };
            let value: i64 = raw
                .trim()
                .parse()
                .map_err(|_| Refusal::new(Code::InvalidParam, format!("{name}={raw:?}")))?;
            if !SETTINGS[i].2.contains(&value) {
                return Err(Refusal::new(Code::InvalidParam, format!("{name}={value}")));
            }
            changes.push((i, value));
        }
        Ok(SettingsChange(changes))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value this change gives `name`, if it changes it.
    pub fn value_of(&self, name: &str) -> Option<i64> {
        let i = index_of(name)?;
        self.0.iter().rev().find(|(j, _)| *j == i).map(|(_, v)| *v)
    }

    /// The settings after the change.
    pub fn apply(&self, settings: &MessageSettings) -> MessageSettings {
        let mut next = settings.clone();
        for &(i, value) in &self.0 {
            next.values[i] = value;
        }
        next
    }
}

fn index_of(name: &str) -> Option<usize> {
    SETTINGS.iter().position(|(n, ..)| *n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_those_of_a_new_account() {
        let settings = MessageSettings::default();
        assert_eq!(settings.get("msg_notify"), 1);
        assert_eq!(settings.get("set_like"), 0);
        assert!(settings.accepts_strangers());
        assert_eq!(settings.changed().count(), 0);
    }

    #[test]
    fn only_allowed_values_change_anything() {
        let change =
            SettingsChange::parse([("receive_unfollow_msg", " 0 "), ("nope", "x")]).unwrap();
        let settings = change.apply(&MessageSettings::default());
        assert!(!settings.accepts_strangers());
        assert_eq!(
            settings.changed().collect::<Vec<_>>(),
            vec![("receive_unfollow_msg", 0)]
        );
        for bad in [("set_like", "3"), ("set_at", "x")] {
            assert_eq!(
                SettingsChange::parse([bad]).unwrap_err().code,
                Code::InvalidParam
            );
        }
    }
}
