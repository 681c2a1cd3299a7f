//! `aws_sfn_alias`: a name that routes a state machine's executions to one published version,
//! or splits them between two by weight, as the provider's `ResourceAlias` makes it. The id is
//! the alias ARN (which `import` takes); the name replaces it; the description and the routing
//! change in place with UpdateStateMachineAlias. Step Functions checks the routing itself (one
//! or two versions of one machine, weights that add up to 100); the provider checks only that
//! there is at least one route, and so does infractl.

use super::NOT_FOUND;
use crate::provider::aws::common::{absent_on, aws_err, build_err, must_exist, ok_on, opt_str, required};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_sfn::operation::describe_state_machine_alias::DescribeStateMachineAliasOutput;
use aws_sdk_sfn::types::RoutingConfigurationListItem;
use std::sync::Arc;

/// The `aws_sfn_alias` resource type.
pub struct Alias {
    c: Arc<Clients>,
    schema: Schema,
}

impl Alias {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Alias {
        let schema = resource("aws_sfn_alias")
            .arg("name")
            .force_new()
            .args(&["description", "routing_configuration"])
            .timeouts(30, 30, 30)
            .build();
        Alias { c, schema }
    }

    async fn describe(&self, arn: &str) -> PResult<Option<DescribeStateMachineAliasOutput>> {
        let r = self
            .c
            .sfn
            .describe_state_machine_alias()
            .state_machine_alias_arn(arn)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }
}

/// The `routing_configuration` blocks as Step Functions takes them.
fn routes(planned: &Value) -> PResult<Vec<RoutingConfigurationListItem>> {
    planned
        .get("routing_configuration")
        .as_list()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            RoutingConfigurationListItem::builder()
                .state_machine_version_arn(opt_str(r, "state_machine_version_arn").unwrap_or_default())
                .weight(r.get("weight").as_number().map_or(0, |w| w as i32))
                .build()
                .map_err(build_err)
        })
        .collect()
}

/// The alias as state holds it (the provider's read).
fn to_state(out: &DescribeStateMachineAliasOutput) -> Value {
    let arn = out.state_machine_alias_arn().unwrap_or_default();
    let routes = out
        .routing_configuration()
        .iter()
        .map(|r| {
            Value::object([
                ("state_machine_version_arn", Value::str(r.state_machine_version_arn())),
                ("weight", Value::from(i64::from(r.weight()))),
            ])
        })
        .collect();
    Value::object([
        ("id", Value::str(arn)),
        ("arn", Value::str(arn)),
        ("name", Value::from(out.name())),
        ("description", Value::from(out.description())),
        ("creation_date", Value::from(out.creation_date().map(rfc3339))),
        ("routing_configuration", Value::List(routes)),
    ])
}

#[async_trait]
impl ResourceType for Alias {
    fn type_name(&self) -> &'static str {
        "aws_sfn_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let out = self
            .c
            .sfn
            .create_state_machine_alias()
            .name(&name)
            .set_description(opt_str(planned, "description"))
            .set_routing_configuration(Some(routes(planned)?))
            .send()
            .await
            .map_err(|e| aws_err(e).context(format!("creating Step Functions Alias ({name})")))?;
        let arn = out.state_machine_alias_arn().to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "Step Functions alias", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        Ok(self.describe(id).await?.map(|out| to_state(&out)))
    }

    /// UpdateStateMachineAlias with what changed: the description (sent empty to clear it)
    /// and the routing.
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut req = self.c.sfn.update_state_machine_alias().state_machine_alias_arn(id);
        if changed("description") {
            req = req.description(opt_str(planned, "description").unwrap_or_default());
        }
        if changed("routing_configuration") {
            req = req.set_routing_configuration(Some(routes(planned)?));
        }
        if changed("description") || changed("routing_configuration") {
            req.send()
                .await
                .map_err(|e| aws_err(e).context(format!("updating Step Functions Alias ({id})")))?;
        }
        must_exist(self.read(ctx, id, planned).await?, "Step Functions alias", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .sfn
            .delete_state_machine_alias()
            .state_machine_alias_arn(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_go_out_as_the_blueprint_weighs_them() {
        let planned = Value::object([(
            "routing_configuration",
            Value::List(vec![
                Value::object([
                    (
                        "state_machine_version_arn",
                        Value::str("arn:aws:states:us-east-1:1:stateMachine:m:1"),
                    ),
                    ("weight", Value::from(90i64)),
                ]),
                Value::object([
                    (
                        "state_machine_version_arn",
                        Value::str("arn:aws:states:us-east-1:1:stateMachine:m:2"),
                    ),
                    ("weight", Value::from(10i64)),
                ]),
            ]),
        )]);
        let sent = routes(&planned).unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].weight(), 10);
        assert!(sent[0].state_machine_version_arn().ends_with(":m:1"));
    }
}
