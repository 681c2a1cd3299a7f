//! `aws_s3_bucket_acl`: a bucket's access control list, as a canned ACL (`acl`) or a policy of
//! grants (`access_control_policy`, read back from S3 in either case). The id is Terraform's
//! `BUCKET[,OWNER][,ACL]`. Deleting leaves the ACL as it is, as the provider does.

use super::companion::{account_id, first, At, BucketSetting};
use super::logging::{grantee, grantee_value, GRANTEE_TYPES};
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::{one_of, Rule};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{AccessControlPolicy, BucketCannedAcl, Grant, Owner, Permission};
use indexmap::IndexMap;

/// The canned ACLs S3 takes for a bucket.
/// The canned ACLs S3 knows.
pub const CANNED: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "aws-exec-read",
    "authenticated-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
];

/// The `aws_s3_bucket_acl` setting.
pub struct Acl;

#[async_trait]
impl BucketSetting for Acl {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_acl"
    }

    fn what(&self) -> &'static str {
        "ACL of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(account_id())
            .arg("acl")
            .check(one_of(CANNED))
            .arg("access_control_policy")
            .live_if_unset()
            .arg("access_control_policy.grant.permission")
            .check(one_of(&["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"]))
            .arg("access_control_policy.grant.grantee.type")
            .check(one_of(GRANTEE_TYPES))
            .rule(Rule::ExactlyOne(&["acl", "access_control_policy"]))
    }

    fn id(&self, at: &At, planned: &Value) -> String {
        let mut id = at.bucket.clone();
        for part in [at.owner.clone(), opt_str(planned, "acl")].into_iter().flatten() {
            id = format!("{id},{part}");
        }
        id
    }

    fn parse(&self, id: &str) -> PResult<At> {
        let mut parts = id.split(',');
        let bucket = parts
            .next()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| ProviderError::msg(format!("invalid id \"{id}\": expected BUCKET[,OWNER][,ACL]")))?;
        let (mut owner, mut acl) = (None, None);
        for part in parts {
            if part.len() == 12 && part.chars().all(|c| c.is_ascii_digit()) {
                owner = Some(part.to_string());
            } else {
                acl = Some(part.to_string());
            }
        }
        Ok(At {
            bucket: bucket.into(),
            name: None,
            owner,
            qualifier: acl,
        })
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        let mut req =
            c.s3.put_bucket_acl()
                .bucket(&at.bucket)
                .set_expected_bucket_owner(at.owner.clone());
        if let Some(acl) = opt_str(planned, "acl") {
            req = req.acl(BucketCannedAcl::from(acl.as_str()));
        } else if let Some(p) = first(planned, "access_control_policy") {
            let grants = p
                .get("grant")
                .as_list()
                .unwrap_or(&[])
                .iter()
                .map(|g| {
                    Ok(Grant::builder()
                        .set_grantee(first(g, "grantee").map(grantee).transpose()?)
                        .set_permission(opt_str(g, "permission").map(|x| Permission::from(x.as_str())))
                        .build())
                })
                .collect::<PResult<Vec<_>>>()?;
            let owner = first(p, "owner").map(|o| {
                Owner::builder()
                    .set_id(opt_str(o, "id"))
                    .set_display_name(opt_str(o, "display_name"))
                    .build()
            });
            req = req.access_control_policy(
                AccessControlPolicy::builder()
                    .set_grants(Some(grants))
                    .set_owner(owner)
                    .build(),
            );
        } else {
            return Err(ProviderError::msg("one of acl or access_control_policy is required"));
        }
        req.send().await.map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, at: &At, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r =
            c.s3.get_bucket_acl()
                .bucket(&at.bucket)
                .set_expected_bucket_owner(at.owner.clone())
                .send()
                .await
                .map_err(aws_err);
        let Some(out) = absent_on(r, &["NoSuchBucket"])? else {
            return Ok(None);
        };
        let grants: Vec<Value> = out
            .grants()
            .iter()
            .map(|g| {
                Value::object([
                    (
                        "grantee",
                        Value::List(g.grantee().map(grantee_value).into_iter().collect()),
                    ),
                    (
                        "permission",
                        Value::from(g.permission().map(|p| p.as_str().to_string())),
                    ),
                ])
            })
            .collect();
        let owner: Vec<Value> = out
            .owner()
            .map(|o| {
                Value::object([
                    ("id", Value::from(o.id())),
                    ("display_name", Value::from(o.display_name())),
                ])
            })
            .into_iter()
            .collect();
        // S3 does not say which canned ACL made the grants: the id (or state) does.
        let acl = at.qualifier.clone().or_else(|| opt_str(prior, "acl"));
        Ok(Some(IndexMap::from([
            ("acl".to_string(), Value::from(acl)),
            (
                "access_control_policy".to_string(),
                Value::List(vec![Value::object([
                    ("grant", Value::List(grants)),
                    ("owner", Value::List(owner)),
                ])]),
            ),
        ])))
    }

    async fn delete(&self, _c: &Clients, _at: &At) -> PResult<()> {
        Ok(())
    }
}
