//! Fan groups through HTTP: the admin API, members' conversations, and
//! group sessions in the lists.

mod admin;
mod conversation;
mod lifecycle;
mod lists;
mod push;

use sixin_api::admin::CreateGroup;
use sixin_client::EnvelopeExt;

use crate::helpers::TestApp;

/// Creates a 应援团 named `name` owned by `owner` with `members` added, and
/// returns its id.
pub async fn group_of(app: &TestApp, owner: u64, name: &str, members: &[u64]) -> u64 {
    let id = app
        .admin
        .create_group(&CreateGroup {
            owner,
            name: name.into(),
            ..CreateGroup::default()
        })
        .await
        .unwrap()
        .into_data()
        .expect("group created")
        .group_id;
    if !members.is_empty() {
        let added = app.admin.add_group_members(id, members).await.unwrap();
        assert_eq!(added.code, 0, "{added:?}");
    }
    id
}
