//! Cookies: read from the `Cookie` header, set with the attributes every
//! kognit cookie carries.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The value of the cookie `name`, if the request carries it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, scoped to `path`,
/// `Secure` when served over https; a session cookie (no `Max-Age`), since
/// the server ends the session itself.
pub fn set(name: &str, value: &str, path: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict{secure}")
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, path: &str, secure: bool) -> String {
    format!("{}; Max-Age=0", set(name, "", path, secure))
}

/// A `Set-Cookie` value like [`set`] but `SameSite=Lax`, sent also when
/// another site sends the browser here (an app's redirect to the hosted
/// login), and kept `max_age_s` seconds (0 removes it).
pub fn set_lax(name: &str, value: &str, path: &str, secure: bool, max_age_s: u32) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; kognit_console=tok; b=2".parse().unwrap());
        assert_eq!(get(&h, "kognit_console"), Some("tok"));
        assert_eq!(get(&h, "c"), None);
    }

    #[test]
    fn attributes() {
        assert_eq!(
            set("s", "v", "/console", true),
            "s=v; Path=/console; HttpOnly; SameSite=Strict; Secure"
        );
        assert!(clear("s", "/console", false).ends_with("Max-Age=0"));
        assert_eq!(
            set_lax("c", "v", "/hosted/x", false, 3600),
            "c=v; Path=/hosted/x; Max-Age=3600; HttpOnly; SameSite=Lax"
        );
    }
}
