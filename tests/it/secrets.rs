//! SSM parameters and Secrets Manager secrets against the emulator. The values reach AWS, and
//! never the state file or plan output (which see only "(sensitive value)" and digests).

use crate::support::{expect_code, sdk_config, text, Stack};

const REGION: &str = "eu-central-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "eu-central-1"
}

variable "name" {
  type = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_ssm_parameter" "db_password" {
  name        = "/${var.name}/db/password"
  type        = "SecureString"
  value       = var.db_password
  description = "database password"
}

resource "aws_ssm_parameter" "endpoint" {
  name           = "/${var.name}/db/endpoint"
  type           = "String"
  insecure_value = "db.internal:5432"
}

resource "aws_secretsmanager_secret" "api_key" {
  name                    = "${var.name}/api-key"
  description             = "upstream API key"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "api_key" {
  secret_id     = aws_secretsmanager_secret.api_key.id
  secret_string = jsonencode({ key = var.db_password })
}

output "secret_arn" {
  value = aws_secretsmanager_secret.api_key.arn
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn secret_values_reach_aws_but_never_state_or_plans() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let name = stack.name.clone();
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let vars = [
        "-var".to_string(),
        format!("name={name}"),
        "-var".to_string(),
        format!("db_password={canary}"),
    ];
    let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
    let run = |cmd: &[&str]| stack.run(&[cmd, &vars[..]].concat());
    let no_canary = |what: &str, t: &str| assert!(!t.contains(&canary), "{what} shows the secret:\n{t}");

    let plan = expect_code(&run(&["plan"]), 0);
    no_canary("plan", &plan);
    assert!(plan.contains("(sensitive value)"), "{plan}");
    no_canary("plan -json", &text(&run(&["plan", "-json"])));
    // A saved plan file holds a digest of the sensitive variable, never its value: applying
    // it needs the value again, and the same value.
    let saved = stack.path.join("saved.plan");
    let out = expect_code(&run(&["plan", "-out", saved.to_str().unwrap()]), 0);
    no_canary("plan -out", &out);
    no_canary("plan file", &std::fs::read_to_string(&saved).unwrap());
    let name_only = format!("-var=name={name}");
    let missing = stack.run(&["apply", saved.to_str().unwrap(), &name_only]);
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    assert!(
        text(&missing).contains("No value for required variable \"db_password\""),
        "{}",
        text(&missing)
    );
    let wrong = stack.run(&[
        "apply",
        saved.to_str().unwrap(),
        &name_only,
        "-var=db_password=not-the-one",
    ]);
    assert_eq!(wrong.status.code(), Some(1), "{}", text(&wrong));
    assert!(
        text(&wrong).contains("Sensitive variable \"db_password\" differs from the value the plan was made with"),
        "{}",
        text(&wrong)
    );
    let out = expect_code(&run(&["apply", saved.to_str().unwrap()]), 0);
    no_canary("apply", &out);
    let state = std::fs::read_to_string(stack.state_file()).unwrap();
    no_canary("state", &state);
    assert!(state.contains("sha256:"), "state keeps digests of the values");

    // AWS holds the real values.
    let conf = sdk_config(REGION).await;
    let ssm = aws_sdk_ssm::Client::new(&conf);
    let sm = aws_sdk_secretsmanager::Client::new(&conf);
    let param = ssm
        .get_parameter()
        .name(format!("/{name}/db/password"))
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    let param = param.parameter().unwrap();
    assert_eq!(param.value(), Some(canary.as_str()));
    assert_eq!(param.r#type().map(|t| t.as_str()), Some("SecureString"));
    let secret = sm
        .get_secret_value()
        .secret_id(format!("{name}/api-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        secret.secret_string(),
        Some(format!(r#"{{"key":"{canary}"}}"#).as_str())
    );
    let show = expect_code(&stack.run(&["state", "show", "aws_ssm_parameter.endpoint"]), 0);
    assert!(
        show.contains("db.internal:5432"),
        "insecure_value is kept as written: {show}"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // A value changed outside is seen (as a change to a sensitive value) and put back.
    ssm.put_parameter()
        .name(format!("/{name}/db/password"))
        .value("changed-outside")
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .overwrite(true)
        .send()
        .await
        .unwrap();
    let plan = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    no_canary("drift plan", &plan);
    assert!(
        plan.contains("aws_ssm_parameter.db_password will be updated in-place"),
        "{plan}"
    );
    assert!(!plan.contains("changed-outside"), "{plan}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let param = ssm
        .get_parameter()
        .name(format!("/{name}/db/password"))
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    assert_eq!(param.parameter().and_then(|p| p.value()), Some(canary.as_str()));

    // A new secret value: the parameter is updated, the secret gets a new version.
    let rotated = format!("rotated-{canary}");
    let new_vars = [
        "-var".to_string(),
        format!("name={name}"),
        "-var".to_string(),
        format!("db_password={rotated}"),
    ];
    let new_vars: Vec<&str> = new_vars.iter().map(String::as_str).collect();
    let out = expect_code(&stack.run(&[&["apply", "-auto-approve"][..], &new_vars].concat()), 0);
    assert!(!out.contains(&rotated), "{out}");
    assert!(out.contains("1 added, 1 changed, 1 destroyed"), "{out}");
    let secret = sm
        .get_secret_value()
        .secret_id(format!("{name}/api-key"))
        .send()
        .await
        .unwrap();
    assert!(secret.secret_string().unwrap().contains(&rotated));
    assert!(!std::fs::read_to_string(stack.state_file()).unwrap().contains(&rotated));
    expect_code(
        &stack.run(&[&["plan", "-detailed-exitcode"][..], &new_vars].concat()),
        0,
    );

    stack.reimport_all(&new_vars);

    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], &new_vars].concat()), 0);
    assert!(ssm
        .get_parameter()
        .name(format!("/{name}/db/password"))
        .send()
        .await
        .is_err());
    assert!(sm
        .describe_secret()
        .secret_id(format!("{name}/api-key"))
        .send()
        .await
        .is_err());
}
