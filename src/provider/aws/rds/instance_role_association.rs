//! `aws_db_instance_role_association`: one IAM role associated with one DB instance for one
//! feature (a PostgreSQL instance's `s3Import` or `Lambda`, an Oracle instance's
//! `S3_INTEGRATION`), so the database can call other services as that role. Every argument
//! replaces the association; the id (and import id) is `DB_INSTANCE_ID,ROLE_ARN`, as the
//! provider's.
//!
//! As the provider does: AddRoleToDBInstance is retried while the instance is busy
//! (InvalidDBInstanceState) and while RDS cannot see a role IAM has just made, and the create
//! waits until DescribeDBInstances reports the role ACTIVE (it is PENDING at first); the delete
//! waits until the role is no longer listed. A refresh reads DescribeDBInstances'
//! `AssociatedRoles` once per instance, however many of its associations state holds.

use super::instances::describe;
use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, op_timeout, opt_str, required, retry_while, retry_while_matching, wait_for, Op,
    Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_rds::types::DbInstanceRole;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// RDS's code for an instance that is not available for the change (being created, modified,
/// rebooted), which passes: the provider retries on it for the operation's timeout.
const BUSY: &[&str] = &["InvalidDBInstanceState"];

/// What RDS answers for a role IAM has not propagated to it yet (the provider's
/// `errIAMRolePropagationMessage`, with code InvalidParameterValue).
const ROLE_NOT_PROPAGATED: &str = "IAM role ARN value is invalid or does not include the required permissions";

/// How long the provider retries a role RDS cannot see yet (its `propagationTimeout`).
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(120);

/// The `aws_db_instance_role_association` resource type.
pub struct InstanceRoleAssociation {
    c: Arc<Clients>,
    schema: Schema,
}

/// The instance identifier and role ARN in an id `DB_INSTANCE_ID,ROLE_ARN` (split at the first
/// comma, as the provider splits it).
fn parse_id(id: &str) -> PResult<(&str, &str)> {
    id.split_once(',')
        .filter(|(instance, role)| !instance.is_empty() && !role.is_empty())
        .ok_or_else(|| {
            ProviderError::msg(format!(
                "unexpected format for ID ({id}), expected DB-INSTANCE-ID,ROLE-ARN"
            ))
        })
}

/// The state of one association as RDS lists it.
fn value(id: &str, instance: &str, role: &DbInstanceRole) -> Value {
    Value::object([
        ("id", Value::str(id)),
        ("db_instance_identifier", Value::str(instance)),
        ("feature_name", Value::from(role.feature_name())),
        ("role_arn", Value::from(role.role_arn())),
    ])
}

impl InstanceRoleAssociation {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> InstanceRoleAssociation {
        let schema = resource("aws_db_instance_role_association")
            .arg("db_instance_identifier")
            .force_new()
            .arg("feature_name")
            .force_new()
            .arg("role_arn")
            .force_new()
            .check(arn())
            .timeouts(10, 0, 10)
            .build();
        InstanceRoleAssociation { c, schema }
    }

    /// The roles DescribeDBInstances lists for an instance; `None` when there is no such
    /// instance.
    async fn roles(&self, instance: &str) -> PResult<Option<Vec<DbInstanceRole>>> {
        Ok(describe(&self.c.rds, instance)
            .await?
            .map(|i| i.associated_roles().to_vec()))
    }

    /// The association of `role_arn` with `instance`, if RDS lists it.
    async fn find(&self, instance: &str, role_arn: &str) -> PResult<Option<DbInstanceRole>> {
        Ok(self
            .roles(instance)
            .await?
            .and_then(|roles| roles.into_iter().find(|r| r.role_arn() == Some(role_arn))))
    }

    /// AddRoleToDBInstance, retried while the instance is busy (within `timeout`) and, as the
    /// provider does, while RDS cannot see the role yet (within IAM's propagation time).
    async fn add(&self, instance: &str, feature: &str, role_arn: &str, timeout: Duration) -> PResult<()> {
        let rds = &self.c.rds;
        let once = || async move {
            retry_while(BUSY, timeout, || async move {
                rds.add_role_to_db_instance()
                    .db_instance_identifier(instance)
                    .feature_name(feature)
                    .role_arn(role_arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_err)
            })
            .await
        };
        let not_propagated = |e: &ProviderError| {
            e.code.as_deref() == Some("InvalidParameterValue") && e.message.contains(ROLE_NOT_PROPAGATED)
        };
        retry_while_matching(not_propagated, PROPAGATION_TIMEOUT, once).await
    }
}

#[async_trait]
impl ResourceType for InstanceRoleAssociation {
    fn type_name(&self) -> &'static str {
        "aws_db_instance_role_association"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let (instance, feature, role_arn) = (
            required(planned, "db_instance_identifier")?,
            required(planned, "feature_name")?,
            required(planned, "role_arn")?,
        );
        let id = format!("{instance},{role_arn}");
        let timeout = op_timeout(&self.schema, planned, Op::Create, Duration::from_secs(600));
        self.add(&instance, &feature, &role_arn, timeout).await?;
        // PENDING while RDS sets the role up; the provider waits for ACTIVE.
        wait_for(Wait::new(&id, "ACTIVE", timeout), || async {
            match self.find(&instance, &role_arn).await? {
                None => Ok(Poll::pending("not listed yet")),
                Some(r) => match r.status() {
                    Some("ACTIVE") => Ok(Poll::Ready(())),
                    Some("PENDING") | None => Ok(Poll::pending("PENDING")),
                    Some(other) => Err(ProviderError::msg(format!(
                        "the role {role_arn} of DB instance {instance} is {other}, not ACTIVE (RDS cannot assume it)"
                    ))),
                },
            }
        })
        .await?;
        must_exist(self.read(ctx, &id, planned).await?, "DB instance role association", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let (instance, role_arn) = parse_id(id)?;
        Ok(self.find(instance, role_arn).await?.map(|r| value(id, instance, &r)))
    }

    fn bulk_read_limit(&self) -> usize {
        100
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        // One DescribeDBInstances per instance, however many of its associations state holds.
        let mut listed: HashMap<&str, Option<Vec<DbInstanceRole>>> = HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        for (id, _) in items {
            let (instance, role_arn) = parse_id(id)?;
            if !listed.contains_key(instance) {
                listed.insert(instance, self.roles(instance).await?);
            }
            let role = listed
                .get(instance)
                .and_then(Option::as_ref)
                .and_then(|roles| roles.iter().find(|r| r.role_arn() == Some(role_arn)));
            out.push(role.map(|r| value(id, instance, r)));
        }
        Ok(out)
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing is updated in place.
        must_exist(self.read(ctx, id, planned).await?, "DB instance role association", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (instance, role_arn) = parse_id(id)?;
        let timeout = op_timeout(&self.schema, prior, Op::Delete, Duration::from_secs(600));
        let rds = &self.c.rds;
        let feature = opt_str(prior, "feature_name");
        let r = retry_while(BUSY, timeout, || async {
            rds.remove_role_from_db_instance()
                .db_instance_identifier(instance)
                .set_feature_name(feature.clone())
                .role_arn(role_arn)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_err)
        })
        .await;
        if absent_on(r, &["DBInstanceNotFound", "DBInstanceRoleNotFound"])?.is_none() {
            return Ok(());
        }
        wait_for(Wait::new(id, "removed", timeout), || async {
            Ok(match self.find(instance, role_arn).await? {
                None => Poll::Ready(()),
                Some(r) => Poll::pending(r.status().unwrap_or("listed")),
            })
        })
        .await
    }

    /// An association is named by what it joins: the role already associated with the
    /// instance for the same feature (a create whose answer was lost) is this one.
    async fn find_adoptable(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(instance), Some(feature), Some(role_arn)) = (
            opt_str(planned, "db_instance_identifier"),
            opt_str(planned, "feature_name"),
            opt_str(planned, "role_arn"),
        ) else {
            return Ok(None);
        };
        let found = self.find(&instance, &role_arn).await?;
        Ok(found
            .filter(|r| r.feature_name() == Some(feature.as_str()))
            .map(|_| format!("{instance},{role_arn}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_split_at_the_first_comma() {
        let (instance, role) = parse_id("pg-main,arn:aws:iam::123456789012:role/app/rds-s3").unwrap();
        assert_eq!(instance, "pg-main");
        assert_eq!(role, "arn:aws:iam::123456789012:role/app/rds-s3");
        for bad in ["pg-main", ",arn:aws:iam::123456789012:role/x", "pg-main,"] {
            let e = parse_id(bad).unwrap_err();
            assert!(e.message.contains("DB-INSTANCE-ID,ROLE-ARN"), "{bad}: {e}");
        }
    }
}
