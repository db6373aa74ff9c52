//! Fan groups as administrators manage them: creating, renaming,
//! freezing, dissolving, adding and removing members. Each change posts
//! its system message ([`crate::domain::group`]) in the same transaction,
//! and every message posted is announced as [`Event::MessageStored`]
//! (realtime push tells it to the group's members).

use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::group::{plan, Group, GroupCommand, GroupId};
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::Mid;
use crate::error::Error;
use crate::events::{Event, EventBus};
use crate::store::groups::NewGroup;
use crate::store::Store;

/// Fan groups.
pub struct GroupService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    events: Arc<EventBus>,
}

/// A change of a group's name, cover or frozen state; `None` keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupChange {
    pub name: Option<String>,
    pub cover: Option<String>,
    pub frozen: Option<bool>,
}

impl GroupService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, events: Arc<EventBus>) -> Self {
        GroupService {
            store,
            clock,
            events,
        }
    }

    /// Creates a group with its owner as first member (-409 for a taken
    /// id, 40061 for an owner who does not exist).
    pub async fn create(&self, new: NewGroup) -> Result<GroupId, Error> {
        let command = GroupCommand::Create {
            owner: new.owner,
            name: new.name.clone(),
        };
        let (id, posted) = self
            .store
            .create_group(
                new,
                self.clock.now_us(),
                Box::new(move |facts| plan(&command, facts)),
            )
            .await?;
        self.announce(posted).await;
        Ok(id)
    }

    /// Renames, re-covers, freezes or unfreezes a group.
    pub async fn update(&self, id: GroupId, change: GroupChange) -> Result<(), Error> {
        let command = GroupCommand::Update {
            name: change.name,
            cover: change.cover,
            frozen: change.frozen,
        };
        self.change(id, Vec::new(), command).await
    }

    /// Dissolves a group.
    pub async fn dissolve(&self, id: GroupId) -> Result<(), Error> {
        self.change(id, Vec::new(), GroupCommand::Dissolve).await
    }

    /// Adds users to a group (members already in it stay as they are).
    pub async fn add_members(&self, id: GroupId, mids: Vec<Mid>) -> Result<(), Error> {
        self.change(id, mids, GroupCommand::Add).await
    }

    /// Removes a member. They are no longer told of the group's messages
    /// (their removal's included), so they are told their session changed:
    /// it left their lists.
    pub async fn remove_member(&self, id: GroupId, mid: Mid) -> Result<(), Error> {
        self.change(id, vec![mid], GroupCommand::Remove(mid))
            .await?;
        self.events
            .publish(Event::SessionChanged {
                owner: mid,
                talker: Some(Talker::Group(id)),
            })
            .await;
        Ok(())
    }

    /// A group and its members, in the order they joined.
    pub async fn group(&self, id: GroupId) -> Result<Option<(Group, Vec<Mid>)>, Error> {
        Ok(self.store.group(id).await?)
    }

    async fn change(
        &self,
        id: GroupId,
        users: Vec<Mid>,
        command: GroupCommand,
    ) -> Result<(), Error> {
        let posted = self
            .store
            .change_group(
                id,
                users,
                self.clock.now_us(),
                Box::new(move |facts| plan(&command, facts)),
            )
            .await?;
        self.announce(posted).await;
        Ok(())
    }

    async fn announce(&self, posted: Vec<Message>) {
        for message in posted {
            self.events
                .publish(Event::MessageStored {
                    message,
                    visible_to: None,
                })
                .await;
        }
    }
}
