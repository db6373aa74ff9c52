//! Drives a sixin server with the published Rust client `bpi-rs`, used
//! unmodified: only the Bilibili hosts it hard-codes are resolved to sixin
//! (`hosts.rs`).
//!
//! ```sh
//! cargo run --manifest-path examples/bpi-rs/Cargo.toml -- http://127.0.0.1:8080 ADMIN_TOKEN
//! ```
//!
//! It creates three users through sixin's admin API, then through bpi-rs:
//! browser ids, nav, a web ticket; sends messages, reads the unread count,
//! polls the session list and the history; every relation act (follow,
//! unfollow, quiet follow and its undo, block, unblock, remove a fan) read
//! back through the counts and the follower / following lists; every
//! follow-group operation (create, rename, add, copy, move, remove, delete);
//! and a QR-code login that one of the users approves. Every answer must
//! decode into bpi-rs's own types with code 0 and the expected content; the
//! program stops at the first difference, prints it and exits with 1.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use bpi_rs::ids::Mid;
use bpi_rs::{BpiClient, BpiError};

use sixin::{Cookies, Sixin};

pub(crate) type Outcome<T = ()> = Result<T, String>;

/// Returns early with a message when a check fails.
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}

mod hosts;
mod messages;
mod qr;
mod relations;
mod sixin;

/// Names a failed bpi-rs call, with the answer it could not decode.
pub(crate) fn failed(call: &'static str) -> impl FnOnce(BpiError) -> String {
    move |error| match error.response_body() {
        Some(body) => format!(
            "{call}: {error}\n  answer: {}",
            String::from_utf8_lossy(body)
        ),
        None => format!("{call}: {error}"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, admin_token] = args.as_slice() else {
        eprintln!("usage: sixin-bpi-rs-example <sixin base URL> <admin token>");
        return ExitCode::from(2);
    };
    match run(base, admin_token).await {
        Ok(()) => {
            println!("bpi-rs drove sixin without a difference");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(base: &str, admin_token: &str) -> Outcome {
    let sixin_address = reqwest::Url::parse(base)
        .map_err(|e| format!("base URL {base}: {e}"))?
        .socket_addrs(|| None)
        .map_err(|e| format!("base URL {base}: {e}"))?
        .into_iter()
        .next()
        .ok_or(format!("base URL {base} resolves to nothing"))?;
    let (proxy, certificate) = hosts::start_forwarder(sixin_address).await?;
    let http = hosts::resolved_client(proxy, &certificate).map_err(|e| e.to_string())?;

    let sixin = Sixin::new(base, admin_token);
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    // Alice and Bob get their cookies from the admin API, Carol logs in with
    // her password.
    let password = "correct horse";
    let alice_mid = sixin
        .add_user(&format!("rs_alice_{stamp}"), password)
        .await?;
    let bob_mid = sixin.add_user(&format!("rs_bob_{stamp}"), password).await?;
    let carol_name = format!("rs_carol_{stamp}");
    let carol_mid = sixin.add_user(&carol_name, password).await?;
    let alice_cookies = &sixin.login(alice_mid).await?;
    let bob_cookies = &sixin.login(bob_mid).await?;
    let carol_cookies = &sixin.password_login(&carol_name, password).await?;
    ensure!(
        carol_cookies.mid == carol_mid,
        "password login: DedeUserID {} for {carol_mid}",
        carol_cookies.mid
    );

    // ANCHOR: anonymous
    let anonymous = BpiClient::builder()
        .reqwest_client(http.clone())
        .build()
        .map_err(failed("build client"))?;
    let buvid = anonymous
        .misc()
        .buvid()
        .await
        .map_err(failed("misc.buvid"))?;
    // ANCHOR_END: anonymous
    ensure!(
        buvid.buvid3.ends_with("infoc") && buvid.buvid4.ends_with("infoc"),
        "finger/spi: unexpected ids {buvid:?}"
    );
    println!("finger/spi: ok {}", buvid.buvid3);

    let alice = logged_in(&http, alice_cookies, &buvid.buvid3)?;
    let bob = logged_in(&http, bob_cookies, &buvid.buvid3)?;
    let carol = logged_in(&http, carol_cookies, &buvid.buvid3)?;
    let (a, b, c) = (alice_cookies.mid, bob_cookies.mid, carol_cookies.mid);

    start_up(&alice, a).await?;
    messages::messages(&alice, &bob, a, b).await?;
    relations::relations(&alice, &bob, &carol, a, b, c).await?;
    relations::groups(&alice, a, b).await?;
    qr::qr_login(&anonymous, &http, &sixin, alice_cookies, &buvid.buvid3).await?;
    Ok(())
}

/// A bpi-rs client logged in with `cookies`.
fn logged_in(http: &reqwest::Client, cookies: &Cookies, buvid3: &str) -> Outcome<BpiClient> {
    // ANCHOR: logged_in
    let client = BpiClient::builder()
        .reqwest_client(http.clone())
        .cookie(cookies.header(buvid3))
        .build()
        .map_err(failed("build client"))?;
    // ANCHOR_END: logged_in
    Ok(client)
}

/// What a client reads first: who it is (nav, also the WBI keys bpi-rs signs
/// `send_msg` with) and a web ticket.
async fn start_up(alice: &BpiClient, a: u64) -> Outcome {
    let nav = alice.login().nav().await.map_err(failed("login.nav"))?;
    ensure!(
        nav.is_login && nav.mid.map(Mid::get) == Some(a),
        "nav: not logged in as {a}: {nav:?}"
    );
    ensure!(
        nav.wbi_img.img_url.ends_with(".png") && nav.wbi_img.sub_url.ends_with(".png"),
        "nav: wbi_img {:?}",
        nav.wbi_img
    );
    println!("nav: ok {}", nav.uname.unwrap_or_default());
    let ticket = alice
        .misc()
        .bili_ticket()
        .await
        .map_err(failed("misc.bili_ticket"))?;
    ensure!(
        ticket.ticket.split('.').count() == 3 && ticket.ttl == 259200,
        "GenWebTicket: {ticket:?}"
    );
    println!("GenWebTicket: ok");
    Ok(())
}
