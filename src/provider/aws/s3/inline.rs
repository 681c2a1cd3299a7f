//! The settings `aws_s3_bucket` still takes inline, deprecated since the AWS provider v4 in
//! favour of the companion resources (`versioning` for `aws_s3_bucket_versioning`, `cors_rule`
//! for `aws_s3_bucket_cors_configuration`, ...). Public modules and older blueprints set them, so
//! they work end to end as the provider's code has them: Optional+Computed, so an unset one is
//! read from AWS (a bucket whose versioning a companion manages plans no change), a set one is
//! written on create and on change with the same S3 calls the companion makes, and one removed
//! from the blueprint leaves AWS as it is.
//!
//! Nothing here talks to S3 itself: each setting converts between its legacy shape (a bool
//! `enabled` for a `status`, a `redirect_all_requests_to` URL for a block, ...) and its
//! companion's, and calls the companion's put and get.

use super::companion::{first, At, BucketSetting};
use super::{
    accelerate, acl, cors, encryption, lifecycle, logging, object_lock, policy, request_payment, versioning, website,
};
use crate::provider::aws::common::opt_str;
use crate::provider::aws::Clients;
use crate::provider::PResult;
use crate::schema::declare::Decl;
use crate::schema::validators::{iam_policy, int_at_least, json, len_between, one_of, Rule};
use crate::value::Value;
use indexmap::IndexMap;

/// The inline arguments and blocks infractl implements; `grant` and
/// `replication_configuration` stay accepted only when unset.
const BLOCKS: &[&str] = &[
    "cors_rule",
    "lifecycle_rule",
    "logging",
    "object_lock_configuration",
    "server_side_encryption_configuration",
    "versioning",
    "website",
];

/// Declares the inline settings on the bucket's schema, with the provider's defaults and checks.
pub fn declare(d: Decl) -> Decl {
    d.args(&["acl", "policy", "acceleration_status", "request_payer"])
        .args(BLOCKS)
        .computed_blocks(BLOCKS)
        .computed_blocks(&["grant", "replication_configuration"])
        .arg("acl")
        .check(one_of(acl::CANNED))
        .arg("policy")
        .check(iam_policy())
        .arg("acceleration_status")
        .check(one_of(&["Enabled", "Suspended"]))
        .arg("request_payer")
        .check(one_of(&["BucketOwner", "Requester"]))
        .arg("versioning.enabled")
        .default(false)
        .arg("versioning.mfa_delete")
        .default(false)
        .arg("website.routing_rules")
        .check(json())
        .rule_in(
            "website",
            Rule::Conflicts(&["redirect_all_requests_to", "index_document"]),
        )
        .arg("lifecycle_rule.id")
        .check(len_between(0, 255))
        .arg("lifecycle_rule.expiration.days")
        .check(int_at_least(0))
        .arg("lifecycle_rule.noncurrent_version_expiration.days")
        .check(int_at_least(1))
        .arg("lifecycle_rule.transition.days")
        .check(int_at_least(0))
        .arg("lifecycle_rule.transition.storage_class")
        .check(one_of(lifecycle::STORAGE_CLASSES))
        .arg("lifecycle_rule.noncurrent_version_transition.days")
        .check(int_at_least(0))
        .arg("lifecycle_rule.noncurrent_version_transition.storage_class")
        .check(one_of(lifecycle::STORAGE_CLASSES))
        .arg("server_side_encryption_configuration.rule.apply_server_side_encryption_by_default.sse_algorithm")
        .check(one_of(encryption::ALGORITHMS))
        .arg("logging.target_bucket")
        .check(len_between(1, 63))
        // Object Lock is chosen when the bucket is made (CreateBucket), so a change replaces it.
        .arg("object_lock_configuration.object_lock_enabled")
        .force_new()
        .check(one_of(&["Enabled"]))
        .arg("object_lock_configuration.rule.default_retention.mode")
        .check(one_of(object_lock::MODES))
        .arg("object_lock_configuration.rule.default_retention.days")
        .check(int_at_least(1))
        .arg("object_lock_configuration.rule.default_retention.years")
        .check(int_at_least(1))
}

/// Whether the planned value asks for Object Lock through the legacy block, which CreateBucket
/// must then turn on (it cannot be turned on later).
pub fn legacy_object_lock(planned: &Value) -> bool {
    first(planned, "object_lock_configuration").and_then(|b| b.get("object_lock_enabled").as_str()) == Some("Enabled")
}

/// True when the planned value sets `name` (not unset, not left to AWS, not zero blocks).
fn set(planned: &Value, name: &str) -> bool {
    match planned.get(name) {
        Value::Null | Value::Unknown => false,
        Value::List(l) => !l.is_empty(),
        _ => true,
    }
}

/// True when `name` is to be written: set, and (on an update) changed from state.
fn to_write(prior: Option<&Value>, planned: &Value, name: &str) -> bool {
    set(planned, name) && prior.is_none_or(|p| p.get(name) != planned.get(name))
}

/// Writes the inline settings the planned value sets and (on an update, with `prior`) changes,
/// in the provider's order.
pub async fn write(c: &Clients, bucket: &str, prior: Option<&Value>, planned: &Value) -> PResult<()> {
    let at = At {
        bucket: bucket.into(),
        name: None,
        owner: None,
        qualifier: None,
    };
    if to_write(prior, planned, "acl") {
        acl::Acl
            .put(c, &at, &Value::object([("acl", planned.get("acl").clone())]))
            .await?;
    }
    // An empty policy (modules pass "" for none) removes one the bucket had.
    let policy_changed = prior.is_none_or(|p| p.get("policy") != planned.get("policy"));
    match planned.get("policy") {
        Value::String(s) if s.is_empty() && prior.is_some() && policy_changed => {
            policy::BucketPolicy.delete(c, &at).await?
        }
        Value::String(s) if !s.is_empty() && policy_changed => {
            let v = Value::object([("policy", planned.get("policy").clone())]);
            policy::BucketPolicy.put(c, &at, &v).await?
        }
        _ => {}
    }
    if to_write(prior, planned, "cors_rule") {
        let v = Value::object([("cors_rule", planned.get("cors_rule").clone())]);
        cors::Cors.put(c, &at, &v).await?;
    }
    if to_write(prior, planned, "website") {
        if let Some(w) = first(planned, "website") {
            website::Website.put(c, &at, &website_config(w)).await?;
        }
    }
    if to_write(prior, planned, "versioning") {
        let block = first(planned, "versioning");
        let enabled = block.and_then(|v| v.get("enabled").as_bool()) == Some(true);
        let mfa_delete = block.and_then(|v| v.get("mfa_delete").as_bool()) == Some(true);
        // A new bucket has versioning off already; only a bucket that had it is suspended. The
        // legacy block's MFA delete is a flag: on is sent, off only where it was on.
        let was_mfa_delete = prior
            .and_then(|p| first(p, "versioning"))
            .and_then(|v| v.get("mfa_delete").as_bool())
            == Some(true);
        let mfa = versioning::Mfa {
            delete: (mfa_delete || was_mfa_delete).then(|| if mfa_delete { "Enabled" } else { "Disabled" }.to_string()),
            device: None,
        };
        if enabled || prior.is_some() {
            versioning::put_status(c, bucket, if enabled { "Enabled" } else { "Suspended" }, &mfa).await?;
        }
    }
    if to_write(prior, planned, "acceleration_status") {
        if let Some(s) = opt_str(planned, "acceleration_status") {
            accelerate::put_status(c, &at, &s).await?;
        }
    }
    if to_write(prior, planned, "request_payer") {
        if let Some(p) = opt_str(planned, "request_payer") {
            request_payment::put_payer(c, &at, &p).await?;
        }
    }
    if to_write(prior, planned, "logging") {
        if let Some(l) = first(planned, "logging") {
            logging::Logging.put(c, &at, l).await?;
        }
    }
    if to_write(prior, planned, "lifecycle_rule") {
        let rules = planned.get("lifecycle_rule").as_list().unwrap_or(&[]);
        let rules = Value::List(rules.iter().map(lifecycle_rule).collect());
        lifecycle::put_config(c, bucket, &Value::object([("rule", rules)])).await?;
    }
    if to_write(prior, planned, "object_lock_configuration") {
        // The same PutObjectLockConfiguration the companion makes; S3 cannot remove Object Lock.
        if let Some(lock) = first(planned, "object_lock_configuration") {
            object_lock::ObjectLock.put(c, &at, lock).await?;
        }
    }
    if to_write(prior, planned, "server_side_encryption_configuration") {
        if let Some(e) = first(planned, "server_side_encryption_configuration") {
            encryption::put_config(c, bucket, e).await?;
        }
    }
    Ok(())
}

/// Reads every inline setting from AWS, concurrently (they are Optional+Computed, so each is
/// refreshed whether the blueprint sets it or not); a setting the bucket does not have reads
/// as none. `prior` supplies what S3 does not report back (the canned `acl`).
pub async fn read(c: &Clients, bucket: &str, prior: &Value) -> PResult<IndexMap<String, Value>> {
    let at = At {
        bucket: bucket.into(),
        name: None,
        owner: None,
        qualifier: None,
    };
    let (cors, site, versioning, accel, payer, logging, lifecycle, sse, policy, lock) = futures::try_join!(
        cors::Cors.get(c, &at, prior),
        website::Website.get(c, &at, prior),
        versioning::get_status(c, bucket),
        accelerate::Accelerate.get(c, &at, prior),
        request_payment::RequestPayment.get(c, &at, prior),
        logging::Logging.get(c, &at, prior),
        lifecycle::get_config(c, bucket),
        encryption::get_rules(c, bucket),
        policy::BucketPolicy.get(c, &at, prior),
        object_lock::ObjectLock.get(c, &at, prior),
    )?;
    let attr = |m: &Option<IndexMap<String, Value>>, k: &str| m.as_ref().and_then(|m| m.get(k)).cloned();
    let one = |v: Option<Value>| Value::List(v.into_iter().collect());
    let mut out = IndexMap::new();
    // S3 reports grants, not the canned ACL that made them: state keeps the blueprint's.
    out.insert("acl".into(), prior.get("acl").unknown_to_null());
    out.insert("policy".into(), attr(&policy, "policy").unwrap_or(Value::Null));
    out.insert(
        "cors_rule".into(),
        Value::List(
            attr(&cors, "cors_rule")
                .and_then(|l| l.as_list().map(<[Value]>::to_vec))
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    let mut r = r.as_object().cloned().unwrap_or_default();
                    r.shift_remove("id");
                    Value::Object(r)
                })
                .collect(),
        ),
    );
    out.insert("website".into(), one(site.as_ref().map(website_block)));
    out.insert(
        "website_endpoint".into(),
        attr(&site, "website_endpoint").unwrap_or(Value::Null),
    );
    out.insert(
        "website_domain".into(),
        attr(&site, "website_domain").unwrap_or(Value::Null),
    );
    let (status, mfa) = versioning.unwrap_or_else(|| ("Disabled".into(), None));
    out.insert(
        "versioning".into(),
        Value::List(vec![Value::object([
            ("enabled", Value::Bool(status == "Enabled")),
            ("mfa_delete", Value::Bool(mfa.as_deref() == Some("Enabled"))),
        ])]),
    );
    out.insert(
        "acceleration_status".into(),
        attr(&accel, "status").unwrap_or(Value::Null),
    );
    out.insert(
        "request_payer".into(),
        attr(&payer, "payer").unwrap_or_else(|| Value::str("BucketOwner")),
    );
    out.insert(
        "logging".into(),
        one(logging.map(|l| {
            Value::object([
                ("target_bucket", l.get("target_bucket").cloned().unwrap_or_default()),
                ("target_prefix", l.get("target_prefix").cloned().unwrap_or_default()),
            ])
        })),
    );
    let rules = lifecycle.map(|(rules, _)| rules).unwrap_or_default();
    out.insert(
        "lifecycle_rule".into(),
        Value::List(
            rules
                .iter()
                .map(|r| legacy_rule(&lifecycle::from_rule(r, None)))
                .collect(),
        ),
    );
    // No Object Lock reads as no block; the legacy block has no `token`.
    out.insert(
        "object_lock_configuration".into(),
        one(lock.map(|mut l| {
            l.shift_remove("token");
            Value::Object(l)
        })),
    );
    out.insert(
        "server_side_encryption_configuration".into(),
        one(sse.map(|rules| Value::object([("rule", rules)]))),
    );
    Ok(out)
}

/// A legacy `website` block in the shape of `aws_s3_bucket_website_configuration`:
/// `redirect_all_requests_to` is a host, or a URL whose scheme is the protocol.
fn website_config(w: &Value) -> Value {
    let block = |pairs: Vec<(&str, Value)>| Value::List(vec![Value::object(pairs)]);
    let mut m = IndexMap::new();
    if let Some(i) = opt_str(w, "index_document").filter(|s| !s.is_empty()) {
        m.insert("index_document".to_string(), block(vec![("suffix", Value::str(i))]));
    }
    if let Some(e) = opt_str(w, "error_document").filter(|s| !s.is_empty()) {
        m.insert("error_document".to_string(), block(vec![("key", Value::str(e))]));
    }
    if let Some(r) = opt_str(w, "redirect_all_requests_to").filter(|s| !s.is_empty()) {
        let (protocol, host) = match r.split_once("://") {
            Some((p, h)) => (Value::str(p), h.to_string()),
            None => (Value::Null, r),
        };
        m.insert(
            "redirect_all_requests_to".to_string(),
            block(vec![("host_name", Value::str(host)), ("protocol", protocol)]),
        );
    }
    if let Some(rules) = opt_str(w, "routing_rules").filter(|s| !s.is_empty()) {
        m.insert("routing_rules".to_string(), Value::str(rules));
    }
    Value::Object(m)
}

/// A website configuration as the companion reads it, as the legacy `website` block.
fn website_block(m: &IndexMap<String, Value>) -> Value {
    let inner = |block: &str, field: &str| {
        m.get(block)
            .and_then(|b| b.as_list())
            .and_then(|l| l.first())
            .map(|b| b.get(field).clone())
            .unwrap_or(Value::Null)
    };
    let redirect = match (
        inner("redirect_all_requests_to", "protocol").as_str(),
        inner("redirect_all_requests_to", "host_name"),
    ) {
        (Some(p), Value::String(h)) => Value::str(format!("{p}://{h}")),
        (None, h) => h,
        (Some(_), other) => other,
    };
    Value::object([
        ("index_document", inner("index_document", "suffix")),
        ("error_document", inner("error_document", "key")),
        ("redirect_all_requests_to", redirect),
        ("routing_rules", m.get("routing_rules").cloned().unwrap_or_default()),
    ])
}

/// A number of a block, when set and not zero (the provider's legacy blocks hold 0 for unset).
fn positive(v: &Value, name: &str) -> Option<Value> {
    v.get(name).as_number().filter(|n| *n > 0.0).map(Value::Number)
}

/// A legacy `lifecycle_rule` block as a `rule` block of `aws_s3_bucket_lifecycle_configuration`:
/// `enabled` is the status, `prefix` and `tags` the filter (one tag alone is a tag filter,
/// several or a prefix with tags an `and`), `*_days` the companion's nested blocks. A rule
/// without an id gets one, as the provider names it.
fn lifecycle_rule(r: &Value) -> Value {
    let id = opt_str(r, "id")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("tf-s3-lifecycle-{}", &uuid::Uuid::new_v4().simple().to_string()[..26]));
    let status = if r.get("enabled").as_bool() == Some(true) {
        "Enabled"
    } else {
        "Disabled"
    };
    let prefix = opt_str(r, "prefix").unwrap_or_default();
    let tags = r.get("tags").as_object().cloned().unwrap_or_default();
    let filter = match (tags.len(), prefix.is_empty()) {
        (0, _) => Value::object([("prefix", Value::str(prefix))]),
        (1, true) => {
            let (k, v) = tags
                .iter()
                .next()
                .map(|(k, v)| (k.clone(), v.clone()))
                .unwrap_or_default();
            Value::object([(
                "tag",
                Value::List(vec![Value::object([("key", Value::str(k)), ("value", v)])]),
            )])
        }
        _ => Value::object([(
            "and",
            Value::List(vec![Value::object([
                ("prefix", Value::from(Some(prefix).filter(|p| !p.is_empty()))),
                ("tags", Value::Object(tags)),
            ])]),
        )]),
    };
    let blocks = |name: &str, f: &dyn Fn(&Value) -> Value| {
        Value::List(r.get(name).as_list().unwrap_or(&[]).iter().map(f).collect())
    };
    let mut m = IndexMap::from([
        ("id".to_string(), Value::str(id)),
        ("status".to_string(), Value::str(status)),
        ("filter".to_string(), Value::List(vec![filter])),
        (
            "expiration".to_string(),
            blocks("expiration", &|e| {
                Value::object([
                    ("days", positive(e, "days").unwrap_or_default()),
                    ("date", e.get("date").clone()),
                    (
                        "expired_object_delete_marker",
                        Value::from(e.get("expired_object_delete_marker").as_bool().filter(|b| *b)),
                    ),
                ])
            }),
        ),
        (
            "transition".to_string(),
            blocks("transition", &|t| {
                Value::object([
                    ("days", t.get("days").clone()),
                    ("date", t.get("date").clone()),
                    ("storage_class", t.get("storage_class").clone()),
                ])
            }),
        ),
        (
            "noncurrent_version_expiration".to_string(),
            blocks("noncurrent_version_expiration", &|e| {
                Value::object([("noncurrent_days", e.get("days").clone())])
            }),
        ),
        (
            "noncurrent_version_transition".to_string(),
            blocks("noncurrent_version_transition", &|t| {
                Value::object([
                    ("noncurrent_days", t.get("days").clone()),
                    ("storage_class", t.get("storage_class").clone()),
                ])
            }),
        ),
    ]);
    if let Some(days) = positive(r, "abort_incomplete_multipart_upload_days") {
        m.insert(
            "abort_incomplete_multipart_upload".into(),
            Value::List(vec![Value::object([("days_after_initiation", days)])]),
        );
    }
    Value::Object(m)
}

/// A `rule` block as the companion reads it, as a legacy `lifecycle_rule` block (what
/// [`lifecycle_rule`] wrote, read back).
fn legacy_rule(r: &Value) -> Value {
    let filter = first(r, "filter").cloned().unwrap_or_default();
    let and = first(&filter, "and").cloned().unwrap_or_default();
    let prefix = opt_str(&and, "prefix")
        .or_else(|| opt_str(&filter, "prefix"))
        .filter(|p| !p.is_empty());
    let tags = match (and.get("tags"), first(&filter, "tag")) {
        (Value::Object(t), _) if !t.is_empty() => Value::Object(t.clone()),
        (_, Some(t)) => Value::object([(opt_str(t, "key").unwrap_or_default(), t.get("value").clone())]),
        _ => Value::Null,
    };
    let blocks = |name: &str, f: &dyn Fn(&Value) -> Value| {
        Value::List(r.get(name).as_list().unwrap_or(&[]).iter().map(f).collect())
    };
    // S3 gives dates in full; the legacy blocks write days.
    let day = |v: &Value| match v.get("date").as_str() {
        Some(d) if d.len() >= 10 => Value::str(&d[..10]),
        _ => Value::Null,
    };
    Value::object([
        ("id", r.get("id").clone()),
        ("prefix", Value::from(prefix)),
        ("tags", tags),
        ("enabled", Value::Bool(r.get("status").as_str() == Some("Enabled"))),
        (
            "abort_incomplete_multipart_upload_days",
            first(r, "abort_incomplete_multipart_upload")
                .map(|a| a.get("days_after_initiation").clone())
                .unwrap_or(Value::Number(0.0)),
        ),
        (
            "expiration",
            blocks("expiration", &|e| {
                Value::object([
                    ("days", e.get("days").clone()),
                    ("date", day(e)),
                    (
                        "expired_object_delete_marker",
                        e.get("expired_object_delete_marker").clone(),
                    ),
                ])
            }),
        ),
        (
            "transition",
            blocks("transition", &|t| {
                Value::object([
                    ("days", t.get("days").clone()),
                    ("date", day(t)),
                    ("storage_class", t.get("storage_class").clone()),
                ])
            }),
        ),
        (
            "noncurrent_version_expiration",
            blocks("noncurrent_version_expiration", &|e| {
                Value::object([("days", e.get("noncurrent_days").clone())])
            }),
        ),
        (
            "noncurrent_version_transition",
            blocks("noncurrent_version_transition", &|t| {
                Value::object([
                    ("days", t.get("noncurrent_days").clone()),
                    ("storage_class", t.get("storage_class").clone()),
                ])
            }),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_rule_round_trips_through_the_companion_shape() {
        let legacy = Value::object([
            ("id", Value::str("logs")),
            ("prefix", Value::str("log/")),
            ("tags", Value::object([("a", Value::str("1")), ("b", Value::str("2"))])),
            ("enabled", Value::Bool(true)),
            ("abort_incomplete_multipart_upload_days", Value::Number(7.0)),
            (
                "expiration",
                Value::List(vec![Value::object([("days", Value::Number(90.0))])]),
            ),
            (
                "noncurrent_version_transition",
                Value::List(vec![Value::object([
                    ("days", Value::Number(30.0)),
                    ("storage_class", Value::str("GLACIER")),
                ])]),
            ),
        ]);
        let rule = lifecycle::to_rule(&lifecycle_rule(&legacy)).expect("converts");
        let back = legacy_rule(&lifecycle::from_rule(&rule, None));
        assert_eq!(back.get("id"), &Value::str("logs"));
        assert_eq!(back.get("prefix"), &Value::str("log/"));
        assert_eq!(back.get("tags"), legacy.get("tags"));
        assert_eq!(back.get("enabled"), &Value::Bool(true));
        assert_eq!(back.get("abort_incomplete_multipart_upload_days"), &Value::Number(7.0));
        assert_eq!(
            first(&back, "expiration").map(|e| e.get("days").clone()),
            Some(Value::Number(90.0))
        );
        let nvt = first(&back, "noncurrent_version_transition")
            .cloned()
            .unwrap_or_default();
        assert_eq!(nvt.get("days"), &Value::Number(30.0));
        assert_eq!(nvt.get("storage_class"), &Value::str("GLACIER"));
    }

    #[test]
    fn website_redirect_url_splits_into_protocol_and_host() {
        let w = Value::object([("redirect_all_requests_to", Value::str("https://example.com"))]);
        let c = website_config(&w);
        let r = first(&c, "redirect_all_requests_to").cloned().unwrap_or_default();
        assert_eq!(r.get("host_name"), &Value::str("example.com"));
        assert_eq!(r.get("protocol"), &Value::str("https"));
        let back = website_block(c.as_object().expect("object"));
        assert_eq!(back.get("redirect_all_requests_to"), &Value::str("https://example.com"));
    }
}
