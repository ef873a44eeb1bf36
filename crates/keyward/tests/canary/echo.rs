//! A hostile server that answers every request with one status, echoing all it received (every
//! header value, the URL, the body) in its body and in three headers.

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers with its status, echoing the request.
pub(crate) struct Echo(pub(crate) u16);

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut received: Vec<String> = request
            .headers
            .values()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        received.push(request.url.to_string());
        received.push(String::from_utf8_lossy(&request.body).into_owned());
        let all: String = received
            .join(" ")
            .chars()
            .map(|c| if c.is_ascii_graphic() { c } else { ' ' })
            .collect();
        let message = serde_json::json!({
            "message": format!("Invalid key {all}"),
            "error": all,
            "errors": [{ "detail": all, "status": self.0.to_string() }],
            "valid": all,
        });
        ResponseTemplate::new(self.0)
            .insert_header("x-request-id", format!("req-{all}").as_str())
            .insert_header("www-authenticate", format!("Bearer error={all}").as_str())
            .insert_header("retry-after", "1")
            .set_body_raw(message.to_string(), "application/json")
    }
}

/// A server answering `status` to everything, echoing each request.
pub(crate) async fn echoing(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Echo(status))
        .mount(&server)
        .await;
    server
}
