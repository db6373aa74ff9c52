//! Unit tests of the fan-group rules.

use super::*;

fn mid(n: u64) -> Mid {
    Mid::new(n).unwrap()
}

fn group() -> Group {
    Group {
        id: GroupId::new(10).unwrap(),
        owner: mid(1),
        name: "测试的应援团".into(),
        cover: None,
        group_type: SUPPORT_GROUP,
        frozen: false,
        dissolved: false,
    }
}

fn facts(users: &[(u64, Option<&str>)]) -> GroupFacts {
    GroupFacts {
        id: GroupId::new(10).unwrap(),
        group: Some(group()),
        members: vec![mid(1), mid(2)],
        users: users
            .iter()
            .map(|(m, n)| (mid(*m), n.map(str::to_owned)))
            .collect(),
    }
}

fn posts(steps: &[GroupStep]) -> Vec<(i64, String)> {
    steps
        .iter()
        .filter_map(|s| match s {
            GroupStep::Post(d) => Some((d.msg_type, d.content.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn creating_opens_the_group_with_its_owner() {
    let command = GroupCommand::Create {
        owner: mid(1),
        name: "社会易姐QwQ的应援团".into(),
    };
    let new = GroupFacts {
        group: None,
        members: vec![],
        ..facts(&[(1, Some("易姐"))])
    };
    let steps = plan(&command, &new).unwrap();
    assert_eq!(steps[1], GroupStep::Join(mid(1)));
    assert_eq!(
        posts(&steps),
        vec![(
            305,
            r#"{"group_id":10,"content":"社会易姐QwQ的应援团开通啦 (>▽<)"}"#.into()
        )]
    );
    assert_eq!(
        plan(&command, &facts(&[(1, Some("易姐"))]))
            .unwrap_err()
            .code,
        Code::Conflict
    );
    let nobody = GroupFacts {
        group: None,
        ..facts(&[(1, None)])
    };
    assert_eq!(
        plan(&command, &nobody).unwrap_err().code,
        Code::UserNotFound
    );
}

#[test]
fn joining_welcomes_each_new_member_once() {
    let steps = plan(
        &GroupCommand::Add,
        &facts(&[(2, Some("bob")), (3, Some("罗板栗")), (3, Some("罗板栗"))]),
    )
    .unwrap();
    assert_eq!(steps[0], GroupStep::Join(mid(3)));
    assert_eq!(
        posts(&steps),
        vec![(306, r#"{"group_id":10,"content":"欢迎罗板栗入群"}"#.into())]
    );
    assert_eq!(
        plan(&GroupCommand::Add, &facts(&[(4, None)]))
            .unwrap_err()
            .code,
        Code::UserNotFound
    );
}

#[test]
fn leaving_freezing_and_dissolving_post_their_messages() {
    let left = plan(&GroupCommand::Remove(mid(2)), &facts(&[(2, Some("bob"))])).unwrap();
    assert_eq!(posts(&left)[0].0, 302);
    assert_eq!(left[1], GroupStep::Leave(mid(2)));
    assert_eq!(
        plan(&GroupCommand::Remove(mid(3)), &facts(&[(3, Some("c"))]))
            .unwrap_err()
            .code,
        Code::NotFound
    );
    assert_eq!(
        plan(&GroupCommand::Remove(mid(1)), &facts(&[(1, Some("a"))]))
            .unwrap_err()
            .code,
        Code::BadRequest
    );
    let freeze = GroupCommand::Update {
        name: None,
        cover: None,
        frozen: Some(true),
    };
    assert_eq!(posts(&plan(&freeze, &facts(&[])).unwrap())[0].0, 303);
    let mut frozen = facts(&[]);
    frozen.group.as_mut().unwrap().frozen = true;
    assert!(
        posts(&plan(&freeze, &frozen).unwrap()).is_empty(),
        "no second notice"
    );
    let gone = plan(&GroupCommand::Dissolve, &facts(&[])).unwrap();
    assert_eq!(posts(&gone)[0].0, 304);
    let mut dissolved = facts(&[]);
    dissolved.group.as_mut().unwrap().dissolved = true;
    assert_eq!(
        plan(&GroupCommand::Add, &dissolved).unwrap_err().code,
        Code::GroupDissolved
    );
}

#[test]
fn only_members_send_to_a_live_unfrozen_group() {
    let g = group();
    assert!(check_sendable(Some(&g), true).is_ok());
    assert_eq!(
        check_sendable(Some(&g), false).unwrap_err().code,
        Code::NotInGroup
    );
    assert_eq!(
        check_sendable(None, true).unwrap_err().code,
        Code::BadRequest
    );
    let frozen = Group {
        frozen: true,
        ..g.clone()
    };
    assert_eq!(
        check_sendable(Some(&frozen), true).unwrap_err().code,
        Code::MsgTypeNotSendable
    );
    let dissolved = Group {
        dissolved: true,
        ..g
    };
    assert_eq!(
        check_sendable(Some(&dissolved), true).unwrap_err().code,
        Code::GroupDissolved
    );
}

#[test]
fn mentions_are_members_and_zero_means_nobody() {
    assert_eq!(mentions(&[], &[]).unwrap(), vec![0]);
    assert_eq!(mentions(&[0], &[]).unwrap(), vec![0]);
    assert_eq!(mentions(&[2, 3, 2], &[mid(2), mid(3)]).unwrap(), vec![2, 3]);
    assert_eq!(
        mentions(&[4], &[mid(2)]).unwrap_err().code,
        Code::BadRequest
    );
    assert_eq!(parse_at_uids("2, 3").unwrap(), vec![2, 3]);
    assert_eq!(parse_at_uids("[2,3]").unwrap(), vec![2, 3]);
    assert_eq!(parse_at_uids("").unwrap(), Vec::<u64>::new());
    assert!(parse_at_uids("x").is_err());
    let draft = GroupDraft {
        sender: 2,
        msg_type: 1,
        content: String::new(),
        msg_source: 7,
        at_uids: Some(vec![0, 2, 3]),
        new_face_version: Some(1),
        counts_unread: true,
    };
    assert_eq!(draft.mentioned().collect::<Vec<_>>(), vec![mid(3)]);
}
