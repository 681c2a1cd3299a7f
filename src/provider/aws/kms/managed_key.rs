//! The one implementation behind the KMS key types other than `aws_kms_key`: keys with imported
//! key material (`aws_kms_external_key`), multi-Region replicas (`aws_kms_replica_key`) and
//! replicas with imported material (`aws_kms_replica_external_key`). They differ only in how the
//! key is made and which attributes their schema has; reads, in-place changes and scheduled
//! deletion are the same, as in the provider. Each type's file holds its schema and picks a
//! [`Making`].

use super::key_calls::{
    import_material, read_key, replicate, rfc3339_seconds, schedule_deletion, send_create_key, set_enabled,
    update_in_place, with_common_create_args,
};
use super::{kms_tags, wait_policy, PROPAGATION};
use crate::provider::aws::common::{
    aws_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, tags_to_write, user_tags, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::declare::Decl;
use crate::schema::validators::{int_between, json, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kms::types::{KeyUsageType, OriginType};
use std::sync::Arc;

/// The declaration every managed key type starts from: the arguments all of them share, with
/// the provider's defaults and checks (a deletion window of 7 to 30 days, 30 by default).
pub fn key_decl(type_name: &str) -> Decl {
    resource(type_name)
        .arg("bypass_policy_lockout_safety_check")
        .default(false)
        .arg("deletion_window_in_days")
        .default(30)
        .check(int_between(7, 30))
        .arg("description")
        .check(len_between(0, 8192))
        .arg("enabled")
        .arg("policy")
        .check(json())
        .compare_policy()
        .args(&["tags"])
}

/// How a type makes its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Making {
    /// CreateKey with Origin EXTERNAL, then the configured material imported.
    Imported,
    /// ReplicateKey of a multi-Region primary, called in the primary's Region.
    Replica,
    /// ReplicateKey of a multi-Region primary with Origin EXTERNAL, then the primary's
    /// material imported.
    ImportedReplica,
}

impl Making {
    fn imports(self) -> bool {
        self != Making::Replica
    }

    fn replicates(self) -> bool {
        self != Making::Imported
    }

    fn origin(self) -> OriginType {
        if self.imports() {
            OriginType::External
        } else {
            OriginType::AwsKms
        }
    }
}

/// A KMS key type made one of the [`Making`] ways.
pub struct ManagedKey {
    c: Arc<Clients>,
    schema: Schema,
    type_name: &'static str,
    making: Making,
}

impl ManagedKey {
    /// The type `type_name` with its schema, making keys the `making` way.
    pub fn new(c: Arc<Clients>, type_name: &'static str, making: Making, schema: Schema) -> ManagedKey {
        ManagedKey {
            c,
            schema,
            type_name,
            making,
        }
    }

    async fn create_external(&self, ctx: &CallCtx, planned: &Value) -> PResult<String> {
        let tags = kms_tags(tags_to_write(ctx, planned))?;
        let req = self
            .c
            .kms
            .create_key()
            .origin(OriginType::External)
            .key_usage(KeyUsageType::EncryptDecrypt);
        let timeout = op_timeout(&self.schema, planned, Op::Create, PROPAGATION);
        send_create_key(&self.c, with_common_create_args(req, planned, tags), timeout).await
    }

    /// Whether the provider disables the new key: a replica when `enabled` is false; a key
    /// with imported material unless `enabled` is true (it reads the unset, computed argument
    /// as false, which Terraform 1.11 with provider 5.100 was seen to do on the emulator). A
    /// key still waiting for its material can be neither enabled nor disabled.
    fn disables_after_create(&self, planned: &Value, has_material: bool) -> bool {
        match self.making {
            Making::Replica => opt_bool(planned, "enabled") == Some(false),
            _ => has_material && opt_bool(planned, "enabled") != Some(true),
        }
    }

    async fn key_rotation(&self, id: &str) -> PResult<Value> {
        let out = self
            .c
            .kms
            .get_key_rotation_status()
            .key_id(id)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(Value::Bool(out.key_rotation_enabled()))
    }
}

#[async_trait]
impl ResourceType for ManagedKey {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = if self.making.replicates() {
            let tags = kms_tags(tags_to_write(ctx, planned))?;
            let timeout = op_timeout(&self.schema, planned, Op::Create, PROPAGATION);
            replicate(&self.c, planned, tags, timeout).await?
        } else {
            self.create_external(ctx, planned).await?
        };
        let material = opt_str(planned, "key_material_base64").filter(|_| self.making.imports());
        if let Some(material) = &material {
            import_material(&self.c, &id, material, opt_str(planned, "valid_to").as_deref()).await?;
        }
        if self.disables_after_create(planned, material.is_some()) {
            set_enabled(&self.c, &id, false).await?;
        }
        if let Some(policy) = opt_str(planned, "policy") {
            wait_policy(&self.c, &self.schema.attrs["policy"], &id, &policy).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "KMS key", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let policy_attr = &self.schema.attrs["policy"];
        let origin = self.making.origin();
        let Some(key) = read_key(&self.c, id, prior, policy_attr, origin, self.making.replicates()).await? else {
            return Ok(None);
        };
        let m = &key.metadata;
        let key_id = m.key_id().to_string();
        let keep = |k: &str| prior.get(k).clone();
        let rotation = if self.schema.attrs.contains_key("key_rotation_enabled") {
            self.key_rotation(&key_id).await?
        } else {
            Value::Null
        };
        let primary_arn = m
            .multi_region_configuration()
            .and_then(|c| c.primary_key())
            .and_then(|p| p.arn())
            .map(str::to_string);
        let all = [
            ("id", Value::str(&key_id)),
            ("key_id", Value::str(&key_id)),
            ("arn", Value::from(m.arn())),
            (
                "bypass_policy_lockout_safety_check",
                match keep("bypass_policy_lockout_safety_check") {
                    Value::Null | Value::Unknown => Value::Bool(false),
                    v => v,
                },
            ),
            ("deletion_window_in_days", keep("deletion_window_in_days")),
            ("description", Value::str(m.description().unwrap_or_default())),
            ("enabled", Value::Bool(m.enabled())),
            (
                "expiration_model",
                Value::from(m.expiration_model().map(|e| e.as_str().to_string())),
            ),
            ("key_material_base64", keep("key_material_base64")),
            ("key_rotation_enabled", rotation),
            ("key_spec", Value::from(m.key_spec().map(|s| s.as_str().to_string()))),
            ("key_state", Value::from(m.key_state().map(|s| s.as_str().to_string()))),
            ("key_usage", Value::from(m.key_usage().map(|u| u.as_str().to_string()))),
            ("multi_region", Value::Bool(m.multi_region().unwrap_or(false))),
            ("policy", key.policy.clone()),
            ("primary_key_arn", Value::from(primary_arn)),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(key.tags)),
            ("valid_to", Value::from(m.valid_to().map(rfc3339_seconds))),
        ];
        // Each type keeps the attributes its schema has.
        Ok(Some(Value::object(
            all.into_iter().filter(|(k, _)| self.schema.attrs.contains_key(*k)),
        )))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_in_place(&self.c, &self.schema.attrs["policy"], id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "KMS key", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        schedule_deletion(&self.c, id, prior).await
    }
}
