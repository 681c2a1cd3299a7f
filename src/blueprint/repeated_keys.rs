//! Repeated keys in object constructors, which HCL accepts and hcl-edit refuses.
//!
//! `{ port = 80, port = 81 }` is valid Terraform: the object is built key by key and the last
//! value wins. hcl-edit's parser refuses it ("found redefined object key") because its object
//! type cannot hold two equal keys. No HCL parser crate accepts it and forking hcl-edit would
//! mean vendoring a parser, so the source text is rewritten instead: the repeated key is turned
//! into an equivalent parenthesised expression (`port` becomes `("port")`, `"a"` becomes
//! `(("a"))`), which hcl-edit sees as a different key and the evaluator turns back into the same
//! string, keeping the last value as HCL does. Only the columns after a rewritten key on the
//! same line move; line numbers never change (nothing is inserted across lines).

/// The most repeated keys rewritten in one file before the parser's error is reported as is.
pub const MAX_REWRITES: usize = 1000;

/// The parser's message for a repeated key.
const REPEATED_KEY: &str = "redefined object key";

/// For a parse error that is a repeated object key at byte `offset` of `text`: the byte range
/// of the key and the equivalent expression to put there (`round` makes each rewrite differ
/// from every earlier one). `None` for any other error.
pub fn rewrite(
    error: &hcl_edit::parser::Error,
    text: &str,
    offset: usize,
    round: usize,
) -> Option<(std::ops::Range<usize>, String)> {
    if !error.message().contains(REPEATED_KEY) {
        return None;
    }
    let (len, replacement) = rewrite_key_at(text, offset, round)?;
    Some((offset..offset + len, replacement))
}

/// The length of the object key starting at `offset` and an equivalent expression that differs
/// from every earlier rewrite (`round` levels of parentheses).
fn rewrite_key_at(text: &str, offset: usize, round: usize) -> Option<(usize, String)> {
    let rest = &text[offset..];
    let ident_len = identifier_len(rest);
    let (replacement, len) = if ident_len > 0 && !matches!(rest[ident_len..].chars().next(), Some('.' | '[' | '(')) {
        // A bare name as a key is the string itself, not a variable: quote it.
        let name = &rest[..ident_len];
        (wrap(&format!("\"{name}\""), round), ident_len)
    } else {
        let len = key_expression_len(rest)?;
        (wrap(rest[..len].trim_end(), round), rest[..len].trim_end().len())
    };
    Some((len, replacement))
}

fn wrap(inner: &str, levels: usize) -> String {
    format!("{}{inner}{}", "(".repeat(levels), ")".repeat(levels))
}

/// Length of an HCL identifier at the start of `s` (0 when there is none).
fn identifier_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphabetic() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(s.len())
}

/// Length of a key expression at the start of `s`: everything up to the `=` or `:` that
/// separates it from its value, outside strings, templates and brackets.
fn key_expression_len(s: &str) -> Option<usize> {
    // Each entry is what closes the innermost open construct: a bracket, or `"` for a string.
    let mut open: Vec<char> = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let in_string = open.last() == Some(&'"');
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    open.pop();
                }
                '$' | '%' if chars.peek().map(|(_, n)| *n) == Some('{') => {
                    chars.next();
                    open.push('}');
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => open.push('"'),
            '(' => open.push(')'),
            '[' => open.push(']'),
            '{' => open.push('}'),
            ')' | ']' | '}' if open.pop() != Some(c) => return None,
            '=' | ':' if open.is_empty() && !s[i + 1..].starts_with('=') => return Some(i),
            '\n' if open.is_empty() => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::blueprint::config::parse_file;
    use crate::blueprint::source::{Expr, SourceFile};
    use crate::value::Value;

    fn rewritten(text: &str) -> String {
        let (file, _) = parse_file(&SourceFile::new("t.tf", text.to_string())).unwrap();
        file.text.clone()
    }

    #[test]
    fn repeated_identifier_keys_become_quoted() {
        assert_eq!(
            rewritten("a = { port = 80, port = 81 }\n"),
            "a = { port = 80, (\"port\") = 81 }\n"
        );
    }

    #[test]
    fn third_repetition_gets_more_parentheses() {
        assert_eq!(
            rewritten("a = {\n  x = 1\n  x = 2\n  x = 3\n}\n"),
            "a = {\n  x = 1\n  (\"x\") = 2\n  ((\"x\")) = 3\n}\n"
        );
    }

    #[test]
    fn string_and_expression_keys_are_wrapped() {
        assert_eq!(
            rewritten("a = { \"k\" = 1, \"k\" = 2 }"),
            "a = { \"k\" = 1, (\"k\") = 2 }"
        );
        assert_eq!(
            rewritten("a = { (var.x) = 1, (var.x) = 2 }"),
            "a = { (var.x) = 1, ((var.x)) = 2 }"
        );
        assert_eq!(
            rewritten("a = { \"${var.a}:x\" = 1, \"${var.a}:x\" : 2 }"),
            "a = { \"${var.a}:x\" = 1, (\"${var.a}:x\") : 2 }"
        );
    }

    #[test]
    fn the_last_value_wins_and_locations_stay_in_the_original_text() {
        let text = "a = { port = 80, protocol = \"HTTP\", port = 81, \"port\" = 82 }\nb = }\n";
        let err = parse_file(&SourceFile::new("t.tf", text.to_string())).unwrap_err();
        let at = err.location.unwrap();
        assert!(at.starts_with("t.tf:2:"), "a later error keeps its line: {at}");
        let text = "a = { port = 80, protocol = \"HTTP\", port = 81, \"port\" = 82 }\n";
        let (file, body) = parse_file(&SourceFile::new("t.tf", text.to_string())).unwrap();
        let attr = body.into_attributes().next().unwrap();
        let v = crate::blueprint::eval::eval_constant(&Expr::new(attr.value, &file)).unwrap();
        assert_eq!(v.get("port"), &Value::Number(82.0));
        assert_eq!(v.get("protocol"), &Value::str("HTTP"));
    }

    #[test]
    fn other_syntax_errors_are_left_alone() {
        let err = parse_file(&SourceFile::new("t.tf", "a = {\n".to_string())).unwrap_err();
        assert!(err.summary.starts_with("Syntax error"));
    }
}
