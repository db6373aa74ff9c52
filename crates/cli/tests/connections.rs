//! Connection hygiene on a real `sixin serve`: idle, slow-header and
//! stalled-body connections are closed after their timeouts, a connection
//! over the cap is refused while others are served, and SIGTERM finishes
//! the requests in flight and ends within its grace period whatever the
//! clients do.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{admin_post, get_json, runtime, Server, TOKEN};

/// How long until the server closes `socket`, reading (and discarding)
/// whatever it sends; panics after `limit`.
fn closed_after(socket: &mut TcpStream, limit: Duration) -> Duration {
    let started = Instant::now();
    socket
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match socket.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return started.elapsed(), // reset
        }
        assert!(
            started.elapsed() < limit,
            "the server kept the connection open for {limit:?}"
        );
    }
}

/// Whether the server still holds `socket` open (nothing to read yet).
fn still_open(socket: &mut TcpStream) -> bool {
    socket
        .set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let mut buf = [0u8; 1];
    matches!(socket.read(&mut buf), Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

/// Everything the server sends until it closes the connection.
fn read_to_close(socket: &mut TcpStream) -> String {
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends the head of a request that expects `100 Continue`, and waits for
/// it: hyper sends it when the handler first reads the body, so once it is
/// read the request is in flight (its connection busy), however loaded the
/// machine.
fn start_request(socket: &mut TcpStream, head: &str) {
    socket.write_all(head.as_bytes()).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let expected = b"HTTP/1.1 100 Continue\r\n\r\n";
    let mut answer = vec![0u8; expected.len()];
    socket.read_exact(&mut answer).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&answer),
        String::from_utf8_lossy(expected)
    );
}

/// The head of an admin `POST /admin/v1/users` with a body of `len` bytes
/// that waits for `100 Continue`.
fn create_user_head(len: usize) -> String {
    format!(
        "POST /admin/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {len}\r\n\
         Expect: 100-continue\r\n\r\n"
    )
}

fn health_ok(base: &str) -> bool {
    get_json(&format!("{base}/health"), None)["ready"] == true
}

#[test]
fn idle_and_slow_header_connections_are_closed_after_their_own_timeouts() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path(),
        &["--idle-timeout-secs", "2.5", "--header-timeout-secs", "0.8"],
    );

    // Silent after connecting: the idle timeout.
    let mut idle = TcpStream::connect(&server.addr).unwrap();
    // Headers started and never finished: the (shorter) header timeout.
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A keep-alive connection after its answer: idle again.
    let mut kept = TcpStream::connect(&server.addr).unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");

    let slow_closed = closed_after(&mut slow, Duration::from_secs(3));
    assert!(
        slow_closed >= Duration::from_millis(600),
        "not before the header timeout: {slow_closed:?}"
    );
    assert!(
        still_open(&mut idle),
        "an idle connection outlives the header timeout"
    );
    assert!(health_ok(&server.base), "others are served meanwhile");
    let idle_closed = closed_after(&mut idle, Duration::from_secs(4));
    let kept_closed = closed_after(&mut kept, Duration::from_secs(4));
    assert!(
        slow_closed + idle_closed >= Duration::from_secs(2),
        "idle closed at its own timeout: {:?}",
        slow_closed + idle_closed
    );
    let _ = kept_closed;

    // The timeouts are counted.
    let metrics = runtime().block_on(async {
        reqwest::get(format!("{}/metrics", server.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(
        metrics.contains(r#"sixin_http_connections_timed_out_total{phase="header"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"sixin_http_connections_timed_out_total{phase="idle"} 2"#),
        "{metrics}"
    );
}

#[test]
fn a_stalled_body_is_answered_and_its_connection_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--body-timeout-secs", "0.8"]);
    let mut socket = TcpStream::connect(&server.addr).unwrap();
    let head = format!(
        "POST /admin/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"uname\":"
    );
    socket.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    let answer = read_to_close(&mut socket);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert!(answer.contains("\"code\":-400"), "{answer}");
    assert!(health_ok(&server.base));
}

#[test]
fn at_the_cap_connections_waiting_for_nothing_make_room_for_new_clients() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--max-connections", "3"]);
    // Two silent sockets and one sending its headers slowly fill the cap.
    let mut hogs: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\n").unwrap();
    hogs.push(slow);
    // No pause needed: the server accepts in connection order and a
    // connection can make room from the moment it is accepted; it has been
    // waiting since it opened whether or not its bytes were read yet.

    // Well-behaved clients (who keep their connections) are served all the
    // same, each new connection taking the place of the one that waited
    // longest.
    let _clients: Vec<TcpStream> = (0..3)
        .map(|_| {
            let mut client = TcpStream::connect(&server.addr).unwrap();
            client
                .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            let mut head = [0u8; 12];
            client.read_exact(&mut head).unwrap();
            assert_eq!(&head, b"HTTP/1.1 200");
            client
        })
        .collect();
    for (i, hog) in hogs.iter_mut().enumerate() {
        let closed = closed_after(hog, Duration::from_secs(2));
        assert!(closed < Duration::from_secs(1), "hog {i} made room");
    }
    // This scrape takes the place of the first client: four in all.
    let metrics = get_text(&format!("{}/metrics", server.base));
    assert!(
        metrics.contains("sixin_http_connections_evicted_total 4"),
        "{metrics}"
    );
    assert!(
        metrics.contains("sixin_http_connections_refused_total 0"),
        "{metrics}"
    );
}

#[test]
fn a_connection_over_the_cap_is_refused_when_every_one_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--max-connections", "2"]);
    let body = json!({"uname": "busy"}).to_string();
    let head = create_user_head(body.len());
    // Two requests in flight, their handlers waiting for the bodies (each
    // asked for it with `100 Continue`).
    let mut busy: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut socket = TcpStream::connect(&server.addr).unwrap();
            start_request(&mut socket, &head);
            socket
        })
        .collect();

    let mut extra = TcpStream::connect(&server.addr).unwrap();
    extra
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let refused = read_to_close(&mut extra);
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 1"),
        "{refused}"
    );
    assert!(refused.contains("\"code\":-799"), "{refused}");

    // The requests in flight are not disturbed, and once answered their
    // connections make room again.
    busy[0].write_all(body.as_bytes()).unwrap();
    let mut head = [0u8; 12];
    busy[0].read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(health_ok(&server.base));
    let metrics = get_text(&format!("{}/metrics", server.base));
    assert!(
        metrics.contains("sixin_http_connections_refused_total 1"),
        "{metrics}"
    );
}

fn get_text(url: &str) -> String {
    runtime().block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
}

#[test]
fn sigterm_finishes_requests_in_flight_and_closes_the_rest_within_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_with(dir.path(), &["--shutdown-grace-secs", "2"]);

    // Headers half sent: nothing accepted yet.
    let mut half_head = TcpStream::connect(&server.addr).unwrap();
    half_head
        .write_all(b"POST /admin/v1/users HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A request in flight: its handler waits for the rest of the body.
    let body = json!({"mid": 4242, "uname": "late"}).to_string();
    let head = create_user_head(body.len());
    let mut in_flight = TcpStream::connect(&server.addr).unwrap();
    start_request(&mut in_flight, &head);
    in_flight.write_all(&body.as_bytes()[..5]).unwrap();
    // A request whose body never comes.
    let mut stalled = TcpStream::connect(&server.addr).unwrap();
    start_request(&mut stalled, &head);
    stalled.write_all(&body.as_bytes()[..5]).unwrap();

    server.terminate();
    let terminated = Instant::now();
    let half_closed = closed_after(&mut half_head, Duration::from_secs(2));
    assert!(half_closed < Duration::from_secs(1), "{half_closed:?}");

    // The request in flight completes after the signal (the half-sent
    // head was closed: shutdown has begun) and is answered.
    in_flight.write_all(&body.as_bytes()[5..]).unwrap();
    let answer = read_to_close(&mut in_flight);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"code\":0"), "{answer}");

    // The stalled one is cut at the end of the grace period, and the
    // process ends cleanly.
    let (status, _) = server
        .wait_exit(Duration::from_secs(6))
        .expect("the server ends despite a stalled request");
    let took = terminated.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(4),
        "ended at the grace period: {took:?}"
    );
    let _ = read_to_close(&mut stalled);

    // What was answered is on disk.
    let server = Server::start(dir.path());
    let answer: Value = admin_post(&server.base, "/admin/v1/users/4242/sessions", json!(null));
    assert_eq!(answer["code"], 0, "{answer}");
}
