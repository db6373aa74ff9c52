//! Golden transcript: QR-code login, from the browser's side (generate,
//! poll) and the approving user's (scan, confirm), and the start-up calls
//! web clients make before it (spi, ExClimbWuzhi, GenWebTicket).

use reqwest::Method;

use super::{As, Recorder};
use crate::helpers::spawn_app_with_clock;

#[tokio::test]
async fn qrlogin_transcript() {
    let (app, clock) = spawn_app_with_clock().await;
    let mut rec = Recorder::new(&app, "qrlogin");
    let alice_mid = app.create_user("alice").await;
    let alice = app.login_as(alice_mid).await;
    let bob = app.login_as(app.create_user("bob").await).await;

    rec.note("start-up calls of web clients");
    rec.get("/x/frontend/finger/spi", As::Nobody).await;
    rec.raw(
        Method::POST,
        "/x/internal/gaia-gateway/ExClimbWuzhi",
        As::Nobody,
        "application/json",
        r#"{"payload":"{\"3064\":1,\"df35\":\"x\"}"}"#,
    )
    .await;
    let ticket = "/bapis/bilibili.api.ticket.v1.Ticket/GenWebTicket";
    rec.post(
        &format!("{ticket}?key_id=ec02&hexsign=0123abcd&context%5Bts%5D=1700000000&csrf="),
        As::Nobody,
        &[],
    )
    .await;
    rec.post(&format!("{ticket}?key_id=ec02"), As::Nobody, &[])
        .await;

    rec.note("a browser asks for a key and polls it while alice scans and confirms");
    let generated = rec
        .get("/x/passport-login/web/qrcode/generate", As::Nobody)
        .await;
    let key = generated["data"]["qrcode_key"].as_str().unwrap().to_owned();
    let poll = format!("/x/passport-login/web/qrcode/poll?qrcode_key={key}&source=main-fe-header");
    let form = [("qrcode_key", key.as_str())];
    rec.get(&poll, As::Nobody).await;
    rec.post("/x/sixin/qrcode/confirm", As::User(&alice), &form)
        .await;
    rec.post("/x/sixin/qrcode/scan", As::User(&alice), &form)
        .await;
    rec.get(&poll, As::Nobody).await;
    rec.post("/x/sixin/qrcode/scan", As::User(&bob), &form)
        .await;
    rec.post("/x/sixin/qrcode/confirm", As::User(&bob), &form)
        .await;
    rec.post("/x/sixin/qrcode/confirm", As::User(&alice), &form)
        .await;
    rec.get(&poll, As::Nobody).await;
    rec.get(&poll, As::Nobody).await;
    rec.post("/x/sixin/qrcode/confirm", As::User(&alice), &form)
        .await;

    rec.note("who may approve");
    let other = rec
        .get("/x/passport-login/web/qrcode/generate", As::Nobody)
        .await;
    let other = other["data"]["qrcode_key"].as_str().unwrap().to_owned();
    let form = [("qrcode_key", other.as_str())];
    rec.post("/x/sixin/qrcode/scan", As::Nobody, &form).await;
    rec.post("/x/sixin/qrcode/scan", As::UserNoCsrf(&alice), &form)
        .await;
    rec.post("/x/sixin/qrcode/scan", As::User(&alice), &[])
        .await;

    rec.note("unknown, missing and expired keys");
    rec.get(
        "/x/passport-login/web/qrcode/poll?qrcode_key=0123456789abcdef0123456789abcdef",
        As::Nobody,
    )
    .await;
    rec.get("/x/passport-login/web/qrcode/poll", As::Nobody)
        .await;
    clock.advance_secs(180);
    rec.get(
        &format!("/x/passport-login/web/qrcode/poll?qrcode_key={other}"),
        As::Nobody,
    )
    .await;
    rec.post("/x/sixin/qrcode/scan", As::User(&alice), &form)
        .await;
    rec.finish();
}
