//! `aws_instance`: an EC2 instance from an AMI, in a subnet with security groups, an instance
//! profile, user data and the instance metadata options; waits for `running` on create and for
//! `terminated` on delete (a client token makes a retried create return the same instance).
//! Changes the provider makes in place are made in place: security groups, source/dest check,
//! termination protection, shutdown behaviour, monitoring, metadata options and the instance
//! profile directly; the instance type and user data by stopping the instance, changing it and
//! starting it again, as the provider does. `user_data` is kept in state as the SHA-1 of its
//! text, as the provider keeps it (a Terraform-kept state reads the same).
//! Block devices are `instance_devices`' part. Interfaces made apart (`network_interface`)
//! attach at launch; secondary addresses are asked for on the primary interface and changed on
//! it in place. Market, host placement, IPv6 addresses and launch template settings are not
//! implemented yet (refused when set).

use super::instance_devices as devices;
use super::instance_options as options;
use super::{owned, owner_filters, read_tags, tag_spec, tag_spec_of, update_tags};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, differs, ec2_arn, first, must_exist, op_timeout, opt_bool, opt_i32, opt_str,
    str_list, string_pairs, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, ipv4_address, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, AttributeValue, CreditSpecificationRequest, EnclaveOptionsRequest,
    HibernationOptionsRequest, HttpTokensState, IamInstanceProfileSpecification, Instance,
    InstanceCreditSpecificationRequest, InstanceMetadataEndpointState, InstanceMetadataOptionsRequest,
    InstanceMetadataProtocolState, InstanceMetadataTagsState, InstanceNetworkInterfaceSpecification, InstanceStateName,
    InstanceType, Placement, PrivateIpAddressSpecification, ResourceType as Kind, RunInstancesMonitoringEnabled,
    ShutdownBehavior, Tenancy,
};
use base64::Engine as _;
use sha1::Digest as _;
use std::sync::Arc;
use std::time::Duration;

/// The `aws_instance` resource type.
pub struct Ec2Instance {
    c: Arc<Clients>,
    schema: Schema,
}

/// The EBS volume types (the provider's `VolumeType_Values`).
const VOLUME_TYPES: &[&str] = &["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"];

/// Arguments that configure the primary interface RunInstances makes, which the provider
/// refuses beside `network_interface` blocks (interfaces made apart and attached at launch).
const ATTACHED_ELSEWHERE: &[&str] = &[
    "associate_public_ip_address",
    "subnet_id",
    "private_ip",
    "secondary_private_ips",
    "vpc_security_group_ids",
    "security_groups",
    "ipv6_addresses",
    "ipv6_address_count",
    "source_dest_check",
];

/// Codes EC2 answers for an instance it does not know.
const ABSENT: &[&str] = &["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"];

/// `user_data` as the provider keeps it in state: the hex SHA-1 of the text (of the decoded
/// bytes when the text is base64). A value already in that form is kept. Shared with
/// `aws_launch_configuration`, which keeps its user data the same way.
pub(crate) fn user_data_hash(text: &str) -> String {
    if text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return text.to_string();
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_else(|_| text.as_bytes().to_vec());
    hex::encode(sha1::Sha1::digest(bytes))
}

/// The user data to send, base64 as EC2 and Auto Scaling take it: `user_data_base64` as
/// written, or `user_data` encoded.
pub(crate) fn user_data_to_send(planned: &Value) -> Option<String> {
    opt_str(planned, "user_data_base64")
        .or_else(|| opt_str(planned, "user_data").map(|u| base64::engine::general_purpose::STANDARD.encode(u)))
}

/// The `metadata_options` block as RunInstances takes it (ModifyInstanceMetadataOptions takes
/// the same fields).
fn metadata_request(planned: &Value) -> Option<InstanceMetadataOptionsRequest> {
    let m = first(planned, "metadata_options")?;
    Some(
        InstanceMetadataOptionsRequest::builder()
            .set_http_endpoint(opt_str(m, "http_endpoint").map(|s| InstanceMetadataEndpointState::from(s.as_str())))
            .set_http_protocol_ipv6(
                opt_str(m, "http_protocol_ipv6").map(|s| InstanceMetadataProtocolState::from(s.as_str())),
            )
            .set_http_tokens(opt_str(m, "http_tokens").map(|s| HttpTokensState::from(s.as_str())))
            .set_http_put_response_hop_limit(m.get("http_put_response_hop_limit").as_number().map(|n| n as i32))
            .set_instance_metadata_tags(
                opt_str(m, "instance_metadata_tags").map(|s| InstanceMetadataTagsState::from(s.as_str())),
            )
            .build(),
    )
}

/// The `network_interface` blocks as RunInstances takes them: interfaces made apart, attached
/// at launch at their device and card indexes.
fn interfaces_at_launch(planned: &Value) -> Vec<InstanceNetworkInterfaceSpecification> {
    planned
        .get("network_interface")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|n| {
            InstanceNetworkInterfaceSpecification::builder()
                .set_device_index(opt_i32(n, "device_index"))
                .set_network_card_index(opt_i32(n, "network_card_index"))
                .set_network_interface_id(opt_str(n, "network_interface_id"))
                .set_delete_on_termination(opt_bool(n, "delete_on_termination"))
                .build()
        })
        .collect()
}

/// The `network_interface` blocks as the provider reads them: only those at the device indexes
/// the blueprint (or state) has, so interfaces attached by other resources are not claimed.
fn interfaces_read(i: &Instance, prior: &Value) -> Value {
    let wanted: Vec<i64> = prior
        .get("network_interface")
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| n.get("device_index").as_number().map(|d| d as i64))
        .collect();
    Value::List(
        i.network_interfaces()
            .iter()
            .filter_map(|n| {
                let a = n.attachment()?;
                let index = i64::from(a.device_index()?);
                wanted.contains(&index).then(|| {
                    Value::object([
                        ("device_index", Value::from(index)),
                        (
                            "network_card_index",
                            Value::from(i64::from(a.network_card_index().unwrap_or(0))),
                        ),
                        ("network_interface_id", Value::from(n.network_interface_id())),
                        (
                            "delete_on_termination",
                            Value::Bool(a.delete_on_termination().unwrap_or(false)),
                        ),
                    ])
                })
            })
            .collect(),
    )
}

impl Ec2Instance {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Ec2Instance {
        let schema = resource("aws_instance")
            .arg("ami")
            .force_new()
            .arg("instance_type")
            .arg("subnet_id")
            .force_new()
            .arg("availability_zone")
            .force_new()
            .arg("private_ip")
            .force_new()
            .check(ipv4_address())
            .arg("associate_public_ip_address")
            .force_new()
            .arg("key_name")
            .force_new()
            .arg("security_groups")
            .force_new()
            .arg("tenancy")
            .force_new()
            .check(one_of(&["default", "dedicated", "host"]))
            .arg("user_data")
            .normalized(user_data_hash)
            .arg("user_data_base64")
            .arg("user_data_replace_on_change")
            .default(false)
            .arg("source_dest_check")
            .default(true)
            .arg("instance_initiated_shutdown_behavior")
            .check(one_of(&["stop", "terminate"]))
            .arg("metadata_options.http_endpoint")
            .default("enabled")
            .check(one_of(&["enabled", "disabled"]))
            .arg("metadata_options.http_protocol_ipv6")
            .default("disabled")
            .check(one_of(&["enabled", "disabled"]))
            .arg("metadata_options.http_tokens")
            .check(one_of(&["optional", "required"]))
            .arg("metadata_options.instance_metadata_tags")
            .check(one_of(&["enabled", "disabled"]))
            .computed_blocks(&["metadata_options"])
            .arg("root_block_device.delete_on_termination")
            .default(true)
            .arg("root_block_device.volume_type")
            .check(one_of(VOLUME_TYPES))
            .arg("ebs_block_device.delete_on_termination")
            .default(true)
            .arg("ebs_block_device.volume_type")
            .check(one_of(VOLUME_TYPES))
            .arg("ephemeral_block_device")
            .force_new()
            .arg("enclave_options")
            .force_new()
            .arg("ebs_optimized")
            .force_new()
            .arg("hibernation")
            .force_new()
            .arg("cpu_options")
            .force_new()
            .arg("cpu_options.amd_sev_snp")
            .check(one_of(&["enabled", "disabled"]))
            .arg("cpu_core_count")
            .force_new()
            .arg("cpu_threads_per_core")
            .force_new()
            .arg("maintenance_options.auto_recovery")
            .check(one_of(&["disabled", "default"]))
            .arg("private_dns_name_options")
            .force_new()
            .arg("private_dns_name_options.hostname_type")
            .check(one_of(&["ip-name", "resource-name"]))
            .arg("capacity_reservation_specification.capacity_reservation_preference")
            .check(one_of(&["open", "none", "capacity-reservations-only"]))
            .arg("capacity_reservation_specification.capacity_reservation_target.capacity_reservation_resource_group_arn")
            .check(arn())
            .rule_in(
                "capacity_reservation_specification",
                Rule::ExactlyOne(&["capacity_reservation_preference", "capacity_reservation_target"]),
            )
            .rule_in(
                "capacity_reservation_specification.capacity_reservation_target",
                Rule::Conflicts(&["capacity_reservation_id", "capacity_reservation_resource_group_arn"]),
            )
            .arg("secondary_private_ips")
            .check(ipv4_address())
            .arg("placement_group")
            .force_new()
            .arg("placement_partition_number")
            .force_new()
            .arg("network_interface")
            .force_new()
            .arg("network_interface.delete_on_termination")
            .default(false)
            .arg("network_interface.network_card_index")
            .default(0)
            .arg("credit_specification.cpu_credits")
            .check(one_of(&["standard", "unlimited"]))
            .live_if_unset()
            .computed_blocks(&[
                "root_block_device",
                "ebs_block_device",
                "ephemeral_block_device",
                "enclave_options",
                "credit_specification",
                "cpu_options",
                "maintenance_options",
                "private_dns_name_options",
                "capacity_reservation_specification",
                "network_interface",
            ])
            .args(&[
                "vpc_security_group_ids",
                "iam_instance_profile",
                "disable_api_termination",
                "disable_api_stop",
                "maintenance_options",
                "capacity_reservation_specification",
                "monitoring",
                "metadata_options",
                "root_block_device",
                "ebs_block_device",
                "volume_tags",
                "tags",
            ])
            .timeouts(10, 10, 20)
            .build();
        Ec2Instance { c, schema }
    }

    async fn describe(&self, id: &str) -> PResult<Option<(Instance, String)>> {
        let out = self
            .c
            .ec2
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(out, ABSENT)? else {
            return Ok(None);
        };
        Ok(out.reservations().iter().find_map(|r| {
            r.instances()
                .first()
                .map(|i| (i.clone(), r.owner_id().unwrap_or_default().to_string()))
        }))
    }

    /// Waits until the instance is in `target`; returns it as last described (none once
    /// terminated and gone), so a caller needs no second DescribeInstances.
    async fn wait_state(&self, id: &str, target: InstanceStateName, timeout: Duration) -> PResult<Option<Instance>> {
        wait_for(Wait::new(id, target.as_str(), timeout), || async {
            let found = self.describe(id).await?.map(|(i, _)| i);
            match found.as_ref().and_then(|i| i.state().and_then(|s| s.name())) {
                Some(s) if *s == target => Ok(Poll::Ready(found)),
                None if target == InstanceStateName::Terminated => Ok(Poll::Ready(None)),
                Some(InstanceStateName::Terminated) => Err(ProviderError::msg(format!(
                    "instance {id} terminated while waiting for {}",
                    target.as_str()
                ))),
                Some(s) => Ok(Poll::pending(s.as_str())),
                None => Ok(Poll::pending("not found yet")),
            }
        })
        .await
    }

    async fn modify_attribute(
        &self,
        id: &str,
        set: impl FnOnce(aws_sdk_ec2::operation::modify_instance_attribute::builders::ModifyInstanceAttributeFluentBuilder) -> aws_sdk_ec2::operation::modify_instance_attribute::builders::ModifyInstanceAttributeFluentBuilder,
    ) -> PResult<()> {
        set(self.c.ec2.modify_instance_attribute().instance_id(id))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn set_metadata_options(&self, id: &str, planned: &Value) -> PResult<()> {
        let Some(m) = metadata_request(planned) else {
            return Ok(());
        };
        self.c
            .ec2
            .modify_instance_metadata_options()
            .instance_id(id)
            .set_http_endpoint(m.http_endpoint().cloned())
            .set_http_protocol_ipv6(m.http_protocol_ipv6().cloned())
            .set_http_tokens(m.http_tokens().cloned())
            .set_http_put_response_hop_limit(m.http_put_response_hop_limit())
            .set_instance_metadata_tags(m.instance_metadata_tags().cloned())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn set_profile(&self, id: &str, profile: Option<String>) -> PResult<()> {
        let out = self
            .c
            .ec2
            .describe_iam_instance_profile_associations()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("instance-id")
                    .values(id)
                    .build(),
            )
            .send()
            .await
            .map_err(aws_err)?;
        let current = out
            .iam_instance_profile_associations()
            .iter()
            .find(|a| {
                a.state()
                    .is_some_and(|s| s.as_str() == "associated" || s.as_str() == "associating")
            })
            .and_then(|a| a.association_id())
            .map(str::to_string);
        let spec = |name: String| IamInstanceProfileSpecification::builder().name(name).build();
        match (current, profile) {
            (Some(a), Some(p)) => {
                self.c
                    .ec2
                    .replace_iam_instance_profile_association()
                    .association_id(a)
                    .iam_instance_profile(spec(p))
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
            (None, Some(p)) => {
                self.c
                    .ec2
                    .associate_iam_instance_profile()
                    .instance_id(id)
                    .iam_instance_profile(spec(p))
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
            (Some(a), None) => {
                self.c
                    .ec2
                    .disassociate_iam_instance_profile()
                    .association_id(a)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
            (None, None) => {}
        }
        Ok(())
    }

    fn to_state(&self, i: &Instance, owner: &str, prior: &Value, user_data: Option<String>) -> Value {
        let s = |v: Option<&str>| Value::from(v);
        let id = i.instance_id().unwrap_or_default();
        let groups: Vec<&aws_sdk_ec2::types::GroupIdentifier> = i.security_groups().iter().collect();
        let metadata = i.metadata_options().map(|m| {
            Value::List(vec![Value::object([
                ("http_endpoint", s(m.http_endpoint().map(|x| x.as_str()))),
                ("http_protocol_ipv6", s(m.http_protocol_ipv6().map(|x| x.as_str()))),
                (
                    "http_put_response_hop_limit",
                    Value::from(m.http_put_response_hop_limit().map(i64::from)),
                ),
                ("http_tokens", s(m.http_tokens().map(|x| x.as_str()))),
                (
                    "instance_metadata_tags",
                    s(m.instance_metadata_tags().map(|x| x.as_str())),
                ),
            ])])
        });
        let profile = i
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .and_then(|a| a.rsplit('/').next())
            .map(str::to_string);
        let interface = i
            .network_interfaces()
            .iter()
            .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0));
        Value::object([
            ("id", Value::str(id)),
            ("arn", ec2_arn(&self.c.region, owner, "instance", id)),
            ("ami", s(i.image_id())),
            ("instance_type", s(i.instance_type().map(|t| t.as_str()))),
            ("subnet_id", s(i.subnet_id())),
            (
                "availability_zone",
                s(i.placement().and_then(|p| p.availability_zone())),
            ),
            (
                "tenancy",
                s(i.placement().and_then(|p| p.tenancy()).map(|t| t.as_str())),
            ),
            ("private_ip", s(i.private_ip_address())),
            ("private_dns", s(i.private_dns_name())),
            ("public_ip", s(i.public_ip_address())),
            ("public_dns", s(i.public_dns_name())),
            (
                "associate_public_ip_address",
                Value::Bool(i.public_ip_address().is_some()),
            ),
            ("key_name", s(i.key_name())),
            (
                "vpc_security_group_ids",
                Value::List(groups.iter().filter_map(|g| g.group_id()).map(Value::str).collect()),
            ),
            (
                "security_groups",
                if i.subnet_id().is_some() && prior.get("security_groups").is_null() {
                    Value::List(vec![])
                } else {
                    Value::List(groups.iter().filter_map(|g| g.group_name()).map(Value::str).collect())
                },
            ),
            ("iam_instance_profile", Value::from(profile)),
            ("source_dest_check", Value::from(i.source_dest_check())),
            ("ebs_optimized", Value::from(i.ebs_optimized())),
            (
                "enclave_options",
                Value::List(
                    i.enclave_options()
                        .map(|e| Value::object([("enabled", Value::from(e.enabled()))]))
                        .into_iter()
                        .collect(),
                ),
            ),
            (
                "hibernation",
                Value::from(i.hibernation_options().and_then(|h| h.configured())),
            ),
            ("placement_group", s(i.placement().and_then(|p| p.group_name()))),
            (
                "placement_partition_number",
                Value::from(i.placement().and_then(|p| p.partition_number()).map(i64::from)),
            ),
            (
                "monitoring",
                Value::Bool(
                    i.monitoring()
                        .and_then(|m| m.state())
                        .is_some_and(|s| s.as_str() == "enabled" || s.as_str() == "pending"),
                ),
            ),
            (
                "instance_state",
                s(i.state().and_then(|st| st.name()).map(|n| n.as_str())),
            ),
            (
                "primary_network_interface_id",
                s(interface.and_then(|n| n.network_interface_id())),
            ),
            ("network_interface", interfaces_read(i, prior)),
            (
                "secondary_private_ips",
                Value::List(
                    interface
                        .map(|n| n.private_ip_addresses())
                        .unwrap_or(&[])
                        .iter()
                        .filter(|a| a.primary() != Some(true))
                        .filter_map(|a| a.private_ip_address())
                        .map(Value::str)
                        .collect(),
                ),
            ),
            ("outpost_arn", s(i.outpost_arn())),
            ("instance_lifecycle", s(i.instance_lifecycle().map(|l| l.as_str()))),
            ("spot_instance_request_id", s(i.spot_instance_request_id())),
            ("metadata_options", metadata.unwrap_or(Value::List(vec![]))),
            (
                "user_data",
                Value::from(
                    user_data
                        .as_deref()
                        .filter(|_| prior.get("user_data_base64").is_null())
                        .map(user_data_hash),
                ),
            ),
            ("user_data_base64", prior.get("user_data_base64").clone()),
            (
                "user_data_replace_on_change",
                Value::Bool(opt_bool(prior, "user_data_replace_on_change").unwrap_or(false)),
            ),
            ("tags", configured_tags(prior)),
            ("tags_all", read_tags(i.tags())),
        ])
    }

    /// The credit specification RunInstances is sent, as the provider sends it: what the
    /// blueprint sets for a burstable type, else `unlimited` for a T3 type.
    async fn credits_at_launch(&self, planned: &Value) -> PResult<Option<CreditSpecificationRequest>> {
        let Some(t) = opt_str(planned, "instance_type") else {
            return Ok(None);
        };
        let written = first(planned, "credit_specification").and_then(|c| opt_str(c, "cpu_credits"));
        let credits = match written {
            Some(c) if super::burstable(&self.c.ec2, &t).await? => Some(c),
            _ if t.starts_with("t3") => Some("unlimited".to_string()),
            _ => None,
        };
        Ok(credits.map(|c| CreditSpecificationRequest::builder().cpu_credits(c).build()))
    }

    /// `credit_specification` as the provider reads it: asked of EC2 for a burstable type, kept
    /// from state (unknowns cleared) for any other.
    async fn credits(&self, i: &Instance, prior: &Value) -> PResult<Value> {
        let t = i.instance_type().map(|t| t.as_str()).unwrap_or_default();
        if !super::burstable(&self.c.ec2, t).await? {
            let kept = prior.get("credit_specification").as_list().unwrap_or(&[]).iter();
            return Ok(Value::List(
                kept.map(|c| Value::object([("cpu_credits", Value::from(opt_str(c, "cpu_credits")))]))
                    .collect(),
            ));
        }
        let out = self
            .c
            .ec2
            .describe_instance_credit_specifications()
            .instance_ids(i.instance_id().unwrap_or_default())
            .send()
            .await
            .map_err(aws_err)?;
        Ok(Value::List(
            out.instance_credit_specifications()
                .first()
                .map(|c| Value::object([("cpu_credits", Value::from(c.cpu_credits()))]))
                .into_iter()
                .collect(),
        ))
    }

    async fn attribute(
        &self,
        id: &str,
        name: aws_sdk_ec2::types::InstanceAttributeName,
    ) -> PResult<aws_sdk_ec2::operation::describe_instance_attribute::DescribeInstanceAttributeOutput> {
        self.c
            .ec2
            .describe_instance_attribute()
            .instance_id(id)
            .attribute(name)
            .send()
            .await
            .map_err(aws_err)
    }
}

#[async_trait]
impl ResourceType for Ec2Instance {
    fn type_name(&self) -> &'static str {
        "aws_instance"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        if !config.get("user_data").is_null() && !config.get("user_data_base64").is_null() {
            return Err("\"user_data\": conflicts with user_data_base64".into());
        }
        if config.get("ami").is_null() {
            return Err("ami is required: infractl does not implement launch_template yet".into());
        }
        for (top, nested) in [
            ("cpu_core_count", "core_count"),
            ("cpu_threads_per_core", "threads_per_core"),
        ] {
            if !config.get(top).is_null() && first(config, "cpu_options").is_some_and(|c| !c.get(nested).is_null()) {
                return Err(format!("\"{top}\": conflicts with cpu_options.0.{nested}"));
            }
        }
        if config.get("network_interface").as_list().is_some_and(|l| !l.is_empty()) {
            for k in ATTACHED_ELSEWHERE {
                let v = config.get(k);
                let set = !v.is_null() && v.as_list().is_none_or(|l| !l.is_empty());
                if set && !(*k == "source_dest_check" && opt_bool(config, k) != Some(false)) {
                    return Err(format!("\"network_interface\": conflicts with {k}"));
                }
            }
        }
        devices::check(config)
    }

    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        // The provider replaces the instance for new user data only when asked to.
        let Some(p) = prior else { return Ok(None) };
        // With interfaces of its own, the check is the primary interface's: the provider
        // suppresses its diff.
        if config.get("network_interface").as_list().is_some_and(|l| !l.is_empty()) {
            if let Value::Object(m) = planned {
                m.insert("source_dest_check".into(), p.get("source_dest_check").clone());
            }
        }
        if let Some(why) = devices::replacement(p, config) {
            return Ok(Some(why));
        }
        if opt_bool(config, "user_data_replace_on_change") == Some(true) {
            let new = opt_str(config, "user_data").map(|u| user_data_hash(&u));
            if differs(p, config, "user_data_base64")
                || (!config.get("user_data").has_unknown() && new != opt_str(p, "user_data"))
            {
                return Ok(Some("user_data changed and user_data_replace_on_change is set".into()));
            }
        }
        Ok(None)
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let groups = str_list(planned, "vpc_security_group_ids");
        let public_ip = opt_bool(planned, "associate_public_ip_address");
        let mut run = self
            .c
            .ec2
            .run_instances()
            .client_token(&ctx.token)
            .min_count(1)
            .max_count(1)
            .set_image_id(opt_str(planned, "ami"))
            .set_instance_type(opt_str(planned, "instance_type").map(|t| InstanceType::from(t.as_str())))
            .set_key_name(opt_str(planned, "key_name"))
            .set_user_data(user_data_to_send(planned))
            .set_disable_api_termination(opt_bool(planned, "disable_api_termination"))
            .set_instance_initiated_shutdown_behavior(
                opt_str(planned, "instance_initiated_shutdown_behavior").map(|s| ShutdownBehavior::from(s.as_str())),
            )
            .set_iam_instance_profile(
                opt_str(planned, "iam_instance_profile")
                    .map(|p| IamInstanceProfileSpecification::builder().name(p).build()),
            )
            .set_security_groups(Some(str_list(planned, "security_groups")).filter(|g| !g.is_empty()))
            .set_placement(
                [
                    "availability_zone",
                    "tenancy",
                    "placement_group",
                    "placement_partition_number",
                ]
                .iter()
                .any(|k| !planned.get(k).is_null() && !planned.get(k).has_unknown())
                .then(|| {
                    Placement::builder()
                        .set_availability_zone(opt_str(planned, "availability_zone"))
                        .set_tenancy(opt_str(planned, "tenancy").map(|t| Tenancy::from(t.as_str())))
                        .set_group_name(opt_str(planned, "placement_group"))
                        .set_partition_number(opt_i32(planned, "placement_partition_number"))
                        .build()
                }),
            );
        if let Some(true) = opt_bool(planned, "monitoring") {
            run = run.monitoring(RunInstancesMonitoringEnabled::builder().enabled(true).build());
        }
        if let Some(m) = metadata_request(planned) {
            run = run.metadata_options(m);
        }
        let root = match (first(planned, "root_block_device"), opt_str(planned, "ami")) {
            (Some(_), Some(ami)) => devices::root_device_name(&self.c.ec2, &ami).await?,
            _ => None,
        };
        let mut tags = tag_spec(ctx, planned, Kind::Instance).unwrap_or_default();
        tags.extend(tag_spec_of(string_pairs(planned.get("volume_tags")), Kind::Volume).unwrap_or_default());
        run = run
            .set_block_device_mappings(Some(devices::mappings(planned, root.as_deref())).filter(|m| !m.is_empty()))
            .set_tag_specifications(Some(tags).filter(|t| !t.is_empty()))
            .set_ebs_optimized(opt_bool(planned, "ebs_optimized"))
            .set_disable_api_stop(opt_bool(planned, "disable_api_stop"))
            .set_hibernation_options(
                opt_bool(planned, "hibernation").map(|h| HibernationOptionsRequest::builder().configured(h).build()),
            )
            .set_enclave_options(
                first(planned, "enclave_options")
                    .and_then(|e| opt_bool(e, "enabled"))
                    .map(|e| EnclaveOptionsRequest::builder().enabled(e).build()),
            )
            .set_credit_specification(self.credits_at_launch(planned).await?)
            .set_cpu_options(options::cpu(planned))
            .set_maintenance_options(options::maintenance(planned))
            .set_private_dns_name_options(options::private_dns(planned))
            .set_capacity_reservation_specification(options::capacity_reservation(planned));
        // A public address is asked for on the primary interface, which then carries the
        // subnet, address and groups.
        let attached = interfaces_at_launch(planned);
        // Secondary addresses, like a public address, are asked for on the primary interface,
        // which then carries the subnet, address and groups (the provider's way).
        let secondaries: Vec<PrivateIpAddressSpecification> = str_list(planned, "secondary_private_ips")
            .into_iter()
            .map(|ip| {
                PrivateIpAddressSpecification::builder()
                    .private_ip_address(ip)
                    .primary(false)
                    .build()
            })
            .collect();
        run = match public_ip {
            _ if !attached.is_empty() => run.set_network_interfaces(Some(attached)),
            p if p.is_some() || (!secondaries.is_empty() && !planned.get("subnet_id").is_null()) => run
                .network_interfaces(
                    InstanceNetworkInterfaceSpecification::builder()
                        .device_index(0)
                        .set_associate_public_ip_address(p)
                        .set_subnet_id(opt_str(planned, "subnet_id"))
                        .set_private_ip_address(opt_str(planned, "private_ip"))
                        .set_private_ip_addresses(Some(secondaries).filter(|s| !s.is_empty()))
                        .set_groups(Some(groups).filter(|g| !g.is_empty()))
                        .build(),
                ),
            _ => run
                .set_subnet_id(opt_str(planned, "subnet_id"))
                .set_private_ip_address(opt_str(planned, "private_ip"))
                .set_security_group_ids(Some(groups).filter(|g| !g.is_empty())),
        };
        let out = run.send().await.map_err(aws_err)?;
        let id = out
            .instances()
            .first()
            .and_then(|i| i.instance_id())
            .ok_or_else(|| ProviderError::msg("RunInstances returned no instance"))?
            .to_string();
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        if let Some(i) = self.wait_state(&id, InstanceStateName::Running, timeout).await? {
            devices::tag_created(&self.c.ec2, &i, planned).await?;
        }
        if opt_bool(planned, "source_dest_check") == Some(false) {
            self.modify_attribute(&id, |m| {
                m.source_dest_check(AttributeBooleanValue::builder().value(false).build())
            })
            .await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "instance", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some((i, owner)) = self.describe(id).await? else {
            return Ok(None);
        };
        if matches!(
            i.state().and_then(|s| s.name()),
            Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
        ) {
            return Ok(None);
        }
        use aws_sdk_ec2::types::InstanceAttributeName as A;
        // Three attributes DescribeInstances does not answer, read side by side.
        let (data, termination, shutdown, stop, devices, credits) = tokio::try_join!(
            self.attribute(id, A::UserData),
            self.attribute(id, A::DisableApiTermination),
            self.attribute(id, A::InstanceInitiatedShutdownBehavior),
            self.attribute(id, A::DisableApiStop),
            devices::read(&self.c.ec2, &i, prior),
            self.credits(&i, prior),
        )?;
        let user_data = data.user_data().and_then(|u| u.value()).map(str::to_string);
        let termination = termination.disable_api_termination().and_then(|b| b.value());
        let shutdown = shutdown
            .instance_initiated_shutdown_behavior()
            .and_then(|b| b.value())
            .map(str::to_string);
        let mut v = self.to_state(&i, &owner, prior, user_data);
        if let Value::Object(m) = &mut v {
            for (k, val) in options::read(&i) {
                m.insert(k.into(), val);
            }
        }
        if let Value::Object(m) = &mut v {
            m.insert("disable_api_termination".into(), Value::from(termination));
            m.insert("instance_initiated_shutdown_behavior".into(), Value::from(shutdown));
            m.insert(
                "disable_api_stop".into(),
                Value::from(stop.disable_api_stop().and_then(|b| b.value())),
            );
            m.insert("credit_specification".into(), credits);
            for (k, v) in devices {
                m.insert(k.into(), v);
            }
        }
        Ok(Some(v))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        update_tags(&self.c.ec2, id, prior, planned).await?;
        if differs(prior, planned, "vpc_security_group_ids") {
            self.c
                .ec2
                .modify_instance_attribute()
                .instance_id(id)
                .set_groups(Some(str_list(planned, "vpc_security_group_ids")))
                .send()
                .await
                .map_err(aws_err)?;
        }
        if differs(prior, planned, "source_dest_check") {
            let v = opt_bool(planned, "source_dest_check").unwrap_or(true);
            self.modify_attribute(id, |m| {
                m.source_dest_check(AttributeBooleanValue::builder().value(v).build())
            })
            .await?;
        }
        if differs(prior, planned, "disable_api_termination") {
            let v = opt_bool(planned, "disable_api_termination").unwrap_or(false);
            self.modify_attribute(id, |m| {
                m.disable_api_termination(AttributeBooleanValue::builder().value(v).build())
            })
            .await?;
        }
        if let Some(b) = opt_str(planned, "instance_initiated_shutdown_behavior")
            .filter(|_| differs(prior, planned, "instance_initiated_shutdown_behavior"))
        {
            self.modify_attribute(id, |m| {
                m.instance_initiated_shutdown_behavior(AttributeValue::builder().value(b).build())
            })
            .await?;
        }
        if differs(prior, planned, "monitoring") {
            if opt_bool(planned, "monitoring") == Some(true) {
                self.c
                    .ec2
                    .monitor_instances()
                    .instance_ids(id)
                    .send()
                    .await
                    .map_err(aws_err)?;
            } else {
                self.c
                    .ec2
                    .unmonitor_instances()
                    .instance_ids(id)
                    .send()
                    .await
                    .map_err(aws_err)?;
            }
        }
        if differs(prior, planned, "metadata_options") {
            self.set_metadata_options(id, planned).await?;
        }
        if differs(prior, planned, "iam_instance_profile") {
            self.set_profile(id, opt_str(planned, "iam_instance_profile")).await?;
        }
        if differs(prior, planned, "disable_api_stop") {
            let v = opt_bool(planned, "disable_api_stop").unwrap_or(false);
            self.modify_attribute(id, |m| {
                m.disable_api_stop(AttributeBooleanValue::builder().value(v).build())
            })
            .await?;
        }
        if let Some(c) = first(planned, "credit_specification")
            .and_then(|c| opt_str(c, "cpu_credits"))
            .filter(|_| differs(prior, planned, "credit_specification"))
        {
            self.c
                .ec2
                .modify_instance_credit_specification()
                .instance_credit_specifications(
                    InstanceCreditSpecificationRequest::builder()
                        .instance_id(id)
                        .cpu_credits(c)
                        .build(),
                )
                .send()
                .await
                .map_err(aws_err)?;
        }
        if differs(prior, planned, "secondary_private_ips") && !planned.get("secondary_private_ips").has_unknown() {
            // Changed on the primary interface, as the provider does.
            let eni = opt_str(prior, "primary_network_interface_id").unwrap_or_default();
            let (old, new) = (
                str_list(prior, "secondary_private_ips"),
                str_list(planned, "secondary_private_ips"),
            );
            let gone = old.iter().filter(|ip| !new.contains(ip)).cloned().collect();
            let added = new.iter().filter(|ip| !old.contains(ip)).cloned().collect();
            super::network_interface::unassign_addresses(&self.c.ec2, &eni, gone).await?;
            super::network_interface::assign_addresses(&self.c.ec2, &eni, added, None).await?;
        }
        let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
        devices::update(&self.c.ec2, id, prior, planned, timeout).await?;
        options::update(&self.c.ec2, id, prior, planned).await?;
        let new_type = differs(prior, planned, "instance_type");
        let new_data = differs(prior, planned, "user_data_base64")
            || opt_str(planned, "user_data").map(|u| user_data_hash(&u)) != opt_str(prior, "user_data");
        if new_type || new_data {
            // EC2 changes these only on a stopped instance.
            let timeout = op_timeout(&self.schema, planned, Op::Update, Duration::from_secs(600));
            self.c
                .ec2
                .stop_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_state(id, InstanceStateName::Stopped, timeout).await?;
            if new_type {
                let t = opt_str(planned, "instance_type").unwrap_or_default();
                self.modify_attribute(id, |m| m.instance_type(AttributeValue::builder().value(t).build()))
                    .await?;
            }
            if new_data {
                let data = user_data_to_send(planned).unwrap_or_default();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(&data)
                    .unwrap_or_default();
                self.modify_attribute(id, |m| {
                    m.user_data(
                        aws_sdk_ec2::types::SecureBlobAttributeValue::builder()
                            .value(aws_sdk_ec2::primitives::Blob::new(bytes))
                            .build(),
                    )
                })
                .await?;
            }
            self.c
                .ec2
                .start_instances()
                .instance_ids(id)
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_state(id, InstanceStateName::Running, timeout).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "instance", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        if opt_bool(prior, "disable_api_termination") == Some(true) {
            return Err(ProviderError::msg(format!(
                "instance {id} has disable_api_termination set: set it to false and apply before destroying"
            )));
        }
        let r = self
            .c
            .ec2
            .terminate_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(aws_err);
        if absent_on(r, ABSENT)?.is_none() {
            return Ok(());
        }
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(1200));
        self.wait_state(id, InstanceStateName::Terminated, timeout)
            .await
            .map(|_| ())
    }

    fn adoptable_known_early(&self, _planned: &Value) -> bool {
        true
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        let out = self
            .c
            .ec2
            .describe_instances()
            .set_filters(Some(owner_filters(ctx)))
            .send()
            .await
            .map_err(aws_err)?;
        Ok(out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| owned(i.tags(), ctx))
            .filter(|i| {
                !matches!(
                    i.state().and_then(|s| s.name()),
                    Some(InstanceStateName::Terminated | InstanceStateName::ShuttingDown)
                )
            })
            .find_map(|i| i.instance_id().map(str::to_string)))
    }
}
