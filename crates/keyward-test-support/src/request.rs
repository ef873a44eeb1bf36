//! Reading HTTP/1.1 requests off a stream.

use tokio::io::{AsyncRead, AsyncReadExt};

/// Reads one request from `stream`: its head (request line and headers, up to the blank line),
/// then a body of Content-Length bytes, which is dropped. Returns the head as text; `None` when
/// the connection ends or fails first. Bytes read past the request stay in `buffer` for the next
/// call on the same connection.
pub async fn read_request(
    stream: &mut (impl AsyncRead + Unpin),
    buffer: &mut Vec<u8>,
) -> Option<String> {
    read(stream, buffer, false).await.map(|(head, _)| head)
}

/// [`read_request`], keeping the body: `(head, body)`.
pub async fn read_request_with_body(
    stream: &mut (impl AsyncRead + Unpin),
    buffer: &mut Vec<u8>,
) -> Option<(String, Vec<u8>)> {
    read(stream, buffer, true).await
}

/// One request: its head, and its body when `keep_body` (else an empty, unallocated one).
async fn read(
    stream: &mut (impl AsyncRead + Unpin),
    buffer: &mut Vec<u8>,
    keep_body: bool,
) -> Option<(String, Vec<u8>)> {
    // Each byte looked at once (a head may come in several reads), by `memchr`'s SIMD search:
    // the bench's canned server runs in the measured process, so what it spends per byte of a
    // request would count against the client that sent the longer head.
    let mut searched = 0;
    let end = loop {
        if let Some(at) = memchr::memmem::find(&buffer[searched..], b"\r\n\r\n") {
            break searched + at + 4;
        }
        searched = buffer.len().saturating_sub(3);
        fill(stream, buffer).await?;
    };
    let head = match std::str::from_utf8(&buffer[..end]) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(&buffer[..end]).into_owned(),
    };
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < end + length {
        fill(stream, buffer).await?;
    }
    let body = if keep_body {
        buffer[end..end + length].to_vec()
    } else {
        Vec::new()
    };
    buffer.drain(..end + length);
    Some((head, body))
}

/// Appends one read to `buffer`; `None` at the end of the stream or on an error.
async fn fill(stream: &mut (impl AsyncRead + Unpin), buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 4096];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}
