//! A lean HTTP/1.1 keep-alive client connection, in the manner of wrk: the
//! request is written into a reused buffer and sent with one write, the
//! answer is read into another reused buffer and parsed in place with
//! `httparse`; the calling task does the I/O itself, so a request costs no
//! allocation, no task switch and no header map.

mod response;

use std::io::{ErrorKind, Write as _};
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// How many bytes are made room for before each read.
const READ_CHUNK: usize = 16 * 1024;
/// An answer larger than this is refused (ListUsers' pages are ~30 KiB).
const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// Where requests go, fixed for the whole run.
#[derive(Debug)]
pub struct Target {
    /// `host:port` to connect to.
    authority: String,
    /// Every request's head up to the operation's name: request line, Host,
    /// Content-Type and the start of `X-Amz-Target`.
    head: Vec<u8>,
}

impl Target {
    /// Requests to `path` on `authority` (`host:port`), whose operations
    /// are named in `X-Amz-Target` after `target_prefix`.
    pub fn new(authority: &str, path: &str, content_type: &str, target_prefix: &str) -> Self {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: {content_type}\r\n\
             X-Amz-Target: {target_prefix}"
        );
        Self {
            authority: authority.to_owned(),
            head: head.into_bytes(),
        }
    }
}

/// Why an exchange failed.
#[derive(Debug)]
pub enum Failure {
    /// The connection could not be made.
    Connect,
    /// The connection closed before any byte of the answer came back.
    Closed,
    /// Reading or writing failed.
    Io,
    /// The answer was not HTTP, or stopped short.
    Malformed,
    /// The body could not be serialized.
    Encode,
}

/// One connection (made on first use, and again after it breaks) and the
/// buffers its requests and answers go through.
pub struct Conn {
    target: Arc<Target>,
    stream: Option<TcpStream>,
    /// The JSON body, serialized before the head that carries its length.
    body: Vec<u8>,
    /// The request as sent.
    out: Vec<u8>,
    /// The bytes of the last answer.
    input: Vec<u8>,
    /// The last answer's status and where its body lies in `input`.
    answer: (u16, Range<usize>),
}

impl Conn {
    /// A connection to `target`, opened by its first request.
    pub fn new(target: Arc<Target>) -> Self {
        Self {
            target,
            stream: None,
            body: Vec::new(),
            out: Vec::new(),
            input: Vec::new(),
            answer: (0, 0..0),
        }
    }

    /// The last answer's status code.
    pub fn status(&self) -> u16 {
        self.answer.0
    }

    /// The last answer's body.
    pub fn body(&self) -> &[u8] {
        self.input.get(self.answer.1.clone()).unwrap_or_default()
    }

    /// Sends `operation` with the JSON of `body` and reads the answer, which
    /// [`Self::status`] and [`Self::body`] then show. A kept-alive
    /// connection that turns out closed before any byte of the answer (the
    /// server dropped it while idle) is replaced and the request sent once
    /// more, as browsers do; should the server have read it after all, it
    /// runs twice, which a load test can bear. After any other failure the
    /// next request reconnects.
    pub async fn exchange<B: Serialize + ?Sized>(
        &mut self,
        operation: &str,
        body: &B,
    ) -> Result<(), Failure> {
        self.encode(operation, body)?;
        let reused = self.stream.is_some();
        let mut result = self.send().await;
        if reused && matches!(result, Err(Failure::Closed)) {
            self.stream = None;
            result = self.send().await;
        }
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    /// Drops the connection (after a timeout: the stream is out of step).
    pub fn disconnect(&mut self) {
        self.stream = None;
    }

    /// Writes the request into `out`.
    fn encode<B: Serialize + ?Sized>(&mut self, operation: &str, body: &B) -> Result<(), Failure> {
        self.body.clear();
        serde_json::to_writer(&mut self.body, body).map_err(|_| Failure::Encode)?;
        self.out.clear();
        self.out.extend_from_slice(&self.target.head);
        self.out.extend_from_slice(operation.as_bytes());
        write!(self.out, "\r\nContent-Length: {}\r\n\r\n", self.body.len())
            .map_err(|_| Failure::Encode)?;
        self.out.extend_from_slice(&self.body);
        Ok(())
    }

    /// Sends `out` (connecting first if needed) and reads one answer.
    async fn send(&mut self) -> Result<(), Failure> {
        if self.stream.is_none() {
            self.stream = Some(connect(&self.target.authority).await?);
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(Failure::Connect);
        };
        stream.write_all(&self.out).await.map_err(closed_or_io)?;
        self.input.clear();
        loop {
            if self.input.len() >= MAX_ANSWER {
                return Err(Failure::Malformed);
            }
            self.input.reserve(READ_CHUNK);
            let n = match stream.read_buf(&mut self.input).await {
                Ok(n) => n,
                Err(e) if self.input.is_empty() => return Err(closed_or_io(e)),
                Err(_) => return Err(Failure::Io),
            };
            if n == 0 && self.input.is_empty() {
                return Err(Failure::Closed);
            }
            match response::parse(&mut self.input, n == 0) {
                Ok(None) => {}
                Ok(Some(p)) => {
                    self.answer = (p.status, p.body);
                    if !p.keep_alive {
                        self.stream = None;
                    }
                    return Ok(());
                }
                Err(response::Malformed(_)) => return Err(Failure::Malformed),
            }
        }
    }
}

/// A new connection to `authority`, with Nagle's delay off (requests are
/// written whole, and each waits for its answer).
async fn connect(authority: &str) -> Result<TcpStream, Failure> {
    let stream = TcpStream::connect(authority)
        .await
        .map_err(|_| Failure::Connect)?;
    stream.set_nodelay(true).map_err(|_| Failure::Connect)?;
    Ok(stream)
}

/// A reset or broken pipe before the answer began means the server had
/// closed the connection; anything else is an I/O failure.
fn closed_or_io(e: std::io::Error) -> Failure {
    match e.kind() {
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof => Failure::Closed,
        _ => Failure::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

    /// A server that answers each request on a connection with `ANSWER`,
    /// and closes every connection after `per_conn` answers.
    async fn server(per_conn: usize) -> (Arc<Target>, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let target = Arc::new(Target::new(
            &addr,
            "/",
            "application/x-amz-json-1.1",
            "Svc.",
        ));
        let task = tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..2 {
                let (mut s, _) = listener.accept().await.unwrap();
                for _ in 0..per_conn {
                    let mut buf = vec![0u8; 4096];
                    let mut got = 0;
                    // The test bodies are `{}`: the request ends with its head.
                    while !buf[..got].ends_with(b"\r\n\r\n{}") {
                        got += s.read(&mut buf[got..]).await.unwrap();
                    }
                    seen.push(String::from_utf8_lossy(&buf[..got]).into_owned());
                    s.write_all(ANSWER).await.unwrap();
                }
            }
            seen
        });
        (target, task)
    }

    #[tokio::test]
    async fn sends_whole_requests_and_reconnects() {
        let (target, task) = server(2).await;
        let mut conn = Conn::new(target);
        let body = serde_json::json!({});
        // Two requests on the first connection; the server then closes it,
        // and the third request is sent again on a new one.
        for _ in 0..4 {
            conn.exchange("GetUser", &body).await.unwrap();
            assert_eq!((conn.status(), conn.body()), (200, &b"{}"[..]));
        }
        let seen = task.await.unwrap();
        assert_eq!(seen.len(), 4);
        assert!(seen[0].starts_with("POST / HTTP/1.1\r\nHost: 127.0.0.1:",));
        assert!(seen[0].ends_with(
            "\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Svc.GetUser\r\n\
             Content-Length: 2\r\n\r\n{}"
        ));
    }

    #[tokio::test]
    async fn refused_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        let target = Arc::new(Target::new(&addr, "/", "application/json", "Svc."));
        let mut conn = Conn::new(target);
        let failed = conn.exchange("GetUser", &serde_json::json!({})).await;
        assert!(matches!(failed, Err(Failure::Connect)), "{failed:?}");
    }
}
