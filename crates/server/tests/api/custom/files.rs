//! The customer-service upload: the documented answer, downloads (length,
//! type, name, ranges), refusals, hostile names, the size limit while
//! streaming, and nothing left behind by a client that goes away.

use std::time::Duration;

use serde_json::Value;
use sixin_client::EnvelopeExt;
use tokio::io::AsyncWriteExt;

use super::{files_under, noise, part};
use crate::helpers::{cookie_of, spawn_app, spawn_app_with};

fn is_key(key: &str, ext: &str) -> bool {
    let (hex, e) = key.split_once('.').unwrap_or_default();
    hex.len() == 32
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && e == ext
}

#[tokio::test]
async fn an_upload_answers_as_documented_and_downloads_whole_or_in_part() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let bytes = noise(1 << 20);
    // The documents' example: file xx-out.xcf, filename ihavenoname.
    let form = reqwest::multipart::Form::new()
        .part("file", part(bytes.clone(), "xx-out.xcf"))
        .text("filename", "ihavenoname")
        .text("mid", a.to_string())
        .text("csrf", alice.cookies().unwrap().bili_jct.clone());
    let raw: Value = app
        .http
        .post(format!("{}/x/custom/msg_svr/v1/upload", app.base))
        .header("Cookie", cookie_of(&alice))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = raw
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["code", "message", "ttl", "data"]);
    assert_eq!(
        (raw["code"].as_i64(), raw["message"].as_str()),
        (Some(0), Some("ok"))
    );
    let key = raw["data"]["key"].as_str().unwrap();
    assert!(is_key(key, "xcf"), "{key}");
    let url = raw["data"]["url"].as_str().unwrap();
    let prefix = format!(
        "{}/customer-video-upload/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=",
        app.base
    );
    assert!(url.starts_with(&prefix), "{url}");
    let query = &url[url.find('?').unwrap() + 1..];
    let names: Vec<&str> = query
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature"
        ]
    );
    assert!(query.contains("%2Fsixin%2Fs3%2Faws4_request&X-Amz-Date="));
    assert!(query.contains("&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature="));

    let whole = app.http.get(url).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    let h = whole.headers().clone();
    assert_eq!(h["content-length"], (1u64 << 20).to_string().as_str());
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["accept-ranges"], "bytes");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"ihavenoname\"; filename*=UTF-8''ihavenoname"
    );
    assert!(whole.bytes().await.unwrap() == bytes, "the same bytes back");

    let part_of = app
        .http
        .get(url)
        .header("Range", "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(part_of.status(), 206);
    assert_eq!(
        part_of.headers()["content-range"],
        "bytes 1000-1999/1048576"
    );
    assert_eq!(part_of.headers()["content-length"], "1000");
    assert_eq!(part_of.bytes().await.unwrap(), &bytes[1000..2000]);
    let tail = app
        .http
        .get(url)
        .header("Range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap(), &bytes[bytes.len() - 10..]);
    let beyond = app
        .http
        .get(url)
        .header("Range", "bytes=2000000-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);
    assert_eq!(beyond.headers()["content-range"], "bytes */1048576");
}

#[tokio::test]
async fn downloads_carry_a_type_recognised_from_the_bytes() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let png = include_bytes!("../../../assets/noface.png").to_vec();
    // The client's name says text; the bytes say PNG.
    let uploaded = alice
        .upload_file(part(png.clone(), "notes.txt"), "截图 1.txt", a)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert!(is_key(&uploaded.key, "txt"));
    let got = app.http.get(&uploaded.url).send().await.unwrap();
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        got.headers()["content-disposition"],
        "attachment; filename=\"__ 1.txt\"; filename*=UTF-8''%E6%88%AA%E5%9B%BE%201.txt"
    );
    assert_eq!(got.bytes().await.unwrap(), png);
}

#[tokio::test]
async fn uploads_are_refused_in_the_envelope() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, _) = app.user("bob").await;
    let someone_else = alice
        .upload_file(part(b"x".to_vec(), "a.txt"), "a.txt", b)
        .await
        .unwrap();
    assert_eq!(
        (someone_else.code, someone_else.message.as_str()),
        (1200201, "获取用户信息失败")
    );
    let anonymous = app
        .anonymous()
        .upload_file(part(b"x".to_vec(), "a.txt"), "a.txt", a)
        .await
        .unwrap();
    assert_eq!(anonymous.code, -101);
    let empty = alice
        .upload_file(part(Vec::new(), "a.txt"), "a.txt", a)
        .await
        .unwrap();
    assert_eq!(empty.code, -400);

    let cookie = cookie_of(&alice);
    let no_csrf = app
        .post_raw(
            "/x/custom/msg_svr/v1/upload",
            Some(&cookie),
            "multipart/form-data; boundary=X",
            format!("--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc\r\n--X\r\nContent-Disposition: form-data; name=\"mid\"\r\n\r\n{a}\r\n--X--\r\n"),
        )
        .await;
    assert_eq!(no_csrf["code"], -111);
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", "mid=1".to_owned()),
        (
            "multipart/form-data; boundary=X",
            "--X\r\nnot a part".to_owned(),
        ),
        (
            "multipart/form-data; boundary=X",
            format!(
                "--X\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n{}\r\n--X--\r\n",
                "n".repeat(5000)
            ),
        ),
    ] {
        let answer = app
            .post_raw(
                "/x/custom/msg_svr/v1/upload",
                Some(&cookie),
                content_type,
                body,
            )
            .await;
        assert_eq!(answer["code"], -400, "{content_type}: {answer}");
        assert_eq!(
            answer["message"]
                .as_str()
                .map(|m| m.starts_with("请求错误")),
            Some(true)
        );
    }
    assert!(files_under(&app.data_dir.join("uploads")).is_empty());
}

#[tokio::test]
async fn a_client_file_name_never_becomes_a_path() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    for (part_name, filename, shown) in [
        ("../../../../tmp/evil.sh", "../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "C:\\Windows\\win.ini", "win.ini"),
        (
            "a\"b.txt",
            "x\"\r\nX-Injected: 1.txt",
            "x\"X-Injected: 1.txt",
        ),
        ("/", "..", ".."),
    ] {
        let uploaded = alice
            .upload_file(part(b"data".to_vec(), part_name), filename, a)
            .await
            .unwrap();
        assert_eq!(uploaded.code, 0, "{filename}: {uploaded:?}");
        let uploaded = uploaded.data.unwrap();
        let got = app.http.get(&uploaded.url).send().await.unwrap();
        assert_eq!(got.status(), 200);
        assert!(got.headers().get("x-injected").is_none());
        let disposition = got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        if shown != ".." {
            let ascii = shown.replace('"', "_");
            assert!(
                disposition.contains(&format!("filename=\"{ascii}\"")),
                "{disposition}"
            );
        } else {
            assert!(
                disposition.contains(&uploaded.key),
                "unusable names fall back to the key"
            );
        }
    }
    let stored = files_under(&app.data_dir);
    assert!(
        stored.iter().all(|p| p.starts_with(&app.data_dir)),
        "{stored:?}"
    );
    let custom = files_under(&app.data_dir.join("uploads/custom"));
    assert_eq!(custom.len(), 4);
    for path in custom {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (hex, _) = name.split_once('.').unwrap();
        assert_eq!(hex.len(), 32, "{name}");
    }
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_while_it_streams_and_leaves_nothing() {
    let app = spawn_app_with(|c| c.max_file_bytes = 1 << 20).await;
    let (a, alice) = app.user("alice").await;
    let at_limit = alice
        .upload_file(part(noise(1 << 20), "a.bin"), "a.bin", a)
        .await
        .unwrap();
    assert_eq!(at_limit.code, 0);
    let over = alice
        .upload_file(part(noise((1 << 20) + 1), "b.bin"), "b.bin", a)
        .await
        .unwrap();
    assert_eq!(
        (over.code, over.message.as_str()),
        (1000011, "仅支持上传300M内的文件")
    );
    // A body far larger than the limit still gets its answer.
    let huge = alice
        .upload_file(part(noise(16 << 20), "c.bin"), "c.bin", a)
        .await
        .unwrap();
    assert_eq!(huge.code, 1000011);
    assert_eq!(wait_for_files(&app.data_dir.join("uploads"), 1).await, 1);
}

/// Waits (a few seconds at most) until `dir` holds `n` files; the count.
async fn wait_for_files(dir: &std::path::Path, n: usize) -> usize {
    for _ in 0..200 {
        if files_under(dir).len() == n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    files_under(dir).len()
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_nothing() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let jct = alice.cookies().unwrap().bili_jct.clone();
    let head = format!(
        "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{jct}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"mid\"\r\n\r\n{a}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n"
    );
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /x/custom/msg_svr/v1/upload HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\n\
         Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {}\r\n\r\n{head}",
        cookie_of(&alice),
        head.len() + (64 << 20)
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let chunk = noise(1 << 20);
    for _ in 0..8 {
        socket.write_all(&chunk).await.unwrap();
    }
    socket.flush().await.unwrap();
    let staging = app.data_dir.join("uploads").join("staging");
    for _ in 0..200 {
        if files_under(&staging)
            .first()
            .is_some_and(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) > 0)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        files_under(&staging).len(),
        1,
        "the upload was being staged"
    );
    drop(socket);
    assert_eq!(
        wait_for_files(&app.data_dir.join("uploads"), 0).await,
        0,
        "the staged part is gone"
    );
}
