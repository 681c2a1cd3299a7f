//! The one CRUD shape of CloudFront's policy families (cache, origin request, response
//! headers), written once over [`PolicyKind`]: each family's file holds only its schema, the
//! configuration it builds from a planned value and flattens back, and its SDK calls.
//!
//! Every family behaves alike: Create answers the new id; Get answers the policy and its ETag;
//! Update replaces the whole configuration and Delete removes the policy, both naming the
//! current ETag (`IfMatch`); List pages through managed and custom policies. Names are unique
//! within a family and an account, and policies carry no tags, so a create whose outcome a
//! killed run lost is taken back by its name. The data source of each family finds a policy by
//! `id`, or by `name` among the managed (`Managed-…`) and the account's own.

use super::policies::{arn, pick_id};
use crate::provider::aws::common::{absent_on, must_exist, ok_on, opt_str};
use crate::provider::aws::schema::data_source;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, DataSourceType, PResult, ProviderError, ResourceType};
use crate::schema::validators::Rule;
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use std::future::Future;
use std::sync::Arc;

/// One family of CloudFront policies: what differs between them.
#[async_trait]
pub trait PolicyKind: Send + Sync + 'static {
    /// The policy as CloudFront answers it (`CachePolicy`, ...).
    type Policy: Send + Sync;
    /// The configuration Create and Update send (`CachePolicyConfig`, ...).
    type Config: Send;

    /// The Terraform type name of the resource and of the data source.
    const TYPE: &'static str;
    /// The family in words, for messages ("cache policy").
    const NOUN: &'static str;
    /// The family in ARNs (`…:cache-policy/ID`).
    const ARN_KIND: &'static str;
    /// CloudFront's codes for an id it does not know.
    const NOT_FOUND: &'static [&'static str];

    /// The resource's declaration: the provider's schema and its checks.
    fn schema() -> Schema;

    /// The configuration to send, from a planned value.
    fn config(planned: &Value) -> PResult<Self::Config>;

    /// The policy as the provider records it (resource and data source alike).
    fn to_state(p: &Self::Policy, etag: Option<&str>, arn: &str) -> Value;

    /// The policy and its ETag; errors as CloudFront answers them (absent ids included).
    async fn get(c: &Clients, id: &str) -> PResult<(Option<Self::Policy>, Option<String>)>;

    /// Creates a policy; answers its id.
    async fn create(c: &Clients, config: Self::Config) -> PResult<String>;

    /// Replaces a policy's configuration.
    async fn update(c: &Clients, id: &str, if_match: Option<String>, config: Self::Config) -> PResult<()>;

    /// Deletes a policy.
    async fn delete(c: &Clients, id: &str, if_match: Option<String>) -> PResult<()>;

    /// One page of `(id, name)` pairs and the next marker; `custom_only` leaves out the
    /// managed policies.
    async fn list_page(
        c: &Clients,
        custom_only: bool,
        marker: Option<String>,
    ) -> PResult<(Vec<(String, String)>, Option<String>)>;
}

/// Every page of a listing: `page(marker)` answers items and the next marker (none, or empty,
/// at the end).
pub async fn all_pages<F, Fut>(mut page: F) -> PResult<Vec<(String, String)>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = PResult<(Vec<(String, String)>, Option<String>)>>,
{
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let (items, next) = page(marker).await?;
        out.extend(items);
        marker = next.filter(|m| !m.is_empty());
        if marker.is_none() {
            return Ok(out);
        }
    }
}

/// `(id, name)` of every policy of a family CloudFront lists (custom ones, or all).
pub async fn list<K: PolicyKind>(c: &Clients, custom_only: bool) -> PResult<Vec<(String, String)>> {
    all_pages(|marker| K::list_page(c, custom_only, marker)).await
}

/// A policy and its ETag; `None` when CloudFront has no policy with this id.
pub async fn get<K: PolicyKind>(c: &Clients, id: &str) -> PResult<Option<(K::Policy, Option<String>)>> {
    Ok(absent_on(K::get(c, id).await, K::NOT_FOUND)?.and_then(|(p, e)| p.map(|p| (p, e))))
}

/// A policy as state records it; `None` when CloudFront has no policy with this id.
pub async fn read<K: PolicyKind>(c: &Clients, id: &str) -> PResult<Option<Value>> {
    let Some((p, e)) = get::<K>(c, id).await? else {
        return Ok(None);
    };
    let arn = arn(c, K::ARN_KIND, id).await?;
    Ok(Some(K::to_state(&p, e.as_deref(), &arn)))
}

/// The resource type of one policy family.
pub struct Policy<K: PolicyKind> {
    c: Arc<Clients>,
    schema: Schema,
    _kind: std::marker::PhantomData<fn() -> K>,
}

impl<K: PolicyKind> Policy<K> {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Policy<K> {
        Policy {
            c,
            schema: K::schema(),
            _kind: std::marker::PhantomData,
        }
    }
}

#[async_trait]
impl<K: PolicyKind> ResourceType for Policy<K> {
    fn type_name(&self) -> &'static str {
        K::TYPE
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let id = K::create(&self.c, K::config(planned)?).await?;
        must_exist(read::<K>(&self.c, &id).await?, K::NOUN, &id)
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<Option<Value>> {
        read::<K>(&self.c, id).await
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, _prior: &Value, planned: &Value) -> PResult<Value> {
        let config = K::config(planned)?;
        // The ETag of the policy as it is now: state's may be stale after a drift.
        let current = get::<K>(&self.c, id).await?.and_then(|(_, e)| e);
        K::update(&self.c, id, current, config).await?;
        must_exist(read::<K>(&self.c, id).await?, K::NOUN, id)
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, _prior: &Value) -> PResult<()> {
        let Some((_, e)) = get::<K>(&self.c, id).await? else {
            return Ok(());
        };
        ok_on(K::delete(&self.c, id, e).await, K::NOT_FOUND)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        // Policies carry no tags: only a create this address began and never recorded is
        // taken back, by its unique name.
        let (true, Some(name)) = (ctx.resumed, opt_str(planned, "name")) else {
            return Ok(None);
        };
        Ok(list::<K>(&self.c, true)
            .await?
            .into_iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| id))
    }
}

/// The data source of one policy family: a policy by `id`, or by `name` among the managed
/// ones and the account's own.
pub struct PolicyData<K: PolicyKind> {
    c: Arc<Clients>,
    schema: Schema,
    _kind: std::marker::PhantomData<fn() -> K>,
}

impl<K: PolicyKind> PolicyData<K> {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> PolicyData<K> {
        let schema = data_source(K::TYPE)
            .args(&["id", "name"])
            .rule(Rule::ExactlyOne(&["id", "name"]))
            .build();
        PolicyData {
            c,
            schema,
            _kind: std::marker::PhantomData,
        }
    }
}

#[async_trait]
impl<K: PolicyKind> DataSourceType for PolicyData<K> {
    fn type_name(&self) -> &'static str {
        K::TYPE
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let listed = if config.get("id").is_null() {
            list::<K>(&self.c, false).await?
        } else {
            Vec::new()
        };
        let id = pick_id(config, K::NOUN, &listed)?;
        read::<K>(&self.c, &id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("no CloudFront {} with id {id}", K::NOUN)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listings_follow_markers_to_the_end() {
        let pages = std::sync::Mutex::new(vec![
            (vec![("3".to_string(), "c".to_string())], Some(String::new())),
            (vec![("2".to_string(), "b".to_string())], Some("m2".to_string())),
            (vec![("1".to_string(), "a".to_string())], Some("m1".to_string())),
        ]);
        let seen = std::sync::Mutex::new(Vec::new());
        let all = all_pages(|marker| {
            seen.lock().unwrap().push(marker);
            let next = pages.lock().unwrap().pop().unwrap();
            async move { Ok(next) }
        })
        .await
        .unwrap();
        assert_eq!(
            all.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert_eq!(
            *seen.lock().unwrap(),
            [None, Some("m1".to_string()), Some("m2".to_string())]
        );
    }
}
