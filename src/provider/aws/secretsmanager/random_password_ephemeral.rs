//! `ephemeral "aws_secretsmanager_random_password"`: a password Secrets Manager generates
//! (GetRandomPassword) for one run, never stored. Paired with a secret version's write-only
//! `secret_string_wo`, a generated credential reaches AWS without passing through state or plan
//! files, which is why a stack prefers it to a `random_password` resource.

use crate::provider::aws::common::{aws_err, opt_str};
use crate::provider::aws::schema::ephemeral;
use crate::provider::aws::Clients;
use crate::provider::{EphemeralType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_secretsmanager_random_password` ephemeral resource type.
pub struct RandomPasswordEphemeral {
    c: Arc<Clients>,
    schema: Schema,
}

/// The boolean settings, as the ephemeral resource names them.
const FLAGS: &[&str] = &[
    "exclude_lowercase",
    "exclude_numbers",
    "exclude_punctuation",
    "exclude_uppercase",
    "include_space",
    "require_each_included_type",
];

impl RandomPasswordEphemeral {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RandomPasswordEphemeral {
        let schema = ephemeral("aws_secretsmanager_random_password")
            .args(FLAGS)
            .args(&["exclude_characters", "password_length"])
            .build();
        RandomPasswordEphemeral { c, schema }
    }
}

#[async_trait]
impl EphemeralType for RandomPasswordEphemeral {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_random_password"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("password_length").as_number() {
            Some(n) if !(1.0..=4096.0).contains(&n) || n.fract() != 0.0 => Err(format!(
                "password_length must be a whole number from 1 to 4096, got {n}"
            )),
            _ => Ok(()),
        }
    }

    async fn open(&self, config: &Value) -> PResult<Value> {
        let flag = |name: &str| config.get(name).as_bool();
        let out = self
            .c
            .secrets
            .get_random_password()
            .set_password_length(config.get("password_length").as_number().map(|n| n as i64))
            .set_exclude_characters(opt_str(config, "exclude_characters"))
            .set_exclude_lowercase(flag("exclude_lowercase"))
            .set_exclude_numbers(flag("exclude_numbers"))
            .set_exclude_punctuation(flag("exclude_punctuation"))
            .set_exclude_uppercase(flag("exclude_uppercase"))
            .set_include_space(flag("include_space"))
            .set_require_each_included_type(flag("require_each_included_type"))
            .send()
            .await
            .map_err(aws_err)?;
        let password = out
            .random_password()
            .ok_or_else(|| ProviderError::msg("GetRandomPassword answered no password"))?;
        let mut result = config.clone();
        if let Value::Object(m) = &mut result {
            m.insert("random_password".into(), Value::from(password.to_string()));
        }
        Ok(result)
    }
}
