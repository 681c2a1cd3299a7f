//! IAM roles and policies, log groups, account data sources and import, against the emulator.

use crate::support::{expect_code, sdk_config, Stack};

fn blueprint(prefix: &str, retention: u32, actions: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-west-2"
}}

data "aws_caller_identity" "me" {{}}
data "aws_region" "here" {{}}

data "aws_iam_policy_document" "assume" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }}
  }}
}}

data "aws_iam_policy_document" "table" {{
  statement {{
    sid       = "Sessions"
    actions   = [{actions}]
    resources = ["arn:aws:dynamodb:${{data.aws_region.here.name}}:${{data.aws_caller_identity.me.account_id}}:table/sessions"]
  }}
}}

resource "aws_iam_role" "task" {{
  name               = "{prefix}-task"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}}

resource "aws_iam_role_policy" "table" {{
  role   = aws_iam_role.task.name
  name   = "table"
  policy = data.aws_iam_policy_document.table.json
}}

resource "aws_cloudwatch_log_group" "app" {{
  name              = "/ecs/{prefix}"
  retention_in_days = {retention}
}}

resource "aws_iam_policy" "logs" {{
  name = "{prefix}-logs"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "${{aws_cloudwatch_log_group.app.arn}}:*" }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "logs" {{
  role       = aws_iam_role.task.name
  policy_arn = aws_iam_policy.logs.arn
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_policies_log_groups_and_import() {
    let prefix = format!("it{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let stack = Stack::from_files(&[("main.tf", &blueprint(&prefix, 14, "\"dynamodb:GetItem\""))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let conf = sdk_config("us-west-2").await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let role_name = format!("{prefix}-task");
    let role = iam.get_role().role_name(&role_name).send().await.unwrap();
    let trust = percent_encoding::percent_decode_str(role.role().unwrap().assume_role_policy_document().unwrap())
        .decode_utf8_lossy()
        .to_string();
    let trust: serde_json::Value = serde_json::from_str(&trust).unwrap();
    assert_eq!(trust["Statement"][0]["Principal"]["Service"], "ecs-tasks.amazonaws.com");
    let inline = iam
        .get_role_policy()
        .role_name(&role_name)
        .policy_name("table")
        .send()
        .await
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&percent_encoding::percent_decode_str(inline.policy_document()).decode_utf8_lossy())
            .unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "dynamodb:GetItem");
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws:dynamodb:us-west-2:123456789012:table/sessions"
    );
    let attached = iam
        .list_attached_role_policies()
        .role_name(&role_name)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached.attached_policies()[0].policy_name(),
        Some(format!("{prefix}-logs").as_str())
    );
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/ecs/{prefix}"))
        .send()
        .await
        .unwrap();
    assert_eq!(group.log_groups()[0].retention_in_days(), Some(14));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // In-place updates: retention and the inline policy's actions.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&prefix, 30, "\"dynamodb:GetItem\", \"dynamodb:PutItem\""),
    )
    .unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("Plan: 0 to add, 2 to change, 0 to destroy."), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/ecs/{prefix}"))
        .send()
        .await
        .unwrap();
    assert_eq!(group.log_groups()[0].retention_in_days(), Some(30));
    let inline = iam
        .get_role_policy()
        .role_name(&role_name)
        .policy_name("table")
        .send()
        .await
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&percent_encoding::percent_decode_str(inline.policy_document()).decode_utf8_lossy())
            .unwrap();
    assert_eq!(
        doc["Statement"][0]["Action"],
        serde_json::json!(["dynamodb:GetItem", "dynamodb:PutItem"])
    );

    // Import: forget the role and log group, then take them back by id; nothing to change.
    expect_code(
        &stack.run(&["state", "rm", "aws_iam_role.task", "aws_cloudwatch_log_group.app"]),
        0,
    );
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("aws_iam_role.task will be created"), "{t}");
    expect_code(&stack.run(&["import", "aws_iam_role.task", &role_name]), 0);
    expect_code(
        &stack.run(&["import", "aws_cloudwatch_log_group.app", &format!("/ecs/{prefix}")]),
        0,
    );
    let t = expect_code(&stack.run(&["import", "aws_iam_role.task", &role_name]), 1);
    assert!(t.contains("already managed"), "{t}");
    let t = expect_code(&stack.run(&["import", "aws_iam_role.missing", "x"]), 1);
    assert!(t.contains("does not exist"), "{t}");
    let t = expect_code(
        &stack.run(&["import", "aws_cloudwatch_log_group.app", "/no/such/group"]),
        1,
    );
    assert!(t.contains("already managed") || t.contains("non-existent"), "{t}");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    stack.reimport_all(&[]);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(
        iam.get_role().role_name(&role_name).send().await.is_err(),
        "role still exists"
    );
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/ecs/{prefix}"))
        .send()
        .await
        .unwrap();
    assert!(group.log_groups().is_empty());
    let policies = iam
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .send()
        .await
        .unwrap();
    assert!(!policies
        .policies()
        .iter()
        .any(|p| p.policy_name() == Some(format!("{prefix}-logs").as_str())));
}
