//! Deliveries from the admin API (pushes), their counters, broadcasts and
//! moderation, through HTTP.

mod broadcast;
mod counters;
mod example;
mod moderation;
mod receive_only;

use serde_json::Value;
use sixin_api::admin::{PatchUser, PushJobEntry, PushMessage, Receivers};
use sixin_api::Envelope;

use crate::helpers::TestApp;

/// A delivery of `content` (JSON text) of `msg_type` from `sender` to
/// `receivers`.
pub fn message(sender: u64, receivers: &[u64], msg_type: i64, content: &str) -> PushMessage {
    PushMessage {
        sender,
        receivers: Receivers::List(receivers.to_vec()),
        msg_type,
        content: Value::String(content.to_owned()),
        msg_source: None,
        notify_code: None,
    }
}

/// Delivers `message`; the answer.
pub async fn push(app: &TestApp, message: &PushMessage) -> Envelope<PushJobEntry> {
    app.admin.push_message(message).await.expect("push")
}

/// Delivers `message`, which must succeed; the job.
pub async fn pushed(app: &TestApp, message: &PushMessage) -> PushJobEntry {
    let answer = push(app, message).await;
    assert_eq!(answer.code, 0, "{answer:?}");
    answer.data.unwrap()
}

/// Makes `mid` a system account of `kind` named `name`, as the session
/// object spells it.
pub async fn make_system(app: &TestApp, mid: u64, kind: i64, name: &str, pic_url: &str) {
    let patch = PatchUser {
        system_msg_type: Some(kind),
        account_info: Some(sixin_api::admin::AccountInfoInput {
            name: Some(name.into()),
            pic_url: Some(pic_url.into()),
        }),
        ..PatchUser::default()
    };
    let answer = app.admin.patch_user(mid, &patch).await.unwrap();
    assert_eq!(answer.code, 0, "{answer:?}");
}
