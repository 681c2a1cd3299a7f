//! `aws_ec2_capacity_reservation`: On-Demand capacity held for instances of one type and
//! platform in one zone. The instance count and the end date change in place; everything else
//! forces a new reservation. Deleting cancels it; AWS keeps cancelled (and expired) reservations
//! visible for a while, and those count as gone.

use super::{find_owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, ok_on, op_timeout, opt_i32, opt_str, required, wait_for, Op, Poll,
    Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, one_of, rfc3339};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    CapacityReservation as Reservation, CapacityReservationInstancePlatform as Platform, CapacityReservationState,
    CapacityReservationTenancy, EndDateType, InstanceMatchCriteria, ResourceType as Kind,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use std::sync::Arc;
use std::time::Duration;

/// The provider's default create, update and delete timeout.
const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The `aws_ec2_capacity_reservation` resource type.
pub struct CapacityReservation {
    c: Arc<Clients>,
    schema: Schema,
}

impl CapacityReservation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> CapacityReservation {
        let schema = resource("aws_ec2_capacity_reservation")
            .arg("availability_zone")
            .force_new()
            .arg("ebs_optimized")
            .force_new()
            .default(false)
            .arg("end_date")
            .check(rfc3339())
            .arg("end_date_type")
            .default("unlimited")
            .check(one_of(EndDateType::values()))
            .arg("ephemeral_storage")
            .force_new()
            .default(false)
            .arg("instance_match_criteria")
            .force_new()
            .default("open")
            .check(one_of(InstanceMatchCriteria::values()))
            .arg("instance_platform")
            .force_new()
            .check(one_of(Platform::values()))
            .arg("instance_type")
            .force_new()
            .arg("outpost_arn")
            .force_new()
            .check(arn())
            .arg("placement_group_arn")
            .force_new()
            .check(arn())
            .arg("tenancy")
            .force_new()
            .default("default")
            .check(one_of(CapacityReservationTenancy::values()))
            .args(&["instance_count", "tags"])
            .timeouts(10, 10, 10)
            .build();
        CapacityReservation { c, schema }
    }

    /// The reservation, unless AWS no longer has it or keeps it only as cancelled or expired.
    async fn describe(&self, id: &str) -> PResult<Option<Reservation>> {
        let out = absent_on(
            self.c
                .ec2
                .describe_capacity_reservations()
                .capacity_reservation_ids(id)
                .send()
                .await
                .map_err(aws_err),
            &["InvalidCapacityReservationId.NotFound"],
        )?;
        Ok(out
            .and_then(|o| o.capacity_reservations().first().cloned())
            .filter(|r| {
                !matches!(
                    r.state(),
                    Some(CapacityReservationState::Cancelled | CapacityReservationState::Expired)
                )
            }))
    }

    /// Waits for the reservation to be active (after a create or a change).
    async fn wait_active(&self, id: &str, timeout: Duration) -> PResult<()> {
        wait_for(Wait::new(id, "active", timeout), || async {
            Ok(match self.describe(id).await?.and_then(|r| r.state().cloned()) {
                Some(CapacityReservationState::Active) => Poll::Ready(()),
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await
    }
}

/// `end_date` as AWS takes it, when set.
fn end_date(planned: &Value) -> PResult<Option<DateTime>> {
    opt_str(planned, "end_date")
        .map(|t| DateTime::from_str(&t, Format::DateTime).map_err(|e| ProviderError::msg(format!("end_date: {e}"))))
        .transpose()
}

#[async_trait]
impl ResourceType for CapacityReservation {
    fn type_name(&self) -> &'static str {
        "aws_ec2_capacity_reservation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let flag = |k: &str| planned.get(k).as_bool();
        let out = self
            .c
            .ec2
            .create_capacity_reservation()
            .availability_zone(required(planned, "availability_zone")?)
            .instance_type(required(planned, "instance_type")?)
            .instance_platform(Platform::from(required(planned, "instance_platform")?.as_str()))
            .set_instance_count(opt_i32(planned, "instance_count"))
            .set_ebs_optimized(flag("ebs_optimized"))
            .set_ephemeral_storage(flag("ephemeral_storage"))
            .set_end_date(end_date(planned)?)
            .set_end_date_type(opt_str(planned, "end_date_type").map(|t| EndDateType::from(t.as_str())))
            .set_instance_match_criteria(
                opt_str(planned, "instance_match_criteria").map(|c| InstanceMatchCriteria::from(c.as_str())),
            )
            .set_tenancy(opt_str(planned, "tenancy").map(|t| CapacityReservationTenancy::from(t.as_str())))
            .set_outpost_arn(opt_str(planned, "outpost_arn"))
            .set_placement_group_arn(opt_str(planned, "placement_group_arn"))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::CapacityReservation))
            .client_token(&ctx.token)
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .capacity_reservation()
            .and_then(|r| r.capacity_reservation_id())
            .ok_or_else(|| ProviderError::msg("CreateCapacityReservation returned no id"))?
            .to_string();
        self.wait_active(&id, op_timeout(&self.schema, planned, Op::Create, TIMEOUT))
            .await?;
        must_exist(self.read(ctx, &id, planned).await?, "capacity reservation", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(r) = self.describe(id).await? else {
            return Ok(None);
        };
        let s = |v: Option<&str>| Value::from(v);
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", s(r.capacity_reservation_arn())),
            ("availability_zone", s(r.availability_zone())),
            ("ebs_optimized", Value::Bool(r.ebs_optimized().unwrap_or(false))),
            (
                "end_date",
                Value::from(r.end_date().and_then(|t| t.fmt(Format::DateTime).ok())),
            ),
            ("end_date_type", s(r.end_date_type().map(|t| t.as_str()))),
            ("ephemeral_storage", Value::Bool(r.ephemeral_storage().unwrap_or(false))),
            ("instance_count", Value::from(r.total_instance_count().map(i64::from))),
            (
                "instance_match_criteria",
                s(r.instance_match_criteria().map(|c| c.as_str())),
            ),
            ("instance_platform", s(r.instance_platform().map(|p| p.as_str()))),
            ("instance_type", s(r.instance_type())),
            ("outpost_arn", s(r.outpost_arn())),
            ("owner_id", s(r.owner_id())),
            ("placement_group_arn", s(r.placement_group_arn())),
            ("tenancy", s(r.tenancy().map(|t| t.as_str()))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(r.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = ["instance_count", "end_date", "end_date_type"]
            .iter()
            .any(|k| prior.get(k) != planned.get(k));
        if changed {
            self.c
                .ec2
                .modify_capacity_reservation()
                .capacity_reservation_id(id)
                .set_instance_count(opt_i32(planned, "instance_count"))
                .set_end_date(end_date(planned)?)
                .set_end_date_type(opt_str(planned, "end_date_type").map(|t| EndDateType::from(t.as_str())))
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_active(id, op_timeout(&self.schema, planned, Op::Update, TIMEOUT))
                .await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "capacity reservation", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .cancel_capacity_reservation()
            .capacity_reservation_id(id)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, &["InvalidCapacityReservationId.NotFound"])?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, TIMEOUT);
        wait_for(Wait::new(id, "cancelled", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(r) => Poll::pending(r.state().map(|s| s.as_str()).unwrap_or("unknown")),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_capacity_reservations(), ctx, capacity_reservations);
        Ok(found
            .iter()
            .find(|r| r.state() == Some(&CapacityReservationState::Active))
            .and_then(|r| r.capacity_reservation_id())
            .map(str::to_string))
    }
}
