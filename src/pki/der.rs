//! The few DER structures around keys (PKCS #1, SEC 1, PKCS #8, SubjectPublicKeyInfo), written
//! and read by hand: aws-lc-rs does the cryptography but exposes keys only as PKCS #8, and the
//! crates that speak these encodings (pkcs1, sec1, ssh-key) bring the RustCrypto RSA and
//! elliptic-curve stacks with them, a second cryptography library for a dozen lines of framing.

/// DER tags used here.
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const SEQUENCE: u8 = 0x30;
/// `[0]` and `[1]`, constructed: SEC 1's optional parameters and public key.
pub const CONTEXT_0: u8 = 0xa0;
pub const CONTEXT_1: u8 = 0xa1;

/// Object identifiers (DER contents) of the key algorithms and curves.
pub mod oid {
    /// rsaEncryption, 1.2.840.113549.1.1.1.
    pub const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-ecPublicKey, 1.2.840.10045.2.1.
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// id-Ed25519, 1.3.101.112.
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    /// secp224r1, 1.3.132.0.33.
    pub const P224: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x21];
    /// prime256v1, 1.2.840.10045.3.1.7.
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1, 1.3.132.0.34.
    pub const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// secp521r1, 1.3.132.0.35.
    pub const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
}

/// A DER element: tag, length, contents.
pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = contents.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// A SEQUENCE of already encoded elements.
pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// A DER INTEGER from unsigned big-endian bytes.
pub fn uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend(trimmed);
    tlv(INTEGER, &contents)
}

/// A BIT STRING of whole bytes.
pub fn bits(bytes: &[u8]) -> Vec<u8> {
    tlv(BIT_STRING, &[&[0u8][..], bytes].concat())
}

/// An AlgorithmIdentifier: the algorithm's OID and its parameters (already encoded, or none).
pub fn algorithm(oid: &[u8], parameters: Option<&[u8]>) -> Vec<u8> {
    sequence(&[&tlv(OID, oid), parameters.unwrap_or_default()])
}

/// Reads DER elements one after another from a byte string.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader(bytes)
    }

    /// Whether every element has been read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The next element's tag and contents.
    pub fn any(&mut self) -> Result<(u8, &'a [u8]), String> {
        let bad = || "malformed DER".to_string();
        let (&tag, rest) = self.0.split_first().ok_or_else(bad)?;
        let (&first, rest) = rest.split_first().ok_or_else(bad)?;
        let (len, rest) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return Err(bad());
            }
            let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, &rest[n..])
        };
        if rest.len() < len {
            return Err(bad());
        }
        let (contents, rest) = rest.split_at(len);
        self.0 = rest;
        Ok((tag, contents))
    }

    /// The next element's contents, which must carry `tag`.
    pub fn expect(&mut self, tag: u8) -> Result<&'a [u8], String> {
        match self.any()? {
            (t, contents) if t == tag => Ok(contents),
            (t, _) => Err(format!("malformed DER: tag {t:#04x} where {tag:#04x} was expected")),
        }
    }

    /// The next element if it carries `tag`, else nothing (and nothing read).
    pub fn optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, String> {
        if self.0.first() == Some(&tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The next INTEGER as unsigned big-endian bytes (no leading zeros).
    pub fn uint(&mut self) -> Result<&'a [u8], String> {
        let v = self.expect(INTEGER)?;
        let skip = v.iter().take_while(|b| **b == 0).count();
        Ok(&v[skip.min(v.len().saturating_sub(1))..])
    }

    /// The next SEQUENCE's elements.
    pub fn sequence(&mut self) -> Result<Reader<'a>, String> {
        self.expect(SEQUENCE).map(Reader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_read_back_as_written_long_lengths_included() {
        let big = vec![7u8; 300];
        let encoded = sequence(&[&uint(&[0x80, 1]), &tlv(OCTET_STRING, &big), &bits(&[1, 2])]);
        let mut outer = Reader::new(&encoded);
        let mut r = outer.sequence().unwrap();
        assert!(outer.is_empty());
        assert_eq!(r.uint().unwrap(), &[0x80, 1]);
        assert_eq!(r.expect(OCTET_STRING).unwrap(), &big[..]);
        assert_eq!(r.optional(CONTEXT_0).unwrap(), None);
        assert_eq!(r.expect(BIT_STRING).unwrap(), &[0, 1, 2]);
        assert!(r.is_empty());
        assert!(Reader::new(&[0x30, 0x05, 1]).any().is_err());
    }
}
