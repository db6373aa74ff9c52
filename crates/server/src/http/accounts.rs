//! What clients call first: `nav` and `myinfo`, and password login / logout.

use crate::http::reply::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde_json::json;
use sixin_api::account::{
    AccountVip, LevelInfo, LoginForm, LoginResult, LogoutForm, LogoutResult, MyInfo, Nav,
    NavAnonymous, Official, OfficialVerify, Pendant, Profession, VipInput, VipLabel, Wallet,
};
use sixin_api::{Code, Envelope};

use super::assets::{face_url, wbi_img};
use super::auth::{CurrentUser, MaybeUser};
use super::client::ClientAddr;
use super::error::Shape;
use super::extract::Form;
use super::routes::{Auth, Doc, Routes};
use super::state::AppState;
use crate::domain::Profile;
use crate::error::Error;
use crate::service::accounts::SessionTokens;

pub fn router() -> Routes {
    use Code::*;
    Routes::new(Shape::Plain)
        .get(
            "/x/web-interface/nav",
            get_nav,
            Doc::new("Who is logged in, and the WBI keys")
                .describe(
                    "Without a session: code -101 with `data` `{isLogin: false, wbi_img}` \
                     (NavAnonymous).",
                )
                .auth(Auth::Optional)
                .data::<Nav>()
                .codes(&[NotLoggedIn]),
        )
        .get(
            "/x/space/myinfo",
            get_myinfo,
            Doc::new("The caller's own profile")
                .auth(Auth::Login)
                .data::<MyInfo>(),
        )
        .post(
            "/x/passport-login/web/login",
            login,
            Doc::new("Password login; the session arrives as cookies")
                .form::<LoginForm>()
                .data::<LoginResult>()
                .codes(&[
                    EmptyCredentials,
                    WrongPassword,
                    TooManyLoginFailures,
                    AccountDisabled,
                    TooFrequent,
                ]),
        )
        .post(
            "/login/exit/v2",
            logout,
            Doc::new("End the session (biliCSRF is the session's bili_jct)")
                .auth(Auth::Login)
                .form::<LogoutForm>()
                .own_json::<LogoutResult>()
                .codes(&[LogoutCsrfInvalid]),
        )
}

/// Every user is shown at the top level: level 6 has no next level.
fn level_info() -> LevelInfo {
    LevelInfo {
        current_level: 6,
        current_min: 28800,
        current_exp: 28800,
        next_exp: json!("--"),
    }
}

fn official(ov: &OfficialVerify) -> Official {
    Official {
        role: if ov.kind < 0 { 0 } else { ov.kind + 1 },
        title: ov.desc.clone(),
        desc: String::new(),
        kind: if ov.kind < 0 { -1 } else { 0 },
    }
}

fn account_vip(vip: &VipInput) -> AccountVip {
    let active = vip.vip_status == 1 && vip.vip_type > 0;
    let (text, theme, role) = match (active, vip.vip_type) {
        (false, _) => ("", "", 0),
        (true, 1) => ("大会员", "vip", 1),
        (true, _) => ("年度大会员", "annual_vip", 3),
    };
    AccountVip {
        kind: vip.vip_type,
        status: vip.vip_status,
        due_date: vip.vip_due_date,
        vip_pay_type: 0,
        theme_type: 0,
        label: VipLabel {
            path: String::new(),
            text: text.into(),
            label_theme: theme.into(),
            text_color: if active {
                "#FFFFFF".into()
            } else {
                String::new()
            },
            bg_style: i64::from(active),
            bg_color: if active {
                "#FB7299".into()
            } else {
                String::new()
            },
            border_color: String::new(),
        },
        avatar_subscript: i64::from(active),
        nickname_color: if active {
            "#FB7299".into()
        } else {
            String::new()
        },
        role,
        avatar_subscript_url: String::new(),
    }
}

async fn own_profile(state: &AppState, user: &CurrentUser) -> Result<Profile, Error> {
    state
        .services
        .accounts
        .profile(user.mid)
        .await?
        .ok_or_else(|| Code::NotLoggedIn.into())
}

/// GET /x/web-interface/nav
///
/// Logged out: code -101 and yet a `data` with `isLogin: false` and `wbi_img`,
/// because clients read the WBI keys from here before logging in.
async fn get_nav(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    let profile = match &user {
        Some(user) => state.services.accounts.profile(user.mid).await,
        None => Ok(None),
    };
    let profile = match profile {
        Ok(profile) => profile,
        Err(err) => return err.into_response(),
    };
    let Some(p) = profile else {
        let mut envelope = Envelope::ok(NavAnonymous {
            is_login: false,
            wbi_img: wbi_img(&state),
        });
        envelope.code = Code::NotLoggedIn.number();
        envelope.message = Code::NotLoggedIn.message().into();
        return super::error::with_code(Json(envelope).into_response(), Code::NotLoggedIn);
    };
    let vip = account_vip(&p.vip);
    let nav = Nav {
        is_login: true,
        email_verified: 0,
        face: face_url(&state, p.face.as_deref()),
        face_nft: 0,
        face_nft_type: 0,
        level_info: level_info(),
        mid: p.mid.get(),
        mobile_verified: 1,
        money: 0.0,
        moral: 70,
        official: official(&p.official_verify),
        official_verify: p.official_verify.clone(),
        pendant: Pendant::default(),
        scores: 0,
        uname: p.uname.clone(),
        vip_due_date: p.vip.vip_due_date,
        vip_status: p.vip.vip_status,
        vip_type: p.vip.vip_type,
        vip_pay_type: 0,
        vip_theme_type: 0,
        vip_label: vip.label.clone(),
        vip_avatar_subscript: vip.avatar_subscript,
        vip_nickname_color: vip.nickname_color.clone(),
        vip,
        wallet: Wallet {
            mid: p.mid.get(),
            bcoin_balance: 0.0,
            coupon_balance: 0.0,
            coupon_due_time: 0,
        },
        has_shop: false,
        shop_url: String::new(),
        allowance_count: 0,
        answer_status: 0,
        is_senior_member: 0,
        wbi_img: wbi_img(&state),
        is_jury: false,
    };
    Json(Envelope::ok(nav)).into_response()
}

/// GET /x/space/myinfo
async fn get_myinfo(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<MyInfo>>, Error> {
    let p = own_profile(&state, &user).await?;
    let counts = state.services.relations.counts(user.mid).await?;
    Ok(Json(Envelope::ok(MyInfo {
        mid: p.mid.get(),
        name: p.uname.clone(),
        sex: "保密".into(),
        face: face_url(&state, p.face.as_deref()),
        sign: p.sign.clone(),
        rank: 10000,
        level: 6,
        jointime: 0,
        moral: 70,
        silence: 0,
        email_status: 0,
        tel_status: 1,
        identification: 1,
        vip: account_vip(&p.vip),
        pendant: Pendant::default(),
        official: official(&p.official_verify),
        birthday: 0,
        is_tourist: 0,
        is_fake_account: 0,
        pin_prompting: 0,
        is_deleted: 0,
        in_reg_audit: 0,
        is_rip_user: false,
        profession: Profession::default(),
        level_exp: LevelInfo {
            next_exp: json!(-1),
            ..level_info()
        },
        coins: 0.0,
        following: counts.following,
        follower: counts.follower,
    })))
}

/// The `Set-Cookie` headers for a new session (or, with `None`, clearing
/// them): the five cookies Bilibili's logins set (`SESSDATA`, `bili_jct`,
/// `DedeUserID`, `DedeUserID__ckMd5`, `sid`), for every way of logging in. `secure`
/// (clients reach the server over https) marks them `Secure`.
pub(super) fn session_cookies(
    tokens: Option<&SessionTokens>,
    now: i64,
    secure: bool,
) -> Vec<(axum::http::HeaderName, String)> {
    let (expiry, values) = match tokens {
        Some(t) => (
            format!("Max-Age={}", (t.expires - now).max(0)),
            [
                t.sessdata.clone(),
                t.bili_jct.clone(),
                t.mid.to_string(),
                t.ck_md5.clone(),
                t.sid.clone(),
            ],
        ),
        None => ("Max-Age=0".to_owned(), Default::default()),
    };
    let names = [
        "SESSDATA",
        "bili_jct",
        "DedeUserID",
        "DedeUserID__ckMd5",
        "sid",
    ];
    names
        .into_iter()
        .zip(values)
        .map(|(name, value)| {
            let http_only = if name == "SESSDATA" { "; HttpOnly" } else { "" };
            let secure = if secure { "; Secure" } else { "" };
            (
                SET_COOKIE,
                format!("{name}={value}; Path=/; {expiry}{http_only}{secure}; SameSite=Lax"),
            )
        })
        .collect()
}

/// POST /x/passport-login/web/login
///
/// Password login. Bilibili's web client RSA-encrypts the password and solves
/// a captcha first; sixin takes the password as is (use TLS in front of it)
/// and ignores the captcha fields. On success the session arrives as
/// cookies, as from the real endpoint. Failures are throttled per account
/// and per client address (-625, the common code 登录失败次数太多); a
/// disabled account is -102 (账号被封停); a full hashing queue -799.
async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, Error> {
    let accounts = &state.services.accounts;
    let tokens = accounts.login(&form.username, form.password, from).await?;
    let now = accounts.now_secs();
    let body = Envelope::ok(LoginResult {
        status: 0,
        message: String::new(),
        url: format!("{}/", state.public_url),
        refresh_token: String::new(),
        timestamp: now * 1000,
    });
    Ok((
        AppendHeaders(session_cookies(
            Some(&tokens),
            now,
            state.config.secure_cookies(),
        )),
        Json(body),
    )
        .into_response())
}

/// POST /login/exit/v2
///
/// Ends the session and clears the cookies. The document gives this endpoint
/// its own csrf parameter (`biliCSRF`) and its own code for a bad one (2202).
async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<LogoutForm>,
) -> Result<Response, Error> {
    if !user.csrf_matches(&state, &form.bili_csrf) {
        return Err(Code::LogoutCsrfInvalid.into());
    }
    let accounts = &state.services.accounts;
    accounts.logout(&user.token).await?;
    let now = accounts.now_secs();
    let redirect = form
        .gourl
        .unwrap_or_else(|| "javascript:history.go(-1)".to_owned());
    let body = json!({
        "code": 0,
        "status": true,
        "ts": now,
        "data": LogoutResult { redirect_url: redirect },
    });
    Ok((
        AppendHeaders(session_cookies(None, now, state.config.secure_cookies())),
        Json(body),
    )
        .into_response())
}
