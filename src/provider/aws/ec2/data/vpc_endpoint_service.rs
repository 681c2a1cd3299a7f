//! Data source `aws_vpc_endpoint_service`: an AWS or partner service a VPC endpoint can reach,
//! by short name (`s3`), full service name, type, tags or filters.

use super::{exactly_one, filters, with_results};
use crate::provider::aws::common::{aws_err, list_value, opt_str, str_list};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::sync::Arc;

/// The `aws_vpc_endpoint_service` data source.
pub struct VpcEndpointServiceData {
    c: Arc<Clients>,
    schema: Schema,
}

impl VpcEndpointServiceData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VpcEndpointServiceData {
        let schema = data_source("aws_vpc_endpoint_service")
            .args(&["service", "service_name", "service_regions", "tags", "filter"])
            .arg("service_type")
            .check(one_of(&["Interface", "Gateway", "GatewayLoadBalancer"]))
            .read_timeout(20)
            .build();
        VpcEndpointServiceData { c, schema }
    }
}

#[async_trait]
impl DataSourceType for VpcEndpointServiceData {
    fn type_name(&self) -> &'static str {
        "aws_vpc_endpoint_service"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        // Only known values conflict: an unknown one (at validate, or from an expression not
        // known until apply) may well turn out null, as the provider's ConflictsWith sees it.
        let given = |k: &str| !config.get(k).is_null() && *config.get(k) != Value::Unknown;
        if given("service") && given("service_name") {
            return Err("\"service\" conflicts with \"service_name\"".into());
        }
        Ok(())
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        // As the provider asks: the name (given, or built from the short `service` name) in
        // ServiceNames, everything else as filters, and every page of the answer.
        let wanted = opt_str(config, "service_name")
            .or_else(|| opt_str(config, "service").map(|s| format!("com.amazonaws.{}.{s}", self.c.region)));
        let all = filters(config, &[("service_type", "service-type")]);
        let regions = str_list(config, "service_regions");
        let (mut details, mut names, mut token) = (Vec::new(), Vec::new(), None);
        loop {
            let out = self
                .c
                .ec2
                .describe_vpc_endpoint_services()
                .set_service_names(wanted.clone().map(|n| vec![n]))
                .set_filters((!all.is_empty()).then(|| all.clone()))
                .set_service_regions((!regions.is_empty()).then(|| regions.clone()))
                .set_next_token(token)
                .send()
                .await
                .map_err(aws_err)?;
            details.extend(out.service_details().iter().cloned());
            names.extend(out.service_names().iter().cloned());
            token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        if details.is_empty() {
            // Some partitions (GovCloud) answer with names only: the name asked for is all
            // there is to know, as the provider keeps it.
            return match wanted.filter(|w| names.contains(w)) {
                Some(name) => Ok(with_results(
                    config,
                    Value::object([
                        ("id", Value::str(crc32fast::hash(name.as_bytes()).to_string())),
                        ("service_name", Value::str(name)),
                    ]),
                )),
                None => Err(ProviderError::msg("no matching EC2 VPC Endpoint Service found")),
            };
        }
        let sd = exactly_one(details, "EC2 VPC Endpoint Service", "EC2 VPC Endpoint Services")?;
        let service_name = sd.service_name().unwrap_or_default().to_string();
        let account = self.c.account_id().await?;
        let s = |v: Option<&str>| Value::from(v);
        let strings = |v: &[String]| list_value(v.iter().cloned());
        let service_id = sd.service_id().unwrap_or_default().to_string();
        Ok(with_results(
            config,
            Value::object([
                ("id", Value::str(crc32fast::hash(service_name.as_bytes()).to_string())),
                ("acceptance_required", Value::from(sd.acceptance_required())),
                (
                    "arn",
                    Value::str(format!(
                        "arn:aws:ec2:{}:{account}:vpc-endpoint-service/{service_id}",
                        self.c.region
                    )),
                ),
                ("availability_zones", strings(sd.availability_zones())),
                ("base_endpoint_dns_names", strings(sd.base_endpoint_dns_names())),
                ("manages_vpc_endpoints", Value::from(sd.manages_vpc_endpoints())),
                ("owner", s(sd.owner())),
                ("private_dns_name", s(sd.private_dns_name())),
                (
                    "private_dns_names",
                    list_value(
                        sd.private_dns_names()
                            .iter()
                            .filter_map(|p| p.private_dns_name())
                            .map(str::to_string),
                    ),
                ),
                ("region", s(sd.service_region())),
                ("service_id", Value::str(service_id.clone())),
                ("service_name", s(sd.service_name())),
                (
                    "service_type",
                    Value::from(
                        sd.service_type()
                            .first()
                            .and_then(|t| t.service_type())
                            .map(|t| t.as_str().to_string()),
                    ),
                ),
                (
                    "supported_ip_address_types",
                    list_value(sd.supported_ip_address_types().iter().map(|t| t.as_str().to_string())),
                ),
                ("tags", read_tags(sd.tags())),
                (
                    "vpc_endpoint_policy_supported",
                    Value::from(sd.vpc_endpoint_policy_supported()),
                ),
            ]),
        ))
    }
}
