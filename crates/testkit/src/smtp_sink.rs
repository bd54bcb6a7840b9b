//! A real, minimal SMTP server on `127.0.0.1:0` that accepts every message
//! and keeps it, so tests see exactly what kognit put on the wire.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The user name of `AUTH PLAIN`/`AUTH LOGIN`, if the client authenticated.
    pub auth_user: Option<String>,
    /// The raw message (headers and body) after dot-unstuffing, CRLF line ends.
    pub data: String,
}

impl ReceivedMail {
    /// The first header of this name (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(v) = found.as_mut() {
                    v.push_str(line.trim_start());
                    continue;
                }
            } else if found.is_some() {
                break;
            }
            if let Some((n, v)) = line.split_once(':')
                && n.eq_ignore_ascii_case(name)
            {
                found = Some(v.trim().to_owned());
            }
        }
        found
    }

    /// The `Subject` header, with RFC 2047 `=?utf-8?b?…?=` words decoded.
    pub fn subject(&self) -> Option<String> {
        self.header("Subject").map(|s| decode_words(&s))
    }

    /// The body text, decoded from quoted-printable or base64 as its
    /// `Content-Transfer-Encoding` says (lettre picks one by content).
    pub fn body_text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: String = body.split_whitespace().collect();
                STANDARD.decode(compact).unwrap_or_default()
            }
            "quoted-printable" => decode_qp(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes)
            .trim_end_matches("\r\n")
            .to_owned()
    }
}

/// A running sink; stops when dropped.
pub struct SmtpSink {
    port: u16,
    messages: Arc<Mutex<Vec<ReceivedMail>>>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts a sink on a free port of 127.0.0.1.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, store.clone()));
            }
        });
        SmtpSink {
            port,
            messages,
            task,
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.messages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until `n` messages arrived or `timeout` passed; returns what there is.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let got = self.messages();
            if got.len() >= n || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One SMTP conversation: just enough of RFC 5321 for a submitting client.
async fn session(socket: TcpStream, store: Arc<Mutex<Vec<ReceivedMail>>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mut from = String::new();
    let mut to = Vec::new();
    let mut auth_user = None;
    if write.write_all(b"220 kognit-sink ESMTP\r\n").await.is_err() {
        return;
    }
    loop {
        let Some(line) = read_line(&mut lines).await else {
            return;
        };
        let verb = line
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" => "250-kognit-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
            "HELO" | "NOOP" => "250 OK\r\n",
            "AUTH" => {
                let args: Vec<&str> = line.split(' ').collect();
                auth_user = match args.as_slice() {
                    [_, m, initial] if m.eq_ignore_ascii_case("PLAIN") => plain_user(initial),
                    [_, m] if m.eq_ignore_ascii_case("PLAIN") => {
                        let _ = write.write_all(b"334 \r\n").await;
                        read_line(&mut lines).await.and_then(|l| plain_user(&l))
                    }
                    [_, m, ..] if m.eq_ignore_ascii_case("LOGIN") => {
                        let _ = write.write_all(b"334 VXNlcm5hbWU6\r\n").await;
                        let user = read_line(&mut lines).await.and_then(|l| b64(&l));
                        let _ = write.write_all(b"334 UGFzc3dvcmQ6\r\n").await;
                        let _ = read_line(&mut lines).await;
                        user
                    }
                    _ => None,
                };
                "235 Authentication succeeded\r\n"
            }
            "MAIL" => {
                from = angle(&line);
                to.clear();
                "250 OK\r\n"
            }
            "RCPT" => {
                to.push(angle(&line));
                "250 OK\r\n"
            }
            "DATA" => {
                if write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let mut data = String::new();
                loop {
                    let Some(l) = read_line(&mut lines).await else {
                        return;
                    };
                    if l == "." {
                        break;
                    }
                    // Dot-unstuffing (RFC 5321 §4.5.2).
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                    data.push_str("\r\n");
                }
                let mail = ReceivedMail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    auth_user: auth_user.clone(),
                    data,
                };
                store.lock().unwrap_or_else(|e| e.into_inner()).push(mail);
                "250 OK queued\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                "250 OK\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 Bye\r\n").await;
                return;
            }
            _ => "502 Command not implemented\r\n",
        };
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// One line without its CRLF; None at end of stream.
async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<String> {
    let mut buf = Vec::new();
    match r.read_until(b'\n', &mut buf).await {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            let text = String::from_utf8_lossy(&buf);
            Some(text.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// The address between `<` and `>` of `MAIL FROM:<a@b> …` / `RCPT TO:<a@b>`.
fn angle(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_owned()
}

fn b64(s: &str) -> Option<String> {
    let bytes = STANDARD.decode(s.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

/// The user of an `AUTH PLAIN` response (`authzid \0 user \0 password`).
fn plain_user(s: &str) -> Option<String> {
    b64(s)?.split('\0').nth(1).map(str::to_owned)
}

/// Decodes quoted-printable (RFC 2045 §6.7), soft line breaks included.
fn decode_qp(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`), assuming UTF-8.
fn decode_words(s: &str) -> String {
    let mut out = String::new();
    let mut last_encoded = false;
    for word in s.split_whitespace() {
        let decoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut parts = w.splitn(3, '?');
                let (_, enc, text) = (parts.next()?, parts.next()?, parts.next()?);
                let bytes = match enc {
                    "B" | "b" => STANDARD.decode(text).ok()?,
                    "Q" | "q" => decode_qp(&text.replace('_', " ")),
                    _ => return None,
                };
                String::from_utf8(bytes).ok()
            });
        // Space between two encoded words is not part of the text (RFC 2047 §6.2).
        let joins_previous = last_encoded && decoded.is_some();
        if !out.is_empty() && !joins_previous {
            out.push(' ');
        }
        last_encoded = decoded.is_some();
        out.push_str(decoded.as_deref().unwrap_or(word));
    }
    out
}
