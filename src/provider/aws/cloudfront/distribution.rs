//! `aws_cloudfront_distribution`: a CDN in front of origins (an S3 bucket signed for with an
//! origin access control, a load balancer, any HTTP server), with cache behaviors, error routing
//! (the SPA's 403/404 → `/index.html`), aliases with their certificate, geo restrictions and
//! access logs. Everything changes in place: CloudFront takes the whole configuration again
//! (UpdateDistribution, naming the ETag state holds, the provider's retry with a fresh one when
//! it is stale). Creates and updates wait until the distribution is Deployed unless
//! `wait_for_deployment = false`. Deleting is disable, wait for Deployed, delete, as CloudFront
//! refuses to delete an enabled distribution; `retain_on_delete` only disables it.
//!
//! The create's CallerReference is the run's idempotency token, which the intent of a create
//! keeps: after a killed run the distribution with that reference is found and adopted (and a
//! create repeated anyway gets `DistributionAlreadyExists` naming it). The id is CloudFront's,
//! also the import id.

use super::distribution_config::{disabled, expand, flatten};
use super::{etag_of, tag_list, tags_of, update_tags, NOT_FOUND, STALE_ETAG};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, op_timeout, opt_bool, opt_str, retry_while, tags_to_write,
    user_tags, wait_for, Op, Poll, Wait,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{arn as arn_check, int_at_least, int_between, len_between, one_of};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_cloudfront::operation::get_distribution::GetDistributionOutput;
use aws_sdk_cloudfront::types::{DistributionConfigWithTags, KeyPairIds};
use std::sync::Arc;
use std::time::Duration;

/// How long the provider waits for a distribution to deploy (it has no `timeouts` block).
const DEPLOY_WAIT: Duration = Duration::from_secs(90 * 60);

/// The Route 53 zone of every CloudFront domain name (what an alias record points at).
pub const HOSTED_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// Lambda@Edge and CloudFront Functions event types.
const EVENT_TYPES: &[&str] = &["viewer-request", "viewer-response", "origin-request", "origin-response"];

/// The `aws_cloudfront_distribution` resource type.
pub struct Distribution {
    c: Arc<Clients>,
    schema: Schema,
}

impl Distribution {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Distribution {
        let mut d = resource("aws_cloudfront_distribution")
            .args(&[
                "aliases",
                "default_root_object",
                "enabled",
                "is_ipv6_enabled",
                "web_acl_id",
                "tags",
                "custom_error_response",
                "logging_config",
                "origin",
                "origin_group",
                "restrictions",
                "viewer_certificate",
            ])
            .arg("comment")
            .check(len_between(0, 128))
            .arg("http_version")
            .default("http2")
            .check(one_of(&["http1.1", "http2", "http2and3", "http3"]))
            .arg("price_class")
            .default("PriceClass_All")
            .check(one_of(&["PriceClass_100", "PriceClass_200", "PriceClass_All"]))
            .arg("retain_on_delete")
            .default(false)
            .arg("wait_for_deployment")
            .default(true)
            .arg("logging_config.include_cookies")
            .default(false)
            .arg("logging_config.prefix")
            .default("")
            .arg("origin.connection_attempts")
            .default(3i64)
            .check(int_between(1, 3))
            .arg("origin.connection_timeout")
            .default(10i64)
            .check(int_between(1, 10))
            .arg("origin.origin_path")
            .default("")
            .arg("origin.custom_origin_config.origin_keepalive_timeout")
            .default(5i64)
            .check(int_at_least(1))
            .arg("origin.custom_origin_config.origin_read_timeout")
            .default(30i64)
            .check(int_between(1, 180))
            .arg("origin.custom_origin_config.origin_protocol_policy")
            .check(one_of(&["http-only", "https-only", "match-viewer"]))
            .arg("restrictions.geo_restriction.restriction_type")
            .check(one_of(&["none", "whitelist", "blacklist"]))
            .arg("viewer_certificate.minimum_protocol_version")
            .default("TLSv1")
            .arg("viewer_certificate.ssl_support_method")
            .check(one_of(&["sni-only", "static-ip", "vip"]))
            .not_yet(&["origin.vpc_origin_config"]);
        for behavior in ["default_cache_behavior", "ordered_cache_behavior"] {
            let at = |p: &str| format!("{behavior}.{p}");
            d = d
                .arg(behavior)
                .arg(&at("compress"))
                .default(false)
                .arg(&at("min_ttl"))
                .default(0i64)
                .arg(&at("viewer_protocol_policy"))
                .check(one_of(&["allow-all", "https-only", "redirect-to-https"]))
                .arg(&at("realtime_log_config_arn"))
                .check(arn_check())
                .arg(&at("forwarded_values.cookies.forward"))
                .check(one_of(&["all", "none", "whitelist", "allExcept"]))
                .arg(&at("lambda_function_association.event_type"))
                .check(one_of(EVENT_TYPES))
                .arg(&at("lambda_function_association.lambda_arn"))
                .check(arn_check())
                .arg(&at("lambda_function_association.include_body"))
                .default(false)
                .arg(&at("function_association.event_type"))
                .check(one_of(EVENT_TYPES))
                .arg(&at("function_association.function_arn"))
                .check(arn_check())
                .arg(&at("grpc_config"))
                .computed_blocks(&[&at("grpc_config")]);
        }
        Distribution { c, schema: d.build() }
    }

    async fn get(&self, id: &str) -> PResult<Option<GetDistributionOutput>> {
        let r = self
            .c
            .cloudfront
            .get_distribution()
            .id(id)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND)
    }

    /// Waits until CloudFront has deployed the distribution's current configuration.
    async fn wait_deployed(&self, id: &str, timeout: Duration) -> PResult<GetDistributionOutput> {
        wait_for(Wait::new(id, "Deployed", timeout), || async {
            let Some(out) = self.get(id).await? else {
                return Ok(Poll::pending("not found yet"));
            };
            let status = out.distribution().map(|d| d.status().to_string()).unwrap_or_default();
            Ok(if status == "Deployed" {
                Poll::Ready(out)
            } else {
                Poll::pending(status)
            })
        })
        .await
    }

    /// Turns the distribution off (waiting for a deployment in progress first, then for the
    /// disabled one), as CloudFront requires before a delete. Nothing to do when it is off.
    async fn disable(&self, id: &str, timeout: Duration) -> PResult<()> {
        let Some(mut out) = self.get(id).await? else {
            return Ok(());
        };
        if out.distribution().map(|d| d.status()) == Some("InProgress") {
            out = self.wait_deployed(id, timeout).await?;
        }
        let Some(config) = out.distribution().and_then(|d| d.distribution_config()) else {
            return Ok(());
        };
        if !config.enabled() {
            return Ok(());
        }
        self.c
            .cloudfront
            .update_distribution()
            .id(id)
            .if_match(etag_of(out.e_tag(), id)?)
            .distribution_config(disabled(config)?)
            .send()
            .await
            .map_err(aws_err)?;
        self.wait_deployed(id, timeout).await.map(|_| ())
    }

    /// One delete attempt with the distribution's current ETag.
    async fn delete_once(&self, id: &str) -> PResult<()> {
        let Some(out) = self.get(id).await? else {
            return Ok(());
        };
        let r = self
            .c
            .cloudfront
            .delete_distribution()
            .id(id)
            .if_match(etag_of(out.e_tag(), id)?)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NOT_FOUND).map(|_| ())
    }

    /// The distribution a create made with this caller reference, looked for among the
    /// account's (CloudFront's list does not carry it: each configuration is read).
    async fn by_reference(&self, reference: &str) -> PResult<Option<String>> {
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .c
                .cloudfront
                .list_distributions()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(aws_err)?;
            let Some(list) = out.distribution_list() else {
                return Ok(None);
            };
            for d in list.items() {
                let cfg = self
                    .c
                    .cloudfront
                    .get_distribution_config()
                    .id(d.id())
                    .send()
                    .await
                    .map_err(aws_err);
                // Deleted between the list and the read: not the one.
                let Some(cfg) = absent_on(cfg, NOT_FOUND)? else {
                    continue;
                };
                if cfg.distribution_config().map(|c| c.caller_reference()) == Some(reference) {
                    return Ok(Some(d.id().to_string()));
                }
            }
            match list.next_marker() {
                Some(m) if list.is_truncated() && !m.is_empty() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }

    /// The state value of a distribution read from CloudFront.
    async fn state(&self, id: &str, out: &GetDistributionOutput, prior: &Value) -> PResult<Option<Value>> {
        let Some(d) = out.distribution() else {
            return Ok(None);
        };
        let Some(config) = d.distribution_config() else {
            return Ok(None);
        };
        let tags = tags_of(&self.c, d.arn()).await?;
        let mut v = flatten(config);
        let mut put = |k: &str, x: Value| {
            v.insert(k.to_string(), x);
        };
        put("id", Value::str(id));
        put("arn", Value::str(d.arn()));
        put("domain_name", Value::str(d.domain_name()));
        put("etag", Value::str(etag_of(out.e_tag(), id)?));
        put("hosted_zone_id", Value::str(HOSTED_ZONE_ID));
        put("status", Value::str(d.status()));
        put("last_modified_time", Value::str(go_time(d.last_modified_time())));
        put(
            "in_progress_validation_batches",
            Value::from(i64::from(d.in_progress_invalidation_batches())),
        );
        let key_pairs = |k: Option<&KeyPairIds>| {
            Value::List(
                k.map(|k| k.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|i| Value::str(i.as_str()))
                    .collect(),
            )
        };
        let groups = d.active_trusted_key_groups();
        put(
            "trusted_key_groups",
            Value::List(vec![Value::object([
                ("enabled", Value::Bool(groups.is_some_and(|g| g.enabled()))),
                (
                    "items",
                    Value::List(
                        groups
                            .map(|g| g.items())
                            .unwrap_or_default()
                            .iter()
                            .map(|g| {
                                Value::object([
                                    ("key_group_id", Value::str(g.key_group_id().unwrap_or_default())),
                                    ("key_pair_ids", key_pairs(g.key_pair_ids())),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])]),
        );
        let signers = d.active_trusted_signers();
        put(
            "trusted_signers",
            Value::List(vec![Value::object([
                ("enabled", Value::Bool(signers.is_some_and(|s| s.enabled()))),
                (
                    "items",
                    Value::List(
                        signers
                            .map(|s| s.items())
                            .unwrap_or_default()
                            .iter()
                            .map(|s| {
                                Value::object([
                                    (
                                        "aws_account_number",
                                        Value::str(s.aws_account_number().unwrap_or_default()),
                                    ),
                                    ("key_pair_ids", key_pairs(s.key_pair_ids())),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])]),
        );
        // Not AWS's: what the blueprint (or, on import, the provider's defaults) says.
        put(
            "retain_on_delete",
            Value::Bool(opt_bool(prior, "retain_on_delete").unwrap_or(false)),
        );
        put(
            "wait_for_deployment",
            Value::Bool(opt_bool(prior, "wait_for_deployment").unwrap_or(true)),
        );
        put("tags", configured_tags(prior));
        put("tags_all", user_tags(tags));
        Ok(Some(Value::Object(v)))
    }
}

/// A time as the provider records `last_modified_time` (Go's `time.Time.String()`:
/// `2021-11-27 10:34:26.802 +0000 UTC`).
fn go_time(t: &aws_smithy_types::DateTime) -> String {
    let iso = t.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default();
    let body = iso.trim_end_matches('Z').replacen('T', " ", 1);
    format!("{body} +0000 UTC")
}

#[async_trait]
impl ResourceType for Distribution {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_distribution"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        // What CloudFront refuses at the first call, said before any: an alias needs a
        // certificate that covers it, and a custom certificate needs its support method.
        // An origin group fails over from its first member to its second: exactly two.
        for g in config.get("origin_group").as_list().unwrap_or(&[]) {
            if let Value::List(members) = g.get("member") {
                if members.len() != 2 {
                    return Err(format!(
                        "origin_group {:?}: exactly two member blocks are required (the primary origin and the one to fail over to), found {}",
                        opt_str(g, "origin_id").unwrap_or_default(),
                        members.len()
                    ));
                }
            }
        }
        let cert = config.get("viewer_certificate").as_list().and_then(|l| l.first());
        if let Some(c) = cert {
            let custom = ["acm_certificate_arn", "iam_certificate_id"]
                .iter()
                .any(|k| matches!(c.get(k), Value::String(s) if !s.is_empty()) || c.get(k) == &Value::Unknown);
            if custom && c.get("ssl_support_method").is_null() {
                return Err(
                    "viewer_certificate: ssl_support_method is required with acm_certificate_arn or iam_certificate_id"
                        .into(),
                );
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let reference = caller_reference(&ctx.token);
        let config = expand(planned, &reference)?;
        let with_tags = DistributionConfigWithTags::builder()
            .distribution_config(config)
            .tags(tag_list(&tags_to_write(ctx, planned))?)
            .build();
        let r = self
            .c
            .cloudfront
            .create_distribution_with_tags()
            .distribution_config_with_tags(with_tags)
            .send()
            .await
            .map_err(aws_err);
        let id = match r {
            Ok(out) => out
                .distribution()
                .map(|d| d.id().to_string())
                .ok_or_else(|| ProviderError::msg("CloudFront answered the create with no distribution"))?,
            // The same reference again: a resumed create whose first call went through.
            Err(e) if e.code.as_deref() == Some("DistributionAlreadyExists") => match named_in(&e.message) {
                Some(id) => id,
                None => self.by_reference(&reference).await?.ok_or(e)?,
            },
            Err(e) => return Err(e),
        };
        if opt_bool(planned, "wait_for_deployment").unwrap_or(true) {
            self.wait_deployed(&id, op_timeout(&self.schema, planned, Op::Create, DEPLOY_WAIT))
                .await?;
        }
        must_exist(self.read(ctx, &id, planned).await?, "CloudFront distribution", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        match self.get(id).await? {
            Some(out) => self.state(id, &out, prior).await,
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let settings_only = ["retain_on_delete", "wait_for_deployment", "tags", "tags_all"];
        let config_changed = self
            .schema
            .attrs
            .keys()
            .chain(self.schema.blocks.keys())
            .filter(|k| !settings_only.contains(k))
            .any(|k| prior.get(k) != planned.get(k));
        if config_changed {
            let reference = opt_str(prior, "caller_reference")
                .ok_or_else(|| ProviderError::msg(format!("state of distribution {id} holds no caller_reference")))?;
            let config = expand(planned, &reference)?;
            let send = |etag: String| {
                self.c
                    .cloudfront
                    .update_distribution()
                    .id(id)
                    .if_match(etag)
                    .distribution_config(config.clone())
                    .send()
            };
            match send(opt_str(prior, "etag").unwrap_or_default()).await.map_err(aws_err) {
                Ok(_) => {}
                // Changed since state was read: the provider refreshes the ETag and sends again.
                Err(e) if e.code.as_deref().is_some_and(|c| STALE_ETAG.contains(&c)) => {
                    let fresh = self.get(id).await?.and_then(|o| o.e_tag().map(str::to_string));
                    send(fresh.unwrap_or_default()).await.map_err(aws_err)?;
                }
                Err(e) => return Err(e),
            }
            if opt_bool(planned, "wait_for_deployment").unwrap_or(true) {
                self.wait_deployed(id, op_timeout(&self.schema, planned, Op::Update, DEPLOY_WAIT))
                    .await?;
            }
        }
        if let Some(arn) = opt_str(prior, "arn") {
            update_tags(&self.c, &arn, prior, planned).await?;
        }
        must_exist(self.read(ctx, id, planned).await?, "CloudFront distribution", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let timeout = op_timeout(&self.schema, prior, Op::Delete, DEPLOY_WAIT);
        if opt_bool(prior, "retain_on_delete") == Some(true) {
            // Left in the account, switched off, for someone to delete by hand.
            tracing::warn!("CloudFront distribution {id} disabled and kept (retain_on_delete)");
            return self.disable(id, timeout).await;
        }
        match self.delete_once(id).await {
            Ok(()) => {}
            Err(e) if e.code.as_deref() == Some("DistributionNotDisabled") => {
                self.disable(id, timeout).await?;
                retry_while(&["DistributionNotDisabled"], Duration::from_secs(180), || {
                    self.delete_once(id)
                })
                .await?;
            }
            Err(e) if e.code.as_deref().is_some_and(|c| STALE_ETAG.contains(&c)) => {
                retry_while(STALE_ETAG, Duration::from_secs(60), || self.delete_once(id)).await?;
            }
            Err(e) => return Err(e),
        }
        wait_for(Wait::new(id, "deleted", timeout), || async {
            Ok(match self.get(id).await? {
                None => Poll::Ready(()),
                Some(_) => Poll::pending("still there"),
            })
        })
        .await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, _planned: &Value) -> PResult<Option<String>> {
        // A create this address began in a killed run used the run's token as its caller
        // reference (the intent state kept holds it, and `ctx.token` is that token again): the
        // distribution with that reference is the one it made. This works on a stack Terraform
        // keeps too, where no infractl tags are written, and whatever the blueprint says now
        // (the engine then updates the adopted distribution to it).
        if !ctx.resumed || ctx.token.is_empty() {
            return Ok(None);
        }
        self.by_reference(&caller_reference(&ctx.token)).await
    }
}

/// The caller reference a create sends: the run's idempotency token (a fresh one without it),
/// within CloudFront's 128 characters.
fn caller_reference(token: &str) -> String {
    if token.is_empty() {
        uuid::Uuid::new_v4().to_string()
    } else {
        token.chars().take(128).collect()
    }
}

/// The distribution CloudFront names in a `DistributionAlreadyExists` message ("... Already
/// exists: E2ABC").
fn named_in(message: &str) -> Option<String> {
    let (_, id) = message.rsplit_once("Already exists: ")?;
    let id = id.trim().trim_end_matches('.');
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distribution_a_repeated_create_made_is_read_from_the_refusal() {
        let m = "The caller reference that you are using to create a distribution is associated with another distribution. Already exists: E2QWRUHAPOMQZL";
        assert_eq!(named_in(m).as_deref(), Some("E2QWRUHAPOMQZL"));
        assert_eq!(named_in("Already exists: E1."), Some("E1".to_string()));
        assert_eq!(named_in("The caller reference is in use."), None);
        assert_eq!(caller_reference(&"x".repeat(200)).len(), 128);
        assert_eq!(caller_reference("tok"), "tok");
    }

    #[test]
    fn times_read_as_the_provider_records_them() {
        let t = aws_smithy_types::DateTime::from_millis(1_638_009_266_802);
        assert_eq!(go_time(&t), "2021-11-27 10:34:26.802 +0000 UTC");
    }
}
