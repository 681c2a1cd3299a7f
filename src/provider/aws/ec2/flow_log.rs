//! `aws_flow_log`: a VPC, subnet, network interface or transit gateway flow log, delivered to
//! CloudWatch Logs, S3 or Kinesis Data Firehose.
//!
//! Everything but tags forces a new flow log (AWS cannot change one). The create call is
//! retried while IAM has not yet propagated the delivery role, as the provider does.

use super::{owned, owner_filters, read_many_by_id, read_tags, tag_spec, update_tags, BULK_READ_LIMIT};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, opt_bool, opt_str, retry_while_matching,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_in, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    DestinationFileFormat, DestinationOptionsRequest, FlowLog as Ec2FlowLog, FlowLogsResourceType, LogDestinationType,
    ResourceType as Kind, TrafficType,
};
use std::sync::Arc;
use std::time::Duration;

/// What a flow log watches: the argument naming it, and the resource type AWS calls it.
const SOURCES: &[(&str, FlowLogsResourceType, &str)] = &[
    ("vpc_id", FlowLogsResourceType::Vpc, "vpc-"),
    ("transit_gateway_id", FlowLogsResourceType::TransitGateway, "tgw-"),
    (
        "transit_gateway_attachment_id",
        FlowLogsResourceType::TransitGatewayAttachment,
        "tgw-attach-",
    ),
    ("subnet_id", FlowLogsResourceType::Subnet, "subnet-"),
    ("eni_id", FlowLogsResourceType::NetworkInterface, "eni-"),
];

/// How long a new delivery role may take to be assumable.
const IAM_PROPAGATION: Duration = Duration::from_secs(120);

/// The `aws_flow_log` resource type.
pub struct FlowLog {
    c: Arc<Clients>,
    schema: Schema,
}

impl FlowLog {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> FlowLog {
        let mut schema = resource("aws_flow_log");
        for (name, _, _) in SOURCES {
            schema = schema.arg(name).force_new();
        }
        let schema = schema
            .arg("log_destination_type")
            .force_new()
            .default("cloud-watch-logs")
            .check(one_of(&["cloud-watch-logs", "s3", "kinesis-data-firehose"]))
            .arg("log_destination")
            .force_new()
            .check(arn())
            .arg("log_group_name")
            .force_new()
            .arg("iam_role_arn")
            .force_new()
            .check(arn())
            .arg("deliver_cross_account_role")
            .force_new()
            .check(arn())
            .arg("traffic_type")
            .force_new()
            .check(one_of(&["ACCEPT", "REJECT", "ALL"]))
            .arg("log_format")
            .force_new()
            .arg("max_aggregation_interval")
            .force_new()
            .default(600)
            .check(int_in(&[60, 600]))
            .arg("destination_options")
            .force_new()
            // AWS's options for a destination the blueprint gave none for are not a change.
            .live_if_unset()
            .arg("destination_options.file_format")
            .default("plain-text")
            .check(one_of(&["plain-text", "parquet"]))
            .arg("destination_options.hive_compatible_partitions")
            .default(false)
            .arg("destination_options.per_hour_partition")
            .default(false)
            .args(&["tags"])
            .rule(Rule::ExactlyOne(&[
                "eni_id",
                "subnet_id",
                "vpc_id",
                "transit_gateway_id",
                "transit_gateway_attachment_id",
            ]))
            .rule(Rule::Conflicts(&["log_group_name", "log_destination"]))
            .build();
        FlowLog { c, schema }
    }
}

/// The flow log as state keeps it (shared by single and bulk reads).
fn flow_log_value(region: &str, account: &str, id: &str, fl: &Ec2FlowLog, prior: &Value) -> Value {
    let s = |v: Option<&str>| Value::from(v);
    let resource = fl.resource_id().unwrap_or_default();
    let mut v = Value::object([
        ("id", Value::str(id)),
        (
            "arn",
            Value::str(format!("arn:aws:ec2:{region}:{account}:vpc-flow-log/{id}")),
        ),
        ("deliver_cross_account_role", s(fl.deliver_cross_account_role())),
        ("iam_role_arn", s(fl.deliver_logs_permission_arn())),
        ("log_destination", s(fl.log_destination())),
        (
            "log_destination_type",
            Value::from(fl.log_destination_type().map(|t| t.as_str().to_string())),
        ),
        ("log_group_name", s(fl.log_group_name())),
        ("log_format", s(fl.log_format())),
        (
            "max_aggregation_interval",
            Value::from(fl.max_aggregation_interval().map(i64::from)),
        ),
        (
            "traffic_type",
            if resource.starts_with("tgw-") {
                prior.get("traffic_type").clone()
            } else {
                Value::from(fl.traffic_type().map(|t| t.as_str().to_string()))
            },
        ),
        (
            "destination_options",
            Value::List(
                fl.destination_options()
                    .map(|d| {
                        Value::object([
                            (
                                "file_format",
                                Value::from(d.file_format().map(|f| f.as_str().to_string())),
                            ),
                            (
                                "hive_compatible_partitions",
                                Value::Bool(d.hive_compatible_partitions().unwrap_or(false)),
                            ),
                            (
                                "per_hour_partition",
                                Value::Bool(d.per_hour_partition().unwrap_or(false)),
                            ),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        ("tags", configured_tags(prior)),
        ("tags_all", read_tags(fl.tags())),
    ]);
    if let Value::Object(m) = &mut v {
        // The longest prefix wins: `tgw-attach-` is a transit gateway attachment, not a gateway.
        let source = SOURCES
            .iter()
            .filter(|(_, _, prefix)| resource.starts_with(prefix))
            .max_by_key(|(_, _, prefix)| prefix.len());
        for (name, _, _) in SOURCES {
            let is_it = source.is_some_and(|(n, _, _)| n == name);
            m.insert(name.to_string(), if is_it { Value::str(resource) } else { Value::Null });
        }
    }
    v
}

#[async_trait]
impl ResourceType for FlowLog {
    fn type_name(&self) -> &'static str {
        "aws_flow_log"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (resource_id, kind) = SOURCES
            .iter()
            .find_map(|(name, kind, _)| opt_str(planned, name).map(|id| (id, kind.clone())))
            .ok_or_else(|| {
                ProviderError::msg("a flow log needs one of vpc_id, subnet_id, eni_id or a transit gateway")
            })?;
        let transit = matches!(
            kind,
            FlowLogsResourceType::TransitGateway | FlowLogsResourceType::TransitGatewayAttachment
        );
        let options = planned
            .get("destination_options")
            .as_list()
            .and_then(|l| l.first())
            .map(|o| {
                DestinationOptionsRequest::builder()
                    .set_file_format(opt_str(o, "file_format").map(|f| DestinationFileFormat::from(f.as_str())))
                    .set_hive_compatible_partitions(opt_bool(o, "hive_compatible_partitions"))
                    .set_per_hour_partition(opt_bool(o, "per_hour_partition"))
                    .build()
            });
        let destination_type = opt_str(planned, "log_destination_type").unwrap_or_else(|| "cloud-watch-logs".into());
        let req = self
            .c
            .ec2
            .create_flow_logs()
            .client_token(&ctx.token)
            .resource_ids(&resource_id)
            .resource_type(kind)
            .log_destination_type(LogDestinationType::from(destination_type.as_str()))
            .set_traffic_type(
                opt_str(planned, "traffic_type")
                    .filter(|_| !transit)
                    .map(|t| TrafficType::from(t.as_str())),
            )
            .set_destination_options(options)
            .set_deliver_cross_account_role(opt_str(planned, "deliver_cross_account_role"))
            .set_deliver_logs_permission_arn(opt_str(planned, "iam_role_arn"))
            .set_log_destination(opt_str(planned, "log_destination").map(|d| d.trim_end_matches(":*").to_string()))
            .set_log_group_name(opt_str(planned, "log_group_name"))
            .set_log_format(opt_str(planned, "log_format"))
            .set_max_aggregation_interval(planned.get("max_aggregation_interval").as_number().map(|n| n as i32))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::VpcFlowLog));
        let unassumable = |e: &ProviderError| {
            e.code.as_deref() == Some("InvalidParameter") && e.message.contains("Unable to assume given IAM role")
        };
        let out = retry_while_matching(unassumable, IAM_PROPAGATION, || async {
            req.clone().send().await.map_err(aws_err)
        })
        .await?;
        if let Some(u) = out.unsuccessful().first() {
            let e = u.error();
            return Err(ProviderError {
                code: e.and_then(|e| e.code()).map(str::to_string),
                message: e
                    .and_then(|e| e.message())
                    .unwrap_or("flow log not created")
                    .to_string(),
            });
        }
        let id = out
            .flow_log_ids()
            .first()
            .ok_or_else(|| ProviderError::msg("CreateFlowLogs returned no id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "flow log", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_flow_logs()
                .flow_log_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidFlowLogId.NotFound"],
        )?;
        let Some(fl) = out.and_then(|o| o.flow_logs().iter().find(|f| f.flow_log_id() == Some(id)).cloned()) else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        Ok(Some(flow_log_value(&self.c.region, &account, id, &fl, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK_READ_LIMIT
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let account = self.c.account_id().await?;
        // DescribeFlowLogs spells its filter parameter `Filter`, unlike the other Describe calls.
        let describe = |filter| async move {
            let mut all = Vec::new();
            let mut pages = self.c.ec2.describe_flow_logs().filter(filter).into_paginator().send();
            while let Some(page) = pages.next().await {
                all.extend(page.map_err(aws_err)?.flow_logs().iter().cloned());
            }
            Ok(all)
        };
        let region = self.c.region.clone();
        let value = move |id: &str, o: &Ec2FlowLog, prior: &Value| flow_log_value(&region, &account, id, o, prior);
        read_many_by_id(items, "flow-log-id", describe, |o: &Ec2FlowLog| o.flow_log_id(), value).await
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "flow log", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let out = self
            .c
            .ec2
            .delete_flow_logs()
            .flow_log_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let out = match out {
            Ok(o) => o,
            Err(e) => return ok_on::<()>(Err(e), &["InvalidFlowLogId.NotFound"]),
        };
        match out.unsuccessful().first().and_then(|u| u.error()) {
            Some(e) if e.code() != Some("InvalidFlowLogId.NotFound") => Err(ProviderError {
                code: e.code().map(str::to_string),
                message: e.message().unwrap_or("flow log not deleted").to_string(),
            }),
            _ => Ok(()),
        }
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_flow_logs()
            .set_filter(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .flow_logs()
            .iter()
            .find(|f| owned(f.tags(), ctx))
            .and_then(|f| f.flow_log_id())
            .map(str::to_string))
    }
}
