//! A fan group in the browser: its session in the list with its name and
//! kind, a conversation live between members, system messages as notes,
//! and a mention made by clicking a member's name.

use super::{browser, person};
use crate::helpers::{assert_code, spawn_app};

const PASSWORD: &str = "correct horse";

fn group_session(group: u64) -> String {
    format!("a.session[data-talker=\"g{group}\"]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_talk_live_in_a_fan_group_and_mention_each_other() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    let bob = person(&app, "bob", PASSWORD).await;
    let carol = person(&app, "carol", PASSWORD).await;
    let group = crate::groups::group_of(&app, alice, "alice的应援团", &[bob, carol]).await;

    let a = browser.window(1200).await;
    let b = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    b.sign_in(&app.base, "bob", PASSWORD).await;

    // The group is in Bob's list, by name and kind.
    b.see(&group_session(group), "alice的应援团").await;
    b.see(&format!("{} .tag", group_session(group)), "应援团")
        .await;
    b.click(&group_session(group)).await;
    b.find("#composer").await;
    b.see(".messages .tip", "欢迎carol入群").await;
    b.see(".conversation-head", "alice的应援团").await;

    // Alice writes in the group: Bob sees it live, with her name.
    a.click(&group_session(group)).await;
    a.find("#composer").await;
    a.type_into("#composer", "大家好").await;
    a.type_into("#composer", "\u{E007}").await;
    a.see(".messages .message.mine", "大家好").await;
    b.see(".messages .message.theirs", "大家好").await;
    b.see(".messages .message.theirs .sender", "alice").await;

    // Bob mentions her by clicking her name; she sees she was mentioned.
    b.click(".messages .message.theirs .sender").await;
    b.type_into("#composer", "你好").await;
    b.type_into("#composer", "\u{E007}").await;
    b.see(".messages .message.mine", "@alice 你好").await;
    a.see(".messages .message.mentions-me", "@alice 你好").await;

    // A member writing through another client appears in both windows.
    let carol_api = app.login_as(carol).await;
    assert_code(
        &carol_api
            .send_group_text(group, "carol 来了", &[])
            .await
            .unwrap(),
        0,
    );
    a.see(".messages .message.theirs", "carol 来了").await;
    b.see(".messages .message.theirs", "carol 来了").await;
    b.screenshot("group-conversation").await;
    browser.close().await;
}
