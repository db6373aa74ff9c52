//! "Only the hosts resolved to sixin": bpi-rs hard-codes `https://` URLs of
//! Bilibili's hosts, so this file stands where a hosts-file entry and a
//! TLS-terminating proxy would in a deployment. A forwarder on 127.0.0.1
//! terminates TLS with a certificate made up for those host names and passes
//! the bytes to sixin's plain HTTP port; the reqwest client handed to bpi-rs
//! resolves every Bilibili host to the forwarder and trusts only that
//! certificate.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, crypto::aws_lc_rs};
use tokio_rustls::TlsAcceptor;

/// Every host bpi-rs calls for the features used here. A call to any other
/// host would go to the real one and fail its TLS handshake, since the
/// client trusts only the forwarder's certificate: nothing reaches Bilibili.
pub const BILIBILI_HOSTS: [&str; 3] = [
    "api.bilibili.com",
    "api.vc.bilibili.com",
    "passport.bilibili.com",
];

// ANCHOR: client
/// A reqwest client for bpi-rs whose Bilibili hosts are resolved to `proxy`
/// (a TLS endpoint presenting `certificate`), trusting nothing else.
pub fn resolved_client(
    proxy: SocketAddr,
    certificate: &[u8],
) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_der(certificate)?])
        .no_proxy()
        .timeout(Duration::from_secs(30));
    for host in BILIBILI_HOSTS {
        builder = builder.resolve(host, proxy);
    }
    builder.build()
}
// ANCHOR_END: client

/// Starts the TLS forwarder to `sixin` (its plain HTTP address) and answers
/// its address and the DER of the certificate it presents.
pub async fn start_forwarder(sixin: SocketAddr) -> Result<(SocketAddr, Vec<u8>), String> {
    let names: Vec<String> = BILIBILI_HOSTS.iter().map(|h| h.to_string()).collect();
    let issued = rcgen::generate_simple_self_signed(names).map_err(|e| e.to_string())?;
    let certificate = CertificateDer::from(issued.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(issued.signing_key.serialize_der()));
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_no_client_auth()
                    .with_single_cert(vec![certificate.clone()], key)
            })
            .map_err(|e| format!("TLS configuration: {e}"))?;
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("forwarder: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut upstream) = TcpStream::connect(sixin).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    Ok((address, certificate.to_vec()))
}
