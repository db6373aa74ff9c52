//! Routing that documents as it routes. Every endpoint is added through
//! [`Routes`] with its [`Doc`]: the same call puts the handler on the axum
//! router and the operation in the OpenAPI document (`/openapi.json`), so
//! the reference cannot leave out a route the server serves, nor describe
//! one it does not.

use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::map_response_with_state;
use axum::routing::MethodRouter;
use axum::Router;
use sixin_api::Code;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, ToSchema};

use super::error::{shape, Shape};
use super::state::AppState;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone.
    Public,
    /// Anyone; a logged-in caller may get more.
    Optional,
    /// The `SESSDATA` cookie of a session (-101 without).
    Login,
    /// A session and its `bili_jct` as `csrf` (-101, -111).
    Csrf,
    /// The admin bearer token (-403 without).
    Admin,
}

/// What the `data` of an endpoint's success envelope is.
#[derive(Clone)]
pub enum Data {
    /// No `data` field.
    Absent,
    /// `"data": {}`.
    EmptyObject,
    /// `"data": null`.
    Null,
    /// A schema.
    Schema(Box<RefOr<Schema>>),
}

/// What an endpoint answers on success.
#[derive(Clone)]
pub enum Answer {
    /// The JSON envelope with `data`.
    Envelope(Data),
    /// Bytes of this media type (images).
    File(&'static str),
    /// A JSON body of its own shape (not the envelope).
    Json(Box<RefOr<Schema>>),
    /// A WebSocket (HTTP 101) whose text frames are JSON of this schema;
    /// refusals before the upgrade are the envelope.
    WebSocket(Box<RefOr<Schema>>),
}

/// The request body an endpoint takes.
#[derive(Clone)]
pub enum Body {
    /// Parameters: url-encoded or multipart body, or the query string.
    Form(RefOr<Schema>),
    /// A multipart body with a file field.
    Upload(RefOr<Schema>),
    /// A JSON body (admin API).
    Json(RefOr<Schema>),
}

/// One endpoint's documentation.
#[derive(Clone)]
pub struct Doc {
    pub summary: &'static str,
    pub description: Option<&'static str>,
    pub auth: Auth,
    pub params: Vec<utoipa::openapi::path::Parameter>,
    pub body: Option<Body>,
    pub answer: Answer,
    pub codes: Vec<Code>,
    /// Named schemas the operation refers to.
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

impl Doc {
    /// A public endpoint answering the envelope without `data`.
    pub fn new(summary: &'static str) -> Doc {
        Doc {
            summary,
            description: None,
            auth: Auth::Public,
            params: Vec::new(),
            body: None,
            answer: Answer::Envelope(Data::Absent),
            codes: Vec::new(),
            schemas: Vec::new(),
        }
    }

    /// A longer explanation (CommonMark).
    pub fn describe(mut self, description: &'static str) -> Doc {
        self.description = Some(description);
        self
    }

    pub fn auth(mut self, auth: Auth) -> Doc {
        self.auth = auth;
        self
    }

    /// Query-string parameters described by `Q`.
    pub fn query<Q: IntoParams>(mut self) -> Doc {
        self.params.extend(Q::into_params(|| {
            Some(utoipa::openapi::path::ParameterIn::Query)
        }));
        self.codes(&[Code::BadRequest])
    }

    /// A path parameter.
    pub fn path_param(mut self, name: &str, description: &str) -> Doc {
        self.params.push(
            utoipa::openapi::path::ParameterBuilder::new()
                .name(name)
                .parameter_in(utoipa::openapi::path::ParameterIn::Path)
                .required(utoipa::openapi::Required::True)
                .description(Some(description))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        );
        self.codes(&[Code::BadRequest])
    }

    /// Form parameters described by `F`, in any body format or the query.
    pub fn form<F: ToSchema>(mut self) -> Doc {
        self.body = Some(Body::Form(self.named::<F>()));
        self.codes(&[Code::BadRequest])
    }

    /// A multipart upload described by `F`.
    pub fn upload<F: ToSchema>(mut self) -> Doc {
        self.body = Some(Body::Upload(self.named::<F>()));
        self.codes(&[Code::BadRequest])
    }

    /// A JSON body described by `J`.
    pub fn json<J: ToSchema>(mut self) -> Doc {
        self.body = Some(Body::Json(self.named::<J>()));
        self.codes(&[Code::BadRequest])
    }

    /// `data` is a `T`.
    pub fn data<T: ToSchema>(mut self) -> Doc {
        self.answer = Answer::Envelope(Data::Schema(Box::new(self.named::<T>())));
        self
    }

    /// `data` is a list of `T`.
    pub fn data_list<T: ToSchema>(mut self) -> Doc {
        let item = self.named::<T>();
        self.answer = Answer::Envelope(Data::Schema(Box::new(
            ArrayBuilder::new().items(item).into(),
        )));
        self
    }

    /// `data` is an object whose values are `T`s, keyed by user id.
    pub fn data_map<T: ToSchema>(mut self) -> Doc {
        let value = self.named::<T>();
        let map = ObjectBuilder::new()
            .description(Some("Keyed by user id"))
            .additional_properties(Some(value));
        self.answer = Answer::Envelope(Data::Schema(Box::new(map.into())));
        self
    }

    /// `data` is described by `schema` (for maps and other unnamed shapes).
    pub fn data_schema(mut self, schema: impl Into<RefOr<Schema>>) -> Doc {
        self.answer = Answer::Envelope(Data::Schema(Box::new(schema.into())));
        self
    }

    /// `data` is `{}` / `null`.
    pub fn data_is(mut self, data: Data) -> Doc {
        self.answer = Answer::Envelope(data);
        self
    }

    /// The answer is bytes of `media_type`.
    pub fn file(mut self, media_type: &'static str) -> Doc {
        self.answer = Answer::File(media_type);
        self
    }

    /// The answer is a JSON body of its own shape, a `T`.
    pub fn own_json<T: ToSchema>(mut self) -> Doc {
        self.answer = Answer::Json(Box::new(self.named::<T>()));
        self
    }

    /// The answer is a WebSocket whose server frames are `T`s.
    pub fn websocket<T: ToSchema>(mut self) -> Doc {
        self.answer = Answer::WebSocket(Box::new(self.named::<T>()));
        self
    }

    /// The answer is a JSON body of its own shape, described by `schema`.
    pub fn own_json_schema(mut self, schema: impl Into<RefOr<Schema>>) -> Doc {
        self.answer = Answer::Json(Box::new(schema.into()));
        self
    }

    /// Codes the endpoint can answer besides those its auth and parameters
    /// imply.
    pub fn codes(mut self, codes: &[Code]) -> Doc {
        for code in codes {
            if !self.codes.contains(code) {
                self.codes.push(*code);
            }
        }
        self
    }

    /// Every code the endpoint can answer, in a stable order.
    pub fn all_codes(&self) -> Vec<Code> {
        let implied: &[Code] = match self.auth {
            Auth::Public | Auth::Optional => &[],
            Auth::Login => &[Code::NotLoggedIn],
            Auth::Csrf => &[Code::NotLoggedIn, Code::CsrfFailed],
            Auth::Admin => &[Code::Forbidden, Code::TooFrequent],
        };
        let mut codes: Vec<Code> = implied.to_vec();
        for code in &self.codes {
            if !codes.contains(code) {
                codes.push(*code);
            }
        }
        if !codes.contains(&Code::ServerError) && !matches!(self.answer, Answer::File(_)) {
            codes.push(Code::ServerError);
        }
        codes.sort_by_key(|c| (c.number() > 0, c.number().abs()));
        codes
    }

    /// A reference to `T`'s schema, remembering it and what it uses.
    fn named<T: ToSchema>(&mut self) -> RefOr<Schema> {
        let name = T::name().into_owned();
        let mut nested = Vec::new();
        T::schemas(&mut nested);
        self.schemas.extend(nested);
        self.schemas.push((name.clone(), T::schema()));
        RefOr::Ref(utoipa::openapi::Ref::from_schema_name(name))
    }
}

/// A schema of `kind` with a description.
pub fn schema(kind: Type, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(kind)
        .description(Some(description))
        .into()
}

/// A list of `kind` with a description.
pub fn list(kind: Type, description: &str) -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(kind))
        .description(Some(description))
        .into()
}

/// One routed, documented endpoint.
#[derive(Clone)]
pub struct Endpoint {
    pub path: String,
    pub method: Method,
    pub shape: Shape,
    pub doc: Doc,
}

/// A family's routes: an axum router and the endpoints it serves, all with
/// the error-envelope [`Shape`] of their host.
pub struct Routes {
    shape: Shape,
    /// Routes added here, not yet shaped.
    router: Router<AppState>,
    /// Routes merged from others, already shaped.
    merged: Router<AppState>,
    endpoints: Vec<Endpoint>,
}

impl Routes {
    pub fn new(shape: Shape) -> Routes {
        Routes {
            shape,
            router: Router::new(),
            merged: Router::new(),
            endpoints: Vec::new(),
        }
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        handler: H,
        doc: Doc,
    ) -> Routes {
        self.serve(path, Method::GET, axum::routing::get(handler), doc)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        handler: H,
        doc: Doc,
    ) -> Routes {
        self.serve(path, Method::POST, axum::routing::post(handler), doc)
    }

    pub fn patch<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        handler: H,
        doc: Doc,
    ) -> Routes {
        self.serve(path, Method::PATCH, axum::routing::patch(handler), doc)
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        handler: H,
        doc: Doc,
    ) -> Routes {
        self.serve(path, Method::DELETE, axum::routing::delete(handler), doc)
    }

    /// `method path` served by `route` (for a method router with layers of
    /// its own); `route` must serve exactly `method`.
    pub fn serve(
        mut self,
        path: &str,
        method: Method,
        route: MethodRouter<AppState>,
        doc: Doc,
    ) -> Routes {
        self.router = self.router.route(path, route);
        self.endpoints.push(Endpoint {
            path: path.to_owned(),
            method,
            shape: self.shape,
            doc,
        });
        self
    }

    /// Both sets of routes, each keeping its shape.
    pub fn merge(mut self, other: Routes) -> Routes {
        let (router, endpoints) = other.into_parts();
        self.merged = self.merged.merge(router);
        self.endpoints.extend(endpoints);
        self
    }

    /// The router (its error envelopes in this family's shape) and the
    /// endpoints it serves.
    pub fn into_parts(self) -> (Router<AppState>, Vec<Endpoint>) {
        let router = match self.shape {
            Shape::Plain => self.router,
            shape => self
                .router
                .layer(map_response_with_state(shape, self::shape)),
        };
        (router.merge(self.merged), self.endpoints)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Routes added to an axum router directly would be served without
    /// being documented: only this module (and `/openapi.json` itself, in
    /// `http/mod.rs`) may add them.
    #[test]
    fn every_route_goes_through_routes() {
        fn visit(dir: &Path, offenders: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    visit(&path, offenders);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.to_string_lossy();
                let allowed = name.ends_with("http/routes.rs") || name.ends_with("http/mod.rs");
                if !allowed
                    && [".route(", ".nest(", "Router::new()"]
                        .iter()
                        .any(|p| text.contains(p))
                {
                    offenders.push(name.into_owned());
                }
            }
        }
        let mut offenders = Vec::new();
        visit(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http"),
            &mut offenders,
        );
        assert!(
            offenders.is_empty(),
            "routes added outside Routes: {offenders:?}"
        );
    }
}
