//! How an [`Error`] becomes an envelope, and the envelope shapes of the
//! different hosts.
//!
//! Errors always answer HTTP 200 with the code in the envelope, as the real
//! service does, and are logged here, once, with the code they became:
//! internal failures with their whole cause (never shown to the client),
//! refusals at debug level with their detail.
//!
//! The documents give errors several shapes depending on the host. An error
//! response carries its [`Code`] as a response extension, so that one layer
//! ([`shape`]) re-renders it in its router's [`Shape`] without handlers
//! knowing about it.

use crate::http::reply::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use sixin_api::{Code, Envelope};

use crate::error::Error;

/// The shape of error envelopes on a router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `api.bilibili.com`: `{code, message, ttl}`.
    Plain,
    /// `api.vc.bilibili.com` (`session_svr`, `svr_sync`, `link_setting`):
    /// `msg` beside `message`.
    Vc,
    /// vc endpoints whose errors carry `"data": null` beside `msg`
    /// (`session_detail`).
    VcNullData,
    /// Endpoints whose errors carry `"data": null` (`send_msg`).
    NullData,
}

/// Marks a response as an error so that [`shape`] can re-render it.
#[derive(Debug, Clone)]
struct ErrorBody {
    code: Code,
    message: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let code = self.code();
        let mut message = code.message().to_owned();
        match &self {
            Error::Internal(source) => {
                tracing::error!(code = code.number(), cause = %chain(source.as_ref()), "internal error");
            }
            Error::Refused(refusal) if code == Code::ServerError => {
                tracing::error!(code = code.number(), detail = %refusal.detail, "internal error");
            }
            Error::Refused(refusal) if code == Code::BadRequest => {
                // A client's mistake the operator may want to see.
                tracing::info!(code = code.number(), detail = %refusal.detail, "bad request");
                if refusal.detail != code.message() {
                    // As the live service does for validation errors, the
                    // message says which parameter is wrong and why.
                    message = format!("{message}: {}", refusal.detail);
                }
            }
            Error::Refused(refusal) => {
                tracing::debug!(code = code.number(), detail = %refusal.detail, "refused");
            }
        }
        shaped(ErrorBody { code, message }, Shape::Plain)
    }
}

/// An error and its causes, `: `-separated.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The error envelope of `error` in `shape`.
fn envelope(error: &ErrorBody, shape: Shape) -> Envelope<()> {
    let envelope = Envelope {
        message: error.message.clone(),
        ..Envelope::error(error.code)
    };
    match shape {
        Shape::Plain => envelope,
        Shape::Vc => envelope.with_msg(),
        Shape::VcNullData => Envelope {
            data: Some(()),
            ..envelope.with_msg()
        },
        Shape::NullData => Envelope {
            data: Some(()),
            ..envelope
        },
    }
}

/// The plain error envelope `{code, message, ttl}` for `code`.
pub fn error_response(code: Code) -> Response {
    let message = code.message().to_owned();
    shaped(ErrorBody { code, message }, Shape::Plain)
}

fn shaped(error: ErrorBody, shape: Shape) -> Response {
    let mut response = Json(envelope(&error, shape)).into_response();
    response.extensions_mut().insert(error);
    response
}

/// The envelope code of an answer that carries data despite a non-zero
/// code (nav's -101), for the request log and metrics.
#[derive(Debug, Clone, Copy)]
struct ApiCode(Code);

/// Marks `response`, a hand-built envelope, as answering `code`.
pub fn with_code(mut response: Response, code: Code) -> Response {
    response.extensions_mut().insert(ApiCode(code));
    response
}

/// The envelope `code` of an answer: the error's when it is an error, 0
/// for any other successful answer, none for an HTTP error that is not an
/// envelope (a download's 403 or 404).
pub fn api_code(response: &Response) -> Option<i64> {
    if let Some(error) = response.extensions().get::<ErrorBody>() {
        return Some(error.code.number());
    }
    if let Some(ApiCode(code)) = response.extensions().get::<ApiCode>() {
        return Some(code.number());
    }
    response.status().is_success().then_some(0)
}

/// Re-renders error responses in `shape`; for
/// `axum::middleware::map_response_with_state`.
pub async fn shape(State(shape): State<Shape>, response: Response) -> Response {
    match response.extensions().get::<ErrorBody>() {
        Some(error) => shaped(error.clone(), shape),
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Refusal;
    use serde_json::{json, Value};

    async fn body_of(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn every_error_is_http_200_with_the_plain_envelope() {
        let response = Error::from(Code::NotLoggedIn).into_response();
        assert_eq!(response.status(), 200);
        assert_eq!(
            body_of(response).await,
            json!({"code": -101, "message": "账号未登录", "ttl": 1})
        );
    }

    #[tokio::test]
    async fn internal_errors_hide_their_detail() {
        let response = Error::internal("disk on fire at /secret/path").into_response();
        assert_eq!(
            body_of(response).await,
            json!({"code": -500, "message": "服务器错误", "ttl": 1})
        );
    }

    #[tokio::test]
    async fn each_shape_renders_as_documented() {
        let refused = || Error::from(Refusal::new(Code::SendToSelf, "detail")).into_response();
        let cases = [
            (
                Shape::Vc,
                json!({"code": 21026, "msg": "不能给自己发送消息哦~", "message": "不能给自己发送消息哦~", "ttl": 1}),
            ),
            (
                Shape::VcNullData,
                json!({"code": 21026, "msg": "不能给自己发送消息哦~", "message": "不能给自己发送消息哦~", "ttl": 1, "data": null}),
            ),
            (
                Shape::NullData,
                json!({"code": 21026, "message": "不能给自己发送消息哦~", "ttl": 1, "data": null}),
            ),
        ];
        for (s, expected) in cases {
            let reshaped = shape(State(s), refused()).await;
            assert_eq!(body_of(reshaped).await, expected, "{s:?}");
        }
        let success = Json(Envelope::ok(1)).into_response();
        assert_eq!(
            body_of(shape(State(Shape::NullData), success).await).await,
            json!({"code": 0, "message": "0", "ttl": 1, "data": 1})
        );
    }

    #[tokio::test]
    async fn bad_requests_say_which_parameter_is_wrong_and_why() {
        let response = Error::bad_request("msg[receiver_id] must be a user mid").into_response();
        let vc = shape(State(Shape::Vc), response).await;
        let message = "请求错误: msg[receiver_id] must be a user mid";
        assert_eq!(
            body_of(vc).await,
            json!({"code": -400, "msg": message, "message": message, "ttl": 1})
        );
        let bare = Error::from(Code::BadRequest).into_response();
        assert_eq!(
            body_of(bare).await,
            json!({"code": -400, "message": "请求错误", "ttl": 1})
        );
    }

    #[test]
    fn causes_are_chained_for_the_log() {
        let err = crate::store::StoreError::Backend(Box::new(std::io::Error::other("disk full")));
        assert_eq!(chain(&err), "storage backend failed: disk full");
    }

    #[test]
    fn documented_codes_keep_their_numbers_and_messages() {
        let pinned = [
            (Code::NotLoggedIn, -101, "账号未登录"),
            (Code::CsrfFailed, -111, "csrf校验失败"),
            (Code::BadRequest, -400, "请求错误"),
            (Code::NotFound, -404, "啥都木有"),
            (Code::ServerError, -500, "服务器错误"),
            (Code::RelationSelf, 22001, "不能对自己进行此操作"),
            (Code::RelationBlacklisted, 22003, "用户位于黑名单"),
            (Code::RelationPageLimit, 22007, "访问超过5页"),
            (Code::BlacklistFull, 22008, "黑名单达到上限"),
            (Code::FollowLimit, 22009, "关注失败，已达关注上限"),
            (Code::AlreadyFollowing, 22014, "已经关注用户，无法重复关注"),
            (Code::TooManyTags, 22102, "分组数量超过限制"),
            (Code::TagNameTooLong, 22103, "分组名过长"),
            (Code::TagNotFound, 22104, "该分组不存在"),
            (Code::NotFollowing, 22105, "未关注"),
            (Code::TagExists, 22106, "该分组已经存在"),
            (Code::AlreadyBlocked, 22120, "重复加入黑名单"),
            (Code::UserNotFound, 40061, "用户不存在"),
            (Code::MsgKeyNotFound, 10005, "msgkey不存在"),
            (Code::MsgTooLong, 21007, "消息过长，无法发送"),
            (Code::SendTooFast, 21020, "你发送消息频率过快，请稍后再发~"),
            (Code::SendToSelf, 21026, "不能给自己发送消息哦~"),
            (Code::MsgTypeNotSendable, 21035, "该类消息暂时无法发送"),
            (Code::ImageInvalid, 21037, "图片格式不合法，不要调戏接口啦"),
            (Code::RecallExpired, 21041, "消息已超期，不能撤回了哦"),
            (Code::AlreadyRecalled, 21042, "消息已经撤回了哦"),
            (
                Code::SendBanned24h,
                21046,
                "你发消息的频率太高了，请在24小时后再发吧~",
            ),
            (
                Code::StrangerLimit,
                21047,
                "对方主动回复或关注你前，最多发送1条消息~",
            ),
            (
                Code::ReceiverPrivacy,
                25003,
                "因对方隐私设置，暂无法给他发送聊天消息",
            ),
            (
                Code::ReceiverBlocked,
                25005,
                "你已拉黑了对方，请先将对方移出黑名单后才能聊天",
            ),
            (Code::SessionNotFound, 1000004, "入口节点已存在"),
            (
                Code::BlockWordTooLong,
                1900004,
                "添加失败，屏蔽词限制最多20个字",
            ),
            (
                Code::TooManyBlockWords,
                1900005,
                "添加失败，最多可以添加200个屏蔽词",
            ),
            (Code::BlockWordExists, 1900006, "添加失败，屏蔽词重复"),
            (Code::BlockWordSpace, 1900007, "添加失败，屏蔽词不支持空格"),
            (Code::NoPermission, 700009, "权限不足"),
            (Code::GroupDissolved, 700013, "已解散QAQ，无法执行此操作"),
            (
                Code::NotInGroup,
                700014,
                "你已不在此同萌中QAQ，无法执行此操作",
            ),
            (Code::ReplyParams, 27011, "请求参数错误"),
            (Code::ReplyTooLong, 1500001, "自动回复内容太长"),
            (
                Code::TooManyReplyRules,
                1500002,
                "规则数量已达上限，请删除后新建",
            ),
            (Code::NotYourRule, 1003, "不能删除别人的规则"),
        ];
        for (code, number, message) in pinned {
            let json = serde_json::to_value(Envelope::error(code)).unwrap();
            assert_eq!(json, json!({"code": number, "message": message, "ttl": 1}));
        }
    }
}
