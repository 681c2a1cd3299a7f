//! `aws_cognito_user_group`: a group of a user pool (its description, precedence and the IAM
//! role its members' tokens carry). The id is `USER-POOL-ID/NAME`, as Terraform's import
//! takes it; the name replaces it, the rest changes in place.
//!
//! A group name is unique within a pool, so a group an earlier run created but did not record
//! is taken back by its name in a pool of this stack.

use super::{adoptable, pool_and_key, NOT_FOUND};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, int_at_least, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::types as t;
use std::sync::Arc;

/// The form of an import id.
const FORM: &str = "USER-POOL-ID/NAME";

/// The `aws_cognito_user_group` resource type.
pub struct UserGroup {
    c: Arc<Clients>,
    schema: Schema,
}

impl UserGroup {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UserGroup {
        let schema = resource("aws_cognito_user_group")
            .arg("user_pool_id")
            .force_new()
            .arg("name")
            .force_new()
            .check(len_between(1, 128))
            .arg("description")
            .check(len_between(0, 2048))
            .arg("precedence")
            .check(int_at_least(0))
            .arg("role_arn")
            .check(arn())
            .build();
        UserGroup { c, schema }
    }

    async fn describe(&self, pool: &str, name: &str) -> PResult<Option<t::GroupType>> {
        let r = self
            .c
            .cognitoidp
            .get_group()
            .user_pool_id(pool)
            .group_name(name)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, NOT_FOUND)?.and_then(|o| o.group))
    }
}

fn precedence(v: &Value) -> Option<i32> {
    v.get("precedence").as_number().map(|n| n as i32)
}

fn to_state(g: &t::GroupType) -> Value {
    let pool = g.user_pool_id().unwrap_or_default();
    let name = g.group_name().unwrap_or_default();
    Value::object([
        ("id", Value::str(format!("{pool}/{name}"))),
        ("user_pool_id", Value::str(pool)),
        ("name", Value::str(name)),
        ("description", Value::from(g.description())),
        ("precedence", Value::from(g.precedence().map(i64::from))),
        ("role_arn", Value::from(g.role_arn())),
    ])
}

#[async_trait]
impl ResourceType for UserGroup {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "user_pool_id")?;
        let name = required(planned, "name")?;
        self.c
            .cognitoidp
            .create_group()
            .user_pool_id(&pool)
            .group_name(&name)
            .set_description(opt_str(planned, "description"))
            .set_precedence(precedence(planned))
            .set_role_arn(opt_str(planned, "role_arn"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = format!("{pool}/{name}");
        must_exist(self.read(ctx, &id, planned).await?, "user group", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (pool, name) = pool_and_key(id, prior, '/', FORM)?;
        Ok(self.describe(&pool, &name).await?.map(|g| to_state(&g)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (pool, name) = pool_and_key(id, prior, '/', FORM)?;
        self.c
            .cognitoidp
            .update_group()
            .user_pool_id(&pool)
            .group_name(&name)
            .description(opt_str(planned, "description").unwrap_or_default())
            .set_precedence(precedence(planned))
            .role_arn(opt_str(planned, "role_arn").unwrap_or_default())
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, id, planned).await?, "user group", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (pool, name) = pool_and_key(id, prior, '/', FORM)?;
        let r = self
            .c
            .cognitoidp
            .delete_group()
            .user_pool_id(pool)
            .group_name(name)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        adoptable(&self.c, ctx, planned, "name", '/', |pool, key| async move {
            Ok(self.describe(&pool, &key).await?.is_some())
        })
        .await
    }
}
