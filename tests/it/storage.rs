//! A frontend bucket with the S3 companion resources of the foundation stack: ownership
//! controls, CORS and website hosting, checked on the emulator through create, update in
//! place, drift, import and destroy.

use crate::support::{expect_code, sdk_config, Stack};

const REGION: &str = "us-west-2";

fn blueprint(origin: &str, ownership: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_s3_bucket" "frontend" {{
  bucket        = "${{var.name}}-frontend"
  force_destroy = true
}}

resource "aws_s3_bucket_ownership_controls" "frontend" {{
  bucket = aws_s3_bucket.frontend.id

  rule {{
    object_ownership = "{ownership}"
  }}
}}

resource "aws_s3_bucket_cors_configuration" "frontend" {{
  bucket = aws_s3_bucket.frontend.id

  cors_rule {{
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["{origin}"]
    allowed_headers = ["*"]
    max_age_seconds = 3000
  }}
}}

resource "aws_s3_bucket_website_configuration" "frontend" {{
  bucket = aws_s3_bucket.frontend.id

  index_document {{
    suffix = "index.html"
  }}

  error_document {{
    key = "error.html"
  }}
}}

output "website" {{
  value = aws_s3_bucket_website_configuration.frontend.website_endpoint
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn frontend_bucket_with_cors_website_and_ownership() {
    let stack = Stack::from_files(&[("main.tf", &blueprint("https://app.example.com", "BucketOwnerEnforced"))]);
    let name = stack.name.clone();
    let vars = ["-var".to_string(), format!("name={name}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(
        out.contains(&format!("{name}-frontend.s3-website-{REGION}.amazonaws.com")),
        "{out}"
    );

    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let bucket = format!("{name}-frontend");
    let cors = s3.get_bucket_cors().bucket(&bucket).send().await.unwrap();
    assert_eq!(cors.cors_rules()[0].allowed_origins(), ["https://app.example.com"]);
    assert_eq!(cors.cors_rules()[0].max_age_seconds(), Some(3000));
    let site = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    assert_eq!(site.index_document().map(|d| d.suffix()), Some("index.html"));
    assert_eq!(site.error_document().map(|d| d.key()), Some("error.html"));
    let own = s3.get_bucket_ownership_controls().bucket(&bucket).send().await.unwrap();
    assert_eq!(
        own.ownership_controls().unwrap().rules()[0].object_ownership().as_str(),
        "BucketOwnerEnforced"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint("https://www.example.com", "BucketOwnerPreferred"),
    )
    .unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 2 changed, 0 destroyed"), "{out}");
    let cors = s3.get_bucket_cors().bucket(&bucket).send().await.unwrap();
    assert_eq!(cors.cors_rules()[0].allowed_origins(), ["https://www.example.com"]);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: website hosting removed outside is put back.
    s3.delete_bucket_website().bucket(&bucket).send().await.unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_s3_bucket_website_configuration.frontend will be created"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(s3.get_bucket_website().bucket(&bucket).send().await.is_ok());

    stack.reimport_all(&vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(s3.head_bucket().bucket(&bucket).send().await.is_err());
}

fn table(indexes: &str, extra_attributes: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_dynamodb_table" "sessions" {{
  name         = "${{var.name}}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "session_id"
  range_key    = "created_at"

  attribute {{
    name = "session_id"
    type = "S"
  }}

  attribute {{
    name = "created_at"
    type = "N"
  }}

  attribute {{
    name = "user_id"
    type = "S"
  }}

  {extra_attributes}

  {indexes}

  local_secondary_index {{
    name            = "by_session_recent"
    range_key       = "user_id"
    projection_type = "KEYS_ONLY"
  }}

  ttl {{
    attribute_name = "expires_at"
    enabled        = true
  }}

  point_in_time_recovery {{
    enabled = true
  }}

  server_side_encryption {{
    enabled = true
  }}
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamodb_table_with_secondary_indexes() {
    let by_user = r#"global_secondary_index {
    name               = "by_user"
    hash_key           = "user_id"
    range_key          = "created_at"
    projection_type    = "INCLUDE"
    non_key_attributes = ["status"]
  }"#;
    let by_tenant = r#"global_secondary_index {
    name            = "by_tenant"
    hash_key        = "tenant_id"
    projection_type = "ALL"
  }"#;
    let tenant = r#"attribute {
    name = "tenant_id"
    type = "S"
  }"#;
    let stack = Stack::from_files(&[("main.tf", &table(by_user, ""))]);
    let name = stack.name.clone();
    let vars = ["-var".to_string(), format!("name={name}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let describe = || {
        let ddb = ddb.clone();
        let table = format!("{name}-sessions");
        async move {
            ddb.describe_table()
                .table_name(table)
                .send()
                .await
                .unwrap()
                .table()
                .unwrap()
                .clone()
        }
    };
    let t = describe().await;
    let gsi_names = |t: &aws_sdk_dynamodb::types::TableDescription| -> Vec<String> {
        let mut n: Vec<String> = t
            .global_secondary_indexes()
            .iter()
            .filter_map(|i| i.index_name().map(str::to_string))
            .collect();
        n.sort();
        n
    };
    assert_eq!(gsi_names(&t), ["by_user"]);
    let gsi = &t.global_secondary_indexes()[0];
    assert_eq!(
        gsi.projection().and_then(|p| p.projection_type()).map(|p| p.as_str()),
        Some("INCLUDE")
    );
    assert_eq!(t.local_secondary_indexes().len(), 1);
    let pitr = ddb
        .describe_continuous_backups()
        .table_name(format!("{name}-sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pitr.continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str()),
        Some("ENABLED")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A GSI added and one removed: in place, the table and its data stay.
    std::fs::write(stack.path.join("main.tf"), table(by_tenant, tenant)).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 1 changed, 0 destroyed"), "{out}");
    assert_eq!(gsi_names(&describe().await), ["by_tenant"]);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    stack.reimport_all(&vars);
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(ddb
        .describe_table()
        .table_name(format!("{name}-sessions"))
        .send()
        .await
        .is_err());
}

/// A website with routing rules (as blocks, or as the JSON document) and a lifecycle rule
/// filtered by an `and` of prefix, tags and object sizes.
fn rules_blueprint(routing: &str, and_prefix: &str, minimum_size: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_s3_bucket" "site" {{
  bucket        = "${{var.name}}-site"
  force_destroy = true
}}

resource "aws_s3_bucket_website_configuration" "site" {{
  bucket = aws_s3_bucket.site.id

  index_document {{
    suffix = "index.html"
  }}
{routing}
}}

resource "aws_s3_bucket_lifecycle_configuration" "site" {{
  bucket = aws_s3_bucket.site.id
{minimum_size}
  rule {{
    id     = "logs"
    status = "Enabled"

    filter {{
      and {{
        prefix                   = "{and_prefix}"
        object_size_greater_than = 500
        object_size_less_than    = 64000
        tags = {{
          rule      = "logs"
          autoclean = "true"
        }}
      }}
    }}

    expiration {{
      days = 90
    }}
  }}
}}
"#
    )
}

const ROUTING_BLOCKS: &str = r#"
  routing_rule {
    condition {
      key_prefix_equals = "docs/"
    }
    redirect {
      replace_key_prefix_with = "documents/"
    }
  }

  routing_rule {
    condition {
      http_error_code_returned_equals = 404
      key_prefix_equals               = "archive/"
    }
    redirect {
      host_name          = "archive.myhost.com"
      http_redirect_code = 301
      protocol           = "https"
      replace_key_with   = "not_found.html"
    }
  }
"#;

const ROUTING_JSON: &str = r#"
  routing_rules = jsonencode([{
    Condition = { KeyPrefixEquals = "img/" }
    Redirect  = { ReplaceKeyPrefixWith = "images/", Protocol = "https" }
  }])
"#;

#[tokio::test(flavor = "multi_thread")]
async fn website_routing_rules_and_lifecycle_and_filter() {
    let minimum = "  transition_default_minimum_object_size = \"varies_by_storage_class\"\n";
    let stack = Stack::from_files(&[("main.tf", &rules_blueprint(ROUTING_BLOCKS, "logs/", minimum))]);
    let name = stack.name.clone();
    let vars = ["-var".to_string(), format!("name={name}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let bucket = format!("{name}-site");
    let site = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    let rules = site.routing_rules();
    assert_eq!(rules.len(), 2, "{site:?}");
    assert_eq!(rules[0].condition().and_then(|c| c.key_prefix_equals()), Some("docs/"));
    assert_eq!(
        rules[0].redirect().and_then(|r| r.replace_key_prefix_with()),
        Some("documents/")
    );
    let second = rules[1].redirect().unwrap();
    assert_eq!(
        rules[1].condition().and_then(|c| c.http_error_code_returned_equals()),
        Some("404")
    );
    assert_eq!(second.host_name(), Some("archive.myhost.com"));
    assert_eq!(second.http_redirect_code(), Some("301"));
    assert_eq!(second.protocol().map(|p| p.as_str()), Some("https"));
    assert_eq!(second.replace_key_with(), Some("not_found.html"));

    let life = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(
        life.transition_default_minimum_object_size().map(|s| s.as_str()),
        Some("varies_by_storage_class")
    );
    let and = life.rules()[0].filter().and_then(|f| f.and()).expect("an And filter");
    assert_eq!(and.prefix(), Some("logs/"));
    assert_eq!(and.object_size_greater_than(), Some(500));
    assert_eq!(and.object_size_less_than(), Some(64000));
    let mut tags: Vec<(&str, &str)> = and.tags().iter().map(|t| (t.key(), t.value())).collect();
    tags.sort();
    assert_eq!(tags, [("autoclean", "true"), ("rule", "logs")]);
    // The JSON form is read back beside the blocks.
    let state = stack.flat_state();
    let json = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_s3_bucket_website_configuration.site")
        .and_then(|r| r["attributes"]["routing_rules"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(json.contains(r#""ReplaceKeyWith":"not_found.html""#), "{json}");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: the rules become a JSON document, the And prefix changes and the minimum
    // size goes back to the provider's default.
    std::fs::write(stack.path.join("main.tf"), rules_blueprint(ROUTING_JSON, "audit/", "")).unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 2 changed, 0 destroyed"), "{out}");
    let site = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    assert_eq!(site.routing_rules().len(), 1, "{site:?}");
    let only = &site.routing_rules()[0];
    assert_eq!(only.condition().and_then(|c| c.key_prefix_equals()), Some("img/"));
    assert_eq!(
        only.redirect().and_then(|r| r.replace_key_prefix_with()),
        Some("images/")
    );
    let life = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(
        life.transition_default_minimum_object_size().map(|s| s.as_str()),
        Some("all_storage_classes_128K")
    );
    let and = life.rules()[0].filter().and_then(|f| f.and()).unwrap();
    assert_eq!(and.prefix(), Some("audit/"));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: routing rules changed outside are seen and put back.
    let drifted = aws_sdk_s3::types::WebsiteConfiguration::builder()
        .index_document(
            aws_sdk_s3::types::IndexDocument::builder()
                .suffix("index.html")
                .build()
                .unwrap(),
        )
        .routing_rules(
            aws_sdk_s3::types::RoutingRule::builder()
                .redirect(
                    aws_sdk_s3::types::Redirect::builder()
                        .host_name("elsewhere.example.com")
                        .build(),
                )
                .build(),
        )
        .build();
    s3.put_bucket_website()
        .bucket(&bucket)
        .website_configuration(drifted)
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_s3_bucket_website_configuration.site will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let site = s3.get_bucket_website().bucket(&bucket).send().await.unwrap();
    assert_eq!(
        site.routing_rules()[0].condition().and_then(|c| c.key_prefix_equals()),
        Some("img/")
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(s3.head_bucket().bucket(&bucket).send().await.is_err());
}
