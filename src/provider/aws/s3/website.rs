//! `aws_s3_bucket_website_configuration`: static website hosting for a bucket (a frontend):
//! index and error documents with routing rules, or a redirect of every request to another
//! host. The routing-rule conversions (blocks and the JSON form) are shared with the inline
//! `website` block of `aws_s3_bucket`.

use super::companion::{built, first, get_once, At, BucketSetting};
use crate::provider::aws::common::{absent_on, aws_err, opt_str};
use crate::provider::aws::Clients;
use crate::provider::{PResult, ProviderError};
use crate::schema::declare::Decl;
use crate::schema::validators::{json, one_of, Rule};
use crate::value::Value;
use async_trait::async_trait;
use aws_sdk_s3::types::{
    Condition, ErrorDocument, IndexDocument, Protocol, Redirect, RedirectAllRequestsTo, RoutingRule,
    WebsiteConfiguration,
};
use indexmap::IndexMap;

/// Not-found codes: no bucket, or no website configuration on it.
const ABSENT: &[&str] = &["NoSuchBucket", "NoSuchWebsiteConfiguration"];

/// The `aws_s3_bucket_website_configuration` setting.
pub struct Website;

impl Website {
    /// PUTs the planned configuration; `prior` (on a change) tells which spelling of the
    /// routing rules the blueprint changed.
    async fn write(&self, c: &Clients, at: &At, prior: Option<&Value>, planned: &Value) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let index = first(planned, "index_document")
            .map(|d| built(IndexDocument::builder().set_suffix(opt_str(d, "suffix")).build()))
            .transpose()?;
        let error = first(planned, "error_document")
            .map(|d| built(ErrorDocument::builder().set_key(opt_str(d, "key")).build()))
            .transpose()?;
        let redirect = first(planned, "redirect_all_requests_to")
            .map(|r| {
                built(
                    RedirectAllRequestsTo::builder()
                        .set_host_name(opt_str(r, "host_name"))
                        .set_protocol(opt_str(r, "protocol").map(|p| Protocol::from(p.as_str())))
                        .build(),
                )
            })
            .transpose()?;
        if index.is_none() == redirect.is_none() {
            return Err(ProviderError::msg(
                "exactly one of index_document and redirect_all_requests_to must be set",
            ));
        }
        let config = WebsiteConfiguration::builder()
            .set_index_document(index)
            .set_error_document(error)
            .set_redirect_all_requests_to(redirect)
            .set_routing_rules(configured_routing_rules(planned, prior)?)
            .build();
        c.s3.put_bucket_website()
            .bucket(bucket)
            .website_configuration(config)
            .send()
            .await
            .map_err(aws_err)?;
        Ok(())
    }
}

#[async_trait]
impl BucketSetting for Website {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_website_configuration"
    }

    fn what(&self) -> &'static str {
        "website configuration of"
    }

    fn declare(&self, d: Decl) -> Decl {
        d.arg("expected_bucket_owner")
            .force_new()
            .check(super::companion::account_id())
            .args(&[
                "index_document",
                "error_document",
                "redirect_all_requests_to",
                "routing_rule",
            ])
            .arg("redirect_all_requests_to.protocol")
            .check(one_of(&["http", "https"]))
            .arg("routing_rule.redirect.protocol")
            .check(one_of(&["http", "https"]))
            // Both forms of the rules are Optional+Computed: the one left out is read back.
            .arg("routing_rule")
            .live_if_unset()
            .arg("routing_rules")
            .check(json())
            .live_if_unset()
            .rule(Rule::Conflicts(&["routing_rule", "routing_rules"]))
            .rule(Rule::Conflicts(&["redirect_all_requests_to", "routing_rule"]))
            .rule(Rule::Conflicts(&["redirect_all_requests_to", "routing_rules"]))
            .rule(Rule::Conflicts(&["redirect_all_requests_to", "index_document"]))
            .rule(Rule::Conflicts(&["redirect_all_requests_to", "error_document"]))
    }

    async fn put(&self, c: &Clients, at: &At, planned: &Value) -> PResult<()> {
        self.write(c, at, None, planned).await
    }

    async fn change(&self, c: &Clients, at: &At, prior: &Value, planned: &Value) -> PResult<()> {
        self.write(c, at, Some(prior), planned).await
    }

    async fn get(&self, c: &Clients, at: &At, _prior: &Value) -> PResult<Option<IndexMap<String, Value>>> {
        let bucket = at.bucket.as_str();
        let r = get_once(c, "GetBucketWebsite", bucket, None, async {
            c.s3.get_bucket_website().bucket(bucket).send().await.map_err(aws_err)
        })
        .await;
        let Some(out) = absent_on(r, ABSENT)? else {
            return Ok(None);
        };
        let one = |v: Option<Value>| Value::List(v.into_iter().collect());
        let domain = format!("s3-website-{}.amazonaws.com", c.region);
        Ok(Some(IndexMap::from([
            (
                "index_document".to_string(),
                one(out
                    .index_document()
                    .map(|d| Value::object([("suffix", Value::str(d.suffix()))]))),
            ),
            (
                "error_document".to_string(),
                one(out
                    .error_document()
                    .map(|d| Value::object([("key", Value::str(d.key()))]))),
            ),
            (
                "redirect_all_requests_to".to_string(),
                one(out.redirect_all_requests_to().map(|r| {
                    Value::object([
                        ("host_name", Value::str(r.host_name())),
                        ("protocol", Value::from(r.protocol().map(|p| p.as_str().to_string()))),
                    ])
                })),
            ),
            ("routing_rule".to_string(), routing_rule_blocks(out.routing_rules())),
            ("routing_rules".to_string(), routing_rules_json(out.routing_rules())),
            ("website_endpoint".to_string(), Value::str(format!("{bucket}.{domain}"))),
            ("website_domain".to_string(), Value::str(domain)),
        ])))
    }

    async fn delete(&self, c: &Clients, at: &At) -> PResult<()> {
        let bucket = at.bucket.as_str();
        let r =
            c.s3.delete_bucket_website()
                .bucket(bucket)
                .send()
                .await
                .map_err(aws_err);
        absent_on(r, ABSENT).map(|_| ())
    }
}

/// The routing rules a website block sets: its `routing_rule` blocks, else its `routing_rules`
/// JSON document, else none. Both are Optional+Computed, so on a change (`prior` given) the one
/// left out holds what S3 had: the JSON document wins when only it changed, as the provider
/// decides.
pub fn configured_routing_rules(website: &Value, prior: Option<&Value>) -> PResult<Option<Vec<RoutingRule>>> {
    let changed = |k: &str| prior.is_some_and(|p| p.get(k) != website.get(k));
    let json_only = changed("routing_rules") && !changed("routing_rule");
    if let Some(blocks) = website
        .get("routing_rule")
        .as_list()
        .filter(|l| !l.is_empty() && !json_only)
    {
        return blocks.iter().map(routing_rule).collect::<PResult<Vec<_>>>().map(Some);
    }
    match opt_str(website, "routing_rules") {
        Some(doc) => routing_rules_from_json(&doc).map(Some),
        None => Ok(None),
    }
}

/// One `routing_rule` block as S3's rule; empty strings are unset, as the provider sends them.
fn routing_rule(block: &Value) -> PResult<RoutingRule> {
    let text = |v: &Value, k: &str| opt_str(v, k).filter(|s| !s.is_empty());
    let condition = first(block, "condition").map(|c| {
        Condition::builder()
            .set_http_error_code_returned_equals(text(c, "http_error_code_returned_equals"))
            .set_key_prefix_equals(text(c, "key_prefix_equals"))
            .build()
    });
    let redirect = first(block, "redirect").map(|r| {
        Redirect::builder()
            .set_host_name(text(r, "host_name"))
            .set_http_redirect_code(text(r, "http_redirect_code"))
            .set_protocol(text(r, "protocol").map(|p| Protocol::from(p.as_str())))
            .set_replace_key_prefix_with(text(r, "replace_key_prefix_with"))
            .set_replace_key_with(text(r, "replace_key_with"))
            .build()
    });
    Ok(RoutingRule::builder()
        .set_condition(condition)
        .set_redirect(redirect)
        .build())
}

/// The `routing_rules` JSON document (S3's `RoutingRules` in its JSON spelling: a list of
/// `{"Condition": {...}, "Redirect": {...}}`) as S3's rules. Names match without regard to
/// case and every value is a string, as the provider's decoding takes them.
pub fn routing_rules_from_json(doc: &str) -> PResult<Vec<RoutingRule>> {
    let bad = |m: String| ProviderError::msg(format!("routing_rules: {m}"));
    let parsed: serde_json::Value = serde_json::from_str(doc).map_err(|e| bad(e.to_string()))?;
    let items = parsed
        .as_array()
        .ok_or_else(|| bad("expected a JSON list of routing rules".into()))?;
    let field = |obj: &serde_json::Map<String, serde_json::Value>, name: &str| -> PResult<Option<String>> {
        match obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(bad(format!("{name} must be a string, not {other}"))),
        }
    };
    let part = |obj: &serde_json::Map<String, serde_json::Value>, name: &str| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_object().cloned())
    };
    items
        .iter()
        .map(|item| {
            let rule = item
                .as_object()
                .ok_or_else(|| bad(format!("a routing rule must be an object, not {item}")))?;
            let condition = match part(rule, "Condition") {
                Some(c) => Some(
                    Condition::builder()
                        .set_http_error_code_returned_equals(field(&c, "HttpErrorCodeReturnedEquals")?)
                        .set_key_prefix_equals(field(&c, "KeyPrefixEquals")?)
                        .build(),
                ),
                None => None,
            };
            let redirect = match part(rule, "Redirect") {
                Some(r) => Some(
                    Redirect::builder()
                        .set_host_name(field(&r, "HostName")?)
                        .set_http_redirect_code(field(&r, "HttpRedirectCode")?)
                        .set_protocol(
                            field(&r, "Protocol")?
                                .filter(|p| !p.is_empty())
                                .map(|p| Protocol::from(p.as_str())),
                        )
                        .set_replace_key_prefix_with(field(&r, "ReplaceKeyPrefixWith")?)
                        .set_replace_key_with(field(&r, "ReplaceKeyWith")?)
                        .build(),
                ),
                None => None,
            };
            Ok(RoutingRule::builder()
                .set_condition(condition)
                .set_redirect(redirect)
                .build())
        })
        .collect()
}

/// S3's routing rules as `routing_rule` blocks.
pub fn routing_rule_blocks(rules: &[RoutingRule]) -> Value {
    let one = |v: Option<Value>| Value::List(v.into_iter().collect());
    let text = |s: Option<&str>| Value::from(s);
    Value::List(
        rules
            .iter()
            .map(|r| {
                Value::object([
                    (
                        "condition",
                        one(r.condition().map(|c| {
                            Value::object([
                                (
                                    "http_error_code_returned_equals",
                                    text(c.http_error_code_returned_equals()),
                                ),
                                ("key_prefix_equals", text(c.key_prefix_equals())),
                            ])
                        })),
                    ),
                    (
                        "redirect",
                        one(r.redirect().map(|d| {
                            Value::object([
                                ("host_name", text(d.host_name())),
                                ("http_redirect_code", text(d.http_redirect_code())),
                                ("protocol", text(d.protocol().map(|p| p.as_str()))),
                                ("replace_key_prefix_with", text(d.replace_key_prefix_with())),
                                ("replace_key_with", text(d.replace_key_with())),
                            ])
                        })),
                    ),
                ])
            })
            .collect(),
    )
}

/// S3's routing rules as the `routing_rules` JSON document the provider records (S3's names,
/// unset parts left out); null when there are none.
pub fn routing_rules_json(rules: &[RoutingRule]) -> Value {
    if rules.is_empty() {
        return Value::Null;
    }
    let object = |pairs: Vec<(&str, Option<&str>)>| {
        serde_json::Value::Object(
            pairs
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_string(), serde_json::Value::String(v.into()))))
                .collect(),
        )
    };
    let list: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            if let Some(c) = r.condition() {
                m.insert(
                    "Condition".into(),
                    object(vec![
                        ("HttpErrorCodeReturnedEquals", c.http_error_code_returned_equals()),
                        ("KeyPrefixEquals", c.key_prefix_equals()),
                    ]),
                );
            }
            if let Some(d) = r.redirect() {
                m.insert(
                    "Redirect".into(),
                    object(vec![
                        ("HostName", d.host_name()),
                        ("HttpRedirectCode", d.http_redirect_code()),
                        ("Protocol", d.protocol().map(|p| p.as_str()).filter(|p| !p.is_empty())),
                        ("ReplaceKeyPrefixWith", d.replace_key_prefix_with()),
                        ("ReplaceKeyWith", d.replace_key_with()),
                    ]),
                );
            }
            serde_json::Value::Object(m)
        })
        .collect();
    Value::str(serde_json::Value::Array(list).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_rules_json_round_trips_in_any_case() {
        let doc = r#"[{"condition":{"KeyPrefixEquals":"docs/"},"Redirect":{"ReplaceKeyPrefixWith":"documents/"}},
                      {"Condition":{"HttpErrorCodeReturnedEquals":"404"},"Redirect":{"HostName":"h","Protocol":"https"}}]"#;
        let rules = routing_rules_from_json(doc).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].condition().and_then(|c| c.key_prefix_equals()), Some("docs/"));
        assert_eq!(rules[1].redirect().and_then(|r| r.protocol()), Some(&Protocol::Https));
        let back = routing_rules_json(&rules);
        assert_eq!(
            back.as_str().unwrap(),
            r#"[{"Condition":{"KeyPrefixEquals":"docs/"},"Redirect":{"ReplaceKeyPrefixWith":"documents/"}},{"Condition":{"HttpErrorCodeReturnedEquals":"404"},"Redirect":{"HostName":"h","Protocol":"https"}}]"#
        );
    }

    #[test]
    fn routing_rules_json_refuses_numbers_and_non_lists() {
        assert!(routing_rules_from_json(r#"[{"Condition":{"HttpErrorCodeReturnedEquals":404}}]"#).is_err());
        assert!(routing_rules_from_json(r#"{"Condition":{}}"#).is_err());
    }
}
