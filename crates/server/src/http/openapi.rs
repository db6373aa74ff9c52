//! The OpenAPI 3.1 document of every endpoint, built from the routes
//! themselves ([`super::routes`]), and its Markdown rendering
//! (`docs/api.md`).

use axum::http::Method;
use serde_json::{json, Value};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, Paths};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{AllOfBuilder, ComponentsBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    extensions::Extensions, Content, InfoBuilder, OpenApi, OpenApiBuilder, RefOr, ResponseBuilder,
};

use super::error::Shape;
use super::routes::{Answer, Auth, Body, Data, Endpoint};

const DESCRIPTION: &str = "\
sixin answers Bilibili's private-message, customer-service and user-relation \
APIs. Every answer is HTTP 200 with the JSON envelope `{code, message, ttl, data}` \
(vc hosts add `msg`); `code` 0 is success, any other code is listed under the \
operation's `x-codes`. POST parameters may come url-encoded, as multipart text \
fields or in the query string; the body wins over the query string. Logged-in \
calls send the `SESSDATA` cookie; POSTs add the session's `bili_jct` as `csrf`.";

/// The document describing `endpoints`.
pub fn document(endpoints: &[Endpoint]) -> OpenApi {
    let mut paths = Paths::new();
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            "SESSDATA",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("SESSDATA"))),
        )
        .security_scheme(
            "admin",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    for endpoint in endpoints {
        for (name, schema) in &endpoint.doc.schemas {
            components = components.schema(name.clone(), schema.clone());
        }
        // axum's catch-all `{*name}` is OpenAPI's `{name}`.
        paths.add_path_operation(
            endpoint.path.replace("{*", "{"),
            vec![http_method(&endpoint.method)],
            operation(endpoint),
        );
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("sixin")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION))
                .build(),
        )
        .paths(paths)
        .components(Some(components.build()))
        .build()
}

fn http_method(method: &Method) -> HttpMethod {
    match *method {
        Method::POST => HttpMethod::Post,
        Method::PATCH => HttpMethod::Patch,
        Method::DELETE => HttpMethod::Delete,
        Method::PUT => HttpMethod::Put,
        _ => HttpMethod::Get,
    }
}

fn operation(endpoint: &Endpoint) -> utoipa::openapi::path::Operation {
    let doc = &endpoint.doc;
    let id = format!(
        "{}{}",
        endpoint.method.as_str().to_lowercase(),
        endpoint.path.replace(['/', '-', '.', '{', '}', '*'], "_")
    );
    let codes: Vec<Value> = doc
        .all_codes()
        .into_iter()
        .map(|code| json!({"code": code.number(), "message": code.message()}))
        .collect();
    let mut builder = match &doc.answer {
        Answer::WebSocket(frames) => OperationBuilder::new().response(
            "101",
            ResponseBuilder::new()
                .description(
                    "Switching Protocols: a WebSocket whose text frames are each one JSON \
                     object of this shape",
                )
                .content("application/json", Content::new(Some(*frames.clone())))
                .build(),
        ),
        _ => OperationBuilder::new(),
    };
    builder = builder
        .operation_id(Some(id))
        .tag(endpoint.path.split('/').nth(1).unwrap_or_default())
        .summary(Some(doc.summary))
        .description(doc.description)
        .parameters(Some(doc.params.clone()))
        .response("200", response(endpoint))
        .extensions(Some(Extensions::from_iter([(
            "x-codes",
            Value::Array(codes),
        )])));
    if let Some(body) = &doc.body {
        builder = builder.request_body(Some(request_body(body, doc.auth)));
    }
    match doc.auth {
        Auth::Public => {}
        Auth::Optional => {
            builder = builder
                .security(SecurityRequirement::default())
                .security(SecurityRequirement::new("SESSDATA", Vec::<String>::new()));
        }
        Auth::Login | Auth::Csrf => {
            builder = builder.security(SecurityRequirement::new("SESSDATA", Vec::<String>::new()));
        }
        Auth::Admin => {
            builder = builder.security(SecurityRequirement::new("admin", Vec::<String>::new()));
        }
    }
    builder.build()
}

fn request_body(body: &Body, auth: Auth) -> utoipa::openapi::request_body::RequestBody {
    let with_csrf = |schema: &RefOr<Schema>| -> RefOr<Schema> {
        if auth != Auth::Csrf {
            return schema.clone();
        }
        let csrf = ObjectBuilder::new()
            .property(
                "csrf",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("The session's bili_jct")),
            )
            .property(
                "csrf_token",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("The same token (vc clients send both)")),
            );
        AllOfBuilder::new().item(schema.clone()).item(csrf).into()
    };
    let builder = RequestBodyBuilder::new().required(Some(utoipa::openapi::Required::True));
    match body {
        Body::Form(schema) => builder
            .description(Some(
                "Url-encoded, multipart text fields, or the query string (the body wins)",
            ))
            .content(
                "application/x-www-form-urlencoded",
                Content::new(Some(with_csrf(schema))),
            )
            .content("multipart/form-data", Content::new(Some(with_csrf(schema)))),
        Body::Upload(schema) => {
            builder.content("multipart/form-data", Content::new(Some(with_csrf(schema))))
        }
        Body::Json(schema) => {
            builder.content("application/json", Content::new(Some(schema.clone())))
        }
    }
    .build()
}

fn response(endpoint: &Endpoint) -> utoipa::openapi::Response {
    match &endpoint.doc.answer {
        Answer::File(media_type) => ResponseBuilder::new()
            .description("The file's bytes; a missing file is HTTP 404")
            .content(
                *media_type,
                Content::new(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .content_media_type(*media_type),
                )),
            )
            .build(),
        Answer::Json(schema) => ResponseBuilder::new()
            .description("A JSON body of this endpoint's own shape")
            .content("application/json", Content::new(Some(*schema.clone())))
            .build(),
        Answer::WebSocket(_) => ResponseBuilder::new()
            .description("A refusal before the upgrade: the envelope with one of the x-codes")
            .content(
                "application/json",
                Content::new(Some(envelope(endpoint.shape, &Data::Absent))),
            )
            .build(),
        Answer::Envelope(data) => ResponseBuilder::new()
            .description("The envelope: code 0 and data, or one of the x-codes")
            .content(
                "application/json",
                Content::new(Some(envelope(endpoint.shape, data))),
            )
            .build(),
    }
}

/// The success envelope of `shape` with `data`.
fn envelope(shape: Shape, data: &Data) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new()
        .property(
            "code",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .description(Some("0, or an error code")),
        )
        .required("code")
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .required("message")
        .property("ttl", ObjectBuilder::new().schema_type(Type::Integer))
        .required("ttl");
    if matches!(shape, Shape::Vc | Shape::VcNullData) {
        object = object
            .property(
                "msg",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("The same as message")),
            )
            .required("msg");
    }
    object = match data {
        Data::Absent => object,
        Data::EmptyObject => object
            .property(
                "data",
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .description(Some("`{}`")),
            )
            .required("data"),
        Data::Null => object
            .property("data", ObjectBuilder::new().schema_type(Type::Null))
            .required("data"),
        Data::Schema(schema) => object.property("data", *schema.clone()).required("data"),
    };
    object.into()
}

/// `docs/api.md`: the document as a readable reference.
pub fn markdown(doc: &Value) -> String {
    let mut out = String::new();
    out.push_str("# sixin API reference\n\n");
    out.push_str("Generated from `/openapi.json` (`cargo test` checks it is current; \
                  `SIXIN_BLESS=1 cargo test -p sixin-server --test api reference` rewrites it).\n\n");
    out.push_str(doc["info"]["description"].as_str().unwrap_or_default());
    out.push_str("\n\n");
    let schemas = &doc["components"]["schemas"];
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    out.push_str("## Endpoints\n\n");
    for (path, item) in &paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let anchor = op["operationId"].as_str().unwrap_or_default();
            out.push_str(&format!(
                "- [`{} {path}`](#{anchor}): {}\n",
                method.to_uppercase(),
                op["summary"].as_str().unwrap_or_default()
            ));
        }
    }
    out.push('\n');
    for (path, item) in &paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            operation_markdown(&mut out, path, method, op);
        }
    }
    out.push_str("## Schemas\n\n");
    for (name, schema) in schemas.as_object().into_iter().flatten() {
        out.push_str(&format!("### {name}\n\n"));
        if let Some(text) = schema["description"].as_str() {
            out.push_str(&format!("{text}\n\n"));
        }
        fields_markdown(&mut out, schema);
    }
    out
}

fn operation_markdown(out: &mut String, path: &str, method: &str, op: &Value) {
    out.push_str(&format!(
        "## <a id=\"{}\"></a>`{} {path}`\n\n{}\n\n",
        op["operationId"].as_str().unwrap_or_default(),
        method.to_uppercase(),
        op["summary"].as_str().unwrap_or_default()
    ));
    if let Some(text) = op["description"].as_str() {
        out.push_str(&format!("{text}\n\n"));
    }
    let auth = match op["security"].as_array() {
        None => "none".to_owned(),
        Some(list) => list
            .iter()
            .map(|req| {
                req.as_object()
                    .and_then(|o| o.keys().next().cloned())
                    .map(|k| {
                        if k == "admin" {
                            "admin bearer token".to_owned()
                        } else {
                            format!("cookie `{k}`")
                        }
                    })
                    .unwrap_or_else(|| "none".to_owned())
            })
            .collect::<Vec<_>>()
            .join(" or "),
    };
    out.push_str(&format!("Authentication: {auth}.\n\n"));
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str(
            "| parameter | in | required | type | description |\n| --- | --- | --- | --- | --- |\n",
        );
        for p in params {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                p["name"].as_str().unwrap_or_default(),
                p["in"].as_str().unwrap_or_default(),
                if p["required"].as_bool().unwrap_or(false) {
                    "yes"
                } else {
                    "no"
                },
                type_of(&p["schema"]),
                one_line(p["description"].as_str().unwrap_or_default()),
            ));
        }
        out.push('\n');
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        let types: Vec<String> = content.keys().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("Body: {}", types.join(", ")));
        if let Some(text) = op["requestBody"]["description"].as_str() {
            out.push_str(&format!(" ({text})"));
        }
        out.push_str(&format!(
            ": {}.\n\n",
            content
                .values()
                .next()
                .map(|c| type_of(&c["schema"]))
                .unwrap_or_default()
        ));
    }
    if let Some(frames) =
        op["responses"]["101"]["content"]["application/json"]["schema"].as_object()
    {
        out.push_str(&format!(
            "Answer: HTTP 101, a WebSocket whose text frames are each a {}; a \
             refusal before the upgrade is the envelope without `data`.\n\n",
            type_of(&serde_json::Value::Object(frames.clone()))
        ));
    } else if let Some((media, content)) = op["responses"]["200"]["content"]
        .as_object()
        .and_then(|c| c.iter().next())
    {
        let data = &content["schema"]["properties"]["data"];
        if media == "application/json" && !data.is_null() {
            out.push_str(&format!("Answer `data`: {}.\n\n", type_of(data)));
        } else if media == "application/json" && content["schema"]["properties"]["code"].is_null() {
            out.push_str(&format!("Answer: {}.\n\n", type_of(&content["schema"])));
        } else if media != "application/json" {
            out.push_str(&format!("Answer: `{media}` bytes.\n\n"));
        } else {
            out.push_str("Answer: the envelope without `data`.\n\n");
        }
    }
    if let Some(codes) = op["x-codes"].as_array() {
        let list: Vec<String> = codes
            .iter()
            .map(|c| {
                format!(
                    "`{}` {}",
                    c["code"],
                    c["message"].as_str().unwrap_or_default()
                )
            })
            .collect();
        if !list.is_empty() {
            out.push_str(&format!("Codes besides 0: {}.\n\n", list.join(", ")));
        }
    }
}

fn fields_markdown(out: &mut String, schema: &Value) {
    let Some(properties) = schema["properties"].as_object() else {
        out.push_str(&format!("{}\n\n", type_of(schema)));
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    out.push_str("| field | type | always present | description |\n| --- | --- | --- | --- |\n");
    for (name, field) in properties {
        out.push_str(&format!(
            "| `{name}` | {} | {} | {} |\n",
            type_of(field),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            one_line(field["description"].as_str().unwrap_or_default()),
        ));
    }
    out.push('\n');
}

/// A schema's type in a few words, with links to named schemas.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return format!("[{name}](#{})", name.to_lowercase());
    }
    if let Some(items) = schema["allOf"].as_array() {
        return items.iter().map(type_of).collect::<Vec<_>>().join(" + ");
    }
    if let Some(items) = schema["oneOf"].as_array() {
        return items.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    };
    match kind.as_str() {
        "array" => format!("list of {}", type_of(&schema["items"])),
        "object" if schema["additionalProperties"].is_object() => {
            format!("map of {}", type_of(&schema["additionalProperties"]))
        }
        "object" if schema["properties"].is_object() => {
            let names: Vec<String> = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("`{k}` {}", type_of(v)))
                .collect();
            format!("object {{{}}}", names.join(", "))
        }
        _ => kind,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
