//! Data source `aws_iam_role`: one role by name, with when and where it was last used.

use crate::provider::aws::common::{absent_on, aws_err, required};
use crate::provider::aws::lookup::{project, read_as_resource, rfc3339};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_iam_role` data source.
pub struct RoleData {
    c: Arc<Clients>,
    role: super::role::Role,
    schema: Schema,
}

impl RoleData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> RoleData {
        let schema = data_source("aws_iam_role").args(&["name", "tags"]).build();
        RoleData {
            role: super::role::Role::new(c.clone()),
            c,
            schema,
        }
    }
}

#[async_trait]
impl DataSourceType for RoleData {
    fn type_name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let name = required(config, "name")?;
        let read = read_as_resource(&self.role, &name, "IAM Role").await?;
        let out = absent_on(
            self.c.iam.get_role().role_name(&name).send().await.map_err(aws_err),
            &["NoSuchEntity"],
        )?;
        // GetRole always answers RoleLastUsed; its fields are empty for a role never used.
        let last_used = out.as_ref().and_then(|o| o.role()).and_then(|r| r.role_last_used());
        let last_used = Value::List(
            last_used
                .map(|u| {
                    Value::object([
                        (
                            "last_used_date",
                            Value::str(u.last_used_date().map(rfc3339).unwrap_or_default()),
                        ),
                        ("region", Value::str(u.region().unwrap_or_default())),
                    ])
                })
                .into_iter()
                .collect(),
        );
        let mut v = project(&read, &self.schema, config);
        if let Value::Object(m) = &mut v {
            m.insert("role_last_used".into(), last_used);
        }
        Ok(v)
    }
}
