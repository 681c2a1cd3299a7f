//! `aws_service_discovery_private_dns_namespace`, `_public_dns_namespace` and `_http_namespace`:
//! a Cloud Map namespace of each kind, one type each, sharing this file as they share Cloud Map's
//! calls. Creates and deletes are asynchronous operations waited for; the description changes in
//! place for DNS namespaces and replaces an HTTP namespace, as in the provider. The id is the
//! namespace id; a private namespace imports as `NAMESPACE_ID:VPC_ID` (Cloud Map does not say
//! which VPC a namespace is in), the others by id.
//!
//! A no-change plan reads every namespace of a stack with one ListNamespaces call (plus a tags
//! call each), not a GetNamespace per namespace.

use super::{is_ours, sd_tags, tags, update_tags, wait_operation, OPERATION_TIMEOUT};
use crate::provider::aws::common::{
    absent_on, aws_err, configured_tags, must_exist, opt_str, required, retry_while, tags_to_write, user_tags,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{len_between, matches};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_servicediscovery::types::{
    NamespaceProperties, NamespaceSummary, NamespaceType, OperationTargetType, PrivateDnsNamespaceChange,
    PublicDnsNamespaceChange,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Which kind of namespace a type manages.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    /// DNS names resolvable inside one VPC (a private hosted zone).
    PrivateDns,
    /// DNS names resolvable on the internet (a public hosted zone).
    PublicDns,
    /// Names found only through the DiscoverInstances API.
    Http,
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::PrivateDns => "aws_service_discovery_private_dns_namespace",
            Kind::PublicDns => "aws_service_discovery_public_dns_namespace",
            Kind::Http => "aws_service_discovery_http_namespace",
        }
    }

    fn cloud_map_type(self) -> NamespaceType {
        match self {
            Kind::PrivateDns => NamespaceType::DnsPrivate,
            Kind::PublicDns => NamespaceType::DnsPublic,
            Kind::Http => NamespaceType::Http,
        }
    }
}

/// One of the three namespace types.
pub struct Namespace {
    c: Arc<Clients>,
    kind: Kind,
    schema: Schema,
}

/// How many namespaces a bulk read takes at once (ListNamespaces returns them all, page by page).
const BULK: usize = 100;

impl Namespace {
    /// Creates the type of `kind` with its clients.
    pub fn new(c: Arc<Clients>, kind: Kind) -> Namespace {
        let mut d = resource(kind.type_name())
            .arg("name")
            .force_new()
            .check(len_between(1, 1024))
            .check(matches(
                "^[0-9A-Za-z._-]+$",
                "letters, digits, dots, hyphens and underscores",
            ))
            .args(&["description", "tags"]);
        if kind == Kind::Http {
            d = d.arg("description").force_new();
        }
        if kind == Kind::PrivateDns {
            d = d.arg("vpc").force_new();
        }
        Namespace {
            c,
            kind,
            schema: d.build(),
        }
    }

    /// Every namespace of this kind, page by page (ListNamespaces, filtered by type).
    async fn list(&self) -> PResult<Vec<NamespaceSummary>> {
        let mut all = Vec::new();
        let mut pages = self.c.servicediscovery.list_namespaces().into_paginator().send();
        while let Some(page) = pages.next().await {
            all.extend(
                page.map_err(aws_err)?
                    .namespaces()
                    .iter()
                    .filter(|n| n.r#type() == Some(&self.kind.cloud_map_type()))
                    .cloned(),
            );
        }
        Ok(all)
    }

    fn to_state(&self, n: Parts, tags: Vec<(String, String)>, prior: &Value, vpc: Option<String>) -> Value {
        let dns = n.properties.and_then(|p| p.dns_properties());
        let mut pairs = vec![
            ("id", Value::from(n.id)),
            ("arn", Value::from(n.arn)),
            ("name", Value::from(n.name)),
            ("description", Value::from(n.description.filter(|d| !d.is_empty()))),
            ("tags", configured_tags(prior)),
            ("tags_all", user_tags(tags)),
        ];
        match self.kind {
            Kind::Http => pairs.push((
                "http_name",
                Value::from(
                    n.properties
                        .and_then(|p| p.http_properties())
                        .and_then(|h| h.http_name())
                        .map(str::to_string),
                ),
            )),
            Kind::PrivateDns | Kind::PublicDns => {
                pairs.push(("hosted_zone", Value::from(dns.and_then(|d| d.hosted_zone_id()))))
            }
        }
        if self.kind == Kind::PrivateDns {
            pairs.push(("vpc", Value::from(vpc.or_else(|| opt_str(prior, "vpc")))));
        }
        Value::object(pairs)
    }

    async fn create_call(&self, ctx: &CallCtx, planned: &Value, name: &str) -> PResult<Option<String>> {
        let sd = &self.c.servicediscovery;
        let token = if ctx.token.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            ctx.token.clone()
        };
        let description = opt_str(planned, "description");
        let tags = Some(sd_tags(tags_to_write(ctx, planned))?);
        let op = match self.kind {
            Kind::PrivateDns => sd
                .create_private_dns_namespace()
                .name(name)
                .creator_request_id(token)
                .set_description(description)
                .set_vpc(opt_str(planned, "vpc"))
                .set_tags(tags)
                .send()
                .await
                .map_err(aws_err)?
                .operation_id()
                .map(str::to_string),
            Kind::PublicDns => sd
                .create_public_dns_namespace()
                .name(name)
                .creator_request_id(token)
                .set_description(description)
                .set_tags(tags)
                .send()
                .await
                .map_err(aws_err)?
                .operation_id()
                .map(str::to_string),
            Kind::Http => sd
                .create_http_namespace()
                .name(name)
                .creator_request_id(token)
                .set_description(description)
                .set_tags(tags)
                .send()
                .await
                .map_err(aws_err)?
                .operation_id()
                .map(str::to_string),
        };
        Ok(op)
    }
}

/// The parts of a namespace the state needs, from GetNamespace or a ListNamespaces summary.
struct Parts<'a> {
    id: Option<String>,
    arn: Option<String>,
    name: Option<String>,
    description: Option<String>,
    properties: Option<&'a NamespaceProperties>,
}

/// Splits a private namespace's import id `NAMESPACE_ID:VPC_ID`.
fn split_import_id(id: &str) -> (&str, Option<String>) {
    match id.split_once(':') {
        Some((ns, vpc)) if !ns.is_empty() && !vpc.is_empty() => (ns, Some(vpc.to_string())),
        _ => (id, None),
    }
}

#[async_trait]
impl ResourceType for Namespace {
    fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let name = required(planned, "name")?;
        let op = self
            .create_call(ctx, planned, &name)
            .await?
            .ok_or_else(|| ProviderError::msg("Cloud Map answered the create with no operation id"))?;
        let id = wait_operation(&self.c, &op, OperationTargetType::Namespace)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("operation {op} names no namespace")))?;
        must_exist(self.read(ctx, &id, planned).await?, "Cloud Map namespace", &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (id, vpc) = split_import_id(id);
        let r = self
            .c
            .servicediscovery
            .get_namespace()
            .id(id)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, &["NamespaceNotFound"])? else {
            return Ok(None);
        };
        let Some(n) = out.namespace() else {
            return Ok(None);
        };
        let Some(tags) = tags(&self.c, n.arn().unwrap_or_default()).await? else {
            return Ok(None);
        };
        let parts = Parts {
            id: n.id().map(str::to_string),
            arn: n.arn().map(str::to_string),
            name: n.name().map(str::to_string),
            description: n.description().map(str::to_string),
            properties: n.properties(),
        };
        Ok(Some(self.to_state(parts, tags, prior, vpc)))
    }

    fn bulk_read_limit(&self) -> usize {
        BULK
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let listed: HashMap<String, NamespaceSummary> = self
            .list()
            .await?
            .into_iter()
            .filter_map(|n| n.id().map(str::to_string).map(|id| (id, n)))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (id, prior) in items {
            let (id, vpc) = split_import_id(id);
            let Some(n) = listed.get(id) else {
                out.push(None);
                continue;
            };
            let Some(tags) = tags(&self.c, n.arn().unwrap_or_default()).await? else {
                out.push(None);
                continue;
            };
            let parts = Parts {
                id: n.id().map(str::to_string),
                arn: n.arn().map(str::to_string),
                name: n.name().map(str::to_string),
                description: n.description().map(str::to_string),
                properties: n.properties(),
            };
            out.push(Some(self.to_state(parts, tags, prior, vpc)));
        }
        Ok(out)
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        if prior.get("description") != planned.get("description") {
            let description = opt_str(planned, "description").unwrap_or_default();
            let sd = &self.c.servicediscovery;
            let request = uuid::Uuid::new_v4().to_string();
            let op = match self.kind {
                Kind::PrivateDns => sd
                    .update_private_dns_namespace()
                    .id(id)
                    .updater_request_id(request)
                    .namespace(PrivateDnsNamespaceChange::builder().description(description).build())
                    .send()
                    .await
                    .map_err(aws_err)?
                    .operation_id()
                    .map(str::to_string),
                Kind::PublicDns => sd
                    .update_public_dns_namespace()
                    .id(id)
                    .updater_request_id(request)
                    .namespace(PublicDnsNamespaceChange::builder().description(description).build())
                    .send()
                    .await
                    .map_err(aws_err)?
                    .operation_id()
                    .map(str::to_string),
                // The description of an HTTP namespace forces a new one (declared so).
                Kind::Http => None,
            };
            if let Some(op) = op {
                wait_operation(&self.c, &op, OperationTargetType::Namespace).await?;
            }
        }
        let arn = opt_str(prior, "arn").unwrap_or_default();
        update_tags(&self.c, &arn, prior, planned).await?;
        must_exist(self.read(ctx, id, planned).await?, "Cloud Map namespace", id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        // Cloud Map refuses to delete a namespace whose services it is still deleting.
        let r = retry_while(&["ResourceInUse"], OPERATION_TIMEOUT, || async {
            self.c
                .servicediscovery
                .delete_namespace()
                .id(id)
                .send()
                .await
                .map_err(aws_err)
        })
        .await;
        let Some(out) = absent_on(r, &["NamespaceNotFound"])? else {
            return Ok(());
        };
        if let Some(op) = out.operation_id() {
            wait_operation(&self.c, op, OperationTargetType::Namespace).await?;
        }
        Ok(())
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(name) = opt_str(planned, "name") else {
            return Ok(None);
        };
        for n in self.list().await? {
            if n.name() != Some(name.as_str()) {
                continue;
            }
            if let (Some(id), Some(arn)) = (n.id(), n.arn()) {
                if is_ours(&self.c, ctx, arn).await? {
                    return Ok(Some(id.to_string()));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_namespaces_import_with_their_vpc() {
        assert_eq!(
            split_import_id("ns-abc:vpc-123"),
            ("ns-abc", Some("vpc-123".to_string()))
        );
        assert_eq!(split_import_id("ns-abc"), ("ns-abc", None));
        assert_eq!(split_import_id("ns-abc:"), ("ns-abc:", None));
    }
}
