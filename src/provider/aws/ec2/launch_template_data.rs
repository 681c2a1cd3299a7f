//! The instance settings of an `aws_launch_template`, between the blueprint's blocks and EC2's
//! `RequestLaunchTemplateData` / `ResponseLaunchTemplateData`, as the AWS provider's expand and
//! flatten functions map them: what a block leaves unset is not sent, zero numbers are not
//! sent, and the provider's "nullable bool" strings (`ebs_optimized`, `encrypted`, ...) carry
//! `"true"`, `"false"` or nothing. Kept apart from the type so that a data source or an
//! Auto Scaling group's inline template can share it.

use crate::provider::aws::common::{first, opt_bool, opt_str, str_list};
use crate::provider::aws::instance_requirements::{instance_requirements_request, instance_requirements_state};
use crate::value::Value;
use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
use aws_sdk_ec2::types::{
    AmdSevSnpSpecification, CapacityReservationPreference, CapacityReservationTarget,
    ConnectionTrackingSpecificationRequest, CreditSpecificationRequest, EnaSrdSpecificationRequest,
    EnaSrdUdpSpecificationRequest, InstanceInterruptionBehavior, InstanceIpv6AddressRequest, InstanceType,
    Ipv4PrefixSpecificationRequest, Ipv6PrefixSpecificationRequest, LaunchTemplateAutoRecoveryState,
    LaunchTemplateBlockDeviceMappingRequest, LaunchTemplateCapacityReservationSpecificationRequest,
    LaunchTemplateCpuOptionsRequest, LaunchTemplateEbsBlockDeviceRequest, LaunchTemplateEnclaveOptionsRequest,
    LaunchTemplateHibernationOptionsRequest, LaunchTemplateHttpTokensState,
    LaunchTemplateIamInstanceProfileSpecificationRequest, LaunchTemplateInstanceMaintenanceOptionsRequest,
    LaunchTemplateInstanceMarketOptionsRequest, LaunchTemplateInstanceMetadataEndpointState,
    LaunchTemplateInstanceMetadataOptionsRequest, LaunchTemplateInstanceMetadataProtocolIpv6,
    LaunchTemplateInstanceMetadataTagsState, LaunchTemplateInstanceNetworkInterfaceSpecificationRequest,
    LaunchTemplateLicenseConfigurationRequest, LaunchTemplatePlacementRequest,
    LaunchTemplatePrivateDnsNameOptionsRequest, LaunchTemplateSpotMarketOptionsRequest,
    LaunchTemplateTagSpecificationRequest, LaunchTemplatesMonitoringRequest, MarketType, PrivateIpAddressSpecification,
    RequestLaunchTemplateData, ResourceType, ResponseLaunchTemplateData, ShutdownBehavior, SpotInstanceType, Tag,
    Tenancy, VolumeType,
};

/// The blocks and arguments of the launch template data infractl does not send yet: refused
/// when set, with the provider's schema otherwise. EC2 no longer takes Elastic Graphics or
/// Elastic Inference accelerators (the SDK marks both deprecated), so those two stay refused.
pub const NOT_YET: &[&str] = &["elastic_gpu_specifications", "elastic_inference_accelerator"];

/// The spellings the provider's nullable bools accept (Go's `strconv.ParseBool`, and empty).
pub const NULLABLE_BOOL: &[&str] = &[
    "", "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False",
];

/// A nullable bool in the form the provider keeps in state: `"true"`, `"false"`, or the text as
/// given when it is not a bool spelling (validation refuses it before this matters).
pub fn nullable_bool_form(s: &str) -> String {
    parse_nullable_bool(s)
        .map(|b| b.to_string())
        .unwrap_or_else(|| s.to_string())
}

fn parse_nullable_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

fn nullable_bool(v: &Value, k: &str) -> Option<bool> {
    match v.get(k) {
        Value::Bool(b) => Some(*b),
        other => other.as_str().and_then(parse_nullable_bool),
    }
}

/// A number argument as sent: the provider sends none for 0 (its zero value means unset).
fn nonzero(v: &Value, k: &str) -> Option<i32> {
    v.get(k).as_number().map(|n| n as i32).filter(|n| *n != 0)
}

fn number(v: &Value, k: &str) -> Option<i32> {
    v.get(k).as_number().map(|n| n as i32)
}

fn blocks<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).as_list().unwrap_or(&[])
}

fn non_empty(items: Vec<String>) -> Option<Vec<String>> {
    (!items.is_empty()).then_some(items)
}

fn tags_of(v: &Value) -> Option<Vec<Tag>> {
    let tags: Vec<Tag> = v
        .get("tags")
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.to_plain_string().map(|v| Tag::builder().key(k).value(v).build()))
        .collect();
    (!tags.is_empty()).then_some(tags)
}

/// The launch template data a planned `aws_launch_template` describes. `burstable` says whether
/// its instance type takes a credit specification (the provider sends one only then).
pub fn request(p: &Value, burstable: bool) -> RequestLaunchTemplateData {
    RequestLaunchTemplateData::builder()
        // The provider always sends the user data, so that the data is never empty.
        .user_data(opt_str(p, "user_data").unwrap_or_default())
        .set_instance_type(opt_str(p, "instance_type").map(|t| InstanceType::from(t.as_str())))
        .set_instance_requirements(first(p, "instance_requirements").map(|r| {
            instance_requirements_request!(
                aws_sdk_ec2::types,
                InstanceRequirementsRequest,
                VCpuCountRangeRequest,
                r
            )
        }))
        .set_block_device_mappings(non_empty_vec(
            blocks(p, "block_device_mappings").iter().map(block_device),
        ))
        .set_capacity_reservation_specification(first(p, "capacity_reservation_specification").map(|c| {
            LaunchTemplateCapacityReservationSpecificationRequest::builder()
                .set_capacity_reservation_preference(
                    opt_str(c, "capacity_reservation_preference")
                        .map(|s| CapacityReservationPreference::from(s.as_str())),
                )
                .set_capacity_reservation_target(first(c, "capacity_reservation_target").map(|t| {
                    CapacityReservationTarget::builder()
                        .set_capacity_reservation_id(opt_str(t, "capacity_reservation_id"))
                        .set_capacity_reservation_resource_group_arn(opt_str(
                            t,
                            "capacity_reservation_resource_group_arn",
                        ))
                        .build()
                }))
                .build()
        }))
        .set_cpu_options(first(p, "cpu_options").map(|c| {
            LaunchTemplateCpuOptionsRequest::builder()
                .set_amd_sev_snp(opt_str(c, "amd_sev_snp").map(|s| AmdSevSnpSpecification::from(s.as_str())))
                .set_core_count(nonzero(c, "core_count"))
                .set_threads_per_core(nonzero(c, "threads_per_core"))
                .build()
        }))
        .set_credit_specification(first(p, "credit_specification").filter(|_| burstable).map(|c| {
            CreditSpecificationRequest::builder()
                .set_cpu_credits(opt_str(c, "cpu_credits"))
                .build()
        }))
        .set_disable_api_stop(opt_bool(p, "disable_api_stop").filter(|b| *b))
        .set_disable_api_termination(opt_bool(p, "disable_api_termination").filter(|b| *b))
        .set_ebs_optimized(nullable_bool(p, "ebs_optimized"))
        .set_enclave_options(first(p, "enclave_options").map(|e| {
            LaunchTemplateEnclaveOptionsRequest::builder()
                .enabled(opt_bool(e, "enabled").unwrap_or(false))
                .build()
        }))
        .set_hibernation_options(first(p, "hibernation_options").map(|h| {
            LaunchTemplateHibernationOptionsRequest::builder()
                .configured(opt_bool(h, "configured").unwrap_or(false))
                .build()
        }))
        .set_iam_instance_profile(first(p, "iam_instance_profile").map(|i| {
            LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .set_arn(opt_str(i, "arn"))
                .set_name(opt_str(i, "name"))
                .build()
        }))
        .set_image_id(opt_str(p, "image_id"))
        .set_instance_initiated_shutdown_behavior(
            opt_str(p, "instance_initiated_shutdown_behavior").map(|s| ShutdownBehavior::from(s.as_str())),
        )
        .set_instance_market_options(first(p, "instance_market_options").map(market_options))
        .set_kernel_id(opt_str(p, "kernel_id"))
        .set_key_name(opt_str(p, "key_name"))
        .set_license_specifications(non_empty_vec(blocks(p, "license_specification").iter().map(|l| {
            LaunchTemplateLicenseConfigurationRequest::builder()
                .set_license_configuration_arn(opt_str(l, "license_configuration_arn"))
                .build()
        })))
        .set_maintenance_options(first(p, "maintenance_options").map(|m| {
            LaunchTemplateInstanceMaintenanceOptionsRequest::builder()
                .set_auto_recovery(
                    opt_str(m, "auto_recovery").map(|s| LaunchTemplateAutoRecoveryState::from(s.as_str())),
                )
                .build()
        }))
        .set_metadata_options(first(p, "metadata_options").map(|m| {
            LaunchTemplateInstanceMetadataOptionsRequest::builder()
                .set_http_endpoint(
                    opt_str(m, "http_endpoint").map(|s| LaunchTemplateInstanceMetadataEndpointState::from(s.as_str())),
                )
                .set_http_tokens(opt_str(m, "http_tokens").map(|s| LaunchTemplateHttpTokensState::from(s.as_str())))
                .set_http_put_response_hop_limit(nonzero(m, "http_put_response_hop_limit"))
                .set_instance_metadata_tags(
                    opt_str(m, "instance_metadata_tags")
                        .map(|s| LaunchTemplateInstanceMetadataTagsState::from(s.as_str())),
                )
                .set_http_protocol_ipv6(
                    opt_str(m, "http_protocol_ipv6")
                        .map(|s| LaunchTemplateInstanceMetadataProtocolIpv6::from(s.as_str())),
                )
                .build()
        }))
        .set_monitoring(first(p, "monitoring").map(|m| {
            LaunchTemplatesMonitoringRequest::builder()
                .enabled(opt_bool(m, "enabled").unwrap_or(false))
                .build()
        }))
        .set_network_interfaces(non_empty_vec(
            blocks(p, "network_interfaces").iter().map(network_interface),
        ))
        .set_placement(first(p, "placement").map(|l| {
            LaunchTemplatePlacementRequest::builder()
                .set_affinity(opt_str(l, "affinity"))
                .set_availability_zone(opt_str(l, "availability_zone"))
                .set_group_name(opt_str(l, "group_name"))
                .set_host_id(opt_str(l, "host_id"))
                .set_host_resource_group_arn(opt_str(l, "host_resource_group_arn"))
                .set_partition_number(nonzero(l, "partition_number"))
                .set_spread_domain(opt_str(l, "spread_domain"))
                .set_tenancy(opt_str(l, "tenancy").map(|t| Tenancy::from(t.as_str())))
                .build()
        }))
        .set_private_dns_name_options(first(p, "private_dns_name_options").map(|d| {
            LaunchTemplatePrivateDnsNameOptionsRequest::builder()
                .enable_resource_name_dns_aaaa_record(
                    opt_bool(d, "enable_resource_name_dns_aaaa_record").unwrap_or(false),
                )
                .enable_resource_name_dns_a_record(opt_bool(d, "enable_resource_name_dns_a_record").unwrap_or(false))
                .set_hostname_type(
                    opt_str(d, "hostname_type").map(|s| aws_sdk_ec2::types::HostnameType::from(s.as_str())),
                )
                .build()
        }))
        .set_ram_disk_id(opt_str(p, "ram_disk_id"))
        .set_security_groups(non_empty(str_list(p, "security_group_names")))
        .set_tag_specifications(non_empty_vec(blocks(p, "tag_specifications").iter().map(|t| {
            LaunchTemplateTagSpecificationRequest::builder()
                .set_resource_type(opt_str(t, "resource_type").map(|s| ResourceType::from(s.as_str())))
                .set_tags(tags_of(t))
                .build()
        })))
        .set_security_group_ids(non_empty(str_list(p, "vpc_security_group_ids")))
        .build()
}

fn non_empty_vec<T>(items: impl Iterator<Item = T>) -> Option<Vec<T>> {
    let v: Vec<T> = items.collect();
    (!v.is_empty()).then_some(v)
}

fn block_device(b: &Value) -> LaunchTemplateBlockDeviceMappingRequest {
    LaunchTemplateBlockDeviceMappingRequest::builder()
        .set_device_name(opt_str(b, "device_name"))
        .set_no_device(opt_str(b, "no_device"))
        .set_virtual_name(opt_str(b, "virtual_name"))
        .set_ebs(first(b, "ebs").map(|e| {
            LaunchTemplateEbsBlockDeviceRequest::builder()
                .set_delete_on_termination(nullable_bool(e, "delete_on_termination"))
                .set_encrypted(nullable_bool(e, "encrypted"))
                .set_iops(nonzero(e, "iops"))
                .set_kms_key_id(opt_str(e, "kms_key_id"))
                .set_snapshot_id(opt_str(e, "snapshot_id"))
                .set_throughput(nonzero(e, "throughput"))
                .set_volume_initialization_rate(nonzero(e, "volume_initialization_rate"))
                .set_volume_size(nonzero(e, "volume_size"))
                .set_volume_type(opt_str(e, "volume_type").map(|t| VolumeType::from(t.as_str())))
                .build()
        }))
        .build()
}

fn market_options(m: &Value) -> LaunchTemplateInstanceMarketOptionsRequest {
    LaunchTemplateInstanceMarketOptionsRequest::builder()
        .set_market_type(opt_str(m, "market_type").map(|s| MarketType::from(s.as_str())))
        .set_spot_options(first(m, "spot_options").map(|s| {
            LaunchTemplateSpotMarketOptionsRequest::builder()
                .set_block_duration_minutes(nonzero(s, "block_duration_minutes"))
                .set_instance_interruption_behavior(
                    opt_str(s, "instance_interruption_behavior")
                        .map(|b| InstanceInterruptionBehavior::from(b.as_str())),
                )
                .set_max_price(opt_str(s, "max_price"))
                .set_spot_instance_type(opt_str(s, "spot_instance_type").map(|t| SpotInstanceType::from(t.as_str())))
                .set_valid_until(
                    opt_str(s, "valid_until").and_then(|t| DateTime::from_str(&t, DateTimeFormat::DateTime).ok()),
                )
                .build()
        }))
        .build()
}

fn network_interface(n: &Value) -> LaunchTemplateInstanceNetworkInterfaceSpecificationRequest {
    let private_ip = opt_str(n, "private_ip_address");
    let count = nonzero(n, "ipv4_address_count");
    // The provider sends the address list only when no count is given, marking the one that is
    // also `private_ip_address` primary.
    let addresses = non_empty_vec(
        str_list(n, "ipv4_addresses")
            .into_iter()
            .filter(|_| count.is_none())
            .map(|a| {
                PrivateIpAddressSpecification::builder()
                    .primary(Some(&a) == private_ip.as_ref())
                    .private_ip_address(a)
                    .build()
            }),
    );
    LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
        .set_associate_carrier_ip_address(nullable_bool(n, "associate_carrier_ip_address"))
        .set_associate_public_ip_address(nullable_bool(n, "associate_public_ip_address"))
        .set_delete_on_termination(nullable_bool(n, "delete_on_termination"))
        .set_description(opt_str(n, "description"))
        .set_device_index(number(n, "device_index"))
        .set_interface_type(opt_str(n, "interface_type"))
        .set_private_ip_address(private_ip.clone())
        .set_secondary_private_ip_address_count(count)
        .set_private_ip_addresses(addresses)
        .set_ipv4_prefix_count(nonzero(n, "ipv4_prefix_count"))
        .set_ipv4_prefixes(non_empty_vec(
            str_list(n, "ipv4_prefixes")
                .into_iter()
                .map(|p| Ipv4PrefixSpecificationRequest::builder().ipv4_prefix(p).build()),
        ))
        .set_ipv6_address_count(nonzero(n, "ipv6_address_count"))
        .set_ipv6_addresses(non_empty_vec(
            str_list(n, "ipv6_addresses")
                .into_iter()
                .map(|a| InstanceIpv6AddressRequest::builder().ipv6_address(a).build()),
        ))
        .set_ipv6_prefix_count(nonzero(n, "ipv6_prefix_count"))
        .set_ipv6_prefixes(non_empty_vec(
            str_list(n, "ipv6_prefixes")
                .into_iter()
                .map(|p| Ipv6PrefixSpecificationRequest::builder().ipv6_prefix(p).build()),
        ))
        .set_network_card_index(number(n, "network_card_index"))
        .set_network_interface_id(opt_str(n, "network_interface_id"))
        .set_primary_ipv6(nullable_bool(n, "primary_ipv6"))
        .set_groups(non_empty(str_list(n, "security_groups")))
        .set_subnet_id(opt_str(n, "subnet_id"))
        .set_connection_tracking_specification(first(n, "connection_tracking_specification").map(|c| {
            ConnectionTrackingSpecificationRequest::builder()
                .set_tcp_established_timeout(nonzero(c, "tcp_established_timeout"))
                .set_udp_stream_timeout(nonzero(c, "udp_stream_timeout"))
                .set_udp_timeout(nonzero(c, "udp_timeout"))
                .build()
        }))
        .set_ena_srd_specification(first(n, "ena_srd_specification").map(|e| {
            EnaSrdSpecificationRequest::builder()
                .set_ena_srd_enabled(opt_bool(e, "ena_srd_enabled"))
                .set_ena_srd_udp_specification(first(e, "ena_srd_udp_specification").map(|u| {
                    EnaSrdUdpSpecificationRequest::builder()
                        .set_ena_srd_udp_enabled(opt_bool(u, "ena_srd_udp_enabled"))
                        .build()
                }))
                .build()
        }))
        .build()
}

fn flag(b: Option<bool>) -> Value {
    Value::from(b)
}

/// A nullable bool as the provider records it: `"true"`, `"false"`, or null when AWS holds none.
fn flag_text(b: Option<bool>) -> Value {
    Value::from(b.map(|b| b.to_string()))
}

fn one(block: Option<Value>) -> Value {
    Value::List(block.into_iter().collect())
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::List(items.map(Value::str).collect())
}

fn tag_map(tags: &[Tag]) -> Value {
    Value::Object(
        tags.iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    Value::str(t.value().unwrap_or_default()),
                )
            })
            .collect(),
    )
}

/// The arguments a template version's data sets, keyed as the blueprint writes them.
/// `prior_credit` is kept when AWS holds no credit specification: the provider sends one only
/// for burstable instance types and does not overwrite what was configured otherwise.
pub fn state(d: &ResponseLaunchTemplateData, prior_credit: &Value) -> Vec<(&'static str, Value)> {
    vec![
        (
            "block_device_mappings",
            Value::List(
                d.block_device_mappings()
                    .iter()
                    .map(|b| {
                        Value::object([
                            ("device_name", Value::from(b.device_name())),
                            ("no_device", Value::from(b.no_device())),
                            ("virtual_name", Value::from(b.virtual_name())),
                            (
                                "ebs",
                                one(b.ebs().map(|e| {
                                    Value::object([
                                        ("delete_on_termination", flag_text(e.delete_on_termination())),
                                        ("encrypted", flag_text(e.encrypted())),
                                        ("iops", Value::from(e.iops())),
                                        ("kms_key_id", Value::from(e.kms_key_id())),
                                        ("snapshot_id", Value::from(e.snapshot_id())),
                                        ("throughput", Value::from(e.throughput())),
                                        (
                                            "volume_initialization_rate",
                                            Value::from(e.volume_initialization_rate()),
                                        ),
                                        ("volume_size", Value::from(e.volume_size())),
                                        ("volume_type", Value::from(e.volume_type().map(|t| t.as_str()))),
                                    ])
                                })),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "capacity_reservation_specification",
            one(d.capacity_reservation_specification().map(|c| {
                Value::object([
                    (
                        "capacity_reservation_preference",
                        Value::from(c.capacity_reservation_preference().map(|p| p.as_str())),
                    ),
                    (
                        "capacity_reservation_target",
                        one(c.capacity_reservation_target().map(|t| {
                            Value::object([
                                ("capacity_reservation_id", Value::from(t.capacity_reservation_id())),
                                (
                                    "capacity_reservation_resource_group_arn",
                                    Value::from(t.capacity_reservation_resource_group_arn()),
                                ),
                            ])
                        })),
                    ),
                ])
            })),
        ),
        (
            "cpu_options",
            one(d.cpu_options().map(|c| {
                Value::object([
                    ("amd_sev_snp", Value::from(c.amd_sev_snp().map(|a| a.as_str()))),
                    ("core_count", Value::from(c.core_count())),
                    ("threads_per_core", Value::from(c.threads_per_core())),
                ])
            })),
        ),
        (
            "credit_specification",
            match d.credit_specification() {
                Some(c) => one(Some(Value::object([("cpu_credits", Value::from(c.cpu_credits()))]))),
                None => prior_credit.clone(),
            },
        ),
        ("disable_api_stop", Value::Bool(d.disable_api_stop().unwrap_or(false))),
        (
            "disable_api_termination",
            Value::Bool(d.disable_api_termination().unwrap_or(false)),
        ),
        ("ebs_optimized", flag_text(d.ebs_optimized())),
        ("elastic_gpu_specifications", Value::List(vec![])),
        ("elastic_inference_accelerator", Value::List(vec![])),
        (
            "enclave_options",
            one(d
                .enclave_options()
                .map(|e| Value::object([("enabled", Value::Bool(e.enabled().unwrap_or(false)))]))),
        ),
        (
            "hibernation_options",
            one(d
                .hibernation_options()
                .map(|h| Value::object([("configured", Value::Bool(h.configured().unwrap_or(false)))]))),
        ),
        (
            "iam_instance_profile",
            one(d
                .iam_instance_profile()
                .map(|i| Value::object([("arn", Value::from(i.arn())), ("name", Value::from(i.name()))]))),
        ),
        ("image_id", Value::from(d.image_id())),
        (
            "instance_initiated_shutdown_behavior",
            Value::from(d.instance_initiated_shutdown_behavior().map(|s| s.as_str())),
        ),
        (
            "instance_market_options",
            one(d.instance_market_options().map(|m| {
                Value::object([
                    ("market_type", Value::from(m.market_type().map(|t| t.as_str()))),
                    (
                        "spot_options",
                        one(m.spot_options().map(|s| {
                            Value::object([
                                ("block_duration_minutes", Value::from(s.block_duration_minutes())),
                                (
                                    "instance_interruption_behavior",
                                    Value::from(s.instance_interruption_behavior().map(|b| b.as_str())),
                                ),
                                ("max_price", Value::from(s.max_price())),
                                (
                                    "spot_instance_type",
                                    Value::from(s.spot_instance_type().map(|t| t.as_str())),
                                ),
                                (
                                    "valid_until",
                                    Value::from(s.valid_until().and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())),
                                ),
                            ])
                        })),
                    ),
                ])
            })),
        ),
        (
            "instance_requirements",
            Value::List(
                d.instance_requirements()
                    .map(|r| instance_requirements_state!(r))
                    .into_iter()
                    .collect(),
            ),
        ),
        ("instance_type", Value::from(d.instance_type().map(|t| t.as_str()))),
        ("kernel_id", Value::from(d.kernel_id())),
        ("key_name", Value::from(d.key_name())),
        (
            "license_specification",
            Value::List(
                d.license_specifications()
                    .iter()
                    .map(|l| Value::object([("license_configuration_arn", Value::from(l.license_configuration_arn()))]))
                    .collect(),
            ),
        ),
        (
            "maintenance_options",
            one(d
                .maintenance_options()
                .map(|m| Value::object([("auto_recovery", Value::from(m.auto_recovery().map(|a| a.as_str())))]))),
        ),
        (
            "metadata_options",
            one(d.metadata_options().map(|m| {
                Value::object([
                    ("http_endpoint", Value::from(m.http_endpoint().map(|x| x.as_str()))),
                    (
                        "http_protocol_ipv6",
                        Value::from(m.http_protocol_ipv6().map(|x| x.as_str())),
                    ),
                    (
                        "http_put_response_hop_limit",
                        Value::from(m.http_put_response_hop_limit()),
                    ),
                    ("http_tokens", Value::from(m.http_tokens().map(|x| x.as_str()))),
                    (
                        "instance_metadata_tags",
                        Value::from(m.instance_metadata_tags().map(|x| x.as_str())),
                    ),
                ])
            })),
        ),
        (
            "monitoring",
            one(d
                .monitoring()
                .map(|m| Value::object([("enabled", Value::Bool(m.enabled().unwrap_or(false)))]))),
        ),
        (
            "network_interfaces",
            Value::List(
                d.network_interfaces()
                    .iter()
                    .map(|n| {
                        Value::object([
                            (
                                "associate_carrier_ip_address",
                                flag_text(n.associate_carrier_ip_address()),
                            ),
                            (
                                "associate_public_ip_address",
                                flag_text(n.associate_public_ip_address()),
                            ),
                            ("delete_on_termination", flag_text(n.delete_on_termination())),
                            ("description", Value::from(n.description())),
                            ("device_index", Value::from(n.device_index())),
                            ("interface_type", Value::from(n.interface_type())),
                            (
                                "ipv4_address_count",
                                Value::from(n.secondary_private_ip_address_count()),
                            ),
                            (
                                "ipv4_addresses",
                                strings(n.private_ip_addresses().iter().filter_map(|a| a.private_ip_address())),
                            ),
                            ("ipv4_prefix_count", Value::from(n.ipv4_prefix_count())),
                            (
                                "ipv4_prefixes",
                                strings(n.ipv4_prefixes().iter().filter_map(|p| p.ipv4_prefix())),
                            ),
                            ("ipv6_address_count", Value::from(n.ipv6_address_count())),
                            (
                                "ipv6_addresses",
                                strings(n.ipv6_addresses().iter().filter_map(|a| a.ipv6_address())),
                            ),
                            ("ipv6_prefix_count", Value::from(n.ipv6_prefix_count())),
                            (
                                "ipv6_prefixes",
                                strings(n.ipv6_prefixes().iter().filter_map(|p| p.ipv6_prefix())),
                            ),
                            ("network_card_index", Value::from(n.network_card_index())),
                            ("network_interface_id", Value::from(n.network_interface_id())),
                            ("primary_ipv6", flag_text(n.primary_ipv6())),
                            ("private_ip_address", Value::from(n.private_ip_address())),
                            ("security_groups", strings(n.groups().iter().map(String::as_str))),
                            ("subnet_id", Value::from(n.subnet_id())),
                            (
                                "connection_tracking_specification",
                                one(n.connection_tracking_specification().map(|c| {
                                    Value::object([
                                        ("tcp_established_timeout", Value::from(c.tcp_established_timeout())),
                                        ("udp_stream_timeout", Value::from(c.udp_stream_timeout())),
                                        ("udp_timeout", Value::from(c.udp_timeout())),
                                    ])
                                })),
                            ),
                            (
                                "ena_srd_specification",
                                one(n.ena_srd_specification().map(|e| {
                                    Value::object([
                                        ("ena_srd_enabled", Value::from(e.ena_srd_enabled())),
                                        (
                                            "ena_srd_udp_specification",
                                            one(e.ena_srd_udp_specification().map(|u| {
                                                Value::object([(
                                                    "ena_srd_udp_enabled",
                                                    Value::from(u.ena_srd_udp_enabled()),
                                                )])
                                            })),
                                        ),
                                    ])
                                })),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "placement",
            one(d.placement().map(|l| {
                Value::object([
                    ("affinity", Value::from(l.affinity())),
                    ("availability_zone", Value::from(l.availability_zone())),
                    ("group_name", Value::from(l.group_name())),
                    ("host_id", Value::from(l.host_id())),
                    ("host_resource_group_arn", Value::from(l.host_resource_group_arn())),
                    ("partition_number", Value::from(l.partition_number())),
                    ("spread_domain", Value::from(l.spread_domain())),
                    ("tenancy", Value::from(l.tenancy().map(|t| t.as_str()))),
                ])
            })),
        ),
        (
            "private_dns_name_options",
            one(d.private_dns_name_options().map(|o| {
                Value::object([
                    (
                        "enable_resource_name_dns_a_record",
                        flag(o.enable_resource_name_dns_a_record()),
                    ),
                    (
                        "enable_resource_name_dns_aaaa_record",
                        flag(o.enable_resource_name_dns_aaaa_record()),
                    ),
                    ("hostname_type", Value::from(o.hostname_type().map(|h| h.as_str()))),
                ])
            })),
        ),
        ("ram_disk_id", Value::from(d.ram_disk_id())),
        (
            "security_group_names",
            strings(d.security_groups().iter().map(String::as_str)),
        ),
        (
            "tag_specifications",
            Value::List(
                d.tag_specifications()
                    .iter()
                    .map(|t| {
                        Value::object([
                            ("resource_type", Value::from(t.resource_type().map(|r| r.as_str()))),
                            ("tags", tag_map(t.tags())),
                        ])
                    })
                    .collect(),
            ),
        ),
        // Empty user data is what the provider sends for none.
        ("user_data", Value::from(d.user_data().filter(|u| !u.is_empty()))),
        (
            "vpc_security_group_ids",
            strings(d.security_group_ids().iter().map(String::as_str)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_bools_take_go_spellings_and_keep_the_providers_form() {
        assert_eq!(nullable_bool_form("1"), "true");
        assert_eq!(nullable_bool_form("False"), "false");
        assert_eq!(nullable_bool_form(""), "");
        let v = Value::object([("a", Value::Bool(true)), ("b", Value::str("0")), ("c", Value::str(""))]);
        assert_eq!(nullable_bool(&v, "a"), Some(true));
        assert_eq!(nullable_bool(&v, "b"), Some(false));
        assert_eq!(nullable_bool(&v, "c"), None);
        assert_eq!(nullable_bool(&v, "d"), None);
    }

    #[test]
    fn a_planned_template_sends_what_it_sets_and_nothing_for_zero_or_unset() {
        let p = Value::object([
            ("image_id", Value::str("ami-1")),
            ("ebs_optimized", Value::str("true")),
            ("vpc_security_group_ids", Value::List(vec![Value::str("sg-1")])),
            (
                "block_device_mappings",
                Value::List(vec![Value::object([
                    ("device_name", Value::str("/dev/xvda")),
                    (
                        "ebs",
                        Value::List(vec![Value::object([
                            ("volume_size", Value::Number(20.0)),
                            ("iops", Value::Number(0.0)),
                            ("encrypted", Value::str("false")),
                        ])]),
                    ),
                ])]),
            ),
            (
                "credit_specification",
                Value::List(vec![Value::object([("cpu_credits", Value::str("unlimited"))])]),
            ),
        ]);
        let r = request(&p, false);
        assert_eq!(r.image_id(), Some("ami-1"));
        assert_eq!(r.ebs_optimized(), Some(true));
        assert_eq!(r.security_group_ids(), ["sg-1".to_string()]);
        assert_eq!(r.user_data(), Some(""));
        let ebs = r.block_device_mappings()[0].ebs().unwrap();
        assert_eq!(
            (ebs.volume_size(), ebs.iops(), ebs.encrypted()),
            (Some(20), None, Some(false))
        );
        assert!(r.credit_specification().is_none(), "not burstable: not sent");
        assert!(request(&p, true).credit_specification().is_some());
        assert!(r.monitoring().is_none() && r.metadata_options().is_none());
    }
}
