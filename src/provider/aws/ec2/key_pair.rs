//! `aws_key_pair`: an SSH public key registered with EC2 (ImportKeyPair), which instances and
//! launch templates name by `key_name`.
//!
//! The id is the key's name, as the provider keeps it. EC2 never gives the public key back, so
//! `public_key` stays as written (trimmed, as the provider stores it); a key replaced behind
//! infractl's back shows as a new `fingerprint`. Everything but tags forces a new key pair.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, name_prefix_from_name, ok_on, opt_str,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::primitives::Blob;
use aws_sdk_ec2::types::{KeyPairInfo, ResourceType as Kind};
use std::sync::Arc;

/// The provider's generated-name prefix (`create.Name` with neither name nor prefix).
const DEFAULT_PREFIX: &str = "terraform-";

/// The unique digits Terraform appends to a prefix.
const UNIQUE_LEN: usize = 26;

/// The `aws_key_pair` resource type.
pub struct KeyPair {
    c: Arc<Clients>,
    schema: Schema,
}

/// `public_key` as the provider stores it: without surrounding blanks.
fn trimmed(key: &str) -> String {
    key.trim().to_string()
}

impl KeyPair {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> KeyPair {
        let schema = resource("aws_key_pair")
            .arg("key_name")
            .force_new()
            .check(len_between(0, 255))
            .arg("key_name_prefix")
            .force_new()
            .check(len_between(0, 255 - UNIQUE_LEN))
            .arg("public_key")
            .force_new()
            .normalized(trimmed)
            .args(&["tags"])
            .rule(Rule::Conflicts(&["key_name", "key_name_prefix"]))
            .build();
        KeyPair { c, schema }
    }

    async fn describe(&self, name: &str) -> PResult<Option<KeyPairInfo>> {
        let r = self
            .c
            .ec2
            .describe_key_pairs()
            .key_names(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["InvalidKeyPair.NotFound"])?
            .and_then(|o| o.key_pairs().iter().find(|k| k.key_name() == Some(name)).cloned()))
    }
}

#[async_trait]
impl ResourceType for KeyPair {
    fn type_name(&self) -> &'static str {
        "aws_key_pair"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "key_name").unwrap_or_else(|| {
            let unique = uuid::Uuid::new_v4().simple().to_string();
            let prefix = opt_str(planned, "key_name_prefix").unwrap_or_else(|| DEFAULT_PREFIX.into());
            format!("{prefix}{}", &unique[..UNIQUE_LEN])
        });
        let key = opt_str(planned, "public_key").unwrap_or_default();
        let out = self
            .c
            .ec2
            .import_key_pair()
            .key_name(&name)
            .public_key_material(Blob::new(key.into_bytes()))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::KeyPair))
            .send()
            .await
            .map_err(aws_err)?;
        let name = out
            .key_name()
            .ok_or_else(|| ProviderError::msg("ImportKeyPair returned no key name"))?
            .to_string();
        must_exist(self.read(ctx, &name, planned).await?, "key pair", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(k) = self.describe(id).await? else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        let name = k.key_name().unwrap_or(id);
        Ok(Some(Value::object([
            ("id", Value::str(name)),
            ("arn", ec2_arn(&self.c.region, &account, "key-pair", name)),
            ("fingerprint", Value::from(k.key_fingerprint())),
            ("key_name", Value::str(name)),
            ("key_name_prefix", Value::from(name_prefix_from_name(name, ""))),
            ("key_pair_id", Value::from(k.key_pair_id())),
            ("key_type", Value::from(k.key_type().map(|t| t.as_str()))),
            (
                "public_key",
                Value::from(opt_str(prior, "public_key").map(|k| trimmed(&k))),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(k.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // Tags belong to the key pair's id (key-...), not its name.
        let pair_id = opt_str(prior, "key_pair_id").unwrap_or_default();
        update_tags(&self.c.ec2, &pair_id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "key pair", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.ec2.delete_key_pair().key_name(id).send().await.map_err(aws_err);
        ok_on(r, &["InvalidKeyPair.NotFound"])
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_key_pairs(), ctx, key_pairs);
        let named = opt_str(planned, "key_name");
        Ok(found
            .iter()
            .filter_map(|k| k.key_name())
            .find(|n| named.as_deref().is_none_or(|want| want == *n))
            .map(str::to_string))
    }
}
