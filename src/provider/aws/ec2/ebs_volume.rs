//! `aws_ebs_volume`: a block storage volume in one availability zone, which
//! `aws_volume_attachment` attaches to an instance.
//!
//! Size, type, IOPS and throughput change in place (ModifyVolume, waited for until the
//! modification is optimizing or complete, as the provider waits); the zone, encryption, key,
//! snapshot, multi-attach and Outpost force a new volume. The provider's plan-time checks are
//! kept: IOPS only for io1/io2/gp3 (and required for io1/io2), throughput only for gp3,
//! multi-attach only for io1/io2. `final_snapshot` snapshots the volume (with its tags) before
//! the delete, which is retried while the volume is still in use.

use super::{find_owned, read_tags, tag_spec, tag_spec_of, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, ec2_arn, must_exist, op_timeout, opt_bool, opt_i32, opt_str,
    retry_while, string_pairs, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::lookup::rfc3339;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_between, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{ResourceType as Kind, Volume, VolumeModificationState, VolumeState, VolumeType};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_ebs_volume` resource type.
pub struct EbsVolume {
    c: Arc<Clients>,
    schema: Schema,
}

/// Types whose IOPS are set (io1, io2: required; gp3: 3,000 by default).
const PROVISIONED: &[&str] = &["io1", "io2", "gp3"];

fn number(v: Option<i32>) -> Value {
    v.map(|n| Value::Number(n as f64)).unwrap_or(Value::Null)
}

/// Waits for a ModifyVolume to reach `optimizing` or `completed`, as the provider does (for a
/// volume of its own, or an instance's root volume).
pub async fn wait_modified(ec2: &aws_sdk_ec2::Client, id: &str, timeout: Duration) -> PResult<()> {
    wait_for(Wait::new(id, "optimizing", timeout), || async {
        let out = ec2
            .describe_volumes_modifications()
            .volume_ids(id)
            .send()
            .await
            .map_err(aws_err)?;
        let state = out
            .volumes_modifications()
            .iter()
            .filter(|m| m.volume_id() == Some(id))
            .max_by_key(|m| m.start_time().map(|t| t.secs()))
            .and_then(|m| m.modification_state().cloned());
        Ok(match state {
            Some(VolumeModificationState::Optimizing | VolumeModificationState::Completed) => Poll::Ready(()),
            Some(VolumeModificationState::Failed) => {
                return Err(ProviderError::msg(format!("modifying volume {id} failed")))
            }
            Some(s) => Poll::pending(s.as_str()),
            None => Poll::pending("no modification yet"),
        })
    })
    .await
}

impl EbsVolume {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> EbsVolume {
        let schema = resource("aws_ebs_volume")
            .arg("availability_zone")
            .force_new()
            .arg("encrypted")
            .force_new()
            .arg("kms_key_id")
            .force_new()
            .check(arn())
            .arg("multi_attach_enabled")
            .force_new()
            .arg("outpost_arn")
            .force_new()
            .check(arn())
            .arg("snapshot_id")
            .force_new()
            .arg("throughput")
            .check(int_between(125, 1000))
            .args(&["final_snapshot", "iops", "size", "type", "tags"])
            .rule(Rule::AtLeastOne(&["size", "snapshot_id"]))
            .timeouts(5, 5, 10)
            .build();
        EbsVolume { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<Volume>> {
        let r = self
            .c
            .ec2
            .describe_volumes()
            .volume_ids(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["InvalidVolume.NotFound"])?.and_then(|o| {
            o.volumes()
                .iter()
                .find(|v| v.volume_id() == Some(id) && v.state() != Some(&VolumeState::Deleted))
                .cloned()
        }))
    }

    async fn wait_state(&self, id: &str, target: VolumeState, timeout: Duration) -> PResult<()> {
        wait_for(Wait::new(id, target.as_str(), timeout), || async {
            Ok(match self.describe(id).await?.and_then(|v| v.state().cloned()) {
                Some(s) if s == target => Poll::Ready(()),
                Some(VolumeState::Error) => return Err(ProviderError::msg(format!("volume {id} is in state error"))),
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await
    }

    /// The provider's final snapshot: the volume's tags on it, waited for until completed.
    async fn snapshot(&self, id: &str, prior: &Value, timeout: Duration) -> PResult<()> {
        let spec = tag_spec_of(string_pairs(prior.get("tags_all")), Kind::Snapshot);
        let out = retry_while(
            &["SnapshotCreationPerVolumeRateExceeded"],
            Duration::from_secs(60),
            || async {
                self.c
                    .ec2
                    .create_snapshot()
                    .volume_id(id)
                    .set_tag_specifications(spec.clone())
                    .send()
                    .await
                    .map_err(aws_err)
            },
        )
        .await?;
        let snapshot = out.snapshot_id().unwrap_or_default().to_string();
        wait_for(Wait::new(&snapshot, "completed", timeout), || async {
            let out = self
                .c
                .ec2
                .describe_snapshots()
                .snapshot_ids(&snapshot)
                .send()
                .await
                .map_err(aws_err)?;
            Ok(match out.snapshots().first().and_then(|s| s.state()) {
                Some(s) if s.as_str() == "completed" => Poll::Ready(()),
                Some(s) if s.as_str() == "error" => {
                    return Err(ProviderError::msg(format!("final snapshot {snapshot} of {id} failed")))
                }
                Some(s) => Poll::pending(s.as_str()),
                None => Poll::pending("not found yet"),
            })
        })
        .await
    }
}

#[async_trait]
impl ResourceType for EbsVolume {
    fn type_name(&self) -> &'static str {
        "aws_ebs_volume"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let kind = opt_str(config, "type").unwrap_or_default();
        let iops = opt_i32(config, "iops").unwrap_or(0);
        let unknown = |k: &str| config.get(k) == &Value::Unknown;
        match prior {
            None => {
                // The provider's CustomizeDiff, on create only, on the values as written (an
                // unset one counts as zero, as there; one not known yet is not checked).
                let refuse = |m: String| Err(ProviderError::msg(m));
                if unknown("type") {
                    return Ok(None);
                }
                match kind.as_str() {
                    "io1" | "io2" if iops == 0 && !unknown("iops") => {
                        return refuse(format!("'iops' must be set when 'type' is '{kind}'"))
                    }
                    "io1" | "io2" | "gp3" => {}
                    _ if iops != 0 => return refuse(format!("'iops' must not be set when 'type' is '{kind}'")),
                    _ => {}
                }
                if opt_bool(config, "multi_attach_enabled") == Some(true) && kind != "io1" && kind != "io2" {
                    return refuse(format!(
                        "'multi_attach_enabled' must not be set when 'type' is '{kind}'"
                    ));
                }
                if opt_i32(config, "throughput").unwrap_or(0) > 0 && kind != "gp3" {
                    return refuse(format!("'throughput' must not be set when 'type' is '{kind}'"));
                }
            }
            Some(p) => {
                // `iops = 0` on a type without provisioned IOPS changes nothing.
                let kind = opt_str(planned, "type").unwrap_or_default();
                let zero = opt_i32(planned, "iops") == Some(0);
                if differs(p, planned, "iops") && zero && !PROVISIONED.contains(&kind.as_str()) {
                    if let Value::Object(m) = planned {
                        m.insert("iops".into(), p.get("iops").clone());
                    }
                }
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let positive = |k: &str| opt_i32(planned, k).filter(|n| *n > 0);
        let out = self
            .c
            .ec2
            .create_volume()
            .client_token(&ctx.token)
            .set_availability_zone(opt_str(planned, "availability_zone"))
            .set_encrypted(opt_bool(planned, "encrypted").filter(|e| *e))
            .set_iops(positive("iops"))
            .set_kms_key_id(opt_str(planned, "kms_key_id"))
            .set_multi_attach_enabled(opt_bool(planned, "multi_attach_enabled").filter(|m| *m))
            .set_outpost_arn(opt_str(planned, "outpost_arn"))
            .set_size(positive("size"))
            .set_snapshot_id(opt_str(planned, "snapshot_id"))
            .set_throughput(positive("throughput"))
            .set_volume_type(opt_str(planned, "type").map(|t| VolumeType::from(t.as_str())))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::Volume))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .volume_id()
            .ok_or_else(|| ProviderError::msg("CreateVolume returned no volume id"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(300));
        self.wait_state(&id, VolumeState::Available, timeout).await?;
        must_exist(self.read(ctx, &id, planned).await?, "EBS volume", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(v) = self.describe(id).await? else {
            return Ok(None);
        };
        let account = self.c.account_id().await?;
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("arn", ec2_arn(&self.c.region, &account, "volume", id)),
            ("availability_zone", Value::from(v.availability_zone())),
            ("create_time", Value::from(v.create_time().map(rfc3339))),
            ("encrypted", Value::Bool(v.encrypted().unwrap_or(false))),
            (
                "final_snapshot",
                Value::Bool(opt_bool(prior, "final_snapshot").unwrap_or(false)),
            ),
            ("iops", number(v.iops())),
            ("kms_key_id", Value::from(v.kms_key_id())),
            (
                "multi_attach_enabled",
                Value::Bool(v.multi_attach_enabled().unwrap_or(false)),
            ),
            ("outpost_arn", Value::from(v.outpost_arn())),
            ("size", number(v.size())),
            ("snapshot_id", Value::from(v.snapshot_id())),
            ("throughput", number(v.throughput())),
            ("type", Value::from(v.volume_type().map(|t| t.as_str()))),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(v.tags())),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let settings = ["iops", "size", "throughput", "type"];
        if settings.iter().any(|k| differs(prior, planned, k)) {
            let kind = opt_str(planned, "type").unwrap_or_default();
            let iops = opt_i32(planned, "iops");
            let mut modify = self.c.ec2.modify_volume().volume_id(id);
            if differs(prior, planned, "iops") {
                modify = modify.set_iops(iops);
            }
            if differs(prior, planned, "size") {
                modify = modify.set_size(opt_i32(planned, "size"));
            }
            // As the provider: a gp3 volume's throughput is always sent, since ModifyVolume
            // otherwise resets it.
            if kind == "gp3" {
                modify = modify.set_throughput(opt_i32(planned, "throughput").filter(|t| *t > 0));
            }
            if differs(prior, planned, "type") {
                modify = modify.volume_type(VolumeType::from(kind.as_str()));
                if PROVISIONED.contains(&kind.as_str()) {
                    modify = modify.set_iops(iops);
                }
            }
            modify.send().await.map_err(aws_err)?;
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(300));
            wait_modified(&self.c.ec2, id, timeout).await?;
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "EBS volume", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        if opt_bool(prior, "final_snapshot") == Some(true) {
            self.snapshot(id, prior, timeout).await?;
        }
        let r = retry_while(&["VolumeInUse"], timeout, || async {
            self.c.ec2.delete_volume().volume_id(id).send().await.map_err(aws_err)
        })
        .await;
        if absent_on(r, &["InvalidVolume.NotFound"])?.is_none() {
            return Ok(());
        }
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.describe(id).await? {
                None => Poll::Ready(()),
                Some(v) => Poll::pending(v.state().map(|s| s.as_str()).unwrap_or("unknown")),
            })
        })
        .await
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_volumes(), ctx, volumes);
        Ok(found
            .iter()
            .find(|v| v.state() != Some(&VolumeState::Deleted))
            .and_then(|v| v.volume_id())
            .map(str::to_string))
    }
}
