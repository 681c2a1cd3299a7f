//! `aws_iam_role_policy_attachment`, `aws_iam_user_policy_attachment`,
//! `aws_iam_group_policy_attachment`: one managed policy attached to one role, user or group
//! (id and import id `OWNER/POLICY_ARN`). A refresh lists each owner's attachments once for all
//! the attachments of that owner in state. The AWS provider's ids are unique names made from the
//! owner (`<role>-<timestamp>`): an attachment with such an id (a Terraform-kept state) is found
//! by the owner and `policy_arn` state records.

use super::principal::Principal;
use crate::provider::aws::common::{opt_str, required};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::arn;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// An attachment resource type, for one kind of owner.
pub struct PolicyAttachment {
    c: Arc<Clients>,
    kind: Principal,
    type_name: &'static str,
    schema: Schema,
}

impl PolicyAttachment {
    /// The type for attachments to `kind` (`aws_iam_role_policy_attachment` for roles, ...).
    pub fn new(c: Arc<Clients>, kind: Principal) -> PolicyAttachment {
        let type_name = match kind {
            Principal::Role => "aws_iam_role_policy_attachment",
            Principal::User => "aws_iam_user_policy_attachment",
            Principal::Group => "aws_iam_group_policy_attachment",
        };
        let schema = resource(type_name)
            .arg(kind.arg())
            .force_new()
            .arg("policy_arn")
            .force_new()
            .check(arn())
            .build();
        PolicyAttachment {
            c,
            kind,
            type_name,
            schema,
        }
    }

    fn split_id<'a>(&self, id: &'a str) -> PResult<(&'a str, &'a str)> {
        id.split_once('/')
            .filter(|(_, arn)| arn.starts_with("arn:"))
            .ok_or_else(|| {
                ProviderError::msg(format!(
                    "invalid {} id \"{id}\": expected {}/POLICY_ARN",
                    self.type_name,
                    self.kind.arg().to_uppercase()
                ))
            })
    }

    /// The owner and policy of an attachment: from an id `OWNER/POLICY_ARN`, else (an id the
    /// AWS provider made) from what state records.
    fn parts(&self, id: &str, prior: &Value) -> PResult<(String, String)> {
        if let Ok((owner, arn)) = self.split_id(id) {
            return Ok((owner.to_string(), arn.to_string()));
        }
        match (opt_str(prior, self.kind.arg()), opt_str(prior, "policy_arn")) {
            (Some(owner), Some(arn)) => Ok((owner, arn)),
            _ => self.split_id(id).map(|(o, a)| (o.to_string(), a.to_string())),
        }
    }

    fn value(&self, id: &str, owner: &str, arn: &str) -> Value {
        Value::object([
            ("id", Value::str(id)),
            (self.kind.arg(), Value::str(owner)),
            ("policy_arn", Value::str(arn)),
        ])
    }
}

#[async_trait]
impl ResourceType for PolicyAttachment {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let owner = opt_str(planned, self.kind.arg())
            .ok_or_else(|| ProviderError::msg(format!("{} is required", self.kind.arg())))?;
        let arn = required(planned, "policy_arn")?;
        self.kind.attach(&self.c, &owner, &arn).await?;
        let id = format!("{owner}/{arn}");
        self.read(ctx, &id, planned)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("attachment {id} not found right after it was made")))
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let (owner, arn) = self.parts(id, prior)?;
        let attached = self.kind.attached(&self.c, &owner).await?.unwrap_or_default();
        Ok(attached.contains(&arn).then(|| self.value(id, &owner, &arn)))
    }

    fn bulk_read_limit(&self) -> usize {
        100
    }

    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        // One listing per owner, however many of its attachments state holds.
        let mut listed: HashMap<String, Vec<String>> = HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        for (id, prior) in items {
            let (owner, arn) = self.parts(id, prior)?;
            if !listed.contains_key(&owner) {
                let attached = self.kind.attached(&self.c, &owner).await?.unwrap_or_default();
                listed.insert(owner.clone(), attached);
            }
            let found = listed.get(&owner).is_some_and(|l| l.contains(&arn));
            out.push(found.then(|| self.value(id, &owner, &arn)));
        }
        Ok(out)
    }

    async fn update(&self, ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        // Every argument forces replacement; nothing is updated in place.
        self.read(ctx, id, planned)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("attachment {id} vanished")))
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let (owner, arn) = self.parts(id, prior)?;
        self.kind.detach(&self.c, &owner, &arn).await
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // An attachment is named by what it joins: the same pair is the same attachment.
        let (Some(owner), Some(arn)) = (opt_str(planned, self.kind.arg()), opt_str(planned, "policy_arn")) else {
            return Ok(None);
        };
        let id = format!("{owner}/{arn}");
        Ok(self.read(ctx, &id, planned).await?.map(|_| id))
    }
}
