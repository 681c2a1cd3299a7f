//! Data source `aws_organizations_organization`: the caller's organization (DescribeOrganization)
//! and, for its management account or a delegated administrator, its accounts, roots, enabled
//! policy types and trusted service principals, as the provider's `dataSourceOrganizationRead`
//! reads them. Any other member account gets the organization's own attributes only: ListAccounts
//! answers it AccessDenied, which the provider takes as "not a delegated administrator".

use crate::provider::aws::common::{aws_err, list_value};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{DataSourceType, PResult, ProviderError};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_organizations::types::{Account, OrganizationFeatureSet, PolicyTypeStatus, Root};
use std::sync::Arc;

/// The `aws_organizations_organization` data source.
pub struct OrganizationData {
    c: Arc<Clients>,
    schema: Schema,
}

impl OrganizationData {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> OrganizationData {
        let schema = data_source("aws_organizations_organization").args(&[]).build();
        OrganizationData { c, schema }
    }

    /// Every account of the organization (ListAccounts, paged).
    async fn accounts(&self) -> PResult<Vec<Account>> {
        let mut pages = self.c.organizations.list_accounts().into_paginator().send();
        let mut all = Vec::new();
        while let Some(page) = pages.next().await {
            all.extend(page.map_err(aws_err)?.accounts.unwrap_or_default());
        }
        Ok(all)
    }

    /// The organization's roots (ListRoots, paged; an organization has one).
    async fn roots(&self) -> PResult<Vec<Root>> {
        let mut pages = self.c.organizations.list_roots().into_paginator().send();
        let mut all = Vec::new();
        while let Some(page) = pages.next().await {
            all.extend(page.map_err(aws_err)?.roots.unwrap_or_default());
        }
        Ok(all)
    }

    /// The service principals trusted with the organization (ListAWSServiceAccessForOrganization).
    async fn service_principals(&self) -> PResult<Vec<String>> {
        let mut pages = self
            .c
            .organizations
            .list_aws_service_access_for_organization()
            .into_paginator()
            .send();
        let mut all = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(aws_err)?;
            all.extend(
                page.enabled_service_principals()
                    .iter()
                    .filter_map(|s| s.service_principal().map(str::to_string)),
            );
        }
        Ok(all)
    }
}

/// An account as the provider flattens it: its AWS status (`ACTIVE`, `SUSPENDED`, ...).
fn account_value(a: &Account) -> Value {
    // `Status` is what the provider's 5.100 `flattenAccounts` reads; AWS deprecated it in favour of
    // `State` in 2025 but still answers it.
    #[allow(deprecated)]
    let status = a.status().map(|s| s.as_str().to_string());
    Value::object([
        ("arn", Value::from(a.arn())),
        ("email", Value::from(a.email())),
        ("id", Value::from(a.id())),
        ("name", Value::from(a.name())),
        ("status", Value::from(status)),
    ])
}

/// A root with every policy type AWS lists for it (enabled or being changed).
fn root_value(r: &Root) -> Value {
    let types = r
        .policy_types()
        .iter()
        .map(|p| {
            Value::object([
                ("status", Value::from(p.status().map(|s| s.as_str().to_string()))),
                ("type", Value::from(p.r#type().map(|t| t.as_str().to_string()))),
            ])
        })
        .collect();
    Value::object([
        ("arn", Value::from(r.arn())),
        ("id", Value::from(r.id())),
        ("name", Value::from(r.name())),
        ("policy_types", Value::List(types)),
    ])
}

/// The policy types enabled at the first root (the provider's `enabled_policy_types`).
fn enabled_policy_types(roots: &[Root]) -> Value {
    let enabled = roots.first().map(|r| r.policy_types()).unwrap_or_default();
    string_set(
        enabled
            .iter()
            .filter(|p| p.status() == Some(&PolicyTypeStatus::Enabled))
            .filter_map(|p| p.r#type().map(|t| t.as_str().to_string()))
            .collect(),
    )
}

/// A set of strings, sorted as state keeps sets.
fn string_set(mut items: Vec<String>) -> Value {
    items.sort();
    items.dedup();
    list_value(items)
}

#[async_trait]
impl DataSourceType for OrganizationData {
    fn type_name(&self) -> &'static str {
        "aws_organizations_organization"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, _config: &Value) -> PResult<Value> {
        let org = self
            .c
            .organizations
            .describe_organization()
            .send()
            .await
            .map_err(|e| aws_err(e).context("reading Organizations Organization"))?
            .organization
            .ok_or_else(|| ProviderError::msg("reading Organizations Organization: empty result"))?;
        let id = org.id().unwrap_or_default().to_string();
        let management = org.master_account_id().unwrap_or_default().to_string();
        let mut out = vec![
            ("id", Value::str(&id)),
            ("arn", Value::from(org.arn())),
            (
                "feature_set",
                Value::from(org.feature_set().map(|f| f.as_str().to_string())),
            ),
            ("master_account_arn", Value::from(org.master_account_arn())),
            ("master_account_email", Value::from(org.master_account_email())),
            ("master_account_id", Value::str(&management)),
        ];
        let is_management = management == self.c.account_id().await?;
        let accounts = match self.accounts().await {
            Ok(a) => Some(a),
            // A member account that is no delegated administrator may not list accounts: it
            // gets the organization's own attributes, as in the provider.
            Err(e) if !is_management && e.code.as_deref() == Some("AccessDeniedException") => None,
            Err(e) => return Err(ProviderError::msg(format!("reading Organization ({id}) accounts: {e}"))),
        };
        let management_name = accounts
            .iter()
            .flatten()
            .find(|a| a.id() == Some(management.as_str()))
            .and_then(|a| a.name().map(str::to_string));
        out.push(("master_account_name", Value::from(management_name)));
        if let Some(accounts) = accounts {
            let roots = self
                .roots()
                .await
                .map_err(|e| ProviderError::msg(format!("reading Organization ({id}) roots: {e}")))?;
            // Only an organization with all features has trusted services to list (AWS answers
            // ConstraintViolationException otherwise).
            let principals = if org.feature_set() == Some(&OrganizationFeatureSet::All) {
                self.service_principals()
                    .await
                    .map_err(|e| ProviderError::msg(format!("reading Organization ({id}) service principals: {e}")))?
            } else {
                Vec::new()
            };
            let others = accounts.iter().filter(|a| a.id() != Some(management.as_str()));
            out.extend([
                ("accounts", Value::List(accounts.iter().map(account_value).collect())),
                ("non_master_accounts", Value::List(others.map(account_value).collect())),
                ("roots", Value::List(roots.iter().map(root_value).collect())),
                ("enabled_policy_types", enabled_policy_types(&roots)),
                ("aws_service_access_principals", string_set(principals)),
            ]);
        }
        Ok(Value::object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_organizations::types::{PolicyType, PolicyTypeSummary};

    fn root(types: &[(PolicyType, PolicyTypeStatus)]) -> Root {
        let mut b = Root::builder()
            .id("r-abcd")
            .name("Root")
            .arn("arn:aws:organizations::1:root/o-x/r-abcd");
        for (t, s) in types {
            b = b.policy_types(PolicyTypeSummary::builder().r#type(t.clone()).status(s.clone()).build());
        }
        b.build()
    }

    #[test]
    fn only_policy_types_enabled_at_the_first_root_count() {
        let roots = [
            root(&[
                (PolicyType::TagPolicy, PolicyTypeStatus::Enabled),
                (PolicyType::ServiceControlPolicy, PolicyTypeStatus::Enabled),
                (PolicyType::BackupPolicy, PolicyTypeStatus::PendingEnable),
            ]),
            root(&[(PolicyType::AiservicesOptOutPolicy, PolicyTypeStatus::Enabled)]),
        ];
        assert_eq!(
            enabled_policy_types(&roots),
            Value::List(vec![Value::str("SERVICE_CONTROL_POLICY"), Value::str("TAG_POLICY")])
        );
        assert_eq!(enabled_policy_types(&[]), Value::List(vec![]));
    }

    #[test]
    fn a_root_keeps_every_policy_type_with_its_status() {
        let v = root_value(&root(&[(PolicyType::BackupPolicy, PolicyTypeStatus::PendingEnable)]));
        assert_eq!(
            v.get("policy_types"),
            &Value::List(vec![Value::object([
                ("status", Value::str("PENDING_ENABLE")),
                ("type", Value::str("BACKUP_POLICY")),
            ])])
        );
        assert_eq!(v.get("id"), &Value::str("r-abcd"));
    }
}
