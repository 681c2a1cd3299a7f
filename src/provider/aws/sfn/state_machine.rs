//! `aws_sfn_state_machine`: a Step Functions state machine, as the provider's
//! `resourceStateMachine` makes it. The id is the ARN (which `import` takes). The name (or a
//! name generated from `name_prefix`) and the type replace the machine; the definition, role,
//! logging, tracing and encryption change in place with UpdateStateMachine, which `publish`
//! makes publish a new version (`state_machine_version_arn` is then the newest version's ARN).
//! Create is retried while IAM has not yet let Step Functions assume a new role
//! (`AccessDeniedException`) or a machine of that name is still being deleted, as the provider
//! retries it. Delete waits until the machine is gone. The definition is compared as JSON and
//! checked at plan as the Amazon States Language requires it (an object with `StartAt` naming
//! one of its `States`); the provider asks AWS's ValidateStateMachineDefinition at plan, which
//! finds more.

use super::{encryption_decl, encryption_request, encryption_state, sdk_tags, sync_sfn_tags, tags_of, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, first, json_as_configured, known_early, must_exist, name_or_generated,
    name_prefix_read, ok_on, op_timeout, opt_bool, opt_str, owns, read_beside, required, retry_while, tags_to_write,
    user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::meta::partition::of_region;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{arn, len_between, matches, one_of, Rule as Between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_sfn::operation::describe_state_machine::DescribeStateMachineOutput;
use aws_sdk_sfn::types::{
    CloudWatchLogsLogGroup, LogDestination, LogLevel, LoggingConfiguration, StateMachineType, TracingConfiguration,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_sfn_state_machine` resource type.
pub struct StateMachine {
    c: Arc<Clients>,
    schema: Schema,
}

/// The characters of a state machine name (the provider's pattern).
const NAME_CHARS: &str = r"^[0-9A-Za-z_-]+$";

/// Arguments whose change makes the provider call UpdateStateMachine (all but the tags and
/// what replaces the machine).
const SETTINGS: &[&str] = &[
    "definition",
    "role_arn",
    "publish",
    "logging_configuration",
    "tracing_configuration",
    "encryption_configuration",
];

impl StateMachine {
    /// Creates the type with its clients; checks and defaults are the provider's.
    pub fn new(c: Arc<Clients>) -> StateMachine {
        let schema = encryption_decl(
            resource("aws_sfn_state_machine")
                .arg("name")
                .force_new()
                .check(len_between(1, 80))
                .check(matches(NAME_CHARS, "letters, digits, hyphens and underscores"))
                .arg("name_prefix")
                .force_new()
                .check(len_between(1, 54))
                .check(matches(NAME_CHARS, "letters, digits, hyphens and underscores"))
                .arg("definition")
                .check(len_between(0, 1024 * 1024))
                .compare_json()
                .arg("role_arn")
                .check(arn())
                .arg("type")
                .force_new()
                .default("STANDARD")
                .check(one_of(StateMachineType::values()))
                .arg("publish")
                .default(false)
                .arg("logging_configuration")
                .arg("logging_configuration.level")
                .check(one_of(LogLevel::values()))
                .args(&["tracing_configuration", "tags"])
                .computed_blocks(&["logging_configuration", "tracing_configuration"])
                .rule(Between::Conflicts(&["name", "name_prefix"])),
        )
        .timeouts(5, 1, 5)
        .build();
        StateMachine { c, schema }
    }

    async fn describe(&self, arn: &str) -> PResult<Option<DescribeStateMachineOutput>> {
        let r = self
            .c
            .sfn
            .describe_state_machine()
            .state_machine_arn(arn)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }

    /// The newest published version's ARN (versions come newest first).
    async fn latest_version(&self, arn: &str) -> PResult<Option<String>> {
        let out = self
            .c
            .sfn
            .list_state_machine_versions()
            .state_machine_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .state_machine_versions()
            .first()
            .map(|v| v.state_machine_version_arn().to_string()))
    }

    /// The ARN a machine of this name has in this account and region.
    async fn arn_of(&self, name: &str) -> PResult<String> {
        let account = self.c.account_id().await?;
        let region = &self.c.region;
        Ok(format!(
            "arn:{}:states:{region}:{account}:stateMachine:{name}",
            of_region(region).0
        ))
    }
}

/// The `logging_configuration` block as Step Functions takes it (the provider's
/// `expandLoggingConfiguration`).
fn logging_request(planned: &Value) -> Option<LoggingConfiguration> {
    let l = first(planned, "logging_configuration")?;
    let destination = opt_str(l, "log_destination").filter(|d| !d.is_empty()).map(|d| {
        LogDestination::builder()
            .cloud_watch_logs_log_group(CloudWatchLogsLogGroup::builder().log_group_arn(d).build())
            .build()
    });
    Some(
        LoggingConfiguration::builder()
            .set_level(
                opt_str(l, "level")
                    .filter(|s| !s.is_empty())
                    .map(|s| LogLevel::from(s.as_str())),
            )
            .include_execution_data(opt_bool(l, "include_execution_data").unwrap_or(false))
            .set_destinations(destination.map(|d| vec![d]))
            .build(),
    )
}

/// The `tracing_configuration` block as Step Functions takes it.
fn tracing_request(planned: &Value) -> Option<TracingConfiguration> {
    let t = first(planned, "tracing_configuration")?;
    Some(
        TracingConfiguration::builder()
            .enabled(opt_bool(t, "enabled").unwrap_or(false))
            .build(),
    )
}

/// What the Amazon States Language requires of a definition before AWS reads further: a JSON
/// object whose `StartAt` names one of its `States`.
fn definition_problem(text: &str) -> Option<String> {
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => return Some(format!("\"definition\" is not valid JSON: {e}")),
    };
    let Some(states) = doc.get("States").and_then(|s| s.as_object()) else {
        return Some("\"definition\" has no \"States\" object: a state machine must list its states".into());
    };
    match doc.get("StartAt").and_then(|s| s.as_str()) {
        None => Some("\"definition\" has no \"StartAt\" string naming the first state".into()),
        Some(start) if !states.contains_key(start) => Some(format!(
            "\"definition\": \"StartAt\" names \"{start}\", which is not one of its \"States\""
        )),
        Some(_) => None,
    }
}

/// The machine as state holds it (the provider's read).
fn to_state(
    out: &DescribeStateMachineOutput,
    version: Option<String>,
    tags: Vec<(String, String)>,
    prior: &Value,
) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    let logging = out.logging_configuration().map(|l| {
        let destination = l
            .destinations()
            .first()
            .and_then(|d| d.cloud_watch_logs_log_group())
            .and_then(|g| g.log_group_arn());
        Value::object([
            ("include_execution_data", Value::Bool(l.include_execution_data())),
            ("level", s(l.level().map(|l| l.as_str()))),
            ("log_destination", s(destination)),
        ])
    });
    let tracing = out
        .tracing_configuration()
        .map(|t| Value::object([("enabled", Value::Bool(t.enabled()))]));
    let name = out.name();
    Value::object([
        ("id", Value::str(out.state_machine_arn())),
        ("arn", Value::str(out.state_machine_arn())),
        ("name", Value::str(name)),
        ("name_prefix", name_prefix_read(prior, Some(name), "")),
        (
            "definition",
            json_as_configured(prior.get("definition"), Some(out.definition().to_string())),
        ),
        ("role_arn", Value::str(out.role_arn())),
        ("type", Value::str(out.r#type().as_str())),
        ("status", s(out.status().map(|s| s.as_str()))),
        ("creation_date", Value::str(rfc3339(out.creation_date()))),
        ("description", s(out.description())),
        ("revision_id", s(out.revision_id())),
        ("state_machine_version_arn", Value::from(version)),
        ("version_description", prior.get("version_description").clone()),
        ("publish", Value::Bool(opt_bool(prior, "publish").unwrap_or(false))),
        ("logging_configuration", Value::List(logging.into_iter().collect())),
        ("tracing_configuration", Value::List(tracing.into_iter().collect())),
        (
            "encryption_configuration",
            encryption_state(out.encryption_configuration()),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for StateMachine {
    fn type_name(&self) -> &'static str {
        "aws_sfn_state_machine"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match config.get("definition").as_str() {
            Some(text) => definition_problem(text).map_or(Ok(()), Err),
            None => Ok(()),
        }
    }

    /// A published change makes a new version: its ARN and the revision are known only after
    /// the update (the provider's `stateMachineUpdateComputedAttributesOnPublish`).
    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let Some(prior) = prior else { return Ok(None) };
        let changed = SETTINGS.iter().any(|k| prior.get(k) != planned.get(k));
        if changed && opt_bool(planned, "publish") == Some(true) {
            if let Value::Object(m) = planned {
                m.insert("revision_id".into(), Value::Unknown);
                m.insert("state_machine_version_arn".into(), Value::Unknown);
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let tags = sdk_tags(tags_to_write(ctx, planned));
        let req = self
            .c
            .sfn
            .create_state_machine()
            .name(&name)
            .definition(required(planned, "definition")?)
            .role_arn(required(planned, "role_arn")?)
            .r#type(StateMachineType::from(
                opt_str(planned, "type").unwrap_or_else(|| "STANDARD".into()).as_str(),
            ))
            .publish(opt_bool(planned, "publish").unwrap_or(false))
            .set_logging_configuration(logging_request(planned))
            .set_tracing_configuration(tracing_request(planned))
            .set_encryption_configuration(encryption_request(planned)?)
            .set_tags((!tags.is_empty()).then_some(tags));
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(300));
        let out = retry_while(&["StateMachineDeleting", "AccessDeniedException"], timeout, || async {
            req.clone().send().await.map_err(aws_err)
        })
        .await
        .map_err(|e| e.context(format!("creating Step Functions State Machine ({name})")))?;
        let arn = out.state_machine_arn().to_string();
        must_exist(
            self.read(ctx, &arn, planned).await?,
            "Step Functions state machine",
            &arn,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let rest = async { tokio::try_join!(self.latest_version(id), tags_of(&self.c, id)) };
        let Some((out, (version, tags))) = read_beside(self.describe(id), rest).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&out, version, tags, prior)))
    }

    /// UpdateStateMachine with the definition, the role and `publish` when anything but the
    /// tags changed, and each configuration block that changed (the provider's update).
    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if SETTINGS.iter().any(|k| prior.get(k) != planned.get(k)) {
            let changed = |k: &str| prior.get(k) != planned.get(k);
            let publish = opt_bool(planned, "publish").unwrap_or(false);
            let mut req = self
                .c
                .sfn
                .update_state_machine()
                .state_machine_arn(id)
                .set_definition(opt_str(planned, "definition"))
                .set_role_arn(opt_str(planned, "role_arn"))
                .publish(publish);
            if changed("logging_configuration") {
                req = req.set_logging_configuration(logging_request(planned));
            }
            if changed("tracing_configuration") {
                req = req.set_tracing_configuration(tracing_request(planned));
            }
            if changed("encryption_configuration") {
                req = req.set_encryption_configuration(encryption_request(planned)?);
            }
            if publish {
                req = req.set_version_description(opt_str(prior, "version_description").filter(|d| !d.is_empty()));
            }
            req.send()
                .await
                .map_err(|e| aws_err(e).context(format!("updating Step Functions State Machine ({id})")))?;
        }
        sync_sfn_tags(&self.c, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Step Functions state machine", id)
    }

    /// DeleteStateMachine, then a wait until the machine is gone (it is `DELETING` while its
    /// executions stop).
    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .sfn
            .delete_state_machine()
            .state_machine_arn(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(300));
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(out) => Poll::pending(out.status().map_or("ACTIVE", |s| s.as_str())),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        known_early(planned, &["name"])
    }

    /// A machine of the planned name carrying this stack's tags for this address (a run killed
    /// after the create call); a generated name cannot be looked up.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let arn = self.arn_of(&name).await?;
        if self.describe(&arn).await?.is_none() {
            return Ok(None);
        }
        let tags = tags_of(&self.c, &arn).await?;
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(arn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_checked_as_the_states_language_requires() {
        let ok = r#"{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}"#;
        assert_eq!(definition_problem(ok), None);
        assert!(definition_problem("not json").unwrap().contains("not valid JSON"));
        assert!(definition_problem(r#"{"StartAt":"A"}"#).unwrap().contains("\"States\""));
        assert!(definition_problem(r#"{"States":{}}"#).unwrap().contains("\"StartAt\""));
        assert!(
            definition_problem(r#"{"StartAt":"B","States":{"A":{"Type":"Succeed"}}}"#)
                .unwrap()
                .contains("names \"B\"")
        );
    }

    #[test]
    fn blocks_are_sent_as_the_provider_expands_them() {
        let planned = Value::object([
            (
                "logging_configuration",
                Value::List(vec![Value::object([
                    ("level", Value::str("ERROR")),
                    ("include_execution_data", Value::Bool(true)),
                    (
                        "log_destination",
                        Value::str("arn:aws:logs:us-east-1:123456789012:log-group:x:*"),
                    ),
                ])]),
            ),
            (
                "tracing_configuration",
                Value::List(vec![Value::object([("enabled", Value::Bool(true))])]),
            ),
        ]);
        let l = logging_request(&planned).unwrap();
        assert_eq!(l.level(), Some(&LogLevel::Error));
        assert!(l.include_execution_data());
        assert_eq!(l.destinations().len(), 1);
        assert!(tracing_request(&planned).unwrap().enabled());
        assert!(logging_request(&Value::object::<&str>([])).is_none());
    }
}
