//! An urlencoded form as its name/value pairs, in order (a checkbox list
//! sends one pair per checked box).

use serde::Deserialize;

/// A submitted form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, trimmed; None when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first value of `name` exactly as sent (passwords keep their spaces).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every non-blank value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Whether the checkbox `name` was checked.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The value of `name` as a number; None when absent, Err when it is not one.
    pub fn number(&self, name: &str) -> Result<Option<i64>, String> {
        self.get(name)
            .map(|v| v.parse().map_err(|_| format!("{v} is not a whole number.")))
            .transpose()
    }

    /// The value of `name`, with blank lines and surrounding space removed,
    /// one entry per line (callback URLs, …).
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|v| {
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields() {
        let f = FormData(vec![
            ("a".into(), " x ".into()),
            ("flow".into(), "A".into()),
            ("flow".into(), "B".into()),
            ("blank".into(), "  ".into()),
            ("n".into(), "12".into()),
            ("urls".into(), "https://a\r\n\r\n https://b ".into()),
        ]);
        assert_eq!(f.get("a"), Some("x"));
        assert_eq!(f.raw("a"), Some(" x "));
        assert_eq!(f.all("flow"), vec!["A", "B"]);
        assert_eq!(f.get("blank"), None);
        assert!(!f.checked("missing"));
        assert_eq!(f.number("n"), Ok(Some(12)));
        assert!(f.number("a").is_err());
        assert_eq!(f.lines("urls"), vec!["https://a", "https://b"]);
    }
}
