//! `init -migrate-state -to=terraform|infractl`: a stack changes hands between the tools in one
//! step. Handed to Terraform, infractl's ownership tags become ordinary tags that both tools
//! plan to remove (and do); handed back, generated secrets are sealed again. Terraform's side is
//! checked where terraform is installed and skipped with a message where it is not.

use crate::interop::provider_override_for;
use crate::support::{expect_code, flat_state, sdk_config, Stack, Terraform};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.61.0.0/16"
  tags       = { Name = var.name }
}

resource "aws_sqs_queue" "jobs" {
  name = "${var.name}-jobs"
  tags = { team = "core" }
}

resource "aws_iam_role" "app" {
  name = "${var.name}-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
  tags = { team = "core" }
}
"#;

/// The tag keys the emulator holds for the VPC, the queue and the role.
async fn live_tag_keys(stack: &Stack, vpc_id: &str) -> Vec<Vec<String>> {
    let conf = sdk_config("us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let vpc = ec2.describe_vpcs().vpc_ids(vpc_id).send().await.unwrap().vpcs()[0].clone();
    let mut vpc_keys: Vec<String> = vpc.tags().iter().filter_map(|t| t.key().map(str::to_string)).collect();
    let sqs = aws_sdk_sqs::Client::new(&conf);
    let url = sqs
        .get_queue_url()
        .queue_name(format!("{}-jobs", stack.name))
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_string();
    let mut queue_keys: Vec<String> = sqs
        .list_queue_tags()
        .queue_url(url)
        .send()
        .await
        .unwrap()
        .tags()
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    let iam = aws_sdk_iam::Client::new(&conf);
    let mut role_keys: Vec<String> = iam
        .list_role_tags()
        .role_name(format!("{}-app", stack.name))
        .send()
        .await
        .unwrap()
        .tags()
        .iter()
        .map(|t| t.key().to_string())
        .collect();
    for k in [&mut vpc_keys, &mut queue_keys, &mut role_keys] {
        k.sort();
    }
    vec![vpc_keys, queue_keys, role_keys]
}

fn keys(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_infractl_stack_is_handed_to_terraform_and_back() {
    let stack = Stack::from_files(&[
        ("main.tf", BLUEPRINT),
        (
            "zz_emulator_override.tf",
            &provider_override_for(&["ec2", "sqs", "iam", "sts"]),
        ),
    ]);
    let var = format!("name={}", stack.name);
    let with_var = |verb: &[&'static str]| -> Vec<String> {
        verb.iter()
            .map(|s| s.to_string())
            .chain(["-var".into(), var.clone()])
            .collect()
    };
    let run = |verb: &[&'static str]| {
        let args = with_var(verb);
        stack.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let vpc_id = stack.state_id("aws_vpc.main");
    let own = keys(&["infractl:address", "infractl:stack"]);
    let with_own = |user: &[&str]| {
        let mut k = keys(user);
        k.extend(own.clone());
        k.sort();
        k
    };
    assert_eq!(
        live_tag_keys(&stack, &vpc_id).await,
        vec![with_own(&["Name"]), with_own(&["team"]), with_own(&["team"])],
        "infractl tags what it creates on a stack it keeps"
    );

    // Handed to Terraform: Terraform's file, infractl's set aside.
    let shown = expect_code(&stack.run(&["init", "-migrate-state", "-to=terraform"]), 0);
    assert!(shown.contains("Handed the state (3 resource(s)"), "{shown}");
    let theirs = stack.path.join("terraform.tfstate");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&theirs).unwrap()).unwrap();
    assert_eq!(doc["infractl"]["keeper"], "terraform", "{doc:#}");
    assert_eq!(flat_state(&doc.to_string())["resources"].as_array().unwrap().len(), 3);
    assert!(
        !stack.state_file().exists(),
        "infractl's own state file is still in place"
    );
    assert!(stack
        .state_file()
        .with_file_name(format!("{}.tfstate.json.migrated", stack.name))
        .exists());

    // Both tools now see infractl's tags as tags the blueprint does not have, and plan to
    // remove them from each object.
    let tf = Terraform::find("Terraform's plans of a stack handed over by infractl");
    if let Some(tf) = &tf {
        let out = tf.run_in(&stack.path, &["init", "-input=false", "-no-color"]);
        assert!(out.status.success(), "{}", crate::support::text(&out));
        let plan = tf.run_in(
            &stack.path,
            &["plan", "-detailed-exitcode", "-input=false", "-no-color", "-var", &var],
        );
        let shown = crate::support::text(&plan);
        assert_eq!(plan.status.code(), Some(2), "{shown}");
        assert!(shown.contains("0 to add, 3 to change, 0 to destroy"), "{shown}");
    }
    let plan = expect_code(&run(&["plan", "-detailed-exitcode"]), 2);
    assert!(plan.contains("0 to add, 3 to change, 0 to destroy"), "{plan}");
    assert!(plan.contains("infractl:stack"), "{plan}");
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        live_tag_keys(&stack, &vpc_id).await,
        vec![keys(&["Name"]), keys(&["team"]), keys(&["team"])],
        "the apply removed infractl's tags"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    if let Some(tf) = &tf {
        let plan = tf.run_in(
            &stack.path,
            &["plan", "-detailed-exitcode", "-input=false", "-no-color", "-var", &var],
        );
        assert_eq!(plan.status.code(), Some(0), "{}", crate::support::text(&plan));
    }

    // And back: infractl's file again, Terraform's set aside, nothing to change.
    let shown = expect_code(&stack.run(&["init", "-migrate-state", "-to=infractl"]), 0);
    assert!(shown.contains("to infractl"), "{shown}");
    assert!(!theirs.exists());
    assert!(stack.path.join("terraform.tfstate.migrated").exists());
    let state = stack.flat_state();
    assert_eq!(state["infractl"]["keeper"], "infractl");
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);
    // A second hand-over to the same keeper has nothing to do.
    let shown = expect_code(&stack.run(&["init", "-migrate-state", "-to=infractl"]), 0);
    assert!(shown.contains("already kept by infractl"), "{shown}");

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    let conf = sdk_config("us-east-1").await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let gone = ec2.describe_vpcs().vpc_ids(&vpc_id).send().await;
    assert!(
        gone.map(|o| o.vpcs().is_empty()).unwrap_or(true),
        "the VPC is still there"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_secrets_are_sealed_when_infractl_takes_a_stack_over() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
resource "random_password" "db" {
  length = 24
}
resource "local_file" "db" {
  filename = "${path.module}/password.txt"
  content  = nonsensitive(random_password.db.result)
}
"#,
    )]);
    // A folder Terraform initialised: infractl keeps the state as Terraform does.
    std::fs::create_dir_all(stack.path.join(".terraform/providers")).unwrap();
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let password = std::fs::read_to_string(stack.path.join("password.txt")).unwrap();
    assert_eq!(password.len(), 24);
    let theirs = stack.path.join("terraform.tfstate");
    assert!(
        std::fs::read_to_string(&theirs).unwrap().contains(&password),
        "a Terraform-kept state holds the password in the clear, as Terraform's does"
    );

    let shown = expect_code(&stack.run(&["init", "-migrate-state", "-to=infractl"]), 0);
    assert!(shown.contains("to infractl"), "{shown}");
    assert!(!theirs.exists());
    let own = std::fs::read_to_string(stack.state_file()).unwrap();
    assert!(
        !own.contains(&password),
        "infractl's state holds the password in the clear:\n{own}"
    );
    assert!(own.contains("infractl-sealed:"), "{own}");
    let plan = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(!plan.contains(&password), "{plan}");

    // Handed back, the password opens with the stack's key: the same one, in the clear.
    expect_code(&stack.run(&["init", "-migrate-state", "-to=terraform"]), 0);
    let text = std::fs::read_to_string(&theirs).unwrap();
    let doc = flat_state(&text);
    let result = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "random_password")
        .unwrap()["attributes"]["result"]
        .clone();
    assert_eq!(result, password.as_str());
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    let refused = stack.run(&["init", "-to=terraform"]);
    let shown = expect_code(&refused, 1);
    assert!(shown.contains("-to needs -migrate-state"), "{shown}");
}
