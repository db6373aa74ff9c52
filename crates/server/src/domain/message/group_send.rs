//! The rules of sending to a fan group, as pure functions of the facts a
//! backend reads inside its write transaction: the same retries, stops and
//! images as one-to-one sends ([`super::send::screen_parts`]), then
//! membership and the group's state, recalls, and mentions.

use super::rate::SendRate;
use super::recall::{check_recall, RecallTarget};
use super::send::Fingerprint;
use super::{Content, Sent};
use crate::domain::group::{check_sendable, mentions, Group, GroupDraft, GroupId};
use crate::domain::{Mid, MsgKey, Refusal};

/// A message a member wants to send to a group, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupOutgoing {
    pub sender: Mid,
    pub group: GroupId,
    pub content: Content,
    pub msg_source: i64,
    /// The mids `msg[at_uids]` names (0 meaning nobody).
    pub at_uids: Vec<u64>,
    pub fingerprint: Option<Fingerprint>,
    /// Microseconds.
    pub now_us: i64,
}

/// What sending to a group needs to know.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSendFacts {
    /// What an identical send within the retry window stored.
    pub earlier: Option<Sent>,
    /// Until when (unix seconds) the sender may not send, if stopped.
    pub banned_until: Option<i64>,
    /// For an image on this server: whether it was uploaded.
    pub image_uploaded: Option<bool>,
    pub group: Option<Group>,
    /// Whether the sender is a member.
    pub is_member: bool,
    /// Of the users the message mentions, those who are members.
    pub members_mentioned: Vec<Mid>,
    /// For a recall: the message it points at, if it exists.
    pub recall_target: Option<RecallTarget>,
    /// The sender's recent sends, for the rate limit (the same state as
    /// their one-to-one sends).
    pub sender_rate: SendRate,
}

/// What a send to a group writes, in one transaction: the recall (every
/// member who had not read the target no longer counts it), the message
/// (posted as [`crate::domain::group::GroupStep::Post`] posts), the
/// retry record and the sender's rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSendPlan {
    pub draft: GroupDraft,
    pub recall: Option<MsgKey>,
    pub remember: Option<Fingerprint>,
    /// The sender's rate-limit state after this send (`None`: unchanged).
    pub rate: Option<SendRate>,
}

/// What the backend does with a send to a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSendDecision {
    Retried(Sent),
    StopSender {
        until: i64,
    },
    /// A refusal that still counts against the sender's rate limit: store
    /// the sender's rate, write nothing else, and refuse (as
    /// [`super::send::SendDecision::Refuse`]).
    Refuse {
        refusal: Refusal,
        rate: SendRate,
    },
    Store(GroupSendPlan),
}

/// The rules after the rate limit: the group takes messages from this
/// member ([`check_sendable`]), a recall's target ([`check_recall`]), the
/// mentions ([`mentions`]); and what to write.
pub fn plan(
    message: &GroupOutgoing,
    facts: &GroupSendFacts,
    recall_window_us: i64,
) -> Result<GroupSendPlan, Refusal> {
    check_sendable(facts.group.as_ref(), facts.is_member)?;
    let recall = match &message.content {
        Content::Recall { target, .. } => {
            check_recall(facts.recall_target, message.now_us, recall_window_us)?;
            Some(*target)
        }
        _ => None,
    };
    let at_uids = mentions(&message.at_uids, &facts.members_mentioned)?;
    Ok(GroupSendPlan {
        draft: GroupDraft {
            sender: message.sender.get(),
            msg_type: message.content.msg_type(),
            content: message.content.json().to_owned(),
            msg_source: message.msg_source,
            at_uids: Some(at_uids),
            new_face_version: recall.is_none().then_some(1),
            counts_unread: recall.is_none(),
        },
        recall,
        remember: message.fingerprint,
        rate: None,
    })
}

#[cfg(test)]
mod tests {
    use sixin_api::Code;

    use super::*;
    use crate::domain::group::SUPPORT_GROUP;
    use crate::domain::Seqno;

    fn mid(n: u64) -> Mid {
        Mid::new(n).unwrap()
    }

    fn facts() -> GroupSendFacts {
        GroupSendFacts {
            group: Some(Group {
                id: GroupId::new(9).unwrap(),
                owner: mid(1),
                name: "g".into(),
                cover: None,
                group_type: SUPPORT_GROUP,
                frozen: false,
                dissolved: false,
            }),
            is_member: true,
            members_mentioned: vec![mid(3)],
            ..GroupSendFacts::default()
        }
    }

    fn text(at_uids: Vec<u64>) -> GroupOutgoing {
        GroupOutgoing {
            sender: mid(2),
            group: GroupId::new(9).unwrap(),
            content: Content::Text {
                json: r#"{"content":"hi"}"#.into(),
                text: "hi".into(),
            },
            msg_source: 7,
            at_uids,
            fingerprint: Some([1; 8]),
            now_us: 5_000_000,
        }
    }

    #[test]
    fn a_members_message_mentions_members_only() {
        let plan_ = plan(&text(vec![3]), &facts(), 0).unwrap();
        assert_eq!(plan_.draft.at_uids, Some(vec![3]));
        assert_eq!(plan_.draft.sender, 2);
        assert!(plan_.draft.counts_unread);
        assert_eq!(plan_.remember, Some([1; 8]));
        assert_eq!(
            plan(&text(vec![]), &facts(), 0).unwrap().draft.at_uids,
            Some(vec![0])
        );
        assert_eq!(
            plan(&text(vec![4]), &facts(), 0).unwrap_err().code,
            Code::BadRequest
        );
        let outsider = GroupSendFacts {
            is_member: false,
            ..facts()
        };
        assert_eq!(
            plan(&text(vec![]), &outsider, 0).unwrap_err().code,
            Code::NotInGroup
        );
    }

    #[test]
    fn recalls_in_a_group_follow_the_recall_rules() {
        let recall = GroupOutgoing {
            content: Content::Recall {
                json: "77".into(),
                target: MsgKey(77),
            },
            ..text(vec![])
        };
        let target = RecallTarget {
            seqno: Seqno(3),
            same_conversation: true,
            shown_to_caller: true,
            shown_to_other: true,
            sent_by_caller: true,
            msg_status: 0,
            msg_type: 1,
            ts_us: 4_000_000,
        };
        let with_target = GroupSendFacts {
            recall_target: Some(target),
            ..facts()
        };
        let planned = plan(&recall, &with_target, 10_000_000).unwrap();
        assert_eq!(planned.recall, Some(MsgKey(77)));
        assert!(!planned.draft.counts_unread);
        assert_eq!(planned.draft.new_face_version, None);
        assert_eq!(
            plan(&recall, &with_target, 100).unwrap_err().code,
            Code::RecallExpired
        );
        assert_eq!(
            plan(&recall, &facts(), 0).unwrap_err().code,
            Code::MsgKeyNotFound
        );
    }
}
