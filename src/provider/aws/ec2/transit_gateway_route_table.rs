//! `aws_ec2_transit_gateway_route_table`: a route table of a transit gateway, beside its
//! default one, which attachments are associated with and propagate to.
//!
//! As the provider does: waited for until available and until deleted; everything but tags
//! forces a new table; AWS keeps deleted tables visible for a while in the `deleted` state,
//! and those count as gone.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, ec2_arn, must_exist, ok_on, required, wait_for, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::not_empty;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType as Kind, TransitGatewayRouteTable as Table};
use std::sync::Arc;
use std::time::Duration;

/// How long the provider waits for a table to be made or deleted.
const SETTLE: Duration = Duration::from_secs(600);

/// The `aws_ec2_transit_gateway_route_table` resource type.
pub struct TransitGatewayRouteTable {
    c: Arc<Clients>,
    schema: Schema,
}

impl TransitGatewayRouteTable {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> TransitGatewayRouteTable {
        let schema = resource("aws_ec2_transit_gateway_route_table")
            .arg("transit_gateway_id")
            .force_new()
            .check(not_empty())
            .args(&["tags"])
            .build();
        TransitGatewayRouteTable { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<Table>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_transit_gateway_route_tables()
                .transit_gateway_route_table_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidRouteTableID.NotFound"],
        )?;
        Ok(out.and_then(|o| {
            o.transit_gateway_route_tables()
                .iter()
                .find(|t| t.transit_gateway_route_table_id() == Some(id) && state(t) != "deleted")
                .cloned()
        }))
    }
}

fn state(t: &Table) -> &str {
    t.state().map(|s| s.as_str()).unwrap_or("unknown")
}

/// A route table as state and the data source hold it (tags apart).
pub(super) fn table_value(t: &aws_sdk_ec2::types::TransitGatewayRouteTable, region: &str, account: &str) -> Value {
    let id = t.transit_gateway_route_table_id().unwrap_or_default();
    Value::object([
        ("id", Value::str(id)),
        ("arn", ec2_arn(region, account, "transit-gateway-route-table", id)),
        ("transit_gateway_id", Value::from(t.transit_gateway_id())),
        (
            "default_association_route_table",
            Value::from(t.default_association_route_table().unwrap_or(false)),
        ),
        (
            "default_propagation_route_table",
            Value::from(t.default_propagation_route_table().unwrap_or(false)),
        ),
    ])
}

#[async_trait]
impl ResourceType for TransitGatewayRouteTable {
    fn type_name(&self) -> &'static str {
        "aws_ec2_transit_gateway_route_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let out = self
            .c
            .ec2
            .create_transit_gateway_route_table()
            .transit_gateway_id(required(planned, "transit_gateway_id")?)
            .set_tag_specifications(tag_spec(ctx, planned, Kind::TransitGatewayRouteTable))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .transit_gateway_route_table()
            .and_then(|t| t.transit_gateway_route_table_id())
            .ok_or_else(|| ProviderError::msg("CreateTransitGatewayRouteTable returned no id"))?
            .to_string();
        wait_for(Wait::new(&id, "available", SETTLE), || async {
            Ok(match self.describe(&id).await? {
                Some(t) if state(&t) == "available" => Poll::Ready(()),
                Some(t) => Poll::pending(state(&t)),
                None => Poll::pending("not found yet"),
            })
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "transit gateway route table", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(t) = self.describe(id).await? else {
            return Ok(None);
        };
        let mut v = table_value(&t, &self.c.region, &self.c.account_id().await?);
        if let Value::Object(m) = &mut v {
            m.insert("tags".into(), configured_tags(prior));
            m.insert("tags_all".into(), read_tags(t.tags()));
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "transit gateway route table", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_transit_gateway_route_table()
            .transit_gateway_route_table_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, &["InvalidRouteTableID.NotFound"])?;
        wait_for(Wait::new(id, "deleted", SETTLE), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(t) => Poll::pending(state(&t)),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, planned: &Value) -> bool {
        crate::provider::aws::common::known_early(planned, &["transit_gateway_id"])
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(
            self.c.ec2.describe_transit_gateway_route_tables(),
            ctx,
            transit_gateway_route_tables
        );
        let gateway = crate::provider::aws::common::opt_str(planned, "transit_gateway_id");
        Ok(found
            .iter()
            .find(|t| state(t) != "deleted" && t.transit_gateway_id().map(str::to_string) == gateway)
            .and_then(|t| t.transit_gateway_route_table_id())
            .map(str::to_string))
    }
}
