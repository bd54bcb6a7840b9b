//! Where a request came from: the caller's IP address and User-Agent, which
//! token sessions and auth events record.
//!
//! The protocol layer runs each operation inside [`RequestContext::scope`];
//! the service reads it with [`RequestContext::current`] at the few places
//! that record it. It is carried as task-local state rather than as one more
//! argument through every sign-in step because it is only ever recorded —
//! no rule depends on it — and the sign-in flows it would have to thread
//! through (password, SRP, challenges, devices, MFA) are many. Outside a
//! scope (unit tests, internal callers) it is empty.

/// The caller of the current request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The caller's IP address, as the server saw it.
    pub ip: Option<String>,
    /// The caller's `User-Agent` header.
    pub user_agent: Option<String>,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// The longest device description kept (Cognito's DeviceType limit).
const MAX_DEVICE: usize = 1024;

impl RequestContext {
    /// Runs `fut` with this context as the current one.
    pub async fn scope<F: std::future::Future>(self, fut: F) -> F::Output {
        CURRENT.scope(self, fut).await
    }

    /// The context of the request being served (empty outside a scope).
    pub fn current() -> Self {
        CURRENT.try_with(Clone::clone).unwrap_or_default()
    }

    /// The caller's device as a person would name it, from the User-Agent:
    /// `Chrome 120, Windows 10`, `Safari 17, iOS`, or the first product
    /// token of a non-browser client (`aws-sdk-rust 1.3.9`); None without a
    /// User-Agent.
    pub fn device(&self) -> Option<String> {
        let ua = self.user_agent.as_deref()?.trim();
        if ua.is_empty() {
            return None;
        }
        let mut name = match (browser(ua), os(ua)) {
            (Some(b), Some(o)) => format!("{b}, {o}"),
            (Some(b), None) => b,
            (None, Some(o)) => format!("{}, {o}", product(ua)),
            (None, None) => product(ua),
        };
        if name.len() > MAX_DEVICE {
            let mut end = MAX_DEVICE;
            while !name.is_char_boundary(end) {
                end -= 1;
            }
            name.truncate(end);
        }
        Some(name)
    }
}

/// The major version following `token/` in a User-Agent.
fn major(ua: &str, token: &str) -> Option<String> {
    let rest = &ua[ua.find(token)? + token.len()..];
    let v: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!v.is_empty()).then_some(v)
}

/// The browser and its major version; the order matters, as Edge and Opera
/// also claim Chrome, and Chrome also claims Safari.
fn browser(ua: &str) -> Option<String> {
    for (token, name) in [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
    ] {
        if let Some(v) = major(ua, token) {
            return Some(format!("{name} {v}"));
        }
    }
    if ua.contains("Safari/") {
        return Some(match major(ua, "Version/") {
            Some(v) => format!("Safari {v}"),
            None => "Safari".into(),
        });
    }
    None
}

/// The operating system named in a User-Agent.
fn os(ua: &str) -> Option<String> {
    let named = if ua.contains("Windows NT 10.0") {
        "Windows 10"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "Mac OS X"
    } else if ua.contains("CrOS") {
        "Chrome OS"
    } else if ua.contains("Linux") || ua.contains("os/linux") {
        "Linux"
    } else if ua.contains("os/macos") {
        "Mac OS X"
    } else if ua.contains("os/windows") {
        "Windows"
    } else {
        return None;
    };
    Some(named.into())
}

/// The first product token (`name/version` → `name version`).
fn product(ua: &str) -> String {
    let first = ua.split_whitespace().next().unwrap_or(ua);
    first.replacen('/', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(ua: &str) -> Option<String> {
        RequestContext {
            ip: None,
            user_agent: Some(ua.into()),
        }
        .device()
    }

    #[test]
    fn browsers_and_systems() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                      (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(device(chrome).as_deref(), Some("Chrome 120, Windows 10"));
        let edge = format!("{chrome} Edg/120.0.2210.91");
        assert_eq!(device(&edge).as_deref(), Some("Edge 120, Windows 10"));
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) \
                      AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 \
                      Safari/604.1";
        assert_eq!(device(safari).as_deref(), Some("Safari 17, iOS"));
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(device(firefox).as_deref(), Some("Firefox 121, Linux"));
    }

    #[test]
    fn other_clients_and_none() {
        assert_eq!(
            device("aws-sdk-rust/1.3.9 os/linux lang/rust/1.91.0").as_deref(),
            Some("aws-sdk-rust 1.3.9, Linux")
        );
        assert_eq!(device("curl/8.5.0").as_deref(), Some("curl 8.5.0"));
        assert_eq!(device("   "), None);
        assert_eq!(RequestContext::default().device(), None);
        assert_eq!(device(&"x".repeat(2000)).map(|d| d.len()), Some(1024));
    }

    #[tokio::test]
    async fn scoped() {
        assert_eq!(RequestContext::current(), RequestContext::default());
        let ctx = RequestContext {
            ip: Some("192.0.2.7".into()),
            user_agent: None,
        };
        let seen = ctx.clone().scope(async { RequestContext::current() }).await;
        assert_eq!(seen, ctx);
    }
}
