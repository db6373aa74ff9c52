//! Pins follow groups in `RelationStore`: the facts of creating, renaming
//! and editing groups; refusals write nothing; `group_sizes` (special,
//! grouped, following, own groups in creation order); membership through
//! `groups_of`, the special flag and `special` (newest first); group lists
//! (order of joining, `None` for a group that is not the owner's);
//! deleting a group; a follow that ends or is remade leaves its groups.

use std::sync::Arc;

use sixin_api::relation::Act;
use sixin_api::Code;

use super::helpers::{act, follow, peek, refusal, users, LIMITS, T0};
use crate::domain::paging::Page;
use crate::domain::relation::{Attribute, ModifyPlan, RelationLimits, RelationWrite};
use crate::domain::tag::{
    decide_create, decide_edit, decide_rename, TagEdit, TagInfo, TagName, TagNameFacts,
};
use crate::domain::{Mid, TagId};
use crate::store::relations::{GroupSizes, ListKind};
use crate::store::{Store, StoreError};

fn name(text: &str) -> TagName {
    TagName::parse(text).unwrap()
}

async fn create_with(
    store: &Arc<dyn Store>,
    who: Mid,
    text: &str,
    limits: RelationLimits,
) -> Result<TagId, StoreError> {
    let wanted = name(text);
    store
        .create_tag(
            who,
            wanted.clone(),
            T0,
            Box::new(move |facts| Ok(decide_create(&wanted, facts, limits)?)),
        )
        .await
}

async fn create(store: &Arc<dyn Store>, who: Mid, text: &str) -> TagId {
    create_with(store, who, text, LIMITS).await.unwrap()
}

async fn rename(
    store: &Arc<dyn Store>,
    who: Mid,
    tagid: TagId,
    text: &str,
) -> Result<(), StoreError> {
    let wanted = name(text);
    store
        .rename_tag(
            who,
            tagid,
            wanted.clone(),
            Box::new(move |facts| Ok(decide_rename(tagid, &wanted, facts)?)),
        )
        .await
}

async fn edit(
    store: &Arc<dyn Store>,
    who: Mid,
    fids: Vec<Mid>,
    change: TagEdit,
) -> Result<(), StoreError> {
    let named = change.named();
    store
        .edit_tags(
            who,
            fids,
            named,
            Box::new(move |facts| Ok(decide_edit(&change, facts)?)),
        )
        .await
}

/// The groups `who` put `fid` in, sorted by id, names dropped.
async fn groups(store: &Arc<dyn Store>, who: Mid, fid: Mid) -> Vec<TagId> {
    let mut tags: Vec<TagId> = store
        .groups_of(who, fid)
        .await
        .unwrap()
        .into_iter()
        .map(|(tagid, _)| tagid)
        .collect();
    tags.sort();
    tags
}

async fn members(store: &Arc<dyn Store>, who: Mid, tagid: TagId) -> Vec<Mid> {
    let page = store
        .list(who, ListKind::Group(tagid), Page::all())
        .await
        .unwrap()
        .expect("a group of the owner's");
    assert_eq!(page.total, page.entries.len() as u64);
    page.entries.iter().map(|e| e.profile.mid).collect()
}

async fn special_flag(store: &Arc<dyn Store>, who: Mid, fid: Mid) -> bool {
    let relation = store.relation(who, fid).await.unwrap().forward;
    relation.expect("a relation").special
}

pub(crate) async fn creating_a_group_sees_its_name_and_the_count(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let facts = peek(|d| store.create_tag(a, name("friends"), T0, d)).await;
    assert_eq!(
        facts,
        TagNameFacts {
            taken_by: None,
            own_count: 0,
            owned: true
        }
    );
    assert!(
        store.group_sizes(a).await.unwrap().own.is_empty(),
        "a refused create makes nothing"
    );
    let friends = create(&store, a, "friends").await;
    let work = create(&store, a, "work").await;
    assert_ne!(friends, work);
    assert!(friends.is_user_made() && work.is_user_made());
    let theirs = create(&store, b, "friends").await;
    assert_ne!(theirs, friends, "group ids are not shared");

    let facts = peek(|d| store.create_tag(a, name("friends"), T0, d)).await;
    assert_eq!(
        (facts.taken_by, facts.own_count, facts.owned),
        (Some(friends), 2, true)
    );
    let facts = peek(|d| store.create_tag(a, name("family"), T0, d)).await;
    assert_eq!((facts.taken_by, facts.own_count), (None, 2));

    assert_eq!(
        refusal(create_with(&store, a, "friends", LIMITS).await),
        Code::TagExists
    );
    let two = RelationLimits {
        max_tags: 2,
        ..LIMITS
    };
    assert_eq!(
        refusal(create_with(&store, a, "family", two).await),
        Code::TooManyTags
    );
    let own = store.group_sizes(a).await.unwrap().own;
    let info = |tagid, name: &str| TagInfo {
        tagid,
        name: name.into(),
        count: 0,
    };
    assert_eq!(
        own,
        vec![info(friends, "friends"), info(work, "work")],
        "in creation order"
    );
}

pub(crate) async fn renaming_a_group_sees_whose_it_is(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let friends = create(&store, a, "friends").await;
    let work = create(&store, a, "work").await;
    let theirs = create(&store, b, "theirs").await;

    let facts = peek(|d| store.rename_tag(a, friends, name("work"), d)).await;
    assert_eq!(
        facts,
        TagNameFacts {
            taken_by: Some(work),
            own_count: 2,
            owned: true
        }
    );
    let facts = peek(|d| store.rename_tag(a, theirs, name("x"), d)).await;
    assert!(!facts.owned);

    assert_eq!(
        refusal(rename(&store, a, friends, "work").await),
        Code::TagExists
    );
    assert_eq!(
        refusal(rename(&store, a, theirs, "mine now").await),
        Code::TagNotFound
    );
    rename(&store, a, friends, "friends").await.unwrap();
    rename(&store, a, friends, "pals").await.unwrap();
    let names: Vec<String> = store
        .group_sizes(a)
        .await
        .unwrap()
        .own
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, vec!["pals", "work"]);
    let theirs_now = store.group_sizes(b).await.unwrap().own;
    assert_eq!(
        theirs_now[0].name, "theirs",
        "a refused rename changes nothing"
    );
}

pub(crate) async fn edit_decisions_see_named_groups_and_members(store: Arc<dyn Store>) {
    let [a, b, q, x, o] = users(&store, ["a", "b", "q", "x", "o"]).await;
    let mine = create(&store, a, "mine").await;
    let theirs = create(&store, o, "theirs").await;
    follow(&store, a, b).await;
    act(&store, a, q, Act::QuietFollow, T0).await.unwrap();
    edit(&store, a, vec![b], TagEdit::Set(vec![mine, TagId::SPECIAL]))
        .await
        .unwrap();

    let facts = peek(|d| store.edit_tags(a, vec![b, q, x], vec![mine, theirs], d)).await;
    assert_eq!(facts.named, vec![(mine, true), (theirs, false)]);
    let mut members = facts.members;
    for (_, _, tags) in &mut members {
        tags.sort();
    }
    assert_eq!(
        members,
        vec![
            (b, Some(Attribute::Following), vec![TagId::SPECIAL, mine]),
            (q, Some(Attribute::Quiet), vec![]),
            (x, None, vec![]),
        ]
    );
}

pub(crate) async fn edits_set_copy_and_move_members(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    for fid in [b, c, d] {
        follow(&store, a, fid).await;
    }
    let g1 = create(&store, a, "one").await;
    let g2 = create(&store, a, "two").await;

    edit(&store, a, vec![c], TagEdit::Set(vec![g1]))
        .await
        .unwrap();
    edit(&store, a, vec![b], TagEdit::Set(vec![g1, TagId::SPECIAL]))
        .await
        .unwrap();
    assert_eq!(groups(&store, a, b).await, vec![TagId::SPECIAL, g1]);
    assert_eq!(groups(&store, a, c).await, vec![g1]);
    assert!(groups(&store, a, d).await.is_empty());
    assert!(special_flag(&store, a, b).await);
    assert!(!special_flag(&store, a, c).await);
    assert_eq!(
        members(&store, a, g1).await,
        vec![b, c],
        "newest member first"
    );

    // Copying keeps the place of the groups already held.
    edit(&store, a, vec![c], TagEdit::Copy(vec![g2, g1]))
        .await
        .unwrap();
    assert_eq!(groups(&store, a, c).await, vec![g1, g2]);
    assert_eq!(members(&store, a, g1).await, vec![b, c]);
    assert_eq!(members(&store, a, g2).await, vec![c]);

    edit(
        &store,
        a,
        vec![b],
        TagEdit::Move {
            from: vec![g1],
            to: vec![g2],
        },
    )
    .await
    .unwrap();
    assert_eq!(groups(&store, a, b).await, vec![TagId::SPECIAL, g2]);
    assert_eq!(members(&store, a, g1).await, vec![c]);
    assert_eq!(members(&store, a, g2).await, vec![b, c]);

    let named: Vec<(TagId, Option<String>)> = {
        let mut all = store.groups_of(a, b).await.unwrap();
        all.sort();
        all
    };
    assert_eq!(
        named,
        vec![(TagId::SPECIAL, None), (g2, Some("two".into()))],
        "the special group has no stored name"
    );

    edit(&store, a, vec![d], TagEdit::Set(vec![TagId::SPECIAL]))
        .await
        .unwrap();
    assert_eq!(store.special(a).await.unwrap(), vec![d, b]);
    assert_eq!(members(&store, a, TagId::SPECIAL).await, vec![d, b]);
    assert_eq!(
        store.group_sizes(a).await.unwrap(),
        GroupSizes {
            special: 2,
            grouped: 3,
            following: 3,
            own: vec![
                TagInfo {
                    tagid: g1,
                    name: "one".into(),
                    count: 1
                },
                TagInfo {
                    tagid: g2,
                    name: "two".into(),
                    count: 2
                },
            ],
        }
    );

    // Back to the default group.
    edit(&store, a, vec![b, d], TagEdit::Set(vec![TagId::DEFAULT]))
        .await
        .unwrap();
    assert!(groups(&store, a, b).await.is_empty());
    assert!(!special_flag(&store, a, b).await);
    assert!(store.special(a).await.unwrap().is_empty());
    assert_eq!(members(&store, a, TagId::DEFAULT).await, vec![d, b]);
    assert_eq!(members(&store, a, TagId::ALL).await, vec![d, c, b]);
    let sizes = store.group_sizes(a).await.unwrap();
    assert_eq!((sizes.special, sizes.grouped, sizes.following), (0, 1, 3));
}

pub(crate) async fn a_refused_edit_changes_no_one(store: Arc<dyn Store>) {
    let [a, b, q, o] = users(&store, ["a", "b", "q", "o"]).await;
    follow(&store, a, b).await;
    act(&store, a, q, Act::QuietFollow, T0).await.unwrap();
    let mine = create(&store, a, "mine").await;
    let theirs = create(&store, o, "theirs").await;
    edit(&store, a, vec![b], TagEdit::Set(vec![mine]))
        .await
        .unwrap();

    assert_eq!(
        refusal(edit(&store, a, vec![b, q], TagEdit::Set(vec![TagId::SPECIAL])).await),
        Code::NotFollowing
    );
    assert_eq!(
        refusal(edit(&store, a, vec![b], TagEdit::Copy(vec![theirs])).await),
        Code::TagNotFound
    );
    assert_eq!(groups(&store, a, b).await, vec![mine]);
    assert!(!special_flag(&store, a, b).await);
    assert!(store.special(a).await.unwrap().is_empty());
    assert_eq!(store.group_sizes(o).await.unwrap().own[0].count, 0);
}

pub(crate) async fn group_lists_belong_to_their_owner(store: Arc<dyn Store>) {
    let [a, o, b] = users(&store, ["a", "o", "b"]).await;
    let theirs = create(&store, o, "theirs").await;
    follow(&store, o, b).await;
    edit(&store, o, vec![b], TagEdit::Set(vec![theirs]))
        .await
        .unwrap();
    assert_eq!(
        store
            .list(a, ListKind::Group(theirs), Page::all())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .list(a, ListKind::Group(TagId(987_654)), Page::all())
            .await
            .unwrap(),
        None
    );
    for builtin in [TagId::SPECIAL, TagId::DEFAULT, TagId::ALL] {
        assert!(members(&store, a, builtin).await.is_empty());
    }
    assert_eq!(members(&store, o, theirs).await, vec![b]);
}

pub(crate) async fn deleting_a_group_keeps_its_members_followed(store: Arc<dyn Store>) {
    let [a, b, c, o] = users(&store, ["a", "b", "c", "o"]).await;
    follow(&store, a, b).await;
    follow(&store, a, c).await;
    let g1 = create(&store, a, "one").await;
    let g2 = create(&store, a, "two").await;
    edit(&store, a, vec![b], TagEdit::Set(vec![g1, g2]))
        .await
        .unwrap();
    edit(&store, a, vec![c], TagEdit::Set(vec![g1]))
        .await
        .unwrap();

    assert!(store.delete_tag(a, g1).await.unwrap(), "a's own group");
    assert_eq!(groups(&store, a, b).await, vec![g2]);
    assert!(groups(&store, a, c).await.is_empty());
    assert_eq!(members(&store, a, TagId::DEFAULT).await, vec![c]);
    assert_eq!(
        store
            .list(a, ListKind::Group(g1), Page::all())
            .await
            .unwrap(),
        None
    );
    let sizes = store.group_sizes(a).await.unwrap();
    assert_eq!((sizes.grouped, sizes.following, sizes.own.len()), (1, 2, 1));
    assert_eq!(
        store
            .relation(a, c)
            .await
            .unwrap()
            .forward
            .map(|r| r.attribute),
        Some(Attribute::Following)
    );

    let theirs = create(&store, o, "theirs").await;
    assert!(!store.delete_tag(a, theirs).await.unwrap(), "not a's");
    assert!(!store.delete_tag(a, g1).await.unwrap(), "already gone");
    assert!(!store.delete_tag(a, TagId::SPECIAL).await.unwrap());
    assert_eq!(
        store.group_sizes(o).await.unwrap().own.len(),
        1,
        "someone else's group is not deleted"
    );
}

pub(crate) async fn a_follow_that_ends_or_is_remade_leaves_its_groups(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["a", "b", "c", "d"]).await;
    let g = create(&store, a, "g").await;
    let grouped = TagEdit::Set(vec![g, TagId::SPECIAL]);
    for fid in [b, c, d] {
        follow(&store, a, fid).await;
        edit(&store, a, vec![fid], grouped.clone()).await.unwrap();
    }

    act(&store, a, b, Act::QuietFollow, T0).await.unwrap();
    assert!(groups(&store, a, b).await.is_empty());
    assert!(!special_flag(&store, a, b).await);
    act(&store, a, b, Act::Follow, T0).await.unwrap();
    assert!(
        groups(&store, a, b).await.is_empty(),
        "following again starts in the default group"
    );

    act(&store, a, c, Act::Unfollow, T0).await.unwrap();
    follow(&store, a, c).await;
    assert!(groups(&store, a, c).await.is_empty());

    // A Put remakes the relation even when its attribute stays the same.
    let remake = ModifyPlan {
        writes: vec![
            RelationWrite::Step,
            RelationWrite::Put {
                mid: a,
                fid: d,
                attribute: Attribute::Following,
            },
        ],
        before: Some(Attribute::Following),
        after: Some(Attribute::Following),
        became_mutual: false,
    };
    store
        .modify(a, d, T0 + 9, Box::new(move |_| Ok(remake)))
        .await
        .unwrap();
    let relation = store.relation(a, d).await.unwrap().forward.unwrap();
    assert_eq!(
        (relation.mtime, relation.special, relation.tags),
        (T0 + 9, false, vec![])
    );
    assert!(groups(&store, a, d).await.is_empty());

    assert!(store.special(a).await.unwrap().is_empty());
    assert!(members(&store, a, g).await.is_empty());
    let sizes = store.group_sizes(a).await.unwrap();
    assert_eq!((sizes.special, sizes.grouped, sizes.following), (0, 0, 3));
    assert_eq!(sizes.own[0].count, 0);
}
