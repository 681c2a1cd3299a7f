//! OpenSSH's wire encoding (RFC 4251 strings and mpints) and its `openssh-key-v1` private key
//! file (PROTOCOL.key in OpenSSH's sources): the form `public_key_openssh`,
//! `private_key_openssh` and `rsadecrypt`'s OpenSSH keys take.

/// Writes SSH wire data.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// A 32-bit big-endian number.
    pub fn u32(&mut self, n: u32) -> &mut Self {
        self.0.extend(n.to_be_bytes());
        self
    }

    /// A length-prefixed byte string.
    pub fn string(&mut self, bytes: &[u8]) -> &mut Self {
        self.u32(bytes.len() as u32);
        self.0.extend_from_slice(bytes);
        self
    }

    /// A non-negative multiple-precision integer from big-endian bytes.
    pub fn mpint(&mut self, bytes: &[u8]) -> &mut Self {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
            self.string(&[&[0u8][..], &trimmed].concat())
        } else {
            self.string(&trimmed)
        }
    }
}

/// Reads SSH wire data.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("ssh: malformed OpenSSH key".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    /// A 32-bit big-endian number.
    pub fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length-prefixed byte string (an mpint reads the same way).
    pub fn string(&mut self) -> Result<&'a [u8], String> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

const MAGIC: &[u8] = b"openssh-key-v1\0";

/// The private section of an unencrypted `openssh-key-v1` file (the key type name first),
/// from the file's decoded PEM body.
pub fn private_section(blob: &[u8]) -> Result<Vec<u8>, String> {
    let mut r = Reader(
        blob.strip_prefix(MAGIC)
            .ok_or("ssh: invalid openssh private key format")?,
    );
    let cipher = r.string()?;
    let _kdf = r.string()?;
    let _kdf_options = r.string()?;
    if cipher != b"none" {
        return Err("ssh: this private key is passphrase protected".into());
    }
    if r.u32()? != 1 {
        return Err("ssh: multi-key files are not supported".into());
    }
    let _public = r.string()?;
    let mut private = Reader(r.string()?);
    if private.u32()? != private.u32()? {
        return Err("ssh: malformed OpenSSH key".into());
    }
    Ok(private.0.to_vec())
}

/// An unencrypted `openssh-key-v1` file body for one key: its public blob and the key-specific
/// private fields (type name first), with an empty comment, as Go's `ssh.MarshalPrivateKey`
/// writes it.
pub fn private_file(public_blob: &[u8], private_fields: &[u8], check: u32) -> Vec<u8> {
    let mut private = Writer::default();
    private.u32(check).u32(check);
    private.0.extend_from_slice(private_fields);
    private.string(b"");
    let mut pad = 1u8;
    while private.0.len() % 8 != 0 {
        private.0.push(pad);
        pad += 1;
    }
    let mut w = Writer(MAGIC.to_vec());
    w.string(b"none")
        .string(b"none")
        .string(b"")
        .u32(1)
        .string(public_blob)
        .string(&private.0);
    w.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_file_reads_back_its_private_fields() {
        let mut fields = Writer::default();
        fields.string(b"ssh-ed25519").mpint(&[0x80, 1]);
        let file = private_file(b"public", &fields.0, 42);
        let section = private_section(&file).unwrap();
        let mut r = Reader(&section);
        assert_eq!(r.string().unwrap(), b"ssh-ed25519");
        assert_eq!(r.string().unwrap(), &[0, 0x80, 1]);
        assert_eq!(r.string().unwrap(), b"");
        assert!(r.0.iter().enumerate().all(|(i, b)| *b as usize == i + 1));
        assert!(private_section(b"nope").is_err());
    }
}
