//! A listener's attributes (ModifyListenerAttributes / DescribeListenerAttributes): one argument
//! each, written and read only for the protocols AWS takes them on, as the provider does. An
//! argument set for a protocol that does not take it is never sent and keeps its recorded value
//! (the provider suppresses that diff), so it plans no change.

use crate::provider::aws::common::{opt_str, recorded};
use crate::schema::Schema;
use crate::value::Value;
use aws_sdk_elasticloadbalancingv2::types::ListenerAttribute;
use indexmap::IndexMap;

const TCP: &[&str] = &["TCP", "GENEVE"];
const HTTP: &[&str] = &["HTTP", "HTTPS"];
const HTTPS: &[&str] = &["HTTPS"];

/// (argument, AWS key, the listener protocols that take it), from the provider's table.
pub const ATTRIBUTES: &[(&str, &str, &[&str])] = &[
    ("tcp_idle_timeout_seconds", "tcp.idle_timeout.seconds", TCP),
    (
        "routing_http_request_x_amzn_mtls_clientcert_header_name",
        "routing.http.request.x_amzn_mtls_clientcert.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_issuer_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_issuer.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_leaf_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_leaf.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_serial_number_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_subject_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_subject.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_mtls_clientcert_validity_header_name",
        "routing.http.request.x_amzn_mtls_clientcert_validity.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_tls_cipher_suite_header_name",
        "routing.http.request.x_amzn_tls_cipher_suite.header_name",
        HTTPS,
    ),
    (
        "routing_http_request_x_amzn_tls_version_header_name",
        "routing.http.request.x_amzn_tls_version.header_name",
        HTTPS,
    ),
    (
        "routing_http_response_access_control_allow_credentials_header_value",
        "routing.http.response.access_control_allow_credentials.header_value",
        HTTP,
    ),
    (
        "routing_http_response_access_control_allow_headers_header_value",
        "routing.http.response.access_control_allow_headers.header_value",
        HTTP,
    ),
    (
        "routing_http_response_access_control_allow_methods_header_value",
        "routing.http.response.access_control_allow_methods.header_value",
        HTTP,
    ),
    (
        "routing_http_response_access_control_allow_origin_header_value",
        "routing.http.response.access_control_allow_origin.header_value",
        HTTP,
    ),
    (
        "routing_http_response_access_control_expose_headers_header_value",
        "routing.http.response.access_control_expose_headers.header_value",
        HTTP,
    ),
    (
        "routing_http_response_access_control_max_age_header_value",
        "routing.http.response.access_control_max_age.header_value",
        HTTP,
    ),
    (
        "routing_http_response_content_security_policy_header_value",
        "routing.http.response.content_security_policy.header_value",
        HTTP,
    ),
    (
        "routing_http_response_server_enabled",
        "routing.http.response.server.enabled",
        HTTP,
    ),
    (
        "routing_http_response_strict_transport_security_header_value",
        "routing.http.response.strict_transport_security.header_value",
        HTTP,
    ),
    (
        "routing_http_response_x_content_type_options_header_value",
        "routing.http.response.x_content_type_options.header_value",
        HTTP,
    ),
    (
        "routing_http_response_x_frame_options_header_value",
        "routing.http.response.x_frame_options.header_value",
        HTTP,
    ),
];

/// The listener's protocol as AWS knows it: a Gateway Load Balancer's listener names none and
/// is GENEVE.
pub fn protocol(v: &Value) -> String {
    match opt_str(v, "protocol") {
        Some(p) if !p.is_empty() => p.to_uppercase(),
        _ if opt_str(v, "load_balancer_arn").is_some_and(|a| a.contains("loadbalancer/gwy/")) => "GENEVE".into(),
        _ => String::new(),
    }
}

/// Whether AWS answers DescribeListenerAttributes for this protocol (it does not for TLS, which
/// the provider therefore never asks).
pub fn described(protocol: &str) -> bool {
    protocol != "TLS"
}

/// The attributes to write: after create (`prior` none) those the blueprint sets, after an
/// update those that changed; only the protocol's, and never an empty string or a zero idle
/// timeout, which the provider leaves to AWS.
pub fn to_write(prior: Option<&Value>, planned: &Value) -> Vec<ListenerAttribute> {
    let proto = protocol(planned);
    ATTRIBUTES
        .iter()
        .filter(|(.., protocols)| protocols.contains(&proto.as_str()))
        .filter(|(arg, ..)| prior.is_none_or(|p| p.get(arg) != planned.get(arg)))
        .filter_map(|(arg, key, _)| {
            let v = match planned.get(arg) {
                Value::Null | Value::Unknown => return None,
                v => v.to_plain_string()?,
            };
            (!v.is_empty() && v != "0").then(|| ListenerAttribute::builder().key(*key).value(v).build())
        })
        .collect()
}

/// Plans no change to an attribute the listener's (new) protocol does not take: it is never
/// sent, so what is recorded stays (the provider's DiffSuppressFunc). An unknown protocol
/// suppresses nothing.
pub fn suppress_other_protocols(prior: &Value, planned: &mut Value) {
    if matches!(planned.get("protocol"), Value::Unknown) {
        return;
    }
    let proto = protocol(planned);
    let Value::Object(m) = planned else {
        return;
    };
    for (arg, _, protocols) in ATTRIBUTES {
        if !protocols.contains(&proto.as_str()) {
            m.insert(arg.to_string(), prior.get(arg).clone());
        }
    }
}

/// Reads the attribute arguments into `m` from what AWS answers; an attribute AWS does not
/// answer for this listener keeps its recorded value, as the provider's read leaves it.
pub fn read_into(m: &mut IndexMap<String, Value>, schema: &Schema, attrs: &[ListenerAttribute], prior: &Value) {
    for (arg, key, _) in ATTRIBUTES {
        let live = attrs.iter().find(|a| a.key() == Some(*key)).and_then(|a| a.value());
        let v = match (live, schema.attrs.get(*arg)) {
            (Some(text), Some(a)) => a.ty.convert(Value::str(text)).unwrap_or(Value::Null),
            _ => recorded(prior, arg),
        };
        m.insert(arg.to_string(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[ListenerAttribute]) -> Vec<(&str, &str)> {
        v.iter()
            .map(|a| (a.key().unwrap_or_default(), a.value().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn only_the_protocols_attributes_are_written() {
        let planned = Value::object([
            ("protocol", Value::str("HTTP")),
            ("routing_http_response_server_enabled", Value::Bool(false)),
            (
                "routing_http_request_x_amzn_tls_version_header_name",
                Value::str("X-Tls"),
            ),
            ("tcp_idle_timeout_seconds", Value::Number(120.0)),
            ("routing_http_response_x_frame_options_header_value", Value::str("")),
        ]);
        assert_eq!(
            keys(&to_write(None, &planned)),
            vec![("routing.http.response.server.enabled", "false")]
        );
        let nlb = Value::object([
            ("protocol", Value::str("tcp")),
            ("tcp_idle_timeout_seconds", Value::Number(120.0)),
        ]);
        assert_eq!(keys(&to_write(None, &nlb)), vec![("tcp.idle_timeout.seconds", "120")]);
    }

    #[test]
    fn an_update_writes_what_changed() {
        let prior = Value::object([
            ("protocol", Value::str("HTTPS")),
            ("routing_http_response_server_enabled", Value::Bool(true)),
            ("routing_http_request_x_amzn_tls_version_header_name", Value::str("A")),
        ]);
        let planned = Value::object([
            ("protocol", Value::str("HTTPS")),
            ("routing_http_response_server_enabled", Value::Bool(true)),
            ("routing_http_request_x_amzn_tls_version_header_name", Value::str("B")),
        ]);
        assert_eq!(
            keys(&to_write(Some(&prior), &planned)),
            vec![("routing.http.request.x_amzn_tls_version.header_name", "B")]
        );
    }

    #[test]
    fn other_protocols_attributes_plan_no_change() {
        let prior = Value::object([
            ("protocol", Value::str("HTTP")),
            ("routing_http_request_x_amzn_tls_version_header_name", Value::Null),
            ("routing_http_response_server_enabled", Value::Bool(true)),
        ]);
        let mut planned = Value::object([
            ("protocol", Value::str("HTTP")),
            (
                "routing_http_request_x_amzn_tls_version_header_name",
                Value::str("X-Tls"),
            ),
            ("routing_http_response_server_enabled", Value::Bool(false)),
        ]);
        suppress_other_protocols(&prior, &mut planned);
        assert_eq!(
            planned.get("routing_http_request_x_amzn_tls_version_header_name"),
            &Value::Null
        );
        assert_eq!(planned.get("routing_http_response_server_enabled"), &Value::Bool(false));
    }

    #[test]
    fn a_gateway_listener_is_geneve() {
        let v = Value::object([(
            "load_balancer_arn",
            Value::str("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/gwy/g/1"),
        )]);
        assert_eq!(protocol(&v), "GENEVE");
        assert!(!described("TLS"));
    }
}
