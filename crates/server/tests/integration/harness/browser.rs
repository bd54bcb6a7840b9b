//! A real browser for the end-to-end tests of the web pages: headless Chromium
//! driven through chromedriver (WebDriver) by `fantoccini`.
//!
//! Each [`Browser`] starts its own `chromedriver --port=0` (it prints the port
//! it took, so parallel tests never race for one) and one Chromium session
//! with a fresh profile in a temporary folder, a 1280x900 viewport, and a
//! resolver that answers only for loopback (the browser cannot reach anything
//! but the test server). Dropping the `Browser` (also when the test panics)
//! ends the session, kills chromedriver and whatever Chromium process of that
//! temporary folder is left, then removes the folder. Both programs stay in
//! the test's process group, so a test that nextest times out, or that is
//! interrupted, takes them down with it.
//!
//! Without Chromium or chromedriver (Debian's `chromium` and `chromium-driver`,
//! which `scripts/test` installs) [`Browser::start`] returns None and the test
//! is skipped with a note — except in CI (`CI` set), where it fails.
//!
//! The helpers panic with the selector on failure, like the rest of the
//! harness; [`Browser::client`] gives the fantoccini client for anything else.
//! [`Browser::screenshot`] writes `<name>.png` into the folder named by
//! `KOGNIT_SCREENSHOTS` (relative to the repository root), and does nothing
//! when it is unset: `scripts/console-screenshots` regenerates `docs/console`.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::cookies::Cookie;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// The viewport size of every new session.
pub const WINDOW: (u32, u32) = (1280, 900);
/// How much larger than its viewport a window of headless Chromium is (its
/// invisible tab strip and toolbar) in Chromium 156; checked at start.
const HEADLESS_FRAME: (u32, u32) = (0, 143);
/// A phone-sized window, for [`Browser::set_window_size`].
pub const PHONE: (u32, u32) = (390, 844);
/// How long [`Browser::wait_for`] and the other helpers wait for an element.
pub const WAIT: Duration = Duration::from_secs(15);
/// How long chromedriver may take to listen, and Chromium to open a session
/// (each; seconds at most on an idle machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the session's deletion (Chromium quitting) may take on drop.
const QUIT_TIMEOUT: Duration = Duration::from_secs(5);

/// The Chromium flags of every session. Besides headless mode and the window:
/// no sandbox (tests run as root in CI), /tmp instead of a small /dev/shm, no
/// GPU, and nothing that would make the browser talk to the outside world.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    // Only loopback names resolve: a page that links elsewhere fails to load
    // instead of sending traffic off the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
];

/// One headless Chromium session and the chromedriver serving it.
pub struct Browser {
    client: Client,
    session_id: String,
    /// Dropped after the session is deleted (fields drop in order).
    driver: Driver,
}

/// A running chromedriver and its temporary folder: on drop, chromedriver and
/// any process of the folder are killed, then the folder is removed.
struct Driver {
    child: Child,
    port: u16,
    /// Chromium's profile (`profile/`), its crash database and caches
    /// (`config/`, `cache/`), and chromedriver's log (`chromedriver.log`).
    dir: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        kill_leftovers(self.dir.path());
    }
}

/// Where a program is: `$var` when set, else `name` on PATH, else `fallback`.
fn find_program(var: &str, name: &str, fallback: &str) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(var) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("{var}={} is not a file", p.display()))
        };
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    on_path
        .or_else(|| Some(PathBuf::from(fallback)).filter(|p| p.is_file()))
        .ok_or_else(|| format!("{name} is not installed (not on PATH, no {fallback}, no ${var})"))
}

/// Chromium and chromedriver, or None after a note (a panic in CI).
fn programs() -> Option<(PathBuf, PathBuf)> {
    let found = find_program("CHROME_BIN", "chromium", "/usr/bin/chromium").and_then(|chrome| {
        find_program("CHROMEDRIVER", "chromedriver", "/usr/bin/chromedriver")
            .map(|driver| (chrome, driver))
    });
    match found {
        Ok(both) => Some(both),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!(
                "the browser tests must run in CI: {why} (apt-get install chromium chromium-driver)"
            )
        }
        Err(why) => {
            eprintln!(
                "skipped: {why}; `apt-get install chromium chromium-driver` (scripts/test does) to run the browser tests"
            );
            None
        }
    }
}

/// The port in chromedriver's "… was started successfully on port N." line.
fn announced_port(log: &str) -> Option<u16> {
    let line = log.lines().find(|l| l.contains("started successfully"))?;
    line.rsplit(' ').next()?.trim_end_matches('.').parse().ok()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session; None (the test is
    /// skipped, with a note) when either program is missing, outside CI.
    pub async fn start() -> Option<Self> {
        Self::launch(false).await
    }

    /// [`Browser::start`], trusting any TLS certificate (a test's own
    /// self-signed one).
    pub async fn start_trusting_any_certificate() -> Option<Self> {
        Self::launch(true).await
    }

    async fn launch(accept_insecure_certs: bool) -> Option<Self> {
        let (chrome, chromedriver) = programs()?;
        let dir = tempfile::Builder::new()
            .prefix("kognit-browser-")
            .tempdir()
            .expect("temp dir");
        let log_path = dir.path().join("chromedriver.log");
        // With `--port=0` chromedriver picks a free port and then binds it
        // on IPv4 and IPv6; between the two another process (the tests'
        // own servers, on 127.0.0.1) may take it, and chromedriver exits.
        // It is then started again, a few times.
        let mut attempts = 0;
        let (child, port) = loop {
            attempts += 1;
            let mut child = spawn_chromedriver(&chromedriver, dir.path(), &log_path);
            match wait_for_port(&mut child, &log_path).await {
                Ok(port) => break (child, port),
                Err(log) if attempts < 5 && log.contains("Address already in use") => {}
                Err(log) => panic!("chromedriver exited before listening:\n{log}"),
            }
        };
        let profile = dir.path().join("profile");
        let driver = Driver { child, port, dir };

        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|&a| a.to_owned()).collect();
        // Resizing a window takes Chromium up to a second: the window starts
        // at the size that gives the viewport WINDOW, with headless Chromium's
        // frame, and is resized only when the frame turns out different.
        let window = (WINDOW.0 + HEADLESS_FRAME.0, WINDOW.1 + HEADLESS_FRAME.1);
        args.push(format!("--window-size={},{}", window.0, window.1));
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "acceptInsecureCerts": accept_insecure_certs,
            "goog:chromeOptions": { "binary": chrome, "args": args },
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!("capabilities are an object")
        };
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        let url = format!("http://127.0.0.1:{}", driver.port);
        let connect = builder.capabilities(caps).connect(&url);
        let failure = |e: String| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("Chromium session not created: {e}\nchromedriver log:\n{log}")
        };
        let client = match tokio::time::timeout(START_TIMEOUT, connect).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => failure(e.to_string()),
            Err(_) => failure(format!("no answer within {START_TIMEOUT:?}")),
        };
        let session_id = client
            .session_id()
            .await
            .expect("session id")
            .expect("a session");
        let browser = Self {
            client,
            session_id,
            driver,
        };
        browser.set_window_size(WINDOW.0, WINDOW.1).await;
        Some(browser)
    }

    /// The fantoccini client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    /// The page's URL.
    pub async fn current_url(&self) -> String {
        self.client.current_url().await.expect("current url").into()
    }

    /// The element matching `css`, waiting up to [`WAIT`] for it to appear.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} within {WAIT:?}: {e}"))
    }

    /// Waits until `el` is no longer in the page shown (a submit's answer
    /// replaced the page it was on). Panics after [`WAIT`].
    pub async fn wait_until_replaced(&self, el: &Element) {
        let end = Instant::now() + WAIT;
        while Instant::now() < end {
            match el.is_displayed().await {
                Err(e) if e.is_stale_element_reference() => return,
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        panic!("the page was not replaced within {WAIT:?}");
    }

    /// Whether an element matches `css` now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        match self.client.find(Locator::Css(css)).await {
            Ok(_) => true,
            Err(e) if e.is_no_such_element() => false,
            Err(e) => panic!("find {css}: {e}"),
        }
    }

    /// The rendered text of the element matching `css` (waited for).
    pub async fn text(&self, css: &str) -> String {
        let el = self.wait_for(css).await;
        el.text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Waits until the element matching `css` reads `expected`: after a
    /// click or a submit, the page that answers it is then the one shown
    /// (the old page may have the same element). Panics with the last text
    /// seen after [`WAIT`].
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let end = Instant::now() + WAIT;
        let mut last = None;
        while Instant::now() < end {
            // The element may be replaced between finding and reading it.
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(t) = el.text().await
            {
                if t == expected {
                    return;
                }
                last = Some(t);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{css} did not read {expected:?} within {WAIT:?}; last {last:?}");
    }

    /// Waits until the address of the page shown contains `part`.
    pub async fn wait_for_url(&self, part: &str) {
        let end = Instant::now() + WAIT;
        let mut last = String::new();
        while Instant::now() < end {
            if let Ok(u) = self.client.current_url().await {
                last = u.to_string();
                if last.contains(part) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the address did not come to contain {part:?} within {WAIT:?}; last {last}");
    }

    /// Replaces the value of the input matching `css` (waited for) by `text`,
    /// typed as keystrokes.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait_for(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Clicks the element matching `css` (waited for); a click that navigates
    /// returns once the new page has loaded.
    pub async fn click(&self, css: &str) {
        let el = self.wait_for(css).await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Submits the form matching `css` (waited for) as a person would: clicks
    /// its first submit button, or, when it has none, calls
    /// `form.requestSubmit()` (validation and submit handlers run either way).
    pub async fn submit(&self, css: &str) {
        let form = self.wait_for(css).await;
        let button = form
            .find(Locator::Css(
                "button:not([type]), button[type=submit], input[type=submit], input[type=image]",
            ))
            .await;
        match button {
            Ok(b) => b
                .click()
                .await
                .unwrap_or_else(|e| panic!("click the submit button of {css}: {e}")),
            Err(e) if e.is_no_such_element() => {
                let form = serde_json::to_value(&form).expect("element reference");
                self.client
                    .execute("arguments[0].requestSubmit()", vec![form])
                    .await
                    .unwrap_or_else(|e| panic!("submit {css}: {e}"));
            }
            Err(e) => panic!("find the submit button of {css}: {e}"),
        }
    }

    /// The cookie called `name` that the page sees, if any.
    pub async fn cookie(&self, name: &str) -> Option<Cookie<'static>> {
        match self.client.get_named_cookie(name).await {
            Ok(c) => Some(c),
            Err(e) if e.is_no_such_cookie() => None,
            Err(e) => panic!("cookie {name}: {e}"),
        }
    }

    /// Deletes the cookie called `name` of the current page's site.
    pub async fn delete_cookie(&self, name: &str) {
        self.client
            .delete_cookie(name)
            .await
            .unwrap_or_else(|e| panic!("delete cookie {name}: {e}"));
    }

    /// Sizes the page's viewport (what a screenshot shows) to `width` x
    /// `height` CSS pixels, for example [`PHONE`]: the window is made larger
    /// by the size of the browser's frame around the page.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        let (inner, frame) = self.viewport_and_frame().await;
        if inner == (width, height) {
            return;
        }
        let (w, h) = (width + frame.0, height + frame.1);
        self.client
            .set_window_size(w, h)
            .await
            .unwrap_or_else(|e| panic!("window size {w}x{h}: {e}"));
    }

    /// The viewport's size, and how much larger the window is.
    async fn viewport_and_frame(&self) -> ((u32, u32), (u32, u32)) {
        let sizes = self
            .client
            .execute(
                "return [innerWidth, innerHeight, outerWidth - innerWidth, outerHeight - innerHeight]",
                vec![],
            )
            .await
            .expect("window sizes");
        let size = |i: usize| sizes[i].as_u64().expect("a window size") as u32;
        ((size(0), size(1)), (size(2), size(3)))
    }

    /// Scrolls the element with this id to the top of the viewport (for a
    /// screenshot of it).
    pub async fn scroll_to(&self, id: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).scrollIntoView()",
                vec![serde_json::json!(id)],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to #{id}: {e}"));
    }

    /// When `KOGNIT_SCREENSHOTS` names a folder, writes the visible part of
    /// the page there as `<name>.png`; otherwise does nothing.
    pub async fn screenshot(&self, name: &str) {
        let Some(folder) = screenshot_folder() else {
            return;
        };
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(&folder)
            .unwrap_or_else(|e| panic!("create {}: {e}", folder.display()));
        // Written beside, then renamed: a reader never sees half a file.
        let path = folder.join(format!("{name}.png"));
        let partial = folder.join(format!(".{name}.png.{}", std::process::id()));
        std::fs::write(&partial, png)
            .and_then(|()| std::fs::rename(&partial, &path))
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Ends the session, asking chromedriver to quit Chromium: a plain HTTP
    /// DELETE, as drop cannot wait on the async client. chromedriver answers
    /// once Chromium is gone. Errors are ignored: the processes are killed
    /// next either way.
    fn delete_session(&self) {
        let port = self.driver.port;
        let Ok(mut conn) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return;
        };
        let _ = conn.set_read_timeout(Some(QUIT_TIMEOUT));
        let _ = conn.set_write_timeout(Some(QUIT_TIMEOUT));
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\r\n",
            self.session_id, port
        );
        if conn.write_all(request.as_bytes()).is_err() {
            return;
        }
        // chromedriver keeps the connection open: read up to the end of the
        // answer's body rather than to the end of the stream.
        let mut answer = Vec::new();
        let mut buf = [0; 4096];
        while !http_answer_complete(&answer) {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    }
}

/// Whether `answer` holds an HTTP answer's head and all of its
/// `Content-Length` body.
fn http_answer_complete(answer: &[u8]) -> bool {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    answer.len() >= end + 4 + length
}

impl Drop for Browser {
    /// Quits Chromium; then the driver's drop kills chromedriver and whatever
    /// is left.
    fn drop(&mut self) {
        self.delete_session();
    }
}

/// The folder of `KOGNIT_SCREENSHOTS`, a relative one taken from the
/// repository root (tests run in `crates/server`).
fn screenshot_folder() -> Option<PathBuf> {
    let folder = PathBuf::from(std::env::var_os("KOGNIT_SCREENSHOTS")?);
    if folder.as_os_str().is_empty() {
        return None;
    }
    Some(if folder.is_absolute() {
        folder
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(folder)
    })
}

/// Starts chromedriver on a port of its choice, its output (and
/// Chromium's, which inherits it) to a new log at `log_path`, none to the
/// test's own output. Chromium's crash database and caches go to `dir`
/// too, not to the user's ~/.config and ~/.cache.
fn spawn_chromedriver(chromedriver: &Path, dir: &Path, log_path: &Path) -> Child {
    let log = std::fs::File::create(log_path).expect("chromedriver log");
    Command::new(chromedriver)
        .arg("--port=0")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("{} does not start: {e}", chromedriver.display()))
}

/// Waits until chromedriver announces its port in its log; Err with the
/// log when it exits first.
async fn wait_for_port(driver: &mut Child, log_path: &Path) -> Result<u16, String> {
    let started = Instant::now();
    loop {
        let log = std::fs::read_to_string(log_path).unwrap_or_default();
        if let Some(port) = announced_port(&log) {
            return Ok(port);
        }
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(format!("({status}) {log}"));
        }
        if started.elapsed() > START_TIMEOUT {
            panic!("chromedriver did not listen within {START_TIMEOUT:?}:\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Kills what is left of this browser's Chromium processes (normally nothing:
/// deleting the session quits Chromium), found by its temporary folder in
/// their command line (the profile, the crash database).
fn kill_leftovers(dir: &Path) {
    let needle = dir.as_os_str().as_encoded_bytes();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if cmdline.windows(needle.len()).any(|w| w == needle) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}
