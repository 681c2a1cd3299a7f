//! Go's `encoding/json` conventions that Terraform's and the AWS provider's JSON text carries,
//! so text infractl writes compares equal to theirs byte for byte.

/// JSON text with the HTML-safe escapes Go's encoder writes (`<`, `>`, `&`, U+2028, U+2029).
/// Those characters only occur inside strings, so replacing them in the whole text is exact.
pub fn html_safe(json: &str) -> String {
    json.replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_what_go_escapes_and_nothing_else() {
        assert_eq!(
            super::html_safe(r#"{"a":"<x> & y\u2028","b":"é"}"#.replace("\\u2028", "\u{2028}").as_str()),
            r#"{"a":"\u003cx\u003e \u0026 y\u2028","b":"é"}"#
        );
    }
}
