//! `aws_volume_attachment`: an EBS volume attached to an instance at a device name.
//!
//! The id is the provider's hash of the three (`vai-` and the CRC-32 of
//! `DEVICE-INSTANCE-VOLUME-`), so a state Terraform wrote reads the same; the import id is
//! `DEVICE:VOLUME:INSTANCE`. The attach waits for the instance to be running or stopped and
//! then for the attachment; `force_detach`, `skip_destroy` and `stop_instance_before_detaching`
//! only shape the destroy (stopping the instance first, and leaving it stopped, as the
//! provider does), so changing them changes nothing in AWS.

use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, op_timeout, opt_bool, opt_str, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, InstanceStateName, VolumeAttachmentState, VolumeState};
use std::sync::Arc;
use std::time::Duration;

/// How long the provider waits for an instance to be ready for an attach, or to stop.
const INSTANCE_WAIT: Duration = Duration::from_secs(600);

/// The `aws_volume_attachment` resource type.
pub struct VolumeAttachment {
    c: Arc<Clients>,
    schema: Schema,
}

/// The provider's id for an attachment.
fn attachment_id(device: &str, instance: &str, volume: &str) -> String {
    format!(
        "vai-{}",
        crc32fast::hash(format!("{device}-{instance}-{volume}-").as_bytes())
    )
}

/// `DEVICE:VOLUME:INSTANCE`, the import id.
fn parse_import_id(id: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = id.split(':').collect();
    match parts.as_slice() {
        [d, v, i] if !d.is_empty() && !v.is_empty() && !i.is_empty() => {
            Some((d.to_string(), v.to_string(), i.to_string()))
        }
        _ => None,
    }
}

impl VolumeAttachment {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> VolumeAttachment {
        let schema = resource("aws_volume_attachment")
            .arg("device_name")
            .force_new()
            .arg("instance_id")
            .force_new()
            .arg("volume_id")
            .force_new()
            .args(&["force_detach", "skip_destroy", "stop_instance_before_detaching"])
            .timeouts(5, 0, 5)
            .build();
        VolumeAttachment { c, schema }
    }

    /// The attachment's state, `None` when the volume is not attached there (or is gone).
    async fn find(&self, device: &str, instance: &str, volume: &str) -> PResult<Option<VolumeAttachmentState>> {
        let r = self
            .c
            .ec2
            .describe_volumes()
            .volume_ids(volume)
            .filters(Filter::builder().name("attachment.device").values(device).build())
            .filters(
                Filter::builder()
                    .name("attachment.instance-id")
                    .values(instance)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["InvalidVolume.NotFound"])? else {
            return Ok(None);
        };
        let Some(v) = out.volumes().iter().find(|v| v.volume_id() == Some(volume)) else {
            return Ok(None);
        };
        if matches!(v.state(), Some(VolumeState::Available | VolumeState::Deleted)) {
            return Ok(None);
        }
        Ok(v.attachments()
            .iter()
            .filter(|a| a.state() != Some(&VolumeAttachmentState::Detached))
            .find(|a| a.device() == Some(device) && a.instance_id() == Some(instance))
            .and_then(|a| a.state().cloned()))
    }

    async fn instance_state(&self, instance: &str) -> PResult<Option<InstanceStateName>> {
        let r = self
            .c
            .ec2
            .describe_instances()
            .instance_ids(instance)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["InvalidInstanceID.NotFound"])?.and_then(|o| {
            o.reservations()
                .iter()
                .flat_map(|r| r.instances())
                .find(|i| i.instance_id() == Some(instance))
                .and_then(|i| i.state().and_then(|s| s.name().cloned()))
        }))
    }

    /// Waits until the instance is in one of `targets`, through the `passing` states.
    async fn wait_instance(
        &self,
        instance: &str,
        targets: &[InstanceStateName],
        passing: &[InstanceStateName],
    ) -> PResult<()> {
        let label = targets.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" or ");
        wait_for(Wait::new(instance, &label, INSTANCE_WAIT), || async {
            Ok(match self.instance_state(instance).await? {
                Some(s) if targets.contains(&s) => Poll::Ready(()),
                Some(s) if passing.contains(&s) => Poll::pending(s.as_str()),
                Some(s) => {
                    return Err(ProviderError::msg(format!(
                        "instance {instance} is {}, not {label}",
                        s.as_str()
                    )))
                }
                None => Poll::pending("not found yet"),
            })
        })
        .await
    }

    async fn wait_attachment(&self, key: (&str, &str, &str), attached: bool, timeout: Duration) -> PResult<()> {
        let (device, instance, volume) = key;
        let target = if attached { "attached" } else { "detached" };
        wait_for(Wait::new(volume, target, timeout), || async {
            Ok(match (self.find(device, instance, volume).await?, attached) {
                (Some(VolumeAttachmentState::Attached), true) | (None, false) => Poll::Ready(()),
                (Some(s), _) => Poll::pending(s.as_str()),
                (None, true) => Poll::pending("not attached yet"),
            })
        })
        .await
    }
}

fn key_of(v: &Value) -> (String, String, String) {
    let s = |k: &str| opt_str(v, k).unwrap_or_default();
    (s("device_name"), s("instance_id"), s("volume_id"))
}

#[async_trait]
impl ResourceType for VolumeAttachment {
    fn type_name(&self) -> &'static str {
        "aws_volume_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (device, instance, volume) = key_of(planned);
        if self.find(&device, &instance, &volume).await?.is_none() {
            use InstanceStateName as S;
            self.wait_instance(&instance, &[S::Running, S::Stopped], &[S::Pending, S::Stopping])
                .await?;
            self.c
                .ec2
                .attach_volume()
                .device(&device)
                .instance_id(&instance)
                .volume_id(&volume)
                .send()
                .await
                .map_err(aws_err)?;
        }
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(300));
        self.wait_attachment((&device, &instance, &volume), true, timeout)
            .await?;
        let id = attachment_id(&device, &instance, &volume);
        must_exist(self.read(ctx, &id, planned).await?, "volume attachment", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (device, volume, instance) = match (prior, parse_import_id(id)) {
            (Value::Null, Some(parts)) => parts,
            _ => {
                let (d, i, v) = key_of(prior);
                (d, v, i)
            }
        };
        if self.find(&device, &instance, &volume).await?.is_none() {
            return Ok(None);
        }
        let flag = |k: &str| prior.get(k).clone();
        Ok(Some(Value::object([
            ("id", Value::str(attachment_id(&device, &instance, &volume))),
            ("device_name", Value::str(device)),
            ("instance_id", Value::str(instance)),
            ("volume_id", Value::str(volume)),
            ("force_detach", flag("force_detach")),
            ("skip_destroy", flag("skip_destroy")),
            ("stop_instance_before_detaching", flag("stop_instance_before_detaching")),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Only the destroy settings change in place, and they live in state alone.
        must_exist(self.read(ctx, id, planned).await?, "volume attachment", id)
    }

    async fn delete(&self, _ctx: &CallCtx, _id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let (device, instance, volume) = key_of(prior);
        if opt_bool(prior, "stop_instance_before_detaching") == Some(true) {
            self.c
                .ec2
                .stop_instances()
                .instance_ids(&instance)
                .force(false)
                .send()
                .await
                .map_err(aws_err)?;
            use InstanceStateName as S;
            self.wait_instance(
                &instance,
                &[S::Stopped],
                &[S::Pending, S::Running, S::ShuttingDown, S::Stopping],
            )
            .await?;
        }
        let r = self
            .c
            .ec2
            .detach_volume()
            .device(&device)
            .instance_id(&instance)
            .volume_id(&volume)
            .set_force(opt_bool(prior, "force_detach").filter(|f| *f))
            .send()
            .await
            .map_err(aws_err);
        match r {
            Err(e) if e.code.as_deref() == Some("IncorrectState") && e.message.contains("available") => return Ok(()),
            Err(e) if e.code.as_deref() == Some("InvalidVolume.NotFound") => return Ok(()),
            other => other.map(|_| ())?,
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(300));
        self.wait_attachment((&device, &instance, &volume), false, timeout)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_providers_hash() {
        // Computed with the provider's formula, crc32.ChecksumIEEE of the same string.
        assert_eq!(
            attachment_id("/dev/sdh", "i-0123456789abcdef0", "vol-0123456789abcdef0"),
            "vai-3403487813"
        );
        assert_eq!(
            parse_import_id("/dev/sdh:vol-1:i-2"),
            Some(("/dev/sdh".into(), "vol-1".into(), "i-2".into()))
        );
        assert_eq!(parse_import_id("/dev/sdh:vol-1"), None);
        assert_eq!(parse_import_id("/dev/sdh::i-2"), None);
    }
}
