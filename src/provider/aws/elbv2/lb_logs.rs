//! The `access_logs` and `connection_logs` blocks of `aws_lb`: each is three load balancer
//! attributes (`<kind>.s3.enabled`, `.bucket`, `.prefix`), written and read as the AWS
//! provider does.
//!
//! The provider always records one block read back from AWS, and ignores differences in
//! `bucket` and `prefix` while logging is off (a disabled block may name any bucket, or none
//! that exists): [`read_block`] keeps the recorded bucket and prefix in that case.

use crate::provider::aws::common::first;
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;

/// Which of the two log blocks.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Logs {
    /// `access_logs`: application and network load balancers.
    Access,
    /// `connection_logs`: application load balancers only.
    Connection,
}

impl Logs {
    /// The block's argument name.
    pub fn block(self) -> &'static str {
        match self {
            Logs::Access => "access_logs",
            Logs::Connection => "connection_logs",
        }
    }

    fn key(self, field: &str) -> String {
        format!("{}.s3.{field}", self.block())
    }
}

fn attribute(key: String, value: impl Into<String>) -> LoadBalancerAttribute {
    LoadBalancerAttribute::builder().key(key).value(value).build()
}

/// The attributes that write a block (`block` is the resource's whole value). Without a block
/// logging is turned off, as the provider does at create and when the block goes away. The
/// bucket and prefix go only with logging on; at create an empty one is left out, on update
/// it is sent (so a prefix removed from the blueprint is cleared in AWS).
pub fn to_attributes(v: &Value, logs: Logs, update: bool) -> Vec<LoadBalancerAttribute> {
    let Some(b) = first(v, logs.block()) else {
        return vec![attribute(logs.key("enabled"), "false")];
    };
    let enabled = b.get("enabled").as_bool().unwrap_or(false);
    let mut out = vec![attribute(logs.key("enabled"), enabled.to_string())];
    if enabled {
        for field in ["bucket", "prefix"] {
            let text = b.get(field).to_plain_string().unwrap_or_default();
            if update || !text.is_empty() {
                out.push(attribute(logs.key(field), text));
            }
        }
    }
    out
}

/// The block as AWS holds it, given the load balancer's attributes; `prior` is the resource's
/// recorded (or planned) value. While logging is off the recorded bucket and prefix stand.
pub fn read_block(attrs: &[LoadBalancerAttribute], logs: Logs, prior: &Value) -> Value {
    let get = |field: &str| {
        let key = logs.key(field);
        attrs
            .iter()
            .find(|a| a.key() == Some(key.as_str()))
            .and_then(|a| a.value())
            .unwrap_or_default()
            .to_string()
    };
    let enabled = get("enabled") == "true";
    let recorded = first(prior, logs.block()).filter(|_| !enabled);
    let field = |name: &str| match recorded {
        Some(r) if !matches!(r.get(name), Value::Unknown) => r.get(name).clone(),
        _ => Value::str(get(name)),
    };
    Value::List(vec![Value::object([
        ("bucket", field("bucket")),
        ("enabled", Value::Bool(enabled)),
        ("prefix", field("prefix")),
    ])])
}

/// The provider ignores a new bucket or prefix while the planned block keeps logging off: the
/// recorded ones stay planned, so the plan shows no change for them.
pub fn keep_while_disabled(prior: &Value, planned: &mut Value, logs: Logs) {
    let Some(recorded) = first(prior, logs.block()).cloned() else {
        return;
    };
    let Value::Object(top) = planned else {
        return;
    };
    let Some(Value::List(items)) = top.get_mut(logs.block()) else {
        return;
    };
    if let Some(Value::Object(b)) = items.first_mut() {
        if b.get("enabled").and_then(Value::as_bool) == Some(false) {
            for field in ["bucket", "prefix"] {
                b.insert(field.to_string(), recorded.get(field).clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> Vec<LoadBalancerAttribute> {
        pairs.iter().map(|(k, v)| attribute(k.to_string(), *v)).collect()
    }

    fn keys(a: &[LoadBalancerAttribute]) -> Vec<(String, String)> {
        a.iter()
            .map(|a| (a.key().unwrap_or_default().into(), a.value().unwrap_or_default().into()))
            .collect()
    }

    fn lb(block: Value) -> Value {
        Value::object([("access_logs", Value::List(vec![block]))])
    }

    #[test]
    fn a_disabled_block_plans_the_recorded_bucket_and_prefix() {
        let prior = lb(Value::object([
            ("bucket", Value::str("old")),
            ("enabled", Value::Bool(true)),
            ("prefix", Value::str("a")),
        ]));
        let mut planned = lb(Value::object([
            ("bucket", Value::str("new")),
            ("enabled", Value::Bool(false)),
            ("prefix", Value::str("b")),
        ]));
        keep_while_disabled(&prior, &mut planned, Logs::Access);
        let b = &planned.get("access_logs").as_list().unwrap()[0];
        assert_eq!(
            (b.get("bucket"), b.get("prefix")),
            (&Value::str("old"), &Value::str("a"))
        );
        let mut on = lb(Value::object([
            ("bucket", Value::str("new")),
            ("enabled", Value::Bool(true)),
        ]));
        keep_while_disabled(&prior, &mut on, Logs::Access);
        assert_eq!(
            on.get("access_logs").as_list().unwrap()[0].get("bucket"),
            &Value::str("new")
        );
    }

    #[test]
    fn no_block_turns_logging_off() {
        let got = keys(&to_attributes(&Value::object::<&str>([]), Logs::Connection, false));
        assert_eq!(got, vec![("connection_logs.s3.enabled".into(), "false".into())]);
    }

    #[test]
    fn enabled_block_writes_bucket_and_prefix_but_an_empty_prefix_only_on_update() {
        let v = lb(Value::object([
            ("bucket", Value::str("logs")),
            ("enabled", Value::Bool(true)),
        ]));
        let create = keys(&to_attributes(&v, Logs::Access, false));
        assert_eq!(
            create,
            vec![
                ("access_logs.s3.enabled".into(), "true".into()),
                ("access_logs.s3.bucket".into(), "logs".into())
            ]
        );
        let update = keys(&to_attributes(&v, Logs::Access, true));
        assert_eq!(update.len(), 3);
        assert_eq!(update[2], ("access_logs.s3.prefix".into(), "".into()));
    }

    #[test]
    fn disabled_block_sends_no_bucket() {
        let v = lb(Value::object([
            ("bucket", Value::str("nowhere")),
            ("enabled", Value::Bool(false)),
        ]));
        assert_eq!(keys(&to_attributes(&v, Logs::Access, true)).len(), 1);
    }

    #[test]
    fn read_keeps_the_recorded_bucket_while_logging_is_off() {
        let prior = lb(Value::object([
            ("bucket", Value::str("planned")),
            ("enabled", Value::Bool(false)),
            ("prefix", Value::str("p")),
        ]));
        let off = read_block(&attrs(&[("access_logs.s3.bucket", "")]), Logs::Access, &prior);
        assert_eq!(off.as_list().unwrap()[0].get("bucket"), &Value::str("planned"));
        assert_eq!(off.as_list().unwrap()[0].get("enabled"), &Value::Bool(false));
        let on = read_block(
            &attrs(&[
                ("access_logs.s3.enabled", "true"),
                ("access_logs.s3.bucket", "real"),
                ("access_logs.s3.prefix", "x"),
            ]),
            Logs::Access,
            &prior,
        );
        let on = &on.as_list().unwrap()[0];
        assert_eq!(on.get("bucket"), &Value::str("real"));
        assert_eq!(on.get("prefix"), &Value::str("x"));
        assert_eq!(on.get("enabled"), &Value::Bool(true));
    }
}
