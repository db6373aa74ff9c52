//! Request parameters of the user-relation family, with their exact wire
//! names. User ids are read as [`user_id`]s; lists are [`CommaList`]s.

use serde::{Deserialize, Serialize};

use crate::form::{user_id, CommaList};

/// `POST /x/relation/modify`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModifyForm {
    #[serde(deserialize_with = "user_id")]
    pub fid: u64,
    /// See [`super::act`].
    pub act: i64,
    /// Where the action came from; accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub re_src: Option<String>,
}

/// `POST /x/relation/batch/modify`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchModifyForm {
    /// The document's table says `fids`, its example sends `fid`.
    #[serde(alias = "fid")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    pub fids: CommaList<u64>,
    /// 1 follow or 5 block.
    pub act: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub re_src: Option<String>,
}

/// `GET /x/relation` and `GET /x/relation/tag/user`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct FidQuery {
    #[serde(deserialize_with = "user_id")]
    pub fid: u64,
}

/// `GET /x/relation/relations`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct FidsQuery {
    /// The document's table says `fids`, its example sends `fid`.
    #[serde(alias = "fid")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    #[cfg_attr(feature = "openapi", param(value_type = String, example = "1,2,3"))]
    pub fids: CommaList<u64>,
}

/// `GET /x/space/wbi/acc/relation` (and its other paths)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct MidQuery {
    #[serde(deserialize_with = "user_id")]
    pub mid: u64,
}

/// `ps` (page size) and `pn` (page number, from 1); absent or 0 means the
/// default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct Paging {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pn: Option<u64>,
}

/// `followings`, `followers`, `same/followings`: someone's list, paged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct VmidPageQuery {
    #[serde(deserialize_with = "user_id")]
    pub vmid: u64,
    // Not `#[serde(flatten)]` of `Paging`: flattening loses the number
    // parsing of url-encoded values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pn: Option<u64>,
}

impl VmidPageQuery {
    pub fn paging(&self) -> Paging {
        Paging {
            ps: self.ps,
            pn: self.pn,
        }
    }
}

/// `GET /x/relation/fans`: someone's fans, paged by `pn` or from an
/// `offset` cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct FansQuery {
    #[serde(deserialize_with = "user_id")]
    pub vmid: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pn: Option<u64>,
    /// `data.offset` of the previous page (`{mtime}:{mid}`); when valid,
    /// the page starts after that fan and `pn` is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// `time` of `followers/unread/count` (unix seconds); it only steers a
    /// recommended order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_access_ts: Option<i64>,
    /// `main` asks for a recommended order of one's own fans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// `GET /x/relation/followings/search`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SearchFollowingsQuery {
    #[serde(deserialize_with = "user_id")]
    pub vmid: u64,
    /// The keyword; absent or empty: every following.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pn: Option<u64>,
}

/// `GET /x/relation/stat`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct VmidQuery {
    #[serde(deserialize_with = "user_id")]
    pub vmid: u64,
}

/// `GET /x/relation/tag`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct TagQuery {
    /// -10 special, 0 default, -20 every follow, else a group id.
    pub tagid: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pn: Option<u64>,
}

impl TagQuery {
    pub fn paging(&self) -> Paging {
        Paging {
            ps: self.ps,
            pn: self.pn,
        }
    }
}

/// `POST /x/relation/tag/create`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTagForm {
    pub tag: String,
}

/// `POST /x/relation/tag/update`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateTagForm {
    pub tagid: i64,
    pub name: String,
}

/// `POST /x/relation/tag/del`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteTagForm {
    pub tagid: i64,
}

/// `POST /x/relation/tags/addUsers` and `tags/copyUsers`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagUsersForm {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    pub fids: CommaList<u64>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    pub tagids: CommaList<i64>,
}

/// `POST /x/relation/tags/moveUsers`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveUsersForm {
    #[serde(rename = "beforeTagids")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    pub before_tagids: CommaList<i64>,
    #[serde(rename = "afterTagids")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    pub after_tagids: CommaList<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1,2,3"))]
    pub fids: CommaList<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ids_read_as_clients_write_them() {
        let form: BatchModifyForm = serde_urlencoded::from_str("fid=1,%202&act=1").unwrap();
        assert_eq!(form.fids.0, vec![1, 2]);
        let q: FidQuery = serde_urlencoded::from_str("fid=%207").unwrap();
        assert_eq!(q.fid, 7);
        let form = MoveUsersForm {
            before_tagids: vec![1].into(),
            after_tagids: vec![0, -10].into(),
            fids: vec![3, 4].into(),
        };
        assert_eq!(
            serde_urlencoded::to_string(&form).unwrap(),
            "beforeTagids=1&afterTagids=0%2C-10&fids=3%2C4"
        );
    }

    /// Every form and query of the family, fully filled, encoded as the
    /// documents spell them.
    #[test]
    fn every_request_has_its_documented_wire_names() {
        let encoded = |value: &dyn erased::Encode| value.encode();
        let list = || CommaList(vec![1, 2]);
        let cases: Vec<(Box<dyn erased::Encode>, &str)> = vec![
            (
                Box::new(ModifyForm {
                    fid: 1,
                    act: 1,
                    re_src: Some("11".into()),
                }),
                "fid=1&act=1&re_src=11",
            ),
            (
                Box::new(BatchModifyForm {
                    fids: list(),
                    act: 5,
                    re_src: Some("11".into()),
                }),
                "fids=1%2C2&act=5&re_src=11",
            ),
            (Box::new(FidQuery { fid: 1 }), "fid=1"),
            (Box::new(FidsQuery { fids: list() }), "fids=1%2C2"),
            (Box::new(MidQuery { mid: 1 }), "mid=1"),
            (
                Box::new(Paging {
                    ps: Some(1),
                    pn: Some(2),
                }),
                "ps=1&pn=2",
            ),
            (
                Box::new(VmidPageQuery {
                    vmid: 1,
                    ps: Some(1),
                    pn: Some(2),
                }),
                "vmid=1&ps=1&pn=2",
            ),
            (Box::new(VmidQuery { vmid: 1 }), "vmid=1"),
            (
                Box::new(FansQuery {
                    vmid: 1,
                    ps: Some(2),
                    pn: Some(3),
                    offset: Some("1746098997:7".into()),
                    last_access_ts: Some(4),
                    from: Some("main".into()),
                }),
                "vmid=1&ps=2&pn=3&offset=1746098997%3A7&last_access_ts=4&from=main",
            ),
            (
                Box::new(SearchFollowingsQuery {
                    vmid: 1,
                    name: Some("warma".into()),
                    ps: Some(2),
                    pn: Some(3),
                }),
                "vmid=1&name=warma&ps=2&pn=3",
            ),
            (
                Box::new(TagQuery {
                    tagid: -10,
                    ps: Some(1),
                    pn: Some(2),
                }),
                "tagid=-10&ps=1&pn=2",
            ),
            (Box::new(CreateTagForm { tag: "a".into() }), "tag=a"),
            (
                Box::new(UpdateTagForm {
                    tagid: 3,
                    name: "b".into(),
                }),
                "tagid=3&name=b",
            ),
            (Box::new(DeleteTagForm { tagid: 3 }), "tagid=3"),
            (
                Box::new(TagUsersForm {
                    fids: list(),
                    tagids: CommaList(vec![-10, 3]),
                }),
                "fids=1%2C2&tagids=-10%2C3",
            ),
        ];
        for (value, wire) in cases {
            assert_eq!(encoded(value.as_ref()), wire);
        }
    }

    /// Encoding through a trait object, so cases of different types share a list.
    mod erased {
        pub trait Encode {
            fn encode(&self) -> String;
        }

        impl<T: serde::Serialize> Encode for T {
            fn encode(&self) -> String {
                serde_urlencoded::to_string(self).unwrap()
            }
        }
    }
}
