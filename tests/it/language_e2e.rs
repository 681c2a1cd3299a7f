//! The language as Terraform users combine it, in one stack on the emulator: module `for_each`
//! and `count`, a provider alias in a second region handed to a module, `moved` (a resource
//! renamed and a module instance re-keyed) and `removed` blocks, regex functions, the random,
//! null, time, archive, local and terraform built-in providers, create- and destroy-time
//! `local-exec` provisioners, a check block and a postcondition. Each step asserts on what the
//! emulator and the folder hold afterwards.

use crate::support::{expect_code, sdk_config, Stack};

const ROOT: &str = r#"
terraform {
  required_providers {
    aws     = { source = "hashicorp/aws" }
    random  = { source = "hashicorp/random" }
    null    = { source = "hashicorp/null" }
    time    = { source = "hashicorp/time" }
    archive = { source = "hashicorp/archive" }
    local   = { source = "hashicorp/local" }
  }
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

locals {
  stack    = basename(abspath(path.root))
  teams    = { blue = { name = "blue", cidr = "10.81.0.0/16" }, green = { name = "green", cidr = "10.82.0.0/16" } }
  pet_word = regex("^([a-z]+)-", random_pet.name.id)[0]
}

resource "random_pet" "name" {
  length = 2
}

resource "random_id" "token" {
  byte_length = 4
}

resource "time_static" "born" {}

resource "terraform_data" "label" {
  input = "${local.stack}-${random_id.token.hex}"
}

resource "null_resource" "hooks" {
  triggers = { token = random_id.token.hex }

  provisioner "local-exec" {
    command = "echo created ${self.id} > created.txt"
  }

  provisioner "local-exec" {
    when    = destroy
    command = "echo destroyed ${self.triggers.token} > destroyed.txt"
  }
}

data "archive_file" "bundle" {
  type        = "zip"
  output_path = "${path.module}/bundle.zip"
  source {
    content  = "hello ${random_pet.name.id}"
    filename = "hello.txt"
  }
}

resource "local_file" "note" {
  filename = "${path.module}/note.txt"
  content  = "${terraform_data.label.output} ${time_static.born.rfc3339} ${data.archive_file.bundle.output_base64sha256}"
}

module "team" {
  for_each = local.teams
  source   = "./team"
  name     = "${local.stack}-${each.value.name}"
  cidr     = each.value.cidr
}

module "west" {
  count     = 1
  source    = "./team"
  providers = { aws = aws.west }
  name      = "${local.stack}-west"
  cidr      = "10.83.0.0/16"
}

resource "aws_ssm_parameter" "first" {
  name  = "/${local.stack}/first"
  type  = "String"
  value = replace(local.pet_word, "/[aeiou]/", "_")

  lifecycle {
    postcondition {
      condition     = self.version >= 1
      error_message = "SSM records a version for every parameter."
    }
  }
}

resource "aws_ssm_parameter" "kept" {
  name  = "/${local.stack}/kept"
  type  = "String"
  value = "stays"
}

check "pet_shape" {
  assert {
    condition     = length(regexall("-", random_pet.name.id)) == 1
    error_message = "A two-word pet has one dash."
  }
}

output "vpcs" {
  value = { for key, team in module.team : key => team.vpc_id }
}

output "west_vpc" {
  value = module.west[0].vpc_id
}

output "pet_word" {
  value = local.pet_word
}
"#;

const TEAM: &str = r#"
variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}

output "vpc_id" {
  value = aws_vpc.this.id
}
"#;

/// The VPC ids of a region whose Name tag is `name`.
async fn vpcs_named(region: &str, name: &str) -> Vec<String> {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(region).await);
    let out = ec2
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("tag:Name")
                .values(name)
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect()
}

/// A parameter's value and version, or None when SSM does not hold it.
async fn parameter(name: &str) -> Option<(String, i64)> {
    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    match ssm.get_parameter().name(name).send().await {
        Ok(out) => out
            .parameter()
            .map(|p| (p.value().unwrap_or_default().to_string(), p.version())),
        Err(e) => {
            let code = e
                .as_service_error()
                .and_then(|s| s.meta().code())
                .unwrap_or_default()
                .to_string();
            assert_eq!(code, "ParameterNotFound", "{e:?}");
            None
        }
    }
}

fn outputs(stack: &Stack) -> serde_json::Value {
    let out = stack.run(&["output", "-json"]);
    serde_json::from_str(&expect_code(&out, 0)).unwrap()
}

fn state_list(stack: &Stack) -> Vec<String> {
    let out = stack.run(&["state", "list"]);
    expect_code(&out, 0).lines().map(str::to_string).collect()
}

fn assert_clean_plan(stack: &Stack) {
    let out = stack.run(&["plan"]);
    let t = expect_code(&out, 0);
    assert!(t.contains("No changes"), "{t}");
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_aliases_moves_builtins_provisioners_and_checks_apply_together() {
    let stack = Stack::from_files(&[("main.tf", ROOT), ("team/main.tf", TEAM)]);
    let name = stack.name.clone();
    expect_code(&stack.run(&["validate"]), 0);

    // Apply: every object where Terraform would put it.
    let out = stack.run(&["apply", "-auto-approve"]);
    let applied = expect_code(&out, 0);
    assert!(
        applied.contains("null_resource.hooks (local-exec):"),
        "provisioner output is prefixed: {applied}"
    );

    let outs = outputs(&stack);
    let blue = outs["vpcs"]["value"]["blue"].as_str().unwrap().to_string();
    let green = outs["vpcs"]["value"]["green"].as_str().unwrap().to_string();
    let west = outs["west_vpc"]["value"].as_str().unwrap().to_string();
    assert_eq!(
        vpcs_named("us-east-1", &format!("{name}-blue")).await,
        vec![blue.clone()]
    );
    assert_eq!(
        vpcs_named("us-east-1", &format!("{name}-green")).await,
        vec![green.clone()]
    );
    assert_eq!(
        vpcs_named("us-west-2", &format!("{name}-west")).await,
        vec![west.clone()]
    );
    assert!(
        vpcs_named("us-east-1", &format!("{name}-west")).await.is_empty(),
        "the alias's VPC is in us-west-2 only"
    );

    let pet_word = outs["pet_word"]["value"].as_str().unwrap().to_string();
    assert!(
        !pet_word.is_empty() && pet_word.chars().all(|c| c.is_ascii_lowercase()),
        "{pet_word}"
    );
    let expected_value: String = pet_word
        .chars()
        .map(|c| if "aeiou".contains(c) { '_' } else { c })
        .collect();
    let (value, version) = parameter(&format!("/{name}/first"))
        .await
        .expect("the parameter exists");
    assert_eq!(value, expected_value);
    assert_eq!(version, 1);

    let created = std::fs::read_to_string(stack.path.join("created.txt")).expect("the create-time provisioner ran");
    assert!(created.starts_with("created "), "{created}");
    let note = std::fs::read_to_string(stack.path.join("note.txt")).expect("local_file wrote its file");
    assert!(note.starts_with(&format!("{name}-")), "{note}");
    let zip_hash = note.split_whitespace().last().unwrap().to_string();
    assert!(stack.path.join("bundle.zip").is_file());

    let addresses = state_list(&stack);
    for a in [
        "module.team[\"blue\"].aws_vpc.this",
        "module.team[\"green\"].aws_vpc.this",
        "module.west[0].aws_vpc.this",
        "aws_ssm_parameter.first",
        "null_resource.hooks",
        "terraform_data.label",
    ] {
        assert!(addresses.iter().any(|x| x == a), "{a} missing from {addresses:?}");
    }
    assert_clean_plan(&stack);

    // A resource renamed and a module instance re-keyed through `moved`, a resource forgotten
    // through `removed`: nothing is replaced or destroyed.
    let moved = ROOT
        .replace("resource \"aws_ssm_parameter\" \"first\"", "resource \"aws_ssm_parameter\" \"renamed\"")
        .replace("green = { name", "teal = { name")
        .replace(
            "resource \"aws_ssm_parameter\" \"kept\" {\n  name  = \"/${local.stack}/kept\"\n  type  = \"String\"\n  value = \"stays\"\n}\n",
            "",
        )
        + r#"
moved {
  from = aws_ssm_parameter.first
  to   = aws_ssm_parameter.renamed
}

moved {
  from = module.team["green"]
  to   = module.team["teal"]
}

removed {
  from = aws_ssm_parameter.kept
  lifecycle {
    destroy = false
  }
}
"#;
    assert!(
        !moved.contains("\"kept\" {"),
        "the kept parameter's block is gone from the blueprint"
    );
    std::fs::write(stack.path.join("main.tf"), &moved).unwrap();
    let out = stack.run(&["plan"]);
    let plan = expect_code(&out, 0);
    assert!(
        plan.contains("aws_ssm_parameter.first has moved to aws_ssm_parameter.renamed"),
        "{plan}"
    );
    assert!(
        plan.contains("module.team[\"green\"].aws_vpc.this has moved to module.team[\"teal\"].aws_vpc.this"),
        "{plan}"
    );
    assert!(
        plan.contains("0 to add, 0 to change, 0 to destroy"),
        "a move alone changes nothing: {plan}"
    );
    assert!(!plan.contains("must be replaced"), "{plan}");

    let out = stack.run(&["apply", "-auto-approve"]);
    expect_code(&out, 0);
    let outs = outputs(&stack);
    assert_eq!(
        outs["vpcs"]["value"]["teal"].as_str(),
        Some(green.as_str()),
        "the re-keyed instance keeps its VPC"
    );
    assert_eq!(
        vpcs_named("us-east-1", &format!("{name}-green")).await,
        vec![green.clone()],
        "not replaced"
    );
    let (_, version) = parameter(&format!("/{name}/first"))
        .await
        .expect("the renamed parameter is the same object");
    assert_eq!(version, 1, "the parameter was not rewritten");
    assert!(
        parameter(&format!("/{name}/kept")).await.is_some(),
        "removed with destroy = false leaves the object"
    );
    let addresses = state_list(&stack);
    assert!(
        addresses.iter().any(|a| a == "aws_ssm_parameter.renamed"),
        "{addresses:?}"
    );
    assert!(
        addresses.iter().any(|a| a == "module.team[\"teal\"].aws_vpc.this"),
        "{addresses:?}"
    );
    assert!(
        !addresses
            .iter()
            .any(|a| a.contains("kept") || a.contains("first") || a.contains("green")),
        "{addresses:?}"
    );
    assert_clean_plan(&stack);
    let note = std::fs::read_to_string(stack.path.join("note.txt")).unwrap();
    assert_eq!(
        note.split_whitespace().last().unwrap(),
        zip_hash,
        "the archive hashes the same on every run"
    );

    // Destroy: nothing left in either region, the destroy-time provisioner ran, files removed.
    let out = stack.run(&["destroy", "-auto-approve"]);
    let destroyed = expect_code(&out, 0);
    assert!(state_list(&stack).is_empty(), "{destroyed}");
    assert!(vpcs_named("us-east-1", &format!("{name}-blue")).await.is_empty());
    assert!(vpcs_named("us-east-1", &format!("{name}-green")).await.is_empty());
    assert!(vpcs_named("us-west-2", &format!("{name}-west")).await.is_empty());
    assert!(parameter(&format!("/{name}/first")).await.is_none());
    let last = std::fs::read_to_string(stack.path.join("destroyed.txt")).expect("the destroy-time provisioner ran");
    assert!(last.starts_with("destroyed "), "{last}");
    assert!(!stack.path.join("note.txt").exists(), "local_file's file goes with it");

    // The forgotten parameter is the user's now; the test cleans it up.
    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    ssm.delete_parameter()
        .name(format!("/{name}/kept"))
        .send()
        .await
        .unwrap();
}
