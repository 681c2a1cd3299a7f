//! `aws_lb_listener_certificate`: an extra (SNI) certificate of an HTTPS or TLS listener, beside
//! the listener's default one. Its id is `LISTENER_ARN_CERTIFICATE_ARN`, as the provider builds
//! it, so an import names both.

use crate::provider::aws::common::{absent_on, aws_err, must_exist, opt_str};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::Certificate;
use std::sync::Arc;

/// The `aws_lb_listener_certificate` resource type.
pub struct ListenerCertificate {
    c: Arc<Clients>,
    schema: Schema,
}

impl ListenerCertificate {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> ListenerCertificate {
        let schema = resource("aws_lb_listener_certificate")
            .arg("listener_arn")
            .force_new()
            .check(arn())
            .arg("certificate_arn")
            .force_new()
            .check(arn())
            .build();
        ListenerCertificate { c, schema }
    }
}

/// The provider's id: the two ARNs joined by `_` (an ELB listener ARN holds none).
pub fn listener_certificate_id(listener: &str, certificate: &str) -> String {
    format!("{listener}_{certificate}")
}

/// The listener and certificate ARNs of an id, split at its first `_`.
pub fn parse_id(id: &str) -> PResult<(&str, &str)> {
    match id.split_once('_') {
        Some((l, c)) if !l.is_empty() && !c.is_empty() => Ok((l, c)),
        _ => Err(ProviderError::msg(format!(
            "unexpected format for ID ({id}), expected LISTENER_ARN_CERTIFICATE_ARN"
        ))),
    }
}

fn certificate(arn: &str) -> Certificate {
    Certificate::builder().certificate_arn(arn).build()
}

#[async_trait]
impl ResourceType for ListenerCertificate {
    fn type_name(&self) -> &'static str {
        "aws_lb_listener_certificate"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let listener = opt_str(planned, "listener_arn").unwrap_or_default();
        let cert = opt_str(planned, "certificate_arn").unwrap_or_default();
        self.c
            .elbv2
            .add_listener_certificates()
            .listener_arn(&listener)
            .certificates(certificate(&cert))
            .send()
            .await
            .map_err(aws_err)?;
        let id = listener_certificate_id(&listener, &cert);
        must_exist(self.read(ctx, &id, planned).await?, "listener certificate", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        let (listener, cert) = parse_id(id)?;
        let mut marker = None;
        loop {
            let out = self
                .c
                .elbv2
                .describe_listener_certificates()
                .listener_arn(listener)
                .page_size(400)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(out, &["ListenerNotFound"])? else {
                return Ok(None);
            };
            // The listener's default certificate is its own `certificate_arn`, not this object.
            let found = out
                .certificates()
                .iter()
                .any(|c| c.is_default() != Some(true) && c.certificate_arn() == Some(cert));
            if found {
                return Ok(Some(Value::object([
                    ("id", Value::str(id)),
                    ("listener_arn", Value::str(listener)),
                    ("certificate_arn", Value::str(cert)),
                ])));
            }
            marker = out.next_marker().filter(|m| !m.is_empty()).map(str::to_string);
            if marker.is_none() {
                return Ok(None);
            }
        }
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Both arguments force a new object: nothing changes in place.
        must_exist(self.read(ctx, id, planned).await?, "listener certificate", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let (listener, cert) = parse_id(id)?;
        let r = self
            .c
            .elbv2
            .remove_listener_certificates()
            .listener_arn(listener)
            .certificates(certificate(cert))
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, &["CertificateNotFound", "ListenerNotFound"]).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips_as_the_provider_writes_it() {
        let l =
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
        let c = "arn:aws:acm:us-east-1:123456789012:certificate/3a1b2c";
        let id = listener_certificate_id(l, c);
        assert_eq!(id, format!("{l}_{c}"));
        assert_eq!(parse_id(&id).unwrap(), (l, c));
        // An IAM server certificate's name may hold `_`: only the first one separates.
        let iam = "arn:aws:iam::123456789012:server-certificate/my_cert";
        assert_eq!(parse_id(&listener_certificate_id(l, iam)).unwrap(), (l, iam));
        assert!(parse_id("no-separator").is_err());
        assert!(parse_id("_x").is_err());
    }
}
