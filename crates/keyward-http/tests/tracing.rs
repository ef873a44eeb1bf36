//! Traces name provider, operation and status, and never a secret. In a file of its own: the
//! tracing subscriber is per thread and other tests would race its callsite cache.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{CANARY, client, fast_options};
use keyward_core::ApiKey;
use keyward_http::Request;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn traces_carry_no_secret() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string(CANARY))
        .mount(&server)
        .await;
    let key = ApiKey::new(CANARY).unwrap();
    let request = Request::post("activate", ["licenses", "activate"])
        .unwrap()
        .bearer(&key)
        .secret_query("key", CANARY);
    let _ = client(&server, fast_options()).send(request).await;
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("operation=\"activate\"") || logs.contains("operation=activate"),
        "{logs}"
    );
    assert!(logs.contains("status=500"), "{logs}");
    assert!(!logs.contains(CANARY), "{logs}");
}
