//! Every POST endpoint takes its parameters in every format clients send: a
//! url-encoded body, a multipart body, or the query string, with the same
//! precedence (body over query, last occurrence wins) and the same csrf
//! check; a body no form endpoint takes is a -400 that says so.

use reqwest::multipart;
use serde_json::{json, Value};
use sixin_api::admin::CreateUser;
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::{acquainted, cookie_of, spawn_app, TestApp};

#[derive(Debug, Clone, Copy)]
enum Format {
    UrlEncoded,
    Multipart,
    Query,
}

const FORMATS: [Format; 3] = [Format::UrlEncoded, Format::Multipart, Format::Query];

/// `POST path` with `params` in `format`, with `cookie`; the raw answer.
async fn post(
    app: &TestApp,
    format: Format,
    path: &str,
    cookie: &str,
    params: &[(&str, String)],
) -> Value {
    let url = format!("{}{path}", app.base);
    let request = match format {
        Format::UrlEncoded => app.http.post(url).form(params),
        Format::Multipart => {
            let form = params
                .iter()
                .fold(multipart::Form::new(), |form, (name, value)| {
                    form.text(name.to_string(), value.clone())
                });
            app.http.post(url).multipart(form)
        }
        Format::Query => {
            let query = serde_urlencoded::to_string(params).unwrap();
            app.http.post(format!("{url}?{query}"))
        }
    };
    let response = request
        .header("Cookie", cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "POST {path} answers HTTP 200");
    response.json().await.expect("json body")
}

/// A user's session as the pieces a raw request needs.
struct Caller {
    cookie: String,
    csrf: String,
    client: Client,
}

impl Caller {
    fn of(client: Client) -> Caller {
        Caller {
            cookie: cookie_of(&client),
            csrf: client.cookies().unwrap().bili_jct.clone(),
            client,
        }
    }

    /// `params` followed by this session's `csrf`.
    fn with_csrf(&self, params: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
        let mut params = params.to_vec();
        params.push(("csrf", self.csrf.clone()));
        params
    }
}

/// Each POST endpoint of the message and relation families, called in one
/// format, answers 0 and does what it says.
async fn every_endpoint_works_in(format: Format) {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let carol = app.create_user("carol").await;
    let alice = Caller::of(alice);
    let bob = Caller::of(bob);
    let call = |path: &'static str, params: Vec<(&'static str, String)>| {
        let app = &app;
        let alice = &alice;
        async move {
            let answer = post(app, format, path, &alice.cookie, &alice.with_csrf(&params)).await;
            assert_eq!(answer["code"], 0, "{format:?} {path}: {answer}");
            answer
        }
    };

    let sent = call(
        "/web_im/v1/web_im/send_msg",
        vec![
            ("msg[sender_uid]", a.to_string()),
            ("msg[receiver_id]", b.to_string()),
            ("msg[receiver_type]", "1".into()),
            ("msg[msg_type]", "1".into()),
            ("msg[content]", r#"{"content":"多种格式"}"#.into()),
        ],
    )
    .await;
    assert!(sent["data"]["msg_key"].as_u64().unwrap() > 0);
    let history = bob
        .client
        .fetch_session_msgs(a, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let newest = &history.messages.unwrap()[0];
    assert_eq!(newest.content, r#"{"content":"多种格式"}"#);

    call(
        "/x/relation/modify",
        vec![("fid", b.to_string()), ("act", "1".into())],
    )
    .await;
    call(
        "/x/relation/batch/modify",
        vec![("fids", carol.to_string()), ("act", "1".into())],
    )
    .await;
    let pals = call("/x/relation/tag/create", vec![("tag", "pals".into())]).await["data"]["tagid"]
        .as_i64()
        .unwrap();
    let work = call("/x/relation/tag/create", vec![("tag", "work".into())]).await["data"]["tagid"]
        .as_i64()
        .unwrap();
    call(
        "/x/relation/tags/addUsers",
        vec![("fids", b.to_string()), ("tagids", pals.to_string())],
    )
    .await;
    call(
        "/x/relation/tags/copyUsers",
        vec![("fids", carol.to_string()), ("tagids", work.to_string())],
    )
    .await;
    call(
        "/x/relation/tags/moveUsers",
        vec![
            ("beforeTagids", work.to_string()),
            ("afterTagids", pals.to_string()),
            ("fids", carol.to_string()),
        ],
    )
    .await;
    call(
        "/x/relation/tag/update",
        vec![("tagid", pals.to_string()), ("name", "friends".into())],
    )
    .await;
    call("/x/relation/tag/del", vec![("tagid", work.to_string())]).await;
    let tags = alice.client.tags().await.unwrap().into_data().unwrap();
    let friends = tags
        .iter()
        .find(|t| t.tagid == pals)
        .expect("renamed group");
    assert_eq!((friends.name.as_str(), friends.count), ("friends", 2));
    assert!(tags.iter().all(|t| t.tagid != work), "work was deleted");

    let session = |extra: &[(&'static str, String)]| {
        let mut params = vec![("talker_id", b.to_string()), ("session_type", "1".into())];
        params.extend_from_slice(extra);
        params
    };
    call(
        "/session_svr/v1/session_svr/update_ack",
        session(&[("ack_seqno", history.max_seqno.to_string())]),
    )
    .await;
    call(
        "/session_svr/v1/session_svr/set_top",
        session(&[("op_type", "0".into())]),
    )
    .await;
    let detail = alice
        .client
        .session_detail(b)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(detail.top_ts > 0, "{format:?}: pinned");
    call(
        "/session_svr/v1/session_svr/update_intercept",
        vec![("talker_id", b.to_string()), ("status", "1".into())],
    )
    .await;
    call(
        "/session_svr/v1/session_svr/batch_update_dustbin_ack",
        vec![],
    )
    .await;
    call("/session_svr/v1/session_svr/batch_rm_dustbin", vec![]).await;
    call("/session_svr/v1/session_svr/remove_session", session(&[])).await;

    call("/link_setting/v1/link_setting/get", vec![]).await;
    call(
        "/link_setting/v1/link_setting/set",
        vec![("receive_unfollow_msg", "0".into())],
    )
    .await;
    let (_, stranger) = app.user("dave").await;
    let refused = stranger.send_text(a, "hello?").await.unwrap();
    assert_eq!(refused.code, 25003, "{format:?}: the setting took effect");
    call(
        "/link_setting/v1/link_setting/set_msg_dnd",
        vec![("setting", "1".into()), ("dnd_uid", b.to_string())],
    )
    .await;
    call(
        "/link_setting/v1/link_setting/set_push_ss",
        vec![("talker_uid", b.to_string()), ("setting", "1".into())],
    )
    .await;

    let logout = post(
        &app,
        format,
        "/login/exit/v2",
        &alice.cookie,
        &[("biliCSRF", alice.csrf.clone())],
    )
    .await;
    assert_eq!(logout["code"], 0, "{format:?}: {logout}");
    assert_eq!(alice.client.nav().await.unwrap().code, -101, "logged out");
}

#[tokio::test]
async fn every_post_endpoint_reads_a_url_encoded_body() {
    every_endpoint_works_in(Format::UrlEncoded).await;
}

#[tokio::test]
async fn every_post_endpoint_reads_a_multipart_body() {
    every_endpoint_works_in(Format::Multipart).await;
}

#[tokio::test]
async fn every_post_endpoint_reads_parameters_from_the_query_string() {
    every_endpoint_works_in(Format::Query).await;
}

#[tokio::test]
async fn password_login_reads_every_format() {
    let app = spawn_app().await;
    app.admin
        .create_user(&CreateUser {
            uname: "dora".into(),
            password: Some("correct horse".into()),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    for format in FORMATS {
        let params = [
            ("username", "dora".to_owned()),
            ("password", "correct horse".to_owned()),
        ];
        let answer = post(&app, format, "/x/passport-login/web/login", "", &params).await;
        assert_eq!(answer["code"], 0, "{format:?}: {answer}");
    }
}

#[tokio::test]
async fn the_csrf_check_is_the_same_in_every_format() {
    let app = spawn_app().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let alice = Caller::of(alice);
    for format in FORMATS {
        for csrf in [None, Some("wrong".to_owned())] {
            let mut params = vec![("fid", b.to_string()), ("act", "1".to_owned())];
            if let Some(csrf) = csrf.clone() {
                params.push(("csrf", csrf));
            }
            let answer = post(&app, format, "/x/relation/modify", &alice.cookie, &params).await;
            assert_eq!(
                answer,
                json!({"code": -111, "message": "csrf校验失败", "ttl": 1}),
                "{format:?} csrf {csrf:?}"
            );
        }
    }
    assert_eq!(crate::helpers::attribute(&alice.client, b).await, 0);
}

#[tokio::test]
async fn the_body_wins_over_the_query_string_in_every_body_format() {
    let app = spawn_app().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let alice = Caller::of(alice);
    let body = alice.with_csrf(&[("fid", b.to_string()), ("act", "5".into())]);
    // The query string asks for a follow, the body for a block: the block wins.
    let url = format!("{}/x/relation/modify?act=1&fid={b}", app.base);
    let multipart_body = body
        .iter()
        .fold(multipart::Form::new(), |form, (name, value)| {
            form.text(name.to_string(), value.clone())
        });
    let answer: Value = app
        .http
        .post(&url)
        .header("Cookie", &alice.cookie)
        .multipart(multipart_body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(crate::helpers::attribute(&alice.client, b).await, 128);
    // Url-encoded, the last of a repeated parameter wins: unblock.
    let answer: Value = app
        .http
        .post(&url)
        .header("Cookie", &alice.cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("fid={b}&act=5&act=6&csrf={}", alice.csrf))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(crate::helpers::attribute(&alice.client, b).await, 0);
}

#[tokio::test]
async fn a_body_in_a_format_no_form_endpoint_takes_is_a_clear_minus_400() {
    let app = spawn_app().await;
    let (_, alice, b, _) = acquainted(&app).await;
    let alice = Caller::of(alice);
    let cases = [
        (
            "application/json",
            json!({"fid": b, "act": 1, "csrf": alice.csrf}).to_string(),
            "请求错误: the body must be application/x-www-form-urlencoded or multipart/form-data, not application/json",
        ),
        (
            "multipart/form-data",
            format!("fid={b}&act=1&csrf={}", alice.csrf),
            "请求错误: multipart/form-data without a boundary",
        ),
    ];
    for (content_type, body, message) in cases {
        let answer = app
            .post_raw(
                "/x/relation/modify",
                Some(&alice.cookie),
                content_type,
                body,
            )
            .await;
        assert_eq!(
            answer,
            json!({"code": -400, "message": message, "ttl": 1}),
            "{content_type}"
        );
    }
    let oversized = format!(
        "fid={b}&act=1&csrf={}&pad={}",
        alice.csrf,
        "x".repeat(300 * 1024)
    );
    let answer = app
        .post_raw(
            "/x/relation/modify",
            Some(&alice.cookie),
            "application/x-www-form-urlencoded",
            oversized,
        )
        .await;
    assert_eq!(
        answer["message"],
        "请求错误: the body is larger than 256 KiB"
    );
    assert_eq!(crate::helpers::attribute(&alice.client, b).await, 0);
}
