//! The block devices of `aws_instance`, as the provider handles them: `root_block_device` (the
//! AMI's root volume, sized, typed and tagged at launch and changed in place afterwards),
//! `ebs_block_device` (more volumes made at launch; any change but tags replaces the
//! instance), `ephemeral_block_device` (instance store mappings, which EC2 never lists, so
//! state keeps them as written) and `volume_tags` (the tags of every volume of the instance).
//! Kept apart from `instance.rs` because the volumes are read and changed through the volume
//! API, not the instance's.

use super::ebs_volume::wait_modified;
use super::{read_tags, update_tags};
use crate::provider::aws::common::{aws_err, differs, first, opt_bool, opt_i32, opt_str};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_ec2::types::{
    BlockDeviceMapping, DeviceType, EbsBlockDevice, EbsInstanceBlockDeviceSpecification, Filter, Instance,
    InstanceBlockDeviceMappingSpecification, Volume, VolumeType,
};
use std::time::Duration;

/// The fields of an EBS block the provider replaces the instance for (all but the tags; the
/// root volume's size, type, IOPS, throughput and delete flag change in place).
const EBS_FIELDS: &[&str] = &[
    "delete_on_termination",
    "encrypted",
    "iops",
    "kms_key_id",
    "snapshot_id",
    "throughput",
    "volume_size",
    "volume_type",
];

/// The root volume's fields that replace the instance when changed.
const ROOT_FORCE_NEW: &[&str] = &["encrypted", "kms_key_id"];

/// Volume types that take provisioned IOPS.
const PROVISIONED: &[&str] = &["io1", "io2", "gp3"];

/// The blocks of one kind as written (none when the blueprint leaves them out).
fn blocks<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).as_list().unwrap_or(&[])
}

/// The provider's checks of a block's IOPS and throughput against its volume type, made
/// before RunInstances (there at apply; here at plan, before anything is made).
fn check_ebs(kind: &str, b: &Value) -> Result<(), String> {
    let Some(t) = opt_str(b, "volume_type") else {
        return Ok(());
    };
    if opt_i32(b, "iops").unwrap_or(0) > 0 && !PROVISIONED.contains(&t.to_lowercase().as_str()) {
        return Err(format!(
            "error creating resource: iops attribute not supported for {kind} with volume_type {t}"
        ));
    }
    if opt_i32(b, "throughput").unwrap_or(0) > 0 && t.to_lowercase() != "gp3" {
        return Err(format!(
            "error creating resource: throughput attribute not supported for {kind} with volume_type {t}"
        ));
    }
    Ok(())
}

/// The provider's checks of the block devices as configured: IOPS and throughput only for the
/// types that take them, an instance store mapping named or suppressed, block tags not beside
/// `volume_tags` (the provider's ConflictsWith).
pub fn check(config: &Value) -> Result<(), String> {
    for b in blocks(config, "root_block_device") {
        check_ebs("root_block_device", b)?;
    }
    for b in blocks(config, "ebs_block_device") {
        check_ebs("ebs_block_device", b)?;
    }
    for b in blocks(config, "ephemeral_block_device") {
        if opt_bool(b, "no_device") != Some(true) && opt_str(b, "virtual_name").is_none() {
            return Err("virtual_name cannot be empty when no_device is false or undefined.".into());
        }
    }
    let volume_tags = config.get("volume_tags").as_object().is_some_and(|m| !m.is_empty());
    for kind in ["root_block_device", "ebs_block_device"] {
        for (i, b) in blocks(config, kind).iter().enumerate() {
            if volume_tags && !b.get("tags").is_null() {
                return Err(format!("\"{kind}.{i}.tags\": conflicts with volume_tags"));
            }
        }
    }
    Ok(())
}

/// A field of a block as written matches what state holds: unset (AWS's value stands; the
/// delete flag defaults to true) or equal.
fn field_matches(name: &str, written: &Value, held: &Value) -> bool {
    match written {
        Value::Null if name == "delete_on_termination" => held.as_bool() != Some(false),
        Value::Null => true,
        Value::Number(n) if *n == 0.0 && (name == "iops" || name == "throughput") => true,
        w => w == held,
    }
}

/// Why the block devices as written replace the instance, if they do: a new encryption or key
/// for the root volume, or EBS blocks that differ from state in anything but their tags.
pub fn replacement(prior: &Value, config: &Value) -> Option<String> {
    if let (Some(w), Some(h)) = (first(config, "root_block_device"), first(prior, "root_block_device")) {
        if let Some(f) = ROOT_FORCE_NEW.iter().find(|f| !field_matches(f, w.get(f), h.get(f))) {
            return Some(format!("root_block_device.0.{f} changed"));
        }
    }
    let written = blocks(config, "ebs_block_device");
    if written.is_empty() {
        return None;
    }
    let held = blocks(prior, "ebs_block_device");
    let same = written.len() == held.len()
        && written.iter().all(|w| {
            held.iter().any(|h| {
                h.get("device_name") == w.get("device_name")
                    && EBS_FIELDS.iter().all(|f| field_matches(f, w.get(f), h.get(f)))
            })
        });
    (!same).then(|| "ebs_block_device changed".to_string())
}

/// The AMI's root device name, as the provider finds it: the image's root device name, or the
/// first mapping's name when the root name is not among its mappings; none for an instance
/// store AMI.
pub async fn root_device_name(ec2: &aws_sdk_ec2::Client, ami: &str) -> PResult<Option<String>> {
    let out = ec2.describe_images().image_ids(ami).send().await.map_err(aws_err)?;
    let Some(image) = out.images().first() else {
        return Err(crate::provider::ProviderError::msg(format!(
            "Expected 1 AMI for ID: {ami}, got none"
        )));
    };
    if image.root_device_type() == Some(&DeviceType::InstanceStore) {
        return Ok(None);
    }
    let mappings = image.block_device_mappings();
    let root = image.root_device_name().map(str::to_string);
    if !mappings.iter().any(|m| m.device_name() == root.as_deref()) {
        if let Some(name) = mappings.first().and_then(|m| m.device_name()) {
            return Ok(Some(name.to_string()));
        }
    }
    Ok(root)
}

/// An EBS block as RunInstances takes it (only the settings written, as the provider sends).
fn ebs_of(b: &Value) -> EbsBlockDevice {
    let kind = opt_str(b, "volume_type");
    let positive = |k: &str| opt_i32(b, k).filter(|n| *n > 0);
    EbsBlockDevice::builder()
        .delete_on_termination(opt_bool(b, "delete_on_termination").unwrap_or(true))
        .set_snapshot_id(opt_str(b, "snapshot_id"))
        .set_encrypted(opt_bool(b, "encrypted").filter(|e| *e))
        .set_kms_key_id(opt_str(b, "kms_key_id"))
        .set_volume_size(positive("volume_size"))
        .set_volume_type(kind.as_deref().map(VolumeType::from))
        .set_iops(positive("iops").filter(|_| kind.is_some()))
        .set_throughput(positive("throughput").filter(|_| kind.is_some()))
        .build()
}

/// The block device mappings of RunInstances: the EBS and instance store blocks, and the root
/// block under the AMI's root device name.
pub fn mappings(planned: &Value, root: Option<&str>) -> Vec<BlockDeviceMapping> {
    let mut out: Vec<BlockDeviceMapping> = blocks(planned, "ebs_block_device")
        .iter()
        .map(|b| {
            BlockDeviceMapping::builder()
                .set_device_name(opt_str(b, "device_name"))
                .ebs(ebs_of(b))
                .build()
        })
        .collect();
    out.extend(blocks(planned, "ephemeral_block_device").iter().map(|b| {
        let none = opt_bool(b, "no_device") == Some(true);
        BlockDeviceMapping::builder()
            .set_device_name(opt_str(b, "device_name"))
            .set_virtual_name(opt_str(b, "virtual_name").filter(|_| !none))
            .set_no_device(none.then(String::new))
            .build()
    }));
    if let (Some(b), Some(root)) = (first(planned, "root_block_device"), root) {
        out.push(BlockDeviceMapping::builder().device_name(root).ebs(ebs_of(b)).build());
    }
    out
}

/// The volume id of the instance's device `name`.
fn volume_at<'a>(instance: &'a Instance, name: &str) -> Option<&'a str> {
    instance
        .block_device_mappings()
        .iter()
        .find(|m| m.device_name() == Some(name))
        .and_then(|m| m.ebs())
        .and_then(|e| e.volume_id())
}

/// Tags a block's volume with the block's own `tags`, after launch, as the provider does.
async fn tag_volume(ec2: &aws_sdk_ec2::Client, volume: &str, prior: &Value, block: &Value) -> PResult<()> {
    let as_tags = |v: &Value| Value::object([("tags_all", v.get("tags").clone())]);
    update_tags(ec2, volume, &as_tags(prior), &as_tags(block)).await
}

/// After RunInstances: each block's `tags` on its volume.
pub async fn tag_created(ec2: &aws_sdk_ec2::Client, instance: &Instance, planned: &Value) -> PResult<()> {
    let none = Value::Null;
    if let (Some(b), Some(root)) = (first(planned, "root_block_device"), instance.root_device_name()) {
        if let Some(v) = volume_at(instance, root) {
            tag_volume(ec2, v, &none, b).await?;
        }
    }
    for b in blocks(planned, "ebs_block_device") {
        if let Some(v) = opt_str(b, "device_name").and_then(|d| volume_at(instance, &d)) {
            tag_volume(ec2, v, &none, b).await?;
        }
    }
    Ok(())
}

fn number(n: Option<i32>) -> Value {
    n.map(|n| Value::Number(n as f64)).unwrap_or(Value::Null)
}

/// The volumes attached to an instance.
async fn volumes_of(ec2: &aws_sdk_ec2::Client, instance_id: &str) -> PResult<Vec<Volume>> {
    let out = ec2
        .describe_volumes()
        .filters(
            Filter::builder()
                .name("attachment.instance-id")
                .values(instance_id)
                .build(),
        )
        .send()
        .await
        .map_err(aws_err)?;
    Ok(out.volumes().to_vec())
}

/// `root_block_device`, `ebs_block_device`, `ephemeral_block_device` and `volume_tags` as the
/// provider reads them: the EBS volumes of the instance's mappings (DescribeVolumes), the
/// root one by the instance's root device name; the block tags only when `volume_tags` is not
/// in use, `volume_tags` only when it is; instance store blocks as state had them.
pub async fn read(
    ec2: &aws_sdk_ec2::Client,
    instance: &Instance,
    prior: &Value,
) -> PResult<Vec<(&'static str, Value)>> {
    let id = instance.instance_id().unwrap_or_default();
    let volumes = volumes_of(ec2, id).await?;
    let volume_tags_in_use = prior.get("volume_tags").as_object().is_some_and(|m| !m.is_empty());
    let mut root = Vec::new();
    let mut ebs = Vec::new();
    for m in instance.block_device_mappings() {
        let Some(e) = m.ebs() else { continue };
        let Some(v) = volumes
            .iter()
            .find(|v| v.volume_id().is_some() && v.volume_id() == e.volume_id())
        else {
            continue;
        };
        let tags = read_tags(v.tags());
        let mut block = vec![
            ("volume_id", Value::from(v.volume_id())),
            ("delete_on_termination", Value::from(e.delete_on_termination())),
            ("volume_size", number(v.size())),
            ("volume_type", Value::from(v.volume_type().map(|t| t.as_str()))),
            ("iops", number(v.iops())),
            ("encrypted", Value::from(v.encrypted())),
            ("kms_key_id", Value::from(v.kms_key_id())),
            ("throughput", number(v.throughput())),
            ("device_name", Value::from(m.device_name())),
            ("tags", if volume_tags_in_use { Value::Null } else { tags.clone() }),
            ("tags_all", if volume_tags_in_use { Value::Null } else { tags }),
        ];
        if m.device_name().is_some() && m.device_name() == instance.root_device_name() {
            root.push(Value::object(block));
        } else {
            block.push(("snapshot_id", Value::from(v.snapshot_id())));
            ebs.push(Value::object(block));
        }
    }
    let mut out = vec![
        ("root_block_device", Value::List(root)),
        ("ebs_block_device", Value::List(ebs)),
        (
            "ephemeral_block_device",
            match prior.get("ephemeral_block_device") {
                Value::List(l) => Value::List(l.clone()),
                _ => Value::List(vec![]),
            },
        ),
    ];
    // As the provider's blockDeviceTagsDefined: a block with tags (an empty map is none).
    let blocks_tagged = ["root_block_device", "ebs_block_device"].iter().any(|k| {
        blocks(prior, k)
            .iter()
            .any(|b| b.get("tags").as_object().is_some_and(|t| !t.is_empty()))
    });
    out.push((
        "volume_tags",
        if volume_tags_in_use && !blocks_tagged {
            let mut all = indexmap::IndexMap::new();
            for v in &volumes {
                if let Value::Object(t) = read_tags(v.tags()) {
                    all.extend(t);
                }
            }
            Value::Object(all)
        } else {
            prior.get("volume_tags").clone()
        },
    ));
    Ok(out)
}

/// Brings the volumes to the planned settings in place: `volume_tags` on every volume of the
/// instance, the root volume's size, type, IOPS and throughput (ModifyVolume, waited for), its
/// delete flag (ModifyInstanceAttribute) and tags, and the EBS blocks' tags.
pub async fn update(
    ec2: &aws_sdk_ec2::Client,
    instance_id: &str,
    prior: &Value,
    planned: &Value,
    timeout: Duration,
) -> PResult<()> {
    if differs(prior, planned, "volume_tags") {
        let as_tags = |v: &Value| Value::object([("tags_all", v.get("volume_tags").clone())]);
        for v in volumes_of(ec2, instance_id).await? {
            if let Some(id) = v.volume_id() {
                update_tags(ec2, id, &as_tags(prior), &as_tags(planned)).await?;
            }
        }
    }
    if let (Some(old), Some(new)) = (first(prior, "root_block_device"), first(planned, "root_block_device")) {
        update_root(ec2, instance_id, old, new, timeout).await?;
    }
    for new in blocks(planned, "ebs_block_device") {
        let old = blocks(prior, "ebs_block_device")
            .iter()
            .find(|o| o.get("device_name") == new.get("device_name"));
        if let (Some(old), Some(volume)) = (old, old.and_then(|o| opt_str(o, "volume_id"))) {
            if differs(old, new, "tags") {
                tag_volume(ec2, &volume, old, new).await?;
            }
        }
    }
    Ok(())
}

async fn update_root(
    ec2: &aws_sdk_ec2::Client,
    instance_id: &str,
    old: &Value,
    new: &Value,
    timeout: Duration,
) -> PResult<()> {
    let Some(volume) = opt_str(old, "volume_id") else {
        return Ok(());
    };
    let changed = |k: &str| !new.get(k).is_null() && !new.get(k).has_unknown() && differs(old, new, k);
    let positive = |k: &str| opt_i32(new, k).filter(|n| *n > 0).filter(|_| changed(k));
    let kind = opt_str(new, "volume_type").filter(|_| changed("volume_type"));
    let (size, iops, throughput) = (positive("volume_size"), positive("iops"), positive("throughput"));
    if size.is_some() || kind.is_some() || iops.is_some() || throughput.is_some() {
        ec2.modify_volume()
            .volume_id(&volume)
            .set_size(size)
            .set_volume_type(kind.as_deref().map(VolumeType::from))
            .set_iops(iops)
            .set_throughput(throughput)
            .send()
            .await
            .map_err(aws_err)?;
        wait_modified(ec2, &volume, timeout).await?;
    }
    if changed("delete_on_termination") {
        ec2.modify_instance_attribute()
            .instance_id(instance_id)
            .block_device_mappings(
                InstanceBlockDeviceMappingSpecification::builder()
                    .set_device_name(opt_str(old, "device_name"))
                    .ebs(
                        EbsInstanceBlockDeviceSpecification::builder()
                            .set_delete_on_termination(opt_bool(new, "delete_on_termination"))
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
    }
    if differs(old, new, "tags") {
        tag_volume(ec2, &volume, old, new).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(fields: &[(&str, Value)]) -> Value {
        Value::object(fields.iter().cloned())
    }

    fn with(name: &str, blocks: Vec<Value>) -> Value {
        Value::object([(name, Value::List(blocks))])
    }

    #[test]
    fn iops_and_throughput_only_for_the_types_that_take_them() {
        let gp2_iops = with(
            "root_block_device",
            vec![block(&[("volume_type", Value::str("gp2")), ("iops", Value::from(300))])],
        );
        assert_eq!(
            check(&gp2_iops).unwrap_err(),
            "error creating resource: iops attribute not supported for root_block_device with volume_type gp2"
        );
        let io1_throughput = with(
            "ebs_block_device",
            vec![block(&[
                ("volume_type", Value::str("io1")),
                ("throughput", Value::from(200)),
            ])],
        );
        assert!(check(&io1_throughput)
            .unwrap_err()
            .contains("throughput attribute not supported for ebs_block_device"));
        let gp3 = with(
            "ebs_block_device",
            vec![block(&[
                ("volume_type", Value::str("gp3")),
                ("iops", Value::from(4000)),
                ("throughput", Value::from(200)),
            ])],
        );
        assert!(check(&gp3).is_ok());
        let unnamed = with(
            "ephemeral_block_device",
            vec![block(&[("device_name", Value::str("/dev/sdb"))])],
        );
        assert!(check(&unnamed).unwrap_err().contains("virtual_name cannot be empty"));
    }

    #[test]
    fn only_changes_the_provider_forces_replace_the_instance() {
        let held = block(&[
            ("device_name", Value::str("/dev/sdf")),
            ("volume_size", Value::from(5)),
            ("volume_type", Value::str("gp3")),
            ("delete_on_termination", Value::Bool(true)),
            ("encrypted", Value::Bool(false)),
            ("tags", Value::object([("a", Value::str("b"))])),
        ]);
        let prior = with("ebs_block_device", vec![held]);
        let written = |size: i64, tag: &str| {
            with(
                "ebs_block_device",
                vec![block(&[
                    ("device_name", Value::str("/dev/sdf")),
                    ("volume_size", Value::from(size)),
                    ("volume_type", Value::Null),
                    ("delete_on_termination", Value::Null),
                    ("tags", Value::object([("a", Value::str(tag))])),
                ])],
            )
        };
        assert_eq!(replacement(&prior, &written(5, "b")), None);
        assert_eq!(replacement(&prior, &written(5, "c")), None, "tags change in place");
        assert!(replacement(&prior, &written(6, "b")).is_some());
        let root = |enc: bool| with("root_block_device", vec![block(&[("encrypted", Value::Bool(enc))])]);
        assert_eq!(replacement(&root(false), &root(false)), None);
        assert_eq!(
            replacement(&root(false), &root(true)).as_deref(),
            Some("root_block_device.0.encrypted changed")
        );
    }
}
