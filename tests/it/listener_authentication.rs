//! Authentication actions of an HTTPS listener and a listener rule (a Cognito user pool, an
//! OpenID Connect provider), checked against what the emulator holds: the settings sent, AWS's
//! defaults for those left out, the client secret never read back but kept from the blueprint,
//! a change in place, an import, and Terraform planning clean after infractl and the other way
//! round.

use crate::interop::{both_tools_plan_clean_after_the_other, cross_check_blueprint};
use crate::support::{expect_code, sdk_config, with_alb, Stack, Terraform, VALIDATED_CERTIFICATE_TF};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" { type = string }

variable "timeout" {
  type    = number
  default = 3600
}

locals {
  domain = "${var.name}.example.com"
}

resource "aws_lb_target_group" "app" {
  name     = "app-${substr(aws_vpc.this.id, 4, 8)}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.this.id
}

resource "aws_cognito_user_pool" "users" {
  name = var.name
}

resource "aws_cognito_user_pool_client" "web" {
  name                                 = "web"
  user_pool_id                         = aws_cognito_user_pool.users.id
  generate_secret                      = true
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid"]
  callback_urls                        = ["https://${local.domain}/oauth2/idpresponse"]
  supported_identity_providers         = ["COGNITO"]
}

resource "aws_cognito_user_pool_domain" "auth" {
  domain       = var.name
  user_pool_id = aws_cognito_user_pool.users.id
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate_validation.site.certificate_arn

  default_action {
    type = "authenticate-cognito"

    authenticate_cognito {
      user_pool_arn       = aws_cognito_user_pool.users.arn
      user_pool_client_id = aws_cognito_user_pool_client.web.id
      user_pool_domain    = aws_cognito_user_pool_domain.auth.domain
      session_timeout     = var.timeout
    }
  }

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb_listener_rule" "partners" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 5

  action {
    type = "authenticate-oidc"

    authenticate_oidc {
      issuer                     = "https://idp.example.com"
      authorization_endpoint     = "https://idp.example.com/authorize"
      token_endpoint             = "https://idp.example.com/token"
      user_info_endpoint         = "https://idp.example.com/userinfo"
      client_id                  = "partners"
      client_secret              = "s3cret-${var.timeout}"
      on_unauthenticated_request = "deny"
      scope                      = "openid email"

      authentication_request_extra_params = {
        prompt = "login"
      }
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  condition {
    path_pattern {
      values = ["/partners/*"]
    }
  }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn authentication_actions_are_sent_read_changed_and_imported() {
    let stack = Stack::from_files(&[
        ("main.tf", with_alb(BLUEPRINT, "10.8").as_str()),
        ("certificate.tf", VALIDATED_CERTIFICATE_TF),
    ]);
    let var = format!("-var=name={}", stack.name);
    expect_code(&stack.run(&["apply", "-auto-approve", &var]), 0);
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&sdk_config("us-east-1").await);
    let listener = stack.state_id("aws_lb_listener.https");
    let rule = stack.state_id("aws_lb_listener_rule.partners");

    let cognito = || async {
        let out = elb.describe_listeners().listener_arns(&listener).send().await.unwrap();
        let actions = out.listeners()[0].default_actions().to_vec();
        assert_eq!(actions.len(), 2);
        actions[0].authenticate_cognito_config().unwrap().clone()
    };
    let c = cognito().await;
    assert_eq!(
        c.user_pool_arn().unwrap(),
        stack.state_str("aws_cognito_user_pool.users", "arn")
    );
    assert_eq!(
        c.user_pool_client_id().unwrap(),
        stack.state_id("aws_cognito_user_pool_client.web")
    );
    assert_eq!(c.user_pool_domain(), Some(stack.name.as_str()));
    assert_eq!(c.session_timeout(), Some(3600));
    // Left out: AWS's defaults, which state records.
    assert_eq!(c.scope(), Some("openid"));
    assert_eq!(c.session_cookie_name(), Some("AWSELBAuthSessionCookie"));
    let recorded = stack.state_attr("aws_lb_listener.https", "default_action");
    assert_eq!(
        recorded[0]["authenticate_cognito"][0]["on_unauthenticated_request"],
        "authenticate"
    );

    let out = elb.describe_rules().rule_arns(&rule).send().await.unwrap();
    let o = out.rules()[0].actions()[0].authenticate_oidc_config().unwrap().clone();
    assert_eq!(o.issuer(), Some("https://idp.example.com"));
    assert_eq!(o.client_id(), Some("partners"));
    assert_eq!(o.on_unauthenticated_request().unwrap().as_str(), "deny");
    assert_eq!(o.scope(), Some("openid email"));
    assert_eq!(o.authentication_request_extra_params().unwrap()["prompt"], "login");
    assert_eq!(o.client_secret(), None, "ELBv2 never answers the secret");
    let recorded = stack.state_attr("aws_lb_listener_rule.partners", "action");
    assert_eq!(recorded[0]["authenticate_oidc"][0]["client_secret"], "s3cret-3600");

    // In place: the session timeout, and a new client secret (sent again).
    let changed = [var.as_str(), "-var=timeout=7200"];
    let shown = expect_code(&stack.run(&[&["plan"][..], &changed].concat()), 0);
    assert!(shown.contains("0 to add, 2 to change, 0 to destroy"), "{shown}");
    expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &changed].concat()), 0);
    assert_eq!(stack.state_id("aws_lb_listener.https"), listener);
    assert_eq!(cognito().await.session_timeout(), Some(7200));
    let recorded = stack.state_attr("aws_lb_listener_rule.partners", "action");
    assert_eq!(recorded[0]["authenticate_oidc"][0]["client_secret"], "s3cret-7200");
    expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], &changed].concat()), 0);

    // An import cannot know the secret: the plan after it sends it again, as Terraform's does.
    stack.reimport_all_but(&["aws_acm_certificate_validation"], &changed);
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &changed].concat()), 0);
}

#[test]
fn terraform_and_infractl_agree_on_authentication_actions_either_way() {
    let Some(tf) = Terraform::find("the listener authentication cross-check") else {
        return;
    };
    let blueprint = cross_check_blueprint(
        &with_alb(BLUEPRINT, "10.8"),
        &crate::support::unique("lax"),
        Some(("10.8", "10.9")),
    );
    let stack = Stack::from_files(&[
        ("main.tf", blueprint.as_str()),
        ("certificate.tf", VALIDATED_CERTIFICATE_TF),
    ]);
    both_tools_plan_clean_after_the_other(&tf, &stack, &["ec2", "elbv2", "acm", "route53", "cognitoidp", "sts"]);
}
