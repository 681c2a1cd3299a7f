//! The per-resource `region` argument of AWS provider v6, as an extension over 5.100: every
//! AWS resource type and data source accepts `region = "eu-west-1"`, and its object is created,
//! read, updated and deleted in that region through SDK clients built for it.
//!
//! It is one layer around the types rather than a change to each of them: [`wrap`] replaces
//! every registered type by a [`Regional`] one whose schema has the extra argument and whose
//! calls go to the same type built with another region's clients ([`Regions`], one registry per
//! region a run touches, made on first use). A type keeps knowing nothing of regions; its state
//! value gets `region` added, so refresh, update and delete find the object where it was made.
//!
//! As in v6: unset means the provider configuration's region (recorded in state, shown in the
//! plan); changing it replaces the object; an import id may end in `@REGION`. A type whose 5.100
//! schema already has a `region` of its own keeps that meaning (`aws_elb_service_account`'s
//! region argument, `aws_arn`'s parsed region), except `aws_s3_bucket`, whose computed `region`
//! v6 turned into this argument.

use super::{AwsSettings, Clients};
use crate::provider::{CallCtx, DataSourceType, PResult, ProviderError, Registry, ResourceType};
use crate::schema::validators::matches;
use crate::schema::{AttrSchema, Schema, Type};
use crate::value::Value;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// The argument's name.
pub const REGION: &str = "region";

/// Services that are global (one endpoint for every region): v6 gives their types no `region`.
const GLOBAL_PREFIXES: &[&str] = &[
    "aws_iam_",
    "aws_cloudfront_",
    "aws_organizations_",
    "aws_budgets_",
    "aws_ce_",
    "aws_shield_",
    "aws_waf_",
    "aws_globalaccelerator_",
    "aws_networkmanager_",
    "aws_account_",
    "aws_route53domains_",
];

/// Types that call no regional endpoint at all (or only a global one): no `region` in v6.
const REGIONLESS: &[&str] = &[
    "aws_caller_identity",
    "aws_partition",
    "aws_arn",
    "aws_default_tags",
    "aws_billing_service_account",
    "aws_canonical_user_id",
    "aws_ip_ranges",
    "aws_regions",
];

/// True for types of global services: Route 53's are global, its Resolver's are regional.
fn is_global(type_name: &str) -> bool {
    let route53 = type_name.starts_with("aws_route53_") && !type_name.starts_with("aws_route53_resolver");
    route53 || REGIONLESS.contains(&type_name) || GLOBAL_PREFIXES.iter().any(|p| type_name.starts_with(p))
}

/// Types whose 5.100 schema has a computed `region` that v6 made the per-resource argument.
const REGION_BECOMES_ARGUMENT: &[&str] = &["aws_s3_bucket"];

/// What a region name looks like (`us-east-1`, `eu-central-2`, `us-gov-west-1`): checked at
/// plan time, so a typo fails before any call instead of as an endpoint that does not resolve.
pub(crate) const REGION_PATTERN: &str = r"^[a-z]{2}(-[a-z]+)+-\d+$";

/// The `region` argument as the extension declares it: optional, the configuration's region
/// when unset, and replacing the object when it changes.
fn region_attr() -> AttrSchema {
    let mut a = AttrSchema::new(Type::String, false, true, true);
    a.force_new = true;
    a.validators
        .push(matches(REGION_PATTERN, "an AWS region name such as us-east-1"));
    a
}

/// True when the extension adds (or takes over) `region` in a type's schema.
fn takes_region(type_name: &str, schema: &Schema) -> bool {
    if is_global(type_name) {
        return false;
    }
    match schema.attrs.get(REGION) {
        None => !schema.blocks.contains_key(REGION),
        Some(a) => !a.is_argument() && REGION_BECOMES_ARGUMENT.contains(&type_name),
    }
}

/// A type's schema with the `region` argument, when the extension applies to it; the schema
/// unchanged otherwise. Also used for the provider's types infractl does not implement yet, so
/// that `validate` accepts `region` on every type.
pub fn with_region(type_name: &str, schema: &Schema) -> Schema {
    let mut s = schema.clone();
    if takes_region(type_name, schema) {
        s.attrs.insert(REGION, region_attr());
    }
    s
}

/// The registries of the other regions one provider configuration reaches, made on first use
/// with the configuration's settings (credentials, endpoints, retries) and another region.
pub struct Regions {
    /// The configuration's own region: objects without `region` live there.
    default: String,
    /// Its settings; `None` for the schemas-only registry, which never calls AWS.
    settings: Option<AwsSettings>,
    built: tokio::sync::Mutex<HashMap<String, Arc<Registry>>>,
}

impl Regions {
    /// The regions reachable from a configuration whose clients are in `default`.
    pub fn new(default: &str, settings: Option<AwsSettings>) -> Regions {
        Regions {
            default: default.to_string(),
            settings,
            built: Default::default(),
        }
    }

    /// The region an object lives in: its `region` when known, else the configuration's.
    fn of(&self, v: &Value) -> String {
        v.get(REGION)
            .as_str()
            .filter(|r| !r.is_empty())
            .unwrap_or(&self.default)
            .to_string()
    }

    /// The types bound to `region`'s clients (`None` for the configuration's own region, whose
    /// types the caller already holds).
    async fn registry(&self, region: &str) -> PResult<Option<Arc<Registry>>> {
        if region == self.default {
            return Ok(None);
        }
        let Some(settings) = &self.settings else {
            return Err(ProviderError::msg(format!(
                "no AWS clients for region {region} in a schemas-only run"
            )));
        };
        let mut built = self.built.lock().await;
        if let Some(r) = built.get(region) {
            return Ok(Some(r.clone()));
        }
        let mut other = settings.clone();
        other.region = Some(region.to_string());
        other.others.clear();
        let clients: Arc<Clients> = Arc::new(super::clients(&other).await);
        let r = Arc::new(super::build_registry(clients));
        built.insert(region.to_string(), r.clone());
        Ok(Some(r))
    }
}

/// Replaces every resource type and data source of `r` by its [`Regional`] form.
pub fn wrap(r: &mut Registry, regions: Arc<Regions>) {
    for name in r.resource_names() {
        if let Some(inner) = r.resource(name).cloned() {
            if takes_region(name, inner.schema()) {
                r.add_resource(Arc::new(Regional::new(inner, regions.clone())));
            }
        }
    }
    for name in r.data_source_names() {
        if let Some(inner) = r.data_source(name).cloned() {
            if takes_region(name, inner.schema()) {
                r.add_data_source(Arc::new(RegionalData::new(inner, regions.clone())));
            }
        }
    }
}

/// Adds the region an object lives in to the value a type returned.
fn with_region_value(mut v: Value, region: &str) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(REGION.to_string(), Value::str(region));
    }
    v
}

/// An import id of v6's `ID@REGION` form, split; `None` when the id names no region.
fn split_import_id(id: &str) -> Option<(&str, &str)> {
    let (bare, region) = id.rsplit_once('@')?;
    let pattern = regex::Regex::new(REGION_PATTERN).ok()?;
    (!bare.is_empty() && pattern.is_match(region)).then_some((bare, region))
}

/// A resource type that creates, reads, updates and deletes its objects in the region their
/// `region` names.
pub struct Regional {
    inner: Arc<dyn ResourceType>,
    schema: Schema,
    regions: Arc<Regions>,
    /// Objects found for adoption in another region than the configuration's, by id: the
    /// engine reads an adopted object without a prior value, so its region is kept here
    /// between [`ResourceType::find_adoptable`] and that read.
    adopted: std::sync::Mutex<HashMap<String, String>>,
}

impl Regional {
    /// `inner` (bound to the configuration's region) with the `region` argument.
    pub fn new(inner: Arc<dyn ResourceType>, regions: Arc<Regions>) -> Regional {
        let schema = with_region(inner.type_name(), inner.schema());
        Regional {
            inner,
            schema,
            regions,
            adopted: Default::default(),
        }
    }

    /// The type bound to `region`'s clients.
    async fn in_region(&self, region: &str) -> PResult<Arc<dyn ResourceType>> {
        match self.regions.registry(region).await? {
            None => Ok(self.inner.clone()),
            Some(r) => r.resource(self.inner.type_name()).cloned().ok_or_else(|| {
                ProviderError::msg(format!("{} is missing from region {region}'s types", self.type_name()))
            }),
        }
    }
}

#[async_trait]
impl ResourceType for Regional {
    fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let region = self.regions.of(planned);
        let v = self.in_region(&region).await?.create(ctx, planned).await?;
        Ok(with_region_value(v, &region))
    }

    async fn read(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        // An import (no prior value) may name the region in its id, as v6 takes it.
        let adopted = match prior {
            Value::Null => self.adopted.lock().ok().and_then(|m| m.get(id).cloned()),
            _ => None,
        };
        let (id, region) = match (prior, split_import_id(id), adopted) {
            (Value::Null, _, Some(region)) => (id, region),
            (Value::Null, Some((bare, region)), None) => (bare, region.to_string()),
            _ => (id, self.regions.of(prior)),
        };
        let v = self.in_region(&region).await?.read(ctx, id, prior).await?;
        Ok(v.map(|v| with_region_value(v, &region)))
    }

    async fn update(&self, ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let region = self.regions.of(planned);
        let v = self.in_region(&region).await?.update(ctx, id, prior, planned).await?;
        Ok(with_region_value(v, &region))
    }

    async fn delete(&self, ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let region = self.regions.of(prior);
        self.in_region(&region).await?.delete(ctx, id, prior).await
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        self.inner.lint(config)
    }

    fn bulk_read_limit(&self) -> usize {
        self.inner.bulk_read_limit()
    }

    /// One bulk read per region: the objects of a batch may live in several.
    async fn read_many(&self, ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let mut by_region: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, (_, prior)) in items.iter().enumerate() {
            let region = self.regions.of(prior);
            match by_region.iter_mut().find(|(r, _)| *r == region) {
                Some((_, list)) => list.push(i),
                None => by_region.push((region, vec![i])),
            }
        }
        let mut out: Vec<Option<Value>> = vec![None; items.len()];
        for (region, indexes) in by_region {
            let batch: Vec<(String, Value)> = indexes.iter().map(|&i| items[i].clone()).collect();
            let read = self.in_region(&region).await?.read_many(ctx, &batch).await?;
            if read.len() != batch.len() {
                return Err(ProviderError::msg(format!(
                    "reading {} objects of type {} in {region}: {} answers",
                    batch.len(),
                    self.type_name(),
                    read.len()
                )));
            }
            for (i, v) in indexes.into_iter().zip(read) {
                out[i] = v.map(|v| with_region_value(v, &region));
            }
        }
        Ok(out)
    }

    fn conflict_codes(&self) -> &'static [&'static str] {
        self.inner.conflict_codes()
    }

    /// The lookup runs in the object's region, so that must be known too.
    fn adoptable_known_early(&self, planned: &Value) -> bool {
        !planned.get(REGION).has_unknown() && self.inner.adoptable_known_early(planned)
    }

    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let region = self.regions.of(planned);
        let found = self.in_region(&region).await?.find_adoptable(ctx, planned).await?;
        if let (Some(id), true) = (&found, region != self.regions.default) {
            if let Ok(mut m) = self.adopted.lock() {
                m.insert(id.clone(), region);
            }
        }
        Ok(found)
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        self.inner.check_config(config)
    }

    /// The planned region is known at plan time (the configuration's when unset, as v6 shows
    /// it); an object recorded in another region than the one planned is replaced, also when
    /// the argument was removed.
    fn refine_plan(&self, prior: Option<&Value>, config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        let reason = self.inner.refine_plan(prior, config, planned)?;
        let wanted = match config.get(REGION) {
            Value::Unknown => Value::Unknown,
            Value::String(r) if !r.is_empty() => Value::str(r.clone()),
            _ => Value::str(self.regions.default.clone()),
        };
        if let Value::Object(m) = planned {
            m.insert(REGION.to_string(), wanted.clone());
        }
        let recorded = prior.map(|p| self.regions.of(p));
        Ok(match (reason, recorded, wanted.as_str()) {
            (Some(r), _, _) => Some(r),
            (None, Some(was), Some(now)) if was != now => Some(format!("its region changes from {was} to {now}")),
            (None, _, _) => None,
        })
    }

    /// Revealed where the object lives: a type that reads its secret back from the service
    /// reads it in the object's region.
    async fn reveal(&self, state: &Value) -> PResult<Option<Value>> {
        let region = self.regions.of(state);
        self.in_region(&region).await?.reveal(state).await
    }

    async fn seal(&self, state: &Value) -> PResult<Option<Value>> {
        self.inner.seal(state).await
    }

    fn with_secrets(&self, secrets: &Arc<crate::provider::secrets::Secrets>) -> Option<Arc<dyn ResourceType>> {
        self.inner
            .with_secrets(secrets)
            .map(|i| Arc::new(Regional::new(i, self.regions.clone())) as Arc<dyn ResourceType>)
    }
}

/// A data source that reads in the region its `region` names.
pub struct RegionalData {
    inner: Arc<dyn DataSourceType>,
    schema: Schema,
    regions: Arc<Regions>,
}

impl RegionalData {
    /// `inner` (bound to the configuration's region) with the `region` argument.
    pub fn new(inner: Arc<dyn DataSourceType>, regions: Arc<Regions>) -> RegionalData {
        let schema = with_region(inner.type_name(), inner.schema());
        RegionalData { inner, schema, regions }
    }
}

#[async_trait]
impl DataSourceType for RegionalData {
    fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn lint(&self, config: &Value) -> Vec<String> {
        self.inner.lint(config)
    }

    fn check_config(&self, config: &Value) -> Result<(), String> {
        self.inner.check_config(config)
    }

    async fn read(&self, config: &Value) -> PResult<Value> {
        let region = self.regions.of(config);
        let inner = match self.regions.registry(&region).await? {
            None => self.inner.clone(),
            Some(r) => r.data_source(self.inner.type_name()).cloned().ok_or_else(|| {
                ProviderError::msg(format!("{} is missing from region {region}'s types", self.type_name()))
            })?,
        };
        Ok(with_region_value(inner.read(config).await?, &region))
    }

    fn state_value(&self, read: &Value) -> Value {
        self.inner.state_value(read)
    }

    fn secrets_in(&self, read: &Value) -> Vec<String> {
        self.inner.secrets_in(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_may_name_a_region() {
        assert_eq!(split_import_id("vpc-123@eu-west-1"), Some(("vpc-123", "eu-west-1")));
        assert_eq!(
            split_import_id("vpc-123@us-gov-west-1"),
            Some(("vpc-123", "us-gov-west-1"))
        );
        assert_eq!(split_import_id("vpc-123"), None);
        assert_eq!(split_import_id("user@example.com"), None);
        assert_eq!(split_import_id("@eu-west-1"), None);
    }

    #[test]
    fn region_is_added_unless_the_type_has_one_of_its_own() {
        let plain = Schema::new().optional("name", Type::String);
        let s = with_region("aws_thing", &plain);
        let r = &s.attrs[REGION];
        assert!(r.optional && r.computed && r.force_new);
        assert!(r.validators[0].check(&Value::str("eu-west-1")).is_ok());
        assert!(r.validators[0].check(&Value::str("Europe")).is_err());
        let own = Schema::new().optional(REGION, Type::String);
        assert!(!with_region("aws_elb_service_account", &own).attrs[REGION].force_new);
        let computed = Schema::new().computed(REGION, Type::String);
        assert!(with_region("aws_s3_bucket", &computed).attrs[REGION].optional);
        assert!(!with_region("aws_arn", &computed).attrs[REGION].optional);
        // Global services have none.
        for global in [
            "aws_iam_role",
            "aws_route53_zone",
            "aws_cloudfront_distribution",
            "aws_caller_identity",
        ] {
            assert!(!with_region(global, &plain).attrs.contains_key(REGION), "{global}");
        }
        assert!(with_region("aws_route53_resolver_endpoint", &plain)
            .attrs
            .contains_key(REGION));
    }
}
