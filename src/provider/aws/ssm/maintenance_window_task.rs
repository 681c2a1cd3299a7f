//! `aws_ssm_maintenance_window_task`: what a maintenance window runs (a Run Command document,
//! an Automation runbook, a Lambda function or a Step Functions state machine) on its targets.
//! As the AWS provider 5.100 does: the id is the task's id; import takes
//! `WINDOW_ID/WINDOW_TASK_ID`; the window and the task type force a replacement; everything
//! else changes in place with `Replace`, every setting given, so one removed from the blueprint
//! is cleared. A task without targets sends no concurrency or error limit (AWS answers a
//! placeholder of `1`, which `max_concurrency` and `max_errors` read as computed).

use super::{target_blocks, targets, window_and_member};
use crate::provider::aws::common::{
    absent_on, aws_err, first, must_exist, opt_bool, opt_i32, opt_str, required, str_list,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, int_at_least, int_between, items_at_most, len_between, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ssm::operation::get_maintenance_window_task::GetMaintenanceWindowTaskOutput;
use aws_sdk_ssm::primitives::Blob;
use aws_sdk_ssm::types::{
    CloudWatchOutputConfig, DocumentHashType, MaintenanceWindowAutomationParameters, MaintenanceWindowLambdaParameters,
    MaintenanceWindowRunCommandParameters, MaintenanceWindowStepFunctionsParameters,
    MaintenanceWindowTaskCutoffBehavior, MaintenanceWindowTaskInvocationParameters, MaintenanceWindowTaskType,
    NotificationConfig, NotificationEvent, NotificationType,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The `aws_ssm_maintenance_window_task` resource type.
pub struct MaintenanceWindowTask {
    c: Arc<Clients>,
    schema: Schema,
}

/// What SSM answers for a window or task that does not exist.
const ABSENT: &[&str] = &["DoesNotExistException"];

/// The provider's pattern for a document version: `$LATEST`, `$DEFAULT` or a version number
/// (unanchored alternatives, as the provider writes it).
const DOCUMENT_VERSION: &str = r"([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)";

impl MaintenanceWindowTask {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> MaintenanceWindowTask {
        const RUN: &str = "task_invocation_parameters.run_command_parameters";
        let schema = resource("aws_ssm_maintenance_window_task")
            .arg("window_id")
            .force_new()
            .arg("task_type")
            .force_new()
            .check(one_of(&["AUTOMATION", "LAMBDA", "RUN_COMMAND", "STEP_FUNCTIONS"]))
            .arg("cutoff_behavior")
            .check(one_of(&["CONTINUE_TASK", "CANCEL_TASK"]))
            .arg("max_concurrency")
            .check(matches(
                r"^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$",
                "a number without leading zeros or a percentage between 1% and 100%",
            ))
            .arg("max_errors")
            .check(matches(
                r"^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$",
                "zero, a number without leading zeros or a percentage between 0% and 100%",
            ))
            .arg("service_role_arn")
            .check(arn())
            .arg("targets.values")
            .check(items_at_most(50))
            .arg("name")
            .check(matches(
                r"^[0-9A-Za-z_.-]{3,128}$",
                "Only alphanumeric characters, hyphens, dots & underscores allowed",
            ))
            .arg("description")
            .check(len_between(1, 128))
            .arg("priority")
            .check(int_at_least(0))
            .arg("task_invocation_parameters.automation_parameters.document_version")
            .check(matches(DOCUMENT_VERSION, "$DEFAULT, $LATEST or a version number"))
            .arg("task_invocation_parameters.lambda_parameters.client_context")
            .check(len_between(1, 8000))
            .arg("task_invocation_parameters.lambda_parameters.payload")
            .check(len_between(0, 4096))
            .arg("task_invocation_parameters.lambda_parameters.qualifier")
            .check(len_between(1, 128))
            .arg(&format!("{RUN}.comment"))
            .check(len_between(0, 100))
            .arg(&format!("{RUN}.document_hash"))
            .check(len_between(0, 256))
            .arg(&format!("{RUN}.document_hash_type"))
            .check(one_of(&["Sha256", "Sha1"]))
            .arg(&format!("{RUN}.document_version"))
            .check(matches(DOCUMENT_VERSION, "$DEFAULT, $LATEST or a version number"))
            .arg(&format!("{RUN}.notification_config.notification_arn"))
            .check(arn())
            .arg(&format!("{RUN}.notification_config.notification_events"))
            .check(one_of(&[
                "All",
                "InProgress",
                "Success",
                "TimedOut",
                "Cancelled",
                "Failed",
            ]))
            .arg(&format!("{RUN}.notification_config.notification_type"))
            .check(one_of(&["Command", "Invocation"]))
            .arg(&format!("{RUN}.service_role_arn"))
            .check(arn())
            .arg(&format!("{RUN}.timeout_seconds"))
            .check(int_between(30, 2_592_000))
            .arg("task_invocation_parameters.step_functions_parameters.input")
            .check(len_between(0, 4096))
            .arg("task_invocation_parameters.step_functions_parameters.name")
            .check(len_between(1, 80))
            .args(&["task_arn", "targets", "task_invocation_parameters"])
            .build();
        MaintenanceWindowTask { c, schema }
    }
}

/// A `parameter` set (name and values) as the map SSM takes.
fn parameters(block: &Value) -> Option<HashMap<String, Vec<String>>> {
    let items = block.get("parameter").as_list().unwrap_or(&[]);
    (!items.is_empty()).then(|| {
        items
            .iter()
            .filter_map(|p| Some((opt_str(p, "name")?, str_list(p, "values"))))
            .collect()
    })
}

/// The `task_invocation_parameters` block as SSM takes it (`None` when absent).
fn invocation(planned: &Value) -> Option<MaintenanceWindowTaskInvocationParameters> {
    let p = first(planned, "task_invocation_parameters")?;
    let automation = first(p, "automation_parameters").map(|a| {
        MaintenanceWindowAutomationParameters::builder()
            .set_document_version(opt_str(a, "document_version"))
            .set_parameters(parameters(a))
            .build()
    });
    let lambda = first(p, "lambda_parameters").map(|l| {
        MaintenanceWindowLambdaParameters::builder()
            .set_client_context(opt_str(l, "client_context"))
            .set_payload(opt_str(l, "payload").map(|s| Blob::new(s.into_bytes())))
            .set_qualifier(opt_str(l, "qualifier"))
            .build()
    });
    let run_command = first(p, "run_command_parameters").map(run_command);
    let step_functions = first(p, "step_functions_parameters").map(|s| {
        MaintenanceWindowStepFunctionsParameters::builder()
            .set_input(opt_str(s, "input"))
            .set_name(opt_str(s, "name"))
            .build()
    });
    Some(
        MaintenanceWindowTaskInvocationParameters::builder()
            .set_automation(automation)
            .set_lambda(lambda)
            .set_run_command(run_command)
            .set_step_functions(step_functions)
            .build(),
    )
}

/// The `run_command_parameters` block as SSM takes it.
fn run_command(r: &Value) -> MaintenanceWindowRunCommandParameters {
    let notification = first(r, "notification_config").map(|n| {
        let events = str_list(n, "notification_events");
        NotificationConfig::builder()
            .set_notification_arn(opt_str(n, "notification_arn"))
            .set_notification_events(
                (!events.is_empty()).then(|| events.iter().map(|e| NotificationEvent::from(e.as_str())).collect()),
            )
            .set_notification_type(opt_str(n, "notification_type").map(|t| NotificationType::from(t.as_str())))
            .build()
    });
    let cloudwatch = first(r, "cloudwatch_config").map(|c| {
        CloudWatchOutputConfig::builder()
            .set_cloud_watch_log_group_name(opt_str(c, "cloudwatch_log_group_name"))
            .cloud_watch_output_enabled(opt_bool(c, "cloudwatch_output_enabled").unwrap_or(false))
            .build()
    });
    MaintenanceWindowRunCommandParameters::builder()
        .set_comment(opt_str(r, "comment"))
        .set_document_hash(opt_str(r, "document_hash"))
        .set_document_hash_type(opt_str(r, "document_hash_type").map(|t| DocumentHashType::from(t.as_str())))
        .set_document_version(opt_str(r, "document_version"))
        .set_notification_config(notification)
        .set_output_s3_bucket_name(opt_str(r, "output_s3_bucket"))
        .set_output_s3_key_prefix(opt_str(r, "output_s3_key_prefix"))
        .set_parameters(parameters(r))
        .set_service_role_arn(opt_str(r, "service_role_arn"))
        .set_timeout_seconds(opt_i32(r, "timeout_seconds"))
        .set_cloud_watch_output_config(cloudwatch)
        .build()
}

/// A parameter map as the `parameter` set reads it, in name order.
fn parameter_blocks(m: Option<&HashMap<String, Vec<String>>>) -> Value {
    let mut names: Vec<(&String, &Vec<String>)> = m.map(|m| m.iter().collect()).unwrap_or_default();
    names.sort();
    Value::List(
        names
            .into_iter()
            .map(|(k, v)| {
                Value::object([
                    ("name", Value::str(k)),
                    ("values", Value::List(v.iter().map(Value::str).collect())),
                ])
            })
            .collect(),
    )
}

/// One nested block read back: a list of the one object, or empty when AWS has none.
fn block(b: Option<Value>) -> Value {
    Value::List(b.into_iter().collect())
}

/// The `task_invocation_parameters` block as SSM answers it.
fn invocation_value(p: &MaintenanceWindowTaskInvocationParameters) -> Value {
    let automation = p.automation().map(|a| {
        Value::object([
            ("document_version", Value::from(a.document_version())),
            ("parameter", parameter_blocks(a.parameters())),
        ])
    });
    let lambda = p.lambda().map(|l| {
        Value::object([
            ("client_context", Value::from(l.client_context())),
            (
                "payload",
                Value::from(l.payload().map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())),
            ),
            ("qualifier", Value::from(l.qualifier())),
        ])
    });
    let run_command = p.run_command().map(|r| {
        let notification = r.notification_config().map(|n| {
            Value::object([
                ("notification_arn", Value::from(n.notification_arn())),
                (
                    "notification_events",
                    Value::List(n.notification_events().iter().map(|e| Value::str(e.as_str())).collect()),
                ),
                (
                    "notification_type",
                    Value::from(n.notification_type().map(|t| t.as_str())),
                ),
            ])
        });
        let cloudwatch = r.cloud_watch_output_config().map(|c| {
            Value::object([
                ("cloudwatch_log_group_name", Value::from(c.cloud_watch_log_group_name())),
                ("cloudwatch_output_enabled", Value::from(c.cloud_watch_output_enabled())),
            ])
        });
        Value::object([
            ("comment", Value::from(r.comment())),
            ("document_hash", Value::from(r.document_hash())),
            (
                "document_hash_type",
                Value::from(r.document_hash_type().map(|t| t.as_str())),
            ),
            ("document_version", Value::from(r.document_version())),
            ("notification_config", block(notification)),
            ("output_s3_bucket", Value::from(r.output_s3_bucket_name())),
            ("output_s3_key_prefix", Value::from(r.output_s3_key_prefix())),
            ("parameter", parameter_blocks(r.parameters())),
            ("service_role_arn", Value::from(r.service_role_arn())),
            ("timeout_seconds", Value::from(r.timeout_seconds())),
            ("cloudwatch_config", block(cloudwatch)),
        ])
    });
    let step_functions = p
        .step_functions()
        .map(|s| Value::object([("input", Value::from(s.input())), ("name", Value::from(s.name()))]));
    Value::object([
        ("automation_parameters", block(automation)),
        ("lambda_parameters", block(lambda)),
        ("run_command_parameters", block(run_command)),
        ("step_functions_parameters", block(step_functions)),
    ])
}

impl MaintenanceWindowTask {
    /// The task as state holds it, from GetMaintenanceWindowTask's answer.
    async fn value(&self, window: &str, t: &GetMaintenanceWindowTaskOutput) -> PResult<Value> {
        let id = t.window_task_id().unwrap_or_default();
        let account = self.c.account_id().await?;
        Ok(Value::object([
            ("id", Value::str(id)),
            ("window_task_id", Value::str(id)),
            (
                "arn",
                Value::String(format!("arn:aws:ssm:{}:{account}:windowtask/{id}", self.c.region)),
            ),
            ("window_id", Value::str(window)),
            ("task_type", Value::from(t.task_type().map(|k| k.as_str()))),
            ("task_arn", Value::from(t.task_arn())),
            ("service_role_arn", Value::from(t.service_role_arn())),
            ("max_concurrency", Value::from(t.max_concurrency())),
            ("max_errors", Value::from(t.max_errors())),
            ("cutoff_behavior", Value::from(t.cutoff_behavior().map(|c| c.as_str()))),
            ("priority", Value::from(t.priority())),
            ("name", Value::from(t.name())),
            ("description", Value::from(t.description())),
            ("targets", target_blocks(t.targets())),
            (
                "task_invocation_parameters",
                block(t.task_invocation_parameters().map(invocation_value)),
            ),
        ]))
    }

    /// The limits to send: none for a task without targets, as the provider sends them.
    fn limits(planned: &Value) -> (Option<String>, Option<String>) {
        if targets(planned).is_empty() {
            return (None, None);
        }
        (opt_str(planned, "max_concurrency"), opt_str(planned, "max_errors"))
    }
}

#[async_trait]
impl ResourceType for MaintenanceWindowTask {
    fn type_name(&self) -> &'static str {
        "aws_ssm_maintenance_window_task"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let window = required(planned, "window_id")?;
        let (max_concurrency, max_errors) = Self::limits(planned);
        let out = self
            .c
            .ssm
            .register_task_with_maintenance_window()
            .window_id(&window)
            .task_type(MaintenanceWindowTaskType::from(
                required(planned, "task_type")?.as_str(),
            ))
            .task_arn(required(planned, "task_arn")?)
            .set_targets(Some(targets(planned)).filter(|t| !t.is_empty()))
            .set_max_concurrency(max_concurrency)
            .set_max_errors(max_errors)
            .set_cutoff_behavior(
                opt_str(planned, "cutoff_behavior").map(|c| MaintenanceWindowTaskCutoffBehavior::from(c.as_str())),
            )
            .set_service_role_arn(opt_str(planned, "service_role_arn"))
            .set_name(opt_str(planned, "name"))
            .set_description(opt_str(planned, "description"))
            .set_priority(opt_i32(planned, "priority"))
            .set_task_invocation_parameters(invocation(planned))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out.window_task_id().unwrap_or_default().to_string();
        must_exist(self.read(ctx, &id, planned).await?, "SSM Maintenance Window Task", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (window, task) = window_and_member(id, prior, "WINDOW_TASK_ID")?;
        let r = self
            .c
            .ssm
            .get_maintenance_window_task()
            .window_id(&window)
            .window_task_id(&task)
            .send()
            .await
            .map_err(aws_err);
        match absent_on(r, ABSENT)? {
            Some(t) => Ok(Some(self.value(&window, &t).await?)),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let (window, task) = window_and_member(id, prior, "WINDOW_TASK_ID")?;
        let (max_concurrency, max_errors) = Self::limits(planned);
        self.c
            .ssm
            .update_maintenance_window_task()
            .window_id(&window)
            .window_task_id(&task)
            .replace(true)
            .task_arn(required(planned, "task_arn")?)
            .priority(opt_i32(planned, "priority").unwrap_or(0))
            .set_targets(Some(targets(planned)).filter(|t| !t.is_empty()))
            .set_max_concurrency(max_concurrency)
            .set_max_errors(max_errors)
            .set_cutoff_behavior(
                opt_str(planned, "cutoff_behavior").map(|c| MaintenanceWindowTaskCutoffBehavior::from(c.as_str())),
            )
            .set_service_role_arn(opt_str(planned, "service_role_arn"))
            .set_name(opt_str(planned, "name"))
            .set_description(opt_str(planned, "description"))
            .set_task_invocation_parameters(invocation(planned))
            .send()
            .await
            .map_err(aws_err)?;
        must_exist(
            self.read(ctx, &task, planned).await?,
            "SSM Maintenance Window Task",
            &task,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (window, task) = window_and_member(id, prior, "WINDOW_TASK_ID")?;
        let r = self
            .c
            .ssm
            .deregister_task_from_maintenance_window()
            .window_id(window)
            .window_task_id(task)
            .send()
            .await;
        absent_on(r.map_err(aws_err), ABSENT).map(|_| ())
    }
}
