//! The response envelope every endpoint answers with.

use serde::{Deserialize, Serialize};

/// `{code, msg?, message, ttl, data?}`.
///
/// The documents show three shapes and all three are this type:
/// - `api.bilibili.com` families: `code, message, ttl` and `data` when there is
///   one (errors carry no `data`);
/// - `api.vc.bilibili.com` families add `msg` beside `message`;
/// - a few endpoints answer errors with `"data": null`, which is
///   `data: Some(())` here, since `()` serialises as `null`.
///
/// When deserialising, an absent `data` and a `null` one are both `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Envelope<T> {
    pub code: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<String>,
    pub message: String,
    #[serde(default = "one")]
    pub ttl: i64,
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
}

const fn one() -> i64 {
    1
}

const fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// A success with `data`, in the `api.bilibili.com` shape.
    pub fn ok(data: T) -> Self {
        Envelope {
            code: 0,
            msg: None,
            message: "0".into(),
            ttl: 1,
            data: Some(data),
        }
    }

    /// The same envelope with `msg` beside `message`, as the vc hosts answer.
    pub fn with_msg(mut self) -> Self {
        self.msg = Some(self.message.clone());
        self
    }
}

impl Envelope<()> {
    /// A success without `data` (`{"code":0,"message":"0","ttl":1}`).
    pub fn empty() -> Self {
        Envelope {
            code: 0,
            msg: None,
            message: "0".into(),
            ttl: 1,
            data: None,
        }
    }

    /// An error without `data`.
    pub fn error(code: crate::Code) -> Self {
        Envelope {
            code: code.number(),
            msg: None,
            message: code.message().into(),
            ttl: 1,
            data: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_without_data_has_no_data_key() {
        let v = serde_json::to_value(Envelope::empty()).unwrap();
        assert_eq!(v, json!({"code": 0, "message": "0", "ttl": 1}));
    }

    #[test]
    fn unit_data_serialises_as_null() {
        let mut e = Envelope::error(crate::Code::SendToSelf);
        e.data = Some(());
        let v = serde_json::to_value(e).unwrap();
        assert_eq!(
            v,
            json!({"code": 21026, "message": "不能给自己发送消息哦~", "ttl": 1, "data": null})
        );
    }

    #[test]
    fn vc_shape_has_msg_beside_message() {
        let v = serde_json::to_value(Envelope::ok(json!({})).with_msg()).unwrap();
        assert_eq!(
            v,
            json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {}})
        );
    }

    #[test]
    fn absent_and_null_data_both_read_as_none() {
        let a: Envelope<u8> = serde_json::from_str(r#"{"code":0,"message":"0","ttl":1}"#).unwrap();
        let b: Envelope<u8> =
            serde_json::from_str(r#"{"code":0,"message":"0","ttl":1,"data":null}"#).unwrap();
        assert_eq!(a.data, None);
        assert_eq!(b.data, None);
    }
}
