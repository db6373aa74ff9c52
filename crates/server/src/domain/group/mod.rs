//! Fan groups (粉丝团): what a group is, who may change it, and the system
//! messages (301–306, `sender_uid` 0, `msg_source` 13) its changes post.
//!
//! Where the documents are silent, sixin decides:
//! - A group is created with its owner as its first member and a 305
//!   message (`{name}开通啦 (>▽<)`, as in the documents' example) that
//!   the owner has read.
//! - Each member who joins gets a 306 message (`欢迎{uname}入群`, the
//!   documents' example); 301 is the older form of the same message and
//!   is not produced. Leaving (or being removed) posts 302
//!   (`{uname}退出了本群`), freezing 303 (`本群已被冻结`), dissolving 304
//!   (`本群已解散`). Unfreezing posts nothing.
//! - A new member's read position starts at the group's newest message:
//!   earlier messages are readable but not unread.
//! - The owner cannot leave; dissolving the group is how it ends.

use std::fmt;

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::{Mid, Refusal};

/// A fan group's id. Group ids are a space of their own, apart from mids.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "u64", into = "u64")]
pub struct GroupId(u64);

impl TryFrom<u64> for GroupId {
    type Error = String;

    fn try_from(value: u64) -> Result<GroupId, String> {
        GroupId::new(value).ok_or_else(|| format!("{value} is not a group id"))
    }
}

impl From<GroupId> for u64 {
    fn from(id: GroupId) -> u64 {
        id.0
    }
}

impl GroupId {
    /// `None` for 0 or values beyond `i64::MAX`.
    pub fn new(value: u64) -> Option<GroupId> {
        (value != 0 && value <= i64::MAX as u64).then_some(GroupId(value))
    }

    pub fn get(self) -> u64 {
        self.0
    }

    pub fn as_i64(self) -> i64 {
        self.0 as i64
    }

    /// Reads a stored value back; stored values were valid when written.
    pub fn from_i64(value: i64) -> GroupId {
        GroupId(value as u64)
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `group_type` 0: 应援团.
pub const SUPPORT_GROUP: i64 = 0;
/// `group_type` 2: 官方群.
pub const OFFICIAL_GROUP: i64 = 2;

/// Longest group name, in characters.
pub const MAX_NAME_CHARS: usize = 32;

/// A fan group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub owner: Mid,
    pub name: String,
    /// `None`: the default avatar.
    pub cover: Option<String>,
    /// 0 应援团, 2 官方群.
    pub group_type: i64,
    /// Accepts no message while frozen.
    pub frozen: bool,
    /// Gone from every list; its members keep its history.
    pub dissolved: bool,
}

/// A group name: 1 to 32 characters, no control characters.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err("name must be 1 to 32 characters");
    }
    if name.chars().any(char::is_control) {
        return Err("name contains control characters");
    }
    Ok(())
}

/// A documented `group_type`.
pub fn check_type(group_type: i64) -> Result<(), &'static str> {
    match group_type {
        SUPPORT_GROUP | OFFICIAL_GROUP => Ok(()),
        _ => Err("group_type must be 0 (应援团) or 2 (官方群)"),
    }
}

/// A message to append to a group's conversation; the backend gives it the
/// next seqno of the group, a new key and the time of the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDraft {
    /// 0 for the group's system messages.
    pub sender: u64,
    pub msg_type: i64,
    pub content: String,
    pub msg_source: i64,
    /// `Some([0])` for a member's message that mentions nobody, the
    /// mentioned members otherwise; `None` on system messages.
    pub at_uids: Option<Vec<u64>>,
    pub new_face_version: Option<i64>,
    /// Whether it adds one to the unread count of every member but the
    /// sender (recalls do not).
    pub counts_unread: bool,
}

impl GroupDraft {
    /// The members whose `at_seqno` this message sets.
    pub fn mentioned(&self) -> impl Iterator<Item = Mid> + '_ {
        self.at_uids
            .iter()
            .flatten()
            .filter_map(|&uid| Mid::new(uid))
            .filter(move |m| m.get() != self.sender)
    }
}

/// What a group is made of, as a change writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSettings {
    pub name: String,
    pub cover: Option<String>,
    pub frozen: bool,
    pub dissolved: bool,
}

/// One write of a change to a group, applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupStep {
    /// Sets the group's name, cover and states.
    Set(GroupSettings),
    /// Makes a user a member: their session reads up to the group's newest
    /// message.
    Join(Mid),
    /// Ends a membership (the member's session stays, out of every list).
    Leave(Mid),
    /// Appends a message, moving every member's session: the sender's read
    /// position, the others' unread counts, and the `at_seqno` of those it
    /// mentions.
    Post(GroupDraft),
}

/// What changing a group needs to know, read inside the write transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFacts {
    /// The group's id (the one a new group will have).
    pub id: GroupId,
    /// The group as it is; `None` for a group being created (or no group).
    pub group: Option<Group>,
    /// Its members, in the order they joined.
    pub members: Vec<Mid>,
    /// The users the change names, each with their name (`None`: no such
    /// user), in the order asked.
    pub users: Vec<(Mid, Option<String>)>,
}

/// A change an administrator makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupCommand {
    /// Creates the group (the facts' `id`; the backend writes the group
    /// itself) owned by `owner`, who must be among the users named.
    Create { owner: Mid, name: String },
    /// Renames, re-covers, freezes or unfreezes.
    Update {
        name: Option<String>,
        cover: Option<String>,
        frozen: Option<bool>,
    },
    /// Dissolves the group.
    Dissolve,
    /// Adds the users named (those already members are left as they are).
    Add,
    /// Removes a member.
    Remove(Mid),
}

/// `{"group_id": id, "content": text}`, the content of 301–306.
pub fn notice(id: GroupId, text: &str) -> String {
    serde_json::json!({ "group_id": id.get(), "content": text }).to_string()
}

fn system_post(id: GroupId, kind: i64, text: &str) -> GroupStep {
    GroupStep::Post(GroupDraft {
        sender: 0,
        msg_type: kind,
        content: notice(id, text),
        msg_source: msg_source::FAN_GROUP_SYSTEM,
        at_uids: None,
        new_face_version: None,
        counts_unread: true,
    })
}

/// Decides a change: the steps to write, or why not.
///
/// -404 for a group that does not exist, 700013 for one dissolved, -409
/// for creating a group whose id is taken, 40061 for naming a user who
/// does not exist, -404 for removing someone who is not a member, -400 for
/// removing the owner.
pub fn plan(command: &GroupCommand, facts: &GroupFacts) -> Result<Vec<GroupStep>, Refusal> {
    let id = facts.id;
    if let GroupCommand::Create { owner, name } = command {
        if facts.group.is_some() {
            return Err(Refusal::new(Code::Conflict, "group id taken"));
        }
        name_of(facts, *owner)?;
        // The owner joins after the opening message: it is not unread.
        return Ok(vec![
            system_post(id, msg_type::GROUP_OPENED, &format!("{name}开通啦 (>▽<)")),
            GroupStep::Join(*owner),
        ]);
    }
    let group = facts
        .group
        .as_ref()
        .ok_or_else(|| Refusal::new(Code::NotFound, "no such group"))?;
    if group.dissolved {
        return Err(Code::GroupDissolved.into());
    }
    let settings = GroupSettings {
        name: group.name.clone(),
        cover: group.cover.clone(),
        frozen: group.frozen,
        dissolved: false,
    };
    match command {
        GroupCommand::Create { .. } => unreachable!("handled above"),
        GroupCommand::Update {
            name,
            cover,
            frozen,
        } => {
            let next = GroupSettings {
                name: name.clone().unwrap_or(settings.name.clone()),
                cover: cover.clone().or(settings.cover.clone()),
                frozen: frozen.unwrap_or(settings.frozen),
                dissolved: false,
            };
            let freezes = next.frozen && !settings.frozen;
            let mut steps = vec![GroupStep::Set(next)];
            if freezes {
                steps.push(system_post(id, msg_type::GROUP_FROZEN, "本群已被冻结"));
            }
            Ok(steps)
        }
        GroupCommand::Dissolve => Ok(vec![
            system_post(id, msg_type::GROUP_DISSOLVED, "本群已解散"),
            GroupStep::Set(GroupSettings {
                dissolved: true,
                ..settings
            }),
        ]),
        GroupCommand::Add => {
            let mut steps = Vec::new();
            let mut joined: Vec<Mid> = Vec::new();
            for (mid, _) in &facts.users {
                let uname = name_of(facts, *mid)?;
                if facts.members.contains(mid) || joined.contains(mid) {
                    continue;
                }
                joined.push(*mid);
                steps.push(GroupStep::Join(*mid));
                steps.push(system_post(
                    id,
                    msg_type::GROUP_MEMBER_WELCOME,
                    &format!("欢迎{uname}入群"),
                ));
            }
            Ok(steps)
        }
        GroupCommand::Remove(mid) => {
            if *mid == group.owner {
                return Err(Refusal::bad_request(
                    "mid is the group's owner: dissolve the group instead",
                ));
            }
            if !facts.members.contains(mid) {
                return Err(Refusal::new(Code::NotFound, "not a member"));
            }
            let uname = name_of(facts, *mid).unwrap_or_else(|_| mid.to_string());
            Ok(vec![
                system_post(
                    id,
                    msg_type::GROUP_MEMBER_LEFT,
                    &format!("{uname}退出了本群"),
                ),
                GroupStep::Leave(*mid),
            ])
        }
    }
}

/// The name of a user the facts name (40061 when there is no such user).
fn name_of(facts: &GroupFacts, mid: Mid) -> Result<String, Refusal> {
    facts
        .users
        .iter()
        .find(|(m, _)| *m == mid)
        .and_then(|(_, name)| name.clone())
        .ok_or_else(|| Refusal::new(Code::UserNotFound, format!("no user {mid}")))
}

/// Where a member may not send to a group: -400 for no such group, 700013
/// dissolved, 700014 not a member, 21035 frozen.
pub fn check_sendable(group: Option<&Group>, is_member: bool) -> Result<(), Refusal> {
    let group = group.ok_or_else(|| Refusal::bad_request("msg[receiver_id] is not a fan group"))?;
    if group.dissolved {
        return Err(Code::GroupDissolved.into());
    }
    if !is_member {
        return Err(Code::NotInGroup.into());
    }
    if group.frozen {
        return Err(Refusal::new(
            Code::MsgTypeNotSendable,
            "the group is frozen",
        ));
    }
    Ok(())
}

/// The `at_uids` of a member's message: `[0]` when it mentions nobody
/// (none given, or only 0), else the members mentioned, each once, in the
/// order given. -400 for mentioning someone who is not a member.
pub fn mentions(asked: &[u64], members_mentioned: &[Mid]) -> Result<Vec<u64>, Refusal> {
    let mut out: Vec<u64> = Vec::new();
    for &uid in asked.iter().filter(|&&u| u != 0) {
        if !members_mentioned.iter().any(|m| m.get() == uid) {
            return Err(Refusal::bad_request(format!(
                "msg[at_uids] names {uid}, who is not a member"
            )));
        }
        if !out.contains(&uid) {
            out.push(uid);
        }
    }
    if out.is_empty() {
        out.push(0);
    }
    Ok(out)
}

/// Parses `msg[at_uids]`: mids separated by commas, or a JSON array.
pub fn parse_at_uids(text: &str) -> Result<Vec<u64>, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let bad = || Refusal::bad_request("msg[at_uids] must be mids separated by commas");
    if text.starts_with('[') {
        return serde_json::from_str::<Vec<u64>>(text).map_err(|_| bad());
    }
    text.split(',')
        .map(|part| part.trim().parse::<u64>().map_err(|_| bad()))
        .collect()
}

#[cfg(test)]
mod tests;
