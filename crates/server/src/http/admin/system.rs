//! System accounts through the admin API: the `system` object (or
//! `system_msg_type` with `account_info`) of users, listing them, and
//! making one an ordinary user again.

use crate::http::reply::Json;
use axum::extract::{Path, State};
use sixin_api::admin::{AccountInfoInput, SystemAccountEntry, SystemAccountInput};
use sixin_api::Envelope;

use super::{check_link, parse_mid};
use crate::domain::system::{check_name, SystemAccount, SystemKind};
use crate::domain::Mid;
use crate::error::Error;
use crate::http::auth::Admin;
use crate::http::extract;
use crate::http::state::AppState;
use crate::service::accounts::ProfileChange;

/// A system account from the admin API's input: -400 naming what is wrong.
pub(super) fn system_account(input: SystemAccountInput) -> Result<SystemAccount, Error> {
    let kind = SystemKind::new(input.system_msg_type)
        .ok_or_else(|| Error::bad_request("system.system_msg_type must be one of 1, 5, 7, 8, 9"))?;
    check_name(&input.name).map_err(|why| Error::bad_request(format!("system.{why}")))?;
    if let Some(pic_url) = &input.pic_url {
        check_link(pic_url)?;
    }
    Ok(SystemAccount {
        kind,
        name: input.name,
        pic_url: input.pic_url,
    })
}

pub(super) fn system_entry(
    state: &AppState,
    mid: Mid,
    uname: String,
    s: SystemAccount,
) -> SystemAccountEntry {
    SystemAccountEntry {
        mid: mid.get(),
        uname,
        system_msg_type: s.kind.code(),
        name: s.name,
        pic_url: s
            .pic_url
            .unwrap_or_else(|| crate::http::assets::face_url(state, None)),
    }
}

/// DELETE /admin/v1/users/{mid}/system: an ordinary user again.
pub(super) async fn delete_system(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<()>>, Error> {
    let mid = parse_mid(&mid)?;
    let change = ProfileChange {
        system: Some(None),
        ..ProfileChange::default()
    };
    state.services.accounts.update_user(mid, change).await?;
    Ok(Json(Envelope::empty()))
}

/// GET /admin/v1/system-accounts[?system_msg_type=8]
pub(super) async fn list_system_accounts(
    State(state): State<AppState>,
    _: Admin,
    extract::Query(query): extract::Query<SystemAccountsQuery>,
) -> Result<Json<Envelope<Vec<SystemAccountEntry>>>, Error> {
    let kind =
        match query.system_msg_type {
            Some(code) => Some(SystemKind::new(code).ok_or_else(|| {
                Error::bad_request("system_msg_type must be one of 1, 5, 7, 8, 9")
            })?),
            None => None,
        };
    let accounts = state.services.accounts.system_accounts(kind).await?;
    Ok(Json(Envelope::ok(
        accounts
            .into_iter()
            .map(|(mid, uname, s)| system_entry(&state, mid, uname, s))
            .collect(),
    )))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SystemAccountsQuery {
    system_msg_type: Option<i64>,
}

/// What a create or a patch asks of a user's system account: `None` no
/// change, `Some(None)` an ordinary user, `Some(Some(_))` this account.
/// Either `system`, or `system_msg_type` (0: ordinary) and `account_info`;
/// what neither gives is kept from `current`, and the name defaults to the
/// user's `uname`. -400 naming what is wrong.
pub(super) fn system_change(
    system: Option<SystemAccountInput>,
    kind: Option<i64>,
    info: Option<AccountInfoInput>,
    current: Option<&SystemAccount>,
    uname: &str,
) -> Result<Option<Option<SystemAccount>>, Error> {
    if system.is_some() && (kind.is_some() || info.is_some()) {
        return Err(Error::bad_request(
            "system goes alone, without system_msg_type or account_info",
        ));
    }
    if let Some(input) = system {
        return Ok(Some(Some(system_account(input)?)));
    }
    let info = info.unwrap_or_default();
    let kind = match (kind, current) {
        (Some(0), _) if info == AccountInfoInput::default() => return Ok(Some(None)),
        (Some(0), _) => {
            return Err(Error::bad_request(
                "account_info needs a system_msg_type other than 0",
            ))
        }
        (Some(code), _) => SystemKind::new(code)
            .ok_or_else(|| Error::bad_request("system_msg_type must be one of 0, 1, 5, 7, 8, 9"))?,
        (None, Some(current)) if info != AccountInfoInput::default() => current.kind,
        (None, None) if info != AccountInfoInput::default() => {
            return Err(Error::bad_request(
                "account_info needs a system_msg_type: the user is not a system account",
            ))
        }
        (None, _) => return Ok(None),
    };
    let name = info
        .name
        .or_else(|| current.map(|c| c.name.clone()))
        .unwrap_or_else(|| uname.to_owned());
    check_name(&name).map_err(|why| Error::bad_request(format!("account_info.{why}")))?;
    let pic_url = info
        .pic_url
        .or_else(|| current.and_then(|c| c.pic_url.clone()));
    if let Some(pic_url) = &pic_url {
        check_link(pic_url)?;
    }
    Ok(Some(Some(SystemAccount {
        kind,
        name,
        pic_url,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: Option<&str>) -> Option<AccountInfoInput> {
        Some(AccountInfoInput {
            name: name.map(str::to_owned),
            pic_url: None,
        })
    }

    #[test]
    fn the_session_spelling_makes_and_unmakes_system_accounts() {
        let made = system_change(None, Some(7), info(Some("UP主小助手")), None, "up")
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!((made.kind.code(), made.name.as_str()), (7, "UP主小助手"));
        let named_after_user = system_change(None, Some(1), None, None, "zhubo")
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(named_after_user.name, "zhubo");
        let renamed = system_change(None, None, info(Some("新名字")), Some(&made), "up")
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!((renamed.kind.code(), renamed.name.as_str()), (7, "新名字"));
        assert_eq!(
            system_change(None, Some(0), None, Some(&made), "up").unwrap(),
            Some(None)
        );
        assert_eq!(
            system_change(None, None, None, Some(&made), "up").unwrap(),
            None
        );
        assert!(system_change(None, Some(3), None, None, "up").is_err());
        assert!(system_change(None, None, info(Some("x")), None, "up").is_err());
        let both = SystemAccountInput {
            system_msg_type: 8,
            name: "客服".into(),
            pic_url: None,
        };
        assert!(system_change(Some(both), Some(8), None, None, "kefu").is_err());
    }
}
