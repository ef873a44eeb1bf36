//! Canned answers by request line, for [`Loopback::routes`](crate::Loopback::routes).

use crate::answer::answer;

/// What a routed server answers a request no route matches.
const NOT_FOUND: &[u8] = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";

/// One canned answer: a method and an exact path (the query is ignored), and the bytes sent
/// back every time it is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    method: String,
    path: String,
    answer: Vec<u8>,
}

impl Route {
    /// `method path` answers these bytes exactly, status line included (see
    /// [`answer`](crate::answer), [`compose`](crate::compose)).
    pub fn raw(method: &str, path: impl Into<String>, answer: Vec<u8>) -> Self {
        Self {
            method: method.to_owned(),
            path: path.into(),
            answer,
        }
    }

    /// `method path` answers `status` with `body` as JSON, framed by Content-Length.
    pub fn json(method: &str, path: impl Into<String>, status: u16, body: &[u8]) -> Self {
        Self::raw(method, path, answer(status, body))
    }
}

/// The answer of the route that matches the request line of `head`; an empty 404 when none does.
pub(crate) fn answer_for<'a>(routes: &'a [Route], head: &str) -> &'a [u8] {
    let mut words = head.split_whitespace();
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        return NOT_FOUND;
    };
    let path = target.split('?').next().unwrap_or(target);
    routes
        .iter()
        .find(|r| r.method == method && r.path == path)
        .map_or(NOT_FOUND, |r| r.answer.as_slice())
}
