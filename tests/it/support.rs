//! Shared test helpers: a private copy of a blueprint per test, running the binary, SDK clients.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The emulator endpoint the tests use.
pub fn endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// A blueprint copied into a temporary folder with a unique name (the stack name), with its
/// own state folder, so tests can run concurrently.
pub struct Stack {
    _dir: tempfile::TempDir,
    /// The blueprint folder.
    pub path: PathBuf,
    /// The stack name (the folder's name).
    pub name: String,
    state_dir: PathBuf,
}

/// The execution role the Lambda blueprints' functions assume, as `aws_iam_role.fn` named
/// `${var.name}-role`: one copy for every test, written as its own `role.tf` beside `main.tf`
/// (infractl and Terraform both read every `*.tf` of the folder), so line numbers in `main.tf`
/// are the blueprint's own.
pub const LAMBDA_ROLE_TF: &str = r#"resource "aws_iam_role" "fn" {
  name = "${var.name}-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
"#;

/// A public hosted zone for `local.domain` and an ACM certificate for it validated through
/// Route 53 records, as `aws_acm_certificate_validation.site`: the certificate an HTTPS or TLS
/// listener needs, written as its own `certificate.tf` beside `main.tf` (which defines
/// `local.domain`).
pub const VALIDATED_CERTIFICATE_TF: &str = r#"resource "aws_route53_zone" "public" {
  name          = local.domain
  force_destroy = true
}

resource "aws_acm_certificate" "site" {
  domain_name       = local.domain
  validation_method = "DNS"
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.site.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  name            = each.value.name
  records         = [each.value.record]
  ttl             = 60
  type            = each.value.type
  zone_id         = aws_route53_zone.public.zone_id
}

resource "aws_acm_certificate_validation" "site" {
  certificate_arn         = aws_acm_certificate.site.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}
"#;

/// An application load balancer `aws_lb.web` in two public subnets (us-east-1a and b) of
/// `aws_vpc.this` (`CIDR.0.0/16`): the network the listener tests stand on, appended to a
/// blueprint that declares `var.name` (after its own blocks, so their line numbers stay).
pub fn with_alb(blueprint: &str, cidr: &str) -> String {
    format!(
        r#"{blueprint}
resource "aws_vpc" "this" {{
  cidr_block = "{cidr}.0.0/16"
}}

resource "aws_subnet" "public" {{
  count             = 2
  vpc_id            = aws_vpc.this.id
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}}

resource "aws_lb" "web" {{
  name               = "web-${{substr(var.name, 0, 20)}}"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id
}}
"#
    )
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

impl Stack {
    /// Copies `plans/<plan>` under a unique name.
    pub fn from_plan(plan: &str, prefix: &str) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("{prefix}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let path = dir.path().join(&name);
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("plans").join(plan), &path);
        let state_dir = dir.path().join("state");
        Stack {
            _dir: dir,
            path,
            name,
            state_dir,
        }
    }

    /// A copy of any folder (a compatibility case) under a unique name.
    pub fn from_dir(from: &Path) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("compat-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let path = dir.path().join(&name);
        copy_dir(from, &path);
        let state_dir = dir.path().join("state");
        Stack {
            _dir: dir,
            path,
            name,
            state_dir,
        }
    }

    /// A stack made of the given files.
    pub fn from_files(files: &[(&str, &str)]) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("bad-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let path = dir.path().join(&name);
        std::fs::create_dir_all(&path).unwrap();
        for (f, text) in files {
            let file = path.join(f);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let state_dir = dir.path().join("state");
        Stack {
            _dir: dir,
            path,
            name,
            state_dir,
        }
    }

    /// Runs infractl in this stack's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_endpoint(args, &endpoint())
    }

    /// Runs infractl with a given endpoint (an unreachable one proves no AWS call is made).
    pub fn run_with_endpoint(&self, args: &[&str], endpoint: &str) -> Output {
        self.run_with_env(args, endpoint, &[])
    }

    /// Runs infractl with a given endpoint and extra environment variables.
    pub fn run_with_env(&self, args: &[&str], endpoint: &str, vars: &[(&str, &str)]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_infractl"))
            .arg("-chdir")
            .arg(&self.path)
            .args(args)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("INFRACTL_STATE_DIR", &self.state_dir)
            .env_remove("AWS_PROFILE")
            .envs(vars.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("infractl runs");
        out
    }

    /// The state file's path.
    pub fn state_file(&self) -> PathBuf {
        self.state_dir.join(format!("{}.tfstate.json", self.name))
    }

    /// The state file, one entry per instance (see [`flat_state`]).
    pub fn flat_state(&self) -> serde_json::Value {
        flat_state(&std::fs::read_to_string(self.state_file()).unwrap())
    }

    /// The state entry of a resource address (panics when it is not in state).
    fn state_entry(&self, address: &str) -> serde_json::Value {
        self.flat_state()["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == address)
            .unwrap_or_else(|| panic!("{address} is not in state"))
            .clone()
    }

    /// The id state records for a resource address (panics when it is not in state).
    pub fn state_id(&self, address: &str) -> String {
        self.state_entry(address)["id"].as_str().unwrap().to_string()
    }

    /// One attribute state records for a resource address (null when it has none).
    pub fn state_attr(&self, address: &str, name: &str) -> serde_json::Value {
        self.state_entry(address)["attributes"][name].clone()
    }

    /// A string attribute state records for a resource address (panics when it is not one).
    pub fn state_str(&self, address: &str, name: &str) -> String {
        let value = self.state_attr(address, name);
        value
            .as_str()
            .unwrap_or_else(|| panic!("{address}.{name} is not a string: {value}"))
            .to_string()
    }

    /// Plans a change of one object in place and nothing else, applies it, and plans clean
    /// after: what every life test does for an argument that changes without a replacement.
    /// `args` are the other arguments of plan and apply (the variables that make the change).
    pub fn changes_in_place(&self, address: &str, args: &[&str]) {
        let shown = expect_code(&self.run(&[&["plan", "-detailed-exitcode"][..], args].concat()), 2);
        assert!(
            shown.contains(&format!("{address} will be updated in-place")),
            "{shown}"
        );
        assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
        expect_code(&self.run(&[&["apply", "-auto-approve"][..], args].concat()), 0);
        expect_code(&self.run(&[&["plan", "-detailed-exitcode"][..], args].concat()), 0);
    }

    /// Plans `summary` ("1 to add, 0 to change, 0 to destroy") and applies it: what a life test
    /// does after changing an object behind infractl's back, or the blueprint. `args` are the
    /// other arguments of plan and apply. Returns the plan's text for further checks.
    pub fn plans_and_applies(&self, summary: &str, args: &[&str]) -> String {
        let shown = expect_code(&self.run(&[&["plan", "-detailed-exitcode"][..], args].concat()), 2);
        assert!(shown.contains(summary), "{shown}");
        expect_code(&self.run(&[&["apply", "-auto-approve"][..], args].concat()), 0);
        shown
    }

    /// Forgets every managed resource and imports each back by the id Terraform's import takes
    /// for its type. The plan that follows must add and destroy nothing (the same objects were
    /// found); once settings that live only in state (force_destroy, wait flags) are recorded
    /// by an apply, the plan must be clean.
    pub fn reimport_all(&self, extra_args: &[&str]) {
        self.reimport_all_but(&[], extra_args)
    }

    /// [`Stack::reimport_all`] for every type but `skipped` (types whose identity lives partly in
    /// arguments AWS never returns, such as a deployment's `triggers`, which an import cannot
    /// know: as in Terraform, they would be replaced).
    pub fn reimport_all_but(&self, skipped: &[&str], extra_args: &[&str]) {
        let state = self.flat_state();
        let managed: Vec<(String, String)> = state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["mode"] == "managed" && !skipped.contains(&r["type"].as_str().unwrap_or_default()))
            .map(|r| (r["address"].as_str().unwrap().to_string(), terraform_import_id(r)))
            .collect();
        assert!(!managed.is_empty());
        for (addr, _) in &managed {
            expect_code(&self.run(&["state", "rm", addr]), 0);
        }
        for (addr, id) in &managed {
            let mut args = vec!["import", addr.as_str(), id.as_str()];
            args.extend(extra_args);
            let out = self.run(&args);
            assert_eq!(out.status.code(), Some(0), "import {addr} {id}:\n{}", text(&out));
        }
        let mut plan = vec!["plan", "-detailed-exitcode"];
        plan.extend(extra_args);
        let shown = text(&self.run(&plan));
        assert!(
            shown.contains("No changes") || shown.contains("0 to add, ") && shown.contains(", 0 to destroy"),
            "plan after importing {} resources:\n{shown}",
            managed.len()
        );
        if !shown.contains("No changes") {
            let mut apply = vec!["apply", "-auto-approve"];
            apply.extend(extra_args);
            expect_code(&self.run(&apply), 0);
            expect_code(&self.run(&plan), 0);
        }
    }

    /// Replaces text in one of the blueprint's files.
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let p = self.path.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }
}

/// A state document (Terraform's format version 4, as infractl writes it) with `resources`
/// flattened to one entry per current instance, as tests look objects up: `address` (the full
/// instance address), `mode`, `type`, `name`, `provider`, `id` (the `id` attribute),
/// `attributes`, `dependencies`, `schema_version`, `tainted`, and `deposed` (how many deposed
/// objects the instance has). Every other top-level key is kept as it is.
pub fn flat_state(text: &str) -> serde_json::Value {
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(doc["version"], 4, "not a version 4 state: {text:.200}");
    let mut flat = Vec::new();
    for r in doc["resources"].as_array().cloned().unwrap_or_default() {
        let mut block = r["module"].as_str().map(|m| format!("{m}.")).unwrap_or_default();
        if r["mode"] == "data" {
            block.push_str("data.");
        }
        block.push_str(&format!(
            "{}.{}",
            r["type"].as_str().unwrap(),
            r["name"].as_str().unwrap()
        ));
        let instances = r["instances"].as_array().cloned().unwrap_or_default();
        for i in instances.iter().filter(|i| i.get("deposed").is_none()) {
            let key = match &i["index_key"] {
                serde_json::Value::Null => String::new(),
                k => format!("[{k}]"),
            };
            let deposed = instances
                .iter()
                .filter(|d| d.get("deposed").is_some() && d["index_key"] == i["index_key"])
                .count();
            flat.push(serde_json::json!({
                "address": format!("{block}{key}"),
                "mode": r["mode"],
                "type": r["type"],
                "name": r["name"],
                "provider": r["provider"],
                "id": i["attributes"]["id"],
                "attributes": i["attributes"],
                "dependencies": i.get("dependencies").cloned().unwrap_or(serde_json::json!([])),
                "schema_version": i["schema_version"],
                "deposed": deposed,
                "tainted": i["status"] == "tainted",
            }));
        }
    }
    doc["resources"] = serde_json::Value::Array(flat);
    doc
}

/// The id `terraform import` takes for a resource in state: its id, except for the types whose
/// import id spells out several names.
pub fn terraform_import_id(r: &serde_json::Value) -> String {
    let a = &r["attributes"];
    let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
    match r["type"].as_str().unwrap_or_default() {
        "aws_appautoscaling_target" => format!(
            "{}/{}/{}",
            s("service_namespace"),
            s("resource_id"),
            s("scalable_dimension")
        ),
        "aws_appautoscaling_policy" | "aws_appautoscaling_scheduled_action" => format!(
            "{}/{}/{}/{}",
            s("service_namespace"),
            s("resource_id"),
            s("scalable_dimension"),
            s("name")
        ),
        "aws_ecs_task_definition" => s("arn"),
        // Recorded as GROUP_INTERFACE, imported as INTERFACE_GROUP.
        "aws_network_interface_sg_attachment" => format!("{}_{}", s("network_interface_id"), s("security_group_id")),
        // The provider's id (r-TABLE<CRC-32>) cannot be parsed; import takes TABLE_DESTINATION.
        "aws_route" => {
            let dest = [
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            ]
            .iter()
            .map(|k| s(k))
            .find(|d| !d.is_empty())
            .unwrap_or_default();
            format!("{}_{dest}", s("route_table_id"))
        }
        "aws_s3_object" => format!("{}/{}", s("bucket"), s("key")),
        "aws_volume_attachment" => format!("{}:{}:{}", s("device_name"), s("volume_id"), s("instance_id")),
        "aws_autoscaling_schedule" => format!("{}/{}", s("autoscaling_group_name"), s("scheduled_action_name")),
        "aws_autoscaling_policy" => format!("{}/{}", s("autoscaling_group_name"), s("name")),
        "aws_autoscaling_lifecycle_hook" => format!("{}/{}", s("autoscaling_group_name"), s("name")),
        "aws_ssm_maintenance_window_target" => format!("{}/{}", s("window_id"), s("id")),
        "aws_ssm_maintenance_window_task" => format!("{}/{}", s("window_id"), s("id")),
        "aws_service_discovery_private_dns_namespace" => format!("{}:{}", s("id"), s("vpc")),
        "aws_apigatewayv2_integration"
        | "aws_apigatewayv2_route"
        | "aws_apigatewayv2_stage"
        | "aws_apigatewayv2_deployment"
        | "aws_apigatewayv2_authorizer" => format!("{}/{}", s("api_id"), s("id")),
        "aws_apigatewayv2_api_mapping" => format!("{}/{}", s("id"), s("domain_name")),
        "aws_iam_user_group_membership" => {
            let groups: Vec<&str> = a["groups"]
                .as_array()
                .map(|l| l.iter().filter_map(|g| g.as_str()).collect())
                .unwrap_or_default();
            format!("{}/{}", s("user"), groups.join("/"))
        }
        // The id is the stream's ARN; import takes its name.
        "aws_kinesis_stream" | "aws_ecs_capacity_provider" => s("name"),
        // The id is the resource id (db-…); import takes the identifier.
        "aws_db_instance" => s("identifier"),
        "aws_api_gateway_deployment" | "aws_api_gateway_resource" => format!("{}/{}", s("rest_api_id"), s("id")),
        "aws_api_gateway_method" | "aws_api_gateway_integration" => {
            format!("{}/{}/{}", s("rest_api_id"), s("resource_id"), s("http_method"))
        }
        "aws_codedeploy_deployment_group" => format!("{}:{}", s("app_name"), s("deployment_group_name")),
        "aws_lambda_permission" => match a["qualifier"].as_str().filter(|q| !q.is_empty()) {
            Some(q) => format!("{}:{q}/{}", s("function_name"), s("statement_id")),
            None => format!("{}/{}", s("function_name"), s("statement_id")),
        },
        // The provider's state id (BUS-RULE-TARGET) cannot be parsed; import takes slashes.
        "aws_cloudwatch_event_target" => match s("event_bus_name").as_str() {
            "" | "default" => format!("{}/{}", s("rule"), s("target_id")),
            bus => format!("{bus}/{}/{}", s("rule"), s("target_id")),
        },
        "aws_cognito_user_pool_client" => format!("{}/{}", s("user_pool_id"), s("id")),
        "aws_api_gateway_stage" => format!("{}/{}", s("rest_api_id"), s("stage_name")),
        "aws_api_gateway_method_settings" => {
            format!("{}/{}/{}", s("rest_api_id"), s("stage_name"), s("method_path"))
        }
        "aws_api_gateway_usage_plan_key" => format!("{}/{}", s("usage_plan_id"), s("key_id")),
        "aws_opensearchserverless_security_policy"
        | "aws_opensearchserverless_access_policy"
        | "aws_opensearchserverless_lifecycle_policy" => {
            format!("{}/{}", s("name"), s("type"))
        }
        "aws_security_group_rule" => {
            let list = |k: &str| -> Vec<String> {
                a[k].as_array()
                    .map(|l| l.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                    .unwrap_or_default()
            };
            let mut sources = [list("cidr_blocks"), list("ipv6_cidr_blocks"), list("prefix_list_ids")].concat();
            if a["source_security_group_id"].is_string() {
                sources.push(s("source_security_group_id"));
            }
            if a["self"] == true {
                sources.push("self".into());
            }
            let port = |k: &str| a[k].as_f64().unwrap_or_default() as i64;
            format!(
                "{}_{}_{}_{}_{}_{}",
                s("security_group_id"),
                s("type"),
                s("protocol"),
                port("from_port"),
                port("to_port"),
                sources.join("_")
            )
        }
        "aws_network_acl_rule" => format!(
            "{}:{}:{}:{}",
            s("network_acl_id"),
            a["rule_number"].as_f64().unwrap_or_default() as i64,
            s("protocol"),
            a["egress"].as_bool().unwrap_or_default()
        ),
        // The provider imports these by their VPC's id.
        "aws_vpc_dhcp_options_association" | "aws_default_route_table" => s("vpc_id"),
        "aws_route_table_association" => format!(
            "{}/{}",
            if a["subnet_id"].is_string() {
                s("subnet_id")
            } else {
                s("gateway_id")
            },
            s("route_table_id")
        ),
        _ => r["id"].as_str().unwrap().to_string(),
    }
}

/// Output as text, for assertions and failure messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// True when a plan's text has the line `~ name = change` for an in-place change of `name`,
/// however wide Terraform's alignment pads the name (to the longest attribute of its block).
pub fn shows_change(text: &str, name: &str, change: &str) -> bool {
    text.lines().any(|line| {
        line.trim_start()
            .strip_prefix("~ ")
            .and_then(|rest| rest.split_once(" = "))
            .is_some_and(|(key, value)| key.trim_end() == name && value.starts_with(change))
    })
}

/// Asserts an exit code, printing the output when it differs.
pub fn expect_code(o: &Output, code: i32) -> String {
    let t = text(o);
    assert_eq!(o.status.code(), Some(code), "unexpected exit code; output:\n{t}");
    t
}

/// SDK configuration for the emulator.
pub async fn sdk_config(region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(endpoint())
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}

/// A name no other test uses: `prefix-` and ten hex digits.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

/// A state bucket (in `region`) and a lock table (hash key `LockID`) made directly with the
/// SDK, for tests that are not about bootstrap.
pub async fn state_bucket_and_table(region: &str) -> (String, String) {
    let conf = sdk_config(region).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let bucket = unique("it-state");
    s3.create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let table = unique("it-locks");
    ddb.create_table()
        .table_name(&table)
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("LockID")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("LockID")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    (bucket, table)
}

/// localstack/proxy.py in front of the emulator, on a port of its own: counts the AWS calls a
/// run makes (and can inject faults). Stopped when dropped.
pub struct CountingProxy {
    child: std::process::Child,
    /// Its endpoint, to pass to [`Stack::run_with_endpoint`].
    pub url: String,
}

impl CountingProxy {
    /// Starts the proxy and waits until it answers.
    pub fn start() -> CountingProxy {
        Self::start_with(&[])
    }

    /// Starts the proxy with extra options (`--fault-rate 0.2`, `--fail-always ec2:CreateVpc`).
    pub fn start_with(options: &[&str]) -> CountingProxy {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("localstack/proxy.py");
        let child = Command::new("python3")
            .arg(script)
            .args(["--listen", &port.to_string(), "--upstream", &endpoint()])
            .args(options)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs the proxy");
        let proxy = CountingProxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if proxy.control("GET", "stats", "").is_some() {
                return proxy;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the counting proxy did not start");
    }

    fn control(&self, method: &str, what: &str, body: &str) -> Option<serde_json::Value> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(self.url.trim_start_matches("http://")).ok()?;
        write!(
            s,
            "{method} /__proxy__/{what} HTTP/1.1\r\nHost: proxy\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .ok()?;
        let mut text = String::new();
        s.read_to_string(&mut text).ok()?;
        serde_json::from_str(text.split("\r\n\r\n").nth(1)?).ok()
    }

    /// Calls counted since the last reset, by `service:Action`.
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        let doc = self.control("GET", "stats", "").expect("proxy answers");
        serde_json::from_value(doc["calls"].clone()).unwrap()
    }

    /// Calls counted since the last reset, by `region/service:Action` (the SigV4 signing
    /// region: where the call was sent).
    pub fn calls_by_region(&self) -> std::collections::BTreeMap<String, u64> {
        let doc = self.control("GET", "stats", "").expect("proxy answers");
        serde_json::from_value(doc["calls_by_region"].clone()).unwrap()
    }

    /// Faults injected since the last reset, by kind.
    pub fn faults(&self) -> std::collections::BTreeMap<String, u64> {
        let doc = self.control("GET", "stats", "").expect("proxy answers");
        serde_json::from_value(doc["faults"].clone()).unwrap()
    }

    /// The most calls each service had in flight at once since the last reset.
    pub fn peak_in_flight(&self) -> std::collections::BTreeMap<String, u64> {
        let doc = self.control("GET", "stats", "").expect("proxy answers");
        serde_json::from_value(doc["peak_in_flight"].clone()).unwrap()
    }

    /// Calls whose answer the proxy is holding back (or held), by `service:Action`.
    pub fn held(&self) -> std::collections::BTreeMap<String, u64> {
        let doc = self.control("GET", "stats", "").expect("proxy answers");
        serde_json::from_value(doc["held"].clone()).unwrap_or_default()
    }

    /// Changes fault injection: `{"rate": 0.2, "kinds": [...], "fail_always": [...]}`.
    pub fn set_faults(&self, settings: serde_json::Value) {
        self.control("POST", "faults", &settings.to_string())
            .expect("proxy answers");
    }

    /// Zeroes the counters.
    pub fn reset(&self) {
        self.control("POST", "reset", "").expect("proxy answers");
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The installed Terraform with the AWS provider from the machine's offline mirror, used as the
/// oracle for compatibility checks, never something infractl needs: its own CLI configuration
/// (never the user's) in a scratch folder. `None` (with a message saying why, so the skip is
/// visible) when `terraform` is not on PATH or the mirror is absent.
pub struct Terraform {
    dir: tempfile::TempDir,
    cli_config: PathBuf,
    /// What makes Terraform's `validate` answers comparable across runs (its version and the
    /// provider binary it runs), `None` when they cannot be recorded (extra CLI configuration
    /// pointing at a test server, or no pinned provider binary).
    oracle: Option<String>,
    /// `terraform init` of the working folder asked for and not yet run: it runs before the
    /// first command in that folder that is not answered from a recording.
    init_pending: std::sync::atomic::AtomicBool,
}

/// `terraform version`'s first line, asked once per test run; `None` when terraform does not run.
fn terraform_version() -> Option<String> {
    static VERSION: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    VERSION
        .get_or_init(|| {
            let out = Command::new("terraform")
                .arg("version")
                .env("CHECKPOINT_DISABLE", "1")
                .output()
                .ok()?;
            out.status.success().then(|| {
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
        })
        .clone()
}

/// Where Terraform's recorded `validate` answers are kept (see [`Terraform::run_with_input`]).
fn validate_recordings() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform-validate")
}

/// The files of a Terraform folder that its answers depend on, by path relative to `dir`
/// (Terraform's own `.terraform` folder, lock file and states left out), sorted.
fn config_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name == ".terraform" || name == ".terraform.lock.hcl" || name.starts_with("terraform.tfstate") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.push((rel, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Where the AWS provider is mirrored on machines that have it (`INFRACTL_TF_MIRROR` to change).
fn tf_mirror() -> String {
    std::env::var("INFRACTL_TF_MIRROR").unwrap_or_else(|_| "/opt/tf-plugins".into())
}

/// The mirror's unpacked AWS provider folder (`aws/VERSION/PLATFORM`), which the CLI
/// configuration names as a development override: Terraform then runs that very binary without
/// checking it against the lock file, a check that reads all of its 675 MB (about a second of CPU)
/// on every command, and on CI's two cores the suite runs hundreds of them. The provider and
/// its answers are the same; Terraform adds a warning saying overrides are in effect.
fn aws_unpacked(hashicorp: &Path) -> Option<PathBuf> {
    let versions = std::fs::read_dir(hashicorp.join("aws")).ok()?;
    let mut found: Vec<PathBuf> = versions
        .flatten()
        .flat_map(|v| std::fs::read_dir(v.path()).into_iter().flatten().flatten())
        .map(|platform| platform.path())
        .filter(|dir| {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .any(|f| f.file_name().to_string_lossy().starts_with("terraform-provider-aws"))
        })
        .collect();
    // One version in the mirror is the one the tests pin; with several, the override would pick
    // for them, so Terraform keeps choosing by the lock file.
    (found.len() == 1).then(|| found.remove(0))
}

impl Terraform {
    /// Finds terraform and the mirror; `what` names the check that is skipped without them.
    pub fn find(what: &str) -> Option<Terraform> {
        Terraform::find_with(what, &[], "")
    }

    /// [`Terraform::find`] for a check that also needs other hashicorp providers in the mirror
    /// (`providers`, e.g. "random") and extra CLI configuration (`cli_extra`: `host` and
    /// `credentials` blocks pointing a registry at a test server).
    pub fn find_with(what: &str, providers: &[&str], cli_extra: &str) -> Option<Terraform> {
        let mirror = tf_mirror();
        let found = terraform_version().is_some();
        let hashicorp = Path::new(&mirror).join("registry.terraform.io/hashicorp");
        let missing: Vec<&str> = std::iter::once("aws")
            .chain(providers.iter().copied())
            .filter(|p| !hashicorp.join(p).is_dir())
            .collect();
        if !found || !missing.is_empty() {
            eprintln!(
                "skipping the Terraform side of {what}: terraform on PATH: {found}; not in the provider mirror {mirror}: {}",
                missing.join(", ")
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let cli_config = dir.path().join("cli.tfrc");
        let overrides = aws_unpacked(&hashicorp)
            .map(|d| {
                format!(
                    "  dev_overrides {{\n    \"hashicorp/aws\" = \"{}\"\n  }}\n",
                    d.display()
                )
            })
            .unwrap_or_default();
        std::fs::write(
            &cli_config,
            format!("provider_installation {{\n{overrides}  filesystem_mirror {{\n    path = \"{mirror}\"\n  }}\n}}\n{cli_extra}"),
        )
        .unwrap();
        let provider = aws_unpacked(&hashicorp);
        let oracle = match (terraform_version(), &provider) {
            (Some(v), Some(p)) if cli_extra.is_empty() && providers.is_empty() => Some(format!("{v}\n{}", p.display())),
            _ => None,
        };
        Some(Terraform {
            dir,
            cli_config,
            oracle,
            init_pending: false.into(),
        })
    }

    /// [`Terraform::find`], then a working folder pinned to the provider, which `terraform
    /// init` prepares before the first command that needs it (none when every command is
    /// answered from a recording).
    pub fn init(what: &str) -> Option<Terraform> {
        let tf = Terraform::find(what)?;
        std::fs::create_dir_all(tf.work()).unwrap();
        std::fs::write(
            tf.work().join("versions.tf"),
            "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\", version = \"5.100.0\" }\n  }\n}\n",
        )
        .unwrap();
        tf.init_pending.store(true, std::sync::atomic::Ordering::SeqCst);
        Some(tf)
    }

    /// The folder [`Terraform::run`] runs in; tests write their `.tf` files here.
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Runs terraform in the working folder.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.work(), args)
    }

    /// Runs terraform in `dir`.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.run_in_with(dir, args, &[])
    }

    /// Runs terraform in `dir` with extra environment variables (`AWS_ENDPOINT_URL` to point
    /// the AWS provider at the emulator).
    pub fn run_in_with(&self, dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
        self.run_with_input(dir, args, "", vars)
    }

    /// Runs terraform in `dir` with `input` on its standard input (`terraform console`) and
    /// extra environment variables.
    ///
    /// `terraform validate` reads nothing but the folder's files, the Terraform binary and the
    /// provider binary (no AWS call, no state), so its answer for the same inputs is always the
    /// same. On CI's two cores the suite's hundred validate runs (with their `init`) cost about
    /// 280 s of CPU, so its answers are recorded under `tests/fixtures/terraform-validate/`, one
    /// file per input, named by a SHA-256 of everything the answer depends on: the Terraform
    /// version, the provider binary's path (which names its version), the arguments, the
    /// variables, and every file of the folder. A folder calling a module (whose files live
    /// elsewhere) is never recorded. An input changed in any way has another digest and runs
    /// Terraform again; `INFRACTL_RECORD_TERRAFORM=1` records what such runs answer, and
    /// `INFRACTL_RECORD_TERRAFORM=live` ignores the recordings and runs Terraform every time.
    pub fn run_with_input(&self, dir: &Path, args: &[&str], input: &str, vars: &[(&str, &str)]) -> Output {
        let recording = self.recording_of(dir, args, input, vars);
        let mode = std::env::var("INFRACTL_RECORD_TERRAFORM").unwrap_or_default();
        if let Some(file) = recording.as_ref().filter(|_| mode != "live") {
            if let Some(out) = read_recording(file) {
                return out;
            }
        }
        if dir == self.work() && self.init_pending.swap(false, std::sync::atomic::Ordering::SeqCst) {
            let out = self.spawn(dir, &["init", "-input=false", "-no-color"], "", &[]);
            assert!(out.status.success(), "terraform init failed:\n{}", text(&out));
        }
        let out = self.spawn(dir, args, input, vars);
        if let Some(file) = recording.filter(|_| mode == "1") {
            write_recording(&file, &out);
        }
        out
    }

    /// The file holding the recorded answer of this `terraform validate`, `None` for any other
    /// command or an input that cannot be recorded (see [`Terraform::run_with_input`]).
    fn recording_of(&self, dir: &Path, args: &[&str], input: &str, vars: &[(&str, &str)]) -> Option<PathBuf> {
        use sha2::Digest;
        let oracle = self.oracle.as_ref()?;
        if args.first() != Some(&"validate") {
            return None;
        }
        let files = config_files(dir);
        let calls_module = files.iter().any(|(_, bytes)| {
            String::from_utf8_lossy(bytes)
                .lines()
                .any(|l| l.trim_start().starts_with("module ") || l.trim_start().starts_with("module\t"))
        });
        if calls_module {
            return None;
        }
        let mut h = sha2::Sha256::new();
        h.update(format!("{oracle}\n{args:?}\n{vars:?}\n{input}\n"));
        for (name, bytes) in &files {
            h.update(format!("{name}\n{}\n", bytes.len()));
            h.update(bytes);
        }
        Some(validate_recordings().join(format!("{}.json", hex::encode(h.finalize()))))
    }

    /// Runs terraform itself (see [`Terraform::run_with_input`]).
    fn spawn(&self, dir: &Path, args: &[&str], input: &str, vars: &[(&str, &str)]) -> Output {
        use std::io::Write;
        let mut child = Command::new("terraform")
            .args(args)
            .current_dir(dir)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_PLUGIN_CACHE_DIR", "")
            // Terraform and the AWS provider are Go programs that spend much of each command
            // collecting garbage while they build the provider's schema (every provider start,
            // three to five per command). Collecting when the heap has grown to five times what is
            // live (GOGC=400) instead of twice, a `plan` took 6.3-7.1 s of CPU instead of 9.4-10.2 s and a sample of 19
            // cross-check tests 81 s of Terraform CPU instead of 109 s (2026-12-07), for about
            // 460 MB per process instead of 330 MB. The oracle's answers are the same.
            .env("GOGC", "400")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env_remove("AWS_PROFILE")
            .env_remove("TF_DATA_DIR")
            .envs(vars.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("terraform runs");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().expect("terraform runs")
    }
}

/// A recorded answer of terraform, `None` when there is none.
fn read_recording(file: &Path) -> Option<Output> {
    use std::os::unix::process::ExitStatusExt;
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
    let code = doc["exit_code"].as_i64()? as i32;
    Some(Output {
        status: std::process::ExitStatus::from_raw(code << 8),
        stdout: doc["stdout"].as_str()?.as_bytes().to_vec(),
        stderr: doc["stderr"].as_str()?.as_bytes().to_vec(),
    })
}

/// Records what terraform answered (see [`Terraform::run_with_input`]).
fn write_recording(file: &Path, out: &Output) {
    let Some(code) = out.status.code() else {
        return;
    };
    let doc = serde_json::json!({
        "exit_code": code,
        "stdout": String::from_utf8_lossy(&out.stdout),
        "stderr": String::from_utf8_lossy(&out.stderr),
    });
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
}

/// The line numbers `file:N` an output names.
pub fn lines_named(shown: &str, file: &str) -> Vec<usize> {
    let mark = format!("{file}:");
    shown
        .match_indices(&mark)
        .filter_map(|(i, _)| {
            let digits: String = shown[i + mark.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// The first lines of the error diagnostics of `terraform validate -json`.
pub fn terraform_error_lines(tf: &Terraform) -> Vec<usize> {
    let out = tf.run(&["validate", "-json", "-no-color"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    assert_eq!(doc["valid"], false, "terraform accepted them:\n{doc}");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter_map(|d| d["range"]["start"]["line"].as_u64().map(|n| n as usize))
        .collect()
}

/// Blocks of `type` at the end of a provider block, one per body, and the line span of each.
pub fn blocks(ty: &str, bodies: &[&str]) -> (String, Vec<(usize, usize)>) {
    let mut text = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n".to_string();
    let mut spans = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let start = text.lines().count() + 2;
        text.push_str(&format!("\nresource \"{ty}\" \"case_{i}\" {{\n{body}\n}}\n"));
        spans.push((start, text.lines().count()));
    }
    (text, spans)
}

/// Each body as a block of `ty` in one file (one bad value per block): `infractl validate`
/// refuses every block at one of its own lines before any call (the endpoint is a closed port),
/// and so does `terraform validate` where it is installed (`what` names the skipped check),
/// so a refused value is one the provider refuses too.
pub fn each_case_refused_at_validate(ty: &str, bodies: &[&str], what: &str) {
    let (body, spans) = blocks(ty, bodies);
    let stack = Stack::from_files(&[("main.tf", &body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    let named = lines_named(&shown, "main.tf");
    for (i, (a, b)) in spans.iter().enumerate() {
        assert!(
            named.iter().any(|n| (a..=b).contains(&n)),
            "case {i} ({}) not refused:\n{shown}",
            bodies[i]
        );
    }
    if let Some(tf) = Terraform::init(what) {
        std::fs::write(tf.work().join("main.tf"), &body).unwrap();
        let refused = terraform_error_lines(&tf);
        for (i, (a, b)) in spans.iter().enumerate() {
            assert!(
                refused.iter().any(|n| (a..=b).contains(&n)),
                "terraform accepted case {i} ({}): errors at {refused:?}",
                bodies[i]
            );
        }
    }
}

/// Writes a zip holding one file (a function's code or a layer), as the Lambda tests need.
pub fn write_zip(path: &Path, name: &str, body: &str) {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
    z.write_all(body.as_bytes()).unwrap();
    z.finish().unwrap();
}
