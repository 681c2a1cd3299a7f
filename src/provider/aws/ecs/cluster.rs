//! `aws_ecs_cluster`: a cluster with its settings (Container Insights), its configuration (how
//! ECS Exec sessions are encrypted and logged, which keys encrypt managed storage), its Service
//! Connect default namespace and tags; all of them change in place (UpdateCluster).

use crate::provider::aws::common::{
    aws_err, build_err, configured_tags, must_exist, opt_bool, opt_str, required, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType, ADDRESS_TAG, STACK_TAG};
use crate::schema::validators::{arn, matches, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ecs::types::{
    ClusterConfiguration, ClusterField, ClusterServiceConnectDefaultsRequest, ClusterSetting, ClusterSettingName,
    ExecuteCommandConfiguration, ExecuteCommandLogConfiguration, ExecuteCommandLogging, ManagedStorageConfiguration,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_ecs_cluster` resource type.
pub struct Cluster {
    c: Arc<Clients>,
    schema: Schema,
}

impl Cluster {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Cluster {
        let schema = resource("aws_ecs_cluster")
            .arg("name")
            .force_new()
            .arg("setting")
            .live_if_unset()
            .args(&["tags", "configuration", "service_connect_defaults"])
            .arg("configuration.execute_command_configuration.logging")
            .default("DEFAULT")
            .check(one_of(&["NONE", "DEFAULT", "OVERRIDE"]))
            // Sent as false when unset (the SDK's plain booleans), and read back so.
            .arg("configuration.execute_command_configuration.log_configuration.cloud_watch_encryption_enabled")
            .default(false)
            .arg("configuration.execute_command_configuration.log_configuration.s3_bucket_encryption_enabled")
            .default(false)
            .arg("service_connect_defaults.namespace")
            .check(arn())
            .arg("name")
            .check(matches(
                r"^[0-9A-Za-z_-]{1,255}$",
                "1 to 255 letters, digits, hyphens and underscores",
            ))
            .arg("setting.name")
            .check(one_of(&["containerInsights"]))
            .build();
        Cluster { c, schema }
    }

    /// The cluster by name or ARN, with its settings and tags; `None` when absent or inactive.
    pub async fn describe(&self, id: &str) -> PResult<Option<aws_sdk_ecs::types::Cluster>> {
        let out = self
            .c
            .ecs
            .describe_clusters()
            .clusters(id)
            .include(ClusterField::Settings)
            .include(ClusterField::Configurations)
            .include(ClusterField::Tags)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out.clusters().iter().find(|c| c.status() != Some("INACTIVE")).cloned())
    }
}

fn settings(v: &Value) -> Vec<ClusterSetting> {
    v.get("setting")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|s| {
            ClusterSetting::builder()
                .name(ClusterSettingName::from(
                    opt_str(s, "name").unwrap_or_default().as_str(),
                ))
                .set_value(opt_str(s, "value"))
                .build()
        })
        .collect()
}

/// The first block of a nested list, as the provider's expanders take it.
fn first(v: &Value, name: &str) -> Option<Value> {
    v.get(name).as_list().and_then(|l| l.first()).cloned()
}

/// The cluster's configuration as ECS takes it; `None` without a `configuration` block.
fn configuration(v: &Value) -> Option<ClusterConfiguration> {
    let c = first(v, "configuration")?;
    let exec = first(&c, "execute_command_configuration").map(|e| {
        let log = first(&e, "log_configuration").map(|l| {
            ExecuteCommandLogConfiguration::builder()
                .set_cloud_watch_log_group_name(opt_str(&l, "cloud_watch_log_group_name").filter(|s| !s.is_empty()))
                .set_s3_bucket_name(opt_str(&l, "s3_bucket_name").filter(|s| !s.is_empty()))
                .set_s3_key_prefix(opt_str(&l, "s3_key_prefix").filter(|s| !s.is_empty()))
                .cloud_watch_encryption_enabled(opt_bool(&l, "cloud_watch_encryption_enabled").unwrap_or(false))
                .s3_encryption_enabled(opt_bool(&l, "s3_bucket_encryption_enabled").unwrap_or(false))
                .build()
        });
        ExecuteCommandConfiguration::builder()
            .set_kms_key_id(opt_str(&e, "kms_key_id").filter(|s| !s.is_empty()))
            .set_logging(
                opt_str(&e, "logging")
                    .filter(|s| !s.is_empty())
                    .map(|l| ExecuteCommandLogging::from(l.as_str())),
            )
            .set_log_configuration(log)
            .build()
    });
    let storage = first(&c, "managed_storage_configuration").map(|m| {
        ManagedStorageConfiguration::builder()
            .set_fargate_ephemeral_storage_kms_key_id(
                opt_str(&m, "fargate_ephemeral_storage_kms_key_id").filter(|s| !s.is_empty()),
            )
            .set_kms_key_id(opt_str(&m, "kms_key_id").filter(|s| !s.is_empty()))
            .build()
    });
    Some(
        ClusterConfiguration::builder()
            .set_execute_command_configuration(exec)
            .set_managed_storage_configuration(storage)
            .build(),
    )
}

/// The Service Connect default namespace as ECS takes it.
fn connect_defaults(v: &Value) -> PResult<Option<ClusterServiceConnectDefaultsRequest>> {
    let Some(namespace) = first(v, "service_connect_defaults").and_then(|d| opt_str(&d, "namespace")) else {
        return Ok(None);
    };
    ClusterServiceConnectDefaultsRequest::builder()
        .namespace(namespace)
        .build()
        .map(Some)
        .map_err(build_err)
}

/// A block list of one (or none, when AWS has nothing).
fn one(v: Option<Value>) -> Value {
    Value::List(v.into_iter().collect())
}

/// The configuration as read back, in the provider's shape.
fn configuration_value(c: &aws_sdk_ecs::types::Cluster) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    one(c.configuration().map(|c| {
        let exec = c.execute_command_configuration().map(|e| {
            let log = e.log_configuration().map(|l| {
                Value::object([
                    (
                        "cloud_watch_encryption_enabled",
                        Value::Bool(l.cloud_watch_encryption_enabled()),
                    ),
                    ("cloud_watch_log_group_name", s(l.cloud_watch_log_group_name())),
                    ("s3_bucket_encryption_enabled", Value::Bool(l.s3_encryption_enabled())),
                    ("s3_bucket_name", s(l.s3_bucket_name())),
                    ("s3_key_prefix", s(l.s3_key_prefix())),
                ])
            });
            Value::object([
                ("kms_key_id", s(e.kms_key_id())),
                ("logging", s(e.logging().map(|l| l.as_str()))),
                ("log_configuration", one(log)),
            ])
        });
        let storage = c.managed_storage_configuration().map(|m| {
            Value::object([
                (
                    "fargate_ephemeral_storage_kms_key_id",
                    s(m.fargate_ephemeral_storage_kms_key_id()),
                ),
                ("kms_key_id", s(m.kms_key_id())),
            ])
        });
        Value::object([
            ("execute_command_configuration", one(exec)),
            ("managed_storage_configuration", one(storage)),
        ])
    }))
}

#[async_trait]
impl ResourceType for Cluster {
    fn type_name(&self) -> &'static str {
        "aws_ecs_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let settings = Some(settings(planned)).filter(|s| !s.is_empty());
        let out = self
            .c
            .ecs
            .create_cluster()
            .cluster_name(&name)
            .set_settings(settings)
            .set_configuration(configuration(planned))
            .set_service_connect_defaults(connect_defaults(planned)?)
            .set_tags(Some(super::ecs_tags(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        let arn = out
            .cluster()
            .and_then(|c| c.cluster_arn())
            .ok_or_else(|| ProviderError::msg("CreateCluster returned no ARN"))?
            .to_string();
        must_exist(self.read(ctx, &arn, planned).await?, "ECS cluster", &arn)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(c) = self.describe(id).await? else {
            return Ok(None);
        };
        let settings: Vec<Value> = c
            .settings()
            .iter()
            .map(|s| {
                Value::object([
                    ("name", Value::from(s.name().map(|n| n.as_str().to_string()))),
                    ("value", Value::from(s.value())),
                ])
            })
            .collect();
        let tag_pairs = c.tags().iter().map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        });
        Ok(Some(Value::object([
            // The ARN, whether it was read by ARN or imported by name.
            ("id", Value::from(c.cluster_arn())),
            ("name", Value::from(c.cluster_name())),
            ("setting", Value::List(settings)),
            ("configuration", configuration_value(&c)),
            (
                "service_connect_defaults",
                one(c
                    .service_connect_defaults()
                    .map(|d| Value::object([("namespace", Value::from(d.namespace()))]))),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs)),
            ("arn", Value::from(c.cluster_arn())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        // As the provider: one UpdateCluster with what the blueprint has of the three; a block
        // removed from the blueprint is not sent (ECS keeps it).
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("setting") || changed("configuration") || changed("service_connect_defaults") {
            self.c
                .ecs
                .update_cluster()
                .cluster(id)
                .set_settings(Some(settings(planned)).filter(|s| !s.is_empty()))
                .set_configuration(configuration(planned))
                .set_service_connect_defaults(connect_defaults(planned)?)
                .send()
                .await
                .map_err(aws_err)?;
        }
        super::update_tags(&self.c.ecs, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "ECS cluster", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // Services being drained keep the cluster busy for a while.
        let r = crate::provider::aws::common::retry_while(
            &["ClusterContainsServicesException", "ClusterContainsTasksException"],
            Duration::from_secs(600),
            || async { self.c.ecs.delete_cluster().cluster(id).send().await.map_err(aws_err) },
        )
        .await;
        crate::provider::aws::common::absent_on(r, &["ClusterNotFoundException"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let Some(c) = self.describe(&name).await? else {
            return Ok(None);
        };
        let has = |k: &str, v: &str| c.tags().iter().any(|t| t.key() == Some(k) && t.value() == Some(v));
        Ok((has(STACK_TAG, &ctx.stack) && has(ADDRESS_TAG, &ctx.address))
            .then(|| c.cluster_arn().unwrap_or_default().to_string()))
    }
}
