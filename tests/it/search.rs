//! OpenSearch Serverless: encryption and network policies, a data access policy and a vector
//! search collection (the foundation's semantic cache) against the emulator.

use crate::support::{expect_code, sdk_config, Stack};

const REGION: &str = "us-west-2";

fn blueprint(description: &str, permissions: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

data "aws_caller_identity" "current" {{}}

resource "aws_opensearchserverless_security_policy" "encryption" {{
  name = "${{var.name}}-enc"
  type = "encryption"
  policy = jsonencode({{
    Rules       = [{{ ResourceType = "collection", Resource = ["collection/${{var.name}}*"] }}]
    AWSOwnedKey = true
  }})
}}

resource "aws_opensearchserverless_security_policy" "network" {{
  name = "${{var.name}}-net"
  type = "network"
  policy = jsonencode([{{
    Rules           = [{{ ResourceType = "collection", Resource = ["collection/${{var.name}}*"] }}]
    AllowFromPublic = true
  }}])
}}

resource "aws_opensearchserverless_access_policy" "app" {{
  name = "${{var.name}}-app"
  type = "data"
  policy = jsonencode([{{
    Rules = [{{
      ResourceType = "index"
      Resource     = ["index/${{var.name}}-cache/*"]
      Permission   = [{permissions}]
    }}]
    Principal = [data.aws_caller_identity.current.arn]
  }}])
}}

resource "aws_opensearchserverless_collection" "cache" {{
  name        = "${{var.name}}-cache"
  type        = "VECTORSEARCH"
  description = "{description}"

  tags = {{
    Purpose = "semantic-cache"
  }}

  depends_on = [
    aws_opensearchserverless_security_policy.encryption,
    aws_opensearchserverless_security_policy.network,
  ]
}}

output "endpoint" {{
  value = aws_opensearchserverless_collection.cache.collection_endpoint
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn vector_collection_with_policies() {
    let read_only = r#""aoss:ReadDocument""#;
    let read_write = r#""aoss:ReadDocument", "aoss:WriteDocument""#;
    let stack = Stack::from_files(&[("main.tf", &blueprint("semantic cache", read_only))]);
    // Collection names allow 32 lowercase characters.
    let name = format!("c{}", &stack.name[4..12]);
    let vars = ["-var".to_string(), format!("name={name}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let aoss = aws_sdk_opensearchserverless::Client::new(&conf);
    let id = stack.state_id("aws_opensearchserverless_collection.cache");
    let get = || {
        let aoss = aoss.clone();
        let id = id.clone();
        async move {
            aoss.batch_get_collection()
                .ids(id)
                .send()
                .await
                .unwrap()
                .collection_details()
                .first()
                .cloned()
        }
    };
    let c = get().await.unwrap();
    assert_eq!(c.status().map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(c.r#type().map(|t| t.as_str()), Some("VECTORSEARCH"));
    assert_eq!(c.description(), Some("semantic cache"));
    let tags = aoss
        .list_tags_for_resource()
        .resource_arn(c.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == "Purpose" && t.value() == "semantic-cache"));
    let access = aoss
        .get_access_policy()
        .name(format!("{name}-app"))
        .r#type(aws_sdk_opensearchserverless::types::AccessPolicyType::Data)
        .send()
        .await
        .unwrap();
    let policy = infractl::provider::aws::opensearchserverless::document_json(
        access.access_policy_detail().unwrap().policy().unwrap(),
    );
    assert!(
        policy.contains("aoss:ReadDocument") && !policy.contains("aoss:WriteDocument"),
        "{policy}"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: the collection's description and the access policy's permissions.
    std::fs::write(stack.path.join("main.tf"), blueprint("semantic cache v2", read_write)).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 2 changed, 0 destroyed"), "{out}");
    assert_eq!(get().await.unwrap().description(), Some("semantic cache v2"));
    let access = aoss
        .get_access_policy()
        .name(format!("{name}-app"))
        .r#type(aws_sdk_opensearchserverless::types::AccessPolicyType::Data)
        .send()
        .await
        .unwrap();
    let policy = infractl::provider::aws::opensearchserverless::document_json(
        access.access_policy_detail().unwrap().policy().unwrap(),
    );
    assert!(policy.contains("aoss:WriteDocument"), "{policy}");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    stack.reimport_all(&vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(get().await.is_none());
    assert!(aoss
        .get_security_policy()
        .name(format!("{name}-enc"))
        .r#type(aws_sdk_opensearchserverless::types::SecurityPolicyType::Encryption)
        .send()
        .await
        .is_err());
}
