//! `aws_iam_group`: an IAM group. Name and path change in place (`UpdateGroup`); the id is
//! the name. IAM groups take no tags, so a create a killed run left unrecorded is recognised by
//! its name (only when state says that create never finished). A refresh lists the account's
//! groups once for all the groups of a stack.

use super::principal::next_marker;
use super::user::iam_name;
use crate::provider::aws::common::{absent_on, aws_err, must_exist, ok_on, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_iam::types::Group as IamGroup;
use std::sync::Arc;

/// The `aws_iam_group` resource type.
pub struct Group {
    c: Arc<Clients>,
    schema: Schema,
}

fn group_value(g: &IamGroup) -> Value {
    Value::object([
        ("id", Value::str(g.group_name())),
        ("name", Value::str(g.group_name())),
        ("path", Value::str(g.path())),
        ("arn", Value::str(g.arn())),
        ("unique_id", Value::str(g.group_id())),
    ])
}

impl Group {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Group {
        let schema = resource("aws_iam_group")
            .arg("name")
            .check(iam_name())
            .arg("path")
            .default("/")
            .build();
        Group { c, schema }
    }

    async fn get(&self, name: &str) -> PResult<Option<IamGroup>> {
        let out = self.c.iam.get_group().group_name(name).send().await.map_err(aws_err);
        Ok(absent_on(out, &["NoSuchEntity"])?.and_then(|o| o.group().cloned()))
    }
}

#[async_trait]
impl ResourceType for Group {
    fn type_name(&self) -> &'static str {
        "aws_iam_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        self.c
            .iam
            .create_group()
            .group_name(&name)
            .path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "group", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        Ok(self.get(id).await?.as_ref().map(group_value))
    }

    fn bulk_read_limit(&self) -> usize {
        1000
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let mut all = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .c
                .iam
                .list_groups()
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err)?;
            all.extend(out.groups().iter().cloned());
            marker = next_marker(out.is_truncated(), out.marker());
            if marker.is_none() {
                break;
            }
        }
        Ok(items
            .iter()
            .map(|(id, _)| all.iter().find(|g| g.group_name() == id).map(group_value))
            .collect())
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "name").unwrap_or_else(|| id.to_string());
        // IAM's documentation: name the new group name only when it changes.
        self.c
            .iam
            .update_group()
            .group_name(id)
            .set_new_group_name((name != id).then(|| name.clone()))
            .new_path(opt_str(planned, "path").unwrap_or_else(|| "/".into()))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(self.read(ctx, &name, planned).await?, "group", &name)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.iam.delete_group().group_name(id).send().await.map_err(aws_err);
        ok_on(r, &["NoSuchEntity"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // Without tags, only a create this address began and never recorded may be taken over.
        let Some(name) = opt_str(planned, "name").filter(|_| ctx.resumed) else {
            return Ok(None);
        };
        Ok(self.get(&name).await?.map(|_| name))
    }
}
