//! The launch options of `aws_instance` that EC2 keeps as option blocks: CPU (cores, threads,
//! AMD SEV-SNP; fixed at launch), automatic recovery and the capacity reservation preference
//! (changed in place by their own modify calls), and the private DNS name options (fixed at
//! launch, as the provider has them). Each is sent as the provider sends it and read back from
//! DescribeInstances.

use crate::provider::aws::common::{aws_err, differs, first, opt_bool, opt_i32, opt_str};
use crate::provider::PResult;
use crate::value::Value;
use aws_sdk_ec2::types::{
    AmdSevSnpSpecification, CapacityReservationPreference, CapacityReservationSpecification, CapacityReservationTarget,
    CpuOptionsRequest, HostnameType, Instance, InstanceAutoRecoveryState, InstanceMaintenanceOptionsRequest,
    PrivateDnsNameOptionsRequest,
};

/// `CpuOptions` from the `cpu_options` block, or from the deprecated `cpu_core_count` and
/// `cpu_threads_per_core`; only the settings written, as the provider sends them.
pub fn cpu(planned: &Value) -> Option<CpuOptionsRequest> {
    let positive = |v: &Value, k: &str| opt_i32(v, k).filter(|n| *n > 0);
    let (cores, threads, sev) = match first(planned, "cpu_options") {
        Some(c) => (
            positive(c, "core_count"),
            positive(c, "threads_per_core"),
            opt_str(c, "amd_sev_snp"),
        ),
        None => (
            positive(planned, "cpu_core_count"),
            positive(planned, "cpu_threads_per_core"),
            None,
        ),
    };
    (cores.is_some() || threads.is_some() || sev.is_some()).then(|| {
        CpuOptionsRequest::builder()
            .set_core_count(cores)
            .set_threads_per_core(threads)
            .set_amd_sev_snp(sev.as_deref().map(AmdSevSnpSpecification::from))
            .build()
    })
}

/// `MaintenanceOptions` from the `maintenance_options` block.
pub fn maintenance(planned: &Value) -> Option<InstanceMaintenanceOptionsRequest> {
    let recovery = first(planned, "maintenance_options").and_then(|m| opt_str(m, "auto_recovery"))?;
    Some(
        InstanceMaintenanceOptionsRequest::builder()
            .auto_recovery(InstanceAutoRecoveryState::from(recovery.as_str()))
            .build(),
    )
}

/// `PrivateDnsNameOptions` from the `private_dns_name_options` block.
pub fn private_dns(planned: &Value) -> Option<PrivateDnsNameOptionsRequest> {
    let d = first(planned, "private_dns_name_options")?;
    Some(
        PrivateDnsNameOptionsRequest::builder()
            .set_hostname_type(opt_str(d, "hostname_type").as_deref().map(HostnameType::from))
            .set_enable_resource_name_dns_a_record(opt_bool(d, "enable_resource_name_dns_a_record"))
            .set_enable_resource_name_dns_aaaa_record(opt_bool(d, "enable_resource_name_dns_aaaa_record"))
            .build(),
    )
}

/// `CapacityReservationSpecification` from its block: a preference, or a target reservation
/// (by id or by resource group).
pub fn capacity_reservation(planned: &Value) -> Option<CapacityReservationSpecification> {
    let c = first(planned, "capacity_reservation_specification")?;
    let target = first(c, "capacity_reservation_target").map(|t| {
        CapacityReservationTarget::builder()
            .set_capacity_reservation_id(opt_str(t, "capacity_reservation_id"))
            .set_capacity_reservation_resource_group_arn(opt_str(t, "capacity_reservation_resource_group_arn"))
            .build()
    });
    Some(
        CapacityReservationSpecification::builder()
            .set_capacity_reservation_preference(
                opt_str(c, "capacity_reservation_preference")
                    .as_deref()
                    .map(CapacityReservationPreference::from),
            )
            .set_capacity_reservation_target(target)
            .build(),
    )
}

fn number(n: Option<i32>) -> Value {
    n.map(|n| Value::Number(n as f64)).unwrap_or(Value::Null)
}

/// One block from an option EC2 answered, none when it answered nothing.
fn block(fields: Option<Vec<(&'static str, Value)>>) -> Value {
    Value::List(fields.map(Value::object).into_iter().collect())
}

/// The option blocks (and the deprecated CPU arguments) as the provider reads them.
pub fn read(i: &Instance) -> Vec<(&'static str, Value)> {
    let cpu = i.cpu_options();
    let capacity = i.capacity_reservation_specification().map(|c| {
        let target = c.capacity_reservation_target().map(|t| {
            vec![
                ("capacity_reservation_id", Value::from(t.capacity_reservation_id())),
                (
                    "capacity_reservation_resource_group_arn",
                    Value::from(t.capacity_reservation_resource_group_arn()),
                ),
            ]
        });
        vec![
            (
                "capacity_reservation_preference",
                Value::from(c.capacity_reservation_preference().map(|p| p.as_str())),
            ),
            ("capacity_reservation_target", block(target)),
        ]
    });
    vec![
        ("cpu_core_count", number(cpu.and_then(|c| c.core_count()))),
        ("cpu_threads_per_core", number(cpu.and_then(|c| c.threads_per_core()))),
        (
            "cpu_options",
            block(cpu.map(|c| {
                vec![
                    ("amd_sev_snp", Value::from(c.amd_sev_snp().map(|s| s.as_str()))),
                    ("core_count", number(c.core_count())),
                    ("threads_per_core", number(c.threads_per_core())),
                ]
            })),
        ),
        (
            "maintenance_options",
            block(
                i.maintenance_options()
                    .map(|m| vec![("auto_recovery", Value::from(m.auto_recovery().map(|r| r.as_str())))]),
            ),
        ),
        (
            "private_dns_name_options",
            block(i.private_dns_name_options().map(|d| {
                vec![
                    (
                        "enable_resource_name_dns_a_record",
                        Value::from(d.enable_resource_name_dns_a_record()),
                    ),
                    (
                        "enable_resource_name_dns_aaaa_record",
                        Value::from(d.enable_resource_name_dns_aaaa_record()),
                    ),
                    ("hostname_type", Value::from(d.hostname_type().map(|h| h.as_str()))),
                ]
            })),
        ),
        ("capacity_reservation_specification", block(capacity)),
    ]
}

/// Changes automatic recovery and the capacity reservation preference in place, as the
/// provider does (the latter, as in EC2, only on a stopped instance).
pub async fn update(ec2: &aws_sdk_ec2::Client, id: &str, prior: &Value, planned: &Value) -> PResult<()> {
    if let Some(m) = maintenance(planned).filter(|_| differs(prior, planned, "maintenance_options")) {
        ec2.modify_instance_maintenance_options()
            .instance_id(id)
            .set_auto_recovery(m.auto_recovery().cloned())
            .send()
            .await
            .map_err(aws_err)?;
    }
    if let Some(c) =
        capacity_reservation(planned).filter(|_| differs(prior, planned, "capacity_reservation_specification"))
    {
        ec2.modify_instance_capacity_reservation_attributes()
            .instance_id(id)
            .capacity_reservation_specification(c)
            .send()
            .await
            .map_err(aws_err)?;
    }
    Ok(())
}
