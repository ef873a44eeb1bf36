//! A root certificate added through `HttpOptions` is trusted: a loopback HTTPS server whose
//! certificate chains to a certificate authority made here is refused without that root and
//! answered with it, on whichever TLS backend the features chose (rustls, or native-tls when
//! both are on).
#![cfg(any(feature = "rustls", feature = "native-tls"))]
#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use keyward_http::{HttpClient, HttpOptions, RetryPolicy};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

use common::{get, identity};
use keyward_test_support::read_request;

/// A certificate authority's PEM, and a leaf for 127.0.0.1 that it signed (DER, with its key).
struct Pki {
    ca_pem: String,
    leaf_der: Vec<u8>,
    leaf_key: Vec<u8>,
}

/// A distinguished name with this common name (OpenSSL takes a leaf whose issuer's name is its
/// own for self-signed, so the two must differ).
fn named(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.distinguished_name = named("keyward test root");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    leaf_params.distinguished_name = named("127.0.0.1");
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        leaf_der: leaf.der().to_vec(),
        leaf_key: leaf_key.serialize_der(),
    }
}

/// What the server saw: completed TLS handshakes and requests answered.
#[derive(Default)]
struct Seen {
    handshakes: AtomicUsize,
    answered: AtomicUsize,
}

/// A loopback HTTPS server presenting the leaf; answers `200 {}` to every request.
async fn https_server(pki: &Pki) -> (String, Arc<Seen>) {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.leaf_key.clone()));
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![pki.leaf_der.clone().into()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = shared.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                seen.handshakes.fetch_add(1, Ordering::SeqCst);
                if read_request(&mut tls, &mut Vec::new()).await.is_none() {
                    return;
                }
                let answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
                if tls.write_all(answer).await.is_ok() {
                    seen.answered.fetch_add(1, Ordering::SeqCst);
                }
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, seen)
}

fn options() -> HttpOptions {
    common::fast_options().retry(RetryPolicy::none())
}

#[tokio::test]
async fn the_server_is_refused_without_the_root_and_answered_with_it() {
    let pki = pki();
    let (url, seen) = https_server(&pki).await;

    let untrusting = HttpClient::new(identity(), &url, options()).unwrap();
    let err = untrusting.send(get()).await.unwrap_err();
    assert!(err.is_network(), "{err:?}");
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 0);
    assert_eq!(seen.answered.load(Ordering::SeqCst), 0);

    let trusting = options().add_root_certificate(pki.ca_pem.as_bytes());
    let http = HttpClient::new(identity(), &url, trusting).unwrap();
    let body: serde_json::Value = http.send_json(get()).await.unwrap();
    assert_eq!(body, serde_json::json!({}));
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 1);
    assert_eq!(seen.answered.load(Ordering::SeqCst), 1);
}

#[test]
fn a_root_that_is_not_a_pem_certificate_is_a_config_error_at_build_time() {
    let build = |options: HttpOptions| HttpClient::new(identity(), "https://127.0.0.1:9", options);
    let valid = pki().ca_pem;
    assert!(build(HttpOptions::new().add_root_certificate(valid.clone())).is_ok());
    // A bundle: two certificates in one text.
    let bundle = format!("{valid}{}", pki().ca_pem);
    assert!(build(HttpOptions::new().add_root_certificate(bundle)).is_ok());

    let damaged = valid.replacen("MII", "M!!", 1);
    let not_pem = "just some text, no certificate";
    let no_certificate = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    for (bad, expected) in [
        (
            damaged.as_str(),
            "root certificate #2 is not a valid PEM certificate",
        ),
        (not_pem, "root certificate #2 holds no PEM certificate"),
        (
            no_certificate,
            "root certificate #2 holds no PEM certificate",
        ),
    ] {
        let options = HttpOptions::new()
            .add_root_certificate(valid.clone())
            .add_root_certificate(bad);
        let err = build(options).unwrap_err();
        assert!(err.is_config(), "{err:?}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn the_debug_of_the_options_shows_a_count_not_the_certificate() {
    let pem = pki().ca_pem;
    let options = HttpOptions::new().add_root_certificate(pem.clone());
    let shown = format!("{options:?}");
    assert!(
        shown.contains("root_certificates: 1 PEM text(s)"),
        "{shown}"
    );
    let body_line = pem.lines().nth(1).unwrap();
    assert!(
        !shown.contains(body_line) && !shown.contains("BEGIN"),
        "{shown}"
    );
}

#[test]
fn roots_cannot_be_added_to_an_injected_client() {
    let injected = reqwest::Client::new();
    let options = HttpOptions::new()
        .client(injected)
        .add_root_certificate(pki().ca_pem);
    let err = HttpClient::new(identity(), "https://127.0.0.1:9", options).unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("injected"),
        "{err}"
    );
}
