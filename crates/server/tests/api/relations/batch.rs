//! `POST /x/relation/batch/modify`: one act on many users at once.

use sixin_client::EnvelopeExt;
use sixin_client::RelationAct::{Block, Follow, Unblock};

use crate::helpers::{act, assert_code, attribute, spawn_app, three};

#[tokio::test]
async fn batch_modify_follows_or_blocks_each_and_lists_the_refused() {
    let app = spawn_app().await;
    let ((alice_id, alice), (bob_id, _), (carol_id, carol)) = three(&app).await;
    act(&carol, alice_id, Block).await;
    let answer = alice
        .batch_modify_relation(&[bob_id, carol_id, alice_id, 987654], Follow)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(answer.failed_fids, vec![carol_id, alice_id, 987654]);
    assert_eq!(attribute(&alice, bob_id).await, 2);
    let blocked = alice
        .batch_modify_relation(&[bob_id], Block)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(blocked.failed_fids.is_empty());
    assert_eq!(attribute(&alice, bob_id).await, 128);
    assert_code(
        &alice
            .batch_modify_relation(&[bob_id], Unblock)
            .await
            .unwrap(),
        -400,
    );
}
