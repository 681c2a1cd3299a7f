//! `aws_ssm_maintenance_window_target`: the instances (by tag or id) or resource group a
//! maintenance window runs its tasks on. As the AWS provider 5.100 does: the id is the target's
//! id; import takes `WINDOW_ID/WINDOW_TARGET_ID`; the window, resource type, name and
//! description force a replacement; targets and owner information change in place. The change
//! is sent with `Replace`, every setting given, so an owner information removed from the
//! blueprint is cleared (the provider sends it empty, which AWS refuses).

use super::{target_blocks, targets, window_and_member};
use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{items_at_most, len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ssm::types::{MaintenanceWindowFilter, MaintenanceWindowResourceType};
use std::sync::Arc;

/// The `aws_ssm_maintenance_window_target` resource type.
pub struct MaintenanceWindowTarget {
    c: Arc<Clients>,
    schema: Schema,
}

/// What SSM answers for a window or target that does not exist.
const ABSENT: &[&str] = &["DoesNotExistException"];

impl MaintenanceWindowTarget {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> MaintenanceWindowTarget {
        let schema = resource("aws_ssm_maintenance_window_target")
            .arg("window_id")
            .force_new()
            .arg("resource_type")
            .force_new()
            .check(one_of(&["INSTANCE", "RESOURCE_GROUP"]))
            .arg("name")
            .force_new()
            .check(matches(
                r"^[a-zA-Z0-9_\-.]{3,128}$",
                "Only alphanumeric characters, hyphens, dots & underscores allowed",
            ))
            .arg("description")
            .force_new()
            .check(len_between(3, 128))
            .arg("owner_information")
            .check(len_between(1, 128))
            .arg("targets")
            .arg("targets.key")
            .check(matches(
                r"^[\p{L}\p{Z}\p{N}_.:/=\-@]*$|resource-groups:ResourceTypeFilters|resource-groups:Name$",
                "letters, spaces, digits and _.:/=-@",
            ))
            .check(len_between(1, 163))
            .arg("targets.values")
            .check(items_at_most(50))
            .build();
        MaintenanceWindowTarget { c, schema }
    }
}

#[async_trait]
impl ResourceType for MaintenanceWindowTarget {
    fn type_name(&self) -> &'static str {
        "aws_ssm_maintenance_window_target"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let window = required(planned, "window_id")?;
        let out = self
            .c
            .ssm
            .register_target_with_maintenance_window()
            .window_id(&window)
            .resource_type(MaintenanceWindowResourceType::from(
                required(planned, "resource_type")?.as_str(),
            ))
            .set_targets(Some(targets(planned)))
            .set_name(opt_str(planned, "name"))
            .set_description(opt_str(planned, "description"))
            .set_owner_information(opt_str(planned, "owner_information"))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out.window_target_id().unwrap_or_default().to_string();
        must_exist(
            self.read(ctx, &id, planned).await?,
            "SSM Maintenance Window Target",
            &id,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (window, target) = window_and_member(id, prior, "WINDOW_TARGET_ID")?;
        let filter = MaintenanceWindowFilter::builder()
            .key("WindowTargetId")
            .values(&target)
            .build();
        let r = self
            .c
            .ssm
            .describe_maintenance_window_targets()
            .window_id(&window)
            .filters(filter)
            .send()
            .await
            .map_err(aws_err);
        let Some(t) = absent_on(r, ABSENT)?.and_then(|o| {
            o.targets()
                .iter()
                .find(|t| t.window_target_id() == Some(target.as_str()))
                .cloned()
        }) else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(&target)),
            ("window_id", Value::str(&window)),
            ("resource_type", Value::from(t.resource_type().map(|r| r.as_str()))),
            ("targets", target_blocks(t.targets())),
            ("name", Value::from(t.name())),
            ("description", Value::from(t.description())),
            ("owner_information", Value::from(t.owner_information())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (window, target) = window_and_member(id, prior, "WINDOW_TARGET_ID")?;
        self.c
            .ssm
            .update_maintenance_window_target()
            .window_id(&window)
            .window_target_id(&target)
            .replace(true)
            .set_targets(Some(targets(planned)))
            .set_name(opt_str(planned, "name"))
            .set_description(opt_str(planned, "description"))
            .set_owner_information(opt_str(planned, "owner_information"))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(
            self.read(ctx, &target, planned).await?,
            "SSM Maintenance Window Target",
            &target,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (window, target) = window_and_member(id, prior, "WINDOW_TARGET_ID")?;
        let r = self
            .c
            .ssm
            .deregister_target_from_maintenance_window()
            .window_id(window)
            .window_target_id(target)
            .send()
            .await;
        absent_on(r.map_err(aws_err), ABSENT).map(|_| ())
    }
}
