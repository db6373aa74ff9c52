//! Wire types of the customer-service family (`/x/custom/...`):
//! `heart_beat` and the file `upload`.

use serde::{Deserialize, Serialize};

/// Query of `GET /x/custom/session_svr/v1/heart_beat`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct HeartBeatQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_father_id: Option<i64>,
    /// Client version; web: 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// `data` of `POST /x/custom/msg_svr/v1/upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedFile {
    /// The stored name, `<hex>.<ext>`.
    pub key: String,
    /// A link that expires (an S3 presigned URL's shape).
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_documents() {
        let query = HeartBeatQuery {
            shop_id: Some(0),
            shop_father_id: Some(0),
            build: Some(0),
            mobi_app: Some("web".into()),
        };
        assert_eq!(
            serde_urlencoded::to_string(&query).unwrap(),
            "shop_id=0&shop_father_id=0&build=0&mobi_app=web"
        );
        let file = UploadedFile {
            key: "k.xcf".into(),
            url: "u".into(),
        };
        assert_eq!(
            serde_json::to_string(&file).unwrap(),
            r#"{"key":"k.xcf","url":"u"}"#
        );
    }
}
