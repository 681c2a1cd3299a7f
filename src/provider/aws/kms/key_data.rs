//! Data source `aws_kms_key`: a key's metadata by key id, key ARN, alias name or alias ARN
//! (what DescribeKey takes). Unlike the resource, it reports a key pending deletion as it is.
//! `grant_tokens` is accepted and not sent: DescribeKey takes none.

use super::ABSENT;
use crate::provider::aws::common::{absent_on, aws_err, required};
use crate::provider::aws::ec2::data::with_results;
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::matches;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_kms::types::{KeyMetadata, MultiRegionKey};
use std::sync::Arc;

/// What `key_id` may be, as the provider's `validKey` says: a key id, a key ARN, an alias name
/// or an alias ARN.
pub const KEY_REFERENCE: &str = r"^([A-Za-z0-9-]+|arn:[^:]+:kms:[^:]+:[^:]+:key/[A-Za-z0-9-]+|alias/[a-zA-Z0-9:/_-]+|arn:[^:]+:kms:[^:]+:[^:]+:alias/[a-zA-Z0-9:/_-]+)$";

/// The `aws_kms_key` data source.
pub struct KeyData {
    c: Arc<Clients>,
    schema: Schema,
}

impl KeyData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> KeyData {
        let schema = data_source("aws_kms_key")
            .arg("key_id")
            .check(matches(KEY_REFERENCE, "a key id, key ARN, alias name or alias ARN"))
            .args(&["grant_tokens"])
            .build();
        KeyData { c, schema }
    }
}

/// A multi-Region key's primary or replica, as the provider lists it.
fn region_key(k: &MultiRegionKey) -> Value {
    Value::object([("arn", Value::from(k.arn())), ("region", Value::from(k.region()))])
}

/// The data source's attributes of a key's metadata (dates as RFC 3339, unset ones empty, as
/// the provider writes them).
pub fn metadata_attrs(m: &KeyMetadata) -> Value {
    let s = |v: Option<&str>| Value::str(v.unwrap_or_default());
    let date = |d: Option<&aws_smithy_types::DateTime>| Value::str(d.map(rfc3339).unwrap_or_default());
    let multi_region = match m.multi_region_configuration() {
        Some(c) => Value::List(vec![Value::object([
            (
                "multi_region_key_type",
                s(c.multi_region_key_type().map(|t| t.as_str())),
            ),
            (
                "primary_key",
                Value::List(c.primary_key().map(region_key).into_iter().collect()),
            ),
            (
                "replica_keys",
                Value::List(c.replica_keys().iter().map(region_key).collect()),
            ),
        ])]),
        None => Value::List(vec![]),
    };
    let xks = match m.xks_key_configuration() {
        Some(x) => Value::List(vec![Value::object([("id", s(x.id()))])]),
        None => Value::List(vec![]),
    };
    Value::object([
        ("id", Value::str(m.key_id())),
        ("arn", s(m.arn())),
        ("aws_account_id", s(m.aws_account_id())),
        ("cloud_hsm_cluster_id", s(m.cloud_hsm_cluster_id())),
        ("creation_date", date(m.creation_date())),
        ("custom_key_store_id", s(m.custom_key_store_id())),
        ("customer_master_key_spec", s(m.key_spec().map(|x| x.as_str()))),
        ("deletion_date", date(m.deletion_date())),
        ("description", s(m.description())),
        ("enabled", Value::Bool(m.enabled())),
        ("expiration_model", s(m.expiration_model().map(|x| x.as_str()))),
        ("key_manager", s(m.key_manager().map(|x| x.as_str()))),
        ("key_spec", s(m.key_spec().map(|x| x.as_str()))),
        ("key_state", s(m.key_state().map(|x| x.as_str()))),
        ("key_usage", s(m.key_usage().map(|x| x.as_str()))),
        ("multi_region", Value::Bool(m.multi_region().unwrap_or(false))),
        ("multi_region_configuration", multi_region),
        ("origin", s(m.origin().map(|x| x.as_str()))),
        (
            "pending_deletion_window_in_days",
            Value::from(i64::from(m.pending_deletion_window_in_days().unwrap_or(0))),
        ),
        ("valid_to", date(m.valid_to())),
        ("xks_key_configuration", xks),
    ])
}

#[async_trait]
impl DataSourceType for KeyData {
    fn type_name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let key_id = required(config, "key_id")?;
        let r = self.c.kms.describe_key().key_id(&key_id).send().await.map_err(aws_err);
        let m = absent_on(r, ABSENT)?
            .and_then(|o| o.key_metadata)
            .ok_or_else(|| ProviderError::msg(format!("reading KMS Key ({key_id}): not found")))?;
        Ok(with_results(config, metadata_attrs(&m)))
    }
}
