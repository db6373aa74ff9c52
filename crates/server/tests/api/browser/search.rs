//! Searching your own conversations from the page: the search box, the
//! messages found with the words marked, and a result that opens its
//! conversation.

use super::{browser, person};
use crate::helpers::{assert_code, spawn_app};

const PASSWORD: &str = "correct horse";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_box_finds_your_own_messages_and_opens_their_conversation() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    let bob = person(&app, "bob", PASSWORD).await;
    let carol = person(&app, "carol", PASSWORD).await;
    let (alice_api, bob_api, carol_api) = (
        app.login_as(alice).await,
        app.login_as(bob).await,
        app.login_as(carol).await,
    );
    assert_code(&alice_api.send_text(bob, "周末去爬山吧").await.unwrap(), 0);
    assert_code(
        &bob_api.send_text(alice, "好，爬山要带水").await.unwrap(),
        0,
    );
    assert_code(&bob_api.send_text(carol, "爬山的秘密").await.unwrap(), 0);
    assert_code(&carol_api.send_text(bob, "收到").await.unwrap(), 0);

    let a = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    a.type_into("#search", "爬山").await;
    a.type_into("#search", "\u{E007}").await;
    a.see(".results a.found", "好，爬山要带水").await;
    a.see(".results a.found", "周末去爬山吧").await;
    a.count(".results a.found", 2).await;
    a.see(".results mark", "爬山").await;
    a.screenshot("search").await;

    a.click(".results a.found").await;
    a.find("#composer").await;
    a.see(".messages .message.theirs", "好，爬山要带水").await;

    // Nothing found is said so.
    a.type_into("#search", "秘密").await;
    a.type_into("#search", "\u{E007}").await;
    a.see(".list-pane .empty", "没有找到").await;
    browser.close().await;
}
