//! Data source `aws_availability_zones`: the zones of the region, optionally filtered by state.

use crate::provider::aws::common::{aws_err, list_value, opt_str};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use std::sync::Arc;

/// The `aws_availability_zones` data source.
pub struct AvailabilityZones {
    c: Arc<Clients>,
    schema: Schema,
}

impl AvailabilityZones {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AvailabilityZones {
        let schema = data_source("aws_availability_zones")
            .args(&["state", "all_availability_zones", "exclude_names", "exclude_zone_ids"])
            .arg("state")
            .check(one_of(&[
                "available",
                "information",
                "impaired",
                "unavailable",
                "constrained",
            ]))
            .read_timeout(20)
            .build();
        AvailabilityZones { c, schema }
    }
}

#[async_trait]
impl DataSourceType for AvailabilityZones {
    fn type_name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let mut req = self
            .c
            .ec2
            .describe_availability_zones()
            .set_all_availability_zones(config.get("all_availability_zones").as_bool());
        if let Some(state) = opt_str(config, "state") {
            req = req.filters(Filter::builder().name("state").values(state).build());
        }
        let out = req.send().await.map_err(aws_err)?;
        let exclude = |name: &str, list: &str| {
            config
                .get(list)
                .as_list()
                .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(name)))
        };
        let mut zones: Vec<(String, String, String)> = out
            .availability_zones()
            .iter()
            .map(|z| {
                (
                    z.zone_name().unwrap_or_default().to_string(),
                    z.zone_id().unwrap_or_default().to_string(),
                    z.group_name().unwrap_or_default().to_string(),
                )
            })
            .filter(|(n, id, _)| !exclude(n, "exclude_names") && !exclude(id, "exclude_zone_ids"))
            .collect();
        zones.sort();
        let mut groups: Vec<String> = zones.iter().map(|z| z.2.clone()).collect();
        groups.sort();
        groups.dedup();
        let mut v = config.clone();
        if let Value::Object(m) = &mut v {
            m.insert("id".into(), Value::str(self.c.region.clone()));
            m.insert("names".into(), list_value(zones.iter().map(|z| z.0.clone())));
            m.insert("zone_ids".into(), list_value(zones.iter().map(|z| z.1.clone())));
            m.insert("group_names".into(), list_value(groups));
        }
        Ok(v)
    }
}
