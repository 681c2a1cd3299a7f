//! PEM blocks (RFC 7468): the text form of every key, request and certificate the tls
//! provider reads and writes.

use base64::Engine as _;

/// The label and decoded body of the first PEM block; none when there is no block, when its
/// body is not base64, or when it is encrypted the legacy OpenSSL way (`Proc-Type:` headers).
pub fn decode(text: &str) -> Option<(String, Vec<u8>)> {
    decode_all(text).into_iter().next()
}

/// Every PEM block in the text, in order (a certificate chain).
pub fn decode_all(text: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(label_end) = after.find("-----") else { break };
        let label = &after[..label_end];
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else { break };
        let body = &body_start[..end];
        rest = &body_start[end + end_marker.len()..];
        if body.contains("Proc-Type:") {
            continue;
        }
        let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) {
            out.push((label.to_string(), bytes));
        }
    }
    out
}

/// A PEM block with 64-character lines and a final newline, as Go's `pem.Encode` writes it.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_and_chains_split() {
        let a = encode("CERTIFICATE", &[1u8; 100]);
        let b = encode("PRIVATE KEY", &[2u8; 3]);
        assert!(a.lines().all(|l| l.len() <= 64));
        let both = decode_all(&format!("junk\n{a}{b}"));
        assert_eq!(
            both,
            vec![
                ("CERTIFICATE".into(), vec![1u8; 100]),
                ("PRIVATE KEY".into(), vec![2u8; 3])
            ]
        );
        assert_eq!(decode("no pem here"), None);
    }
}
