//! Customer service: the heartbeat and presence, file uploads and their
//! expiring links, and conversations with agents (system accounts).

mod agents;
mod files;
mod heartbeat;
mod links;

use sixin_api::admin::{CreateUser, SystemAccountInput};
use sixin_client::{Client, EnvelopeExt};

use crate::helpers::TestApp;

/// Creates a customer-service agent (`system_msg_type` 8) and logs in as it.
pub async fn agent(app: &TestApp, uname: &str) -> (u64, Client) {
    let mid = app
        .admin
        .create_user(&CreateUser {
            uname: uname.into(),
            system: Some(SystemAccountInput {
                system_msg_type: 8,
                name: "哔哩哔哩客服".into(),
                pic_url: Some("https://i0.example.test/kefu.png".into()),
            }),
            ..CreateUser::default()
        })
        .await
        .unwrap()
        .into_data()
        .expect("agent created")
        .mid;
    (mid, app.login_as(mid).await)
}

/// `bytes` as the file part `name`.
pub fn part(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned())
}

/// Deterministic bytes that no type sniffer recognises.
pub fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// Files left anywhere under `dir` (recursively).
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}
