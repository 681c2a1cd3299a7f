//! `aws_iam_user_login_profile`: the console password of an IAM user, as the provider's
//! `resourceUserLoginProfile`. The id is the user's name; every argument forces a new profile
//! (the provider has no update). The password is generated here, as the provider generates it:
//! `password_length` characters (20 by default, 5 to 128) drawn from lower and upper case
//! letters, digits and `!@#$%^&*()_+-=[]{}|'`, redrawn until each class appears, which meets
//! the strictest password policy IAM allows.
//!
//! The password is handed out once, at creation, to whoever needs it (an output, a secret
//! version): it is sealed with the stack's secret key for state ([`crate::provider::secrets`])
//! and revealed when a plan or apply needs it, as `aws_iam_access_key`'s secret is; on a stack
//! Terraform keeps, state holds it in the clear, as Terraform's does. An imported profile has
//! none. `pgp_key` (the password encrypted for a PGP key instead) is not implemented: a
//! blueprint that sets it to anything but `""` (which the provider treats as unset, and which
//! public modules pass by default) is refused before any call.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_bool, recorded, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::secrets::Secrets;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::int_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// IAM's not-found code.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The attribute that holds the secret.
const SECRET_ATTRS: [&str; 1] = ["password"];

/// The provider's four character classes; a password holds at least one of each.
const CLASSES: [&str; 4] = [
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    "!@#$%^&*()_+-=[]{}|'",
];

/// The `aws_iam_user_login_profile` resource type.
pub struct UserLoginProfile {
    c: Arc<Clients>,
    schema: Schema,
    /// The run's secrets, once the registry has them ([`ResourceType::with_secrets`]).
    secrets: Arc<Secrets>,
}

/// A password of `length` characters from the four classes, each class present, drawn from the
/// system's cryptographic generator without bias (bytes past the last whole multiple of the
/// alphabet's size are drawn again).
pub fn generate_password(length: usize) -> PResult<String> {
    let alphabet: Vec<u8> = CLASSES.concat().into_bytes();
    let limit = 256 - 256 % alphabet.len();
    for _ in 0..100_000 {
        let mut out = Vec::with_capacity(length);
        while out.len() < length {
            let mut byte = [0u8; 1];
            aws_lc_rs::rand::fill(&mut byte)
                .map_err(|_| ProviderError::msg("the system's random number generator failed"))?;
            if (byte[0] as usize) < limit {
                out.push(alphabet[byte[0] as usize % alphabet.len()]);
            }
        }
        if CLASSES
            .iter()
            .all(|class| out.iter().any(|c| class.as_bytes().contains(c)))
        {
            return String::from_utf8(out).map_err(|e| ProviderError::msg(e.to_string()));
        }
    }
    Err(ProviderError::msg("failed to generate an acceptable password"))
}

impl UserLoginProfile {
    /// Creates the type with its clients; it can seal secrets once the registry binds the
    /// run's ([`ResourceType::with_secrets`]).
    pub fn new(c: Arc<Clients>) -> UserLoginProfile {
        let schema = resource("aws_iam_user_login_profile")
            .arg("user")
            .force_new()
            .arg("pgp_key")
            .force_new()
            .arg("password_reset_required")
            .force_new()
            .arg("password_length")
            .force_new()
            .default(20)
            .check(int_between(5, 128))
            .build();
        UserLoginProfile {
            c,
            schema,
            secrets: Arc::new(Secrets::new(None)),
        }
    }
}

#[async_trait]
impl ResourceType for UserLoginProfile {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_login_profile"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("pgp_key") {
            Value::String(k) if !k.is_empty() => {
                Err("`aws_iam_user_login_profile.pgp_key` is not supported by infractl yet".into())
            }
            _ => Ok(()),
        }
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        self.check_config(planned).map_err(ProviderError::msg)?;
        let user = required(planned, "user")?;
        let length = planned.get("password_length").as_number().unwrap_or(20.0) as usize;
        let password = generate_password(length)?;
        self.c
            .iam
            .create_login_profile()
            .user_name(&user)
            .password(&password)
            .password_reset_required(opt_bool(planned, "password_reset_required").unwrap_or(false))
            .send()
            .await
            .map_err(aws_err)?;
        let mut known = planned.clone();
        if let Value::Object(m) = &mut known {
            m.insert("password".into(), Value::str(self.secrets.seal(&password).await?));
        }
        must_exist(self.read(ctx, &user, &known).await?, "IAM user login profile", &user)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .iam
            .get_login_profile()
            .user_name(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let Some(profile) = out.login_profile() else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("user", Value::str(profile.user_name())),
            (
                "password_reset_required",
                Value::Bool(profile.password_reset_required()),
            ),
            // Arguments AWS never answers: what state recorded (none after an import, as
            // the provider's importer leaves them: the provider documents `ignore_changes`
            // for them).
            ("password_length", recorded(prior, "password_length")),
            ("pgp_key", recorded(prior, "pgp_key")),
            ("password", recorded(prior, "password")),
            ("encrypted_password", Value::Null),
            ("key_fingerprint", Value::Null),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, _planned: &Value) -> PResult<Value> {
        // Every argument forces a new profile; nothing changes in place.
        must_exist(self.read(ctx, id, prior).await?, "IAM user login profile", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .iam
            .delete_login_profile()
            .user_name(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        &["EntityAlreadyExists"]
    }

    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.reveal_attrs(state, &SECRET_ATTRS).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.seal_attrs(state, &SECRET_ATTRS).await
    }

    fn with_secrets(&self, secrets: &Arc<Secrets>) -> Option<Arc<dyn ResourceType>> {
        Some(Arc::new(UserLoginProfile {
            c: self.c.clone(),
            schema: self.schema.clone(),
            secrets: secrets.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_have_the_length_and_every_class() {
        for length in [5, 20, 128] {
            for _ in 0..50 {
                let p = generate_password(length).unwrap();
                assert_eq!(p.len(), length);
                for class in CLASSES {
                    assert!(p.chars().any(|c| class.contains(c)), "{p} lacks one of {class}");
                }
                assert!(p.chars().all(|c| CLASSES.concat().contains(c)), "{p}");
            }
        }
    }
}
