//! `aws_apigatewayv2_domain_name`: a custom domain name for HTTP and WebSocket APIs, served with
//! an ACM certificate from a regional endpoint that AWS makes for it (`target_domain_name` and
//! its `hosted_zone_id`, what a Route 53 alias record points at). The certificate, endpoint type,
//! security policy and mutual TLS settings change in place (UpdateDomainName); the name replaces
//! it. Creates and updates wait until the name is AVAILABLE. The id is the domain name, also the
//! import id.

use super::{tag_map, tag_pairs, update_tags, NOT_FOUND};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, first, must_exist, op_timeout, opt_str, owns, required, tags_to_write,
    user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::one_of;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_apigatewayv2::operation::get_domain_name::GetDomainNameOutput;
use aws_sdk_apigatewayv2::types::{
    DomainNameConfiguration, DomainNameStatus, EndpointType, MutualTlsAuthenticationInput, SecurityPolicy,
};
use std::sync::Arc;

/// The provider's timeouts when the schema names none (create 10 min, update 60 min).
const FALLBACK: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// The `aws_apigatewayv2_domain_name` resource type.
pub struct DomainName {
    c: Arc<Clients>,
    schema: Schema,
}

impl DomainName {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> DomainName {
        let schema = resource("aws_apigatewayv2_domain_name")
            .arg("domain_name")
            .force_new()
            .args(&[
                "domain_name_configuration",
                "domain_name_configuration.certificate_arn",
                "domain_name_configuration.ownership_verification_certificate_arn",
                "mutual_tls_authentication",
                "mutual_tls_authentication.truststore_uri",
                "mutual_tls_authentication.truststore_version",
                "timeouts",
            ])
            .arg("domain_name_configuration.endpoint_type")
            .check(one_of(&["REGIONAL"]))
            .arg("domain_name_configuration.security_policy")
            .check(one_of(&["TLS_1_2"]))
            .args(&["tags"])
            .build();
        DomainName { c, schema }
    }

    fn arn(&self, name: &str) -> String {
        format!("arn:aws:apigateway:{}::/domainnames/{name}", self.c.region)
    }

    async fn get(&self, name: &str) -> PResult<Option<GetDomainNameOutput>> {
        let r = self
            .c
            .apigatewayv2
            .get_domain_name()
            .domain_name(name)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }

    /// Waits until every configuration of the name is AVAILABLE (AWS provisions its endpoint).
    async fn wait_available(&self, name: &str, planned: &Value, op: Op) -> PResult<()> {
        wait_for(
            Wait::new(name, "AVAILABLE", op_timeout(&self.schema, planned, op, FALLBACK)),
            || async {
                let Some(d) = self.get(name).await? else {
                    return Ok(Poll::pending("not found yet"));
                };
                let pending = d
                    .domain_name_configurations()
                    .iter()
                    .find_map(|c| match c.domain_name_status() {
                        None | Some(DomainNameStatus::Available) => None,
                        Some(s) => Some(s.as_str().to_string()),
                    });
                Ok(match pending {
                    None => Poll::Ready(()),
                    Some(s) => Poll::pending(s),
                })
            },
        )
        .await
    }
}

/// The blueprint's `domain_name_configuration` as AWS takes it.
fn configuration(planned: &Value) -> PResult<DomainNameConfiguration> {
    let c = first(planned, "domain_name_configuration")
        .ok_or_else(|| ProviderError::msg("domain_name_configuration is required"))?;
    Ok(DomainNameConfiguration::builder()
        .set_certificate_arn(opt_str(c, "certificate_arn"))
        .set_endpoint_type(opt_str(c, "endpoint_type").map(|e| EndpointType::from(e.as_str())))
        .set_security_policy(opt_str(c, "security_policy").map(|p| SecurityPolicy::from(p.as_str())))
        .set_ownership_verification_certificate_arn(opt_str(c, "ownership_verification_certificate_arn"))
        .build())
}

/// The blueprint's `mutual_tls_authentication`, when set.
fn mutual_tls(planned: &Value) -> Option<MutualTlsAuthenticationInput> {
    first(planned, "mutual_tls_authentication").map(|m| {
        MutualTlsAuthenticationInput::builder()
            .set_truststore_uri(opt_str(m, "truststore_uri"))
            .set_truststore_version(opt_str(m, "truststore_version"))
            .build()
    })
}

#[async_trait]
impl ResourceType for DomainName {
    fn type_name(&self) -> &'static str {
        "aws_apigatewayv2_domain_name"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "domain_name")?;
        self.c
            .apigatewayv2
            .create_domain_name()
            .domain_name(&name)
            .domain_name_configurations(configuration(planned)?)
            .set_mutual_tls_authentication(mutual_tls(planned))
            .set_tags(Some(tag_map(tags_to_write(ctx, planned))))
            .send()
            .await
            .map_err(aws_err)?;
        self.wait_available(&name, planned, Op::Create).await?;
        must_exist(self.read(ctx, &name, planned).await?, "domain name", &name)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(d) = self.get(id).await? else {
            return Ok(None);
        };
        let configurations: Vec<Value> = d
            .domain_name_configurations()
            .iter()
            .map(|c| {
                Value::object([
                    ("certificate_arn", Value::from(c.certificate_arn())),
                    (
                        "endpoint_type",
                        Value::from(c.endpoint_type().map(|e| e.as_str().to_string())),
                    ),
                    ("hosted_zone_id", Value::from(c.hosted_zone_id())),
                    (
                        "ip_address_type",
                        Value::from(c.ip_address_type().map(|e| e.as_str().to_string())),
                    ),
                    (
                        "ownership_verification_certificate_arn",
                        Value::from(c.ownership_verification_certificate_arn()),
                    ),
                    (
                        "security_policy",
                        Value::from(c.security_policy().map(|p| p.as_str().to_string())),
                    ),
                    ("target_domain_name", Value::from(c.api_gateway_domain_name())),
                ])
            })
            .collect();
        let mtls: Vec<Value> = d
            .mutual_tls_authentication()
            .filter(|m| m.truststore_uri().is_some())
            .map(|m| {
                Value::object([
                    ("truststore_uri", Value::from(m.truststore_uri())),
                    ("truststore_version", Value::from(m.truststore_version())),
                ])
            })
            .into_iter()
            .collect();
        Ok(Some(Value::object([
            ("id", Value::str(id)),
            ("domain_name", Value::str(id)),
            ("arn", Value::str(self.arn(id))),
            (
                "api_mapping_selection_expression",
                Value::from(d.api_mapping_selection_expression()),
            ),
            ("domain_name_configuration", Value::List(configurations)),
            ("mutual_tls_authentication", Value::List(mtls)),
            ("timeouts", prior.get("timeouts").clone()),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tag_pairs(d.tags()))),
        ])))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("domain_name_configuration") || changed("mutual_tls_authentication") {
            self.c
                .apigatewayv2
                .update_domain_name()
                .domain_name(id)
                .domain_name_configurations(configuration(planned)?)
                .set_mutual_tls_authentication(mutual_tls(planned))
                .send()
                .await
                .map_err(aws_err)?;
            self.wait_available(id, planned, Op::Update).await?;
        }
        update_tags(&self.c, &self.arn(id), prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "domain name", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let r = self
            .c
            .apigatewayv2
            .delete_domain_name()
            .domain_name(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "domain_name") else {
            return Ok(None);
        };
        let Some(d) = self.get(&name).await? else {
            return Ok(None);
        };
        let tags = tag_pairs(d.tags());
        Ok(owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), ctx).then_some(name))
    }
}
