//! `random_password`: a `random_string` whose `result` (and `bcrypt_hash`) are secrets. They
//! are generated once, sealed with the stack's secret key for state ([`crate::provider::secrets`])
//! and revealed whenever a plan or apply needs them, so a consumer such as
//! `aws_secretsmanager_secret_version.secret_string` gets the same value every time, and no
//! state file, plan file or printed plan ever holds it. Import takes the password itself (it
//! is sealed at once).

use super::charset;
use super::string::imported;
use super::SystemRng;
use crate::provider::builtin::util::{config_error, with};
use crate::provider::secrets::Secrets;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::{Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// bcrypt's cost, as Go's `bcrypt.DefaultCost` that Terraform's provider uses.
const BCRYPT_COST: u32 = 10;

/// The attributes that hold secrets.
const SECRET_ATTRS: [&str; 2] = ["result", "bcrypt_hash"];

/// The `random_password` resource type.
pub struct RandomPassword {
    schema: Schema,
    secrets: Arc<Secrets>,
}

impl RandomPassword {
    /// The type, sealing with the run's secrets.
    pub fn new(secrets: Arc<Secrets>) -> RandomPassword {
        RandomPassword {
            schema: charset::schema()
                .computed("result", Type::String)
                .sensitive()
                .computed("bcrypt_hash", Type::String)
                .sensitive()
                // The random provider's schema version of random_password (3.x).
                .with_version(3),
            secrets,
        }
    }

    /// The state form of a password: the secret attributes sealed.
    async fn sealed(&self, mut v: Value, password: &str) -> PResult<Value> {
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking({
            let password = password.clone();
            move || bcrypt::hash_with_result(password.as_bytes(), BCRYPT_COST)
        })
        .await
        .map_err(|e| ProviderError::msg(format!("hashing the password failed: {e}")))?
        .map_err(|e| ProviderError::msg(format!("hashing the password failed: {e}")))?
        .format_for_version(bcrypt::Version::TwoA);
        crate::provider::builtin::util::set(&mut v, "result", Value::str(self.secrets.seal(&password).await?));
        crate::provider::builtin::util::set(&mut v, "bcrypt_hash", Value::str(self.secrets.seal(&hash).await?));
        crate::provider::builtin::util::set(&mut v, "id", Value::str("none"));
        Ok(v)
    }
}

#[async_trait]
impl ResourceType for RandomPassword {
    fn type_name(&self) -> &'static str {
        "random_password"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        charset::check(config)
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        if prior.is_none() {
            charset::refine(planned, config);
        }
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let p = charset::params(planned).map_err(config_error)?;
        let password = charset::generate(&p, &mut SystemRng)?.map_err(config_error)?;
        self.sealed(charset::settled(planned, &p), &password).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        if prior.is_null() {
            if id.is_empty() {
                return Err(ProviderError::msg("import needs the password itself as the id"));
            }
            return Ok(Some(self.sealed(imported(id), id).await?));
        }
        Ok(Some(prior.clone()))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut v = planned.clone();
        for k in SECRET_ATTRS.iter().chain(&["id"]) {
            v = with(v, k, prior.get(k).clone());
        }
        Ok(v)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, _prior: &Value) -> PResult<()> {
        Ok(())
    }

    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.reveal_attrs(state, &SECRET_ATTRS).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.secrets.seal_attrs(state, &SECRET_ATTRS).await
    }
}
