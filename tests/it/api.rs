//! API Gateway REST API imported from an OpenAPI file, redeployed when the file changes, with a
//! stage logging to a log group, a usage plan (throttle and quota) and an API key, against the
//! emulator.

use crate::support::{expect_code, sdk_config, Stack};

const REGION: &str = "us-west-2";

fn openapi(title: &str, paths: &[&str]) -> String {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| {
            format!(
                r#""{p}": {{ "get": {{
          "responses": {{ "200": {{ "description": "ok" }} }},
          "x-amazon-apigateway-integration": {{ "type": "mock", "requestTemplates": {{ "application/json": "{{\"statusCode\": 200}}" }} }}
        }} }}"#
            )
        })
        .collect();
    format!(
        r#"{{
  "openapi": "3.0.1",
  "info": {{ "title": "{title}", "version": "1.0" }},
  "paths": {{ {} }}
}}"#,
        paths.join(",\n")
    )
}

fn blueprint(rate: u32, burst: u32) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_api_gateway_rest_api" "api" {{
  name = "${{var.name}}-api"
  body = file("${{path.module}}/openapi.json")

  endpoint_configuration {{
    types = ["REGIONAL"]
  }}
}}

resource "aws_api_gateway_deployment" "api" {{
  rest_api_id = aws_api_gateway_rest_api.api.id

  triggers = {{
    redeployment = sha1(aws_api_gateway_rest_api.api.body)
  }}

  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "aws_cloudwatch_log_group" "access" {{
  name              = "/apigw/${{var.name}}"
  retention_in_days = 14
}}

resource "aws_api_gateway_stage" "prod" {{
  rest_api_id          = aws_api_gateway_rest_api.api.id
  deployment_id        = aws_api_gateway_deployment.api.id
  stage_name           = "prod"
  xray_tracing_enabled = true

  access_log_settings {{
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = jsonencode({{ requestId = "$context.requestId", status = "$context.status" }})
  }}
}}

resource "aws_api_gateway_method_settings" "all" {{
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {{
    metrics_enabled        = true
    logging_level          = "INFO"
    throttling_rate_limit  = {rate}
    throttling_burst_limit = {burst}
  }}
}}

resource "aws_iam_role" "apigw_logs" {{
  name = "${{var.name}}-apigw-logs"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "apigateway.amazonaws.com" }} }}]
  }})
}}

resource "aws_api_gateway_account" "this" {{
  cloudwatch_role_arn = aws_iam_role.apigw_logs.arn
}}

resource "aws_api_gateway_usage_plan" "standard" {{
  name = "${{var.name}}-standard"

  api_stages {{
    api_id = aws_api_gateway_rest_api.api.id
    stage  = aws_api_gateway_stage.prod.stage_name
  }}

  throttle_settings {{
    rate_limit  = {rate}
    burst_limit = {burst}
  }}

  quota_settings {{
    limit  = 100000
    period = "MONTH"
  }}
}}

resource "aws_api_gateway_api_key" "client" {{
  name = "${{var.name}}-client"
}}

resource "aws_api_gateway_usage_plan_key" "client" {{
  key_id        = aws_api_gateway_api_key.client.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.standard.id
}}

output "invoke_url" {{
  value = aws_api_gateway_stage.prod.invoke_url
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_api_from_openapi_with_stage_usage_plan_and_key() {
    let stack = Stack::from_files(&[
        ("main.tf", &blueprint(100, 200)),
        ("openapi.json", &openapi("from-body", &["/health"])),
    ]);
    let name = stack.name.clone();
    let vars = ["-var".to_string(), format!("name={name}")];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains(".execute-api.us-west-2.amazonaws.com/prod"), "{out}");

    let conf = sdk_config(REGION).await;
    let apigw = aws_sdk_apigateway::Client::new(&conf);
    let api_id = stack.state_id("aws_api_gateway_rest_api.api");
    let api = apigw.get_rest_api().rest_api_id(&api_id).send().await.unwrap();
    assert_eq!(
        api.name(),
        Some(format!("{name}-api").as_str()),
        "the blueprint's name wins over the body's title"
    );
    let resources = apigw.get_resources().rest_api_id(&api_id).send().await.unwrap();
    let paths: Vec<&str> = resources.items().iter().filter_map(|r| r.path()).collect();
    assert!(paths.contains(&"/health"), "{paths:?}");
    let stage = apigw
        .get_stage()
        .rest_api_id(&api_id)
        .stage_name("prod")
        .send()
        .await
        .unwrap();
    let deployment_1 = stack.state_id("aws_api_gateway_deployment.api");
    assert_eq!(stage.deployment_id(), Some(deployment_1.as_str()));
    assert!(stage.tracing_enabled());
    let all = stage.method_settings().and_then(|m| m.get("*/*")).unwrap();
    assert!(all.metrics_enabled());
    assert_eq!(all.logging_level(), Some("INFO"));
    assert_eq!(
        (all.throttling_rate_limit(), all.throttling_burst_limit()),
        (100.0, 200)
    );
    let account = apigw.get_account().send().await.unwrap();
    assert!(account
        .cloudwatch_role_arn()
        .is_some_and(|r| r.ends_with(&format!("{name}-apigw-logs"))));
    assert!(stage
        .access_log_settings()
        .and_then(|a| a.destination_arn())
        .is_some_and(|d| d.contains(&format!("/apigw/{name}"))));
    let plan_id = stack.state_id("aws_api_gateway_usage_plan.standard");
    let plan = apigw.get_usage_plan().usage_plan_id(&plan_id).send().await.unwrap();
    let throttle = plan.throttle().unwrap();
    assert_eq!((throttle.rate_limit(), throttle.burst_limit()), (100.0, 200));
    assert_eq!(plan.quota().map(|q| q.limit()), Some(100000));
    assert_eq!(plan.api_stages()[0].stage(), Some("prod"));
    let key_id = stack.state_id("aws_api_gateway_api_key.client");
    let keys = apigw
        .get_usage_plan_keys()
        .usage_plan_id(&plan_id)
        .send()
        .await
        .unwrap();
    assert_eq!(keys.items()[0].id(), Some(key_id.as_str()));
    let key = apigw
        .get_api_key()
        .api_key(&key_id)
        .include_value(true)
        .send()
        .await
        .unwrap();
    let key_value = key.value().unwrap().to_string();
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(!state.contains(&key_value), "the API key value stays out of state");
    let show = crate::support::text(&run(&["plan"]));
    assert!(!show.contains(&key_value), "{show}");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A new OpenAPI file: the API is re-imported, a new deployment made (triggers), the stage
    // moved to it, the old deployment removed after (create_before_destroy). Throttle in place.
    std::fs::write(stack.path.join("main.tf"), blueprint(50, 100)).unwrap();
    std::fs::write(
        stack.path.join("openapi.json"),
        openapi("from-body", &["/health", "/v1/chat"]),
    )
    .unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("1 added, 4 changed, 1 destroyed"), "{out}");
    let resources = apigw.get_resources().rest_api_id(&api_id).send().await.unwrap();
    let paths: Vec<&str> = resources.items().iter().filter_map(|r| r.path()).collect();
    assert!(paths.contains(&"/v1/chat"), "{paths:?}");
    let deployment_2 = stack.state_id("aws_api_gateway_deployment.api");
    assert_ne!(deployment_1, deployment_2);
    let stage = apigw
        .get_stage()
        .rest_api_id(&api_id)
        .stage_name("prod")
        .send()
        .await
        .unwrap();
    assert_eq!(stage.deployment_id(), Some(deployment_2.as_str()));
    assert!(apigw
        .get_deployment()
        .rest_api_id(&api_id)
        .deployment_id(&deployment_1)
        .send()
        .await
        .is_err());
    let plan = apigw.get_usage_plan().usage_plan_id(&plan_id).send().await.unwrap();
    assert_eq!(plan.throttle().map(|t| t.burst_limit()), Some(100));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: a throttle changed outside is put back.
    apigw
        .update_usage_plan()
        .usage_plan_id(&plan_id)
        .patch_operations(
            aws_sdk_apigateway::types::PatchOperation::builder()
                .op(aws_sdk_apigateway::types::Op::Replace)
                .path("/throttle/burstLimit")
                .value("999")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        out.contains("aws_api_gateway_usage_plan.standard will be updated in-place"),
        "{out}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // The API's body and the deployment's triggers live only in the blueprint and state; the
    // other objects are forgotten and imported back.
    stack.reimport_all_but(&["aws_api_gateway_rest_api", "aws_api_gateway_deployment"], &vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(apigw.get_rest_api().rest_api_id(&api_id).send().await.is_err());
    assert!(apigw.get_usage_plan().usage_plan_id(&plan_id).send().await.is_err());
    assert!(apigw.get_api_key().api_key(&key_id).send().await.is_err());
}
