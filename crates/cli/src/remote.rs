//! The commands that talk to a running server: `user` and `system` through
//! the admin API, `login` as a logged-in user.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use sixin_api::admin::{CreateUser, LoginCookies, PatchUser, SystemAccountInput};
use sixin_client::{Client, EnvelopeExt};

/// Where the server is and whose session to use.
#[derive(Debug, clap::Args)]
pub struct Session {
    /// Base URL of the server.
    #[arg(
        long,
        env = "SIXIN_SERVER",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    server: String,
    /// The user's cookies, as a Cookie header value with `SESSDATA` and
    /// `bili_jct` (what `sixin user login` prints as SIXIN_COOKIE, or a
    /// browser's).
    #[arg(long, env = "SIXIN_COOKIE", hide_env_values = true, global = true)]
    cookie: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Approve a pending QR-code login: the browser polling `qrcode_key`
    /// is logged in as this user (the key is what the QR code's URL carries
    /// as `qrcode_key`).
    Approve { qrcode_key: String },
}

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Create a system account (by default a customer-service agent,
    /// system_msg_type 8) and print its mid.
    Add {
        /// Login name of the account (unique).
        #[arg(long)]
        uname: String,
        /// Name its sessions show (`account_info.name`).
        #[arg(long)]
        name: String,
        /// `system_msg_type`: 8 客服消息, 1 主播小助手, 7 UP主小助手, 5, 9.
        #[arg(long = "type", default_value_t = 8)]
        kind: i64,
        /// Picture its sessions show (`account_info.pic_url`).
        #[arg(long)]
        pic_url: Option<String>,
        /// Wanted mid; the server assigns one when absent.
        #[arg(long)]
        mid: Option<u64>,
        /// Password, so that the agent can log in from a browser.
        #[arg(long, env = "SIXIN_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// List system accounts as JSON.
    List {
        /// Only this `system_msg_type`.
        #[arg(long = "type")]
        kind: Option<i64>,
    },
    /// List who is present in customer service (by heartbeat) as JSON.
    Online {
        /// Everyone seen within this many seconds, not only who is online.
        #[arg(long)]
        within_secs: Option<u64>,
    },
}

/// Where the server is and how to authorise against its admin API.
#[derive(Debug, clap::Args)]
pub struct Remote {
    /// Base URL of the server.
    #[arg(
        long,
        env = "SIXIN_SERVER",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    server: String,
    /// Admin token; defaults to the one in `<data-dir>/admin_token`.
    /// Prefer `--admin-token-file` or the environment: a command line is
    /// visible to every local user.
    #[arg(long, env = "SIXIN_ADMIN_TOKEN", hide_env_values = true, global = true)]
    admin_token: Option<String>,
    /// File holding the admin token.
    #[arg(
        long,
        env = "SIXIN_ADMIN_TOKEN_FILE",
        global = true,
        conflicts_with = "admin_token"
    )]
    admin_token_file: Option<PathBuf>,
    /// Data directory to read the admin token from when none is given.
    #[arg(
        long,
        env = "SIXIN_DATA_DIR",
        default_value = "./sixin-data",
        global = true
    )]
    data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and print its mid.
    Add {
        /// Display name (unique).
        #[arg(long)]
        uname: String,
        /// Wanted mid; the server assigns one when absent.
        #[arg(long)]
        mid: Option<u64>,
        /// Password for browser login.
        #[arg(long, env = "SIXIN_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Avatar URL.
        #[arg(long)]
        face: Option<String>,
        /// Signature.
        #[arg(long)]
        sign: Option<String>,
    },
    /// List users (mid, name, state) as JSON, deleted ones included.
    List {
        /// Users with a larger mid than this.
        #[arg(long)]
        after: Option<u64>,
        /// At most this many (the server caps it at 1000).
        #[arg(long)]
        limit: Option<u64>,
    },
    /// List a user's live login sessions as JSON.
    Sessions { mid: u64 },
    /// End a user's login sessions: one (`--session ID`, an id from
    /// `sixin user sessions`) or all of them.
    Revoke {
        mid: u64,
        #[arg(long)]
        session: Option<String>,
    },
    /// Disable an account: its sessions end and it cannot log in (-102)
    /// until enabled again.
    Disable { mid: u64 },
    /// Enable a disabled account again.
    Enable { mid: u64 },
    /// Delete an account for good: it shows as 账号已注销, its name is free.
    Delete {
        mid: u64,
        /// Required: deleting cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// Start a login session for a user and print its cookies.
    Login {
        mid: u64,
        /// Output format: `env` (KEY=value lines, for `eval`), `cookie` (a
        /// Cookie header value) or `json`.
        #[arg(long, default_value = "env")]
        format: LoginFormat,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LoginFormat {
    Env,
    Cookie,
    Json,
}

/// A client of the admin API, and where its token came from (for the hint
/// when the server refuses it).
pub fn admin_client(remote: &Remote) -> Result<(Client, String), String> {
    let read = |path: &Path, what: &str| -> Result<String, String> {
        let token = std::fs::read_to_string(path)
            .map_err(|e| format!("{what}: cannot read {}: {e}", path.display()))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(format!("{what}: {} is empty", path.display()));
        }
        Ok(token.to_owned())
    };
    let (token, source) = match (&remote.admin_token, &remote.admin_token_file) {
        (Some(token), _) => (
            token.clone(),
            "--admin-token (or SIXIN_ADMIN_TOKEN)".to_owned(),
        ),
        (None, Some(path)) => (
            read(path, "--admin-token-file")?,
            path.display().to_string(),
        ),
        (None, None) => {
            let path = remote.data_dir.join("admin_token");
            (
                read(
                    &path,
                    "no --admin-token-file or SIXIN_ADMIN_TOKEN, and the data directory's token",
                )?,
                path.display().to_string(),
            )
        }
    };
    Ok((Client::new(&remote.server).with_admin_token(&token), source))
}

/// The message of a failed admin call; a `-403` says which token was sent
/// and where the right one is.
pub fn admin_error(source: &str) -> impl Fn(sixin_client::Error) -> String + '_ {
    move |err| match err {
        sixin_client::Error::Api { code: -403, .. } => format!(
            "{err}: the server refused the admin token from {source}. Use the server's token: \
             the one it was configured with, which it also keeps in <data-dir>/admin_token; \
             pass it with --admin-token-file (or SIXIN_ADMIN_TOKEN_FILE, SIXIN_ADMIN_TOKEN), \
             or --data-dir pointing at the server's data directory"
        ),
        err => err.to_string(),
    }
}

pub async fn user(remote: Remote, command: UserCommand) -> Result<(), String> {
    let (client, source) = admin_client(&remote)?;
    let failed = admin_error(&source);
    match command {
        UserCommand::List { after, limit } => print_json(
            &client
                .users(after, limit)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?,
        )?,
        UserCommand::Sessions { mid } => print_json(
            &client
                .user_sessions(mid)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?,
        )?,
        UserCommand::Revoke { mid, session } => match session {
            Some(id) => {
                done(
                    client
                        .end_user_session(mid, id.trim())
                        .await
                        .map_err(&failed)?,
                )?;
                println!("ended 1 session");
            }
            None => {
                let ended = client
                    .end_user_sessions(mid)
                    .await
                    .map_err(&failed)?
                    .into_data()
                    .map_err(&failed)?
                    .ended;
                println!("ended {ended} sessions");
            }
        },
        UserCommand::Disable { mid } | UserCommand::Enable { mid } => {
            let disabled = matches!(command, UserCommand::Disable { .. });
            let patch = PatchUser {
                disabled: Some(disabled),
                ..PatchUser::default()
            };
            done(client.patch_user(mid, &patch).await.map_err(&failed)?)?;
            println!("{}", if disabled { "disabled" } else { "enabled" });
        }
        UserCommand::Delete { mid, yes } => {
            if !yes {
                return Err("deleting an account cannot be undone: add --yes".into());
            }
            done(client.delete_user(mid).await.map_err(&failed)?)?;
            println!("deleted");
        }
        UserCommand::Add {
            uname,
            mid,
            password,
            face,
            sign,
        } => {
            let created = client
                .create_user(&CreateUser {
                    mid,
                    uname,
                    password,
                    face,
                    sign,
                    ..CreateUser::default()
                })
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            println!("{}", created.mid);
        }
        UserCommand::Login { mid, format } => {
            let cookies = client
                .create_session(mid)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            match format {
                LoginFormat::Env => {
                    println!("SESSDATA={}", cookies.sessdata);
                    println!("bili_jct={}", cookies.bili_jct);
                    println!("DedeUserID={}", cookies.dede_user_id);
                    println!("SIXIN_COOKIE='{}'", cookies.cookie_header());
                }
                LoginFormat::Cookie => println!("{}", cookies.cookie_header()),
                LoginFormat::Json => println!(
                    "{}",
                    serde_json::to_string(&cookies).map_err(|e| e.to_string())?
                ),
            }
        }
    }
    Ok(())
}

pub async fn login(session: Session, command: LoginCommand) -> Result<(), String> {
    let cookie = session
        .cookie
        .ok_or("no --cookie: give a logged-in user's cookies (SESSDATA and bili_jct), e.g. --cookie \"$SIXIN_COOKIE\" after `eval \"$(sixin user login <mid>)\"`")?;
    let cookies = LoginCookies::from_cookie_header(&cookie)
        .ok_or("the cookie must hold SESSDATA and bili_jct")?;
    let client = Client::new(&session.server).with_cookies(cookies);
    match command {
        LoginCommand::Approve { qrcode_key } => {
            let answer = client
                .approve_qr_login(qrcode_key.trim())
                .await
                .map_err(|e| e.to_string())?;
            if answer.code != 0 {
                return Err(format!("api error {}: {}", answer.code, answer.message));
            }
            println!("approved: the browser polling this key is now logged in");
        }
    }
    Ok(())
}

pub async fn system(remote: Remote, command: SystemCommand) -> Result<(), String> {
    let (client, source) = admin_client(&remote)?;
    let failed = admin_error(&source);
    match command {
        SystemCommand::Add {
            uname,
            name,
            kind,
            pic_url,
            mid,
            password,
        } => {
            let created = client
                .create_user(&CreateUser {
                    mid,
                    uname,
                    password,
                    system: Some(SystemAccountInput {
                        system_msg_type: kind,
                        name,
                        pic_url,
                    }),
                    ..CreateUser::default()
                })
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            println!("{}", created.mid);
        }
        SystemCommand::List { kind } => {
            let accounts = client
                .system_accounts(kind)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&accounts).map_err(|e| e.to_string())?
            );
        }
        SystemCommand::Online { within_secs } => {
            let present = client
                .presence(within_secs)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&present).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(())
}

/// Success, or the answer's code and message as the error.
fn done<T>(answer: sixin_api::Envelope<T>) -> Result<(), String> {
    if answer.code == 0 {
        Ok(())
    } else {
        Err(format!("api error {}: {}", answer.code, answer.message))
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    );
    Ok(())
}
