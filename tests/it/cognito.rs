//! Cognito as seed 003 uses it, against the emulator: a user pool with e-mail usernames and
//! admin-only sign-up, Google as identity provider, a hosted-UI domain, a code-flow OAuth
//! client with a secret that a Secrets Manager secret version consumes, a resource server and
//! a group. Checks what Cognito holds, a clean plan, in-place changes that keep the ids, that
//! the client secret reaches the consuming secret yet never the output, state or a saved plan,
//! import by Terraform's ids, adoption after lost state (no second pool), and destroy.

use crate::support::{expect_code, sdk_config, text, unique, Stack, Terraform};
use aws_sdk_cognitoidentityprovider::Client;

fn blueprint(name: &str, min_length: u32, callback: &str, api_name: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

variable "google_client_secret" {{
  type      = string
  sensitive = true
  default   = "google-oauth-secret-for-tests"
}}

resource "aws_cognito_user_pool" "main" {{
  name                     = "{name}"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = "INACTIVE"

  admin_create_user_config {{
    allow_admin_create_user_only = true
  }}

  password_policy {{
    minimum_length                   = {min_length}
    require_lowercase                = true
    require_numbers                  = true
    require_symbols                  = false
    require_uppercase                = true
    temporary_password_validity_days = 7
  }}

  account_recovery_setting {{
    recovery_mechanism {{
      name     = "verified_email"
      priority = 1
    }}
  }}

  schema {{
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true
    string_attribute_constraints {{
      min_length = "5"
      max_length = "2048"
    }}
  }}

  schema {{
    name                = "tenant"
    attribute_data_type = "String"
    mutable             = true
    string_attribute_constraints {{
      min_length = "1"
      max_length = "64"
    }}
  }}

  user_attribute_update_settings {{
    attributes_require_verification_before_update = ["email"]
  }}

  verification_message_template {{
    default_email_option = "CONFIRM_WITH_CODE"
  }}

  tags = {{
    Project = "tap"
  }}
}}

resource "aws_cognito_identity_provider" "google" {{
  user_pool_id  = aws_cognito_user_pool.main.id
  provider_name = "Google"
  provider_type = "Google"

  provider_details = {{
    client_id        = "1234-tap.apps.googleusercontent.com"
    client_secret    = var.google_client_secret
    authorize_scopes = "openid email profile"
  }}

  attribute_mapping = {{
    email    = "email"
    username = "sub"
  }}
}}

resource "aws_cognito_user_pool_domain" "hosted_ui" {{
  domain       = "{name}"
  user_pool_id = aws_cognito_user_pool.main.id
}}

resource "aws_cognito_resource_server" "api" {{
  user_pool_id = aws_cognito_user_pool.main.id
  identifier   = "https://api.example.com"
  name         = "{api_name}"

  scope {{
    scope_name        = "read"
    scope_description = "Read access"
  }}
}}

resource "aws_cognito_user_pool_client" "web" {{
  name                                 = "tap-web"
  user_pool_id                         = aws_cognito_user_pool.main.id
  generate_secret                      = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = ["openid", "email", "profile", aws_cognito_resource_server.api.scope_identifiers[0]]
  callback_urls                        = ["{callback}"]
  logout_urls                          = ["https://app.example.com/"]
  supported_identity_providers         = ["COGNITO", aws_cognito_identity_provider.google.provider_name]
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
  prevent_user_existence_errors        = "ENABLED"
  access_token_validity                = 60
  id_token_validity                    = 60
  refresh_token_validity               = 30

  token_validity_units {{
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }}
}}

resource "aws_cognito_user_group" "admins" {{
  user_pool_id = aws_cognito_user_pool.main.id
  name         = "admins"
  description  = "Administrators"
  precedence   = 1
}}

resource "aws_secretsmanager_secret" "client" {{
  name                    = "{name}/cognito-client-secret"
  recovery_window_in_days = 0
}}

resource "aws_secretsmanager_secret_version" "client" {{
  secret_id     = aws_secretsmanager_secret.client.id
  secret_string = aws_cognito_user_pool_client.web.client_secret
}}

output "pool_endpoint" {{
  value = aws_cognito_user_pool.main.endpoint
}}
"#
    )
}

/// The pools of this name the emulator holds.
async fn pools_named(c: &Client, name: &str) -> Vec<String> {
    let out = c.list_user_pools().max_results(60).send().await.unwrap();
    out.user_pools()
        .iter()
        .filter(|p| p.name() == Some(name))
        .filter_map(|p| p.id().map(str::to_string))
        .collect()
}

/// The pool as Cognito holds it.
async fn pool(c: &Client, id: &str) -> aws_sdk_cognitoidentityprovider::types::UserPoolType {
    c.describe_user_pool()
        .user_pool_id(id)
        .send()
        .await
        .unwrap()
        .user_pool
        .expect("the pool")
}

/// The client as Cognito holds it.
async fn client(c: &Client, pool: &str, id: &str) -> aws_sdk_cognitoidentityprovider::types::UserPoolClientType {
    c.describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .expect("the client")
}

/// Fails when `secret` appears in `what` (output, a state file, a plan file).
fn absent(secret: &str, what: &str, text: &str) {
    assert!(
        !text.contains(secret),
        "the client secret appears in {what}:\n{text:.3000}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_003_user_pool_with_google_domain_and_secret_client() {
    let name = unique("tap-auth");
    let main_tf = blueprint(&name, 12, "https://app.example.com/callback", "tap-api");
    if let Some(tf) = Terraform::init("the Cognito blueprint's validity") {
        std::fs::write(tf.work().join("main.tf"), &main_tf).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        assert!(out.status.success(), "terraform validate:\n{}", text(&out));
    }
    let stack = Stack::from_files(&[("main.tf", &main_tf)]);
    let applied = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config("us-east-1").await;
    let c = Client::new(&conf);
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let pool_id = stack.state_id("aws_cognito_user_pool.main");
    let client_id = stack.state_id("aws_cognito_user_pool_client.web");

    // The pool: e-mail usernames, admin-only sign-up, the password policy, tags by
    // DescribeUserPool's UserPoolTags (infractl's own among them).
    let pool = pool(&c, &pool_id).await;
    assert_eq!(pool.name(), Some(name.as_str()));
    let usernames: Vec<&str> = pool.username_attributes().iter().map(|a| a.as_str()).collect();
    assert_eq!(usernames, vec!["email"]);
    assert!(pool.admin_create_user_config().unwrap().allow_admin_create_user_only());
    let policy = pool.policies().unwrap().password_policy().unwrap();
    assert_eq!(policy.minimum_length(), Some(12));
    assert!(policy.require_uppercase() && !policy.require_symbols());
    let tags = pool.user_pool_tags().cloned().unwrap_or_default();
    assert_eq!(tags.get("Project").map(String::as_str), Some("tap"), "{tags:?}");
    assert_eq!(tags.get("infractl:stack"), Some(&stack.name), "{tags:?}");
    assert!(
        pool.schema_attributes()
            .iter()
            .any(|a| a.name() == Some("custom:tenant")),
        "the custom attribute"
    );
    assert_eq!(pool.domain(), Some(name.as_str()), "the pool reports its domain");

    // The client: code flow, scopes, URLs, Google among the providers, a secret.
    let client = client(&c, &pool_id, &client_id).await;
    let flows: Vec<&str> = client.allowed_o_auth_flows().iter().map(|f| f.as_str()).collect();
    assert_eq!(flows, vec!["code"]);
    assert!(client
        .allowed_o_auth_scopes()
        .contains(&"https://api.example.com/read".to_string()));
    assert_eq!(client.callback_urls(), ["https://app.example.com/callback"]);
    assert!(client.supported_identity_providers().contains(&"Google".to_string()));
    let secret = client.client_secret().expect("a generated secret").to_string();

    // The hosted UI, Google and the group.
    let domain = c
        .describe_user_pool_domain()
        .domain(&name)
        .send()
        .await
        .unwrap()
        .domain_description
        .expect("the domain");
    assert_eq!(domain.user_pool_id(), Some(pool_id.as_str()));
    assert_eq!(domain.status().map(|s| s.as_str()), Some("ACTIVE"));
    let google = c
        .describe_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("Google")
        .send()
        .await
        .unwrap()
        .identity_provider
        .expect("Google");
    assert_eq!(google.provider_type().map(|t| t.as_str()), Some("Google"));
    assert_eq!(
        google
            .provider_details()
            .and_then(|d| d.get("client_id"))
            .map(String::as_str),
        Some("1234-tap.apps.googleusercontent.com")
    );
    let group = c
        .get_group()
        .user_pool_id(&pool_id)
        .group_name("admins")
        .send()
        .await
        .unwrap()
        .group
        .expect("the group");
    assert_eq!(group.precedence(), Some(1));

    // The secret reached its consumer, and nothing else.
    let stored = sm
        .get_secret_value()
        .secret_id(format!("{name}/cognito-client-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stored.secret_string(),
        Some(secret.as_str()),
        "the secret version holds the client secret"
    );
    absent(&secret, "the apply output", &applied);
    let state_text = std::fs::read_to_string(stack.state_file()).unwrap();
    absent(&secret, "the state file", &state_text);
    let planned = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(planned.contains("No changes"), "{planned}");
    absent(&secret, "the plan output", &planned);

    // In place: a longer minimum password length, another callback URL and the API's new
    // name, in a saved plan.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&name, 14, "https://app.example.com/auth/callback", "TAP API"),
    )
    .unwrap();
    let plan_path = stack.path.join("change.tfplan");
    let plan_file = plan_path.to_str().unwrap();
    let shown = expect_code(&stack.run(&["plan", "-out", plan_file, "-detailed-exitcode"]), 2);
    assert!(shown.contains("0 to add, 3 to change, 0 to destroy"), "{shown}");
    absent(&secret, "the plan output", &shown);
    let saved = std::fs::read(&plan_path).unwrap();
    absent(&secret, "the saved plan file", &String::from_utf8_lossy(&saved));
    let shown = expect_code(&stack.run(&["apply", plan_file]), 0);
    absent(&secret, "the apply output", &shown);
    assert_eq!(
        stack.state_id("aws_cognito_user_pool.main"),
        pool_id,
        "the pool changed in place"
    );
    assert_eq!(stack.state_id("aws_cognito_user_pool_client.web"), client_id);
    let pool = self::pool(&c, &pool_id).await;
    assert_eq!(
        pool.policies().unwrap().password_policy().unwrap().minimum_length(),
        Some(14)
    );
    // UpdateUserPool resets what it is not sent: the rest of the configuration is still there.
    assert!(pool.admin_create_user_config().unwrap().allow_admin_create_user_only());
    assert_eq!(
        pool.user_pool_tags().and_then(|t| t.get("Project")).map(String::as_str),
        Some("tap")
    );
    let client = self::client(&c, &pool_id, &client_id).await;
    assert_eq!(client.callback_urls(), ["https://app.example.com/auth/callback"]);
    assert_eq!(client.client_secret(), Some(secret.as_str()), "the secret stays");
    assert_eq!(
        client.allowed_o_auth_scopes().len(),
        4,
        "the other settings were sent again"
    );
    let api = c
        .describe_resource_server()
        .user_pool_id(&pool_id)
        .identifier("https://api.example.com")
        .send()
        .await
        .unwrap()
        .resource_server
        .expect("the resource server");
    assert_eq!(api.name(), Some("TAP API"));
    assert_eq!(api.scopes().len(), 1, "its scope was sent again");
    let planned = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    absent(&secret, "the plan output", &planned);

    // Google's client secret: only its digest in state; an update that leaves it alone keeps
    // the real one in Cognito (never the digest).
    const GOOGLE_SECRET: &str = "google-oauth-secret-for-tests";
    absent(
        GOOGLE_SECRET,
        "the state file",
        &std::fs::read_to_string(stack.state_file()).unwrap(),
    );
    stack.edit(
        "main.tf",
        "    username = \"sub\"\n",
        "    username = \"sub\"\n    name     = \"name\"\n",
    );
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("0 added, 1 changed, 0 destroyed"), "{shown}");
    absent(GOOGLE_SECRET, "the apply output", &shown);
    let google = c
        .describe_identity_provider()
        .user_pool_id(&pool_id)
        .provider_name("Google")
        .send()
        .await
        .unwrap()
        .identity_provider
        .expect("Google");
    assert_eq!(
        google
            .attribute_mapping()
            .and_then(|m| m.get("name"))
            .map(String::as_str),
        Some("name")
    );
    assert_eq!(
        google
            .provider_details()
            .and_then(|d| d.get("client_secret"))
            .map(String::as_str),
        Some(GOOGLE_SECRET)
    );
    absent(
        GOOGLE_SECRET,
        "the state file",
        &std::fs::read_to_string(stack.state_file()).unwrap(),
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Import by Terraform's ids plans clean.
    stack.reimport_all(&[]);

    // State lost: the pool is found by its tags, the objects inside it by their keys.
    std::fs::remove_file(stack.state_file()).unwrap();
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("adopting"), "{shown}");
    absent(&secret, "the apply output", &shown);
    assert_eq!(pools_named(&c, &name).await, vec![pool_id.clone()], "no second pool");
    assert_eq!(stack.state_id("aws_cognito_user_pool.main"), pool_id);
    assert_eq!(stack.state_id("aws_cognito_user_pool_client.web"), client_id);
    let clients = c.list_user_pool_clients().user_pool_id(&pool_id).send().await.unwrap();
    assert_eq!(clients.user_pool_clients().len(), 1, "no second client");
    absent(
        &secret,
        "the state file",
        &std::fs::read_to_string(stack.state_file()).unwrap(),
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Destroy leaves nothing (the domain goes before the pool, as Cognito requires).
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(pools_named(&c, &name).await.is_empty(), "the pool is gone");
    let gone = c.describe_user_pool_domain().domain(&name).send().await.unwrap();
    assert!(
        gone.domain_description().and_then(|d| d.user_pool_id()).is_none(),
        "the domain is gone"
    );
    assert!(sm
        .describe_secret()
        .secret_id(format!("{name}/cognito-client-secret"))
        .send()
        .await
        .is_err());
}
