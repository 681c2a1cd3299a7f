//! Data source `aws_lb` (and its old name `aws_alb`'s behaviour): one load balancer by ARN or
//! name, narrowed by tags, read as the resource reads it plus the log settings, subnet
//! mappings and IPAM pools.

use super::lb::read_tags_raw;
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::lookup::{project, read_as_resource};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::LoadBalancer;
use std::sync::Arc;

/// The `aws_lb` data source.
pub struct LbData {
    c: Arc<Clients>,
    lb: super::lb::Lb,
    schema: Schema,
}

impl LbData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LbData {
        let schema = data_source("aws_lb")
            .args(&["name", "tags"])
            .arg("arn")
            .check(arn())
            .read_timeout(20)
            .build();
        LbData {
            lb: super::lb::Lb::new(c.clone()),
            c,
            schema,
        }
    }

    /// The load balancers the ARN or name select (all of them when neither is set), kept when
    /// they carry every tag asked for.
    async fn find(&self, config: &Value) -> PResult<Vec<LoadBalancer>> {
        let mut found = Vec::new();
        let mut req = self.c.elbv2.describe_load_balancers();
        if let Some(a) = opt_str(config, "arn").filter(|a| !a.is_empty()) {
            req = req.load_balancer_arns(a);
        } else if let Some(n) = opt_str(config, "name").filter(|n| !n.is_empty()) {
            req = req.names(n);
        }
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = absent_on(page.map_err(aws_err), &["LoadBalancerNotFound"])?;
            found.extend(page.iter().flat_map(|p| p.load_balancers().iter().cloned()));
        }
        let wanted: Vec<(String, String)> = config
            .get("tags")
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.to_plain_string().map(|v| (k.clone(), v)))
            .collect();
        if wanted.is_empty() {
            return Ok(found);
        }
        let mut kept = Vec::new();
        for lb in found {
            let tags = read_tags_raw(&self.c, lb.load_balancer_arn().unwrap_or_default()).await?;
            if wanted.iter().all(|w| tags.contains(w)) {
                kept.push(lb);
            }
        }
        Ok(kept)
    }

    /// `access_logs` and `connection_logs` from the load balancer's attributes.
    async fn logs(&self, arn: &str) -> PResult<(Value, Value)> {
        let out = self
            .c
            .elbv2
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send()
            .await
            .map_err(aws_err)?;
        let attr = |key: String| {
            out.attributes()
                .iter()
                .find(|a| a.key() == Some(key.as_str()))
                .and_then(|a| a.value())
                .map(str::to_string)
        };
        let block = |kind: &str| {
            Value::List(vec![Value::object([
                (
                    "bucket",
                    Value::str(attr(format!("{kind}.s3.bucket")).unwrap_or_default()),
                ),
                (
                    "enabled",
                    Value::Bool(attr(format!("{kind}.s3.enabled")).as_deref() == Some("true")),
                ),
                (
                    "prefix",
                    Value::str(attr(format!("{kind}.s3.prefix")).unwrap_or_default()),
                ),
            ])])
        };
        Ok((block("access_logs"), block("connection_logs")))
    }
}

#[async_trait]
impl DataSourceType for LbData {
    fn type_name(&self) -> &'static str {
        "aws_lb"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut found = self.find(config).await?;
        if found.len() != 1 {
            return Err(ProviderError::msg(format!(
                "Search returned {} results, please revise so only one is returned",
                found.len()
            )));
        }
        let lb = found.remove(0);
        let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
        let read = read_as_resource(&self.lb, &arn, "ELBv2 Load Balancer").await?;
        let (access_logs, connection_logs) = self.logs(&arn).await?;
        let s = |v: Option<&str>| Value::str(v.unwrap_or_default());
        let mappings = lb
            .availability_zones()
            .iter()
            .map(|z| {
                let address = z.load_balancer_addresses().first();
                Value::object([
                    ("subnet_id", s(z.subnet_id())),
                    ("outpost_id", s(z.outpost_id())),
                    ("allocation_id", s(address.and_then(|a| a.allocation_id()))),
                    (
                        "private_ipv4_address",
                        s(address.and_then(|a| a.private_ipv4_address())),
                    ),
                    ("ipv6_address", s(address.and_then(|a| a.ipv6_address()))),
                ])
            })
            .collect();
        let pools = lb
            .ipam_pools()
            .map(|p| Value::object([("ipv4_ipam_pool_id", s(p.ipv4_ipam_pool_id()))]));
        let mut v = project(&read, &self.schema, config);
        if let Value::Object(m) = &mut v {
            m.insert("access_logs".into(), access_logs);
            m.insert("connection_logs".into(), connection_logs);
            m.insert("subnet_mapping".into(), Value::List(mappings));
            m.insert("ipam_pools".into(), Value::List(pools.into_iter().collect()));
            m.insert("customer_owned_ipv4_pool".into(), s(lb.customer_owned_ipv4_pool()));
        }
        Ok(v)
    }
}
