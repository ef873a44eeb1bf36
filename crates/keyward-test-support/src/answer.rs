//! Raw HTTP/1.1 answers, status line included, for [`Fault::Raw`](crate::Fault::Raw).

/// Body bytes per chunk of a chunked answer.
const CHUNK: usize = 16 * 1024;

/// A complete JSON answer framed by Content-Length.
pub fn answer(status: u16, body: &[u8]) -> Vec<u8> {
    compose(status, "", body, false)
}

/// A complete JSON answer framed by chunked transfer encoding (no Content-Length).
pub fn chunked(status: u16, body: &[u8]) -> Vec<u8> {
    compose(status, "", body, true)
}

/// A complete JSON answer with extra header lines (each ending in `\r\n`), framed by
/// Content-Length or, when `chunked`, by chunked transfer encoding.
pub fn compose(status: u16, headers: &str, body: &[u8], chunked: bool) -> Vec<u8> {
    let framing = if chunked {
        "transfer-encoding: chunked".to_owned()
    } else {
        format!("content-length: {}", body.len())
    };
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}{framing}\r\n\r\n"
    )
    .into_bytes();
    if chunked {
        for piece in body.chunks(CHUNK) {
            out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            out.extend_from_slice(piece);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(body);
    }
    out
}
