//! `aws_lambda_function`: a function, its code (a local zip read from `filename` and sent
//! inline, an S3 object, or a container image) and its configuration. As in the provider,
//! code and configuration are changed by separate calls (UpdateFunctionCode when `filename`,
//! `source_code_hash`, the S3 location, `image_uri` or `architectures` change;
//! UpdateFunctionConfiguration for the rest), each followed by a wait for `LastUpdateStatus`
//! to turn `Successful`; a create waits for `State` to turn `Active`. `publish` publishes a
//! version after each change. Only `function_name` and `package_type` force a new function.
//! The id is the function name (`import` takes it).
//!
//! `source_code_hash` is kept as configured (the provider compares it with the configuration
//! only; `code_sha256` is what Lambda reports), so a new archive hash is what makes a code
//! update, as with Terraform.

use super::{
    get_function, invoke_arn, read_zip, retry_function_op, sync_lambda_tags, wait_active, wait_updated, NOT_FOUND,
};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, first, list_value, map_value, must_exist, op_timeout, opt_str,
    owns, recorded, required, str_list, tags_to_write, user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_at_least, int_between, len_between, matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    ApplicationLogLevel, Architecture, DeadLetterConfig, Environment, EphemeralStorage, FileSystemConfig, FunctionCode,
    FunctionConfiguration, ImageConfig, LogFormat, LoggingConfig, PackageType, Runtime, SnapStart, SnapStartApplyOn,
    SystemLogLevel, TracingConfig, TracingMode, VpcConfig,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_lambda_function` resource type.
pub struct Function {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's default timeouts (10 minutes each).
const TIMEOUT: Duration = Duration::from_secs(600);

/// Arguments whose change makes an UpdateFunctionCode (the provider's `needsFunctionCodeUpdate`).
const CODE_ARGS: &[&str] = &[
    "filename",
    "source_code_hash",
    "s3_bucket",
    "s3_key",
    "s3_object_version",
    "image_uri",
    "architectures",
];

/// Arguments whose change makes an UpdateFunctionConfiguration (the provider's
/// `needsFunctionConfigUpdate`).
const CONFIG_ARGS: &[&str] = &[
    "description",
    "handler",
    "file_system_config",
    "image_config",
    "logging_config",
    "memory_size",
    "role",
    "timeout",
    "kms_key_arn",
    "layers",
    "dead_letter_config",
    "snap_start",
    "tracing_config",
    "vpc_config",
    "runtime",
    "environment",
    "ephemeral_storage",
];

impl Function {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Function {
        let schema = resource("aws_lambda_function")
            .arg("function_name")
            .force_new()
            .check(super::function_name())
            .arg("package_type")
            .force_new()
            .default("Zip")
            .check(one_of(PackageType::values()))
            .arg("role")
            .check(arn())
            .arg("handler")
            .check(len_between(1, 128))
            .arg("runtime")
            .check(one_of(Runtime::values()))
            .arg("memory_size")
            .default(128)
            .check(int_between(128, 10240))
            .arg("timeout")
            .default(3)
            .check(int_between(1, 900))
            .arg("publish")
            .default(false)
            .arg("skip_destroy")
            .default(false)
            .arg("reserved_concurrent_executions")
            .default(-1)
            .check(int_at_least(-1))
            .arg("architectures")
            .check(one_of(Architecture::values()))
            .arg("kms_key_arn")
            .check(arn())
            .arg("layers")
            .check(arn())
            .arg("dead_letter_config.target_arn")
            .check(arn())
            .arg("ephemeral_storage.size")
            .check(int_between(512, 10240))
            .arg("file_system_config.arn")
            .check(arn())
            .arg("file_system_config.local_mount_path")
            .check(matches(r"^/mnt/[0-9A-Za-z_.-]+$", "a path starting with /mnt/"))
            .arg("tracing_config.mode")
            .check(one_of(TracingMode::values()))
            .arg("logging_config.log_format")
            .check(one_of(LogFormat::values()))
            .arg("logging_config.application_log_level")
            .check(one_of(ApplicationLogLevel::values()))
            .arg("logging_config.system_log_level")
            .check(one_of(SystemLogLevel::values()))
            .arg("logging_config.log_group")
            .check(matches(r"^[\.\-_/#A-Za-z0-9]{1,512}$", "a log group name"))
            .arg("snap_start.apply_on")
            .check(one_of(SnapStartApplyOn::values()))
            .args(&[
                "description",
                "filename",
                "source_code_hash",
                "s3_bucket",
                "s3_key",
                "s3_object_version",
                "image_uri",
                "environment",
                "vpc_config",
                "image_config",
                "tags",
                "replace_security_groups_on_destroy",
                "replacement_security_group_ids",
            ])
            .computed_blocks(&["ephemeral_storage", "logging_config", "tracing_config"])
            .rule(Rule::ExactlyOne(&["filename", "image_uri", "s3_bucket"]))
            .rule(Rule::RequiredWith(
                "replacement_security_group_ids",
                &["replace_security_groups_on_destroy"],
            ))
            .rule(Rule::RequiredWith("s3_bucket", &["s3_key"]))
            .rule(Rule::RequiredWith("s3_key", &["s3_bucket"]))
            .rule(Rule::Conflicts(&["s3_object_version", "filename"]))
            .rule(Rule::Conflicts(&["s3_object_version", "image_uri"]))
            .timeouts(10, 10, 10)
            .build();
        Function { c, schema }
    }

    /// Before a VPC function is deleted, gives its VPC configuration the replacement security
    /// groups (the VPC's default group when none are named) and waits for the update, so the
    /// network interfaces Lambda leaves behind no longer hold the configured groups and those
    /// can be deleted sooner: the provider's `replace_security_groups_on_destroy` since 5.52.
    async fn replace_security_groups(&self, id: &str, prior: &Value) -> PResult<()> {
        let Some(vpc) = first(prior, "vpc_config") else {
            return Ok(());
        };
        let subnets = str_list(vpc, "subnet_ids");
        if subnets.is_empty() {
            return Ok(());
        }
        let mut groups = str_list(prior, "replacement_security_group_ids");
        if groups.is_empty() {
            let vpc_id = opt_str(vpc, "vpc_id")
                .ok_or_else(|| ProviderError::msg(format!("Lambda function {id} has no VPC id in state")))?;
            let filter =
                |name: &str, value: &str| aws_sdk_ec2::types::Filter::builder().name(name).values(value).build();
            let out = self
                .c
                .ec2
                .describe_security_groups()
                .filters(filter("vpc-id", &vpc_id))
                .filters(filter("group-name", "default"))
                .send()
                .await
                .map_err(aws_err)?;
            groups = out
                .security_groups()
                .iter()
                .filter_map(|g| g.group_id())
                .take(1)
                .map(str::to_string)
                .collect();
            if groups.is_empty() {
                return Err(ProviderError::msg(format!(
                    "no default security group found in VPC {vpc_id} to give Lambda function {id} before deleting it"
                )));
            }
        }
        let config = VpcConfig::builder()
            .set_subnet_ids(Some(subnets))
            .set_security_group_ids(Some(groups))
            .build();
        let updated = retry_function_op(|| async {
            let r = self
                .c
                .lambda
                .update_function_configuration()
                .function_name(id)
                .vpc_config(config.clone())
                .send()
                .await
                .map_err(aws_err);
            absent_on(r, NOT_FOUND)
        })
        .await?;
        if updated.is_some() {
            wait_updated(&self.c, id, op_timeout(&self.schema, prior, Op::Delete, TIMEOUT)).await?;
        }
        Ok(())
    }

    /// The function's state from GetFunction, its latest version and the prior value (for
    /// what Lambda does not report: where the code came from, `publish`, `tags`).
    async fn read_state(&self, name: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(out) = get_function(&self.c, name, None).await? else {
            return Ok(None);
        };
        let latest = latest_version(&self.c, name).await?;
        Ok(Some(to_state(&self.c.region, &out, latest, prior)))
    }

    /// Publishes a version after a change, retrying while an update is still in progress.
    async fn publish(&self, name: &str, timeout: Duration) -> PResult<()> {
        retry_function_op(|| async {
            self.c
                .lambda
                .publish_version()
                .function_name(name)
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        wait_updated(&self.c, name, timeout).await
    }

    async fn put_concurrency(&self, name: &str, planned: &Value) -> PResult<()> {
        match number(planned, "reserved_concurrent_executions") {
            Some(n) if n >= 0 => {
                self.c
                    .lambda
                    .put_function_concurrency()
                    .function_name(name)
                    .reserved_concurrent_executions(n as i32)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
            _ => {
                self.c
                    .lambda
                    .delete_function_concurrency()
                    .function_name(name)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        Ok(())
    }
}

/// A whole-number argument, if set.
fn number(v: &Value, name: &str) -> Option<i64> {
    v.get(name).as_number().map(|n| n as i64)
}

/// A string map argument (environment variables) as the SDK takes it.
fn string_map(v: &Value) -> HashMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.to_plain_string().map(|x| (k.clone(), x)))
                .collect()
        })
        .unwrap_or_default()
}

/// Where the code comes from: the zip's bytes, the S3 object, or the image.
enum Code {
    Zip(Vec<u8>),
    S3 {
        bucket: String,
        key: String,
        version: Option<String>,
    },
    Image(String),
}

async fn code_of(planned: &Value) -> PResult<Code> {
    if let Some(path) = opt_str(planned, "filename") {
        return Ok(Code::Zip(read_zip(&path).await?));
    }
    if let Some(uri) = opt_str(planned, "image_uri") {
        return Ok(Code::Image(uri));
    }
    Ok(Code::S3 {
        bucket: opt_str(planned, "s3_bucket").unwrap_or_default(),
        key: opt_str(planned, "s3_key").unwrap_or_default(),
        version: opt_str(planned, "s3_object_version"),
    })
}

fn environment(planned: &Value) -> Option<Environment> {
    let vars = string_map(first(planned, "environment")?.get("variables"));
    (!vars.is_empty()).then(|| Environment::builder().set_variables(Some(vars)).build())
}

fn vpc_config(planned: &Value) -> Option<VpcConfig> {
    let v = first(planned, "vpc_config")?;
    Some(
        VpcConfig::builder()
            .set_subnet_ids(Some(str_list(v, "subnet_ids")))
            .set_security_group_ids(Some(str_list(v, "security_group_ids")))
            .ipv6_allowed_for_dual_stack(v.get("ipv6_allowed_for_dual_stack").as_bool().unwrap_or(false))
            .build(),
    )
}

fn dead_letter(planned: &Value) -> Option<DeadLetterConfig> {
    let arn = opt_str(first(planned, "dead_letter_config")?, "target_arn")?;
    Some(DeadLetterConfig::builder().target_arn(arn).build())
}

fn tracing(planned: &Value) -> Option<TracingConfig> {
    let mode = opt_str(first(planned, "tracing_config")?, "mode")?;
    Some(TracingConfig::builder().mode(TracingMode::from(mode.as_str())).build())
}

fn ephemeral(planned: &Value) -> PResult<Option<EphemeralStorage>> {
    let Some(size) = first(planned, "ephemeral_storage").and_then(|b| number(b, "size")) else {
        return Ok(None);
    };
    EphemeralStorage::builder()
        .size(size as i32)
        .build()
        .map(Some)
        .map_err(build_err)
}

fn file_systems(planned: &Value) -> PResult<Vec<FileSystemConfig>> {
    planned
        .get("file_system_config")
        .as_list()
        .into_iter()
        .flatten()
        .map(|b| {
            FileSystemConfig::builder()
                .set_arn(opt_str(b, "arn"))
                .set_local_mount_path(opt_str(b, "local_mount_path"))
                .build()
                .map_err(build_err)
        })
        .collect()
}

fn image_config(planned: &Value) -> Option<ImageConfig> {
    let b = first(planned, "image_config")?;
    let list = |k: &str| (!b.get(k).is_null()).then(|| str_list(b, k));
    Some(
        ImageConfig::builder()
            .set_command(list("command"))
            .set_entry_point(list("entry_point"))
            .set_working_directory(opt_str(b, "working_directory"))
            .build(),
    )
}

fn logging(planned: &Value) -> Option<LoggingConfig> {
    let b = first(planned, "logging_config")?;
    Some(
        LoggingConfig::builder()
            .set_log_format(opt_str(b, "log_format").map(|s| LogFormat::from(s.as_str())))
            .set_application_log_level(
                opt_str(b, "application_log_level").map(|s| ApplicationLogLevel::from(s.as_str())),
            )
            .set_system_log_level(opt_str(b, "system_log_level").map(|s| SystemLogLevel::from(s.as_str())))
            .set_log_group(opt_str(b, "log_group"))
            .build(),
    )
}

fn snap_start(planned: &Value) -> Option<SnapStart> {
    let apply_on = opt_str(first(planned, "snap_start")?, "apply_on")?;
    Some(
        SnapStart::builder()
            .apply_on(SnapStartApplyOn::from(apply_on.as_str()))
            .build(),
    )
}

fn architectures(planned: &Value) -> Option<Vec<Architecture>> {
    let a = str_list(planned, "architectures");
    (!a.is_empty()).then(|| a.iter().map(|s| Architecture::from(s.as_str())).collect())
}

/// The newest version of the function (`$LATEST` when none was published), as the
/// provider's `findLatestFunctionVersionByName` finds it.
pub(super) async fn latest_version(c: &Clients, name: &str) -> PResult<Option<FunctionConfiguration>> {
    let mut pages = c
        .lambda
        .list_versions_by_function()
        .function_name(name)
        .into_paginator()
        .send();
    let mut last = None;
    while let Some(page) = pages.next().await {
        let page = match absent_on(page.map_err(aws_err), NOT_FOUND)? {
            Some(p) => p,
            None => return Ok(None),
        };
        if let Some(v) = page.versions().last() {
            last = Some(v.clone());
        }
    }
    Ok(last)
}

/// True when the argument differs between the prior and planned values.
fn changed(prior: &Value, planned: &Value, k: &str) -> bool {
    crate::provider::aws::common::differs(prior, planned, k)
}

/// A nested block as state holds it: a list of one object, or empty.
fn one(pairs: Option<Vec<(&str, Value)>>) -> Value {
    Value::List(pairs.map(|p| vec![Value::object(p)]).unwrap_or_default())
}

/// The function's state: what GetFunction reports, its latest version, and what only the
/// configuration knows.
pub(super) fn to_state(
    region: &str,
    out: &GetFunctionOutput,
    latest: Option<FunctionConfiguration>,
    prior: &Value,
) -> Value {
    let f = out
        .configuration()
        .cloned()
        .unwrap_or_else(|| FunctionConfiguration::builder().build());
    let name = f.function_name().unwrap_or_default().to_string();
    let arn = f.function_arn().unwrap_or_default().to_string();
    // Lambda's empty strings are unset arguments, as infractl's reads record them.
    let s = |x: Option<&str>| Value::from(x.filter(|x| !x.is_empty()));
    let kept = |k: &str| recorded(prior, k);
    let environment = f
        .environment()
        .and_then(|e| e.variables())
        .filter(|v| !v.is_empty())
        .map(|v| vec![("variables", map_value(Some(v)))]);
    let vpc = f
        .vpc_config()
        .filter(|v| !v.subnet_ids().is_empty() || !v.security_group_ids().is_empty())
        .map(|v| {
            vec![
                ("subnet_ids", list_value(v.subnet_ids().to_vec())),
                ("security_group_ids", list_value(v.security_group_ids().to_vec())),
                (
                    "ipv6_allowed_for_dual_stack",
                    Value::Bool(v.ipv6_allowed_for_dual_stack().unwrap_or(false)),
                ),
                ("vpc_id", s(v.vpc_id())),
            ]
        });
    let image = f.image_config_response().and_then(|r| r.image_config()).map(|c| {
        vec![
            ("command", list_value(c.command().to_vec())),
            ("entry_point", list_value(c.entry_point().to_vec())),
            ("working_directory", s(c.working_directory())),
        ]
    });
    let logging = f.logging_config().map(|l| {
        vec![
            ("log_format", s(l.log_format().map(|x| x.as_str()))),
            (
                "application_log_level",
                s(l.application_log_level().map(|x| x.as_str())),
            ),
            ("system_log_level", s(l.system_log_level().map(|x| x.as_str()))),
            ("log_group", s(l.log_group())),
        ]
    });
    let snap = f
        .snap_start()
        .filter(|x| x.apply_on().is_some_and(|a| *a != SnapStartApplyOn::None))
        .map(|x| {
            vec![
                ("apply_on", s(x.apply_on().map(|a| a.as_str()))),
                ("optimization_status", s(x.optimization_status().map(|o| o.as_str()))),
            ]
        });
    let tracing_mode = f
        .tracing_config()
        .and_then(|t| t.mode())
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "PassThrough".into());
    let (qualified_arn, version) = match &latest {
        Some(v) => (
            v.function_arn().unwrap_or_default().to_string(),
            v.version().unwrap_or("$LATEST").to_string(),
        ),
        None => (format!("{arn}:$LATEST"), "$LATEST".to_string()),
    };
    let concurrency = out
        .concurrency()
        .and_then(|c| c.reserved_concurrent_executions())
        .map(i64::from)
        .unwrap_or(-1);
    let tags = out
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>())
        .unwrap_or_default();
    let source_code_hash = match prior.get("source_code_hash") {
        Value::String(h) => Value::str(h),
        _ => Value::str(""),
    };
    Value::object([
        ("id", Value::str(&name)),
        ("function_name", Value::str(&name)),
        ("arn", Value::str(&arn)),
        ("invoke_arn", Value::str(invoke_arn(region, &arn))),
        ("qualified_arn", Value::str(&qualified_arn)),
        ("qualified_invoke_arn", Value::str(invoke_arn(region, &qualified_arn))),
        ("version", Value::str(version)),
        ("role", s(f.role())),
        ("handler", s(f.handler())),
        ("runtime", s(f.runtime().map(|r| r.as_str()))),
        ("description", s(f.description())),
        ("memory_size", Value::from(i64::from(f.memory_size().unwrap_or(128)))),
        ("timeout", Value::from(i64::from(f.timeout().unwrap_or(3)))),
        (
            "package_type",
            Value::str(f.package_type().map(|p| p.as_str()).unwrap_or("Zip")),
        ),
        (
            "architectures",
            list_value(f.architectures().iter().map(|a| a.as_str().to_string())),
        ),
        ("kms_key_arn", s(f.kms_key_arn())),
        (
            "layers",
            list_value(f.layers().iter().filter_map(|l| l.arn().map(str::to_string))),
        ),
        ("last_modified", s(f.last_modified())),
        ("code_sha256", s(f.code_sha256())),
        ("source_code_size", Value::from(f.code_size())),
        ("source_code_hash", source_code_hash),
        ("signing_job_arn", s(f.signing_job_arn())),
        ("signing_profile_version_arn", s(f.signing_profile_version_arn())),
        ("image_uri", s(out.code().and_then(|c| c.image_uri()))),
        ("reserved_concurrent_executions", Value::from(concurrency)),
        ("environment", one(environment)),
        ("vpc_config", one(vpc)),
        (
            "dead_letter_config",
            one(f
                .dead_letter_config()
                .and_then(|d| d.target_arn())
                .map(|a| vec![("target_arn", Value::str(a))])),
        ),
        ("tracing_config", one(Some(vec![("mode", Value::str(tracing_mode))]))),
        (
            "ephemeral_storage",
            one(f
                .ephemeral_storage()
                .map(|e| vec![("size", Value::from(i64::from(e.size())))])),
        ),
        (
            "file_system_config",
            Value::List(
                f.file_system_configs()
                    .iter()
                    .map(|c| {
                        Value::object([
                            ("arn", Value::str(c.arn())),
                            ("local_mount_path", Value::str(c.local_mount_path())),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("image_config", one(image)),
        ("logging_config", one(logging)),
        ("snap_start", one(snap)),
        ("filename", kept("filename")),
        ("s3_bucket", kept("s3_bucket")),
        ("s3_key", kept("s3_key")),
        ("s3_object_version", kept("s3_object_version")),
        (
            "replace_security_groups_on_destroy",
            kept("replace_security_groups_on_destroy"),
        ),
        ("replacement_security_group_ids", kept("replacement_security_group_ids")),
        ("publish", Value::Bool(prior.get("publish").as_bool().unwrap_or(false))),
        (
            "skip_destroy",
            Value::Bool(prior.get("skip_destroy").as_bool().unwrap_or(false)),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for Function {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        // The provider's checkHandlerRuntimeForZipFunction.
        let zip =
            matches!(config.get("package_type"), Value::Null) || config.get("package_type").as_str() == Some("Zip");
        if zip && (config.get("handler").is_null() || config.get("runtime").is_null()) {
            return Err("handler and runtime must be set when PackageType is Zip".into());
        }
        Ok(())
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // The provider's updateComputedAttributesOnPublish: what a code change or a published
        // version makes new is unknown until applied.
        let Some(prior) = prior else { return Ok(None) };
        let code = CODE_ARGS.iter().any(|k| changed(prior, planned, k));
        let config = CONFIG_ARGS.iter().any(|k| changed(prior, planned, k));
        let publish = planned.get("publish").as_bool() == Some(true);
        let publish_changed = changed(prior, planned, "publish");
        if let Value::Object(m) = planned {
            if code || config {
                m.insert("last_modified".into(), Value::Unknown);
            }
            if code {
                for k in ["code_sha256", "source_code_size"] {
                    m.insert(k.into(), Value::Unknown);
                }
            }
            if publish && (code || config || publish_changed) {
                for k in ["version", "qualified_arn", "qualified_invoke_arn"] {
                    m.insert(k.into(), Value::Unknown);
                }
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "function_name")?;
        let package = opt_str(planned, "package_type").unwrap_or_else(|| "Zip".into());
        let code = match code_of(planned).await? {
            Code::Zip(bytes) => FunctionCode::builder().zip_file(Blob::new(bytes)),
            Code::Image(uri) => FunctionCode::builder().image_uri(uri),
            Code::S3 { bucket, key, version } => FunctionCode::builder()
                .s3_bucket(bucket)
                .s3_key(key)
                .set_s3_object_version(version),
        }
        .build();
        let zip = package == "Zip";
        let tags: HashMap<String, String> = tags_to_write(ctx, planned).into_iter().collect();
        let file_systems = file_systems(planned)?;
        let ephemeral = ephemeral(planned)?;
        retry_function_op(|| async {
            self.c
                .lambda
                .create_function()
                .function_name(&name)
                .package_type(PackageType::from(package.as_str()))
                .code(code.clone())
                .description(opt_str(planned, "description").unwrap_or_default())
                .set_role(opt_str(planned, "role"))
                .set_handler(zip.then(|| opt_str(planned, "handler")).flatten())
                .set_runtime(
                    zip.then(|| opt_str(planned, "runtime").map(|r| Runtime::from(r.as_str())))
                        .flatten(),
                )
                .memory_size(number(planned, "memory_size").unwrap_or(128) as i32)
                .timeout(number(planned, "timeout").unwrap_or(3) as i32)
                .publish(planned.get("publish").as_bool().unwrap_or(false))
                .set_environment(environment(planned))
                .set_vpc_config(vpc_config(planned))
                .set_dead_letter_config(dead_letter(planned))
                .set_tracing_config(tracing(planned))
                .set_ephemeral_storage(ephemeral.clone())
                .set_file_system_configs((!file_systems.is_empty()).then(|| file_systems.clone()))
                .set_image_config(image_config(planned))
                .set_logging_config(logging(planned))
                .set_snap_start(snap_start(planned))
                .set_kms_key_arn(opt_str(planned, "kms_key_arn"))
                .set_layers(Some(str_list(planned, "layers")).filter(|l| !l.is_empty()))
                .set_architectures(architectures(planned))
                .set_tags(Some(tags.clone()))
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        let timeout = op_timeout(&self.schema, planned, Op::Create, TIMEOUT);
        wait_active(&self.c, &name, timeout).await?;
        if number(planned, "reserved_concurrent_executions").is_some_and(|n| n >= 0) {
            self.put_concurrency(&name, planned).await?;
        }
        must_exist(self.read_state(&name, planned).await?, "Lambda function", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_state(id, prior).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let timeout = op_timeout(&self.schema, planned, Op::Update, TIMEOUT);
        let ch = |k: &str| changed(prior, planned, k);
        let config_update = CONFIG_ARGS.iter().any(|k| ch(k));
        if config_update {
            let mut req = self.c.lambda.update_function_configuration().function_name(id);
            if ch("description") {
                req = req.description(opt_str(planned, "description").unwrap_or_default());
            }
            if ch("handler") {
                req = req.set_handler(opt_str(planned, "handler"));
            }
            if ch("runtime") {
                req = req.set_runtime(opt_str(planned, "runtime").map(|r| Runtime::from(r.as_str())));
            }
            if ch("memory_size") {
                req = req.memory_size(number(planned, "memory_size").unwrap_or(128) as i32);
            }
            if ch("timeout") {
                req = req.timeout(number(planned, "timeout").unwrap_or(3) as i32);
            }
            if ch("role") {
                req = req.set_role(opt_str(planned, "role"));
            }
            if ch("environment") || ch("kms_key_arn") {
                // No variables is an empty map: AWS then removes them all.
                req = req.environment(
                    environment(planned)
                        .unwrap_or_else(|| Environment::builder().set_variables(Some(HashMap::new())).build()),
                );
            }
            if ch("kms_key_arn") {
                req = req.kms_key_arn(opt_str(planned, "kms_key_arn").unwrap_or_default());
            }
            if ch("dead_letter_config") {
                req = req.dead_letter_config(
                    dead_letter(planned).unwrap_or_else(|| DeadLetterConfig::builder().target_arn("").build()),
                );
            }
            if ch("tracing_config") {
                req = req.set_tracing_config(tracing(planned));
            }
            if ch("vpc_config") {
                req = req.vpc_config(vpc_config(planned).unwrap_or_else(|| {
                    VpcConfig::builder()
                        .set_subnet_ids(Some(vec![]))
                        .set_security_group_ids(Some(vec![]))
                        .ipv6_allowed_for_dual_stack(false)
                        .build()
                }));
            }
            if ch("ephemeral_storage") {
                req = req.set_ephemeral_storage(ephemeral(planned)?);
            }
            if ch("file_system_config") {
                req = req.set_file_system_configs(Some(file_systems(planned)?));
            }
            if ch("image_config") {
                req = req.image_config(image_config(planned).unwrap_or_else(|| ImageConfig::builder().build()));
            }
            if ch("logging_config") {
                req = req.set_logging_config(logging(planned));
            }
            if ch("layers") {
                req = req.set_layers(Some(str_list(planned, "layers")));
            }
            if ch("snap_start") {
                req = req.set_snap_start(snap_start(planned));
            }
            retry_function_op(|| async { req.clone().send().await.map_err(aws_err) }).await?;
            wait_updated(&self.c, id, timeout).await?;
        }
        let code_update = CODE_ARGS.iter().any(|k| ch(k));
        if code_update {
            let mut req = self
                .c
                .lambda
                .update_function_code()
                .function_name(id)
                .set_architectures(ch("architectures").then(|| architectures(planned)).flatten());
            req = match code_of(planned).await? {
                Code::Zip(bytes) => req.zip_file(Blob::new(bytes)),
                Code::Image(uri) => req.image_uri(uri),
                Code::S3 { bucket, key, version } => req.s3_bucket(bucket).s3_key(key).set_s3_object_version(version),
            };
            retry_function_op(|| async { req.clone().send().await.map_err(aws_err) }).await?;
            wait_updated(&self.c, id, timeout).await?;
        }
        if ch("reserved_concurrent_executions") {
            self.put_concurrency(id, planned).await?;
        }
        if planned.get("publish").as_bool() == Some(true) && (code_update || config_update || ch("publish")) {
            self.publish(id, timeout).await?;
        }
        let Some(arn) = opt_str(prior, "arn") else {
            return Err(ProviderError::msg("the function's ARN is not in state"));
        };
        sync_lambda_tags(&self.c, &arn, prior, planned).await?;
        must_exist(self.read_state(id, planned).await?, "Lambda function", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if prior.get("skip_destroy").as_bool() == Some(true) {
            tracing::debug!("retaining Lambda function {id} (skip_destroy)");
            return Ok(());
        }
        if prior.get("replace_security_groups_on_destroy").as_bool() == Some(true) {
            self.replace_security_groups(id, prior).await?;
        }
        let r = self
            .c
            .lambda
            .delete_function()
            .function_name(id)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, NOT_FOUND)?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match get_function(&self.c, id, None).await? {
                None => Poll::Ready(()),
                Some(_) => Poll::pending("exists"),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "function_name") else {
            return Ok(None);
        };
        let Some(out) = get_function(&self.c, &name, None).await? else {
            return Ok(None);
        };
        let tags = out.tags().cloned().unwrap_or_default();
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_change_leaves_what_it_renews_unknown_and_publish_renews_the_version() {
        let f = Function::new(Arc::new(crate::provider::aws::offline_clients()));
        let prior = Value::object([
            ("source_code_hash", Value::str("a")),
            ("memory_size", Value::from(128)),
            ("publish", Value::Bool(true)),
            ("version", Value::str("1")),
            ("code_sha256", Value::str("a")),
            ("last_modified", Value::str("t")),
        ]);
        let mut planned = prior.clone();
        f.refine_plan(Some(&prior), &Value::Null, &mut planned).unwrap();
        assert_eq!(planned, prior, "no change, nothing unknown");
        if let Value::Object(m) = &mut planned {
            m.insert("memory_size".into(), Value::from(256));
        }
        f.refine_plan(Some(&prior), &Value::Null, &mut planned).unwrap();
        assert_eq!(planned.get("version"), &Value::Unknown);
        assert_eq!(
            planned.get("code_sha256"),
            &Value::str("a"),
            "a config change keeps the code"
        );
        if let Value::Object(m) = &mut planned {
            m.insert("source_code_hash".into(), Value::str("b"));
        }
        f.refine_plan(Some(&prior), &Value::Null, &mut planned).unwrap();
        assert_eq!(planned.get("code_sha256"), &Value::Unknown);
    }

    #[test]
    fn zip_functions_need_a_handler_and_a_runtime() {
        let f = Function::new(Arc::new(crate::provider::aws::offline_clients()));
        let zip = Value::object([("handler", Value::str("h.main")), ("runtime", Value::Null)]);
        assert!(f.check_config(&zip).is_err());
        let image = Value::object([("package_type", Value::str("Image"))]);
        assert!(f.check_config(&image).is_ok());
    }
}
