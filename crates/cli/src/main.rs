//! `sixin`: run the server, back up and restore its data, provision users,
//! log in from the shell and approve QR-code logins, manage fan groups,
//! deliver pushes.

mod bench;
mod push;
mod remote;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sixin_api::admin::{CreateGroup, PatchGroup};
use sixin_client::EnvelopeExt;

use remote::{LoginCommand, Remote, Session, SystemCommand, UserCommand};

mod progress;

#[derive(Debug, Parser)]
#[command(
    name = "sixin",
    version,
    about = "Bilibili-compatible private messages and relations"
)]
struct Cli {
    /// Log format on stderr: `text`, or `json` (one object a line, for log
    /// collectors). The level comes from SIXIN_LOG (or RUST_LOG).
    #[arg(long, env = "SIXIN_LOG_FORMAT", default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(Box<sixin_server::Config>),
    /// Copy a data directory (database, secrets, uploads) into a new
    /// directory, consistently, while the server runs.
    Backup {
        /// Directory to create the backup in (new or empty).
        dest: PathBuf,
        /// The data directory to back up.
        #[arg(long, env = "SIXIN_DATA_DIR", default_value = "./sixin-data")]
        data_dir: PathBuf,
        /// A PostgreSQL database is not backed up here: use `pg_dump`.
        #[arg(long, env = "SIXIN_DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
    },
    /// Restore a backup made by `sixin backup` into a new data directory
    /// (no server may be running on it).
    Restore {
        /// The backup directory.
        backup: PathBuf,
        /// The data directory to restore into (new, or without a database).
        #[arg(long, env = "SIXIN_DATA_DIR", default_value = "./sixin-data")]
        data_dir: PathBuf,
        /// A PostgreSQL database is not restored here: use `pg_restore`.
        #[arg(long, env = "SIXIN_DATABASE_URL", hide_env_values = true)]
        database_url: Option<String>,
    },
    /// Manage users through a running server's admin API.
    User {
        #[command(flatten)]
        remote: Remote,
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Act as a logged-in user.
    Login {
        #[command(flatten)]
        session: Session,
        #[command(subcommand)]
        command: LoginCommand,
    },
    /// Manage system accounts (customer-service agents, assistants) and
    /// see who is present in customer service.
    System {
        #[command(flatten)]
        remote: Remote,
        #[command(subcommand)]
        command: SystemCommand,
    },
    /// Move a community from its data directory (SQLite) into PostgreSQL,
    /// then verify the copy. Stop the server first; an interrupted run can
    /// be run again and carries on. Uploads stay in the data directory,
    /// or with --s3-bucket are copied into the bucket the nodes will use.
    MigrateData(MigrateData),
    /// Manage fan groups (粉丝团): create, show, members, freeze, dissolve.
    Group {
        #[command(flatten)]
        remote: Remote,
        #[command(subcommand)]
        command: GroupCommand,
    },
    /// Measure a fresh server (or a running one): throughput, latency, CPU
    /// per request, memory and disk per message, scenario by scenario,
    /// beside a hello-world server on the same HTTP stack.
    Bench(Box<bench::BenchArgs>),
    /// The hello-world server `sixin bench` measures as its ceiling.
    #[command(hide = true)]
    BenchCeiling {
        #[arg(long)]
        listen: sixin_server::config::Listen,
    },
    /// Deliver messages of any documented type to users or to everyone,
    /// follow a delivery, withdraw a message.
    Push {
        #[command(flatten)]
        remote: Remote,
        #[command(subcommand)]
        command: push::PushCommand,
    },
}

#[derive(Debug, clap::Args)]
struct MigrateData {
    /// The data directory to move (its server stopped).
    #[arg(long, value_name = "DATA_DIR")]
    from: PathBuf,
    /// The PostgreSQL database to move it into
    /// (`postgres://user@host:port/db`; an `options=-c search_path=...`
    /// parameter chooses a schema).
    #[arg(
        long,
        value_name = "URL",
        env = "SIXIN_DATABASE_URL",
        hide_env_values = true
    )]
    to: String,
    /// Empty the target first, whatever it holds (another community, an
    /// earlier copy, a server's data), and copy from scratch.
    #[arg(long)]
    replace: bool,
    /// Rows copied per transaction.
    #[arg(long, default_value_t = 2000)]
    batch_rows: usize,
    /// Stop after copying this many rows, as if interrupted (for tests).
    #[arg(long, hide = true)]
    stop_after_rows: Option<u64>,
    /// Where the PostgreSQL nodes will keep uploads: with a bucket, the
    /// files are copied into it; without, they stay in the data directory.
    #[command(flatten)]
    storage: sixin_server::config::StorageConfig,
}

#[derive(Debug, Subcommand)]
enum GroupCommand {
    /// Create a fan group owned by `--owner` (its first member) and print
    /// its id.
    Create {
        #[arg(long)]
        owner: u64,
        /// `group_name` of its sessions.
        #[arg(long)]
        name: String,
        /// `group_cover` of its sessions.
        #[arg(long)]
        cover: Option<String>,
        /// `group_type`: 0 应援团, 2 官方群.
        #[arg(long = "type", default_value_t = 0)]
        kind: i64,
        /// Wanted id; the server assigns one when absent.
        #[arg(long)]
        id: Option<u64>,
    },
    /// Print a group and its members as JSON.
    Show { id: u64 },
    /// Add users to a group.
    Add {
        id: u64,
        #[arg(required = true)]
        mids: Vec<u64>,
    },
    /// Remove a member from a group.
    Remove { id: u64, mid: u64 },
    /// Rename a group or change its cover.
    Edit {
        id: u64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        cover: Option<String>,
    },
    /// Freeze a group: it accepts no message.
    Freeze { id: u64 },
    /// Unfreeze a group.
    Unfreeze { id: u64 },
    /// Dissolve a group: gone from every list, its members keep its history.
    Dissolve { id: u64 },
}
fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
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
            Command::Serve(config) => serve(*config).await,
            Command::Backup {
                dest,
                data_dir,
                database_url,
            } => match database_url {
                Some(_) => Err(sqlite_only("backup")),
                None => backup(&data_dir, &dest),
            },
            Command::Restore {
                backup,
                data_dir,
                database_url,
            } => match database_url {
                Some(_) => Err(sqlite_only("restore")),
                None => restore(&backup, &data_dir),
            },
            Command::User { remote, command } => remote::user(remote, command).await,
            Command::Login { session, command } => remote::login(session, command).await,
            Command::System { remote, command } => remote::system(remote, command).await,
            Command::MigrateData(args) => migrate_data(args).await,
            Command::Group { remote, command } => group(remote, command).await,
            Command::Bench(args) => bench::run(*args).await,
            Command::BenchCeiling { listen } => bench::ceiling::serve(listen).await,
            Command::Push { remote, command } => push::push(remote, command).await,
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

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SIXIN_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}

/// An error and its causes, each once.
fn explain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

async fn serve(config: sixin_server::Config) -> Result<(), String> {
    // Everything the server creates (database, uploads, secrets) is private.
    sixin_server::datadir::restrict_umask();
    warn_about_file_limit(config.connections.max_connections);
    let listen = config.listen.clone();
    let listener = tokio::net::TcpListener::bind((listen.host.as_str(), listen.port))
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let data_dir = config.data_dir.clone();
    let state = sixin_server::open(config, bound)
        .await
        .map_err(|e| explain(&e))?;
    let database = if state.config.database_url.is_some() {
        "postgresql"
    } else {
        "sqlite"
    };
    let node = state.services.node().unwrap_or("single").to_owned();
    tracing::info!(%bound, data_dir = %data_dir.display(), public_url = %state.public_url, database, node, "sixin is listening");
    sixin_server::run(listener, state, sixin_server::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

/// Warns when `--max-connections` cannot all be open at once under the
/// process's open-file limit.
fn warn_about_file_limit(max_connections: u32) {
    #[cfg(unix)]
    {
        // Files besides connections: the database (several), uploads, logs.
        const OTHERS: u64 = 64;
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        if let Some(soft) = limit.current {
            if u64::from(max_connections) + OTHERS > soft {
                tracing::warn!(
                    max_connections,
                    open_file_limit = soft,
                    "--max-connections is near the open-file limit; raise the limit (LimitNOFILE= in systemd, ulimit -n) or lower --max-connections"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = max_connections;
}

/// `backup` and `restore` copy the SQLite database of a data directory; a
/// PostgreSQL database has its own tools.
fn sqlite_only(command: &str) -> String {
    format!(
        "sixin {command} works on the SQLite database of a data directory; with --database-url (SIXIN_DATABASE_URL), {command} the PostgreSQL database with pg_dump / pg_restore (e.g. `pg_dump --format=custom --file=sixin.dump \"$SIXIN_DATABASE_URL\"`), and copy the data directory's server_key, admin_token and uploads alongside"
    )
}

fn backup(data_dir: &std::path::Path, dest: &std::path::Path) -> Result<(), String> {
    sixin_server::datadir::restrict_umask();
    let copied = sixin_server::backup::backup(data_dir, dest).map_err(|e| explain(&e))?;
    println!(
        "backed up {} into {}: database {} bytes, {} files ({} bytes)",
        data_dir.display(),
        dest.display(),
        copied.database_bytes,
        copied.files,
        copied.file_bytes
    );
    Ok(())
}

fn restore(backup: &std::path::Path, data_dir: &std::path::Path) -> Result<(), String> {
    sixin_server::datadir::restrict_umask();
    let copied = sixin_server::backup::restore(backup, data_dir).map_err(|e| explain(&e))?;
    println!(
        "restored {} into {}: database {} bytes, {} files ({} bytes)",
        backup.display(),
        data_dir.display(),
        copied.database_bytes,
        copied.files,
        copied.file_bytes
    );
    Ok(())
}

async fn migrate_data(args: MigrateData) -> Result<(), String> {
    use sixin_server::store::transfer;
    if !sixin_server::store::postgres::Postgres::is_url(&args.to) {
        return Err("--to must be a postgres:// or postgresql:// URL".into());
    }
    let options = transfer::Options {
        from: args.from,
        to: args.to,
        storage: args.storage,
        replace: args.replace,
        batch_rows: args.batch_rows,
        stop_after_rows: args.stop_after_rows,
    };
    let bar = std::sync::Arc::new(progress::Bar::new());
    let report = transfer::run(&options, bar.clone()).await;
    bar.clear();
    let report = report.map_err(|e| explain(&e))?;
    println!("{report}");
    if report.is_ok() {
        Ok(())
    } else {
        Err("the copy is not verified: see the report above".into())
    }
}

/// The data of an answer, or its code and message as the error.
fn data<T>(answer: Result<sixin_api::Envelope<T>, sixin_client::Error>) -> Result<T, String> {
    answer
        .map_err(|e| e.to_string())?
        .into_data()
        .map_err(|e| e.to_string())
}

/// Success of an answer without data.
fn done(answer: Result<sixin_api::Envelope<()>, sixin_client::Error>) -> Result<(), String> {
    let answer = answer.map_err(|e| e.to_string())?;
    if answer.code != 0 {
        return Err(format!("api error {}: {}", answer.code, answer.message));
    }
    Ok(())
}

async fn group(remote: Remote, command: GroupCommand) -> Result<(), String> {
    let (client, _) = remote::admin_client(&remote)?;
    let patch = |frozen| PatchGroup {
        frozen: Some(frozen),
        ..PatchGroup::default()
    };
    match command {
        GroupCommand::Create {
            owner,
            name,
            cover,
            kind,
            id,
        } => {
            let created = data(
                client
                    .create_group(&CreateGroup {
                        group_id: id,
                        owner,
                        name,
                        cover,
                        group_type: kind,
                    })
                    .await,
            )?;
            println!("{}", created.group_id);
        }
        GroupCommand::Show { id } => {
            let entry = data(client.group(id).await)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&entry).map_err(|e| e.to_string())?
            );
        }
        GroupCommand::Add { id, mids } => done(client.add_group_members(id, &mids).await)?,
        GroupCommand::Remove { id, mid } => done(client.remove_group_member(id, mid).await)?,
        GroupCommand::Edit { id, name, cover } => {
            let change = PatchGroup {
                name,
                cover,
                frozen: None,
            };
            done(client.patch_group(id, &change).await)?
        }
        GroupCommand::Freeze { id } => done(client.patch_group(id, &patch(true)).await)?,
        GroupCommand::Unfreeze { id } => done(client.patch_group(id, &patch(false)).await)?,
        GroupCommand::Dissolve { id } => done(client.dissolve_group(id).await)?,
    }
    Ok(())
}
