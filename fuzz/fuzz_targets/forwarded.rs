//! `X-Forwarded-For` behind a trusted proxy (`domain::client`): any header
//! gives an address, never a panic, and never one a client could pick
//! when the peer is not trusted.
#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use sixin_server::domain::client::{client_address, AddrRange};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trusted: Vec<AddrRange> = ["127.0.0.1", "10.0.0.0/8", "::1"]
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    let proxy: IpAddr = "127.0.0.1".parse().unwrap();
    let _ = client_address(proxy, text.split('\n'), &trusted);
    let stranger: IpAddr = "203.0.113.9".parse().unwrap();
    assert_eq!(client_address(stranger, text.split('\n'), &trusted), stranger);
    for range in text.split(',') {
        let _ = range.parse::<AddrRange>().map(|r| r.contains(proxy));
    }
});
