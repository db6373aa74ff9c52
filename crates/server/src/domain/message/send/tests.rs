//! Unit tests of the send rules.

use super::*;

fn strangers() -> SendFacts {
    SendFacts {
        receiver: Some(AccountState::Active),
        receiver_accepts_strangers: true,
        ..SendFacts::default()
    }
}

fn text(origin: Origin) -> Outgoing {
    Outgoing {
        origin,
        sender: Mid::new(1).unwrap(),
        receiver: Mid::new(2).unwrap(),
        content: Content::Text {
            json: r#"{"content":"hi"}"#.into(),
            text: "hi".into(),
        },
        msg_source: msg_source::WEB,
        fingerprint: Some([7; 8]),
        now_us: 1_000_000_000,
    }
}

#[test]
fn blocks_come_first() {
    let facts = SendFacts {
        sender_to_receiver: Some(Attribute::Blocked),
        receiver_to_sender: Some(Attribute::Blocked),
        ..strangers()
    };
    assert_eq!(
        admit(Origin::User, false, &facts),
        Err(Code::ReceiverBlocked)
    );
    let facts = SendFacts {
        receiver_to_sender: Some(Attribute::Blocked),
        ..strangers()
    };
    assert_eq!(
        admit(Origin::User, false, &facts),
        Err(Code::ReceiverPrivacy)
    );
    assert_eq!(
        admit(Origin::Automatic, false, &facts),
        Err(Code::ReceiverPrivacy)
    );
}

#[test]
fn a_stranger_gets_one_message_and_a_tip_only_the_sender_sees() {
    let plan = plan(&text(Origin::User), &strangers(), 0).unwrap();
    assert_eq!(plan.drafts.len(), 2);
    assert_eq!(plan.drafts[0].at_uids, Some(vec![0]));
    assert!(plan.drafts[0].counts_unread);
    let tip = &plan.drafts[1];
    assert_eq!(tip.msg_type, msg_type::SYSTEM_TIP);
    assert_eq!(tip.visible_to, Some(Mid::new(1).unwrap()));
    assert!(!tip.counts_unread);
    assert_eq!(plan.remember, Some([7; 8]));
    let again = SendFacts {
        sender_sent: 1,
        ..strangers()
    };
    assert_eq!(admit(Origin::User, false, &again), Err(Code::StrangerLimit));
    assert_eq!(admit(Origin::User, true, &again), Ok(Admission::Plain));
}

#[test]
fn following_or_replying_lifts_the_limit() {
    for attribute in [Attribute::Quiet, Attribute::Following] {
        let facts = SendFacts {
            receiver_to_sender: Some(attribute),
            sender_sent: 5,
            ..strangers()
        };
        assert_eq!(admit(Origin::User, false, &facts), Ok(Admission::Plain));
    }
    let replied = SendFacts {
        receiver_sent: 1,
        sender_sent: 5,
        ..strangers()
    };
    assert_eq!(admit(Origin::User, false, &replied), Ok(Admission::Plain));
}

#[test]
fn replies_and_recalls_pass_a_closed_privacy_setting() {
    let closed = SendFacts {
        receiver_accepts_strangers: false,
        ..SendFacts::default()
    };
    let reply = SendFacts {
        receiver_sent: 1,
        ..closed.clone()
    };
    assert_eq!(admit(Origin::User, false, &reply), Ok(Admission::Plain));
    assert_eq!(admit(Origin::User, true, &closed), Ok(Admission::Plain));
    assert_eq!(
        admit(Origin::User, false, &closed),
        Err(Code::ReceiverPrivacy)
    );
    let followed = SendFacts {
        receiver_to_sender: Some(Attribute::Following),
        ..closed.clone()
    };
    assert_eq!(admit(Origin::User, false, &followed), Ok(Admission::Plain));
    assert_eq!(
        admit(Origin::Automatic, false, &closed),
        Ok(Admission::Plain)
    );
}

#[test]
fn retries_are_answered_before_a_stop_and_automatic_sends_skip_both() {
    let earlier = Sent {
        msg_key: MsgKey(9),
        msg_seqno: Seqno(3),
    };
    let facts = SendFacts {
        earlier: Some(earlier),
        banned_until: Some(5),
        ..strangers()
    };
    assert_eq!(
        screen(&text(Origin::User), &facts),
        Ok(Screen::Answer(earlier))
    );
    let stopped = SendFacts {
        earlier: None,
        ..facts.clone()
    };
    assert_eq!(
        screen(&text(Origin::User), &stopped).unwrap_err().code,
        Code::SendBanned24h
    );
    assert_eq!(
        screen(&text(Origin::Automatic), &facts),
        Ok(Screen::Proceed)
    );
    let unknown_image = SendFacts {
        image_uploaded: Some(false),
        ..facts
    };
    assert_eq!(
        screen(&text(Origin::User), &unknown_image)
            .unwrap_err()
            .code,
        Code::ImageInvalid
    );
}

#[test]
fn automatic_messages_carry_no_at_uids_and_are_not_remembered() {
    let plan = plan(&text(Origin::Automatic), &strangers(), 0).unwrap();
    assert_eq!(plan.drafts.len(), 1);
    assert_eq!(plan.drafts[0].at_uids, None);
    assert_eq!(plan.remember, None);
    let nobody = SendFacts {
        receiver: None,
        ..strangers()
    };
    assert_eq!(
        super::plan(&text(Origin::User), &nobody, 0)
            .unwrap_err()
            .code,
        Code::BadRequest
    );
}

#[test]
fn a_recall_of_an_unread_message_drops_it_from_the_unread_count() {
    let recall = Outgoing {
        content: Content::Recall {
            json: "9".into(),
            target: MsgKey(9),
        },
        ..text(Origin::User)
    };
    let facts = SendFacts {
        receiver_ack: Seqno(3),
        recall_target: Some(RecallTarget {
            seqno: Seqno(4),
            same_conversation: true,
            shown_to_caller: true,
            shown_to_other: true,
            sent_by_caller: true,
            msg_status: 0,
            msg_type: 1,
            ts_us: 1_000_000_000,
        }),
        ..strangers()
    };
    let plan = plan(&recall, &facts, 1).unwrap();
    assert_eq!(
        plan.recall,
        Some(RecallWrite {
            target: MsgKey(9),
            drops_unread: true
        })
    );
    assert_eq!(plan.drafts.len(), 1, "a recall is never followed by a tip");
    assert_eq!(plan.drafts[0].new_face_version, None);
    assert!(!plan.drafts[0].counts_unread);
}

#[test]
fn the_receivers_block_words_hide_a_text_from_them_only() {
    let words = SendFacts {
        receiver_block_words: vec![BlockWord::parse("HI").unwrap()],
        ..strangers()
    };
    let plan = plan(&text(Origin::User), &words, 0).unwrap();
    let sender = Mid::new(1).unwrap();
    let hidden = &plan.drafts[0];
    assert_eq!(hidden.visible_to, Some(sender));
    assert!(!hidden.counts_unread);
    assert!(hidden.counts_as_sent, "the stranger limit counts it");
    assert_eq!(plan.drafts.len(), 2, "the sender still gets the tip");
    assert!(!plan.drafts[1].counts_as_sent);
    assert_eq!(plan.remember, Some([7; 8]));

    let other = SendFacts {
        receiver_block_words: vec![BlockWord::parse("bye").unwrap()],
        ..strangers()
    };
    let shown = super::plan(&text(Origin::User), &other, 0).unwrap();
    assert_eq!(shown.drafts[0].visible_to, None);
    assert!(shown.drafts[0].counts_unread);

    let greeting = super::plan(&text(Origin::Automatic), &words, 0).unwrap();
    assert_eq!(
        greeting.drafts[0].visible_to, None,
        "what the server sends is not filtered"
    );
    let image = Outgoing {
        content: Content::Image {
            json: r#"{"url":"hi"}"#.into(),
            url: "hi".into(),
            custom: false,
        },
        ..text(Origin::User)
    };
    let image = super::plan(&image, &words, 0).unwrap();
    assert_eq!(image.drafts[0].visible_to, None, "only texts are matched");
}

#[test]
fn a_recall_of_a_hidden_message_is_hidden_too() {
    let recall = Outgoing {
        content: Content::Recall {
            json: "9".into(),
            target: MsgKey(9),
        },
        ..text(Origin::User)
    };
    let facts = SendFacts {
        receiver_ack: Seqno(0),
        recall_target: Some(RecallTarget {
            seqno: Seqno(4),
            same_conversation: true,
            shown_to_caller: true,
            shown_to_other: false,
            sent_by_caller: true,
            msg_status: 0,
            msg_type: 1,
            ts_us: 1_000_000_000,
        }),
        ..strangers()
    };
    let plan = plan(&recall, &facts, 1).unwrap();
    assert_eq!(
        plan.recall,
        Some(RecallWrite {
            target: MsgKey(9),
            drops_unread: false
        })
    );
    assert_eq!(plan.drafts[0].visible_to, Some(Mid::new(1).unwrap()));
    assert!(plan.drafts[0].counts_as_sent);
}

#[test]
fn automatic_contents_are_valid_json() {
    let tip: serde_json::Value = serde_json::from_str(STRANGER_TIP).unwrap();
    let inner: serde_json::Value = serde_json::from_str(tip["content"].as_str().unwrap()).unwrap();
    assert_eq!(inner[0]["text"], "对方主动回复或关注你前，最多发送1条消息");
    let greeting: serde_json::Value = serde_json::from_str(MUTUAL_GREETING).unwrap();
    assert_eq!(greeting["content"], "我们已互相关注，开始聊天吧~");
}

#[test]
fn system_accounts_are_never_strangers_but_blocks_hold() {
    let refusing = SendFacts {
        receiver_accepts_strangers: false,
        sender_sent: 3,
        ..strangers()
    };
    for (sender, receiver) in [(true, false), (false, true)] {
        let facts = SendFacts {
            sender_is_system: sender,
            receiver_is_system: receiver,
            ..refusing.clone()
        };
        assert_eq!(admit(Origin::User, false, &facts), Ok(Admission::Plain));
        let plan = plan(&text(Origin::User), &facts, 0).unwrap();
        assert_eq!(plan.drafts.len(), 1, "no stranger tip");
        let blocked = SendFacts {
            receiver_to_sender: Some(Attribute::Blocked),
            ..facts
        };
        assert_eq!(
            admit(Origin::User, false, &blocked),
            Err(Code::ReceiverPrivacy)
        );
    }
    assert_eq!(
        admit(Origin::User, false, &refusing),
        Err(Code::ReceiverPrivacy)
    );
}

#[test]
fn the_anti_harassment_switch_bins_strangers_only() {
    let on = SendFacts {
        receiver_intercepts_strangers: true,
        ..strangers()
    };
    assert!(plan(&text(Origin::User), &on, 0).unwrap().intercept);
    assert!(
        !plan(&text(Origin::User), &strangers(), 0)
            .unwrap()
            .intercept
    );
    assert!(!plan(&text(Origin::Automatic), &on, 0).unwrap().intercept);
    for spared in [
        SendFacts {
            receiver_to_sender: Some(Attribute::Following),
            ..on.clone()
        },
        SendFacts {
            receiver_sent: 1,
            ..on.clone()
        },
        SendFacts {
            receiver_trusts_sender: true,
            ..on.clone()
        },
        SendFacts {
            sender_is_system: true,
            ..on.clone()
        },
    ] {
        assert!(!intercepts(&spared), "{spared:?}");
    }
}
