//! Finding people and acting from their profile card; settings.

use super::{browser, person};
use crate::helpers::{assert_code, attribute, spawn_app};

const PASSWORD: &str = "correct horse";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_card_follows_and_blocks() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    let bob = person(&app, "bob", PASSWORD).await;
    let alice_api = app.login_as(alice).await;

    let a = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    a.goto(&format!("{}/#/people", app.base)).await;
    a.type_into("#people-search", "BO").await;
    a.type_into("#people-search", "\u{E007}").await;
    a.see(".results .person .name", "bob").await;
    a.click(".results .person-open").await;
    a.see(".dialog .profile .name", "bob").await;

    a.click_text(".dialog .actions button", "关注").await;
    a.see(".dialog .relation", "已关注").await;
    assert_eq!(attribute(&alice_api, bob).await, 2);

    // Bob follows back elsewhere: the open card says so without a reload.
    let bob_api = app.login_as(bob).await;
    crate::helpers::relate(&bob_api, alice, sixin_client::RelationAct::Follow).await;
    a.see(".dialog .relation", "已互粉").await;

    a.click_text(".dialog .actions button", "拉黑").await;
    a.see(".dialog .relation", "已拉黑").await;
    assert_eq!(attribute(&alice_api, bob).await, 128);
    a.click_text(".dialog .actions button", "取消拉黑").await;
    a.no_longer_see(".dialog .relation", "已拉黑").await;
    assert_eq!(attribute(&alice_api, bob).await, 0);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_change_who_may_write_and_the_block_words() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    let alice_api = app.login_as(alice).await;
    let a = browser.window(1200).await;
    a.sign_in(&app.base, "alice", PASSWORD).await;
    a.goto(&format!("{}/#/settings", app.base)).await;
    a.click("#receive-unfollow").await;
    a.see(".toast", "已保存").await;
    let settings = app
        .get_raw(
            "/link_setting/v1/link_setting/get",
            Some(&crate::helpers::cookie_of(&alice_api)),
        )
        .await;
    assert_eq!(settings["data"]["receive_unfollow_msg"], 0, "{settings}");

    a.type_into("#block-word", "剧透").await;
    a.type_into("#block-word", "\u{E007}").await;
    a.see("ul.words", "剧透").await;
    let words = alice_api.block_words().await.unwrap().data.unwrap();
    assert_eq!(words.words.unwrap()[0].content, "剧透");

    // Changed on another device, the page follows without a reload.
    assert_code(&alice_api.add_block_word("结局").await.unwrap(), 0);
    a.see("ul.words", "结局").await;
    let on = app
        .post_form_as(
            &alice_api,
            "/link_setting/v1/link_setting/set",
            &[("receive_unfollow_msg", "1")],
        )
        .await;
    assert_eq!(on["code"], 0, "{on}");
    let deadline = tokio::time::Instant::now() + super::PATIENCE;
    let mut checked = serde_json::Value::Null;
    while checked != serde_json::Value::Bool(true) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the switch never followed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        checked = a
            .run("return document.querySelector('#receive-unfollow').checked")
            .await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qr_code_login_is_approved_from_the_page_its_code_points_at() {
    let Some(mut browser) = browser().await else {
        return;
    };
    let app = spawn_app().await;
    let alice = person(&app, "alice", PASSWORD).await;
    // Another device asks to log in; its QR code shows this URL.
    let device = app.anonymous();
    let started = device.qr_generate().await.unwrap().data.unwrap();
    assert!(started
        .url
        .starts_with(&format!("{}/h5-app/passport/login/scan?", app.base)));

    let phone = browser.window(390).await;
    phone.goto(&started.url).await;
    phone.see("main", "请先在本机登录").await;
    phone.type_into("#username", "alice").await;
    phone.type_into("#password", PASSWORD).await;
    phone.click("form button[type=submit]").await;
    phone.see("main h1", "登录确认").await;
    phone.click("main button.primary").await;
    phone.see("main", "已批准").await;

    let (polled, logged_in) = device.qr_poll(&started.qrcode_key).await.unwrap();
    assert_eq!(polled.data.unwrap().code, 0, "the other device is in");
    let me = logged_in.expect("cookies").nav().await.unwrap();
    assert_eq!(me.data.unwrap()["mid"], alice);
    browser.close().await;
}
