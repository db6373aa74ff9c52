//! sixin's own directory for its web client: `/sixin/v1/instance`,
//! `/sixin/v1/users`, `/sixin/v1/users/search`.

use crate::helpers::{cookie_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_instance_says_whether_anyone_has_an_account_and_its_limits() {
    let app = spawn_app_with(|c| c.recall_window_secs = 300).await;
    let before = app.get_raw("/sixin/v1/instance", None).await;
    assert_eq!(before["code"], 0);
    assert_eq!(before["data"]["has_users"], false);
    assert_eq!(before["data"]["recall_window_secs"], 300);
    assert_eq!(before["data"]["max_msg_bytes"], 2000);
    app.create_user("alice").await;
    let after = app.get_raw("/sixin/v1/instance", None).await;
    assert_eq!(after["data"]["has_users"], true);
}

#[tokio::test]
async fn users_are_listed_by_mid_in_the_order_asked() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let b = app.create_user("bob").await;
    let cookie = cookie_of(&alice);
    let found = app
        .get_raw(
            &format!("/sixin/v1/users?mids={b},{a},987654"),
            Some(&cookie),
        )
        .await;
    assert_eq!(found["code"], 0, "{found}");
    let list = found["data"].as_array().unwrap();
    assert_eq!(list.len(), 2, "the unknown one is left out");
    assert_eq!(list[0]["mid"], b);
    assert_eq!(list[0]["uname"], "bob");
    assert_eq!(
        list[0]["face"],
        format!("{}/bfs/face/member/noface.png", app.base)
    );
    assert_eq!(list[1]["uname"], "alice");
    let bad = app.get_raw("/sixin/v1/users?mids=1,x", Some(&cookie)).await;
    assert_eq!(bad["code"], -400);
    assert!(bad["message"].as_str().unwrap().contains("mids"), "{bad}");
    let anonymous = app
        .get_raw(&format!("/sixin/v1/users?mids={a}"), None)
        .await;
    assert_eq!(anonymous["code"], -101);
}

#[tokio::test]
async fn users_are_found_by_mid_or_part_of_their_name() {
    let app = spawn_app().await;
    let (_, alice) = app.user("Hannah").await;
    let anna = app.create_user("anna").await;
    app.create_user("bob").await;
    let cookie = cookie_of(&alice);
    let names = |v: serde_json::Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["uname"].as_str().unwrap().to_owned())
            .collect()
    };
    let by_name = app
        .get_raw("/sixin/v1/users/search?keyword=NN", Some(&cookie))
        .await;
    assert_eq!(names(by_name), ["Hannah", "anna"]);
    let by_mid = app
        .get_raw(
            &format!("/sixin/v1/users/search?keyword={anna}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(names(by_mid)[0], "anna");
    let blank = app
        .get_raw("/sixin/v1/users/search?keyword=%20", Some(&cookie))
        .await;
    assert_eq!(names(blank), Vec::<String>::new());
}

#[tokio::test]
async fn the_emoji_catalogue_is_listed_as_e_infos() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let listed = app
        .get_raw("/sixin/v1/emotes", Some(&cookie_of(&alice)))
        .await;
    let emotes = listed["data"].as_array().expect("a list");
    assert!(emotes.len() >= 30, "{}", emotes.len());
    let doge = emotes
        .iter()
        .find(|e| e["text"] == "[tv_doge]")
        .expect("[tv_doge] is in the catalogue");
    assert!(
        doge["url"].as_str().unwrap().starts_with(&app.base),
        "{doge}"
    );
    assert_eq!(doge["url"], doge["uri"]);
    assert_eq!(app.get_raw("/sixin/v1/emotes", None).await["code"], -101);
}
