//! `aws_secretsmanager_secret_policy`: the resource policy of a secret (who else may read it),
//! managed apart from the secret as the secrets-manager module does. Its id, and the import id,
//! is the secret's ARN. As the provider does: a put that names a principal IAM has not
//! propagated yet is retried; a secret whose policy was removed elsewhere keeps its resource,
//! with an empty policy, so the next plan puts it back in place; `block_public_policy` is the
//! blueprint's (Secrets Manager does not return it).

use crate::provider::aws::attached::{policy_attr, DocNames, Document};
use crate::provider::aws::common::{aws_err, opt_bool, required, retry_while_matching};
use crate::provider::aws::secretsmanager::secret_gone;
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::{arn, json};
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;
use std::time::Duration;

/// How long a put waits for IAM to propagate a principal the policy names (the provider's
/// `PropagationTimeout`).
const PROPAGATION: Duration = Duration::from_secs(120);

/// The `aws_secretsmanager_secret_policy` document.
pub struct SecretPolicy;

/// True when the policy names a principal IAM has not made known to Secrets Manager yet.
fn principal_not_propagated(e: &ProviderError) -> bool {
    e.code.as_deref() == Some("MalformedPolicyDocumentException") && e.message.contains("unsupported principal")
}

#[async_trait]
impl Document for SecretPolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_secretsmanager_secret_policy",
        what: "policy of Secrets Manager secret",
        key: "secret_arn",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.check(arn()).arg("policy").check(json()).arg("block_public_policy")
    }

    async fn put(&self, c: &Clients, secret: &str, planned: &Value) -> PResult<()> {
        let policy = required(planned, "policy")?;
        let block = opt_bool(planned, "block_public_policy");
        retry_while_matching(principal_not_propagated, PROPAGATION, || async {
            c.secrets
                .put_resource_policy()
                .secret_id(secret)
                .resource_policy(&policy)
                .set_block_public_policy(block)
                .send()
                .await
                .map_err(aws_err)
        })
        .await?;
        Ok(())
    }

    async fn get(&self, c: &Clients, secret: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let out = match c
            .secrets
            .get_resource_policy()
            .secret_id(secret)
            .send()
            .await
            .map_err(aws_err)
        {
            Ok(out) => out,
            Err(e) if secret_gone(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let policy = match out.resource_policy() {
            Some(p) => policy_attr(prior, Some(p)),
            None => ("policy".to_string(), Value::str("")),
        };
        Ok(Some(IndexMap::from([
            policy,
            (
                "block_public_policy".to_string(),
                Value::from(opt_bool(prior, "block_public_policy")),
            ),
        ])))
    }

    async fn remove(&self, c: &Clients, secret: &str, _prior: &Value) -> PResult<()> {
        match c
            .secrets
            .delete_resource_policy()
            .secret_id(secret)
            .send()
            .await
            .map_err(aws_err)
        {
            Err(e) if !secret_gone(&e) => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str, message: &str) -> ProviderError {
        ProviderError {
            code: Some(code.into()),
            message: message.into(),
        }
    }

    #[test]
    fn a_secret_marked_for_deletion_counts_as_gone_and_other_refusals_do_not() {
        assert!(secret_gone(&err("ResourceNotFoundException", "no such secret")));
        assert!(secret_gone(&err(
            "InvalidRequestException",
            "You can't perform this operation on the secret because it was marked for deletion."
        )));
        assert!(!secret_gone(&err("InvalidRequestException", "something else")));
        assert!(principal_not_propagated(&err(
            "MalformedPolicyDocumentException",
            "This resource policy contains an unsupported principal."
        )));
        assert!(!principal_not_propagated(&err(
            "MalformedPolicyDocumentException",
            "bad JSON"
        )));
    }
}
