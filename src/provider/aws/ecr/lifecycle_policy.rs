//! `aws_ecr_lifecycle_policy`: the image expiry rules of a repository, managed apart from it.
//! Its id is the repository's name; the rules are compared as JSON.

use crate::provider::aws::attached::{policy_attr, DocNames, Document};
use crate::provider::aws::common::{absent_on, aws_err, ok_on, required};
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::json;
use crate::value::Value;
use async_trait::async_trait;
use indexmap::IndexMap;

/// What ECR answers when the repository or its lifecycle policy is gone.
const GONE: &[&str] = &["LifecyclePolicyNotFoundException", "RepositoryNotFoundException"];

/// The `aws_ecr_lifecycle_policy` document.
pub struct LifecyclePolicy;

#[async_trait]
impl Document for LifecyclePolicy {
    const NAMES: DocNames = DocNames {
        type_name: "aws_ecr_lifecycle_policy",
        what: "lifecycle policy of repository",
        key: "repository",
    };

    fn declare(&self, d: Decl) -> Decl {
        d.arg("policy").check(json())
    }

    async fn put(&self, c: &Clients, repository: &str, planned: &Value) -> PResult<()> {
        c.ecr
            .put_lifecycle_policy()
            .repository_name(repository)
            .lifecycle_policy_text(required(planned, "policy")?)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }

    async fn get(&self, c: &Clients, repository: &str, prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let r = c
            .ecr
            .get_lifecycle_policy()
            .repository_name(repository)
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, GONE)?.map(|out| {
            IndexMap::from([
                policy_attr(prior, out.lifecycle_policy_text()),
                ("registry_id".to_string(), Value::from(out.registry_id())),
            ])
        }))
    }

    async fn remove(&self, c: &Clients, repository: &str, _prior: &Value) -> PResult<()> {
        let r = c
            .ecr
            .delete_lifecycle_policy()
            .repository_name(repository)
            .send()
            .await
            .map_err(aws_err);
        ok_on(r, GONE)
    }
}
