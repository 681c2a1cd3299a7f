//! `aws_ecs_task_definition`: one revision of a task family. Revisions are immutable, so every
//! argument but the tags forces a new revision; the old one is deregistered (unless
//! `skip_destroy`). The id is the family, as in Terraform; the revision in use is `arn`.

use super::container_definitions;
use super::wire::{replace_body, RawResponse};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_str, owns, required, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, json_array, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;

/// The `aws_ecs_task_definition` resource type.
pub struct TaskDefinition {
    c: Arc<Clients>,
    schema: Schema,
}

impl TaskDefinition {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TaskDefinition {
        let mut schema = resource("aws_ecs_task_definition")
            .arg("container_definitions")
            .force_new()
            .check(json_array())
            .normalized(container_definitions::canonical)
            .arg("skip_destroy")
            .default(false)
            .arg("track_latest")
            .default(false)
            .args(&["tags"]);
        for replaces in [
            "family",
            "cpu",
            "memory",
            "execution_role_arn",
            "task_role_arn",
            "network_mode",
            "requires_compatibilities",
            "ipc_mode",
            "pid_mode",
            "runtime_platform",
            "ephemeral_storage",
            "volume",
            "placement_constraints",
        ] {
            schema = schema.arg(replaces).force_new();
        }
        let schema = schema
            .arg("family")
            .check(matches(
                r"^[0-9A-Za-z_-]{1,255}$",
                "1 to 255 letters, digits, hyphens and underscores",
            ))
            .arg("network_mode")
            .check(one_of(&["bridge", "host", "awsvpc", "none"]))
            .arg("requires_compatibilities")
            .check(one_of(&["EC2", "FARGATE", "EXTERNAL"]))
            .arg("pid_mode")
            .check(one_of(&["host", "task"]))
            .arg("ipc_mode")
            .check(one_of(&["host", "task", "none"]))
            .arg("runtime_platform.cpu_architecture")
            .check(one_of(&["X86_64", "ARM64"]))
            .arg("runtime_platform.operating_system_family")
            .check(one_of(&[
                "WINDOWS_SERVER_2019_FULL",
                "WINDOWS_SERVER_2019_CORE",
                "WINDOWS_SERVER_2016_FULL",
                "WINDOWS_SERVER_2004_CORE",
                "WINDOWS_SERVER_2022_CORE",
                "WINDOWS_SERVER_2022_FULL",
                "WINDOWS_SERVER_20H2_CORE",
                "LINUX",
            ]))
            .arg("ephemeral_storage.size_in_gib")
            .check(int_between(21, 200))
            .arg("placement_constraints.type")
            .check(one_of(&["memberOf"]))
            .not_yet(&[
                "volume.docker_volume_configuration",
                "volume.efs_volume_configuration",
                "volume.fsx_windows_file_server_volume_configuration",
            ])
            .build();
        TaskDefinition { c, schema }
    }

    /// DescribeTaskDefinition as raw JSON (`taskDefinition` and `tags`); `None` when ECS does
    /// not know it.
    pub(super) async fn describe(&self, which: &str) -> PResult<Option<Json>> {
        let raw = RawResponse::default();
        let r = self
            .c
            .ecs
            .describe_task_definition()
            .task_definition(which)
            .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
            .customize()
            .interceptor(raw.clone())
            .send()
            .await
            .map_err(aws_err);
        match absent_on(r, &["ClientException", "TaskDefinitionNotFoundException"])? {
            Some(_) => raw.json().map(Some),
            None => Ok(None),
        }
    }
}

/// The RegisterTaskDefinition request in ECS's JSON, from the planned value.
fn register_request(ctx: &CallCtx, planned: &Value) -> PResult<Json> {
    let text = planned
        .get("container_definitions")
        .to_plain_string()
        .ok_or_else(|| ProviderError::msg("container_definitions is required"))?;
    let containers = container_definitions::parse(&text).map_err(ProviderError::msg)?;
    let mut req = Map::new();
    req.insert("family".into(), json!(opt_str(planned, "family")));
    req.insert("containerDefinitions".into(), Json::Array(containers));
    let strings = [
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("execution_role_arn", "executionRoleArn"),
        ("task_role_arn", "taskRoleArn"),
        ("network_mode", "networkMode"),
        ("ipc_mode", "ipcMode"),
        ("pid_mode", "pidMode"),
    ];
    for (ours, theirs) in strings {
        if let Some(v) = opt_str(planned, ours) {
            req.insert(theirs.into(), json!(v));
        }
    }
    let compat = crate::provider::aws::common::str_list(planned, "requires_compatibilities");
    if !compat.is_empty() {
        req.insert("requiresCompatibilities".into(), json!(compat));
    }
    if let Some(rp) = first(planned, "runtime_platform") {
        let mut o = Map::new();
        if let Some(v) = opt_str(rp, "operating_system_family") {
            o.insert("operatingSystemFamily".into(), json!(v));
        }
        if let Some(v) = opt_str(rp, "cpu_architecture") {
            o.insert("cpuArchitecture".into(), json!(v));
        }
        req.insert("runtimePlatform".into(), Json::Object(o));
    }
    if let Some(es) = first(planned, "ephemeral_storage") {
        req.insert(
            "ephemeralStorage".into(),
            json!({ "sizeInGiB": es.get("size_in_gib").as_number().unwrap_or(21.0) as i64 }),
        );
    }
    let volumes: Vec<Json> = blocks(planned, "volume")
        .iter()
        .map(|v| {
            let mut o = Map::new();
            o.insert("name".into(), json!(opt_str(v, "name")));
            if let Some(p) = opt_str(v, "host_path") {
                o.insert("host".into(), json!({ "sourcePath": p }));
            }
            if let Some(b) = v.get("configure_at_launch").as_bool() {
                o.insert("configuredAtLaunch".into(), json!(b));
            }
            Json::Object(o)
        })
        .collect();
    if !volumes.is_empty() {
        req.insert("volumes".into(), Json::Array(volumes));
    }
    let constraints: Vec<Json> = blocks(planned, "placement_constraints")
        .iter()
        .map(|p| json!({ "type": opt_str(p, "type"), "expression": opt_str(p, "expression") }))
        .collect();
    if !constraints.is_empty() {
        req.insert("placementConstraints".into(), Json::Array(constraints));
    }
    let tags: Vec<Json> = crate::provider::aws::common::tags_to_write(ctx, planned)
        .into_iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    req.insert("tags".into(), Json::Array(tags));
    Ok(Json::Object(req))
}

fn blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).as_list().unwrap_or(&[])
}

fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    blocks(v, name).first()
}

fn jstr(v: &Json, key: &str) -> Value {
    v.get(key).and_then(Json::as_str).map(Value::str).unwrap_or(Value::Null)
}

/// State from DescribeTaskDefinition's JSON. The configured container definitions are kept
/// when ECS's answer means the same thing, so defaults ECS fills in plan no change.
pub(super) fn to_state(out: &Json, prior: &Value) -> Value {
    let td = &out["taskDefinition"];
    let arn = td.get("taskDefinitionArn").and_then(Json::as_str).unwrap_or_default();
    let live = td.get("containerDefinitions").cloned().unwrap_or(Json::Array(vec![]));
    let live_text = serde_json::to_string(&live).unwrap_or_default();
    let containers = match prior.get("container_definitions").to_plain_string() {
        Some(configured) if container_definitions::equivalent(&configured, &live_text) => configured,
        _ => {
            let reduced = container_definitions::reduce(live.as_array().cloned().unwrap_or_default());
            serde_json::to_string(&reduced).unwrap_or(live_text)
        }
    };
    let one = |o: Option<Value>| Value::List(o.into_iter().collect());
    let runtime = td.get("runtimePlatform").filter(|v| v.is_object()).map(|rp| {
        Value::object([
            ("operating_system_family", jstr(rp, "operatingSystemFamily")),
            ("cpu_architecture", jstr(rp, "cpuArchitecture")),
        ])
    });
    let storage = td
        .get("ephemeralStorage")
        .and_then(|e| e.get("sizeInGiB"))
        .and_then(Json::as_f64)
        .map(|n| Value::object([("size_in_gib", Value::Number(n))]));
    let volumes = td
        .get("volumes")
        .and_then(Json::as_array)
        .map(|vs| {
            vs.iter()
                .map(|v| {
                    Value::object([
                        ("name", jstr(v, "name")),
                        (
                            "host_path",
                            v.get("host").map(|h| jstr(h, "sourcePath")).unwrap_or(Value::Null),
                        ),
                        (
                            "configure_at_launch",
                            v.get("configuredAtLaunch")
                                .and_then(Json::as_bool)
                                .map(Value::Bool)
                                .unwrap_or(Value::Null),
                        ),
                    ])
                })
                .collect()
        })
        .unwrap_or_default();
    let constraints = td
        .get("placementConstraints")
        .and_then(Json::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| Value::object([("type", jstr(p, "type")), ("expression", jstr(p, "expression"))]))
                .collect()
        })
        .unwrap_or_default();
    let compat = td
        .get("requiresCompatibilities")
        .and_then(Json::as_array)
        .map(|l| l.iter().filter_map(Json::as_str).map(Value::str).collect())
        .unwrap_or_default();
    let tag_pairs = out["tags"].as_array().into_iter().flatten().map(|t| {
        (
            t.get("key").and_then(Json::as_str).unwrap_or_default().to_string(),
            t.get("value").and_then(Json::as_str).unwrap_or_default().to_string(),
        )
    });
    let keep = |name: &str, default: bool| match prior.get(name) {
        Value::Bool(b) => Value::Bool(*b),
        _ => Value::Bool(default),
    };
    Value::object([
        ("id", jstr(td, "family")),
        ("family", jstr(td, "family")),
        ("container_definitions", Value::str(containers)),
        ("cpu", jstr(td, "cpu")),
        ("memory", jstr(td, "memory")),
        ("execution_role_arn", jstr(td, "executionRoleArn")),
        ("task_role_arn", jstr(td, "taskRoleArn")),
        ("network_mode", jstr(td, "networkMode")),
        ("requires_compatibilities", Value::List(compat)),
        ("ipc_mode", jstr(td, "ipcMode")),
        ("pid_mode", jstr(td, "pidMode")),
        ("skip_destroy", keep("skip_destroy", false)),
        ("track_latest", keep("track_latest", false)),
        ("runtime_platform", one(runtime)),
        ("ephemeral_storage", one(storage)),
        ("volume", Value::List(volumes)),
        ("placement_constraints", Value::List(constraints)),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tag_pairs)),
        ("arn", Value::str(arn)),
        ("arn_without_revision", Value::str(without_revision(arn))),
        (
            "revision",
            td.get("revision")
                .and_then(Json::as_f64)
                .map(Value::Number)
                .unwrap_or(Value::Null),
        ),
    ])
}

fn without_revision(arn: &str) -> &str {
    match arn.rsplit_once(':') {
        Some((head, rev)) if rev.chars().all(|c| c.is_ascii_digit()) => head,
        _ => arn,
    }
}

#[async_trait]
impl ResourceType for TaskDefinition {
    fn type_name(&self) -> &'static str {
        "aws_ecs_task_definition"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let family = required(planned, "family")?;
        let body = register_request(ctx, planned)?;
        let raw = RawResponse::default();
        // The typed input only satisfies the SDK's own required-field checks; the body sent is
        // `body`.
        self.c
            .ecs
            .register_task_definition()
            .family(&family)
            .container_definitions(aws_sdk_ecs::types::ContainerDefinition::builder().build())
            .customize()
            .mutate_request(replace_body(&body))
            .interceptor(raw.clone())
            .send()
            .await
            .map_err(aws_err)?;
        let arn = raw.json()?["taskDefinition"]["taskDefinitionArn"]
            .as_str()
            .ok_or_else(|| ProviderError::msg("RegisterTaskDefinition returned no ARN"))?
            .to_string();
        let read = self.describe(&arn).await?.map(|out| to_state(&out, planned));
        must_exist(read, "ECS task definition", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let track_latest = prior.get("track_latest").as_bool() == Some(true);
        let which = match opt_str(prior, "arn") {
            Some(arn) if !track_latest => arn,
            _ => id.to_string(),
        };
        let Some(out) = self.describe(&which).await? else {
            return Ok(None);
        };
        // A deregistered revision is gone as far as the blueprint is concerned.
        if out["taskDefinition"]["status"].as_str() == Some("INACTIVE") {
            return Ok(None);
        }
        Ok(Some(to_state(&out, prior)))
    }

    async fn update(&self, _ctx: &CallCtx, _id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // Only tags and the local flags change in place; everything else forces a new revision.
        let arn = opt_str(prior, "arn").ok_or_else(|| ProviderError::msg("task definition has no ARN in state"))?;
        super::update_tags(&self.c.ecs, &arn, prior, planned).await?;
        let read = self.describe(&arn).await?.map(|out| to_state(&out, planned));
        must_exist(read, "ECS task definition", &arn)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if prior.get("skip_destroy").as_bool() == Some(true) {
            return Ok(());
        }
        let arn = opt_str(prior, "arn").unwrap_or_else(|| id.to_string());
        let r = self
            .c
            .ecs
            .deregister_task_definition()
            .task_definition(&arn)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["ClientException", "TaskDefinitionNotFoundException"]).map(|_| ())
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        crate::provider::aws::common::known_early(planned, &["family"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(family) = opt_str(planned, "family") else {
            return Ok(None);
        };
        let r = self
            .c
            .ecs
            .list_task_definitions()
            .family_prefix(&family)
            .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
            .sort(aws_sdk_ecs::types::SortOrder::Desc)
            .send()
            .await
            .map_err(aws_err)?;
        for arn in r.task_definition_arns() {
            // The family prefix also matches longer family names.
            if without_revision(arn).rsplit('/').next() != Some(family.as_str()) {
                continue;
            }
            let Some(out) = self.describe(arn).await? else {
                continue;
            };
            let tags = out["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| Some((t.get("key")?.as_str()?, t.get("value")?.as_str()?)));
            if owns(tags, ctx) {
                return Ok(Some(arn.to_string()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_is_cut_from_the_arn() {
        assert_eq!(
            without_revision("arn:aws:ecs:us-east-1:123:task-definition/api:7"),
            "arn:aws:ecs:us-east-1:123:task-definition/api"
        );
        assert_eq!(without_revision("api"), "api");
    }

    #[test]
    fn request_uses_ecs_names() {
        let ctx = CallCtx {
            stack: "s".into(),
            address: "aws_ecs_task_definition.api".into(),
            resumed: false,
            token: String::new(),
            keeper: Default::default(),
        };
        let planned = Value::object([
            ("family", Value::str("api")),
            (
                "container_definitions",
                Value::str(r#"[{"name":"api","image":"nginx","secrets":[{"name":"K","valueFrom":"arn:x"}]}]"#),
            ),
            ("cpu", Value::str("256")),
            ("requires_compatibilities", Value::List(vec![Value::str("FARGATE")])),
            (
                "runtime_platform",
                Value::List(vec![Value::object([
                    ("operating_system_family", Value::str("LINUX")),
                    ("cpu_architecture", Value::str("ARM64")),
                ])]),
            ),
        ]);
        let req = register_request(&ctx, &planned).unwrap();
        assert_eq!(req["cpu"], "256");
        assert_eq!(req["requiresCompatibilities"][0], "FARGATE");
        assert_eq!(req["runtimePlatform"]["cpuArchitecture"], "ARM64");
        assert_eq!(req["containerDefinitions"][0]["secrets"][0]["valueFrom"], "arn:x");
        assert!(req["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["key"] == "infractl:stack"));
    }
}
