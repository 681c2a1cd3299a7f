//! `aws_cloudwatch_log_data_protection_policy`: the data protection policy of a log group
//! (which sensitive data CloudWatch Logs audits and masks), managed apart from the group. Its
//! id, and the import id, is the log group's name; the document is compared as JSON.

use crate::provider::aws::attached::{DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, json_as_configured, required};
use crate::provider::aws::logs::log_group::LOG_GROUP_NAME;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{json, len_between, matches};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;

/// The `aws_cloudwatch_log_data_protection_policy` document.
pub struct DataProtectionPolicy;

/// The code CloudWatch Logs answers for a log group that does not exist.
const NO_GROUP: &[&str] = &["ResourceNotFoundException"];

#[async_trait]
impl Document for DataProtectionPolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_cloudwatch_log_data_protection_policy",
        what: "data protection policy of log group",
        key: "log_group_name",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.check(len_between(1, 512))
            .check(matches(LOG_GROUP_NAME, "letters, digits, and _ - / . # only"))
            .arg("policy_document")
            .check(json())
            .compare_json()
    }

    async fn put(&self, c: &Clients, group: &str, planned: &Value) -> PResult<()> {
        c.logs
            .put_data_protection_policy()
            .log_group_identifier(group)
            .policy_document(required(planned, "policy_document")?)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, group: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = c
            .logs
            .get_data_protection_policy()
            .log_group_identifier(group)
            .send()
            .await
            .map_err(aws_err);
        let Some(out) = absent_on(r, NO_GROUP)? else {
            return Ok(None);
        };
        let Some(text) = out.policy_document().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let policy = json_as_configured(prior.get("policy_document"), Some(text.to_string()));
        Ok(Some(IndexMap::from([("policy_document".to_string(), policy)])))
    }

    async fn remove(&self, c: &Clients, group: &str, _prior: &Value) -> PResult<()> {
        let r = c
            .logs
            .delete_data_protection_policy()
            .log_group_identifier(group)
            .send()
            .await
            .map_err(aws_err);
        absent_on(r, NO_GROUP).map(|_| ())
    }
}
