//! Secrets that other objects consume: how a secret infractl generates itself (the `result` of
//! a `random_password`) is generated once, kept stable across plans, handed to what refers to
//! it, and yet never written to state, plan files or output in the clear.
//!
//! Each stack (and workspace) has a random 256-bit *secret key*, kept by the state backend beside
//! the state and never inside it (a `0600` file next to a local state, an object encrypted at
//! rest next to the S3 state key). A generated secret is *sealed* with that key (AES-256-GCM,
//! a fresh random nonce per value) and state holds only the sealed form. Whenever a plan or an
//! apply needs the value, the resource type *reveals* it by opening the seal; a missing or
//! different key is an error naming the key object, never a silent regeneration.
//!
//! Values revealed in a run are remembered here, so that wherever else they turn up (another
//! resource's tag, a root output, a file's content) they are *concealed* before anything is
//! persisted: replaced by their SHA-256 digest (`sha256:…`, the form state already uses for
//! user-supplied secrets), which plans compare against by *unconcealing* it again. Printed
//! plans blank them out as they do sensitive variables.
//!
//! A stack whose state Terraform keeps is the exception: Terraform's state holds generated
//! secrets and secret arguments in the clear (its providers need them there, and Terraform
//! would plan every sealed value as a change), so for such a stack the run keeps them *in the
//! clear* too ([`Secrets::keep_in_the_clear`], [`in_the_clear`]). Printed plans still blank them.

use crate::provider::{PResult, ProviderError};
use crate::state::{Backend, State};
use crate::value::Value;
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::Engine;
use sha2::Digest;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// How a sealed value starts: the format's version, then the id of the key that sealed it.
const SEALED_PREFIX: &str = "infractl-sealed:v1:";

/// Authenticated with every sealed value, so a value sealed by something else (or an older
/// format) is refused rather than misread.
const AAD: &[u8] = b"infractl-sealed:v1";

/// Secrets shorter than this are only concealed where they make up a whole string: as a
/// substring they would blank out unrelated text.
const MIN_SUBSTRING: usize = 6;

/// Prefix of a secret's digest as state keeps it.
const DIGEST_PREFIX: &str = "sha256:";

/// What state keeps of a secret value: its SHA-256 digest, never the value. A digest passes
/// through unchanged, so it can serve as a canonical form for comparisons.
pub fn digest(value: &str) -> String {
    if is_digest(value) {
        return value.to_string();
    }
    format!("{DIGEST_PREFIX}{}", hex::encode(sha2::Sha256::digest(value.as_bytes())))
}

fn is_digest(value: &str) -> bool {
    value.len() == DIGEST_PREFIX.len() + 64
        && value.starts_with(DIGEST_PREFIX)
        && value[DIGEST_PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// True when a string is a sealed value (not a secret itself).
pub fn is_sealed(text: &str) -> bool {
    text.starts_with(SEALED_PREFIX)
}

/// The stack's key, opened for use.
struct StackKey {
    /// First 8 hex digits of the key's SHA-256: names the key in sealed values and messages.
    id: String,
    key: LessSafeKey,
}

impl StackKey {
    fn new(material: &[u8]) -> PResult<StackKey> {
        let unbound = UnboundKey::new(&AES_256_GCM, material)
            .map_err(|_| ProviderError::msg("the stack's secret key has the wrong length"))?;
        Ok(StackKey {
            id: hex::encode(sha2::Sha256::digest(material))[..8].to_string(),
            key: LessSafeKey::new(unbound),
        })
    }
}

/// A value revealed in this run, with the digest that stands for it elsewhere.
struct Known {
    plain: String,
    digest: String,
}

/// The generated secrets of one run: the stack key (loaded, or made, on first use) and the
/// values revealed so far. Shared by every resource type that seals, the planner, the applier
/// and plan rendering (through the [`crate::provider::Registry`]).
#[derive(Default)]
pub struct Secrets {
    store: Option<Arc<dyn Backend>>,
    key: tokio::sync::Mutex<Option<Arc<StackKey>>>,
    known: Mutex<Vec<Known>>,
    /// The stack's state is Terraform's: secrets are written in the clear, as Terraform does.
    clear: AtomicBool,
}

impl Secrets {
    /// Secrets whose key the given backend keeps; `None` for runs without state (validate),
    /// which can neither seal nor reveal.
    pub fn new(store: Option<Arc<dyn Backend>>) -> Secrets {
        Secrets {
            store,
            ..Secrets::default()
        }
    }

    /// Keeps generated secrets in the clear instead of sealing and concealing them: for a stack
    /// whose state Terraform keeps (see the module documentation). Sealed values already in
    /// state still open with the stack's key.
    pub fn keep_in_the_clear(&self, clear: bool) {
        self.clear.store(clear, Ordering::Relaxed);
    }

    fn in_clear(&self) -> bool {
        self.clear.load(Ordering::Relaxed)
    }

    fn location(&self) -> String {
        self.store
            .as_ref()
            .map(|b| b.secret_key_location())
            .unwrap_or_else(|| "(no state backend)".into())
    }

    /// The stack key; made and stored when `create` and none exists yet.
    async fn key(&self, create: bool) -> PResult<Arc<StackKey>> {
        let mut slot = self.key.lock().await;
        if let Some(k) = slot.as_ref() {
            return Ok(k.clone());
        }
        let store = self.store.as_ref().ok_or_else(|| {
            ProviderError::msg("generated secrets need a state backend to keep their key, and this command has none")
        })?;
        let material = match store.read_secret_key().await.map_err(diag_error)? {
            Some(m) => m,
            None if create => {
                let mut m = vec![0u8; 32];
                aws_lc_rs::rand::fill(&mut m)
                    .map_err(|_| ProviderError::msg("the system's random number generator failed"))?;
                store.create_secret_key(&m).await.map_err(diag_error)?;
                m
            }
            None => return Err(missing_key(&self.location())),
        };
        let key = Arc::new(StackKey::new(&material)?);
        *slot = Some(key.clone());
        Ok(key)
    }

    /// Seals a generated secret for state, making the stack key on first use, and remembers
    /// the value for the rest of the run.
    pub async fn seal(&self, plain: &str) -> PResult<String> {
        if self.in_clear() {
            self.remember(plain);
            return Ok(plain.to_string());
        }
        let key = self.key(true).await?;
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce)
            .map_err(|_| ProviderError::msg("the system's random number generator failed"))?;
        let mut data = plain.as_bytes().to_vec();
        key.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(AAD), &mut data)
            .map_err(|_| ProviderError::msg("sealing a generated secret failed"))?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&data);
        self.remember(plain);
        Ok(format!(
            "{SEALED_PREFIX}{}:{}",
            key.id,
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(blob)
        ))
    }

    /// A state value with the string attributes `attrs` sealed, or none when none needed it:
    /// what a type holding generated secrets answers [`crate::provider::ResourceType::seal`].
    pub async fn seal_attrs(&self, state: &Value, attrs: &[&str]) -> PResult<Option<Value>> {
        let Value::Object(m) = state else { return Ok(None) };
        let mut out = m.clone();
        let mut changed = false;
        for k in attrs {
            if let Some(Value::String(s)) = m.get(*k) {
                if !is_sealed(s) {
                    out.insert(k.to_string(), Value::str(self.seal(s).await?));
                    changed = true;
                }
            }
        }
        Ok(changed.then_some(Value::Object(out)))
    }

    /// A state value with the sealed attributes among `attrs` opened, or none when none was
    /// sealed: the counterpart of [`Secrets::seal_attrs`] for
    /// [`crate::provider::ResourceType::reveal`].
    pub async fn reveal_attrs(&self, state: &Value, attrs: &[&str]) -> PResult<Option<Value>> {
        let Value::Object(m) = state else { return Ok(None) };
        let mut out = m.clone();
        let mut opened = false;
        for k in attrs {
            if let Some(Value::String(s)) = m.get(*k) {
                if is_sealed(s) {
                    out.insert(k.to_string(), Value::str(self.reveal(s).await?));
                    opened = true;
                }
            }
        }
        Ok(opened.then_some(Value::Object(out)))
    }

    /// Opens a sealed value with the stack key and remembers it for the rest of the run.
    pub async fn reveal(&self, sealed: &str) -> PResult<String> {
        let rest = sealed.strip_prefix(SEALED_PREFIX).ok_or_else(|| {
            ProviderError::msg("state holds a generated secret in a form this infractl does not know")
        })?;
        let (id, blob) = rest
            .split_once(':')
            .ok_or_else(|| ProviderError::msg("state holds a damaged sealed secret"))?;
        let key = self.key(false).await?;
        if key.id != id {
            return Err(ProviderError::msg(format!(
                "state holds a secret sealed with key {id}, but the stack's secret key {} is key {}: it was replaced, or the state comes from another stack or workspace. Put the original key back; to generate new secrets instead, remove the resources holding them from state (infractl state rm ADDRESS) and apply.",
                self.location(),
                key.id
            )));
        }
        let mut data = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(blob)
            .map_err(|_| ProviderError::msg("state holds a damaged sealed secret"))?;
        if data.len() < NONCE_LEN {
            return Err(ProviderError::msg("state holds a damaged sealed secret"));
        }
        let body = data.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&data)
            .map_err(|_| ProviderError::msg("state holds a damaged sealed secret"))?;
        let mut body = body;
        let plain = key.key.open_in_place(nonce, Aad::from(AAD), &mut body).map_err(|_| {
            ProviderError::msg("a sealed secret in state does not open with the stack's key: it was altered")
        })?;
        let plain = String::from_utf8(plain.to_vec())
            .map_err(|_| ProviderError::msg("a sealed secret in state is not text"))?;
        self.remember(&plain);
        Ok(plain)
    }

    /// Notes a secret value seen in this run (revealed, or read by a data source), so it is
    /// concealed wherever else it appears.
    pub fn remember(&self, plain: &str) {
        if plain.is_empty() {
            return;
        }
        let mut known = self.known.lock().expect("secrets lock");
        if !known.iter().any(|k| k.plain == plain) {
            known.push(Known {
                plain: plain.to_string(),
                digest: digest(plain),
            });
            // Longest first, so a secret containing another is replaced whole.
            known.sort_by_key(|k| std::cmp::Reverse(k.plain.len()));
        }
    }

    /// The secret values known in this run, to be kept out of printed output.
    pub fn known(&self) -> Vec<String> {
        self.known
            .lock()
            .expect("secrets lock")
            .iter()
            .map(|k| k.plain.clone())
            .collect()
    }

    /// The value with every known secret replaced by its digest: what may be persisted.
    pub fn conceal(&self, v: &Value) -> Value {
        let known = self.known.lock().expect("secrets lock");
        if known.is_empty() || self.in_clear() {
            return v.clone();
        }
        map_strings(v, &|s| {
            if let Some(k) = known.iter().find(|k| k.plain == s) {
                return Some(k.digest.clone());
            }
            let mut out = None::<String>;
            for k in known.iter().filter(|k| k.plain.len() >= MIN_SUBSTRING) {
                let current = out.as_deref().unwrap_or(s);
                if current.contains(&k.plain) {
                    out = Some(current.replace(&k.plain, &k.digest));
                }
            }
            out
        })
    }

    /// The inverse of [`Secrets::conceal`] for the secrets known in this run: what the
    /// planner compares the blueprint with, so a concealed value in state plans no change.
    pub fn unconceal(&self, v: &Value) -> Value {
        let known = self.known.lock().expect("secrets lock");
        if known.is_empty() || self.in_clear() {
            return v.clone();
        }
        map_strings(v, &|s| {
            if !s.contains(DIGEST_PREFIX) {
                return None;
            }
            let mut out = None::<String>;
            for k in known.iter() {
                let current = out.as_deref().unwrap_or(s);
                if current.contains(&k.digest) {
                    out = Some(current.replace(&k.digest, &k.plain));
                }
            }
            out
        })
    }

    /// `v` with every sealed string in it opened with the stack key: for a state handed to
    /// Terraform, which keeps generated secrets in the clear.
    pub async fn open_sealed(&self, v: &Value) -> PResult<Value> {
        Ok(match v {
            Value::String(s) if is_sealed(s) => Value::String(self.reveal(s).await?),
            Value::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(Box::pin(self.open_sealed(i)).await?);
                }
                Value::List(out)
            }
            Value::Object(m) => {
                let mut out = indexmap::IndexMap::new();
                for (k, x) in m {
                    out.insert(k.clone(), Box::pin(self.open_sealed(x)).await?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }

    /// Conceals every known secret in a whole state (attributes, deposed objects, outputs).
    pub fn conceal_state(&self, state: &mut State) {
        if self.known.lock().expect("secrets lock").is_empty() || self.in_clear() {
            return;
        }
        map_state(state, |v| self.conceal(v));
    }

    /// The inverse of [`Secrets::conceal_state`] for the secrets known in this run: for a state
    /// handed to Terraform, which holds them in the clear wherever they appear.
    pub fn unconceal_state(&self, state: &mut State) {
        map_state(state, |v| self.unconceal(v));
    }
}

/// Applies `f` to every value a state holds: attributes, deposed objects' attributes, outputs.
fn map_state(state: &mut State, f: impl Fn(&Value) -> Value) {
    let json = |j: &serde_json::Value| f(&Value::from_json(j)).to_json();
    for r in &mut state.resources {
        r.attributes = json(&r.attributes);
        for d in &mut r.deposed {
            d.attributes = json(&d.attributes);
        }
    }
    for o in state.outputs.values_mut() {
        o.value = json(&o.value);
    }
}

/// `read` with every secret digest (what a resource type reads back of a secret argument) put
/// back in the clear where `known` (the configured value, or what state held) has the value it
/// stands for, at the same place: the form a Terraform-kept state records. A digest of a value
/// changed outside stays a digest (the value itself was never read), and the next plan shows it.
pub fn in_the_clear(read: &Value, known: &Value) -> Value {
    match (read, known) {
        (Value::String(d), Value::String(plain)) if is_digest(d) && !is_digest(plain) && digest(plain) == *d => {
            known.clone()
        }
        (Value::List(items), Value::List(k)) if items.len() == k.len() => {
            Value::List(items.iter().zip(k).map(|(i, k)| in_the_clear(i, k)).collect())
        }
        (Value::Object(m), Value::Object(k)) => Value::Object(
            m.iter()
                .map(|(name, v)| {
                    let v = match k.get(name) {
                        Some(k) => in_the_clear(v, k),
                        None => v.clone(),
                    };
                    (name.clone(), v)
                })
                .collect(),
        ),
        _ => read.clone(),
    }
}

/// Rebuilds a value with `f` applied to every string (`None` keeps the string).
fn map_strings(v: &Value, f: &dyn Fn(&str) -> Option<String>) -> Value {
    match v {
        Value::String(s) => f(s).map(Value::String).unwrap_or_else(|| v.clone()),
        Value::List(items) => Value::List(items.iter().map(|i| map_strings(i, f)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), map_strings(x, f))).collect()),
        other => other.clone(),
    }
}

fn diag_error(d: crate::diag::Diag) -> ProviderError {
    ProviderError::msg(match d.detail {
        Some(detail) => format!("{} ({detail})", d.summary),
        None => d.summary,
    })
}

fn missing_key(location: &str) -> ProviderError {
    ProviderError::msg(format!(
        "the stack's secret key {location} is missing. State holds secrets infractl generated (random_password and the like) sealed with that key, which is kept beside the state and never inside it. Restore the key from a backup; to generate new secrets instead, remove the resources holding them from state (infractl state rm ADDRESS) and apply."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::LocalBackend;

    fn store(dir: &std::path::Path) -> Arc<dyn Backend> {
        Arc::new(LocalBackend::new(dir.join("s.tfstate.json")))
    }

    #[tokio::test]
    async fn sealed_values_open_with_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::new(Some(store(dir.path())));
        let sealed = s.seal("hunter2-hunter2").await.unwrap();
        assert!(is_sealed(&sealed) && !sealed.contains("hunter2"));
        // Another run (a fresh Secrets) opens it with the key beside the state.
        let again = Secrets::new(Some(store(dir.path())));
        assert_eq!(again.reveal(&sealed).await.unwrap(), "hunter2-hunter2");
        // The key file is private to its owner.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join("s.tfstate.json.secret-key")).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
        // A replaced key is named, not silently used.
        std::fs::remove_file(dir.path().join("s.tfstate.json.secret-key")).unwrap();
        let lost = Secrets::new(Some(store(dir.path())));
        let err = lost.reveal(&sealed).await.unwrap_err().to_string();
        assert!(err.contains("s.tfstate.json.secret-key is missing"), "{err}");
        let other = Secrets::new(Some(store(dir.path())));
        other.seal("x").await.unwrap();
        let err = other.reveal(&sealed).await.unwrap_err().to_string();
        assert!(err.contains("sealed with key"), "{err}");
    }

    #[tokio::test]
    async fn tampering_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::new(Some(store(dir.path())));
        let sealed = s.seal("abcdefgh").await.unwrap();
        let mut chars: Vec<char> = sealed.chars().collect();
        let last = chars.len() - 3;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        let bad: String = chars.into_iter().collect();
        assert!(s.reveal(&bad).await.is_err());
    }

    #[test]
    fn conceal_and_unconceal_are_inverse_for_known_secrets() {
        let s = Secrets::default();
        s.remember("s3cr3t-value");
        let v = Value::object([
            ("whole", Value::str("s3cr3t-value")),
            ("inside", Value::str("db://u:s3cr3t-value@h")),
            ("other", Value::str("plain")),
        ]);
        let c = s.conceal(&v);
        assert_eq!(c.get("whole"), &Value::str(digest("s3cr3t-value")));
        assert!(!c.to_json().to_string().contains("s3cr3t-value"));
        assert_eq!(c.get("other"), &Value::str("plain"));
        assert_eq!(s.unconceal(&c), v);
        // Short secrets are only replaced whole.
        s.remember("abc");
        let c = s.conceal(&Value::List(vec![Value::str("abc"), Value::str("xabcx")]));
        assert_eq!(c, Value::List(vec![Value::str(digest("abc")), Value::str("xabcx")]));
    }
}
