//! Files the server hosts itself, so that no default points at Bilibili's
//! hosts: the default avatar and the WBI key images.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sixin_api::account::WbiImg;
use sixin_api::Code;

use super::error::Shape;
use super::routes::{Doc, Routes};
use super::state::AppState;
use crate::error::Error;

const NOFACE_PNG: &[u8] = include_bytes!("../../assets/noface.png");
const PIXEL_PNG: &[u8] = include_bytes!("../../assets/pixel.png");
const EXPIRED_PNG: &[u8] = include_bytes!("../../assets/expired.png");

/// The built-in emoji images, named as in the catalogue migration.
const EMOTES: &[(&str, &[u8])] = &[
    ("e01.png", include_bytes!("../../assets/emote/e01.png")),
    ("e02.png", include_bytes!("../../assets/emote/e02.png")),
    ("e03.png", include_bytes!("../../assets/emote/e03.png")),
    ("e04.png", include_bytes!("../../assets/emote/e04.png")),
    ("e05.png", include_bytes!("../../assets/emote/e05.png")),
    ("e06.png", include_bytes!("../../assets/emote/e06.png")),
    ("e07.png", include_bytes!("../../assets/emote/e07.png")),
    ("e08.png", include_bytes!("../../assets/emote/e08.png")),
    ("e09.png", include_bytes!("../../assets/emote/e09.png")),
    ("e10.png", include_bytes!("../../assets/emote/e10.png")),
    ("e11.png", include_bytes!("../../assets/emote/e11.png")),
    ("e12.png", include_bytes!("../../assets/emote/e12.png")),
    ("e13.png", include_bytes!("../../assets/emote/e13.png")),
    ("e14.png", include_bytes!("../../assets/emote/e14.png")),
    ("e15.png", include_bytes!("../../assets/emote/e15.png")),
    ("e16.png", include_bytes!("../../assets/emote/e16.png")),
    ("e17.png", include_bytes!("../../assets/emote/e17.png")),
    ("e18.png", include_bytes!("../../assets/emote/e18.png")),
    ("e19.png", include_bytes!("../../assets/emote/e19.png")),
    ("e20.png", include_bytes!("../../assets/emote/e20.png")),
    ("e21.png", include_bytes!("../../assets/emote/e21.png")),
    ("e22.png", include_bytes!("../../assets/emote/e22.png")),
    ("e23.png", include_bytes!("../../assets/emote/e23.png")),
    ("e24.png", include_bytes!("../../assets/emote/e24.png")),
    ("e25.png", include_bytes!("../../assets/emote/e25.png")),
    ("e26.png", include_bytes!("../../assets/emote/e26.png")),
    ("e27.png", include_bytes!("../../assets/emote/e27.png")),
    ("e28.png", include_bytes!("../../assets/emote/e28.png")),
    ("e29.png", include_bytes!("../../assets/emote/e29.png")),
    ("e30.png", include_bytes!("../../assets/emote/e30.png")),
];

/// Path of the default avatar.
pub const NOFACE_PATH: &str = "/bfs/face/member/noface.png";

pub fn router() -> Routes {
    Routes::new(Shape::Plain)
        .get(
            NOFACE_PATH,
            get_noface,
            Doc::new("The default avatar").file("image/png"),
        )
        .get(
            crate::service::messages::EXPIRED_IMAGE_PATH,
            get_expired,
            Doc::new("What an expired image message shows").file("image/png"),
        )
        .get(
            "/bfs/wbi/{file}",
            get_wbi_image,
            Doc::new("A WBI key image (its name is the key nav hands out)")
                .path_param("file", "`<key>.png`")
                .file("image/png")
                .codes(&[Code::NotFound]),
        )
        .get(
            "/bfs/emote/{file}",
            get_emote,
            Doc::new("A built-in emoji image")
                .path_param("file", "`eNN.png`")
                .file("image/png")
                .codes(&[Code::NotFound]),
        )
}

/// The avatar URL to show for a profile's stored `face`.
pub fn face_url(state: &AppState, face: Option<&str>) -> String {
    match face {
        Some(face) => face.to_owned(),
        None => format!("{}{NOFACE_PATH}", state.public_url),
    }
}

/// The two WBI key images. Their file stems are the keys clients mix into
/// signatures; sixin ignores signatures, but the keys are stable per server
/// so that clients caching them behave as they do against Bilibili.
pub fn wbi_img(state: &AppState) -> WbiImg {
    let key = |label: &[u8]| {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&state.secrets.server_key).expect("any key length");
        mac.update(label);
        hex::encode(&mac.finalize().into_bytes()[..16])
    };
    WbiImg {
        img_url: format!("{}/bfs/wbi/{}.png", state.public_url, key(b"wbi img")),
        sub_url: format!("{}/bfs/wbi/{}.png", state.public_url, key(b"wbi sub")),
    }
}

fn png(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

/// GET /bfs/face/member/noface.png
async fn get_noface() -> Response {
    png(NOFACE_PNG)
}

/// GET /bfs/im/expired.png
async fn get_expired() -> Response {
    png(EXPIRED_PNG)
}

/// GET /bfs/wbi/{key}.png
async fn get_wbi_image(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let WbiImg { img_url, sub_url } = wbi_img(&state);
    if img_url.ends_with(&format!("/{file}")) || sub_url.ends_with(&format!("/{file}")) {
        png(PIXEL_PNG)
    } else {
        Error::from(Code::NotFound).into_response()
    }
}

/// GET /bfs/emote/{file}
async fn get_emote(Path(file): Path<String>) -> Response {
    match EMOTES.iter().find(|(name, _)| *name == file) {
        Some((_, bytes)) => png(bytes),
        None => Error::from(Code::NotFound).into_response(),
    }
}
