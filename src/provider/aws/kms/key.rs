//! `aws_kms_key`: a customer-managed KMS key with its description, key policy, rotation,
//! enabled state and tags. AWS never deletes a key at once: destroying schedules its deletion
//! after `deletion_window_in_days` (7 to 30, AWS's 30 when unset), and a key pending deletion
//! counts as gone, as the provider has it. The id is the key id (which imports take).
//!
//! KMS is eventually consistent: as the provider does, creates retry while the policy's
//! principals are not yet known to KMS, and each change is waited for until KMS reports it.

use super::key_calls::{
    schedule_deletion, send_create_key, set_description, set_enabled, update_tags, with_common_create_args,
};
use super::{
    describe_key, get_key_policy, key_tags, kms_tags, policy_as_configured, put_key_policy, wait_policy, ABSENT,
    PROPAGATION,
};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, owns, retry_while, tags_to_write,
    user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, json, len_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kms::types::{KeySpec, KeyUsageType, MultiRegionKeyType, OriginType};
use std::sync::Arc;
use std::time::Duration;

/// The key specs the provider (5.100) accepts for `customer_master_key_spec` (its SDK's enum
/// then: no ML-DSA, checked with `terraform validate`).
pub const KEY_SPECS: &[&str] = &[
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SYMMETRIC_DEFAULT",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
];

/// The key usages the provider (5.100) accepts for `key_usage`.
pub const KEY_USAGES: &[&str] = &["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

/// The `aws_kms_key` resource type.
pub struct Key {
    c: Arc<Clients>,
    schema: Schema,
}

impl Key {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Key {
        let schema = resource("aws_kms_key")
            .arg("description")
            .check(len_between(0, 8192))
            .arg("key_usage")
            .force_new()
            .default("ENCRYPT_DECRYPT")
            .check(one_of(KEY_USAGES))
            .arg("customer_master_key_spec")
            .force_new()
            .default("SYMMETRIC_DEFAULT")
            .check(one_of(KEY_SPECS))
            .arg("policy")
            .check(json())
            .compare_policy()
            .arg("bypass_policy_lockout_safety_check")
            .default(false)
            .arg("deletion_window_in_days")
            .check(int_between(7, 30))
            .arg("is_enabled")
            .default(true)
            .arg("enable_key_rotation")
            .default(false)
            .arg("rotation_period_in_days")
            .check(int_between(90, 2560))
            .arg("multi_region")
            .force_new()
            .arg("custom_key_store_id")
            .force_new()
            .check(len_between(1, 22))
            .arg("xks_key_id")
            .force_new()
            .check(len_between(1, 128))
            .args(&["tags"])
            .rule(Rule::RequiredWith("rotation_period_in_days", &["enable_key_rotation"]))
            .rule(Rule::RequiredWith("xks_key_id", &["custom_key_store_id"]))
            .timeouts(2, 0, 0)
            .build();
        Key { c, schema }
    }

    /// Waits until a read of the key shows what `seen` looks for (KMS reports a change it
    /// accepted a little later).
    async fn wait_until<F>(&self, id: &str, goal: &str, seen: F) -> PResult<()>
    where
        F: Fn(&Value) -> bool,
    {
        let ctx_free = Value::Null;
        wait_for(Wait::new(format!("KMS key {id}"), goal, PROPAGATION), || async {
            let read = self.read_live(id, &ctx_free).await?;
            Ok(match read {
                Some(v) if seen(&v) => Poll::Ready(()),
                Some(_) => Poll::pending("not yet"),
                None => Poll::pending("not found"),
            })
        })
        .await
    }

    async fn set_rotation(&self, id: &str, planned: &Value) -> PResult<()> {
        let enable = opt_bool(planned, "enable_key_rotation").unwrap_or(false);
        let period = planned.get("rotation_period_in_days").as_number().map(|n| n as i32);
        retry_while(&["NotFoundException", "DisabledException"], PROPAGATION, || async {
            if enable {
                self.c
                    .kms
                    .enable_key_rotation()
                    .key_id(id)
                    .set_rotation_period_in_days(period)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            } else {
                self.c
                    .kms
                    .disable_key_rotation()
                    .key_id(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            }
        })
        .await?;
        self.wait_until(id, "rotation updated", |v| {
            v.get("enable_key_rotation").as_bool() == Some(enable)
                && period.is_none_or(|p| v.get("rotation_period_in_days").as_number() == Some(p as f64))
        })
        .await
    }

    async fn put_policy(&self, id: &str, planned: &Value) -> PResult<()> {
        let Some(policy) = opt_str(planned, "policy") else {
            return Ok(());
        };
        let bypass = opt_bool(planned, "bypass_policy_lockout_safety_check").unwrap_or(false);
        put_key_policy(&self.c, &self.schema.attrs["policy"], id, &policy, bypass).await
    }

    /// What the key is now, with `prior` supplying what AWS does not report.
    async fn read_live(&self, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(m) = describe_key(&self.c, id).await? else {
            return Ok(None);
        };
        let key_id = m.key_id().to_string();
        if m.multi_region() == Some(true)
            && m.multi_region_configuration()
                .and_then(|c| c.multi_region_key_type())
                .is_some_and(|t| *t != MultiRegionKeyType::Primary)
        {
            return Err(ProviderError::msg(format!(
                "KMS Key ({key_id}) is not a multi-Region primary key"
            )));
        }
        let policy = absent_on(get_key_policy(&self.c, &key_id).await, ABSENT)?.flatten();
        let (rotation, period) = if m.origin() == Some(&OriginType::AwsKms) {
            let r = self
                .c
                .kms
                .get_key_rotation_status()
                .key_id(&key_id)
                .send()
                .await
                .map_err(aws_err);
            match absent_on(r, ABSENT)? {
                Some(r) => (r.key_rotation_enabled(), r.rotation_period_in_days()),
                None => return Ok(None),
            }
        } else {
            (false, None)
        };
        let tags = match absent_on(key_tags(&self.c, &key_id).await, ABSENT)? {
            Some(t) => t,
            None => return Ok(None),
        };
        let keep = |k: &str, default: Value| match prior.get(k) {
            Value::Null | Value::Unknown => default,
            v => v.clone(),
        };
        Ok(Some(Value::object([
            ("id", Value::str(&key_id)),
            ("key_id", Value::str(&key_id)),
            ("arn", Value::from(m.arn())),
            ("description", Value::str(m.description().unwrap_or_default())),
            ("key_usage", Value::from(m.key_usage().map(|u| u.as_str().to_string()))),
            (
                "customer_master_key_spec",
                Value::from(m.key_spec().map(|s| s.as_str().to_string())),
            ),
            (
                "policy",
                policy_as_configured(&self.schema.attrs["policy"], prior.get("policy"), policy),
            ),
            (
                "bypass_policy_lockout_safety_check",
                keep("bypass_policy_lockout_safety_check", Value::Bool(false)),
            ),
            ("deletion_window_in_days", prior.get("deletion_window_in_days").clone()),
            ("is_enabled", Value::Bool(m.enabled())),
            ("enable_key_rotation", Value::Bool(rotation)),
            ("rotation_period_in_days", Value::from(period.map(i64::from))),
            ("multi_region", Value::Bool(m.multi_region().unwrap_or(false))),
            ("custom_key_store_id", Value::from(m.custom_key_store_id())),
            (
                "xks_key_id",
                Value::from(m.xks_key_configuration().and_then(|x| x.id())),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
        ])))
    }
}

#[async_trait]
impl ResourceType for Key {
    fn type_name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let policy = opt_str(planned, "policy");
        let tags = kms_tags(tags_to_write(ctx, planned))?;
        let mut req = self
            .c
            .kms
            .create_key()
            .key_spec(KeySpec::from(
                opt_str(planned, "customer_master_key_spec")
                    .as_deref()
                    .unwrap_or("SYMMETRIC_DEFAULT"),
            ))
            .key_usage(KeyUsageType::from(
                opt_str(planned, "key_usage").as_deref().unwrap_or("ENCRYPT_DECRYPT"),
            ));
        if let Some(store) = opt_str(planned, "custom_key_store_id") {
            req = req.origin(OriginType::AwsCloudhsm).custom_key_store_id(store);
        }
        if let Some(xks) = opt_str(planned, "xks_key_id") {
            req = req.origin(OriginType::ExternalKeyStore).xks_key_id(xks);
        }
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(120));
        let id = send_create_key(&self.c, with_common_create_args(req, planned, tags), timeout).await?;
        if opt_bool(planned, "enable_key_rotation") == Some(true) {
            self.set_rotation(&id, planned).await?;
        }
        if opt_bool(planned, "is_enabled") == Some(false) {
            set_enabled(&self.c, &id, false).await?;
        }
        if let Some(policy) = &policy {
            wait_policy(&self.c, &self.schema.attrs["policy"], &id, policy).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "KMS key", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_live(id, prior).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let enabled = opt_bool(planned, "is_enabled").unwrap_or(true);
        // A disabled key takes no changes: enable it first, disable it last.
        if changed("is_enabled") && enabled {
            set_enabled(&self.c, id, true).await?;
        }
        let rotate = opt_bool(planned, "enable_key_rotation").unwrap_or(false);
        if changed("enable_key_rotation") || (rotate && changed("rotation_period_in_days")) {
            self.set_rotation(id, planned).await?;
        }
        if changed("description") && *planned.get("description") != Value::Unknown {
            set_description(&self.c, id, &opt_str(planned, "description").unwrap_or_default()).await?;
        }
        if changed("policy") && !planned.get("policy").has_unknown() {
            self.put_policy(id, planned).await?;
        }
        update_tags(&self.c, id, prior, planned).await?;
        if changed("is_enabled") && !enabled {
            set_enabled(&self.c, id, false).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "KMS key", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        schedule_deletion(&self.c, id, prior).await
    }

    /// Keys have no unique name: a key a killed run created is found by the stack and address
    /// tags the create carried (CreateKey takes them in the same call).
    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        if ctx.system_tags().is_empty() {
            return Ok(None);
        }
        let mut marker = None;
        loop {
            let page = self
                .c
                .kms
                .list_keys()
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err)?;
            for k in page.keys() {
                let Some(id) = k.key_id() else { continue };
                // AWS-managed keys refuse ListResourceTags to customers; they are none of ours.
                let tags = match key_tags(&self.c, id).await {
                    Ok(t) => t,
                    Err(e) if matches!(e.code.as_deref(), Some("AccessDeniedException" | "NotFoundException")) => {
                        continue
                    }
                    Err(e) => return Err(e),
                };
                if owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx)
                    && describe_key(&self.c, id).await?.is_some()
                {
                    return Ok(Some(id.to_string()));
                }
            }
            match page.next_marker() {
                Some(m) if page.truncated() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::aws::schemas_registry as registry;

    /// The schema's checks of one configuration: each argument's validators, then the rules.
    fn check(config: Value) -> Result<(), String> {
        let r = registry();
        let schema = r.resource("aws_kms_key").unwrap().schema().clone();
        let obj = config.as_object().unwrap().clone();
        for (k, v) in &obj {
            crate::schema::check::attr(&schema, k, &schema.attrs[k.as_str()], v).map_err(|d| d.to_string())?;
        }
        crate::schema::check::object(&schema, &obj).map_err(|d| d.to_string())
    }

    #[test]
    fn the_declaration_matches_the_published_schema() {
        let r = registry();
        let key = r.resource("aws_kms_key").unwrap();
        let force_new = key.schema().force_new_names();
        for name in [
            "key_usage",
            "customer_master_key_spec",
            "multi_region",
            "custom_key_store_id",
            "xks_key_id",
        ] {
            assert!(force_new.contains(&name), "{name} replaces the key");
        }
        for name in ["description", "policy", "is_enabled", "enable_key_rotation", "tags"] {
            assert!(!force_new.contains(&name), "{name} changes in place");
        }
    }

    #[test]
    fn windows_periods_and_specs_are_checked_before_any_call() {
        assert!(check(Value::object([("deletion_window_in_days", Value::from(7))])).is_ok());
        assert!(check(Value::object([("deletion_window_in_days", Value::from(6))])).is_err());
        assert!(check(Value::object([("deletion_window_in_days", Value::from(31))])).is_err());
        assert!(check(Value::object([
            ("enable_key_rotation", Value::Bool(true)),
            ("rotation_period_in_days", Value::from(89))
        ]))
        .is_err());
        assert!(check(Value::object([("customer_master_key_spec", Value::str("AES_256"))])).is_err());
        // Specs AWS added after the provider's release are refused, as `terraform validate` does.
        assert!(check(Value::object([("customer_master_key_spec", Value::str("ML_DSA_44"))])).is_err());
        assert!(check(Value::object([("customer_master_key_spec", Value::str("HMAC_256"))])).is_ok());
        assert!(check(Value::object([("key_usage", Value::str("ENCAPSULATE_DECAPSULATE"))])).is_err());
        assert!(check(Value::object([("key_usage", Value::str("SIGN_VERIFY"))])).is_ok());
        assert!(check(Value::object([("policy", Value::str("{not json"))])).is_err());
    }

    #[test]
    fn a_rotation_period_needs_rotation_and_an_xks_key_its_store() {
        assert!(check(Value::object([("rotation_period_in_days", Value::from(90))])).is_err());
        assert!(check(Value::object([("xks_key_id", Value::str("x"))])).is_err());
        assert!(check(Value::object([
            ("rotation_period_in_days", Value::from(90)),
            ("enable_key_rotation", Value::Bool(true)),
        ]))
        .is_ok());
    }

    #[test]
    fn a_policy_kms_respells_keeps_the_configured_text() {
        let r = registry();
        let rt = r.resource("aws_kms_key").unwrap();
        let a = &rt.schema().attrs["policy"];
        let configured = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logs.us-east-1.amazonaws.com"},"Action":["kms:Encrypt*"],"Resource":"*"}]}"#;
        let live = r#"{
  "Statement" : [ {
    "Action" : "kms:Encrypt*", "Resource" : "*", "Effect" : "Allow",
    "Principal" : { "Service" : [ "logs.us-east-1.amazonaws.com" ] }
  } ],
  "Version" : "2012-10-17"
}"#;
        assert!(crate::plan::diff::same_attr(
            a,
            &Value::str(configured),
            &Value::str(live)
        ));
    }
}
