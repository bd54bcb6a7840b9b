//! Translation of the model's Java regular expressions to the `regex` crate.
//!
//! AWS evaluates `pattern` traits with `java.util.regex` and requires the
//! whole value to match. The `regex` crate accepts almost the same syntax
//! (including `\p{L}`-style classes), but a few semantics differ:
//!
//! * Java's `\w \d \s` (and negations) are ASCII-only; the `regex` crate's are
//!   Unicode-aware. They are rewritten to explicit ASCII classes, so that a
//!   user pool id like `us-east-1_ÄÖÜ` is rejected as AWS rejects it.
//! * Java's `.` excludes all line terminators (`\r`, `\u0085`, `\u2028`,
//!   `\u2029`, not just `\n`); rewritten unless the pattern opens with `(?s)`.
//! * The `regex` crate has no look-around. The only such pattern in the model
//!   is rewritten by hand in [`LOOKAROUND_REWRITES`].

use regex::Regex;

/// Hand translations of patterns using look-around, which the `regex` crate
/// lacks: (model pattern, equivalent without look-around).
pub(crate) const LOOKAROUND_REWRITES: &[(&str, &str)] = &[(
    // "May be empty; must not end with a dot" (`(?<!\.)$` = last char is no dot).
    r"^[0-9A-Za-z\.\-_]*(?<!\.)$",
    r"^(?:[0-9A-Za-z\.\-_]*[0-9A-Za-z\-_])?$",
)];

const ASCII_WORD: &str = "[0-9A-Za-z_]";
const NOT_ASCII_WORD: &str = "[^0-9A-Za-z_]";
const ASCII_DIGIT: &str = "[0-9]";
const NOT_ASCII_DIGIT: &str = "[^0-9]";
// Java's \s: [ \t\n\x0B\f\r].
const ASCII_SPACE: &str = r"[\t\n\x0B\x0C\r ]";
const NOT_ASCII_SPACE: &str = r"[^\t\n\x0B\x0C\r ]";
const JAVA_DOT: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";

/// Compiles a model pattern so that it must match the whole value
/// (`^(?:…)$`). Returns `None` if the translated pattern does not compile;
/// validation then skips that pattern (the crate's tests assert there are none).
pub(crate) fn compile(java: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{})$", translate(java))).ok()
}

/// Java regex syntax -> `regex` crate syntax (see the module docs).
pub(crate) fn translate(java: &str) -> String {
    let java = LOOKAROUND_REWRITES
        .iter()
        .find(|(from, _)| *from == java)
        .map_or(java, |(_, to)| *to);
    let dotall = java.starts_with("(?s)");
    let mut out = String::with_capacity(java.len() + 16);
    let mut chars = java.chars().peekable();
    // Depth of (possibly nested) character classes; Java and `regex` both
    // allow `[a[b]]`, and the replacements below are nested classes too.
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('w') => out.push_str(ASCII_WORD),
                Some('W') => out.push_str(NOT_ASCII_WORD),
                Some('d') => out.push_str(ASCII_DIGIT),
                Some('D') => out.push_str(NOT_ASCII_DIGIT),
                Some('s') => out.push_str(ASCII_SPACE),
                Some('S') => out.push_str(NOT_ASCII_SPACE),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // A leading `^` negates; keep it attached to the bracket.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            '.' if class_depth == 0 && !dotall => out.push_str(JAVA_DOT),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii_like_java() {
        let re = compile(r"[\w-]+_[0-9a-zA-Z]+").expect("compiles");
        assert!(re.is_match("us-east-1_Abc123"));
        assert!(!re.is_match("us-east-1_Äbc"));
        assert!(!re.is_match("ä_abc"));
        let re = compile(r"[\S]+").expect("compiles");
        assert!(re.is_match("pässwörd!"));
        assert!(!re.is_match("with space"));
        assert!(!re.is_match("tab\there"));
    }

    #[test]
    fn whole_value_must_match() {
        let re = compile(r"[0-9]+").expect("compiles");
        assert!(re.is_match("123"));
        assert!(!re.is_match("12a"));
        assert!(!re.is_match("a12"));
        let re = compile(r"Level[1-4]").expect("compiles");
        assert!(!re.is_match("Level12"));
    }

    #[test]
    fn lookbehind_rewrite() {
        let re = compile(r"^[0-9A-Za-z\.\-_]*(?<!\.)$").expect("compiles");
        assert!(re.is_match(""));
        assert!(re.is_match("a.b-c_d"));
        assert!(!re.is_match("a.b."));
        assert!(!re.is_match("."));
    }

    /// Java reads `[0-9-_]` as `0-9`, `-`, `_`; the `regex` crate agrees, so
    /// no rewrite is needed (this test pins that down).
    #[test]
    fn hyphen_after_range_is_literal() {
        let re = compile(r"[A-Za-z0-9-_+/=.]+").expect("compiles");
        assert!(re.is_match("abc-_+/=.XYZ09"));
        assert!(!re.is_match("a:b"));
        // `9-_` must not have become a range covering `:` .. `^`.
        assert!(!re.is_match("@"));
    }

    #[test]
    fn java_dot_excludes_line_terminators() {
        let re = compile(r".*\{####\}.*").expect("compiles");
        assert!(re.is_match("code {####} here"));
        assert!(!re.is_match("code\r{####}"));
        let re = compile(r"(?s).*").expect("compiles");
        assert!(re.is_match("multi\nline\r\n"));
    }
}
