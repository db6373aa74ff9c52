//! Message preferences and per-session settings (`link_setting`). A
//! change of preferences, block words or automatic replies is announced
//! as `Event::SettingsChanged`, so the owner's other devices follow.

use sixin_api::message::request::SetSettingsForm;

use super::MessageService;
use crate::domain::message::auto_reply::{check_switches, SWITCHES};
use crate::domain::message::session::{SessionState, Talker};
use crate::domain::message::settings::{MessageSettings, SettingsChange};
use crate::domain::relation::{follow_status, RelationPair};
use crate::domain::Mid;
use crate::error::Error;
use crate::events::{Event, SettingsPart};

/// How a talker relates to the owner of a session, for `get_session_ss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushStatus {
    /// The talker's attribute towards the owner (6 when mutual, 0 for a
    /// quiet follow).
    pub follow_status: i64,
    /// Whether the owner specially follows the talker.
    pub special: bool,
    pub push_setting: i64,
}

impl MessageService {
    /// A user's message preferences.
    pub async fn settings(&self, mid: Mid) -> Result<MessageSettings, Error> {
        Ok(self.store.message_settings(mid).await?)
    }

    /// Changes the preferences `form` gives; an unknown value is `2
    /// 非法参数` and changes nothing. `receive_unfollow_msg=0` makes
    /// messages from users the user does not follow fail with 25003.
    /// Turning an automatic reply on needs 1000 followers (700009).
    pub async fn change_settings(&self, mid: Mid, form: &SetSettingsForm) -> Result<(), Error> {
        let given = form
            .0
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()));
        let change = SettingsChange::parse(given)?;
        if change.is_empty() {
            return Ok(());
        }
        let turns_on = SWITCHES.iter().any(|name| change.value_of(name) == Some(1));
        if turns_on {
            let followers = self.store.relation_counts(mid).await?.follower;
            check_switches(&change, followers)?;
        }
        self.store
            .update_message_settings(mid, Box::new(move |current| Ok(change.apply(current))))
            .await?;
        self.settings_changed(mid, SettingsPart::MessageSettings)
            .await;
        Ok(())
    }

    /// Tells `owner`'s other devices that `what` of their settings changed.
    pub(super) async fn settings_changed(&self, owner: Mid, what: SettingsPart) {
        self.events
            .publish(Event::SettingsChanged { owner, what })
            .await;
    }

    /// Until when `mid` may not send, if stopped (21046).
    pub async fn send_stop(&self, mid: Mid) -> Result<Option<i64>, Error> {
        Ok(self.store.send_ban(mid, self.clock.now_secs()).await?)
    }

    /// `owner`'s session with `talker` (defaults when they never talked).
    pub async fn session_state(&self, owner: Mid, talker: Talker) -> Result<SessionState, Error> {
        Ok(self.store.session_state(owner, talker).await?)
    }

    /// How `talker` relates to `owner`, and `owner`'s push setting for them.
    pub async fn push_status(&self, owner: Mid, talker: Mid) -> Result<PushStatus, Error> {
        let RelationPair { forward, backward } = self.store.relation(owner, talker).await?;
        let state = self
            .store
            .session_state(owner, Talker::User(talker))
            .await?;
        Ok(PushStatus {
            follow_status: follow_status(
                forward.as_ref().map(|r| r.attribute),
                backward.as_ref().map(|r| r.attribute),
            ),
            special: forward.is_some_and(|r| r.special),
            push_setting: state.push_setting,
        })
    }
}
