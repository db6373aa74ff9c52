//! A QR-code login through bpi-rs, approved with sixin's own calls.

use bpi_rs::ids::Mid;
use bpi_rs::login::LoginQrPollParams;
use bpi_rs::BpiClient;

use crate::sixin::{Cookies, Sixin};
use crate::{failed, Outcome};

/// Alice approves the login of an anonymous client.
pub async fn qr_login(
    anonymous: &BpiClient,
    http: &reqwest::Client,
    sixin: &Sixin,
    approver: &Cookies,
    buvid3: &str,
) -> Outcome {
    // ANCHOR: qr_generate
    let qr = anonymous
        .login()
        .qr_generate()
        .await
        .map_err(failed("login.qr_generate"))?;
    println!("show this as a QR code: {}", qr.url);
    let poll = LoginQrPollParams::new(&qr.qrcode_key).map_err(failed("qr params"))?;
    // ANCHOR_END: qr_generate
    ensure!(
        qr.qrcode_key.len() == 32 && qr.url.contains(&qr.qrcode_key),
        "qrcode/generate: {qr:?}"
    );
    let waiting = anonymous
        .login()
        .qr_poll(poll.clone())
        .await
        .map_err(failed("login.qr_poll"))?;
    ensure!(
        waiting.code == 86101,
        "qrcode/poll before scanning: {waiting:?}"
    );
    sixin.qr_step("scan", approver, &qr.qrcode_key).await?;
    let scanned = anonymous
        .login()
        .qr_poll(poll.clone())
        .await
        .map_err(failed("login.qr_poll"))?;
    ensure!(
        scanned.code == 86090,
        "qrcode/poll after scanning: {scanned:?}"
    );
    sixin.qr_step("confirm", approver, &qr.qrcode_key).await?;

    // ANCHOR: qr_poll
    let done = anonymous
        .login()
        .qr_poll(poll)
        .await
        .map_err(failed("login.qr_poll"))?;
    ensure!(done.code == 0, "qrcode/poll after confirming: {done:?}");
    // The answer set the login cookies (SESSDATA, bili_jct, DedeUserID, ...).
    let mut cookie: Vec<String> = done
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    cookie.push(format!("buvid3={buvid3}"));
    let me = BpiClient::builder()
        .reqwest_client(http.clone())
        .cookie(cookie.join("; "))
        .build()
        .map_err(failed("build client"))?;
    let nav = me.login().nav().await.map_err(failed("login.nav"))?;
    // ANCHOR_END: qr_poll
    ensure!(
        nav.mid.map(Mid::get) == Some(approver.mid),
        "nav after the QR login: {nav:?}"
    );
    for name in ["SESSDATA", "bili_jct", "DedeUserID"] {
        ensure!(
            done.cookies.iter().any(|(k, _)| k == name) && done.url.contains(name),
            "qrcode/poll: no {name} in {done:?}"
        );
    }
    println!(
        "QR login: ok, logged in as {}",
        nav.uname.unwrap_or_default()
    );
    Ok(())
}
