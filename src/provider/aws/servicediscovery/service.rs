//! `aws_service_discovery_service`: a Cloud Map service (what ECS registers its tasks in, and what
//! an API Gateway VPC-link integration resolves), with its DNS records, routing policy and health
//! checks. Record TTLs, the description and the Route 53 health check change in place
//! (UpdateService replaces the records and health check as a whole, as Cloud Map requires); the
//! namespace, record types, routing policy and custom health check replace it. The id is the
//! service id (`srv-...`), also the import id.

use super::{is_ours, sd_tags, tags, update_tags, wait_operation, OPERATION_TIMEOUT};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, configured_tags, must_exist, opt_bool, opt_str, required, retry_while,
    tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_servicediscovery::types::{
    DnsConfig, DnsConfigChange, DnsRecord, FilterCondition, HealthCheckConfig, HealthCheckCustomConfig,
    HealthCheckType, OperationTargetType, RecordType, RoutingPolicy, Service as SdService, ServiceChange,
    ServiceFilter, ServiceFilterName, ServiceTypeOption,
};
use std::sync::Arc;

/// The `aws_service_discovery_service` resource type.
pub struct Service {
    c: Arc<Clients>,
    schema: Schema,
}

impl Service {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Service {
        let schema = resource("aws_service_discovery_service")
            .arg("name")
            .force_new()
            .arg("namespace_id")
            .force_new()
            .arg("type")
            .force_new()
            .check(one_of(&["HTTP"]))
            .arg("force_destroy")
            .default(false)
            .arg("dns_config.namespace_id")
            .force_new()
            .arg("dns_config.routing_policy")
            .force_new()
            .default("MULTIVALUE")
            .check(one_of(&["MULTIVALUE", "WEIGHTED"]))
            .arg("dns_config.dns_records.type")
            .force_new()
            .check(one_of(&["SRV", "A", "AAAA", "CNAME"]))
            .arg("dns_config.dns_records.ttl")
            .arg("health_check_config.type")
            .force_new()
            .check(one_of(&["HTTP", "HTTPS", "TCP"]))
            .args(&[
                "health_check_config.failure_threshold",
                "health_check_config.resource_path",
            ])
            .arg("health_check_custom_config")
            .force_new()
            // AWS no longer takes a threshold and always reports 1.
            .arg("health_check_custom_config.failure_threshold")
            .force_new()
            .live_if_unset()
            .args(&["description", "tags"])
            .build();
        Service { c, schema }
    }

    async fn get(&self, id: &str) -> PResult<Option<SdService>> {
        let r = self
            .c
            .servicediscovery
            .get_service()
            .id(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["ServiceNotFound"])?.and_then(|o| o.service().cloned()))
    }
}

fn first<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}

fn number(v: &Value, name: &str) -> Option<i64> {
    v.get(name).as_number().map(|n| n as i64)
}

fn records(dns: &Value) -> PResult<Vec<DnsRecord>> {
    dns.get("dns_records")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|r| {
            DnsRecord::builder()
                .r#type(RecordType::from(opt_str(r, "type").unwrap_or_default().as_str()))
                .ttl(number(r, "ttl").unwrap_or(0))
                .build()
                .map_err(build_err)
        })
        .collect()
}

fn dns_config(planned: &Value) -> PResult<Option<DnsConfig>> {
    let Some(dns) = first(planned, "dns_config") else {
        return Ok(None);
    };
    // The namespace goes in the request's top level (DnsConfig's own is deprecated).
    DnsConfig::builder()
        .set_routing_policy(opt_str(dns, "routing_policy").map(|p| RoutingPolicy::from(p.as_str())))
        .set_dns_records(Some(records(dns)?))
        .build()
        .map(Some)
        .map_err(build_err)
}

fn health_check(planned: &Value) -> Option<HealthCheckConfig> {
    let h = first(planned, "health_check_config")?;
    HealthCheckConfig::builder()
        .r#type(HealthCheckType::from(
            opt_str(h, "type").unwrap_or_else(|| "HTTP".into()).as_str(),
        ))
        .set_resource_path(opt_str(h, "resource_path"))
        .set_failure_threshold(number(h, "failure_threshold").map(|n| n as i32))
        .build()
        .ok()
}

/// The namespace a service is made in: `namespace_id`, else the one `dns_config` names.
fn namespace_of(planned: &Value) -> Option<String> {
    opt_str(planned, "namespace_id").or_else(|| first(planned, "dns_config").and_then(|d| opt_str(d, "namespace_id")))
}

// AWS deprecated the threshold (it always reports 1); the provider still sends a configured one
// and records what AWS reports, and so does this.
#[allow(deprecated)]
fn custom_health_check(planned: &Value) -> Option<HealthCheckCustomConfig> {
    let h = first(planned, "health_check_custom_config")?;
    Some(
        HealthCheckCustomConfig::builder()
            .set_failure_threshold(number(h, "failure_threshold").map(|n| n as i32))
            .build(),
    )
}

#[allow(deprecated)]
fn custom_threshold(h: &HealthCheckCustomConfig) -> Option<i32> {
    h.failure_threshold()
}

fn to_state(s: &SdService, tags: Vec<(String, String)>, prior: &Value) -> Value {
    let namespace = s.namespace_id().map(str::to_string);
    let dns = s.dns_config().map(|d| {
        let records: Vec<Value> = d
            .dns_records()
            .iter()
            .map(|r| Value::object([("type", Value::str(r.r#type().as_str())), ("ttl", Value::from(r.ttl()))]))
            .collect();
        Value::object([
            ("namespace_id", Value::from(namespace.clone())),
            (
                "routing_policy",
                Value::str(d.routing_policy().map(|p| p.as_str()).unwrap_or("MULTIVALUE")),
            ),
            ("dns_records", Value::List(records)),
        ])
    });
    let health = s.health_check_config().map(|h| {
        Value::object([
            (
                "failure_threshold",
                h.failure_threshold()
                    .map(|n| Value::from(n as i64))
                    .unwrap_or(Value::Null),
            ),
            ("resource_path", Value::from(h.resource_path())),
            ("type", Value::str(h.r#type().as_str())),
        ])
    });
    let custom = s.health_check_custom_config().map(|h| {
        Value::object([(
            "failure_threshold",
            custom_threshold(h)
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::Null),
        )])
    });
    let one = |o: Option<Value>| Value::List(o.into_iter().collect());
    Value::object([
        ("id", Value::from(s.id())),
        ("arn", Value::from(s.arn())),
        ("name", Value::from(s.name())),
        ("namespace_id", Value::from(namespace)),
        ("description", Value::from(s.description().filter(|d| !d.is_empty()))),
        ("type", Value::from(s.r#type().map(|t| t.as_str().to_string()))),
        (
            "force_destroy",
            Value::Bool(opt_bool(prior, "force_destroy") == Some(true)),
        ),
        ("dns_config", one(dns)),
        ("health_check_config", one(health)),
        ("health_check_custom_config", one(custom)),
        ("tags", configured_tags(prior)),
        ("tags_all", user_tags(tags)),
    ])
}

#[async_trait]
impl ResourceType for Service {
    fn type_name(&self) -> &'static str {
        "aws_service_discovery_service"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let token = if ctx.token.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            ctx.token.clone()
        };
        let out = self
            .c
            .servicediscovery
            .create_service()
            .name(&name)
            .creator_request_id(token)
            .set_namespace_id(namespace_of(planned))
            .set_description(opt_str(planned, "description"))
            .set_dns_config(dns_config(planned)?)
            .set_health_check_config(health_check(planned))
            .set_health_check_custom_config(custom_health_check(planned))
            .set_type(opt_str(planned, "type").map(|t| ServiceTypeOption::from(t.as_str())))
            .set_tags(Some(sd_tags(tags_to_write(ctx, planned))?))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .service()
            .and_then(|s| s.id())
            .ok_or_else(|| ProviderError::msg("CreateService returned no service id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "Cloud Map service", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(s) = self.get(id).await? else {
            return Ok(None);
        };
        let Some(tags) = tags(&self.c, s.arn().unwrap_or_default()).await? else {
            return Ok(None);
        };
        Ok(Some(to_state(&s, tags, prior)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if ["description", "dns_config", "health_check_config"]
            .iter()
            .any(|k| changed(k))
        {
            // Records and the health check are replaced as a whole: what is left out is removed.
            let dns = match first(planned, "dns_config") {
                Some(d) => Some(
                    DnsConfigChange::builder()
                        .set_dns_records(Some(records(d)?))
                        .build()
                        .map_err(build_err)?,
                ),
                None => None,
            };
            let change = ServiceChange::builder()
                .description(opt_str(planned, "description").unwrap_or_default())
                .set_dns_config(dns)
                .set_health_check_config(health_check(planned))
                .build();
            let out = self
                .c
                .servicediscovery
                .update_service()
                .id(id)
                .service(change)
                .send()
                .await
                .map_err(aws_err)?;
            if let Some(op) = out.operation_id() {
                wait_operation(&self.c, op, OperationTargetType::Service).await?;
            }
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        update_tags(&self.c, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Cloud Map service", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let sd = &self.c.servicediscovery;
        if opt_bool(prior, "force_destroy") == Some(true) {
            let mut pages = sd.list_instances().service_id(id).into_paginator().send();
            let mut instances = Vec::new();
            while let Some(page) = pages.next().await {
                match absent_on(page.map_err(aws_err), &["ServiceNotFound"])? {
                    Some(p) => instances.extend(p.instances().iter().filter_map(|i| i.id().map(str::to_string))),
                    None => return Ok(()),
                }
            }
            for instance in instances {
                let r = sd
                    .deregister_instance()
                    .service_id(id)
                    .instance_id(&instance)
                    .send()
                    .await
                    .map_err(aws_err);
                if let Some(out) = absent_on(r, &["InstanceNotFound"])? {
                    if let Some(op) = out.operation_id() {
                        wait_operation(&self.c, op, OperationTargetType::Instance).await?;
                    }
                }
            }
        }
        // Cloud Map refuses while instances remain; ECS deregisters a deleted service's tasks
        // shortly after.
        let r = retry_while(&["ResourceInUse"], OPERATION_TIMEOUT, || async {
            sd.delete_service().id(id).send().await.map_err(aws_err)
        })
        .await;
        absent_on(r, &["ServiceNotFound"]).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        let namespace = namespace_of(planned);
        let mut request = self.c.servicediscovery.list_services();
        if let Some(ns) = namespace {
            request = request.filters(
                ServiceFilter::builder()
                    .name(ServiceFilterName::NamespaceId)
                    .values(ns)
                    .condition(FilterCondition::Eq)
                    .build()
                    .map_err(build_err)?,
            );
        }
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            for s in page.map_err(aws_err)?.services() {
                if s.name() != Some(name.as_str()) {
                    continue;
                }
                if let (Some(id), Some(arn)) = (s.id(), s.arn()) {
                    if is_ours(&self.c, ctx, arn).await? {
                        return Ok(Some(id.to_string()));
                    }
                }
            }
        }
        Ok(None)
    }
}
