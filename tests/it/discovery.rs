//! AWS Cloud Map against the emulator: two private DNS namespaces in one VPC, a public DNS and
//! an HTTP namespace, a service with SRV records and a custom health check, another found only
//! through the API. Create, read back, plan clean, change in place and by replacement, drift,
//! import (a private namespace as `NAMESPACE_ID:VPC_ID`), destroy to nothing.

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "us-west-2";

fn blueprint(ttl: u32, description: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_vpc" "this" {{
  cidr_block           = "10.61.0.0/16"
  enable_dns_hostnames = true
}}

resource "aws_service_discovery_private_dns_namespace" "internal" {{
  name        = "${{var.name}}.local"
  description = "{description}"
  vpc         = aws_vpc.this.id
}}

resource "aws_service_discovery_private_dns_namespace" "ops" {{
  name = "ops.${{var.name}}.local"
  vpc  = aws_vpc.this.id
}}

resource "aws_service_discovery_public_dns_namespace" "public" {{
  name        = "${{var.name}}.example.com"
  description = "{description}"
}}

resource "aws_service_discovery_http_namespace" "api" {{
  name        = "${{var.name}}-http"
  description = "{description}"
  tags = {{
    Team = "platform"
  }}
}}

resource "aws_service_discovery_service" "api" {{
  name        = "api-service"
  description = "{description}"
  dns_config {{
    namespace_id   = aws_service_discovery_private_dns_namespace.internal.id
    routing_policy = "MULTIVALUE"
    dns_records {{
      ttl  = {ttl}
      type = "SRV"
    }}
  }}
  health_check_custom_config {{
    failure_threshold = 1
  }}
}}

resource "aws_service_discovery_service" "jobs" {{
  name         = "jobs"
  namespace_id = aws_service_discovery_http_namespace.api.id
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn namespaces_and_services() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(10, "first"))]);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("7 added"), "{out}");

    let conf = sdk_config(REGION).await;
    let sd = aws_sdk_servicediscovery::Client::new(&conf);
    let namespace = |id: String| {
        let sd = sd.clone();
        async move {
            sd.get_namespace()
                .id(id)
                .send()
                .await
                .unwrap()
                .namespace()
                .cloned()
                .unwrap()
        }
    };
    let internal = namespace(stack.state_id("aws_service_discovery_private_dns_namespace.internal")).await;
    assert_eq!(internal.name(), Some(format!("{}.local", stack.name).as_str()));
    assert_eq!(internal.description(), Some("first"));
    assert!(internal
        .properties()
        .and_then(|p| p.dns_properties())
        .and_then(|d| d.hosted_zone_id())
        .is_some());
    let ops = namespace(stack.state_id("aws_service_discovery_private_dns_namespace.ops")).await;
    assert_eq!(
        ops.r#type().map(|t| t.as_str()),
        Some("DNS_PRIVATE"),
        "a second namespace in the VPC"
    );
    let http = namespace(stack.state_id("aws_service_discovery_http_namespace.api")).await;
    assert_eq!(http.r#type().map(|t| t.as_str()), Some("HTTP"));
    let tags = sd
        .list_tags_for_resource()
        .resource_arn(http.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags.tags().iter().any(|t| t.key() == "Team" && t.value() == "platform"));
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == "infractl:address" && t.value() == "aws_service_discovery_http_namespace.api"));
    let api_id = stack.state_id("aws_service_discovery_service.api");
    let api = sd
        .get_service()
        .id(&api_id)
        .send()
        .await
        .unwrap()
        .service()
        .cloned()
        .unwrap();
    assert_eq!(api.namespace_id(), internal.id());
    let dns = api.dns_config().unwrap();
    assert_eq!(dns.routing_policy().map(|p| p.as_str()), Some("MULTIVALUE"));
    assert_eq!(dns.dns_records()[0].r#type().as_str(), "SRV");
    assert_eq!(dns.dns_records()[0].ttl(), 10);
    assert!(api.health_check_custom_config().is_some());
    let jobs = sd
        .get_service()
        .id(stack.state_id("aws_service_discovery_service.jobs"))
        .send()
        .await
        .unwrap();
    assert_eq!(jobs.service().unwrap().namespace_id(), http.id());
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // TTL and descriptions change in place, except an HTTP namespace's, which is replaced
    // (and its service with it, as it names the namespace).
    std::fs::write(stack.path.join("main.tf"), blueprint(60, "second")).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("2 added, 3 changed, 2 destroyed"), "{out}");
    let api = sd
        .get_service()
        .id(&api_id)
        .send()
        .await
        .unwrap()
        .service()
        .cloned()
        .unwrap();
    assert_eq!(api.dns_config().unwrap().dns_records()[0].ttl(), 60);
    assert_eq!(api.description(), Some("second"));
    let internal = namespace(internal.id().unwrap().to_string()).await;
    assert_eq!(internal.description(), Some("second"));
    assert!(
        sd.get_namespace().id(http.id().unwrap()).send().await.is_err(),
        "the old HTTP namespace is gone"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: records changed outside are put back.
    sd.update_service()
        .id(&api_id)
        .service(
            aws_sdk_servicediscovery::types::ServiceChange::builder()
                .description("second")
                .dns_config(
                    aws_sdk_servicediscovery::types::DnsConfigChange::builder()
                        .dns_records(
                            aws_sdk_servicediscovery::types::DnsRecord::builder()
                                .r#type(aws_sdk_servicediscovery::types::RecordType::Srv)
                                .ttl(300)
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = run(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("aws_service_discovery_service.api will be updated in-place"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let api = sd
        .get_service()
        .id(&api_id)
        .send()
        .await
        .unwrap()
        .service()
        .cloned()
        .unwrap();
    assert_eq!(api.dns_config().unwrap().dns_records()[0].ttl(), 60);

    stack.reimport_all(&vars);

    let ids: Vec<String> = [
        "aws_service_discovery_private_dns_namespace.internal",
        "aws_service_discovery_private_dns_namespace.ops",
        "aws_service_discovery_public_dns_namespace.public",
        "aws_service_discovery_http_namespace.api",
    ]
    .iter()
    .map(|a| stack.state_id(a))
    .collect();
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    for id in &ids {
        assert!(sd.get_namespace().id(id).send().await.is_err(), "{id} is gone");
    }
    assert!(sd.get_service().id(&api_id).send().await.is_err());
}
