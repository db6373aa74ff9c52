//! `sixin push`: deliveries and moderation through a running server's
//! admin API (`POST /admin/v1/messages`, `GET /admin/v1/messages/{job}`,
//! `POST /admin/v1/messages/{msg_key}/withdraw`).

use std::time::Duration;

use clap::Subcommand;
use sixin_api::admin::{Everyone, PushJobEntry, PushMessage, Receivers};
use sixin_client::{Client, EnvelopeExt};

use crate::remote::{admin_client, admin_error, Remote};

/// How often `--wait` asks how a delivery is going.
const POLL: Duration = Duration::from_millis(500);

#[derive(Debug, Subcommand)]
pub enum PushCommand {
    /// Deliver a message of any documented type to users (`--to`, repeated)
    /// or to everyone (`--all`), and print the delivery as JSON.
    Send {
        /// The sending account's mid (often a system account).
        #[arg(long)]
        sender: u64,
        /// A receiver's mid; repeat for more.
        #[arg(long = "to", required_unless_present = "all", conflicts_with = "all")]
        to: Vec<u64>,
        /// Everyone but the sender.
        #[arg(long)]
        all: bool,
        /// `msg_type` (1 text, 2 image, 10 notification card, ...).
        #[arg(long = "type")]
        msg_type: i64,
        /// The content object as JSON text, e.g. '{"content":"hello"}';
        /// checked against the type's documented fields, kept byte for byte.
        #[arg(long)]
        content: String,
        /// `msg_source`; 5 (official push) for everyone and 6 for a list
        /// when absent.
        #[arg(long)]
        source: Option<i64>,
        /// `notify_code`: `<business id>_<sub-business id>`.
        #[arg(long)]
        notify_code: Option<String>,
        /// Wait until a delivery running in the background is done, then
        /// print it.
        #[arg(long)]
        wait: bool,
    },
    /// Print a delivery and its progress as JSON.
    Status {
        job: u64,
        /// Wait until it is done.
        #[arg(long)]
        wait: bool,
    },
    /// Recall a message for the system (`msg_status` 2, hidden from both
    /// sides).
    Withdraw { msg_key: u64 },
}

pub async fn push(remote: Remote, command: PushCommand) -> Result<(), String> {
    let (client, source) = admin_client(&remote)?;
    let failed = admin_error(&source);
    match command {
        PushCommand::Send {
            sender,
            to,
            all,
            msg_type,
            content,
            source,
            notify_code,
            wait,
        } => {
            // Refused here rather than by the server as a body it cannot
            // read: the content is sent as JSON text, byte for byte.
            serde_json::from_str::<serde_json::Value>(&content)
                .map_err(|e| format!("--content must be JSON text: {e}"))?;
            let message = PushMessage {
                sender,
                receivers: if all {
                    Receivers::Everyone(Everyone::All)
                } else {
                    Receivers::List(to)
                },
                msg_type,
                content: serde_json::Value::String(content),
                msg_source: source,
                notify_code,
            };
            let job = client
                .push_message(&message)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            let job = if wait {
                until_done(&client, job, &failed).await?
            } else {
                job
            };
            print_json(&job)?;
        }
        PushCommand::Status { job, wait } => {
            let job = client
                .push_job(job)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            let job = if wait {
                until_done(&client, job, &failed).await?
            } else {
                job
            };
            print_json(&job)?;
        }
        PushCommand::Withdraw { msg_key } => {
            let withdrawn = client
                .withdraw(msg_key)
                .await
                .map_err(&failed)?
                .into_data()
                .map_err(&failed)?;
            println!(
                "withdrawn {} (msg_status {})",
                withdrawn.msg_key, withdrawn.msg_status
            );
        }
    }
    Ok(())
}

/// Asks after `job` until it is done.
async fn until_done(
    client: &Client,
    mut job: PushJobEntry,
    failed: &impl Fn(sixin_client::Error) -> String,
) -> Result<PushJobEntry, String> {
    while job.state != "done" {
        tokio::time::sleep(POLL).await;
        job = client
            .push_job(job.job)
            .await
            .map_err(failed)?
            .into_data()
            .map_err(failed)?;
    }
    Ok(job)
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    );
    Ok(())
}
