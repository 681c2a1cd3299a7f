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
const MAX_REWRITES: usize = 1000;

/// The parser's message for a repeated key.
const REPEATED_KEY: &str = "redefined object key";

/// Parses `text` as a body, rewriting repeated object keys until it parses or fails for another
/// reason. Returns the text that was parsed (the original when nothing was rewritten), so that
/// spans of the returned body index into it.
pub fn parse_body(text: &str) -> (String, Result<hcl_edit::structure::Body, hcl_edit::parser::Error>) {
    let mut text = text.to_string();
    for round in 1..=MAX_REWRITES {
        match hcl_edit::parser::parse_body(&text) {
            Err(e) if e.message().contains(REPEATED_KEY) => {
                let Some(offset) = byte_offset(&text, e.location().line(), e.location().column()) else {
                    return (text, Err(e));
                };
                match rewrite_key_at(&text, offset, round) {
                    Some(rewritten) => text = rewritten,
                    None => return (text, Err(e)),
                }
            }
            other => return (text, other),
        }
    }
    let result = hcl_edit::parser::parse_body(&text);
    (text, result)
}

/// The byte offset of a 1-based line and (character) column.
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let line_text = &text[start..];
    let within = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line_text.len());
    Some(start + within)
}

/// Replaces the object key starting at `offset` with an equivalent expression that differs from
/// every earlier rewrite (`round` levels of parentheses).
fn rewrite_key_at(text: &str, offset: usize, round: usize) -> Option<String> {
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
    let mut out = String::with_capacity(text.len() + replacement.len());
    out.push_str(&text[..offset]);
    out.push_str(&replacement);
    out.push_str(&text[offset + len..]);
    Some(out)
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
    use super::*;

    fn rewritten(text: &str) -> String {
        let (t, r) = parse_body(text);
        assert!(r.is_ok(), "{t}: {:?}", r.err().map(|e| e.message().to_string()));
        t
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
    fn the_last_value_wins_when_evaluated() {
        use crate::blueprint::source::{Expr, SourceFile};
        use crate::value::Value;
        let (text, body) = parse_body("a = { port = 80, protocol = \"HTTP\", port = 81, \"port\" = 82 }\n");
        let file = SourceFile::new("t.tf", text);
        let attr = body.unwrap().into_attributes().next().unwrap();
        let v = crate::blueprint::eval::eval_constant(&Expr::new(attr.value, &file)).unwrap();
        assert_eq!(v.get("port"), &Value::Number(82.0));
        assert_eq!(v.get("protocol"), &Value::str("HTTP"));
    }

    #[test]
    fn other_syntax_errors_are_left_alone() {
        let (t, r) = parse_body("a = {\n");
        assert!(r.is_err());
        assert_eq!(t, "a = {\n");
    }
}
