//! Go's RE2 regular expressions (what Terraform's `regex`, `regexall` and `replace` use) on top
//! of the `regex` crate.
//!
//! The two dialects share their syntax and leftmost-first semantics; they differ in that Go's
//! Perl classes and word boundaries (`\d`, `\s`, `\w`, `\b`) are ASCII-only where the crate's are
//! Unicode-aware, and that Go accepts `\Q...\E` literals and octal escapes. Patterns are
//! rewritten for those differences before compiling.

use regex::{Regex, RegexBuilder};

/// Compiles a Go regular expression; the error is the compiler's message.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated).octal(true).build().map_err(|e| match e {
        regex::Error::Syntax(s) => s.lines().last().unwrap_or("invalid pattern").trim().to_string(),
        other => other.to_string(),
    })
}

/// Rewrites Go-only or Go-meaning syntax into the crate's equivalent.
fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let Some(&e) = chars.get(i + 1) else {
                return Err("trailing backslash at end of expression".into());
            };
            i += 2;
            match e {
                'd' => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                'D' => out.push_str("[^0-9]"),
                's' => out.push_str(if in_class { r"\t\n\f\r " } else { r"[\t\n\f\r ]" }),
                'S' => out.push_str(r"[^\t\n\f\r ]"),
                'w' => out.push_str(if in_class { "0-9A-Za-z_" } else { "[0-9A-Za-z_]" }),
                'W' => out.push_str("[^0-9A-Za-z_]"),
                'b' if !in_class => out.push_str(r"(?-u:\b)"),
                'B' if !in_class => out.push_str(r"(?-u:\B)"),
                'Q' if !in_class => {
                    // Everything up to \E (or the end) is literal.
                    let mut literal = String::new();
                    while i < chars.len() {
                        if chars[i] == '\\' && chars.get(i + 1) == Some(&'E') {
                            i += 2;
                            break;
                        }
                        literal.push(chars[i]);
                        i += 1;
                    }
                    out.push_str(&regex::escape(&literal));
                }
                'C' => return Err(r"invalid escape sequence: `\C`".into()),
                // A single digit is a back reference in Go, which RE2 does not support; octal
                // escapes have two or three digits (or start with 0).
                '1'..='9' if !('1'..='7').contains(&e) || !chars.get(i).is_some_and(|c| ('0'..='7').contains(c)) => {
                    return Err(format!("invalid escape sequence: `\\{e}`"))
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
            continue;
        }
        i += 1;
        if !in_class {
            out.push(c);
            if c == '[' {
                in_class = true;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a class is a literal.
                if chars.get(i) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
            }
            continue;
        }
        match c {
            ']' => {
                in_class = false;
                out.push(c);
            }
            '[' if chars.get(i) == Some(&':') => {
                // A POSIX class such as [:alpha:]: copy through its closing ":]".
                match (i + 1..chars.len().saturating_sub(1)).find(|&j| chars[j] == ':' && chars[j + 1] == ']') {
                    Some(end) => {
                        out.push('[');
                        out.extend(&chars[i..end + 2]);
                        i = end + 2;
                    }
                    None => out.push_str(r"\["),
                }
            }
            // Go has no nested classes or set operations: these are literals in a class.
            '[' | '&' | '~' | '-' if c != '-' || chars.get(i) == Some(&'-') => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii_as_in_go() {
        let re = compile(r"\d+").unwrap();
        assert_eq!(re.find("٣٤ 12").map(|m| m.as_str()), Some("12"));
        assert_eq!(compile(r"\w+").unwrap().find("héllo").map(|m| m.as_str()), Some("h"));
        assert!(compile(r"[\d\s]+").unwrap().is_match("1 2"));
        assert_eq!(
            compile(r"\Qa.b\E").unwrap().find("xa.b").map(|m| m.as_str()),
            Some("a.b")
        );
        assert!(!compile(r"\Qa.b\E").unwrap().is_match("axb"));
        assert!(compile(r"[]a]").unwrap().is_match("]"));
        assert!(compile(r"[[:alpha:]]").unwrap().is_match("x"));
    }

    #[test]
    fn unsupported_syntax_is_refused() {
        for bad in ["(", r"a(?=b)", r"(a)\1", r"\Z", r"\C"] {
            assert!(compile(bad).is_err(), "{bad}");
        }
    }
}
