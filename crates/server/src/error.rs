//! The one error type of the service and how it becomes an envelope.
//!
//! Every documented code is a [`Code`]; an [`ApiError`] is either one of them
//! or an internal failure, which is logged and shown to the client only as a
//! generic `-500`. Errors always answer HTTP 200 with the code in the envelope,
//! as the real service does.
//!
//! The documents give errors three shapes depending on the host (see
//! [`Envelope`]). An error response carries its [`Code`] as a response
//! extension so that a family's layer ([`vc_shape`], [`null_data_shape`]) can
//! re-render it in that family's shape without handlers knowing about it.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sixin_api::{Code, Envelope};

use crate::store::StoreError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A documented code, answered as is.
    #[error("{0}")]
    Code(Code),
    /// A malformed request (-400); the detail is logged, not shown.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything else: logged with its detail, answered as a generic -500.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A -400 with a detail for the log.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest(detail.into())
    }

    /// The code the client sees.
    pub fn code(&self) -> Code {
        match self {
            ApiError::Code(code) => *code,
            ApiError::BadRequest(_) => Code::BadRequest,
            ApiError::Internal(_) => Code::ServerError,
        }
    }
}

impl From<Code> for ApiError {
    fn from(code: Code) -> Self {
        ApiError::Code(code)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Rejected(code) => ApiError::Code(code),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Marks a response as an error so that family layers can re-shape it.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub Code);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "internal error"),
            ApiError::BadRequest(detail) => tracing::debug!(%detail, "bad request"),
            ApiError::Code(_) => {}
        }
        error_response(self.code())
    }
}

/// The plain error envelope `{code, message, ttl}` for `code`.
pub fn error_response(code: Code) -> Response {
    let mut response = Json(Envelope::error(code)).into_response();
    response.extensions_mut().insert(ErrorCode(code));
    response
}

/// Layer for the vc hosts (`session_svr`, `svr_sync`): errors carry `msg`
/// beside `message`.
pub async fn vc_shape(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    match response.extensions().get::<ErrorCode>() {
        Some(&ErrorCode(code)) => {
            let mut reshaped = Json(Envelope::error(code).with_msg()).into_response();
            reshaped.extensions_mut().insert(ErrorCode(code));
            reshaped
        }
        None => response,
    }
}

/// Layer for vc endpoints whose errors carry `"data": null` beside `msg`
/// (`session_detail`).
pub async fn vc_null_data_shape(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    match response.extensions().get::<ErrorCode>() {
        Some(&ErrorCode(code)) => {
            let mut envelope = Envelope::error(code).with_msg();
            envelope.data = Some(());
            let mut reshaped = Json(envelope).into_response();
            reshaped.extensions_mut().insert(ErrorCode(code));
            reshaped
        }
        None => response,
    }
}

/// Layer for endpoints whose errors carry `"data": null` (`send_msg`).
pub async fn null_data_shape(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    match response.extensions().get::<ErrorCode>() {
        Some(&ErrorCode(code)) => {
            let mut envelope = Envelope::error(code);
            envelope.data = Some(());
            let mut reshaped = Json(envelope).into_response();
            reshaped.extensions_mut().insert(ErrorCode(code));
            reshaped
        }
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    async fn body_of(response: Response) -> Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn every_error_is_http_200_with_the_plain_envelope() {
        let response = ApiError::Code(Code::NotLoggedIn).into_response();
        assert_eq!(response.status(), 200);
        assert_eq!(
            body_of(response).await,
            json!({"code": -101, "message": "账号未登录", "ttl": 1})
        );
    }

    #[tokio::test]
    async fn internal_errors_hide_their_detail() {
        let response = ApiError::Internal("disk on fire at /secret/path".into()).into_response();
        assert_eq!(
            body_of(response).await,
            json!({"code": -500, "message": "服务器错误", "ttl": 1})
        );
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
        ];
        for (code, number, message) in pinned {
            let json = serde_json::to_value(Envelope::error(code)).unwrap();
            assert_eq!(json, json!({"code": number, "message": message, "ttl": 1}));
        }
    }
}
