//! `aws_s3_account_public_access_block`: the public access block of the whole account (S3
//! Control). The id, and import id, is the account id; the account defaults to the caller's.
//! PUT replaces the whole setting, so a create a killed run began is simply made again.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_bool, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3control::types::PublicAccessBlockConfiguration as Config;
use std::sync::Arc;

/// The four switches, all off unless set.
const SWITCHES: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

/// What S3 Control answers for an account without a block.
const ABSENT: &[&str] = &["NoSuchPublicAccessBlockConfiguration"];

/// The `aws_s3_account_public_access_block` resource type.
pub struct AccountPublicAccessBlock {
    c: Arc<Clients>,
    schema: Schema,
}

impl AccountPublicAccessBlock {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AccountPublicAccessBlock {
        let schema = SWITCHES
            .iter()
            .fold(resource("aws_s3_account_public_access_block"), |d, n| {
                d.arg(n).default(false)
            })
            .arg("account_id")
            .force_new()
            .check(crate::provider::aws::s3::companion::account_id())
            .build();
        AccountPublicAccessBlock { c, schema }
    }

    async fn put(&self, account: &str, v: &Value) -> PResult<()> {
        let on = |k: &str| opt_bool(v, k).unwrap_or(false);
        let config = Config::builder()
            .block_public_acls(on("block_public_acls"))
            .block_public_policy(on("block_public_policy"))
            .ignore_public_acls(on("ignore_public_acls"))
            .restrict_public_buckets(on("restrict_public_buckets"))
            .build();
        self.c
            .s3control
            .put_public_access_block()
            .account_id(account)
            .public_access_block_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for AccountPublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_account_public_access_block"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let account = match opt_str(planned, "account_id") {
            Some(a) => a,
            None => self.c.account_id().await?,
        };
        self.put(&account, planned).await?;
        must_exist(
            self.read(ctx, &account, planned).await?,
            "public access block of account",
            &account,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let r = self
            .c
            .s3control
            .get_public_access_block()
            .account_id(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let config = out.public_access_block_configuration();
        let get = |f: fn(&Config) -> Option<bool>| Value::Bool(config.and_then(f).unwrap_or(false));
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("account_id", Value::str(id)),
            ("block_public_acls", get(Config::block_public_acls)),
            ("block_public_policy", get(Config::block_public_policy)),
            ("ignore_public_acls", get(Config::ignore_public_acls)),
            ("restrict_public_buckets", get(Config::restrict_public_buckets)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        self.put(id, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "public access block of account", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .s3control
            .delete_public_access_block()
            .account_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}
