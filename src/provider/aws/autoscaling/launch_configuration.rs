//! `aws_launch_configuration`: the older template an Auto Scaling group launches instances
//! from (AWS now steers new work to launch templates, but existing stacks still declare it).
//! As the AWS provider does: every argument forces a replacement, since AWS cannot change a
//! launch configuration; the id is its name (generated from `name_prefix`, or `terraform-`,
//! when unset), also the import id; `user_data` is kept in state as the SHA-1 of its text,
//! like `aws_instance`'s; block device mappings are sorted into `root_block_device` (the
//! mapping at the AMI's root device name), `ephemeral_block_device` (a virtual name) and
//! `ebs_block_device` (the rest); the create is retried while a new instance profile is not
//! yet known to Auto Scaling, the delete while a group being deleted still uses it.
//!
//! One deliberate difference: `metadata_options` sends `http_tokens` and the hop limit when
//! `http_endpoint` is unset too (the provider drops them unless the endpoint is written
//! `enabled`, so AWS keeps its defaults and every plan afterwards replaces the object).

use super::ABSENT_MESSAGE;
use crate::provider::aws::common::{
    aws_err, first, must_exist, name_or_generated, name_prefix_read, opt_bool, opt_i32, opt_str, retry_while,
    retry_while_matching, str_list,
};
use crate::provider::aws::ec2::instance::{user_data_hash, user_data_to_send};
use crate::provider::aws::ec2::instance_devices::root_device_name;
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ResourceType};
use crate::schema::validators::{int_between, len_between, matches, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_autoscaling::types::{
    BlockDeviceMapping, Ebs, InstanceMetadataEndpointState, InstanceMetadataHttpTokensState, InstanceMetadataOptions,
    InstanceMonitoring, LaunchConfiguration as Described,
};
use std::sync::Arc;
use std::time::Duration;

/// The `aws_launch_configuration` resource type.
pub struct LaunchConfiguration {
    c: Arc<Clients>,
    schema: Schema,
}

/// How long the provider retries a create while IAM has not yet propagated a new instance
/// profile, and a delete while a group still holds the configuration.
const PROPAGATION: Duration = Duration::from_secs(120);

/// Base64 text, as the provider requires of `user_data_base64`.
const BASE64: &str = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";

impl LaunchConfiguration {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LaunchConfiguration {
        let mut decl = resource("aws_launch_configuration")
            .arg("name")
            .check(len_between(1, 255))
            .arg("name_prefix")
            .check(len_between(1, 229))
            .arg("user_data")
            .check(len_between(1, 16384))
            .normalized(user_data_hash)
            .arg("user_data_base64")
            .check(matches(BASE64, "base64-encoded text"))
            .arg("enable_monitoring")
            .default(true)
            .arg("metadata_options.http_endpoint")
            .check(one_of(&["enabled", "disabled"]))
            .arg("metadata_options.http_tokens")
            .check(one_of(&["optional", "required"]))
            .arg("metadata_options.http_put_response_hop_limit")
            .check(int_between(1, 64))
            .arg("ebs_block_device.delete_on_termination")
            .default(true)
            .arg("root_block_device.delete_on_termination")
            .default(true)
            .args(&[
                "image_id",
                "instance_type",
                "associate_public_ip_address",
                "ebs_optimized",
                "iam_instance_profile",
                "key_name",
                "placement_tenancy",
                "security_groups",
                "spot_price",
                "metadata_options",
                "ebs_block_device",
                "ephemeral_block_device",
                "root_block_device",
            ])
            .computed_blocks(&["ebs_block_device", "root_block_device", "metadata_options"])
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .rule(Rule::Conflicts(&["user_data", "user_data_base64"]));
        // AWS cannot change a launch configuration: every argument replaces it.
        for arg in FORCE_NEW {
            decl = decl.arg(arg).force_new();
        }
        LaunchConfiguration {
            c,
            schema: decl.build(),
        }
    }

    async fn describe(&self, name: &str) -> PResult<Option<Described>> {
        let out = self
            .c
            .autoscaling
            .describe_launch_configurations()
            .launch_configuration_names(name)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .launch_configurations()
            .iter()
            .find(|l| l.launch_configuration_name() == Some(name))
            .cloned())
    }

    /// Reads the configuration; `known_root` is the AMI's root device name when the caller has
    /// just looked it up (a create), so it is not asked for twice.
    async fn read_named(
        &self,
        name: &str,
        prior: &Value,
        known_root: Option<Option<String>>,
    ) -> PResult<Option<Value>> {
        let Some(lc) = self.describe(name).await? else {
            return Ok(None);
        };
        // The root mapping is the one at the AMI's root device name; an AMI gone since reads
        // as having none (as the provider's read, which must not block a refresh).
        let root = match (known_root, lc.block_device_mappings().is_empty(), lc.image_id()) {
            (Some(root), _, _) => root,
            (None, false, Some(ami)) => match root_device_name(&self.c.ec2, ami).await {
                Ok(root) => root,
                Err(e)
                    if e.message.contains("Expected 1 AMI") || e.code.as_deref() == Some("InvalidAMIID.NotFound") =>
                {
                    None
                }
                Err(e) => return Err(e),
            },
            _ => None,
        };
        Ok(Some(to_state(&lc, root.as_deref(), prior)))
    }
}

/// Every argument and block: AWS has no call that changes a launch configuration.
const FORCE_NEW: &[&str] = &[
    "name",
    "name_prefix",
    "image_id",
    "instance_type",
    "associate_public_ip_address",
    "ebs_optimized",
    "enable_monitoring",
    "iam_instance_profile",
    "key_name",
    "placement_tenancy",
    "security_groups",
    "spot_price",
    "user_data",
    "user_data_base64",
    "metadata_options",
    "ebs_block_device",
    "ephemeral_block_device",
    "root_block_device",
];

/// An EBS part as CreateLaunchConfiguration takes it: only what is written (zero counts as
/// unset, as the provider sends).
fn ebs_of(b: &Value) -> Ebs {
    let positive = |k: &str| opt_i32(b, k).filter(|n| *n > 0);
    Ebs::builder()
        .set_delete_on_termination(opt_bool(b, "delete_on_termination"))
        .set_encrypted(opt_bool(b, "encrypted").filter(|e| *e))
        .set_iops(positive("iops"))
        .set_throughput(positive("throughput"))
        .set_volume_size(positive("volume_size"))
        .set_volume_type(opt_str(b, "volume_type"))
        .set_snapshot_id(opt_str(b, "snapshot_id"))
        .build()
}

/// The block device mappings to send; `root` is the AMI's root device name.
fn mappings(planned: &Value, root: Option<&str>) -> Result<Vec<BlockDeviceMapping>, String> {
    let mut out = Vec::new();
    for b in planned.get("ebs_block_device").as_list().unwrap_or(&[]) {
        let device = opt_str(b, "device_name").unwrap_or_default();
        if Some(device.as_str()) == root {
            return Err(format!(
                "root device ({device}) declared as an 'ebs_block_device'. Use 'root_block_device' argument."
            ));
        }
        let no_device = opt_bool(b, "no_device") == Some(true);
        out.push(
            BlockDeviceMapping::builder()
                .device_name(device)
                .set_no_device(no_device.then_some(true))
                .set_ebs((!no_device).then(|| ebs_of(b)))
                .build(),
        );
    }
    for b in planned.get("ephemeral_block_device").as_list().unwrap_or(&[]) {
        out.push(
            BlockDeviceMapping::builder()
                .device_name(opt_str(b, "device_name").unwrap_or_default())
                .set_no_device(opt_bool(b, "no_device").filter(|n| *n))
                .set_virtual_name(opt_str(b, "virtual_name"))
                .build(),
        );
    }
    if let Some(b) = first(planned, "root_block_device") {
        let Some(root) = root else {
            return Err(
                "the AMI has no root device name (an instance store AMI): root_block_device cannot apply".into(),
            );
        };
        let mut ebs = ebs_of(b);
        ebs.snapshot_id = None;
        out.push(BlockDeviceMapping::builder().device_name(root).ebs(ebs).build());
    }
    Ok(out)
}

/// The metadata options to send (see the module's note on `http_endpoint`).
fn metadata_options(planned: &Value) -> Option<InstanceMetadataOptions> {
    let m = first(planned, "metadata_options")?;
    let endpoint = opt_str(m, "http_endpoint");
    let open = endpoint.as_deref() != Some("disabled");
    Some(
        InstanceMetadataOptions::builder()
            .set_http_endpoint(endpoint.as_deref().map(InstanceMetadataEndpointState::from))
            .set_http_tokens(
                opt_str(m, "http_tokens")
                    .filter(|_| open)
                    .as_deref()
                    .map(InstanceMetadataHttpTokensState::from),
            )
            .set_http_put_response_hop_limit(opt_i32(m, "http_put_response_hop_limit").filter(|n| open && *n > 0))
            .build(),
    )
}

/// State from a description, as the provider's read sets it; `root` is the AMI's root device
/// name, `prior` what state (or the plan) held.
fn to_state(lc: &Described, root: Option<&str>, prior: &Value) -> Value {
    let name = lc.launch_configuration_name().unwrap_or_default();
    let (mut ebs, mut ephemeral, mut root_block) = (Vec::new(), Vec::new(), Vec::new());
    for m in lc.block_device_mappings() {
        let e = m.ebs();
        let mut block = vec![
            ("volume_size", Value::from(e.and_then(|e| e.volume_size()))),
            ("volume_type", Value::from(e.and_then(|e| e.volume_type()))),
            ("iops", Value::from(e.and_then(|e| e.iops()))),
            ("throughput", Value::from(e.and_then(|e| e.throughput()))),
            ("encrypted", Value::from(e.and_then(|e| e.encrypted()))),
        ];
        let no_device = m.no_device() == Some(true);
        let delete = if no_device {
            // AWS answers no EBS part for such a mapping: the value written stands.
            prior
                .get("ebs_block_device")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .find(|b| opt_str(b, "device_name").as_deref() == m.device_name())
                .and_then(|b| opt_bool(b, "delete_on_termination"))
                .or(Some(true))
        } else {
            e.and_then(|e| e.delete_on_termination())
        };
        block.push(("delete_on_termination", Value::from(delete)));
        if m.device_name().is_some() && m.device_name() == root {
            root_block.push(Value::object(block));
        } else if let Some(virtual_name) = m.virtual_name() {
            ephemeral.push(Value::object([
                ("device_name", Value::from(m.device_name())),
                ("virtual_name", Value::str(virtual_name)),
                ("no_device", Value::from(m.no_device().filter(|n| *n))),
            ]));
        } else {
            block.push(("device_name", Value::from(m.device_name())));
            block.push(("snapshot_id", Value::from(e.and_then(|e| e.snapshot_id()))));
            block.push(("no_device", Value::from(m.no_device().filter(|n| *n))));
            ebs.push(Value::object(block));
        }
    }
    // As the provider's read: answered user data goes where the blueprint wrote it.
    let b64 = !prior.get("user_data_base64").is_null();
    let user_data = lc.user_data().filter(|u| !u.is_empty());
    let metadata = lc.metadata_options().map(|o| {
        Value::object([
            ("http_endpoint", Value::from(o.http_endpoint().map(|v| v.as_str()))),
            ("http_tokens", Value::from(o.http_tokens().map(|v| v.as_str()))),
            (
                "http_put_response_hop_limit",
                Value::from(o.http_put_response_hop_limit()),
            ),
        ])
    });
    Value::object([
        ("id", Value::str(name)),
        ("name", Value::str(name)),
        ("name_prefix", name_prefix_read(prior, Some(name), "")),
        ("arn", Value::from(lc.launch_configuration_arn())),
        ("image_id", Value::from(lc.image_id())),
        ("instance_type", Value::from(lc.instance_type())),
        (
            "associate_public_ip_address",
            Value::from(lc.associate_public_ip_address()),
        ),
        ("ebs_optimized", Value::from(lc.ebs_optimized().unwrap_or(false))),
        (
            "enable_monitoring",
            Value::from(lc.instance_monitoring().and_then(|m| m.enabled()).unwrap_or(false)),
        ),
        ("iam_instance_profile", Value::from(lc.iam_instance_profile())),
        ("key_name", Value::str(lc.key_name().unwrap_or_default())),
        ("placement_tenancy", Value::from(lc.placement_tenancy())),
        (
            "security_groups",
            Value::List(lc.security_groups().iter().map(Value::str).collect()),
        ),
        ("spot_price", Value::from(lc.spot_price())),
        (
            "user_data",
            if b64 {
                prior.get("user_data").clone()
            } else {
                Value::from(user_data.map(user_data_hash))
            },
        ),
        (
            "user_data_base64",
            if b64 {
                Value::from(user_data)
            } else {
                prior.get("user_data_base64").clone()
            },
        ),
        ("metadata_options", Value::List(metadata.into_iter().collect())),
        ("ebs_block_device", Value::List(ebs)),
        ("ephemeral_block_device", Value::List(ephemeral)),
        ("root_block_device", Value::List(root_block)),
    ])
}

#[async_trait]
impl ResourceType for LaunchConfiguration {
    fn type_name(&self) -> &'static str {
        "aws_launch_configuration"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let image = opt_str(planned, "image_id").unwrap_or_default();
        let has_blocks = ["ebs_block_device", "ephemeral_block_device", "root_block_device"]
            .iter()
            .any(|k| planned.get(k).as_list().is_some_and(|l| !l.is_empty()));
        let root = if has_blocks {
            root_device_name(&self.c.ec2, &image).await?
        } else {
            None
        };
        let devices = mappings(planned, root.as_deref()).map_err(crate::provider::ProviderError::msg)?;
        let request = self
            .c
            .autoscaling
            .create_launch_configuration()
            .launch_configuration_name(&name)
            .image_id(image)
            .set_instance_type(opt_str(planned, "instance_type"))
            .ebs_optimized(opt_bool(planned, "ebs_optimized").unwrap_or(false))
            .set_associate_public_ip_address(opt_bool(planned, "associate_public_ip_address"))
            .set_iam_instance_profile(opt_str(planned, "iam_instance_profile"))
            .instance_monitoring(
                InstanceMonitoring::builder()
                    .enabled(opt_bool(planned, "enable_monitoring").unwrap_or(true))
                    .build(),
            )
            .set_key_name(opt_str(planned, "key_name"))
            .set_metadata_options(metadata_options(planned))
            .set_placement_tenancy(opt_str(planned, "placement_tenancy"))
            .set_security_groups(Some(str_list(planned, "security_groups")).filter(|g| !g.is_empty()))
            .set_spot_price(opt_str(planned, "spot_price"))
            .set_user_data(user_data_to_send(planned))
            .set_block_device_mappings(Some(devices).filter(|d| !d.is_empty()));
        // A new instance profile is refused until IAM has propagated it.
        retry_while_matching(
            |e| {
                e.code.as_deref() == Some("ValidationError")
                    && (e.message.contains("Invalid IamInstanceProfile")
                        || e.message.contains("You are not authorized to perform this operation"))
            },
            PROPAGATION,
            || async { request.clone().send().await.map_err(aws_err) },
        )
        .await?;
        must_exist(
            self.read_named(&name, planned, Some(root)).await?,
            "Auto Scaling Launch Configuration",
            &name,
        )
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        self.read_named(id, prior, None).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces a replacement: nothing changes in place, the object is as read.
        must_exist(
            self.read_named(id, planned, None).await?,
            "Auto Scaling Launch Configuration",
            id,
        )
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let deleted = retry_while(&["ResourceInUse"], PROPAGATION, || async {
            self.c
                .autoscaling
                .delete_launch_configuration()
                .launch_configuration_name(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        match deleted {
            Err(e) if e.message.contains(ABSENT_MESSAGE) => Ok(()),
            other => other.map(|_| ()),
        }
    }
}
