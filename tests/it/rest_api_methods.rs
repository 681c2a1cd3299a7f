//! `aws_api_gateway_resource`, `aws_api_gateway_method` and `aws_api_gateway_integration` on
//! the emulator: a REST API built the classic way (a resource and a child path parameter
//! resource, a mock method and an HTTP proxy method with request parameters and caching keys),
//! deployed with the usual `triggers = { redeploy = sha1(jsonencode([ids, settings])) }` and served by a
//! stage. Path segments, method settings and integration settings change in place and each
//! change redeploys; a new passthrough behaviour replaces the integration; a method deleted
//! behind infractl's back is made again with its integration; an import of every object plans
//! clean; destroy removes the API. Terraform plans clean after infractl and back (the
//! deployment's trigger hash included); bad HTTP methods, integration types and timeouts are
//! refused by both `validate` commands.

use crate::interop::{both_tools_plan_clean_knowing_account, cross_check_blueprint};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, Stack, Terraform};
use aws_sdk_apigateway::Client;

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_api_gateway_rest_api" "api" { name = "${var.name}-api" }
resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}
resource "aws_api_gateway_resource" "item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_resource.items.id
  path_part   = "{id}"
}
resource "aws_api_gateway_method" "list" {
  rest_api_id        = aws_api_gateway_rest_api.api.id
  resource_id        = aws_api_gateway_resource.items.id
  http_method        = "GET"
  authorization      = "NONE"
  request_parameters = { "method.request.querystring.page" = false }
}
resource "aws_api_gateway_integration" "list" {
  rest_api_id       = aws_api_gateway_rest_api.api.id
  resource_id       = aws_api_gateway_resource.items.id
  http_method       = aws_api_gateway_method.list.http_method
  type              = "MOCK"
  request_templates = { "application/json" = jsonencode({ statusCode = 200 }) }
}
resource "aws_api_gateway_method" "get" {
  rest_api_id        = aws_api_gateway_rest_api.api.id
  resource_id        = aws_api_gateway_resource.item.id
  http_method        = "GET"
  authorization      = "NONE"
  api_key_required   = true
  request_parameters = { "method.request.path.id" = true }
}
resource "aws_api_gateway_integration" "get" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.item.id
  http_method             = aws_api_gateway_method.get.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "https://example.com/items/{id}"
  request_parameters      = { "integration.request.path.id" = "method.request.path.id" }
  cache_key_parameters    = ["method.request.path.id"]
  timeout_milliseconds    = 10000
}
resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeploy = sha1(jsonencode([
      aws_api_gateway_resource.items.id,
      aws_api_gateway_resource.item.id,
      aws_api_gateway_method.list.id,
      aws_api_gateway_integration.list.id,
      aws_api_gateway_integration.list.passthrough_behavior,
      aws_api_gateway_method.get.id,
      aws_api_gateway_method.get.api_key_required,
      aws_api_gateway_method.get.request_parameters,
      aws_api_gateway_integration.get.id,
      aws_api_gateway_integration.get.uri,
      aws_api_gateway_integration.get.timeout_milliseconds,
    ]))
  }
  lifecycle { create_before_destroy = true }
}
resource "aws_api_gateway_stage" "s" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "v1"
}
"##;

async fn client() -> Client {
    Client::new(&sdk_config("us-east-1").await)
}

async fn paths(c: &Client, api: &str) -> Vec<String> {
    let out = c.get_resources().rest_api_id(api).send().await.unwrap();
    let mut found: Vec<String> = out
        .items()
        .iter()
        .filter_map(|r| r.path().map(str::to_string))
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_api_methods_are_made_changed_redeployed_replaced_made_again_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let c = client().await;
    let api = stack.state_id("aws_api_gateway_rest_api.api");
    assert_eq!(paths(&c, &api).await, ["/", "/items", "/items/{id}"]);
    let item = stack.state_id("aws_api_gateway_resource.item");
    assert_eq!(stack.state_str("aws_api_gateway_resource.item", "path"), "/items/{id}");
    assert_eq!(
        stack.state_id("aws_api_gateway_method.get"),
        format!("agm-{api}-{item}-GET")
    );
    let get = c
        .get_method()
        .rest_api_id(&api)
        .resource_id(&item)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(get.authorization_type(), Some("NONE"));
    assert_eq!(get.api_key_required(), Some(true));
    assert_eq!(
        get.request_parameters().and_then(|p| p.get("method.request.path.id")),
        Some(&true)
    );
    let integration = c
        .get_integration()
        .rest_api_id(&api)
        .resource_id(&item)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(integration.r#type().map(|t| t.as_str()), Some("HTTP_PROXY"));
    assert_eq!(integration.uri(), Some("https://example.com/items/{id}"));
    assert_eq!(integration.http_method(), Some("GET"));
    assert_eq!(integration.timeout_in_millis(), 10000);
    assert_eq!(integration.cache_key_parameters(), ["method.request.path.id"]);
    assert_eq!(integration.cache_namespace(), Some(item.as_str()));
    let items = stack.state_id("aws_api_gateway_resource.items");
    let list = c
        .get_integration()
        .rest_api_id(&api)
        .resource_id(&items)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(
        list.request_templates()
            .and_then(|t| t.get("application/json"))
            .map(String::as_str),
        Some("{\"statusCode\":200}")
    );
    let first_deployment = stack.state_id("aws_api_gateway_deployment.d");

    // In place: a renamed segment, a method that no longer needs a key and takes another
    // parameter, an integration with another URI and timeout. Each redeploys.
    stack.edit("main.tf", "path_part   = \"items\"", "path_part   = \"products\"");
    stack.edit("main.tf", "api_key_required   = true", "api_key_required   = false");
    stack.edit(
        "main.tf",
        "{ \"method.request.path.id\" = true }",
        "{ \"method.request.path.id\" = true, \"method.request.header.x-trace\" = false }",
    );
    stack.edit(
        "main.tf",
        "https://example.com/items/{id}",
        "https://example.org/v2/{id}",
    );
    stack.edit(
        "main.tf",
        "timeout_milliseconds    = 10000",
        "timeout_milliseconds    = 20000",
    );
    let shown = stack.plans_and_applies("1 to add, 4 to change, 1 to destroy", &args);
    for address in [
        "aws_api_gateway_resource.items will be updated in-place",
        "aws_api_gateway_method.get will be updated in-place",
        "aws_api_gateway_integration.get will be updated in-place",
        "aws_api_gateway_deployment.d must be replaced",
    ] {
        assert!(shown.contains(address), "{address}:\n{shown}");
    }
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    assert_eq!(paths(&c, &api).await, ["/", "/products", "/products/{id}"]);
    let get = c
        .get_method()
        .rest_api_id(&api)
        .resource_id(&item)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(get.api_key_required(), Some(false));
    assert_eq!(get.request_parameters().map(|p| p.len()), Some(2));
    let integration = c
        .get_integration()
        .rest_api_id(&api)
        .resource_id(&item)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    assert_eq!(integration.uri(), Some("https://example.org/v2/{id}"));
    assert_eq!(integration.timeout_in_millis(), 20000);
    assert_ne!(stack.state_id("aws_api_gateway_deployment.d"), first_deployment);
    let stage = c.get_stage().rest_api_id(&api).stage_name("v1").send().await.unwrap();
    assert_eq!(
        stage.deployment_id().map(str::to_string),
        Some(stack.state_id("aws_api_gateway_deployment.d"))
    );

    // A new passthrough behaviour replaces the integration, as in the provider. The deployment
    // (create_before_destroy) depends on it, so, as Terraform does, the integration is replaced
    // create-first too (`+/-`) rather than the plan being a cycle. An integration is keyed by
    // its method, so the new one overwrites the old and the deposed object's delete then removes
    // it: Terraform 1.11 + provider 5.100 do the same on this blueprint, and their next plan
    // makes it again, as infractl's does.
    stack.edit(
        "main.tf",
        "  type              = \"MOCK\"\n",
        "  type              = \"MOCK\"\n  passthrough_behavior = \"NEVER\"\n",
    );
    let shown = stack.plans_and_applies("2 to add, 1 to change, 2 to destroy", &args);
    assert!(
        shown.contains("aws_api_gateway_integration.list must be replaced")
            && shown.contains("+/- resource \"aws_api_gateway_integration\" \"list\""),
        "{shown}"
    );
    let integration = || async {
        c.get_integration()
            .rest_api_id(&api)
            .resource_id(&items)
            .http_method("GET")
            .send()
            .await
    };
    assert!(
        integration().await.is_err(),
        "the deposed delete removed the new integration"
    );
    let shown = stack.plans_and_applies("2 to add, 1 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_api_gateway_integration.list will be created"),
        "{shown}"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    assert_eq!(integration().await.unwrap().passthrough_behavior(), Some("NEVER"));

    // A method deleted behind infractl's back takes its integration with it: both made again.
    c.delete_method()
        .rest_api_id(&api)
        .resource_id(&item)
        .http_method("GET")
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(shown.contains("aws_api_gateway_method.get will be created"), "{shown}");
    assert!(
        shown.contains("aws_api_gateway_integration.get will be created"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    assert!(c
        .get_method()
        .rest_api_id(&api)
        .resource_id(&item)
        .http_method("GET")
        .send()
        .await
        .is_ok());

    // A deployment's triggers live only in state: as in Terraform, importing it would replace it.
    stack.reimport_all_but(&["aws_api_gateway_deployment"], &args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(c.get_rest_api().rest_api_id(&api).send().await.is_err());
}

/// Terraform and infractl keep these objects the same way, either way: the deployment's
/// trigger, a hash of the JSON of their ids and settings, comes out the same.
#[test]
fn terraform_and_infractl_agree_on_rest_api_methods_either_way() {
    let Some(tf) = Terraform::find("the REST API methods cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(BLUEPRINT, "methods-check", None);
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_knowing_account(&tf, &stack, &["apigateway", "sts"]);
}

/// Lowercase HTTP methods, an integration type API Gateway does not have, a timeout out of
/// range and an unknown passthrough behaviour: refused by both `validate` commands.
#[test]
fn rest_api_method_values_the_provider_refuses_are_refused_at_validate() {
    let key = "rest_api_id = \"a\"\nresource_id = \"r\"";
    let method = [format!("{key}\nhttp_method = \"get\"\nauthorization = \"NONE\"")];
    let bodies: Vec<&str> = method.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_api_gateway_method", &bodies, "method values");
    let cases = [
        format!("{key}\nhttp_method = \"GET\"\ntype = \"LAMBDA\""),
        format!("{key}\nhttp_method = \"GET\"\ntype = \"MOCK\"\ntimeout_milliseconds = 300001"),
        format!("{key}\nhttp_method = \"GET\"\ntype = \"MOCK\"\npassthrough_behavior = \"ALWAYS\""),
        format!("{key}\nhttp_method = \"GET\"\ntype = \"HTTP\"\nintegration_http_method = \"FETCH\""),
    ];
    let bodies: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate("aws_api_gateway_integration", &bodies, "integration values");
}
