//! `aws_launch_template`: the instance settings Auto Scaling groups, EKS node groups and Batch
//! launch from. As the AWS provider does, a change of any instance setting (or of the
//! description) adds a template version rather than replacing the template; the latest version
//! becomes the default when `update_default_version` is set, or the one `default_version`
//! names; state holds the latest version's settings. Tags on the template itself are kept with
//! EC2's tag calls; `tag_specifications` are settings of the instances launched from it.
//! A created template is found again by its name (unique in a region) and this stack's tags,
//! so a run killed after the create adopts it instead of failing on the name.
//! `instance_requirements` is shared with Auto Scaling's overrides
//! ([`crate::provider::aws::instance_requirements`]). The Elastic Graphics and Inference
//! accelerators EC2 no longer takes are not sent (refused when set).

use super::launch_template_data::{self as data, nullable_bool_form, NULLABLE_BOOL};
use super::{find_owned, owned, read_tags, tag_spec, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, ec2_arn, first, must_exist, name_or_generated, name_prefix_read,
    opt_bool, opt_str,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, int_at_least, int_between, len_between, matches, one_of, rfc3339, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AmdSevSnpSpecification, CapacityReservationPreference, HostnameType, InstanceInterruptionBehavior,
    LaunchTemplate as Template, LaunchTemplateVersion, MarketType, ResourceType as Kind, ShutdownBehavior,
    SpotInstanceType, Tenancy, VolumeType,
};
use std::sync::Arc;

/// The `aws_launch_template` resource type.
pub struct LaunchTemplate {
    c: Arc<Clients>,
    schema: Schema,
}

/// Codes EC2 answers for a template it does not know (by id, or by name).
pub(crate) const ABSENT: &[&str] = &[
    "InvalidLaunchTemplateId.NotFound",
    "InvalidLaunchTemplateId.Malformed",
    "InvalidLaunchTemplateName.NotFoundException",
];

/// Arguments whose change makes a new template version (the provider's update keys).
const VERSION_ARGS: &[&str] = &[
    "block_device_mappings",
    "capacity_reservation_specification",
    "cpu_options",
    "credit_specification",
    "description",
    "disable_api_stop",
    "disable_api_termination",
    "ebs_optimized",
    "elastic_gpu_specifications",
    "elastic_inference_accelerator",
    "enclave_options",
    "hibernation_options",
    "iam_instance_profile",
    "image_id",
    "instance_initiated_shutdown_behavior",
    "instance_market_options",
    "instance_requirements",
    "instance_type",
    "kernel_id",
    "key_name",
    "license_specification",
    "maintenance_options",
    "metadata_options",
    "monitoring",
    "network_interfaces",
    "placement",
    "private_dns_name_options",
    "ram_disk_id",
    "security_group_names",
    "tag_specifications",
    "user_data",
    "vpc_security_group_ids",
];

/// Launch template names: letters, digits and `()./_-` (CreateLaunchTemplate's pattern).
const NAME: &str = r"^[0-9A-Za-z()./_\-]+$";
const NAME_WHAT: &str = "only letters, digits and ()./_- symbols";

const ENABLED: &[&str] = &["enabled", "disabled"];

impl LaunchTemplate {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> LaunchTemplate {
        let mut decl = resource("aws_launch_template")
            .arg("name")
            .force_new()
            .check(len_between(3, 125))
            .check(matches(NAME, NAME_WHAT))
            .arg("name_prefix")
            .force_new()
            .check(len_between(3, 99))
            .check(matches(NAME, NAME_WHAT))
            .arg("description")
            .check(len_between(0, 255))
            .arg("default_version")
            .check(int_at_least(1))
            .arg("instance_initiated_shutdown_behavior")
            .check(one_of(ShutdownBehavior::values()))
            .arg("block_device_mappings.ebs.kms_key_id")
            .check(arn())
            .arg("block_device_mappings.ebs.throughput")
            .check(int_between(125, 1000))
            .arg("block_device_mappings.ebs.volume_type")
            .check(one_of(VolumeType::values()))
            .arg("capacity_reservation_specification.capacity_reservation_preference")
            .check(one_of(CapacityReservationPreference::values()))
            .arg("capacity_reservation_specification.capacity_reservation_target.capacity_reservation_resource_group_arn")
            .check(arn())
            .arg("cpu_options.amd_sev_snp")
            .check(one_of(AmdSevSnpSpecification::values()))
            .arg("credit_specification.cpu_credits")
            .check(one_of(&["standard", "unlimited"]))
            .arg("iam_instance_profile.arn")
            .check(arn())
            .arg("instance_market_options.market_type")
            .check(one_of(MarketType::values()))
            .arg("instance_market_options.spot_options.instance_interruption_behavior")
            .check(one_of(InstanceInterruptionBehavior::values()))
            .arg("instance_market_options.spot_options.spot_instance_type")
            .check(one_of(SpotInstanceType::values()))
            .arg("instance_market_options.spot_options.valid_until")
            .check(rfc3339())
            .arg("license_specification.license_configuration_arn")
            .check(arn())
            .arg("maintenance_options.auto_recovery")
            .check(one_of(&["default", "disabled"]))
            .arg("metadata_options.http_endpoint")
            .check(one_of(ENABLED))
            .arg("metadata_options.http_protocol_ipv6")
            .check(one_of(ENABLED))
            .arg("metadata_options.http_put_response_hop_limit")
            .check(int_between(1, 64))
            .arg("metadata_options.http_tokens")
            .check(one_of(&["optional", "required"]))
            .arg("metadata_options.instance_metadata_tags")
            .check(one_of(ENABLED))
            .arg("placement.host_resource_group_arn")
            .check(arn())
            .arg("placement.tenancy")
            .check(one_of(Tenancy::values()))
            .arg("network_interfaces.interface_type")
            .check(one_of(&["efa", "efa-only", "interface"]))
            .arg("private_dns_name_options.hostname_type")
            .check(one_of(HostnameType::values()))
            .arg("tag_specifications.resource_type")
            .check(one_of(Kind::values()));
        // The provider's "nullable bools": strings holding a bool, or nothing.
        for path in [
            "ebs_optimized",
            "block_device_mappings.ebs.delete_on_termination",
            "block_device_mappings.ebs.encrypted",
            "network_interfaces.associate_carrier_ip_address",
            "network_interfaces.associate_public_ip_address",
            "network_interfaces.delete_on_termination",
            "network_interfaces.primary_ipv6",
        ] {
            decl = decl
                .arg(path)
                .normalized(nullable_bool_form)
                .check(one_of(NULLABLE_BOOL));
        }
        let schema = crate::provider::aws::instance_requirements::declare(decl, "instance_requirements")
            // Every instance setting is carried end to end but what `not_yet` takes back.
            .args(VERSION_ARGS)
            .args(&["update_default_version", "tags"])
            .not_yet(data::NOT_YET)
            .rule(Rule::Conflicts(&["name", "name_prefix"]))
            .rule(Rule::Conflicts(&["default_version", "update_default_version"]))
            .rule(Rule::Conflicts(&["security_group_names", "vpc_security_group_ids"]))
            .rule(Rule::Conflicts(&["instance_type", "instance_requirements"]))
            .rule_in(
                "capacity_reservation_specification.capacity_reservation_target",
                Rule::Conflicts(&["capacity_reservation_id", "capacity_reservation_resource_group_arn"]),
            )
            .rule_in("iam_instance_profile", Rule::Conflicts(&["arn", "name"]))
            .rule_in("placement", Rule::Conflicts(&["host_id", "host_resource_group_arn"]))
            .build();
        LaunchTemplate { c, schema }
    }

    async fn template(&self, id: &str) -> PResult<Option<Template>> {
        let out = self
            .c
            .ec2
            .describe_launch_templates()
            .launch_template_ids(id)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(out, ABSENT)?.and_then(|o| o.launch_templates().first().cloned()))
    }

    async fn latest_version(&self, id: &str) -> PResult<Option<LaunchTemplateVersion>> {
        let out = self
            .c
            .ec2
            .describe_launch_template_versions()
            .launch_template_id(id)
            .versions("$Latest")
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(out, ABSENT)?.and_then(|o| o.launch_template_versions().first().cloned()))
    }

    /// Whether the planned instance type takes a credit specification: the provider sends
    /// `credit_specification` only for burstable types, and asks EC2 which those are.
    async fn burstable(&self, planned: &Value) -> PResult<bool> {
        match (
            first(planned, "credit_specification"),
            opt_str(planned, "instance_type"),
        ) {
            (Some(_), Some(t)) => super::burstable(&self.c.ec2, &t).await,
            _ => Ok(false),
        }
    }

    async fn set_default(&self, id: &str, version: i64) -> PResult<()> {
        self.c
            .ec2
            .modify_launch_template()
            .launch_template_id(id)
            .default_version(version.to_string())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl ResourceType for LaunchTemplate {
    fn type_name(&self) -> &'static str {
        "aws_launch_template"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn refine_plan(&self, prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // The provider's CustomizeDiff: a new version makes `latest_version` unknown, and
        // `default_version` too when it follows the latest.
        let Some(prior) = prior else { return Ok(None) };
        let new_version = VERSION_ARGS.iter().any(|k| differs(prior, planned, k));
        let follows = opt_bool(planned, "update_default_version") == Some(true);
        let other_change = differs(prior, planned, "tags") || differs(prior, planned, "update_default_version");
        if let Value::Object(m) = planned {
            if new_version {
                m.insert("latest_version".into(), Value::Unknown);
            }
            if follows && (new_version || other_change) {
                m.insert("default_version".into(), Value::Unknown);
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = name_or_generated(planned, "terraform-", 26);
        let burstable = self.burstable(planned).await?;
        let out = self
            .c
            .ec2
            .create_launch_template()
            .client_token(&ctx.token)
            .launch_template_name(&name)
            .set_version_description(opt_str(planned, "description"))
            .launch_template_data(data::request(planned, burstable))
            .set_tag_specifications(tag_spec(ctx, planned, Kind::LaunchTemplate))
            .send()
            .await
            .map_err(aws_err)?;
        let id = out
            .launch_template()
            .and_then(|t| t.launch_template_id())
            .ok_or_else(|| ProviderError::msg("CreateLaunchTemplate returned no template id"))?
            .to_string();
        must_exist(self.read(ctx, &id, planned).await?, "launch template", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (template, version, account) =
            tokio::try_join!(self.template(id), self.latest_version(id), self.c.account_id())?;
        let (Some(t), Some(v)) = (template, version) else {
            return Ok(None);
        };
        let name = t.launch_template_name();
        let mut pairs: Vec<(&str, Value)> = vec![
            ("id", Value::str(id)),
            ("arn", ec2_arn(&self.c.region, &account, "launch-template", id)),
            ("name", Value::from(name)),
            ("name_prefix", name_prefix_read(prior, name, "")),
            ("default_version", Value::from(t.default_version_number())),
            ("latest_version", Value::from(t.latest_version_number())),
            ("description", Value::from(v.version_description())),
            (
                "update_default_version",
                Value::from(opt_bool(prior, "update_default_version")),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(t.tags())),
        ];
        let settings = v
            .launch_template_data()
            .cloned()
            .unwrap_or_else(|| aws_sdk_ec2::types::ResponseLaunchTemplateData::builder().build());
        pairs.extend(data::state(&settings, prior.get("credit_specification")));
        Ok(Some(Value::object(pairs)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let mut latest = prior.get("latest_version").as_number().map(|n| n as i64);
        if VERSION_ARGS.iter().any(|k| differs(prior, planned, k)) {
            let burstable = self.burstable(planned).await?;
            let out = self
                .c
                .ec2
                .create_launch_template_version()
                .client_token(&ctx.token)
                .launch_template_id(id)
                .set_version_description(opt_str(planned, "description"))
                .launch_template_data(data::request(planned, burstable))
                .send()
                .await
                .map_err(aws_err)?;
            latest = out.launch_template_version().and_then(|v| v.version_number());
        }
        if opt_bool(planned, "update_default_version") == Some(true) {
            if let Some(v) = latest {
                self.set_default(id, v).await?;
            }
        } else if differs(prior, planned, "default_version") {
            if let Some(v) = planned.get("default_version").as_number() {
                self.set_default(id, v as i64).await?;
            }
        }
        update_tags(&self.c.ec2, id, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "launch template", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .ec2
            .delete_launch_template()
            .launch_template_id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, ABSENT)?;
        Ok(())
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let found = find_owned!(self.c.ec2.describe_launch_templates(), ctx, launch_templates);
        let name = opt_str(planned, "name");
        Ok(found
            .iter()
            .filter(|t| owned(t.tags(), ctx))
            .filter(|t| name.is_none() || t.launch_template_name() == name.as_deref())
            .find_map(|t| t.launch_template_id().map(str::to_string)))
    }
}
