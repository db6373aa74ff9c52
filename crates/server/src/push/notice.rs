//! Who hears of an event, and what each of them hears: the privacy rule of
//! realtime push, as a pure function.
//!
//! A user hears only of their own sessions and relations, and only what
//! the API would show them: a message only its visible side sees (a system
//! tip, a text the receiver's block words hide) reaches only that side, a
//! recall only those who saw the recall message, a quiet follow only the
//! follower.
//!
//! A fan group's messages (its members' posts, recalls, and the system
//! messages 301–306) reach its members: who they are is a fact of the
//! store, not of the event, so the hub reads it ([`group_of`] says when)
//! and passes it in. The event does not carry the member list: a group
//! may have thousands of members, and every event crosses every node over
//! NATS, while each node needs only the members connected to it.

use sixin_api::message::msg_type;

use crate::domain::group::GroupId;
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::events::{Event, SettingsPart};

/// What one user hears of an event, from their side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A message in the session with `talker` (a user or a fan group).
    Message { talker: Talker, message: Message },
    /// `msg_key` in the session with `talker` was recalled.
    Recall { talker: Talker, msg_key: MsgKey },
    /// The session with `talker` (a user or a fan group) is read up to
    /// `seqno`.
    Read { talker: Talker, seqno: Seqno },
    /// The session with `talker` changed (`None`: several).
    Session { talker: Option<Talker> },
    /// The user's settings (`what` of them) changed.
    Settings { what: SettingsPart },
    /// The relation with `with` changed.
    Relation { with: Mid },
    /// `talker` is typing.
    Typing { talker: Mid },
}

impl Notice {
    /// Whether a reconnecting client gets it again (typing does not last).
    pub fn lasts(&self) -> bool {
        !matches!(self, Notice::Typing { .. })
    }
}

/// The fan group whose members hear `event`, if it is a message of one.
pub fn group_of(event: &Event) -> Option<GroupId> {
    match event {
        Event::MessageStored { message, .. } if message.receiver_type == 2 => {
            GroupId::new(message.receiver_id)
        }
        _ => None,
    }
}

/// Everyone who hears of `event`, with what they hear, in order.
/// `members`: those of [`group_of`]'s group who may hear it (none for
/// other events).
pub fn notices(event: &Event, members: &[Mid]) -> Vec<(Mid, Notice)> {
    match event {
        Event::MessageStored {
            message,
            visible_to,
        } => match group_of(event) {
            Some(group) => group_notices(message, Talker::Group(group), *visible_to, members),
            None => message_notices(message, *visible_to),
        },
        // Told by the recall message itself, which has its own visibility.
        Event::MessageRecalled { .. } => Vec::new(),
        // A withdrawal by the system names no one; in a user session its
        // system recall, published as a message stored, tells both sides.
        Event::MessageWithdrawn { .. } => Vec::new(),
        Event::SessionRead {
            owner,
            talker,
            seqno,
        } => vec![(
            *owner,
            Notice::Read {
                talker: *talker,
                seqno: *seqno,
            },
        )],
        Event::SessionChanged { owner, talker } => {
            vec![(*owner, Notice::Session { talker: *talker })]
        }
        Event::SettingsChanged { owner, what } => {
            vec![(*owner, Notice::Settings { what: *what })]
        }
        Event::RelationChanged {
            mid,
            fid,
            seen_by_fid,
            ..
        } => {
            let mut heard = vec![(*mid, Notice::Relation { with: *fid })];
            if *seen_by_fid {
                heard.push((*fid, Notice::Relation { with: *mid }));
            }
            heard
        }
        Event::Typing { from, to } => vec![(*to, Notice::Typing { talker: *from })],
        // The follow that made it mutual was a relation change already.
        Event::BecameMutual { .. } | Event::CatalogueChanged | Event::LoginsEnded { .. } => {
            Vec::new()
        }
    }
}

fn message_notices(message: &Message, visible_to: Option<Mid>) -> Vec<(Mid, Notice)> {
    if message.receiver_type != 1 {
        return Vec::new();
    }
    let (Ok(sender), Ok(receiver)) = (
        Mid::try_from(message.sender_uid),
        Mid::try_from(message.receiver_id),
    ) else {
        return Vec::new();
    };
    let mut heard = Vec::new();
    for (side, talker) in [(sender, receiver), (receiver, sender)] {
        if visible_to.is_some_and(|only| only != side) {
            continue;
        }
        hear(&mut heard, side, Talker::User(talker), message);
    }
    heard
}

/// Every member hears a group's message (a recall too, then the recall
/// itself), the sender included: their other devices show it.
fn group_notices(
    message: &Message,
    group: Talker,
    visible_to: Option<Mid>,
    members: &[Mid],
) -> Vec<(Mid, Notice)> {
    let mut heard = Vec::new();
    for &member in members {
        if visible_to.is_some_and(|only| only != member) {
            continue;
        }
        hear(&mut heard, member, group, message);
    }
    heard
}

fn hear(heard: &mut Vec<(Mid, Notice)>, side: Mid, talker: Talker, message: &Message) {
    heard.push((
        side,
        Notice::Message {
            talker,
            message: message.clone(),
        },
    ));
    if let Some(msg_key) = recalled(message) {
        heard.push((side, Notice::Recall { talker, msg_key }));
    }
}

/// The message a recall message points at.
fn recalled(message: &Message) -> Option<MsgKey> {
    (message.msg_type == msg_type::RECALL)
        .then(|| message.content.trim_matches('"').parse::<u64>().ok())
        .flatten()
        .map(MsgKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::relation::Attribute;

    fn mid(n: u64) -> Mid {
        Mid::new(n).unwrap()
    }

    fn message(from: u64, to: u64, msg_type: i64, content: &str) -> Message {
        Message {
            sender_uid: from,
            receiver_type: 1,
            receiver_id: to,
            msg_type,
            content: content.into(),
            seqno: Seqno(3),
            ts_us: 1,
            at_uids: None,
            msg_key: MsgKey(99),
            msg_status: 0,
            notify_code: String::new(),
            new_face_version: None,
            msg_source: 7,
        }
    }

    /// Who hears an event that is not a group's.
    fn heard_by(event: &Event) -> Vec<(Mid, Notice)> {
        notices(event, &[])
    }

    fn group_message(from: u64, group: u64, msg_type: i64, content: &str) -> Message {
        Message {
            receiver_type: 2,
            ..message(from, group, msg_type, content)
        }
    }

    #[test]
    fn every_member_given_hears_a_group_message_the_sender_too() {
        let event = Event::MessageStored {
            message: group_message(1, 40, 1, r#"{"content":"hi"}"#),
            visible_to: None,
        };
        let group = GroupId::new(40).unwrap();
        assert_eq!(group_of(&event), Some(group));
        let heard = notices(&event, &[mid(1), mid(2), mid(3)]);
        assert_eq!(who(&heard), [1, 2, 3]);
        assert!(heard.iter().all(|(_, notice)| matches!(notice,
            Notice::Message { talker, .. } if *talker == Talker::Group(group))));
        assert!(
            notices(&event, &[]).is_empty(),
            "nobody connected, nobody told"
        );
    }

    #[test]
    fn a_group_recall_reaches_every_member_as_a_recall_too() {
        let event = Event::MessageStored {
            message: group_message(1, 40, 5, "777"),
            visible_to: None,
        };
        let heard = notices(&event, &[mid(2)]);
        assert_eq!(who(&heard), [2, 2]);
        assert_eq!(
            heard[1].1,
            Notice::Recall {
                talker: Talker::Group(GroupId::new(40).unwrap()),
                msg_key: MsgKey(777)
            }
        );
        let system = group_message(0, 40, msg_type::GROUP_MEMBER_LEFT, "{}");
        let event = Event::MessageStored {
            message: system,
            visible_to: None,
        };
        assert_eq!(who(&notices(&event, &[mid(2), mid(3)])), [2, 3]);
    }

    #[test]
    fn members_are_not_asked_for_what_is_not_a_group_message() {
        let event = Event::MessageStored {
            message: message(1, 2, 1, r#"{"content":"hi"}"#),
            visible_to: None,
        };
        assert_eq!(group_of(&event), None);
        assert_eq!(who(&notices(&event, &[mid(9)])), [1, 2]);
    }

    fn who(heard: &[(Mid, Notice)]) -> Vec<u64> {
        heard.iter().map(|(m, _)| m.get()).collect()
    }

    #[test]
    fn both_sides_hear_a_message_each_from_their_side() {
        let heard = heard_by(&Event::MessageStored {
            message: message(1, 2, 1, r#"{"content":"hi"}"#),
            visible_to: None,
        });
        assert_eq!(who(&heard), [1, 2]);
        assert!(
            matches!(&heard[0].1, Notice::Message { talker, .. } if *talker == Talker::User(mid(2)))
        );
        assert!(
            matches!(&heard[1].1, Notice::Message { talker, .. } if *talker == Talker::User(mid(1)))
        );
    }

    #[test]
    fn a_message_one_side_sees_reaches_only_that_side() {
        let heard = heard_by(&Event::MessageStored {
            message: message(1, 2, 1, r#"{"content":"blocked word"}"#),
            visible_to: Some(mid(1)),
        });
        assert_eq!(who(&heard), [1]);
    }

    #[test]
    fn a_recall_is_its_message_then_a_recall_for_whoever_sees_it() {
        let heard = heard_by(&Event::MessageStored {
            message: message(1, 2, 5, "12345"),
            visible_to: Some(mid(1)),
        });
        assert_eq!(who(&heard), [1, 1]);
        assert_eq!(
            heard[1].1,
            Notice::Recall {
                talker: Talker::User(mid(2)),
                msg_key: MsgKey(12345)
            }
        );
        let event = Event::MessageRecalled {
            msg_key: MsgKey(12345),
            sender: mid(1),
            receiver: Talker::User(mid(2)),
        };
        assert!(heard_by(&event).is_empty());
    }

    #[test]
    fn reads_session_and_settings_changes_reach_only_their_owner() {
        let read = Event::SessionRead {
            owner: mid(2),
            talker: Talker::User(mid(1)),
            seqno: Seqno(4),
        };
        assert_eq!(who(&heard_by(&read)), [2]);
        let changed = Event::SessionChanged {
            owner: mid(2),
            talker: None,
        };
        assert_eq!(who(&heard_by(&changed)), [2]);
        let settings = Event::SettingsChanged {
            owner: mid(2),
            what: SettingsPart::MessageSettings,
        };
        assert_eq!(who(&heard_by(&settings)), [2]);
    }

    #[test]
    fn the_target_of_a_relation_change_hears_only_what_it_can_see() {
        let change = |seen_by_fid| Event::RelationChanged {
            mid: mid(1),
            fid: mid(2),
            attribute: Some(Attribute::Quiet),
            seen_by_fid,
        };
        assert_eq!(who(&heard_by(&change(false))), [1]);
        assert_eq!(who(&heard_by(&change(true))), [1, 2]);
        assert!(heard_by(&Event::BecameMutual {
            mid: mid(1),
            fid: mid(2)
        })
        .is_empty());
    }

    #[test]
    fn typing_reaches_the_one_typed_to_and_does_not_last() {
        let heard = heard_by(&Event::Typing {
            from: mid(1),
            to: mid(2),
        });
        assert_eq!(who(&heard), [2]);
        assert!(!heard[0].1.lasts());
    }
}
