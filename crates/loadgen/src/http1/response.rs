//! Reading one HTTP/1.1 response out of the bytes received so far: the
//! status, where the body lies (Content-Length, chunked, or up to the close)
//! and whether the connection can carry another request.

use std::ops::Range;

use httparse::Status;

/// Headers looked at per response; more make the answer malformed (kognit
/// sends about five).
const MAX_HEADERS: usize = 64;

/// A complete response at the start of a buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The status code.
    pub status: u16,
    /// Where the body lies in the buffer (a chunked body is decoded in place).
    pub body: Range<usize>,
    /// Whether the connection can carry the next request: no
    /// `Connection: close`, a body not delimited by the close, and nothing
    /// received beyond this answer (one request is in flight at a time, so
    /// extra bytes mean the stream is out of step).
    pub keep_alive: bool,
}

/// Why received bytes are not a response.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// How the end of the body is found (RFC 9112 §6.3).
enum Framing {
    /// 204 and 304 answers have none.
    Empty,
    Length(usize),
    Chunked,
    /// No length given: the body ends when the server closes.
    UntilClose,
}

/// The response at the start of `buf`, or `Ok(None)` while more bytes are
/// needed. `eof` says the server has closed: a body delimited by the close
/// is then complete, and anything else incomplete is malformed.
pub fn parse(buf: &mut [u8], eof: bool) -> Result<Option<Parsed>, Malformed> {
    let mut start = 0;
    let (status, head_end, framing, mut keep_alive) = loop {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut resp = httparse::Response::new(&mut headers);
        let Some(rest) = buf.get(start..) else {
            return incomplete(eof);
        };
        let head_len = match resp.parse(rest) {
            Ok(Status::Complete(n)) => n,
            Ok(Status::Partial) => return incomplete(eof),
            Err(_) => return Err(Malformed("bad response head")),
        };
        let status = resp.code.unwrap_or(0);
        // An interim 1xx answer (e.g. 100 Continue) precedes the real one.
        if (100..200).contains(&status) && status != 101 {
            start += head_len;
            continue;
        }
        let (framing, keep_alive) = framing(&resp, status)?;
        break (status, start + head_len, framing, keep_alive);
    };
    let (body, end) = match framing {
        Framing::Empty => (head_end..head_end, head_end),
        Framing::Length(n) => {
            let end = head_end
                .checked_add(n)
                .ok_or(Malformed("bad Content-Length"))?;
            if buf.len() < end {
                return incomplete(eof);
            }
            (head_end..end, end)
        }
        Framing::Chunked => match dechunk(buf, head_end)? {
            Some((body_end, end)) => (head_end..body_end, end),
            None => return incomplete(eof),
        },
        Framing::UntilClose => {
            if !eof {
                return Ok(None);
            }
            keep_alive = false;
            (head_end..buf.len(), buf.len())
        }
    };
    if end != buf.len() {
        keep_alive = false;
    }
    Ok(Some(Parsed {
        status,
        body,
        keep_alive,
    }))
}

/// More bytes are needed: wait for them, unless the server has closed.
fn incomplete(eof: bool) -> Result<Option<Parsed>, Malformed> {
    if eof {
        Err(Malformed("answer cut short"))
    } else {
        Ok(None)
    }
}

/// The body's framing and whether the connection stays open, from the
/// status and headers.
fn framing(resp: &httparse::Response, status: u16) -> Result<(Framing, bool), Malformed> {
    // HTTP/1.1 keeps the connection by default, HTTP/1.0 closes it.
    let mut keep_alive = resp.version == Some(1);
    let mut length = None;
    let mut chunked = None;
    for h in resp.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            let n = std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or(Malformed("bad Content-Length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(Malformed("conflicting Content-Length"));
            }
            length = Some(n);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // Only a final `chunked` coding frames the body.
            let last = h.value.rsplit(|&b| b == b',').next().unwrap_or_default();
            chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if h.name.eq_ignore_ascii_case("connection") {
            for token in h.value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                if token.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case(b"keep-alive") && resp.version == Some(0) {
                    keep_alive = true;
                }
            }
        }
    }
    let framing = match (status, chunked, length) {
        (204 | 304, _, _) => Framing::Empty,
        // Transfer-Encoding overrides Content-Length.
        (_, Some(true), _) => Framing::Chunked,
        (_, Some(false), _) | (_, None, None) => Framing::UntilClose,
        (_, None, Some(n)) => Framing::Length(n),
    };
    Ok((framing, keep_alive))
}

/// Decodes the chunked body starting at `start` once all of it has arrived:
/// the chunks' data is moved together right after `start`. Returns the end
/// of the data and the end of the message (after any trailers), or None
/// while more bytes are needed.
fn dechunk(buf: &mut [u8], start: usize) -> Result<Option<(usize, usize)>, Malformed> {
    let Some(Chunks { data, end }) = chunks(buf, start)? else {
        return Ok(None);
    };
    let mut out = start;
    for chunk in data {
        let len = chunk.len();
        buf.copy_within(chunk, out);
        out += len;
    }
    Ok(Some((out, end)))
}

/// A complete chunked body: where each chunk's data lies, and the end of
/// the message.
struct Chunks {
    data: Vec<Range<usize>>,
    end: usize,
}

/// The chunks of the body starting at `pos`, once the last chunk and the
/// trailers have arrived.
fn chunks(buf: &[u8], mut pos: usize) -> Result<Option<Chunks>, Malformed> {
    let mut data = Vec::new();
    loop {
        let rest = buf.get(pos..).unwrap_or_default();
        let (n, size) = match httparse::parse_chunk_size(rest) {
            Ok(Status::Complete(c)) => c,
            Ok(Status::Partial) => return Ok(None),
            Err(_) => return Err(Malformed("bad chunk size")),
        };
        pos += n;
        if size == 0 {
            break;
        }
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| pos.checked_add(s))
            .ok_or(Malformed("bad chunk size"))?;
        let Some(crlf) = buf.get(end..end.saturating_add(2)) else {
            return Ok(None);
        };
        if crlf != b"\r\n" {
            return Err(Malformed("chunk without its CRLF"));
        }
        data.push(pos..end);
        pos = end + 2;
    }
    // Trailer lines, up to an empty one.
    loop {
        let rest = buf.get(pos..).unwrap_or_default();
        let Some(line) = rest.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        pos += line + 2;
        if line == 0 {
            return Ok(Some(Chunks { data, end: pos }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` as received so far.
    fn parse_str(text: &str, eof: bool) -> (Result<Option<Parsed>, Malformed>, Vec<u8>) {
        let mut buf = text.as_bytes().to_vec();
        let parsed = parse(&mut buf, eof);
        (parsed, buf)
    }

    /// The status, body and keep-alive of a complete answer.
    fn complete(text: &str, eof: bool) -> (u16, String, bool) {
        let (parsed, buf) = parse_str(text, eof);
        let p = parsed.unwrap().unwrap();
        let body = String::from_utf8(buf[p.body].to_vec()).unwrap();
        (p.status, body, p.keep_alive)
    }

    #[test]
    fn content_length_body() {
        let ok = "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\n\
                  content-length: 17\r\n\r\n{\"Username\":\"u1\"}";
        assert_eq!(
            complete(ok, false),
            (200, "{\"Username\":\"u1\"}".to_owned(), true)
        );
        // Every prefix of it is incomplete, and an error once the server closed.
        for cut in 0..ok.len() {
            let (parsed, _) = parse_str(&ok[..cut], false);
            assert_eq!(parsed, Ok(None), "{cut}");
            let (parsed, _) = parse_str(&ok[..cut], true);
            assert!(parsed.is_err(), "{cut}");
        }
    }

    #[test]
    fn status_line_and_error_answers() {
        let err = "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(complete(err, false), (400, "{}".to_owned(), true));
        let (parsed, _) = parse_str("HTTP/1.1 2x0 OK\r\n\r\n", false);
        assert_eq!(parsed, Err(Malformed("bad response head")));
        let (parsed, _) = parse_str("garbage\r\n\r\n", false);
        assert!(parsed.is_err());
        // An interim 100 Continue is skipped.
        let cont = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Internal Server Error\r\n\
                    content-length: 0\r\n\r\n";
        assert_eq!(complete(cont, false), (500, String::new(), true));
        // No body on 204, whatever the headers say.
        let none = "HTTP/1.1 204 No Content\r\n\r\n";
        assert_eq!(complete(none, false), (204, String::new(), true));
    }

    #[test]
    fn connection_reuse() {
        let close = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(complete(close, false), (200, String::new(), false));
        let old = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert!(!complete(old, false).2);
        let old_kept = "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n";
        assert!(complete(old_kept, false).2);
        // Bytes beyond the answer: the stream is out of step.
        let extra = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP";
        assert_eq!(complete(extra, false), (200, "{}".to_owned(), false));
        // Without a length the body runs to the close.
        let until_close = "HTTP/1.1 200 OK\r\n\r\n{\"a\":1}";
        let (parsed, _) = parse_str(until_close, false);
        assert_eq!(parsed, Ok(None));
        assert_eq!(
            complete(until_close, true),
            (200, "{\"a\":1}".to_owned(), false)
        );
        let (parsed, _) = parse_str(
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n{}",
            false,
        );
        assert_eq!(parsed, Err(Malformed("conflicting Content-Length")));
    }

    #[test]
    fn chunked_body() {
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\
                       Content-Length: 99\r\n\r\n\
                       5\r\n{\"Use\r\nC;ext=1\r\nrname\":\"u1\"}\r\n0\r\nX-Trailer: 1\r\n\r\n";
        assert_eq!(
            complete(chunked, false),
            (200, "{\"Username\":\"u1\"}".to_owned(), true)
        );
        for cut in 0..chunked.len() {
            let (parsed, _) = parse_str(&chunked[..cut], false);
            assert_eq!(parsed, Ok(None), "{cut}");
        }
        let bad = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}xx0\r\n\r\n";
        let (parsed, _) = parse_str(bad, false);
        assert_eq!(parsed, Err(Malformed("chunk without its CRLF")));
        let bad_size = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        let (parsed, _) = parse_str(bad_size, false);
        assert_eq!(parsed, Err(Malformed("bad chunk size")));
    }
}
