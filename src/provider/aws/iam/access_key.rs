//! `aws_iam_access_key`: an access key of an IAM user, as the provider's `resourceAccessKey`.
//! The id is the access key id (which imports take: the user is found with
//! GetAccessKeyLastUsed); `status` changes in place (UpdateAccessKey), the user forces a new
//! key.
//!
//! `secret` and `ses_smtp_password_v4` are secrets other objects consume (a Secrets Manager
//! secret version, an SMTP relay's settings) that IAM hands out once, at creation: they are
//! sealed with the stack's secret key for state ([`crate::provider::secrets`]) and revealed
//! whenever a plan or apply needs them, as `random_password`'s result is. On a stack Terraform
//! keeps, state holds them in the clear, as Terraform's does. An imported key has neither.
//!
//! `pgp_key` (the secret encrypted for a PGP key instead) is not implemented: a blueprint that
//! sets it is refused at validate.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_str, recorded, required};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::secrets::Secrets;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_lc_rs::hmac;
use aws_sdk_iam::types::{AccessKeyMetadata, StatusType};
use base64::Engine;
use std::sync::Arc;

/// IAM's not-found code.
const ABSENT: &[&str] = &["NoSuchEntity"];

/// The attributes that hold secrets.
const SECRET_ATTRS: [&str; 2] = ["secret", "ses_smtp_password_v4"];

/// The `aws_iam_access_key` resource type.
pub struct AccessKey {
    c: Arc<Clients>,
    schema: Schema,
    /// The run's secrets, once the registry has them ([`ResourceType::with_secrets`]).
    secrets: Arc<Secrets>,
}

/// The SES SMTP password (signature version 4) of a secret access key in `region`, as AWS
/// documents its derivation ("Obtaining Amazon SES SMTP credentials by converting existing
/// AWS credentials"): the SigV4 signing key chain over the fixed date `11111111`, the region,
/// `ses` and `aws4_request`, signing `SendRawEmail`, prefixed by version byte 4, in base64.
pub fn ses_smtp_password_v4(secret: &str, region: &str) -> String {
    let sign = |key: &[u8], msg: &[u8]| -> Vec<u8> {
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), msg)
            .as_ref()
            .to_vec()
    };
    let mut sig = sign(format!("AWS4{secret}").as_bytes(), b"11111111");
    for part in [
        region.as_bytes(),
        &b"ses"[..],
        &b"aws4_request"[..],
        &b"SendRawEmail"[..],
    ] {
        sig = sign(&sig, part);
    }
    let mut out = vec![0x04u8];
    out.extend(sig);
    base64::engine::general_purpose::STANDARD.encode(out)
}

impl AccessKey {
    /// Creates the type with its clients; it can seal secrets once the registry binds the
    /// run's ([`ResourceType::with_secrets`]).
    pub fn new(c: Arc<Clients>) -> AccessKey {
        let schema = resource("aws_iam_access_key")
            .arg("user")
            .force_new()
            .arg("status")
            .default("Active")
            .check(one_of(&["Active", "Inactive"]))
            .build();
        AccessKey {
            c,
            schema,
            secrets: Arc::new(Secrets::new(None)),
        }
    }

    /// The key `id` of `user` (every page of ListAccessKeys); `None` when either is gone.
    async fn find(&self, user: &str, id: &str) -> PResult<Option<AccessKeyMetadata>> {
        let mut marker = None;
        loop {
            let r = self
                .c
                .iam
                .list_access_keys()
                .user_name(user)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err);
            let Some(page) = absent_on(r, ABSENT)? else {
                return Ok(None);
            };
            if let Some(k) = page
                .access_key_metadata()
                .iter()
                .find(|k| k.access_key_id() == Some(id))
            {
                return Ok(Some(k.clone()));
            }
            match page.marker() {
                Some(m) if page.is_truncated() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }

    /// The user a key belongs to, for an import (the provider asks GetAccessKeyLastUsed, which
    /// needs no user name).
    async fn owner(&self, id: &str) -> PResult<Option<String>> {
        let r = self
            .c
            .iam
            .get_access_key_last_used()
            .access_key_id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, ABSENT)?.and_then(|o| o.user_name))
    }

    fn to_state(k: &AccessKeyMetadata, prior: &Value) -> Value {
        let keep = |n: &str| recorded(prior, n);
        Value::object([
            ("id", Value::from(k.access_key_id())),
            ("user", Value::from(k.user_name())),
            ("status", Value::from(k.status().map(|s| s.as_str().to_string()))),
            ("create_date", Value::from(k.create_date().map(rfc3339))),
            ("secret", keep("secret")),
            ("ses_smtp_password_v4", keep("ses_smtp_password_v4")),
            ("pgp_key", Value::Null),
            ("key_fingerprint", Value::Null),
            ("encrypted_secret", Value::Null),
            ("encrypted_ses_smtp_password_v4", Value::Null),
        ])
    }

    async fn set_status(&self, user: &str, id: &str, status: &str) -> PResult<()> {
        self.c
            .iam
            .update_access_key()
            .user_name(user)
            .access_key_id(id)
            .status(StatusType::from(status))
            .send()
            .await
            .map(|_| ())
            .map_err(aws_err)
    }
}

#[async_trait]
impl ResourceType for AccessKey {
    fn type_name(&self) -> &'static str {
        "aws_iam_access_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let user = required(planned, "user")?;
        let out = self
            .c
            .iam
            .create_access_key()
            .user_name(&user)
            .send()
            .await
            .map_err(aws_err)?;
        let key = out
            .access_key()
            .ok_or_else(|| ProviderError::msg("CreateAccessKey answered without a key"))?;
        let id = key.access_key_id().to_string();
        let secret = key.secret_access_key();
        let smtp = ses_smtp_password_v4(secret, &self.c.region);
        let status = opt_str(planned, "status").unwrap_or_else(|| "Active".into());
        if status == "Inactive" {
            self.set_status(&user, &id, &status).await?;
        }
        let sealed = Value::object([
            ("secret", Value::str(self.secrets.seal(secret).await?)),
            ("ses_smtp_password_v4", Value::str(self.secrets.seal(&smtp).await?)),
        ]);
        let meta = AccessKeyMetadata::builder()
            .access_key_id(&id)
            .user_name(key.user_name())
            .status(StatusType::from(status.as_str()))
            .set_create_date(key.create_date)
            .build();
        Ok(Self::to_state(&meta, &sealed))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let user = match opt_str(prior, "user") {
            Some(u) => u,
            None => match self.owner(id).await? {
                Some(u) => u,
                None => return Ok(None),
            },
        };
        Ok(self.find(&user, id).await?.map(|k| Self::to_state(&k, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let user = opt_str(planned, "user").unwrap_or_default();
        if let Some(status) = opt_str(planned, "status") {
            if opt_str(prior, "status").as_deref() != Some(status.as_str()) {
                self.set_status(&user, id, &status).await?;
            }
        }
        must_exist(self.read(ctx, id, prior).await?, "IAM access key", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .iam
            .delete_access_key()
            .access_key_id(id)
            .set_user_name(opt_str(prior, "user"))
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, ABSENT)
    }

    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.reveal_attrs(state, &SECRET_ATTRS).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.seal_attrs(state, &SECRET_ATTRS).await
    }

    fn with_secrets(&self, secrets: &Arc<Secrets>) -> Option<Arc<dyn ResourceType>> {
        Some(Arc::new(AccessKey {
            c: self.c.clone(),
            schema: self.schema.clone(),
            secrets: secrets.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provider's published vectors (`TestSESSMTPPasswordFromSecretKeySigV4`), which
    /// authenticate against SES: the derivation agrees with a known-good implementation.
    #[test]
    fn the_ses_password_follows_the_documented_derivation() {
        for (region, secret, want) in [
            (
                "eu-central-1",
                "some+secret+key",
                "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2",
            ),
            (
                "eu-central-1",
                "another+secret+key",
                "BBbphbrQmrKMx42d1N6+C7VINYEBGI5v9VsZeTxwskfh",
            ),
            (
                "us-west-1",
                "some+secret+key",
                "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj",
            ),
            (
                "us-west-1",
                "another+secret+key",
                "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF",
            ),
        ] {
            assert_eq!(ses_smtp_password_v4(secret, region), want, "{region} {secret}");
        }
    }

    #[test]
    fn status_is_active_or_inactive() {
        let r = crate::provider::aws::schemas_registry();
        let schema = r.resource("aws_iam_access_key").unwrap().schema().clone();
        let a = &schema.attrs["status"];
        assert!(crate::schema::check::attr(&schema, "status", a, &Value::str("Inactive")).is_ok());
        assert!(crate::schema::check::attr(&schema, "status", a, &Value::str("Disabled")).is_err());
        assert_eq!(schema.attrs["pgp_key"].support, crate::schema::Support::NotYet);
    }
}
