//! Two people chat live in two Chromium windows; messages sent by other
//! clients appear without a reload; refusals read as sentences.

use std::path::Path;

use fantoccini::Locator;
use sixin_client::{EnvelopeExt, RelationAct};

use super::{browser, person, Window};
use crate::helpers::{assert_code, relate, spawn_app, spawn_app_with};

const PASSWORD: &str = "correct horse";

/// The session entry of `talker` in the list.
fn session_of(talker: u64) -> String {
    format!("a.session[data-talker=\"{talker}\"]")
}

async fn open_chat(window: &Window, talker: u64) {
    window.click(&session_of(talker)).await;
    window.find("#composer").await;
}

async fn send(window: &Window, text: &str) {
    window.type_into("#composer", text).await;
    window.type_into("#composer", "\u{E007}").await; // Enter
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_chat_live_in_two_browser_windows() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    let bob = person(&app, "bob", PASSWORD).await;
    let bob_api = app.login_as(bob).await;
    assert_code(&bob_api.send_text(alice, "hi alice").await.unwrap(), 0);

    let a = browser.window(1200).await;
    let b = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    b.sign_in(&app.base, "bob", PASSWORD).await;

    // Alice sees Bob's message waiting, counted in the title.
    a.see(&session_of(bob), "hi alice").await;
    a.see(&format!("{} .badge", session_of(bob)), "1").await;
    a.title_is("(1) 私信").await;

    // Reading it clears the badge and the title.
    open_chat(&a, bob).await;
    a.see(".messages .message.theirs", "hi alice").await;
    a.count(&format!("{} .badge", session_of(bob)), 0).await;
    a.title_is("私信").await;

    // Text: Bob sees it arrive without reloading, unread.
    send(&a, "你好 bob").await;
    a.see(".messages .message.mine", "你好 bob").await;
    b.see(&session_of(alice), "你好 bob").await;
    b.see(&format!("{} .badge", session_of(alice)), "1").await;
    b.title_is("(1) 私信").await;

    // An emoji from the picker.
    a.click("button[aria-label=\"表情\"]").await;
    a.click(".emoji-picker button[title=\"[doge]\"]").await;
    a.type_into("#composer", "\u{E007}").await;
    a.find(".messages .message.mine img.emote[alt=\"[doge]\"]")
        .await;

    // An image.
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/noface.png");
    a.type_into(".composer input[type=file]", &png.display().to_string())
        .await;
    a.find(".messages .message.mine .picture img").await;

    // Bob opens the conversation: all three are there.
    open_chat(&b, alice).await;
    b.see(".messages .message.theirs", "你好 bob").await;
    b.find(".messages .message.theirs img.emote[alt=\"[doge]\"]")
        .await;
    b.find(".messages .message.theirs .picture img").await;
    b.title_is("私信").await;

    // Bob replies; Alice, in the conversation, sees him typing, then the
    // reply at once.
    b.type_into("#composer", "收到").await;
    a.see(".typing", "对方正在输入").await;
    b.type_into("#composer", "\u{E007}").await;
    a.see(".messages .message.theirs", "收到").await;
    a.no_longer_see(".typing", "对方正在输入").await;

    // Bob recalls his reply: both see it recalled.
    // (The recall button of his own message: found afresh at the click.)
    b.click_at(Locator::XPath(
        "//li[contains(@class,'message') and contains(@class,'mine')][.//span[text()='收到']]\
         //button[contains(concat(' ',normalize-space(@class),' '),' recall ')]",
    ))
    .await;
    b.see(".messages .tip", "你撤回了一条消息").await;
    a.see(".messages .tip", "对方撤回了一条消息").await;
    a.no_longer_see(".messages .message", "收到").await;

    // A message from another client (the API) appears live, and the
    // conversation view is captured.
    assert_code(
        &bob_api
            .send_text(alice, "from another client")
            .await
            .unwrap(),
        0,
    );
    a.see(".messages .message.theirs", "from another client")
        .await;
    a.screenshot("conversation").await;
    b.screenshot("conversation-bob").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_read_as_sentences() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    person(&app, "alice", PASSWORD).await;
    let dave = person(&app, "dave", PASSWORD).await;
    // Dave takes messages only from people he follows.
    let dave_api = app.login_as(dave).await;
    let off = app
        .post_form_as(
            &dave_api,
            "/link_setting/v1/link_setting/set",
            &[("receive_unfollow_msg", "0")],
        )
        .await;
    assert_eq!(off["code"], 0, "{off}");

    let a = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    a.goto(&format!("{}/#/chat/{dave}", app.base)).await;
    a.find("#composer").await;
    send(&a, "hello?").await;
    a.see(".toast.error", "对方设置了不接收未关注人的消息")
        .await;
    let shown = a.texts(".toast").await.join(" ");
    assert!(!shown.contains("25003"), "no code in {shown:?}");

    // Switched to English, the same refusal in English.
    a.click("header.top .me button.link").await;
    a.find("#composer").await;
    send(&a, "hello again?").await;
    a.see(
        ".toast.error",
        "They accept messages only from people they follow",
    )
    .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_users_explains_how_to_create_one_and_sign_in_explains_failures() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app_with(|_| {}).await;
    let a = browser.window(1200).await;
    a.goto(&app.base).await;
    a.see("#first-run h1", "欢迎使用 sixin").await;
    a.see("#first-run pre", "sixin user add").await;

    person(&app, "alice", PASSWORD).await;
    a.goto(&app.base).await;
    a.type_into("#username", "alice").await;
    a.type_into("#password", "wrong").await;
    a.click("form button[type=submit]").await;
    a.see(".error", "用户名或密码错误").await;

    // Signed in, then out.
    a.clear("#password").await;
    a.type_into("#password", PASSWORD).await;
    a.click("form button[type=submit]").await;
    a.see("header.top .my-name", "alice").await;
    a.see(".empty", "还没有会话").await;
    a.click_at(Locator::XPath("//button[text()='退出登录']"))
        .await;
    a.find("#username").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_list_and_the_conversation_take_turns_and_all_can_be_marked_read() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    let bob = person(&app, "bob", PASSWORD).await;
    let bob_api = app.login_as(bob).await;
    relate(&bob_api, alice, RelationAct::Follow).await;
    assert_code(&bob_api.send_text(alice, "on the go").await.unwrap(), 0);
    let phone = browser.window(390).await;
    phone.sign_in(&app.base, "alice", PASSWORD).await;
    phone.title_is("(1) 私信").await;
    phone.click("button.read-all").await;
    phone.count(&format!("{} .badge", session_of(bob)), 0).await;
    phone.title_is("私信").await;
    assert_eq!(alice_unread(&app, alice, bob).await, 0, "marked read");
    open_chat(&phone, bob).await;
    phone.see(".messages", "on the go").await;
    let list_shown = phone
        .run("return getComputedStyle(document.querySelector('.list-pane')).display")
        .await;
    assert_eq!(
        list_shown, "none",
        "the list makes way for the conversation"
    );
    phone.click(".conversation-head .back-link").await;
    phone.find(&session_of(bob)).await;
    phone.screenshot("phone-list").await;
    browser.close().await;
}

async fn alice_unread(app: &crate::helpers::TestApp, alice: u64, bob: u64) -> u64 {
    app.login_as(alice)
        .await
        .session_detail(bob)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .unread_count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrolling_up_loads_older_messages_until_the_first() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app_with(|c| c.send_burst = 1000).await;
    let alice = person(&app, "alice", PASSWORD).await;
    let bob = person(&app, "bob", PASSWORD).await;
    let alice_api = app.login_as(alice).await;
    relate(&alice_api, bob, RelationAct::Follow).await;
    let bob_api = app.login_as(bob).await;
    for i in 1..=70 {
        assert_code(
            &bob_api
                .send_text(alice, &format!("message {i:02}"))
                .await
                .unwrap(),
            0,
        );
    }
    let a = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    open_chat(&a, bob).await;
    a.see(".messages .message", "message 70").await;
    let shown = a.texts(".messages .message").await;
    assert!(
        !shown.iter().any(|t| t.contains("message 01")),
        "the first page is the newest only: {} shown",
        shown.len()
    );
    // Scroll to the top until the history's beginning shows.
    let deadline = tokio::time::Instant::now() + super::PATIENCE;
    loop {
        a.run(
            "document.querySelector('.messages').scrollTop = 0; \
               document.querySelector('.messages').dispatchEvent(new Event('scroll'))",
        )
        .await;
        if a.texts(".messages .notice")
            .await
            .iter()
            .any(|t| t.contains("没有更早的消息了"))
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "older pages never ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    a.see(".messages .message", "message 01").await;
    a.count(".messages .message", 70).await;
    browser.close().await;
}
