//! `aws_ssm_maintenance_window`: a recurring window in which Systems Manager runs the tasks
//! registered with it. As the AWS provider does: the id is the window's `mw-` id; every argument
//! changes in place with one UpdateMaintenanceWindow that replaces the whole window (`Replace`),
//! so an optional setting removed from the blueprint is cleared; a window made disabled is made
//! and then disabled (CreateMaintenanceWindow cannot say so); tags through SSM's own tag calls.
//! Window ids are AWS's, so a create a killed run left unfinished is found again by its name and
//! infractl's stack and address tags.

use super::tags::{ssm_tags, sync_ssm_tags, tag_pairs};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, must_exist, opt_bool, opt_i32, opt_str, owns, read_beside, required,
    tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::int_between;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ssm::types::{MaintenanceWindowFilter, ResourceTypeForTagging};
use std::sync::Arc;

/// The `aws_ssm_maintenance_window` resource type.
pub struct MaintenanceWindow {
    c: Arc<Clients>,
    schema: Schema,
}

/// What SSM answers for a window that does not exist.
const ABSENT: &[&str] = &["DoesNotExistException"];

const KIND: ResourceTypeForTagging = ResourceTypeForTagging::MaintenanceWindow;

/// Every argument but the tags: what UpdateMaintenanceWindow sends.
const SETTINGS: &[&str] = &[
    "name",
    "schedule",
    "duration",
    "cutoff",
    "allow_unassociated_targets",
    "enabled",
    "description",
    "schedule_offset",
    "schedule_timezone",
    "start_date",
    "end_date",
];

impl MaintenanceWindow {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> MaintenanceWindow {
        let schema = resource("aws_ssm_maintenance_window")
            .arg("allow_unassociated_targets")
            .default(false)
            .arg("enabled")
            .default(true)
            .arg("schedule_offset")
            .check(int_between(1, 6))
            .args(&[
                "name",
                "schedule",
                "duration",
                "cutoff",
                "description",
                "schedule_timezone",
                "start_date",
                "end_date",
                "tags",
            ])
            .build();
        MaintenanceWindow { c, schema }
    }

    /// Disables (or enables) a window, keeping everything else as it is.
    async fn set_enabled(&self, id: &str, enabled: bool) -> PResult<()> {
        self.c
            .ssm
            .update_maintenance_window()
            .window_id(id)
            .enabled(enabled)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for MaintenanceWindow {
    fn type_name(&self) -> &'static str {
        "aws_ssm_maintenance_window"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ssm
            .create_maintenance_window()
            .name(required(planned, "name")?)
            .schedule(required(planned, "schedule")?)
            .set_duration(opt_i32(planned, "duration"))
            .set_cutoff(opt_i32(planned, "cutoff"))
            .allow_unassociated_targets(opt_bool(planned, "allow_unassociated_targets").unwrap_or(false))
            .set_description(opt_str(planned, "description"))
            .set_schedule_offset(opt_i32(planned, "schedule_offset"))
            .set_schedule_timezone(opt_str(planned, "schedule_timezone"))
            .set_start_date(opt_str(planned, "start_date"))
            .set_end_date(opt_str(planned, "end_date"))
            .set_tags(Some(ssm_tags(tags_to_write(ctx, planned))?).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out.window_id().unwrap_or_default().to_string();
        if opt_bool(planned, "enabled") == Some(false) {
            self.set_enabled(&id, false).await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "SSM Maintenance Window", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let get = async {
            let r = self.c.ssm.get_maintenance_window().window_id(id).send().await;
            absent_on(r.map_err(aws_err), ABSENT)
        };
        let Some((w, tags)) = read_beside(get, tag_pairs(&self.c.ssm, KIND, id)).await? else {
            return Ok(None);
        };
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("name", Value::from(w.name())),
            ("schedule", Value::from(w.schedule())),
            ("duration", Value::from(w.duration())),
            ("cutoff", Value::from(w.cutoff())),
            (
                "allow_unassociated_targets",
                Value::from(w.allow_unassociated_targets()),
            ),
            ("enabled", Value::from(w.enabled())),
            ("description", Value::from(w.description())),
            ("schedule_offset", Value::from(w.schedule_offset())),
            ("schedule_timezone", Value::from(w.schedule_timezone())),
            ("start_date", Value::from(w.start_date())),
            ("end_date", Value::from(w.end_date())),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if SETTINGS.iter().any(|k| differs(prior, planned, k)) {
            // Replace: what the request leaves out is cleared, as the blueprint now says.
            self.c
                .ssm
                .update_maintenance_window()
                .window_id(id)
                .replace(true)
                .name(required(planned, "name")?)
                .schedule(required(planned, "schedule")?)
                .set_duration(opt_i32(planned, "duration"))
                .set_cutoff(opt_i32(planned, "cutoff"))
                .allow_unassociated_targets(opt_bool(planned, "allow_unassociated_targets").unwrap_or(false))
                .enabled(opt_bool(planned, "enabled").unwrap_or(true))
                .set_description(opt_str(planned, "description"))
                .set_schedule_offset(opt_i32(planned, "schedule_offset"))
                .set_schedule_timezone(opt_str(planned, "schedule_timezone"))
                .set_start_date(opt_str(planned, "start_date"))
                .set_end_date(opt_str(planned, "end_date"))
                .send()
                .await
                .map_err(aws_err)?;
        }
        sync_ssm_tags(&self.c.ssm, KIND, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "SSM Maintenance Window", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self.c.ssm.delete_maintenance_window().window_id(id).send().await;
        absent_on(r.map_err(aws_err), ABSENT).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let filter = MaintenanceWindowFilter::builder().key("Name").values(name).build();
        let out = self
            .c
            .ssm
            .describe_maintenance_windows()
            .filters(filter)
            .send()
            .await
            .map_err(aws_err)?;
        for id in out.window_identities().iter().filter_map(|w| w.window_id()) {
            let tags = tag_pairs(&self.c.ssm, KIND, id).await?;
            if owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx) {
                return Ok(Some(id.to_string()));
            }
        }
        Ok(None)
    }
}
