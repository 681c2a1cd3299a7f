//! The `instance_requirements` block (attribute-based instance type selection), which a launch
//! template and an Auto Scaling group's overrides share, field for field, in the provider's
//! schema and in AWS's API; only the SDK crates differ (EC2's `InstanceRequirementsRequest`,
//! Auto Scaling's `InstanceRequirements`, with the same builder and accessor names). The two
//! macros write the mapping once for both crates: a macro rather than generics because the
//! SDKs share names, not traits. Sent as the provider's expand functions send it: a range's
//! minimum always (0 when unset), its maximum when not below the minimum (so `max = 0` with no
//! minimum asks for none of a thing, as AWS documents), empty lists and zero percentages not
//! at all, `require_hibernate_support` only when true.

use crate::provider::aws::common::{first, str_list};
use crate::schema::declare::Decl;
use crate::schema::validators::{int_at_least, items_at_most, one_of};
use crate::value::Value;
use aws_sdk_autoscaling::types::{
    AcceleratorManufacturer, AcceleratorName, AcceleratorType, BareMetal, BurstablePerformance, CpuManufacturer,
    InstanceGeneration, LocalStorage, LocalStorageType,
};

/// The provider's checks of the block at `at` (`instance_requirements`, or an override's):
/// AWS's names for each enumeration (the same in both SDKs), counts and percentages of at
/// least 1 (an accelerator count's maximum of at least 0), at most 400 instance type patterns.
pub fn declare(decl: Decl, at: &str) -> Decl {
    let path = |k: &str| format!("{at}.{k}");
    let mut decl = decl
        .arg(&path("accelerator_manufacturers"))
        .check(one_of(AcceleratorManufacturer::values()))
        .arg(&path("accelerator_names"))
        .check(one_of(AcceleratorName::values()))
        .arg(&path("accelerator_types"))
        .check(one_of(AcceleratorType::values()))
        .arg(&path("bare_metal"))
        .check(one_of(BareMetal::values()))
        .arg(&path("burstable_performance"))
        .check(one_of(BurstablePerformance::values()))
        .arg(&path("cpu_manufacturers"))
        .check(one_of(CpuManufacturer::values()))
        .arg(&path("instance_generations"))
        .check(one_of(InstanceGeneration::values()))
        .arg(&path("local_storage"))
        .check(one_of(LocalStorage::values()))
        .arg(&path("local_storage_types"))
        .check(one_of(LocalStorageType::values()))
        .arg(&path("allowed_instance_types"))
        .check(items_at_most(400))
        .arg(&path("excluded_instance_types"))
        .check(items_at_most(400))
        .arg(&path("accelerator_count.max"))
        .check(int_at_least(0));
    for k in [
        "max_spot_price_as_percentage_of_optimal_on_demand_price",
        "on_demand_max_price_percentage_over_lowest_price",
        "spot_max_price_percentage_over_lowest_price",
        "accelerator_count.min",
        "accelerator_total_memory_mib.min",
        "accelerator_total_memory_mib.max",
        "baseline_ebs_bandwidth_mbps.min",
        "baseline_ebs_bandwidth_mbps.max",
        "memory_mib.min",
        "memory_mib.max",
        "network_interface_count.min",
        "network_interface_count.max",
        "vcpu_count.min",
        "vcpu_count.max",
    ] {
        decl = decl.arg(&path(k)).check(int_at_least(1));
    }
    decl
}

/// An integer range block as the provider sends it: the minimum (0 when unset) and the maximum
/// when it is not below it.
pub fn int_range(r: &Value, block: &str) -> Option<(i32, Option<i32>)> {
    let (min, max) = float_range(r, block)?;
    Some((min as i32, max.map(|m| m as i32)))
}

/// A fractional range block (GiB, Gbps) as the provider sends it.
pub fn float_range(r: &Value, block: &str) -> Option<(f64, Option<f64>)> {
    let b = first(r, block)?;
    let min = b.get("min").as_number().unwrap_or(0.0);
    let max = b.get("max").as_number().unwrap_or(0.0);
    Some((min, (max >= min).then_some(max)))
}

/// A set of names (enum values or instance types) as the SDK takes it; `None` when empty.
pub fn names<T: for<'a> From<&'a str>>(r: &Value, k: &str) -> Option<Vec<T>> {
    let items = str_list(r, k);
    (!items.is_empty()).then(|| items.iter().map(|s| T::from(s.as_str())).collect())
}

/// A percentage sent only when set and not 0.
pub fn nonzero(r: &Value, k: &str) -> Option<i32> {
    r.get(k).as_number().map(|n| n as i32).filter(|n| *n != 0)
}

/// A range AWS answered, as its block in state (absent: no block).
pub fn range_state(bounds: Option<(Option<f64>, Option<f64>)>) -> Value {
    Value::List(
        bounds
            .map(|(min, max)| Value::object([("min", Value::from(min)), ("max", Value::from(max))]))
            .into_iter()
            .collect(),
    )
}

/// Names AWS answered, as a set in state.
pub fn names_state<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::List(items.map(Value::str).collect())
}

/// Builds the SDK's requirements from the block `$r` for the crate whose types module is
/// `$t` (`$req`: the request type, `$vcpu`: its vCPU range type, the one name that differs).
macro_rules! instance_requirements_request {
    ($($t:ident)::+, $req:ident, $vcpu:ident, $r:expr) => {{
        use $crate::provider::aws::instance_requirements::{float_range, int_range, names, nonzero};
        let r: &$crate::value::Value = $r;
        $($t)::+::$req::builder()
            .set_accelerator_count(int_range(r, "accelerator_count").map(|(a, b)| {
                $($t)::+::AcceleratorCountRequest::builder().min(a).set_max(b).build()
            }))
            .set_accelerator_manufacturers(names(r, "accelerator_manufacturers"))
            .set_accelerator_names(names(r, "accelerator_names"))
            .set_accelerator_total_memory_mib(int_range(r, "accelerator_total_memory_mib").map(|(a, b)| {
                $($t)::+::AcceleratorTotalMemoryMiBRequest::builder().min(a).set_max(b).build()
            }))
            .set_accelerator_types(names(r, "accelerator_types"))
            .set_allowed_instance_types(names(r, "allowed_instance_types"))
            .set_bare_metal($crate::provider::aws::common::opt_str(r, "bare_metal").map(|s| s.as_str().into()))
            .set_baseline_ebs_bandwidth_mbps(int_range(r, "baseline_ebs_bandwidth_mbps").map(|(a, b)| {
                $($t)::+::BaselineEbsBandwidthMbpsRequest::builder().min(a).set_max(b).build()
            }))
            .set_burstable_performance(
                $crate::provider::aws::common::opt_str(r, "burstable_performance").map(|s| s.as_str().into()),
            )
            .set_cpu_manufacturers(names(r, "cpu_manufacturers"))
            .set_excluded_instance_types(names(r, "excluded_instance_types"))
            .set_instance_generations(names(r, "instance_generations"))
            .set_local_storage($crate::provider::aws::common::opt_str(r, "local_storage").map(|s| s.as_str().into()))
            .set_local_storage_types(names(r, "local_storage_types"))
            .set_max_spot_price_as_percentage_of_optimal_on_demand_price(nonzero(
                r,
                "max_spot_price_as_percentage_of_optimal_on_demand_price",
            ))
            .set_memory_gib_per_v_cpu(float_range(r, "memory_gib_per_vcpu").map(|(a, b)| {
                $($t)::+::MemoryGiBPerVCpuRequest::builder().min(a).set_max(b).build()
            }))
            .set_memory_mib(int_range(r, "memory_mib").map(|(a, b)| {
                $($t)::+::MemoryMiBRequest::builder().min(a).set_max(b).build()
            }))
            .set_network_bandwidth_gbps(float_range(r, "network_bandwidth_gbps").map(|(a, b)| {
                $($t)::+::NetworkBandwidthGbpsRequest::builder().min(a).set_max(b).build()
            }))
            .set_network_interface_count(int_range(r, "network_interface_count").map(|(a, b)| {
                $($t)::+::NetworkInterfaceCountRequest::builder().min(a).set_max(b).build()
            }))
            .set_on_demand_max_price_percentage_over_lowest_price(nonzero(
                r,
                "on_demand_max_price_percentage_over_lowest_price",
            ))
            .set_require_hibernate_support(
                $crate::provider::aws::common::opt_bool(r, "require_hibernate_support").filter(|b| *b),
            )
            .set_spot_max_price_percentage_over_lowest_price(nonzero(r, "spot_max_price_percentage_over_lowest_price"))
            .set_total_local_storage_gb(float_range(r, "total_local_storage_gb").map(|(a, b)| {
                $($t)::+::TotalLocalStorageGbRequest::builder().min(a).set_max(b).build()
            }))
            .set_v_cpu_count(int_range(r, "vcpu_count").map(|(a, b)| {
                $($t)::+::$vcpu::builder().min(a).set_max(b).build()
            }))
            .build()
    }};
}

/// The requirements AWS answered (`$r`, either crate's type) as the block in state.
macro_rules! instance_requirements_state {
    ($r:expr) => {{
        use $crate::provider::aws::instance_requirements::{names_state, range_state};
        use $crate::value::Value;
        let r = $r;
        let ints = |min: Option<i32>, max: Option<i32>| (min.map(f64::from), max.map(f64::from));
        let text = |s: Option<&str>| Value::from(s.filter(|s| !s.is_empty()));
        Value::object([
            (
                "accelerator_count",
                range_state(r.accelerator_count().map(|x| ints(x.min(), x.max()))),
            ),
            (
                "accelerator_manufacturers",
                names_state(r.accelerator_manufacturers().iter().map(|x| x.as_str())),
            ),
            (
                "accelerator_names",
                names_state(r.accelerator_names().iter().map(|x| x.as_str())),
            ),
            (
                "accelerator_total_memory_mib",
                range_state(r.accelerator_total_memory_mib().map(|x| ints(x.min(), x.max()))),
            ),
            (
                "accelerator_types",
                names_state(r.accelerator_types().iter().map(|x| x.as_str())),
            ),
            (
                "allowed_instance_types",
                names_state(r.allowed_instance_types().iter().map(String::as_str)),
            ),
            ("bare_metal", text(r.bare_metal().map(|x| x.as_str()))),
            (
                "baseline_ebs_bandwidth_mbps",
                range_state(r.baseline_ebs_bandwidth_mbps().map(|x| ints(x.min(), x.max()))),
            ),
            (
                "burstable_performance",
                text(r.burstable_performance().map(|x| x.as_str())),
            ),
            (
                "cpu_manufacturers",
                names_state(r.cpu_manufacturers().iter().map(|x| x.as_str())),
            ),
            (
                "excluded_instance_types",
                names_state(r.excluded_instance_types().iter().map(String::as_str)),
            ),
            (
                "instance_generations",
                names_state(r.instance_generations().iter().map(|x| x.as_str())),
            ),
            ("local_storage", text(r.local_storage().map(|x| x.as_str()))),
            (
                "local_storage_types",
                names_state(r.local_storage_types().iter().map(|x| x.as_str())),
            ),
            (
                "max_spot_price_as_percentage_of_optimal_on_demand_price",
                Value::from(r.max_spot_price_as_percentage_of_optimal_on_demand_price()),
            ),
            (
                "memory_gib_per_vcpu",
                range_state(r.memory_gib_per_v_cpu().map(|x| (x.min(), x.max()))),
            ),
            (
                "memory_mib",
                range_state(r.memory_mib().map(|x| ints(x.min(), x.max()))),
            ),
            (
                "network_bandwidth_gbps",
                range_state(r.network_bandwidth_gbps().map(|x| (x.min(), x.max()))),
            ),
            (
                "network_interface_count",
                range_state(r.network_interface_count().map(|x| ints(x.min(), x.max()))),
            ),
            (
                "on_demand_max_price_percentage_over_lowest_price",
                Value::from(r.on_demand_max_price_percentage_over_lowest_price()),
            ),
            ("require_hibernate_support", Value::from(r.require_hibernate_support())),
            (
                "spot_max_price_percentage_over_lowest_price",
                Value::from(r.spot_max_price_percentage_over_lowest_price()),
            ),
            (
                "total_local_storage_gb",
                range_state(r.total_local_storage_gb().map(|x| (x.min(), x.max()))),
            ),
            (
                "vcpu_count",
                range_state(r.v_cpu_count().map(|x| ints(x.min(), x.max()))),
            ),
        ])
    }};
}

pub(crate) use {instance_requirements_request, instance_requirements_state};

#[cfg(test)]
mod tests {
    use super::*;

    fn block(pairs: &[(&str, Value)]) -> Value {
        Value::object([("r", Value::List(vec![Value::object(pairs.iter().cloned())]))])
    }

    #[test]
    fn ranges_go_as_the_provider_sends_them() {
        let only_min = block(&[("min", Value::from(2i64)), ("max", Value::Null)]);
        assert_eq!(
            int_range(&only_min, "r"),
            Some((2, None)),
            "an unset maximum is 0, below 2"
        );
        let only_max = block(&[("min", Value::Null), ("max", Value::from(0i64))]);
        assert_eq!(int_range(&only_max, "r"), Some((0, Some(0))), "max = 0 asks for none");
        let both = block(&[("min", Value::Number(0.5)), ("max", Value::Number(8.0))]);
        assert_eq!(float_range(&both, "r"), Some((0.5, Some(8.0))));
        assert_eq!(int_range(&Value::object::<&str>([]), "r"), None);
    }

    #[test]
    fn both_crates_build_from_one_block() {
        let r = Value::object([
            (
                "vcpu_count",
                Value::List(vec![Value::object([
                    ("min", Value::from(2i64)),
                    ("max", Value::from(8i64)),
                ])]),
            ),
            (
                "memory_mib",
                Value::List(vec![Value::object([("min", Value::from(1024i64))])]),
            ),
            ("cpu_manufacturers", Value::List(vec![Value::str("intel")])),
            ("require_hibernate_support", Value::Bool(false)),
            ("spot_max_price_percentage_over_lowest_price", Value::from(0i64)),
        ]);
        let asg =
            instance_requirements_request!(aws_sdk_autoscaling::types, InstanceRequirements, VCpuCountRequest, &r);
        assert_eq!(asg.v_cpu_count().and_then(|v| v.max()), Some(8));
        assert_eq!(asg.memory_mib().and_then(|m| m.max()), None);
        assert_eq!(asg.require_hibernate_support(), None, "false is not sent");
        assert_eq!(asg.spot_max_price_percentage_over_lowest_price(), None);
        let ec2 = instance_requirements_request!(
            aws_sdk_ec2::types,
            InstanceRequirementsRequest,
            VCpuCountRangeRequest,
            &r
        );
        assert_eq!(ec2.cpu_manufacturers()[0].as_str(), "intel");
        let state = instance_requirements_state!(&asg);
        assert_eq!(
            state.get("vcpu_count").as_list().unwrap()[0].get("min"),
            &Value::from(2i64)
        );
        assert_eq!(state.get("cpu_manufacturers"), &Value::List(vec![Value::str("intel")]));
        assert!(state.get("bare_metal").is_null());
    }
}
