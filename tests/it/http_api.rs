//! API Gateway v2 against the emulator: an HTTP API reaching a Cloud Map service privately
//! through a VPC link, with CORS, a JWT authorizer, an auto-deployed `$default` stage (access
//! logs, default and per-route throttling); a WebSocket API with a deployment and a stage; an
//! HTTP API imported from an OpenAPI body. Create, read back, plan clean, change in place, drift,
//! import (`API-ID/ID`), destroy.

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "eu-central-1";

fn blueprint(burst: u32, me_burst: u32, origin: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "{REGION}"
}}

variable "name" {{
  type = string
}}

resource "aws_vpc" "this" {{
  cidr_block = "10.62.0.0/16"
}}

resource "aws_subnet" "private" {{
  count      = 2
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
}}

resource "aws_security_group" "link" {{
  name   = "${{var.name}}-link"
  vpc_id = aws_vpc.this.id
}}

resource "aws_apigatewayv2_vpc_link" "this" {{
  name               = "${{var.name}}-link"
  subnet_ids         = aws_subnet.private[*].id
  security_group_ids = [aws_security_group.link.id]
}}

resource "aws_service_discovery_private_dns_namespace" "internal" {{
  name = "${{var.name}}.local"
  vpc  = aws_vpc.this.id
}}

resource "aws_service_discovery_service" "api" {{
  name = "api"
  dns_config {{
    namespace_id = aws_service_discovery_private_dns_namespace.internal.id
    dns_records {{
      ttl  = 10
      type = "SRV"
    }}
  }}
}}

resource "aws_cloudwatch_log_group" "access" {{
  name = "/apigw/${{var.name}}"
}}

resource "aws_apigatewayv2_api" "http" {{
  name          = "${{var.name}}-http"
  protocol_type = "HTTP"
  cors_configuration {{
    allow_origins = ["{origin}"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["authorization", "content-type"]
    max_age       = 300
  }}
  tags = {{
    Service = "api"
  }}
}}

resource "aws_apigatewayv2_integration" "api" {{
  api_id             = aws_apigatewayv2_api.http.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = aws_service_discovery_service.api.arn
  connection_type    = "VPC_LINK"
  connection_id      = aws_apigatewayv2_vpc_link.this.id
  payload_format_version = "1.0"
}}

resource "aws_apigatewayv2_authorizer" "jwt" {{
  api_id           = aws_apigatewayv2_api.http.id
  authorizer_type  = "JWT"
  name             = "oidc"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {{
    issuer   = "https://sso.example.com"
    audience = ["circle-of-trust"]
  }}
}}

resource "aws_apigatewayv2_route" "proxy" {{
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /{{proxy+}}"
  target    = "integrations/${{aws_apigatewayv2_integration.api.id}}"
}}

resource "aws_apigatewayv2_route" "me" {{
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /me"
  target             = "integrations/${{aws_apigatewayv2_integration.api.id}}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id
}}

resource "aws_apigatewayv2_stage" "default" {{
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
  access_log_settings {{
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = jsonencode({{ requestId = "$context.requestId", status = "$context.status" }})
  }}
  default_route_settings {{
    throttling_burst_limit = {burst}
    throttling_rate_limit  = 50
  }}
  route_settings {{
    route_key              = aws_apigatewayv2_route.me.route_key
    throttling_burst_limit = {me_burst}
    throttling_rate_limit  = 5
  }}
  tags = {{
    Stage = "default"
  }}
}}

resource "aws_apigatewayv2_api" "ws" {{
  name                       = "${{var.name}}-ws"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}}

resource "aws_apigatewayv2_integration" "ws" {{
  api_id           = aws_apigatewayv2_api.ws.id
  integration_type = "MOCK"
}}

resource "aws_apigatewayv2_route" "connect" {{
  api_id    = aws_apigatewayv2_api.ws.id
  route_key = "$connect"
  target    = "integrations/${{aws_apigatewayv2_integration.ws.id}}"
}}

resource "aws_apigatewayv2_deployment" "ws" {{
  api_id      = aws_apigatewayv2_api.ws.id
  description = "routes"
  triggers = {{
    routes = sha1(jsonencode([aws_apigatewayv2_route.connect.id]))
  }}
  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "aws_apigatewayv2_stage" "ws" {{
  api_id        = aws_apigatewayv2_api.ws.id
  name          = "prod"
  deployment_id = aws_apigatewayv2_deployment.ws.id
}}

resource "aws_apigatewayv2_api" "imported" {{
  name          = "${{var.name}}-imported"
  protocol_type = "HTTP"
  # The body's info.version wins over the argument (as in the provider): the two agree.
  version = "1.0"
  body = jsonencode({{
    openapi = "3.0.1"
    info    = {{ version = "1.0" }}
    paths = {{
      "/health" = {{
        get = {{
          "x-amazon-apigateway-integration" = {{
            type                 = "HTTP_PROXY"
            httpMethod           = "GET"
            uri                  = "https://example.com/health"
            payloadFormatVersion = "1.0"
          }}
        }}
      }}
    }}
  }})
}}

output "ws_url" {{
  value = aws_apigatewayv2_stage.ws.invoke_url
}}

output "http_url" {{
  value = aws_apigatewayv2_stage.default.invoke_url
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn http_and_websocket_apis_through_a_vpc_link() {
    let stack = Stack::from_files(&[("main.tf", &blueprint(100, 10, "https://app.example.com"))]);
    let vars = ["-var".to_string(), format!("name={}", stack.name)];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    let http_id = stack.state_id("aws_apigatewayv2_api.http");
    let ws_id = stack.state_id("aws_apigatewayv2_api.ws");
    assert!(
        out.contains(&format!("wss://{ws_id}.execute-api.{REGION}.amazonaws.com/prod")),
        "{out}"
    );
    assert!(
        out.contains(&format!("https://{http_id}.execute-api.{REGION}.amazonaws.com/")),
        "{out}"
    );

    let conf = sdk_config(REGION).await;
    let gw = aws_sdk_apigatewayv2::Client::new(&conf);
    let sd = aws_sdk_servicediscovery::Client::new(&conf);
    let service = sd
        .get_service()
        .id(stack.state_id("aws_service_discovery_service.api"))
        .send()
        .await
        .unwrap();
    let link_id = stack.state_id("aws_apigatewayv2_vpc_link.this");
    let integration = gw
        .get_integration()
        .api_id(&http_id)
        .integration_id(stack.state_id("aws_apigatewayv2_integration.api"))
        .send()
        .await
        .unwrap();
    assert_eq!(integration.integration_uri(), service.service().unwrap().arn());
    assert_eq!(integration.connection_type().map(|t| t.as_str()), Some("VPC_LINK"));
    assert_eq!(integration.connection_id(), Some(link_id.as_str()));
    let link = gw.get_vpc_link().vpc_link_id(&link_id).send().await.unwrap();
    assert_eq!(link.subnet_ids().len(), 2);
    let api = gw.get_api().api_id(&http_id).send().await.unwrap();
    let cors = api.cors_configuration().unwrap();
    assert_eq!(cors.allow_origins(), ["https://app.example.com"]);
    assert_eq!(cors.max_age(), Some(300));
    assert_eq!(
        api.tags().and_then(|t| t.get("Service")).map(String::as_str),
        Some("api")
    );
    let routes = gw.get_routes().api_id(&http_id).send().await.unwrap();
    let me = routes
        .items()
        .iter()
        .find(|r| r.route_key() == Some("GET /me"))
        .unwrap();
    assert_eq!(me.authorization_type().map(|t| t.as_str()), Some("JWT"));
    let authorizer = gw
        .get_authorizer()
        .api_id(&http_id)
        .authorizer_id(me.authorizer_id().unwrap())
        .send()
        .await
        .unwrap();
    let jwt = authorizer.jwt_configuration().unwrap();
    assert_eq!(jwt.issuer(), Some("https://sso.example.com"));
    assert_eq!(jwt.audience(), ["circle-of-trust"]);
    let stage = gw
        .get_stage()
        .api_id(&http_id)
        .stage_name("$default")
        .send()
        .await
        .unwrap();
    assert_eq!(stage.auto_deploy(), Some(true));
    assert!(stage
        .access_log_settings()
        .and_then(|a| a.destination_arn())
        .is_some_and(|d| d.contains(&format!("/apigw/{}", stack.name))));
    assert_eq!(
        stage.default_route_settings().and_then(|d| d.throttling_burst_limit()),
        Some(100)
    );
    assert_eq!(
        stage
            .route_settings()
            .and_then(|r| r.get("GET /me"))
            .and_then(|r| r.throttling_burst_limit()),
        Some(10)
    );
    assert_eq!(
        stage.tags().and_then(|t| t.get("Stage")).map(String::as_str),
        Some("default")
    );
    let ws_stage = gw.get_stage().api_id(&ws_id).stage_name("prod").send().await.unwrap();
    let deployment = stack.state_id("aws_apigatewayv2_deployment.ws");
    assert_eq!(ws_stage.deployment_id(), Some(deployment.as_str()));
    let imported = stack.state_id("aws_apigatewayv2_api.imported");
    let imported_api = gw.get_api().api_id(&imported).send().await.unwrap();
    assert_eq!(imported_api.name(), Some(format!("{}-imported", stack.name).as_str()));
    let imported_routes = gw.get_routes().api_id(&imported).send().await.unwrap();
    assert!(
        imported_routes
            .items()
            .iter()
            .any(|r| r.route_key() == Some("GET /health")),
        "{:?}",
        imported_routes.items()
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // In place: throttling of the stage and of one route, and the API's CORS origins.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(200, 20, "https://www.example.com"),
    )
    .unwrap();
    let out = expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert!(out.contains("0 added, 2 changed, 0 destroyed"), "{out}");
    let stage = gw
        .get_stage()
        .api_id(&http_id)
        .stage_name("$default")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stage.default_route_settings().and_then(|d| d.throttling_burst_limit()),
        Some(200)
    );
    assert_eq!(
        stage
            .route_settings()
            .and_then(|r| r.get("GET /me"))
            .and_then(|r| r.throttling_burst_limit()),
        Some(20)
    );
    let api = gw.get_api().api_id(&http_id).send().await.unwrap();
    assert_eq!(
        api.cors_configuration().unwrap().allow_origins(),
        ["https://www.example.com"]
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Drift: throttling changed outside is put back.
    gw.update_stage()
        .api_id(&http_id)
        .stage_name("$default")
        .default_route_settings(
            aws_sdk_apigatewayv2::types::RouteSettings::builder()
                .throttling_burst_limit(1)
                .throttling_rate_limit(1.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = run(&["plan", "-detailed-exitcode"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("aws_apigatewayv2_stage.default will be updated in-place"),
        "{shown}"
    );
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // The deployment's triggers and the imported API's body live only in the blueprint.
    stack.reimport_all_but(&["aws_apigatewayv2_deployment", "aws_apigatewayv2_api"], &vars);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    for id in [&http_id, &ws_id, &imported] {
        assert!(gw.get_api().api_id(id.as_str()).send().await.is_err(), "{id} is gone");
    }
    assert!(gw.get_vpc_link().vpc_link_id(&link_id).send().await.is_err());
}
