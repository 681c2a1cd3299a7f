//! Application Auto Scaling resources, and what they share: every call names its target by
//! service namespace, resource id and scalable dimension, and import ids join them with `/`.

pub mod policy;
pub mod scheduled_action;
pub mod target;

use crate::provider::aws::common::sync_tags_by_arn;
use crate::provider::aws::iam::is_propagation_delay;
use crate::provider::{PResult, ProviderError};
use crate::value::Value;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};

/// Names the scalable target `$key` on an Application Auto Scaling request builder: every call
/// of the service takes the same three names (the SDK's builders share no trait to write this as
/// a function).
macro_rules! on_target {
    ($req:expr, $key:expr) => {
        $req.service_namespace($key.sdk_namespace())
            .resource_id(&$key.resource_id)
            .scalable_dimension($key.sdk_dimension())
    };
}
pub(crate) use on_target;

/// The three names of a scalable target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetKey {
    /// `ecs`, `dynamodb`, `lambda`, ...
    pub namespace: String,
    /// `service/CLUSTER/SERVICE`, `table/NAME`, ...
    pub resource_id: String,
    /// `ecs:service:DesiredCount`, ...
    pub dimension: String,
}

impl TargetKey {
    /// The key from a planned or prior value.
    pub fn of(v: &Value) -> Option<TargetKey> {
        Some(TargetKey {
            namespace: v.get("service_namespace").to_plain_string()?,
            resource_id: v.get("resource_id").to_plain_string()?,
            dimension: v.get("scalable_dimension").to_plain_string()?,
        })
    }

    /// Splits an import id `NAMESPACE/RESOURCE-ID/DIMENSION` (the resource id has slashes of its
    /// own, the namespace and the dimension have none).
    pub fn parse(id: &str) -> Option<TargetKey> {
        let (namespace, rest) = id.split_once('/')?;
        let (resource_id, dimension) = rest.rsplit_once('/')?;
        (!namespace.is_empty() && !resource_id.is_empty() && dimension.contains(':')).then(|| TargetKey {
            namespace: namespace.into(),
            resource_id: resource_id.into(),
            dimension: dimension.into(),
        })
    }

    /// The namespace as the SDK takes it.
    pub fn sdk_namespace(&self) -> ServiceNamespace {
        ServiceNamespace::from(self.namespace.as_str())
    }

    /// The dimension as the SDK takes it.
    pub fn sdk_dimension(&self) -> ScalableDimension {
        ScalableDimension::from(self.dimension.as_str())
    }
}

/// Target key and object name from a prior value, or from an import id
/// `NAMESPACE/RESOURCE-ID/DIMENSION/NAME` (`what` names the object and its last part in the
/// error).
pub fn target_and_name(id: &str, prior: &Value, what: (&str, &str)) -> PResult<(TargetKey, String)> {
    if let (Some(key), Some(name)) = (TargetKey::of(prior), prior.get("name").to_plain_string()) {
        return Ok((key, name));
    }
    id.rsplit_once('/')
        .and_then(|(target, name)| Some((TargetKey::parse(target)?, name.to_string())))
        .ok_or_else(|| {
            ProviderError::msg(format!(
                "cannot tell the {} from id {id:?}: import takes SERVICE-NAMESPACE/RESOURCE-ID/SCALABLE-DIMENSION/{}",
                what.0, what.1
            ))
        })
}

/// A target whose service (an ECS service, a table) or role was created moments ago may not be
/// visible to Application Auto Scaling yet.
pub fn is_settling(e: &ProviderError) -> bool {
    is_propagation_delay(e)
        || (e.code.as_deref() == Some("ValidationException")
            && (e.message.contains("Unable to assume IAM role") || e.message.contains("doesn't exist")))
        || e.code.as_deref() == Some("ConcurrentUpdateException")
}

/// Brings a target's tags from `prior` to `planned` by ARN.
pub async fn update_tags(
    client: &aws_sdk_applicationautoscaling::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> PResult<()> {
    sync_tags_by_arn!(client, arn, prior, planned, add => add.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_split_at_the_outer_slashes() {
        let k = TargetKey::parse("ecs/service/app/api/ecs:service:DesiredCount").unwrap();
        assert_eq!(k.namespace, "ecs");
        assert_eq!(k.resource_id, "service/app/api");
        assert_eq!(k.dimension, "ecs:service:DesiredCount");
        assert!(TargetKey::parse("service/app/api").is_none());
        assert!(TargetKey::parse("nonsense").is_none());
    }
}
