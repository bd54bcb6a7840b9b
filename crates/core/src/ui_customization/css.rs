//! The stylesheet of a classic hosted UI customization: which selectors it may
//! style and what it may not contain.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/hosted-ui-classic-branding.html>
//!
//! Cognito allows rules on its customizable classes only, and no `@import`,
//! `@supports`, `@page` or `@media` statements, nor JavaScript. kognit serves
//! the stylesheet from its own origin to its hosted pages, so it is stricter
//! where a rule could reach outside the page's style: every at-rule is
//! refused (`@font-face` and `@import` load from elsewhere), and so are
//! functions other than colours, gradients and arithmetic (`url()`,
//! `image-set()`, `expression()`), backslash escapes (which could spell those
//! names in disguise), and `</` or `<!--` (which could end a `<style>`
//! element the stylesheet were ever inlined into). Unknown property names are
//! kept, as Cognito keeps them (it ignores them when it renders).

/// The selectors a rule may name: Cognito's customizable classes, two with a
/// state (the developer guide's list, as in its `CSS template.css`).
pub const CLASSES: [&str; 18] = [
    ".background-customizable",
    ".banner-customizable",
    ".errorMessage-customizable",
    ".idpButton-customizable",
    ".idpButton-customizable:hover",
    ".idpDescription-customizable",
    ".inputField-customizable",
    ".inputField-customizable:focus",
    ".label-customizable",
    ".legalText-customizable",
    ".logo-customizable",
    ".passwordCheck-notValid-customizable",
    ".passwordCheck-valid-customizable",
    ".redirect-customizable",
    ".socialButton-customizable",
    ".submitButton-customizable",
    ".submitButton-customizable:hover",
    ".textDescription-customizable",
];

/// The CSS functions a value may call: colours, gradients and arithmetic,
/// none of which loads anything.
const FUNCTIONS: [&str; 22] = [
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "hwb",
    "lab",
    "lch",
    "oklab",
    "oklch",
    "color",
    "color-mix",
    "calc",
    "min",
    "max",
    "clamp",
    "var",
    "linear-gradient",
    "radial-gradient",
    "conic-gradient",
    "repeating-linear-gradient",
    "repeating-radial-gradient",
    "repeating-conic-gradient",
];

/// Why a stylesheet is refused, as the message of InvalidParameterException.
fn refused(why: impl std::fmt::Display) -> String {
    format!("The CSS is not valid for the hosted UI: {why}.")
}

/// Checks a stylesheet; the error is the message to answer with.
pub fn check(css: &str) -> Result<(), String> {
    let lower = css.to_ascii_lowercase();
    for (needle, what) in [
        ("</", "it contains '</'"),
        ("<!--", "it contains '<!--'"),
        ("-->", "it contains '-->'"),
        ("\\", "escapes (\\) are not allowed"),
        ("javascript:", "JavaScript is not allowed"),
    ] {
        if lower.contains(needle) {
            return Err(refused(what));
        }
    }
    if let Some(c) = css
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return Err(refused(format!(
            "it contains the control character U+{:04X}",
            u32::from(c)
        )));
    }
    let bare = without_comments(css)?;
    let mut rest = bare.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(());
        }
        if rest.starts_with('@') {
            return Err(refused(
                "at-rules (such as @import or @media) are not allowed",
            ));
        }
        let (prelude, after) = until(rest, '{')?;
        if prelude.contains('@') {
            return Err(refused(
                "at-rules (such as @import or @media) are not allowed",
            ));
        }
        for selector in prelude.split(',').map(str::trim) {
            if !CLASSES.contains(&selector) {
                return Err(refused(format!(
                    "the selector '{}' is not one of the customizable classes \
                     (such as .label-customizable or .submitButton-customizable:hover)",
                    shorten(selector)
                )));
            }
        }
        let (block, after) = until(after, '}')?;
        declarations(block)?;
        rest = after;
    }
}

/// The text with every comment replaced by a space; strings kept as they
/// are. An unterminated comment or string, or a string across lines, is
/// refused.
fn without_comments(css: &str) -> Result<String, String> {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = '\0';
                loop {
                    match chars.next() {
                        Some('/') if prev == '*' => break,
                        Some(c) => prev = c,
                        None => return Err(refused("a comment is not closed")),
                    }
                }
                out.push(' ');
            }
            '"' | '\'' => {
                out.push(c);
                loop {
                    match chars.next() {
                        Some(q) if q == c => break out.push(q),
                        Some('\n' | '\r' | '\u{c}') | None => {
                            return Err(refused("a string is not closed"));
                        }
                        Some(other) => out.push(other),
                    }
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Splits `text` at the first `end` outside strings: (before, after). Any
/// other brace before it means a nested or unbalanced block.
fn until(text: &str, end: char) -> Result<(&str, &str), String> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c == end => return Ok((&text[..i], &text[i + 1..])),
            (None, '{') => return Err(refused("rules cannot be nested")),
            (None, '}') => return Err(refused("unexpected '}'")),
            (None, ';') if end == '{' => {
                return Err(refused("a declaration is outside any rule"));
            }
            _ => {}
        }
    }
    Err(refused(format!("expected '{end}'")))
}

/// Checks the declarations of one rule: `property: value` separated by `;`.
fn declarations(block: &str) -> Result<(), String> {
    for decl in split_outside_strings(block, ';') {
        let decl = decl.trim();
        if decl.is_empty() {
            continue;
        }
        let Some((name, value)) = decl.split_once(':') else {
            return Err(refused(format!("'{}' is not a declaration", shorten(decl))));
        };
        let name = name.trim();
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return Err(refused(format!(
                "'{}' is not a property name",
                shorten(name)
            )));
        }
        value_ok(value)?;
    }
    Ok(())
}

/// Checks a value: no at-sign, and only the allowed functions.
fn value_ok(value: &str) -> Result<(), String> {
    let mut quote = None;
    let mut word = String::new();
    for c in value.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => {
                quote = Some(c);
                word.clear();
            }
            (None, '@') => return Err(refused("'@' is not allowed in a value")),
            (None, '(') => {
                let name = word.to_ascii_lowercase();
                if !FUNCTIONS.contains(&name.as_str()) {
                    return Err(refused(format!(
                        "the function '{}()' is not allowed",
                        shorten(&word)
                    )));
                }
                word.clear();
            }
            (None, c) if c.is_ascii_alphanumeric() || c == '-' || c == '_' => word.push(c),
            (None, _) => word.clear(),
        }
    }
    Ok(())
}

/// The pieces of `text` between `sep`s outside strings.
fn split_outside_strings(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c == sep => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// At most 60 characters of what is quoted back, on one line.
fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cognito's own template (the AWS CLI's set-ui-customization example).
    const TEMPLATE: &str = ".logo-customizable {\n\tmax-width: 60%;\n\tmax-height: 30%;\n}\n\
        .banner-customizable {\n\tpadding: 25px 0px 25px 10px;\n\tbackground-color: lightgray;\n}\n\
        .label-customizable {\n\tfont-weight: 300;\n}\n\
        .textDescription-customizable {\n\tpadding-top: 10px;\n\tpadding-bottom: 10px;\n\tdisplay: block;\n\tfont-size: 16px;\n}\n\
        .idpDescription-customizable {\n\tpadding-top: 10px;\n\tpadding-bottom: 10px;\n\tdisplay: block;\n\tfont-size: 16px;\n}\n\
        .legalText-customizable {\n\tcolor: #747474;\n\tfont-size: 11px;\n}\n\
        .submitButton-customizable {\n\tfont-size: 14px;\n\tfont-weight: bold;\n\tmargin: 20px 0px 10px 0px;\n\theight: 40px;\n\twidth: 100%;\n\tcolor: #fff;\n\tbackground-color: #337ab7;\n}\n\
        .submitButton-customizable:hover {\n\tcolor: #fff;\n\tbackground-color: #286090;\n}\n\
        .errorMessage-customizable {\n\tpadding: 5px;\n\tfont-size: 14px;\n\twidth: 100%;\n\tbackground: #F5F5F5;\n\tborder: 2px solid #D64958;\n\tcolor: #D64958;\n}\n\
        .inputField-customizable {\n\twidth: 100%;\n\theight: 34px;\n\tcolor: #555;\n\tbackground-color: #fff;\n\tborder: 1px solid #ccc;\n}\n\
        .inputField-customizable:focus {\n\tborder-color: #66afe9;\n\toutline: 0;\n}\n\
        .idpButton-customizable {\n\theight: 40px;\n\twidth: 100%;\n\ttext-align: center;\n\tmargin-bottom: 15px;\n\tcolor: #fff;\n\tbackground-color: #5bc0de;\n\tborder-color: #46b8da;\n}\n\
        .idpButton-customizable:hover {\n\tcolor: #fff;\n\tbackground-color: #31b0d5;\n}\n\
        .socialButton-customizable {\n\theight: 40px;\n\ttext-align: left;\n\twidth: 100%;\n\tmargin-bottom: 15px;\n}\n\
        .redirect-customizable {\n\ttext-align: center;\n}\n\
        .passwordCheck-notValid-customizable {\n\tcolor: #DF3312;\n}\n\
        .passwordCheck-valid-customizable {\n\tcolor: #19BF00;\n}\n\
        .background-customizable {\n\tbackground-color: #faf;\n}\n";

    #[test]
    fn cognitos_template_and_small_sheets_pass() {
        assert_eq!(check(TEMPLATE), Ok(()));
        for ok in [
            "",
            "  \n",
            ".label-customizable{ color: red;}",
            ".label-customizable {font-weight: 400;}",
            "/* brand */ .banner-customizable, .background-customizable { background-color: rgb(1, 2, 3) }",
            ".submitButton-customizable { background: linear-gradient(90deg, #fff, hsl(0 0% 50%)); }",
            ".legalText-customizable { font-family: \"Amazon Ember\", 'Helvetica Neue'; }",
            ".legalText-customizable { font-family: \"a;b{c}\"; }",
            ".logo-customizable { max-width: calc(100% - 2px) !important; --x: 1; }",
            ".inputField-customizable:focus {}",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    fn why(css: &str) -> String {
        match check(css) {
            Err(e) => e,
            Ok(()) => String::from("accepted"),
        }
    }

    #[test]
    fn other_selectors_are_refused() {
        for bad in [
            "body { color: red; }",
            ".label-customizable div { color: red; }",
            ".label-customizable > a { color: red; }",
            ".label-customizable:hover { color: red; }",
            "#x { color: red; }",
            ".label-customizable, * { color: red; }",
            ".LABEL-customizable { color: red; }",
            "{ color: red; }",
        ] {
            assert!(
                why(bad).contains("is not one of the customizable classes"),
                "{bad}: {}",
                why(bad)
            );
        }
        assert_eq!(
            why("body{}"),
            "The CSS is not valid for the hosted UI: the selector 'body' is not one of the \
             customizable classes (such as .label-customizable or \
             .submitButton-customizable:hover)."
        );
    }

    #[test]
    fn what_could_leave_the_stylesheet_is_refused() {
        for (bad, reason) in [
            ("@import url(https://evil.example/x.css);", "at-rules"),
            (
                "@media print { .label-customizable { color: red } }",
                "at-rules",
            ),
            ("@font-face { font-family: x; }", "at-rules"),
            (
                ".label-customizable { background: url(https://evil.example/p.png); }",
                "'url()'",
            ),
            (".label-customizable { background: URL(x); }", "'URL()'"),
            (
                ".label-customizable { background: image-set('x.png' 1x); }",
                "'image-set()'",
            ),
            (
                ".label-customizable { width: expression(alert(1)); }",
                "'expression()'",
            ),
            (".label-customizable { background: u\\72l(x); }", "escapes"),
            (
                ".label-customizable { color: red; } </style><script>",
                "'</'",
            ),
            (".label-customizable { content: '</STYLE>'; }", "'</'"),
            ("<!-- .label-customizable { color: red; }", "'<!--'"),
            (
                ".label-customizable { color: javascript:alert(1); }",
                "JavaScript",
            ),
            (
                ".label-customizable { color: red; } @charset 'x';",
                "at-rules",
            ),
            (".label-customizable { color: @x; }", "'@'"),
            (
                ".label-customizable { .logo-customizable { color: red } }",
                "nested",
            ),
            (".label-customizable { color: red; ", "expected '}'"),
            (".label-customizable { color: red; }}", "unexpected '}'"),
            (".label-customizable", "expected '{'"),
            ("color: red;", "outside any rule"),
            (".label-customizable { color red; }", "not a declaration"),
            (
                ".label-customizable { co/**/lor: red; }",
                "not a property name",
            ),
            ("/* open", "comment is not closed"),
            (
                ".label-customizable { content: 'open; }",
                "string is not closed",
            ),
            (
                ".label-customizable { color: red;\u{0}}",
                "control character U+0000",
            ),
        ] {
            let e = why(bad);
            assert!(e.contains(reason), "{bad}: {e}");
        }
    }

    #[test]
    fn quoted_text_is_shortened() {
        let long = format!(".{} {{}}", "a".repeat(100));
        let e = why(&long);
        assert!(e.contains(&format!("'.{}…'", "a".repeat(59))), "{e}");
    }
}
