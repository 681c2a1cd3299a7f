//! Data source `aws_ami`: one machine image, by owners, filters, users allowed to launch it and
//! a name pattern, as the provider finds it: several matches are an error unless `most_recent`
//! picks the newest by creation date. Attributes the image lacks read as the provider's SDK
//! writes them (empty strings, "UNSET" state reason), so expressions over them behave alike.

use super::{filters, with_results};
use crate::provider::aws::common::{aws_err, ec2_arn, opt_bool, opt_str, str_list};
use crate::provider::aws::ec2::read_tags;
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::validators::{items_at_least, not_empty};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{BlockDeviceMapping, Image};
use std::sync::Arc;

/// The `aws_ami` data source.
pub struct AmiData {
    c: Arc<Clients>,
    schema: Schema,
}

impl AmiData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> AmiData {
        let schema = data_source("aws_ami")
            .args(&["executable_users", "filter", "name_regex", "tags", "uefi_data"])
            .arg("include_deprecated")
            .default(false)
            .arg("most_recent")
            .default(false)
            .arg("owners")
            .check(items_at_least(1))
            .check(not_empty())
            .read_timeout(20)
            .build();
        AmiData { c, schema }
    }
}

/// The images `name_regex` keeps (those with a name it matches; all when it is unset).
fn matching(images: Vec<Image>, pattern: Option<&regex::Regex>) -> Vec<Image> {
    match pattern {
        None => images,
        Some(r) => images
            .into_iter()
            .filter(|i| i.name().is_some_and(|n| !n.is_empty() && r.is_match(n)))
            .collect(),
    }
}

/// The one image to read: the only match, or the newest when `most_recent` allows several.
fn pick(mut images: Vec<Image>, most_recent: bool) -> PResult<Image> {
    match images.len() {
        0 => Err(ProviderError::msg(
            "Your query returned no results. Please change your search criteria and try again.",
        )),
        1 => Ok(images.remove(0)),
        _ if !most_recent => Err(ProviderError::msg(
            "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
        )),
        _ => {
            // RFC 3339 times in UTC sort as text; a stable sort keeps AWS's order among equals.
            images.sort_by(|a, b| b.creation_date().cmp(&a.creation_date()));
            Ok(images.remove(0))
        }
    }
}

/// A block device mapping as the provider flattens it: the EBS settings as a map of strings,
/// zero values where AWS gives none.
fn mapping(m: &BlockDeviceMapping) -> Value {
    let text = |v: Option<&str>| Value::str(v.unwrap_or_default());
    let ebs = m.ebs().map(|e| {
        let number = |n: Option<i32>| Value::str(n.unwrap_or(0).to_string());
        let flag = |b: Option<bool>| Value::str(b.unwrap_or(false).to_string());
        Value::object([
            ("delete_on_termination", flag(e.delete_on_termination())),
            ("encrypted", flag(e.encrypted())),
            ("iops", number(e.iops())),
            ("snapshot_id", text(e.snapshot_id())),
            ("throughput", number(e.throughput())),
            ("volume_size", number(e.volume_size())),
            ("volume_type", text(e.volume_type().map(|t| t.as_str()))),
            ("volume_initialization_rate", number(e.volume_initialization_rate())),
        ])
    });
    Value::object([
        ("device_name", text(m.device_name())),
        ("ebs", ebs.unwrap_or(Value::Null)),
        ("no_device", text(m.no_device())),
        ("virtual_name", text(m.virtual_name())),
    ])
}

/// The snapshot behind the image's root device, when it has one.
fn root_snapshot(i: &Image) -> String {
    let Some(root) = i.root_device_name() else {
        return String::new();
    };
    i.block_device_mappings()
        .iter()
        .filter(|m| m.device_name() == Some(root))
        .find_map(|m| m.ebs().and_then(|e| e.snapshot_id()))
        .unwrap_or_default()
        .to_string()
}

fn image_value(i: &Image, arn: Value) -> Value {
    let text = |v: Option<&str>| Value::str(v.unwrap_or_default());
    let reason = i.state_reason();
    Value::object([
        ("id", text(i.image_id())),
        ("arn", arn),
        ("architecture", text(i.architecture().map(|a| a.as_str()))),
        (
            "block_device_mappings",
            Value::List(i.block_device_mappings().iter().map(mapping).collect()),
        ),
        ("boot_mode", text(i.boot_mode().map(|b| b.as_str()))),
        ("creation_date", text(i.creation_date())),
        ("deprecation_time", text(i.deprecation_time())),
        ("description", text(i.description())),
        ("ena_support", Value::Bool(i.ena_support().unwrap_or(false))),
        ("hypervisor", text(i.hypervisor().map(|h| h.as_str()))),
        ("image_id", text(i.image_id())),
        ("image_location", text(i.image_location())),
        ("image_owner_alias", text(i.image_owner_alias())),
        ("image_type", text(i.image_type().map(|t| t.as_str()))),
        ("imds_support", text(i.imds_support().map(|s| s.as_str()))),
        ("kernel_id", text(i.kernel_id())),
        ("last_launched_time", text(i.last_launched_time())),
        ("name", text(i.name())),
        ("owner_id", text(i.owner_id())),
        ("platform", text(i.platform().map(|p| p.as_str()))),
        ("platform_details", text(i.platform_details())),
        (
            "product_codes",
            Value::List(
                i.product_codes()
                    .iter()
                    .map(|p| {
                        Value::object([
                            ("product_code_id", text(p.product_code_id())),
                            ("product_code_type", text(p.product_code_type().map(|t| t.as_str()))),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("public", Value::Bool(i.public().unwrap_or(false))),
        ("ramdisk_id", text(i.ramdisk_id())),
        ("root_device_name", text(i.root_device_name())),
        ("root_device_type", text(i.root_device_type().map(|t| t.as_str()))),
        ("root_snapshot_id", Value::str(root_snapshot(i))),
        ("sriov_net_support", text(i.sriov_net_support())),
        ("state", text(i.state().map(|s| s.as_str()))),
        (
            "state_reason",
            Value::object([
                (
                    "code",
                    Value::str(reason.map_or("UNSET", |r| r.code().unwrap_or_default())),
                ),
                (
                    "message",
                    Value::str(reason.map_or("UNSET", |r| r.message().unwrap_or_default())),
                ),
            ]),
        ),
        ("tags", read_tags(i.tags())),
        ("tpm_support", text(i.tpm_support().map(|t| t.as_str()))),
        ("usage_operation", text(i.usage_operation())),
        ("virtualization_type", text(i.virtualization_type().map(|v| v.as_str()))),
    ])
}

#[async_trait]
impl DataSourceType for AmiData {
    fn type_name(&self) -> &'static str {
        "aws_ami"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        match opt_str(config, "name_regex").map(|p| regex::Regex::new(&p)) {
            Some(Err(e)) => Err(format!("name_regex: not a valid regular expression: {e}")),
            _ => Ok(()),
        }
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let users = str_list(config, "executable_users");
        let owners = str_list(config, "owners");
        let mut images = Vec::new();
        let mut pages = self
            .c
            .ec2
            .describe_images()
            .include_deprecated(opt_bool(config, "include_deprecated").unwrap_or(false))
            .set_executable_users(Some(users).filter(|u| !u.is_empty()))
            .set_owners(Some(owners).filter(|o| !o.is_empty()))
            .set_filters(Some(filters(config, &[])).filter(|f| !f.is_empty()))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            images.extend(page.map_err(aws_err)?.images().iter().cloned());
        }
        let pattern = opt_str(config, "name_regex")
            .map(|p| regex::Regex::new(&p).map_err(|e| ProviderError::msg(format!("name_regex: {e}"))))
            .transpose()?;
        let image = pick(
            matching(images, pattern.as_ref()),
            opt_bool(config, "most_recent") == Some(true),
        )?;
        let arn = ec2_arn(&self.c.region, "", "image", image.image_id().unwrap_or_default());
        Ok(with_results(config, image_value(&image, arn)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, name: &str, created: &str) -> Image {
        Image::builder().image_id(id).name(name).creation_date(created).build()
    }

    #[test]
    fn several_matches_need_most_recent_which_takes_the_newest() {
        let found = || {
            vec![
                image("ami-1", "app-1", "2024-01-01T00:00:00.000Z"),
                image("ami-2", "app-2", "2025-06-01T00:00:00.000Z"),
                image("ami-3", "other", "2026-01-01T00:00:00.000Z"),
            ]
        };
        let app = regex::Regex::new("^app-").unwrap();
        let err = pick(matching(found(), Some(&app)), false).unwrap_err();
        assert!(err.message.contains("more than one result"), "{err}");
        let newest = pick(matching(found(), Some(&app)), true).unwrap();
        assert_eq!(newest.image_id(), Some("ami-2"));
        let none = regex::Regex::new("^nothing").unwrap();
        assert!(pick(matching(found(), Some(&none)), true)
            .unwrap_err()
            .message
            .contains("no results"));
    }

    #[test]
    fn absent_settings_read_as_the_provider_writes_them() {
        let i = image("ami-1", "app", "2024-01-01T00:00:00.000Z");
        let v = image_value(&i, Value::str("arn"));
        assert_eq!(v.get("kernel_id"), &Value::str(""));
        assert_eq!(v.get("state_reason").get("code"), &Value::str("UNSET"));
        assert_eq!(v.get("root_snapshot_id"), &Value::str(""));
        assert_eq!(v.get("ena_support"), &Value::Bool(false));
    }
}
