//! `sixin`: run the server, provision users and log in from the shell.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sixin_api::admin::CreateUser;
use sixin_client::{Client, EnvelopeExt};

#[derive(Debug, Parser)]
#[command(
    name = "sixin",
    version,
    about = "Bilibili-compatible private messages and relations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(sixin_server::Config),
    /// Manage users through a running server's admin API.
    User {
        #[command(flatten)]
        remote: Remote,
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// Where the server is and how to authorise against its admin API.
#[derive(Debug, clap::Args)]
struct Remote {
    /// Base URL of the server.
    #[arg(
        long,
        env = "SIXIN_SERVER",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    server: String,
    /// Admin token; defaults to the one in `<data-dir>/admin_token`.
    #[arg(long, env = "SIXIN_ADMIN_TOKEN", hide_env_values = true, global = true)]
    admin_token: Option<String>,
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
enum UserCommand {
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
enum LoginFormat {
    Env,
    Cookie,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sixin: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(config) => serve(config).await,
            Command::User { remote, command } => user(remote, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sixin: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SIXIN_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

async fn serve(config: sixin_server::Config) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let data_dir = config.data_dir.clone();
    let state = sixin_server::open(config, bound).map_err(|e| e.to_string())?;
    tracing::info!(%bound, data_dir = %data_dir.display(), public_url = %state.public_url, "sixin is listening");
    sixin_server::run(listener, state, sixin_server::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

fn admin_client(remote: &Remote) -> Result<Client, String> {
    let token = match &remote.admin_token {
        Some(token) => token.clone(),
        None => {
            let path = remote.data_dir.join("admin_token");
            std::fs::read_to_string(&path)
                .map_err(|e| format!("no --admin-token and cannot read {}: {e}", path.display()))?
                .trim()
                .to_owned()
        }
    };
    Ok(Client::new(&remote.server).with_admin_token(&token))
}

async fn user(remote: Remote, command: UserCommand) -> Result<(), String> {
    let client = admin_client(&remote)?;
    match command {
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
                .map_err(|e| e.to_string())?
                .into_data()
                .map_err(|e| e.to_string())?;
            println!("{}", created.mid);
        }
        UserCommand::Login { mid, format } => {
            let cookies = client
                .create_session(mid)
                .await
                .map_err(|e| e.to_string())?
                .into_data()
                .map_err(|e| e.to_string())?;
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
