//! Pins system accounts (`AccountStore`: created with a user, changed,
//! cleared, listed; how sessions, filters, unread reads and send facts
//! see them) and `CustomerStore` (file records, presence).

use std::sync::Arc;

use super::helpers::{follow, mid, new_user, peek, plain, say, send_facts, us, user, users, T0};
use crate::domain::account::{decide_new_user, decide_profile_update};
use crate::domain::message::session::Talker;
use crate::domain::system::{heartbeat, Place, Presence, SystemAccount, SystemKind};
use crate::domain::Mid;
use crate::store::accounts::ProfileUpdate;
use crate::store::custom::CustomerFile;
use crate::store::messages::{SessionFilter, SessionOrder, SessionQuery};
use crate::store::Store;

pub(super) fn agent_account(name: &str) -> SystemAccount {
    SystemAccount {
        kind: SystemKind::CUSTOMER_SERVICE,
        name: name.into(),
        pic_url: Some("/bfs/face/kefu.png".into()),
    }
}

async fn agent(store: &Arc<dyn Store>, uname: &str) -> Mid {
    let mut account = new_user(uname);
    account.system = Some(agent_account("客服"));
    store
        .create_user(account, Box::new(decide_new_user))
        .await
        .expect("agent created")
}

pub(super) fn set_system(system: Option<SystemAccount>) -> ProfileUpdate {
    ProfileUpdate {
        system: Some(system),
        ..ProfileUpdate::default()
    }
}

pub(crate) async fn system_accounts_are_created_changed_listed_and_cleared(store: Arc<dyn Store>) {
    let kefu = agent(&store, "kefu").await;
    let plain_user = user(&store, "plain").await;
    assert_eq!(
        store.system_account(kefu).await.unwrap(),
        Some(agent_account("客服"))
    );
    assert_eq!(store.system_account(plain_user).await.unwrap(), None);

    let assistant = SystemAccount {
        kind: SystemKind::new(7).unwrap(),
        name: "UP主小助手".into(),
        pic_url: None,
    };
    store
        .update_user(
            plain_user,
            set_system(Some(assistant.clone())),
            Box::new(decide_profile_update),
        )
        .await
        .unwrap();
    let all = store.system_accounts(None).await.unwrap();
    assert_eq!(
        all,
        vec![
            (kefu, "kefu".to_owned(), agent_account("客服")),
            (plain_user, "plain".to_owned(), assistant.clone()),
        ]
    );
    let agents = store
        .system_accounts(Some(SystemKind::CUSTOMER_SERVICE))
        .await
        .unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].0, kefu);

    store
        .update_user(kefu, set_system(None), Box::new(decide_profile_update))
        .await
        .unwrap();
    assert_eq!(store.system_account(kefu).await.unwrap(), None);
    assert_eq!(store.system_accounts(None).await.unwrap().len(), 1);
    // Other profile changes leave the system account as it is.
    store
        .update_user(
            plain_user,
            ProfileUpdate {
                sign: Some("s".into()),
                ..ProfileUpdate::default()
            },
            Box::new(decide_profile_update),
        )
        .await
        .unwrap();
    assert_eq!(
        store.system_account(plain_user).await.unwrap(),
        Some(assistant)
    );
}

pub(crate) async fn sessions_with_system_accounts_show_them(store: Arc<dyn Store>) {
    let [a, friend, stranger] = users(&store, ["a", "friend", "stranger"]).await;
    let kefu = agent(&store, "kefu").await;
    follow(&store, a, friend).await;
    say(&store, friend, a, "hi", us(T0)).await;
    say(&store, stranger, a, "hi", us(T0 + 1)).await;
    say(&store, kefu, a, "您好", us(T0 + 2)).await;
    say(&store, kefu, a, "请问", us(T0 + 3)).await;

    let record = store.session(a, Talker::User(kefu)).await.unwrap().unwrap();
    assert_eq!(record.system, Some(agent_account("客服")));
    assert_eq!(
        store
            .session(a, Talker::User(friend))
            .await
            .unwrap()
            .unwrap()
            .system,
        None
    );
    assert_eq!(
        store
            .session(kefu, Talker::User(a))
            .await
            .unwrap()
            .unwrap()
            .system,
        None,
        "the agent sees the user as a user"
    );

    let listed = |filter| {
        let store = store.clone();
        async move {
            let query = SessionQuery {
                filter,
                order: SessionOrder::SessionTime,
                after_ts: None,
                before_ts: None,
                size: 10,
            };
            let (records, _) = store.sessions(a, query).await.unwrap();
            records.iter().map(|r| r.talker_id).collect::<Vec<_>>()
        }
    };
    let ids = |mids: &[Mid]| mids.iter().map(|m| m.get()).collect::<Vec<_>>();
    assert_eq!(
        listed(SessionFilter::All).await,
        ids(&[kefu, stranger, friend])
    );
    assert_eq!(listed(SessionFilter::System).await, ids(&[kefu]));
    assert_eq!(listed(SessionFilter::Strangers).await, ids(&[stranger]));
    assert_eq!(
        listed(SessionFilter::Unfollowed).await,
        ids(&[kefu, stranger])
    );
    assert_eq!(
        listed(SessionFilter::FollowedOrSystem).await,
        ids(&[kefu, friend])
    );

    let mut unread = store.unread_sessions(a).await.unwrap();
    unread.sort_by_key(|s| s.unread);
    let kinds: Vec<_> = unread.iter().map(|s| (s.system, s.unread)).collect();
    assert_eq!(
        kinds,
        vec![
            (None, 1),
            (None, 1),
            (Some(SystemKind::CUSTOMER_SERVICE), 2)
        ]
    );
}

pub(crate) async fn send_facts_say_who_is_a_system_account(store: Arc<dyn Store>) {
    let a = user(&store, "a").await;
    let kefu = agent(&store, "kefu").await;
    let to_agent = send_facts(&store, plain(a, kefu, us(T0))).await;
    assert_eq!(
        (to_agent.sender_is_system, to_agent.receiver_is_system),
        (false, true)
    );
    let from_agent = send_facts(&store, plain(kefu, a, us(T0))).await;
    assert_eq!(
        (from_agent.sender_is_system, from_agent.receiver_is_system),
        (true, false)
    );
}

pub(crate) async fn customer_files_are_recorded_and_read(store: Arc<dyn Store>) {
    let a = user(&store, "a").await;
    assert_eq!(store.customer_file("k.txt".into()).await.unwrap(), None);
    let file = CustomerFile {
        key: "0123456789abcdef0123456789abcdef.xcf".into(),
        owner: a,
        filename: "报告.xcf".into(),
        mime: "application/octet-stream".into(),
        bytes: 314_572_800,
        created_at: T0,
    };
    store.record_file(file.clone()).await.unwrap();
    assert_eq!(
        store.customer_file(file.key.clone()).await.unwrap(),
        Some(file)
    );
}

pub(crate) async fn heartbeats_keep_presence_per_place(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let shop = Place {
        shop_id: 7,
        shop_father_id: 1,
    };
    let home = Place {
        shop_id: 0,
        shop_father_id: 0,
    };
    let beat = |mid: Mid, place: Place, now: i64| {
        let store = store.clone();
        async move {
            store
                .heartbeat(mid, place, Box::new(move |p| Ok(heartbeat(*p, now, 60))))
                .await
                .unwrap()
        }
    };
    let seen = peek(|d| store.heartbeat(a, shop, d)).await;
    assert_eq!(seen, None, "no presence yet");
    beat(a, shop, T0).await;
    let seen = peek(|d| store.heartbeat(a, shop, d)).await;
    assert_eq!(
        seen,
        Some(Presence {
            first_seen: T0,
            last_seen: T0
        })
    );
    assert_eq!(
        beat(a, shop, T0 + 30).await,
        Presence {
            first_seen: T0,
            last_seen: T0 + 30
        }
    );
    beat(b, home, T0 + 10).await;
    beat(a, home, T0 + 5).await;

    let present = store.presence(T0).await.unwrap();
    let rows: Vec<_> = present
        .iter()
        .map(|p| (p.mid, p.uname.as_str(), p.place, p.presence.last_seen))
        .collect();
    assert_eq!(
        rows,
        vec![
            (a, "a", shop, T0 + 30),
            (b, "b", home, T0 + 10),
            (a, "a", home, T0 + 5),
        ]
    );
    assert_eq!(store.presence(T0 + 11).await.unwrap().len(), 1);
    assert!(store.presence(T0 + 31).await.unwrap().is_empty());
    assert!(store
        .presence(0)
        .await
        .unwrap()
        .iter()
        .all(|p| p.mid != mid(99)));
}

pub(crate) async fn system_sessions_are_the_owners_with_a_message_newest_first(
    store: Arc<dyn Store>,
) {
    let [a, friend] = users(&store, ["a", "friend"]).await;
    let kefu = agent(&store, "kefu").await;
    let kefu2 = agent(&store, "kefu2").await;
    say(&store, kefu, a, "您好", us(T0)).await;
    say(&store, friend, a, "hi", us(T0 + 1)).await;
    say(&store, kefu2, a, "请问", us(T0 + 2)).await;

    let found = store.system_sessions(a).await.unwrap();
    assert_eq!(
        found,
        vec![
            (kefu2, agent_account("客服")),
            (kefu, agent_account("客服"))
        ]
    );
    assert!(
        store.system_sessions(friend).await.unwrap().is_empty(),
        "no system session"
    );
    assert!(
        store.system_sessions(kefu).await.unwrap().is_empty(),
        "the agent's sessions are with users"
    );
}
