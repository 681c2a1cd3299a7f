//! `aws_route53_record`: one record set of a hosted zone: simple (`ttl` and `records`) or an
//! `alias` to another AWS name, alone or one of several behind a weighted, failover, latency or
//! geolocation routing policy told apart by `set_identifier`. Every change is waited for until
//! Route 53 has it on all its name servers (GetChange INSYNC), within the `timeouts`.
//!
//! The id is the provider's: `<zone>_<name>_<type>[_<set_identifier>]`, with the name as the
//! blueprint gives it (lowercase, without a trailing dot; it may be relative to the zone), which
//! is also what `import` takes. `fqdn` is the full name Route 53 holds. A create sends CREATE,
//! so a record someone else made is refused, unless `allow_overwrite` (UPSERT); changing the
//! type or set identifier deletes the old record set and creates the new one in one batch.
//!
//! Records carry no tags: a record this stack lost track of is found by its natural key (name,
//! type and set identifier) in a zone this stack made, or after a killed create. A no-change
//! plan reads all records of a zone with one ListResourceRecordSets walk, not a call per record.

use super::{
    clean_id, clean_record_name, expand_record_name, normalize_planned_name, normalize_zone_name, wait_change,
    zone_in_stack,
};
use crate::provider::aws::common::{
    absent_on, aws_err, build_err, op_timeout, opt_bool, opt_str, required, str_list, Op,
};
use crate::provider::aws::schema::resource;
use crate::provider::aws::Clients;
use crate::provider::{CallCtx, PResult, ProviderError, ResourceType};
use crate::schema::validators::{int_between, one_of, Rule};
use crate::schema::Schema;
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, GeoLocation, ResourceRecord, ResourceRecordSet,
    ResourceRecordSetFailover, ResourceRecordSetRegion, RrType,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The record types Route 53 serves (the provider's validation).
const TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "TXT", "HTTPS", "SSHFP",
    "SVCB", "TLSA",
];

/// The routing policy blocks; at most one applies to a record set.
const POLICIES: &[&str] = &[
    "weighted_routing_policy",
    "failover_routing_policy",
    "latency_routing_policy",
    "geolocation_routing_policy",
    "multivalue_answer_routing_policy",
];

/// Provider default for every operation's wait (30 minutes).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

/// What a record set is known by in its zone: full name, type, set identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Full name, as [`clean_record_name`] spells it.
    pub name: String,
    /// Record type (`A`, `CNAME`, ...).
    pub rtype: String,
    /// Set identifier of a routed record set, empty for a simple one.
    pub set_id: String,
}

impl Key {
    fn of(r: &ResourceRecordSet) -> Key {
        Key {
            name: clean_record_name(r.name()),
            rtype: r.r#type().as_str().to_string(),
            set_id: r.set_identifier().unwrap_or_default().to_string(),
        }
    }
}

/// The parts of a record id: zone, name (as the blueprint gave it), type, set identifier.
#[derive(Debug, PartialEq)]
pub struct RecordId {
    /// Hosted zone id.
    pub zone: String,
    /// Name as in the id (relative or full, without trailing dot).
    pub name: String,
    /// Record type.
    pub rtype: String,
    /// Set identifier, empty when none.
    pub set_id: String,
}

/// Splits `<zone>_<name>_<type>[_<set_identifier>]`. Names and set identifiers may hold
/// underscores (ACM's validation records start with one), so the type is the first
/// `_<TYPE>` that is followed by the end or another underscore.
pub fn parse_id(id: &str) -> Option<RecordId> {
    let (zone, rest) = id.split_once('_')?;
    let mut from = 0;
    while let Some(pos) = rest[from..].find('_').map(|p| p + from) {
        let after = &rest[pos + 1..];
        let (rtype, set_id) = after.split_once('_').unwrap_or((after, ""));
        if pos > 0 && TYPES.contains(&rtype) {
            return Some(RecordId {
                zone: zone.to_string(),
                name: rest[..pos].strip_suffix('.').unwrap_or(&rest[..pos]).to_string(),
                rtype: rtype.to_string(),
                set_id: set_id.to_string(),
            });
        }
        from = pos + 1;
    }
    None
}

/// The id the provider gives a record.
pub fn record_id(zone: &str, name: &str, rtype: &str, set_id: Option<&str>) -> String {
    let mut parts = vec![clean_id(zone), normalize_zone_name(name), rtype.to_string()];
    if let Some(s) = set_id.filter(|s| !s.is_empty()) {
        parts.push(s.to_string());
    }
    parts.join("_")
}

/// A TXT or SPF value as Route 53 takes it: quoted, in strings of at most 255 characters
/// (a value already quoted is sent as written).
fn expand_txt(v: &str) -> String {
    if v.starts_with('"') {
        return v.to_string();
    }
    let chars: Vec<char> = v.chars().collect();
    if chars.is_empty() {
        return "\"\"".into();
    }
    chars
        .chunks(255)
        .map(|c| format!("\"{}\"", c.iter().collect::<String>()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A TXT or SPF value as the provider shows it: the quotes around it gone and split strings
/// joined again.
fn flatten_txt(v: &str) -> String {
    match v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\" \"", ""),
        None => v.to_string(),
    }
}

fn is_txt(rtype: &str) -> bool {
    rtype == "TXT" || rtype == "SPF"
}

/// The first block of a list-of-one block attribute.
fn block<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).as_list().and_then(|l| l.first())
}

fn block_value(pairs: Vec<(&str, Value)>) -> Value {
    Value::List(vec![Value::object(pairs)])
}

/// Every record set of a zone, page by page.
pub async fn list_all(c: &Clients, zone_id: &str) -> PResult<Vec<ResourceRecordSet>> {
    let mut all = Vec::new();
    let mut start: Option<(String, RrType, Option<String>)> = None;
    loop {
        let mut req = c.route53.list_resource_record_sets().hosted_zone_id(clean_id(zone_id));
        if let Some((name, rtype, ident)) = start.take() {
            req = req
                .start_record_name(name)
                .start_record_type(rtype)
                .set_start_record_identifier(ident);
        }
        let out = req.send().await.map_err(aws_err)?;
        for r in out.resource_record_sets() {
            // Guards against an endpoint that repeats the record a page started at.
            if !all.iter().any(|a: &ResourceRecordSet| Key::of(a) == Key::of(r)) {
                all.push(r.clone());
            }
        }
        match (out.is_truncated(), out.next_record_name(), out.next_record_type()) {
            (true, Some(n), Some(t)) => {
                start = Some((
                    n.to_string(),
                    t.clone(),
                    out.next_record_identifier().map(str::to_string),
                ))
            }
            _ => return Ok(all),
        }
    }
}

/// The `aws_route53_record` resource type.
pub struct Record {
    c: Arc<Clients>,
    schema: Schema,
}

impl Record {
    /// Creates the type with its clients.
    pub fn new(c: Arc<Clients>) -> Record {
        let mut d = resource("aws_route53_record")
            .arg("zone_id")
            .force_new()
            .normalized(clean_id)
            .arg("name")
            .force_new()
            .normalized(normalize_zone_name)
            .arg("type")
            .check(one_of(TYPES))
            .args(&[
                "ttl",
                "records",
                "set_identifier",
                "health_check_id",
                "allow_overwrite",
                "alias",
                "weighted_routing_policy",
                "failover_routing_policy",
                "latency_routing_policy",
                "geolocation_routing_policy",
                "multivalue_answer_routing_policy",
            ])
            .arg("alias.name")
            .normalized(normalize_zone_name)
            .arg("failover_routing_policy.type")
            .check(one_of(&["PRIMARY", "SECONDARY"]))
            .arg("weighted_routing_policy.weight")
            .check(int_between(0, 255))
            .rule(Rule::Conflicts(&["alias", "ttl"]))
            .rule(Rule::Conflicts(&["alias", "records"]))
            .rule(Rule::RequiredWith("ttl", &["records"]))
            .rule(Rule::Conflicts(POLICIES))
            .timeouts(30, 30, 30);
        for policy in POLICIES {
            d = d.rule(Rule::RequiredWith(policy, &["set_identifier"]));
        }
        Record { c, schema: d.build() }
    }

    /// The zone's name (records may be named relative to it).
    async fn zone_name(&self, zone_id: &str) -> PResult<Option<String>> {
        let r = self
            .c
            .route53
            .get_hosted_zone()
            .id(clean_id(zone_id))
            .send()
            .await
            .map_err(aws_err);
        Ok(absent_on(r, &["NoSuchHostedZone"])?.and_then(|o| o.hosted_zone().map(|z| normalize_zone_name(z.name()))))
    }

    /// The record set with this key, from a walk starting at its name and type.
    async fn find(&self, zone_id: &str, key: &Key) -> PResult<Option<ResourceRecordSet>> {
        let mut start = (key.name.clone(), RrType::from(key.rtype.as_str()));
        loop {
            let r = self
                .c
                .route53
                .list_resource_record_sets()
                .hosted_zone_id(clean_id(zone_id))
                .start_record_name(&start.0)
                .start_record_type(start.1.clone())
                .send()
                .await
                .map_err(aws_err);
            let Some(out) = absent_on(r, &["NoSuchHostedZone"])? else {
                return Ok(None);
            };
            for r in out.resource_record_sets() {
                let k = Key::of(r);
                if k == *key {
                    return Ok(Some(r.clone()));
                }
                if k.name != key.name || k.rtype != key.rtype {
                    return Ok(None);
                }
            }
            match (out.is_truncated(), out.next_record_name(), out.next_record_type()) {
                (true, Some(n), Some(t)) if clean_record_name(n) == key.name && t.as_str() == key.rtype => {
                    if (n.to_string(), t.clone()) == start {
                        return Ok(None);
                    }
                    start = (n.to_string(), t.clone());
                }
                _ => return Ok(None),
            }
        }
    }

    /// The state of the record set just written; its absence is an error.
    async fn read_back(&self, zone_id: &str, key: &Key, planned: &Value) -> PResult<Value> {
        let name = opt_str(planned, "name").unwrap_or_default();
        let live = self.find(zone_id, key).await?.ok_or_else(|| {
            ProviderError::msg(format!(
                "record {} {} is missing right after it was written",
                key.name, key.rtype
            ))
        })?;
        Ok(Self::to_state(&live, zone_id, &name, planned))
    }

    /// The record set a planned value describes, named in full in the zone `zone`.
    fn record_set(planned: &Value, zone: &str) -> PResult<ResourceRecordSet> {
        let rtype = opt_str(planned, "type").unwrap_or_default();
        let name = expand_record_name(&opt_str(planned, "name").unwrap_or_default(), zone);
        let mut b = ResourceRecordSet::builder()
            .name(name)
            .r#type(RrType::from(rtype.as_str()))
            .set_set_identifier(opt_str(planned, "set_identifier"))
            .set_health_check_id(opt_str(planned, "health_check_id"))
            .set_multi_value_answer(opt_bool(planned, "multivalue_answer_routing_policy"));
        if let Some(a) = block(planned, "alias") {
            b = b.alias_target(
                AliasTarget::builder()
                    .dns_name(opt_str(a, "name").unwrap_or_default())
                    .hosted_zone_id(opt_str(a, "zone_id").unwrap_or_default())
                    .evaluate_target_health(opt_bool(a, "evaluate_target_health").unwrap_or(false))
                    .build()
                    .map_err(build_err)?,
            );
        } else {
            b = b.set_ttl(planned.get("ttl").as_number().map(|n| n as i64));
            for value in str_list(planned, "records") {
                let value = if is_txt(&rtype) { expand_txt(&value) } else { value };
                b = b.resource_records(ResourceRecord::builder().value(value).build().map_err(build_err)?);
            }
        }
        if let Some(w) = block(planned, "weighted_routing_policy") {
            b = b.set_weight(w.get("weight").as_number().map(|n| n as i64));
        }
        if let Some(f) = block(planned, "failover_routing_policy") {
            b = b.set_failover(opt_str(f, "type").map(|t| ResourceRecordSetFailover::from(t.as_str())));
        }
        if let Some(l) = block(planned, "latency_routing_policy") {
            b = b.set_region(opt_str(l, "region").map(|r| ResourceRecordSetRegion::from(r.as_str())));
        }
        if let Some(g) = block(planned, "geolocation_routing_policy") {
            b = b.geo_location(
                GeoLocation::builder()
                    .set_continent_code(opt_str(g, "continent"))
                    .set_country_code(opt_str(g, "country"))
                    .set_subdivision_code(opt_str(g, "subdivision"))
                    .build(),
            );
        }
        b.build().map_err(build_err)
    }

    /// Sends one batch of changes and waits until it is INSYNC.
    async fn change(
        &self,
        zone_id: &str,
        changes: Vec<(ChangeAction, ResourceRecordSet)>,
        timeout: Duration,
    ) -> PResult<()> {
        let changes = changes
            .into_iter()
            .map(|(action, set)| {
                Change::builder()
                    .action(action)
                    .resource_record_set(set)
                    .build()
                    .map_err(build_err)
            })
            .collect::<PResult<Vec<_>>>()?;
        let batch = ChangeBatch::builder()
            .set_changes(Some(changes))
            .build()
            .map_err(build_err)?;
        let out = self
            .c
            .route53
            .change_resource_record_sets()
            .hosted_zone_id(clean_id(zone_id))
            .change_batch(batch)
            .send()
            .await
            .map_err(aws_err)?;
        if let Some(info) = out.change_info() {
            wait_change(&self.c, info.id(), timeout).await?;
        }
        Ok(())
    }

    /// A record set as state keeps it; `name` is the blueprint's spelling (from `prior`, or the
    /// id's after an import).
    fn to_state(r: &ResourceRecordSet, zone_id: &str, name: &str, prior: &Value) -> Value {
        let rtype = r.r#type().as_str().to_string();
        let set_id = r.set_identifier().map(str::to_string);
        let records: Vec<Value> = r
            .resource_records()
            .iter()
            .map(|v| {
                Value::String(if is_txt(&rtype) {
                    flatten_txt(v.value())
                } else {
                    v.value().to_string()
                })
            })
            .collect();
        let alias = match r.alias_target() {
            Some(a) => block_value(vec![
                ("name", Value::str(normalize_zone_name(a.dns_name()))),
                ("zone_id", Value::str(a.hosted_zone_id())),
                ("evaluate_target_health", Value::Bool(a.evaluate_target_health())),
            ]),
            None => Value::List(vec![]),
        };
        let weighted = match r.weight() {
            Some(w) => block_value(vec![("weight", Value::from(w))]),
            None => Value::List(vec![]),
        };
        let failover = match r.failover() {
            Some(f) => block_value(vec![("type", Value::str(f.as_str()))]),
            None => Value::List(vec![]),
        };
        let latency = match r.region() {
            Some(region) => block_value(vec![("region", Value::str(region.as_str()))]),
            None => Value::List(vec![]),
        };
        let geo = match r.geo_location() {
            Some(g) => block_value(vec![
                ("continent", Value::from(g.continent_code())),
                ("country", Value::from(g.country_code())),
                ("subdivision", Value::from(g.subdivision_code())),
            ]),
            None => Value::List(vec![]),
        };
        Value::object([
            ("id", Value::str(record_id(zone_id, name, &rtype, set_id.as_deref()))),
            ("zone_id", Value::str(clean_id(zone_id))),
            ("name", Value::str(normalize_zone_name(name))),
            ("fqdn", Value::str(clean_record_name(r.name()))),
            ("type", Value::str(&rtype)),
            ("ttl", Value::from(r.ttl())),
            (
                "records",
                if records.is_empty() {
                    Value::Null
                } else {
                    Value::List(records)
                },
            ),
            ("set_identifier", Value::from(set_id)),
            ("health_check_id", Value::from(r.health_check_id())),
            ("multivalue_answer_routing_policy", Value::from(r.multi_value_answer())),
            (
                "allow_overwrite",
                Value::Bool(opt_bool(prior, "allow_overwrite").unwrap_or(false)),
            ),
            ("alias", alias),
            ("weighted_routing_policy", weighted),
            ("failover_routing_policy", failover),
            ("latency_routing_policy", latency),
            ("geolocation_routing_policy", geo),
        ])
    }

    /// The key and blueprint name of the record `id` (with `prior`'s name when it has one).
    fn key_of(id: &str, prior: &Value, zone: &str) -> PResult<(RecordId, Key, String)> {
        let parsed = parse_id(id).ok_or_else(|| {
            ProviderError::msg(format!(
                "invalid Route 53 record id \"{id}\": expected ZONEID_NAME_TYPE or ZONEID_NAME_TYPE_SETIDENTIFIER"
            ))
        })?;
        let name = opt_str(prior, "name").unwrap_or_else(|| parsed.name.clone());
        let key = Key {
            name: expand_record_name(&name, zone),
            rtype: parsed.rtype.clone(),
            set_id: parsed.set_id.clone(),
        };
        Ok((parsed, key, name))
    }
}

#[async_trait]
impl ResourceType for Record {
    fn type_name(&self) -> &'static str {
        "aws_route53_record"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Names are planned in the spelling state will hold (the provider's StateFunc), and
    /// `allow_overwrite` is false unless set.
    fn refine_plan(&self, _prior: Option<&Value>, _config: &Value, planned: &mut Value) -> PResult<Option<String>> {
        normalize_planned_name(planned);
        if let Value::Object(m) = planned {
            if m.get("allow_overwrite")
                .is_none_or(|v| *v == Value::Unknown || v.is_null())
            {
                m.insert("allow_overwrite".into(), Value::Bool(false));
            }
        }
        Ok(None)
    }

    async fn create(&self, _ctx: &CallCtx, planned: &Value) -> PResult<Value> {
        let zone_id = required(planned, "zone_id")?;
        let zone = self
            .zone_name(&zone_id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("Route 53 hosted zone {zone_id} not found")))?;
        let set = Self::record_set(planned, &zone)?;
        let action = if opt_bool(planned, "allow_overwrite") == Some(true) {
            ChangeAction::Upsert
        } else {
            ChangeAction::Create
        };
        let timeout = op_timeout(&self.schema, planned, Op::Create, DEFAULT_TIMEOUT);
        let key = Key::of(&set);
        self.change(&zone_id, vec![(action, set)], timeout).await?;
        self.read_back(&zone_id, &key, planned).await
    }

    async fn read(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<Option<Value>> {
        let Some(parsed) = parse_id(id) else {
            return Self::key_of(id, prior, "").map(|_| None);
        };
        let Some(zone) = self.zone_name(&parsed.zone).await? else {
            return Ok(None);
        };
        let (parsed, key, name) = Self::key_of(id, prior, &zone)?;
        Ok(self
            .find(&parsed.zone, &key)
            .await?
            .map(|r| Self::to_state(&r, &parsed.zone, &name, prior)))
    }

    fn bulk_read_limit(&self) -> usize {
        1000
    }

    /// One ListResourceRecordSets walk per zone for all the zone's records.
    async fn read_many(&self, _ctx: &CallCtx, items: &[(String, Value)]) -> PResult<Vec<Option<Value>>> {
        let mut zones: HashMap<String, Option<(String, HashMap<Key, ResourceRecordSet>)>> = HashMap::new();
        let mut out = Vec::with_capacity(items.len());
        for (id, prior) in items {
            let parsed =
                parse_id(id).ok_or_else(|| ProviderError::msg(format!("invalid Route 53 record id \"{id}\"")))?;
            if !zones.contains_key(&parsed.zone) {
                let loaded = match self.zone_name(&parsed.zone).await? {
                    None => None,
                    Some(zone) => {
                        let sets = list_all(&self.c, &parsed.zone).await?;
                        Some((zone, sets.into_iter().map(|r| (Key::of(&r), r)).collect()))
                    }
                };
                zones.insert(parsed.zone.clone(), loaded);
            }
            let Some(Some((zone, sets))) = zones.get(&parsed.zone) else {
                out.push(None);
                continue;
            };
            let (parsed, key, name) = Self::key_of(id, prior, zone)?;
            out.push(sets.get(&key).map(|r| Self::to_state(r, &parsed.zone, &name, prior)));
        }
        Ok(out)
    }

    async fn update(&self, _ctx: &CallCtx, id: &str, prior: &Value, planned: &Value) -> PResult<Value> {
        let zone_id = required(planned, "zone_id")?;
        let zone = self
            .zone_name(&zone_id)
            .await?
            .ok_or_else(|| ProviderError::msg(format!("Route 53 hosted zone {zone_id} not found")))?;
        let timeout = op_timeout(&self.schema, planned, Op::Update, DEFAULT_TIMEOUT);
        let set = Self::record_set(planned, &zone)?;
        let key = Key::of(&set);
        let (_, old_key, _) = Self::key_of(id, prior, &zone)?;
        if old_key.rtype == key.rtype && old_key.set_id == key.set_id {
            self.change(&zone_id, vec![(ChangeAction::Upsert, set)], timeout)
                .await?;
        } else {
            // A new type or set identifier is another record set: the old one goes in the same
            // batch (Route 53 applies a batch all or nothing).
            let mut changes = Vec::new();
            if let Some(old) = self.find(&zone_id, &old_key).await? {
                changes.push((ChangeAction::Delete, old));
            }
            changes.push((ChangeAction::Create, set));
            self.change(&zone_id, changes, timeout).await?;
        }
        self.read_back(&zone_id, &key, planned).await
    }

    async fn delete(&self, _ctx: &CallCtx, id: &str, prior: &Value) -> PResult<()> {
        let Some(parsed) = parse_id(id) else {
            return Self::key_of(id, prior, "").map(|_| ());
        };
        let Some(zone) = self.zone_name(&parsed.zone).await? else {
            return Ok(());
        };
        let (_, key, _) = Self::key_of(id, prior, &zone)?;
        // Route 53 deletes a record set only when told all its values: the live ones.
        let Some(live) = self.find(&parsed.zone, &key).await? else {
            return Ok(());
        };
        let timeout = op_timeout(&self.schema, prior, Op::Delete, DEFAULT_TIMEOUT);
        let r = self
            .change(&parsed.zone, vec![(ChangeAction::Delete, live)], timeout)
            .await;
        match r {
            // Gone between the read and the delete.
            Err(e) if e.code.as_deref() == Some("InvalidChangeBatch") && e.message.contains("not found") => Ok(()),
            other => absent_on(other, &["NoSuchHostedZone"]).map(|_| ()),
        }
    }

    /// A record set with the planned name, type and set identifier, in a zone this stack made
    /// or after a create a killed run began.
    async fn find_adoptable(&self, ctx: &CallCtx, planned: &Value) -> PResult<Option<String>> {
        let Some(zone_id) = opt_str(planned, "zone_id") else {
            return Ok(None);
        };
        let Some(zone) = self.zone_name(&zone_id).await? else {
            return Ok(None);
        };
        let set = Self::record_set(planned, &zone)?;
        let key = Key::of(&set);
        if self.find(&zone_id, &key).await?.is_none() {
            return Ok(None);
        }
        if !ctx.resumed && !zone_in_stack(&self.c, ctx, &zone_id).await? {
            return Ok(None);
        }
        let name = opt_str(planned, "name").unwrap_or_default();
        Ok(Some(record_id(&zone_id, &name, &key.rtype, Some(&key.set_id))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(zone: &str, name: &str, rtype: &str, set_id: &str) -> Option<RecordId> {
        Some(RecordId {
            zone: zone.into(),
            name: name.into(),
            rtype: rtype.into(),
            set_id: set_id.into(),
        })
    }

    #[test]
    fn ids_split_as_the_providers_import_does() {
        assert_eq!(parse_id("Z1_www.example.com_A"), id("Z1", "www.example.com", "A", ""));
        assert_eq!(parse_id("Z1_www_CNAME_blue"), id("Z1", "www", "CNAME", "blue"));
        assert_eq!(
            parse_id("Z1_www.example.com_A_set_with_underscores"),
            id("Z1", "www.example.com", "A", "set_with_underscores")
        );
        // ACM's validation records start with an underscore, and may hold more.
        assert_eq!(
            parse_id("Z1__abc123.example.com_CNAME"),
            id("Z1", "_abc123.example.com", "CNAME", "")
        );
        assert_eq!(
            parse_id("Z1__dmarc_x.example.com._TXT"),
            id("Z1", "_dmarc_x.example.com", "TXT", "")
        );
        assert_eq!(parse_id("Z1_*.example.com_A"), id("Z1", "*.example.com", "A", ""));
        assert_eq!(parse_id("Z1_example.com_BOGUS"), None);
        assert_eq!(parse_id("nounderscores"), None);
    }

    #[test]
    fn ids_are_built_as_the_provider_builds_them() {
        assert_eq!(
            record_id("/hostedzone/Z1", "WWW.Example.com.", "A", None),
            "Z1_www.example.com_A"
        );
        assert_eq!(record_id("Z1", "api", "A", Some("blue")), "Z1_api_A_blue");
        assert_eq!(record_id("Z1", "api", "A", Some("")), "Z1_api_A");
        let parsed = parse_id(&record_id("Z1", "_x_y.example.com", "TXT", Some("a_b"))).unwrap();
        assert_eq!(
            (parsed.name.as_str(), parsed.set_id.as_str()),
            ("_x_y.example.com", "a_b")
        );
    }

    #[test]
    fn txt_values_are_quoted_and_split_for_route53_and_shown_plain() {
        assert_eq!(expand_txt("v=spf1 -all"), "\"v=spf1 -all\"");
        assert_eq!(expand_txt("\"already\""), "\"already\"");
        let long = "a".repeat(300);
        let sent = expand_txt(&long);
        assert_eq!(sent, format!("\"{}\" \"{}\"", "a".repeat(255), "a".repeat(45)));
        assert_eq!(flatten_txt(&sent), long);
        assert_eq!(flatten_txt("\"v=spf1 -all\""), "v=spf1 -all");
    }
}
