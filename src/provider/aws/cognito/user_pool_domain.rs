//! `aws_cognito_user_pool_domain`: the hosted-UI domain of a user pool, a prefix
//! (`auth-myapp` → `auth-myapp.auth.<region>.amazoncognito.com`) or a custom domain with an
//! ACM certificate (`certificate_arn`). The id is the domain, as Terraform's import takes it.
//!
//! Cognito serves the domain through a CloudFront distribution of its own and reports the
//! domain CREATING, then ACTIVE; create waits for ACTIVE as the provider does. The certificate
//! and the managed login version change in place (UpdateUserPoolDomain).
//!
//! Domains are unique across AWS, so one an earlier run created but did not record is taken
//! back by its name when it belongs to the planned pool of this stack.

use super::{stack_owns_pool, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, must_exist, ok_on, op_timeout, opt_str, required, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn, len_between};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::types as t;
use std::sync::Arc;
use std::time::Duration;

/// The hosted zone of every CloudFront distribution, which Route 53 aliases to a custom
/// domain name.
const CLOUDFRONT_ZONE: &str = "Z2FDTNDATAQYW2";

/// The `aws_cognito_user_pool_domain` resource type.
pub struct UserPoolDomain {
    c: Arc<Clients>,
    schema: Schema,
}

impl UserPoolDomain {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> UserPoolDomain {
        let schema = resource("aws_cognito_user_pool_domain")
            .arg("domain")
            .force_new()
            .check(len_between(1, 63))
            .arg("user_pool_id")
            .force_new()
            .arg("certificate_arn")
            .check(arn())
            .arg("managed_login_version")
            .build();
        UserPoolDomain { c, schema }
    }

    async fn describe(&self, domain: &str) -> PResult<Option<t::DomainDescriptionType>> {
        let r = self
            .c
            .cognitoidp
            .describe_user_pool_domain()
            .domain(domain)
            .send()
            .await
            .map_err(aws_err);
        // An unknown domain is an empty description, not an error.
        Ok(absent_on(r, NOT_FOUND)?
            .and_then(|o| o.domain_description)
            .filter(|d| d.user_pool_id().is_some_and(|p| !p.is_empty())))
    }

    async fn wait_active(&self, domain: &str, planned: &Value, op: Op) -> PResult<()> {
        let timeout = op_timeout(&self.schema, planned, op, Duration::from_secs(20 * 60));
        wait_for(
            Wait::new(format!("user pool domain {domain}"), "ACTIVE", timeout),
            || async {
                let d = self.describe(domain).await?;
                Ok(match d.as_ref().and_then(|d| d.status()) {
                    Some(t::DomainStatusType::Active) => Poll::Ready(()),
                    Some(s) => Poll::pending(s.as_str()),
                    None => Poll::pending("not found yet"),
                })
            },
        )
        .await
    }
}

fn custom_config(planned: &Value) -> PResult<Option<t::CustomDomainConfigType>> {
    opt_str(planned, "certificate_arn")
        .map(|a| t::CustomDomainConfigType::builder().certificate_arn(a).build())
        .transpose()
        .map_err(|e| ProviderError::msg(format!("invalid certificate_arn: {e}")))
}

fn to_state(d: &t::DomainDescriptionType) -> Value {
    let s = |x: Option<&str>| Value::from(x);
    let distribution = d.cloud_front_distribution();
    Value::object([
        ("id", s(d.domain())),
        ("domain", s(d.domain())),
        ("user_pool_id", s(d.user_pool_id())),
        ("aws_account_id", s(d.aws_account_id())),
        (
            "certificate_arn",
            s(d.custom_domain_config().map(|c| c.certificate_arn())),
        ),
        ("cloudfront_distribution", s(distribution)),
        ("cloudfront_distribution_arn", s(distribution)),
        ("cloudfront_distribution_zone_id", Value::str(CLOUDFRONT_ZONE)),
        (
            "managed_login_version",
            Value::from(d.managed_login_version().map(i64::from)),
        ),
        // The API no longer reports the bucket behind a domain.
        ("s3_bucket", Value::Null),
        ("version", s(d.version())),
    ])
}

#[async_trait]
impl ResourceType for UserPoolDomain {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_pool_domain"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let domain = required(planned, "domain")?;
        let pool = required(planned, "user_pool_id")?;
        self.c
            .cognitoidp
            .create_user_pool_domain()
            .domain(&domain)
            .user_pool_id(&pool)
            .set_custom_domain_config(custom_config(planned)?)
            .set_managed_login_version(planned.get("managed_login_version").as_number().map(|n| n as i32))
            .send()
            .await
            .map_err(aws_err)?;
        self.wait_active(&domain, planned, Op::Create).await?;
        must_exist(self.read(ctx, &domain, planned).await?, "user pool domain", &domain)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        Ok(self.describe(id).await?.map(|d| to_state(&d)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let pool = required(planned, "user_pool_id")?;
        self.c
            .cognitoidp
            .update_user_pool_domain()
            .domain(id)
            .user_pool_id(pool)
            .set_custom_domain_config(custom_config(planned)?)
            .set_managed_login_version(planned.get("managed_login_version").as_number().map(|n| n as i32))
            .send()
            .await
            .map_err(aws_err)?;
        self.wait_active(id, planned, Op::Update).await?;
        must_exist(self.read(ctx, id, planned).await?, "user pool domain", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some(pool) = opt_str(prior, "user_pool_id") else {
            return Ok(());
        };
        let r = self
            .c
            .cognitoidp
            .delete_user_pool_domain()
            .domain(id)
            .user_pool_id(pool)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let (Some(domain), Some(pool)) = (opt_str(planned, "domain"), opt_str(planned, "user_pool_id")) else {
            return Ok(None);
        };
        let Some(d) = self.describe(&domain).await? else {
            return Ok(None);
        };
        if d.user_pool_id() != Some(pool.as_str()) || !stack_owns_pool(&self.c, ctx, &pool).await? {
            return Ok(None);
        }
        Ok(Some(domain))
    }
}
