//! The lifecycle beyond create/update/delete against the emulator: pre- and postconditions,
//! check blocks, `replace_triggered_by`, provisioners with tainting and sensitive outputs. Each
//! test asserts on what the emulator holds (SDK calls), what state records and what the user is
//! shown, as Terraform would behave for the same blueprint.

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_ec2::types::Filter;

const REGION: &str = "eu-west-3";

const PROVIDER: &str = r#"
provider "aws" {
  region = "eu-west-3"
}

variable "prefix" {
  type = string
}
"#;

/// A stack of `PROVIDER` plus `body`, and the `-var=prefix=` argument naming its objects.
fn stack(body: &str) -> (Stack, String) {
    let stack = Stack::from_files(&[("main.tf", &format!("{PROVIDER}{body}"))]);
    let prefix = format!("-var=prefix={}", stack.name);
    (stack, prefix)
}

/// The value SSM holds for a parameter, or `None` when it does not exist.
async fn parameter(name: &str) -> Option<String> {
    let ssm = aws_sdk_ssm::Client::new(&sdk_config(REGION).await);
    match ssm.get_parameter().name(name).send().await {
        Ok(out) => out.parameter().and_then(|p| p.value()).map(str::to_string),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_parameter_not_found()) => None,
        Err(e) => panic!("GetParameter {name}: {e:?}"),
    }
}

/// Whether EC2 holds a VPC with this id.
async fn vpc_exists(id: &str) -> bool {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let filter = Filter::builder().name("vpc-id").values(id).build();
    let out = ec2.describe_vpcs().filters(filter).send().await.unwrap();
    !out.vpcs().is_empty()
}

/// A resource's record in the state file (panics when it is not there).
fn state_record(stack: &Stack, address: &str) -> serde_json::Value {
    let state: serde_json::Value = stack.flat_state();
    state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in state"))
        .clone()
}

fn in_state(stack: &Stack, address: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(stack.state_file()) else {
        return false;
    };
    crate::support::flat_state(&text)["resources"]
        .as_array()
        .is_some_and(|l| l.iter().any(|r| r["address"] == address))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_postcondition_stops_the_apply_after_the_create_and_state_keeps_the_object() {
    let (stack, prefix) = stack(
        r#"
resource "aws_ssm_parameter" "first" {
  name  = "/${var.prefix}/first"
  type  = "String"
  value = "one"
  lifecycle {
    postcondition {
      condition     = self.version > 1
      error_message = "Version ${self.version} of ${self.name} is not past 1."
    }
  }
}

resource "aws_ssm_parameter" "second" {
  name  = "/${var.prefix}/second"
  type  = "String"
  value = aws_ssm_parameter.first.arn
}
"#,
    );
    let first = format!("/{}/first", stack.name);
    // The version is unknown until the object exists: the plan cannot judge it.
    expect_code(&stack.run(&["plan", &prefix]), 0);
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 1);
    assert!(out.contains("Resource postcondition failed"), "{out}");
    assert!(out.contains(&format!("Version 1 of {first} is not past 1.")), "{out}");
    assert!(out.contains("main.tf:"), "the condition's location: {out}");
    // The object was created and state records it; its dependent was never created.
    assert_eq!(parameter(&first).await.as_deref(), Some("one"));
    assert_eq!(stack.state_id("aws_ssm_parameter.first"), first);
    assert_eq!(
        state_record(&stack, "aws_ssm_parameter.first")["attributes"]["version"],
        1
    );
    assert_eq!(parameter(&format!("/{}/second", stack.name)).await, None);
    assert!(!in_state(&stack, "aws_ssm_parameter.second"));
    // Now the version is known, the plan itself fails on the same condition, as Terraform's.
    let out = expect_code(&stack.run(&["plan", &prefix]), 1);
    assert!(out.contains("Resource postcondition failed"), "{out}");
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
    assert_eq!(parameter(&first).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_precondition_stops_before_any_call_for_its_resource() {
    let (stack, prefix) = stack(
        r#"
variable "size" {
  type    = number
  default = 3
}

resource "aws_ssm_parameter" "sized" {
  name  = "/${var.prefix}/sized"
  type  = "String"
  value = "size-${var.size}"
  lifecycle {
    precondition {
      condition     = var.size <= 2
      error_message = "Size ${var.size} is over 2."
    }
  }
}
"#,
    );
    let sized = format!("/{}/sized", stack.name);
    let proxy = CountingProxy::start();
    // Known at plan: the plan fails and AWS is never called.
    let out = expect_code(
        &stack.run_with_endpoint(&["apply", "-auto-approve", &prefix], &proxy.url),
        1,
    );
    assert!(out.contains("Resource precondition failed"), "{out}");
    assert!(out.contains("Size 3 is over 2."), "{out}");
    assert_eq!(proxy.calls(), Default::default(), "no AWS call at all");
    assert_eq!(parameter(&sized).await, None);
    assert!(!in_state(&stack, "aws_ssm_parameter.sized"));
    expect_code(&stack.run(&["apply", "-auto-approve", &prefix, "-var=size=2"]), 0);
    assert_eq!(parameter(&sized).await.as_deref(), Some("size-2"));

    // Known only after its dependency is created: that one is created, the guarded update
    // never reaches AWS, and the apply fails.
    let gated = r#"
resource "aws_ssm_parameter" "gate" {
  name  = "/${var.prefix}/gate"
  type  = "String"
  value = "closed"
}

resource "aws_ssm_parameter" "sized" {
  name  = "/${var.prefix}/sized"
  type  = "String"
  value = "guarded"
  lifecycle {
    precondition {
      condition     = aws_ssm_parameter.gate.version > 1
      error_message = "The gate is at version ${aws_ssm_parameter.gate.version}."
    }
  }
}
"#;
    std::fs::write(stack.path.join("main.tf"), format!("{PROVIDER}{gated}")).unwrap();
    let plan = expect_code(&stack.run(&["plan", &prefix]), 0);
    assert!(
        plan.contains("aws_ssm_parameter.sized will be updated in-place"),
        "{plan}"
    );
    proxy.reset();
    let out = expect_code(
        &stack.run_with_endpoint(&["apply", "-auto-approve", &prefix], &proxy.url),
        1,
    );
    assert!(out.contains("Resource precondition failed"), "{out}");
    assert!(out.contains("The gate is at version 1."), "{out}");
    assert_eq!(
        parameter(&format!("/{}/gate", stack.name)).await.as_deref(),
        Some("closed")
    );
    let calls = proxy.calls();
    assert_eq!(
        calls.get("ssm:PutParameter"),
        Some(&1),
        "only the gate is written: {calls:?}"
    );
    assert_eq!(calls.get("ssm:DeleteParameter"), None, "{calls:?}");
    // The guarded object is left as it was, in AWS and in state.
    assert_eq!(parameter(&sized).await.as_deref(), Some("size-2"));
    assert_eq!(stack.state_id("aws_ssm_parameter.sized"), sized);
    drop(proxy);
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_check_warns_and_the_apply_completes() {
    let (stack, prefix) = stack(
        r#"
resource "aws_ssm_parameter" "checked" {
  name  = "/${var.prefix}/checked"
  type  = "String"
  value = "v"
}

check "version" {
  assert {
    condition     = aws_ssm_parameter.checked.version > 1
    error_message = "Version ${aws_ssm_parameter.checked.version} is not past 1."
  }
}

check "name" {
  assert {
    condition     = startswith(aws_ssm_parameter.checked.name, "/nowhere/")
    error_message = "${aws_ssm_parameter.checked.name} is not under /nowhere/."
  }
}
"#,
    );
    let checked = format!("/{}/checked", stack.name);
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 0);
    // At plan the name is known and fails; the version is judged after the apply, and fails.
    assert!(out.contains("Warning: Check block assertion failed"), "{out}");
    assert!(out.contains(&format!("{checked} is not under /nowhere/.")), "{out}");
    assert!(out.contains("Version 1 is not past 1."), "judged after apply: {out}");
    assert!(!out.contains("Error"), "{out}");
    assert!(out.contains("Apply complete!"), "{out}");
    assert_eq!(parameter(&checked).await.as_deref(), Some("v"));
    assert_eq!(stack.state_id("aws_ssm_parameter.checked"), checked);
    // A later plan has nothing to change and still warns.
    let plan = expect_code(&stack.run(&["plan", "-detailed-exitcode", &prefix]), 0);
    assert!(plan.contains("Version 1 is not past 1."), "{plan}");
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_triggered_by_replaces_the_dependent_object() {
    let (stack, prefix) = stack(
        r#"
variable "revision" {
  type    = string
  default = "1"
}

resource "aws_ssm_parameter" "revision" {
  name  = "/${var.prefix}/revision"
  type  = "String"
  value = var.revision
}

resource "aws_vpc" "dependent" {
  cidr_block = "10.61.0.0/16"
  lifecycle {
    replace_triggered_by = [aws_ssm_parameter.revision]
  }
}

resource "aws_vpc" "bystander" {
  cidr_block = "10.62.0.0/16"
}
"#,
    );
    expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 0);
    let old = stack.state_id("aws_vpc.dependent");
    let bystander = stack.state_id("aws_vpc.bystander");
    assert!(vpc_exists(&old).await);

    let plan = expect_code(&stack.run(&["plan", &prefix, "-var=revision=2"]), 0);
    assert!(
        plan.contains("aws_vpc.dependent will be replaced due to changes in replace_triggered_by"),
        "{plan}"
    );
    assert!(plan.contains("1 to add, 1 to change, 1 to destroy"), "{plan}");
    expect_code(&stack.run(&["apply", "-auto-approve", &prefix, "-var=revision=2"]), 0);
    let new = stack.state_id("aws_vpc.dependent");
    assert_ne!(new, old);
    assert!(vpc_exists(&new).await, "the replacement exists");
    assert!(!vpc_exists(&old).await, "the old VPC is gone");
    assert_eq!(stack.state_id("aws_vpc.bystander"), bystander);
    assert!(vpc_exists(&bystander).await);
    assert_eq!(
        parameter(&format!("/{}/revision", stack.name)).await.as_deref(),
        Some("2")
    );
    // No change to the trigger, no replacement.
    expect_code(
        &stack.run(&["plan", "-detailed-exitcode", &prefix, "-var=revision=2"]),
        0,
    );
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix, "-var=revision=2"]), 0);
    assert!(!vpc_exists(&new).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn provisioners_run_with_self_and_a_failing_one_taints_the_object() {
    let (stack, prefix) = stack(
        r#"
resource "aws_vpc" "provisioned" {
  cidr_block = "10.63.0.0/16"

  provisioner "local-exec" {
    command = "echo ${self.id} > created.txt"
  }

  provisioner "local-exec" {
    command     = "test -f allowed"
    working_dir = path.module
  }
}
"#,
    );
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 1);
    assert!(out.contains("local-exec provisioner error"), "{out}");
    assert!(out.contains("test -f allowed"), "{out}");
    // The object exists, the first provisioner saw its id, and state records it tainted.
    let first = stack.state_id("aws_vpc.provisioned");
    assert!(vpc_exists(&first).await);
    let written = std::fs::read_to_string(stack.path.join("created.txt")).unwrap();
    assert_eq!(written.trim(), first);
    assert_eq!(state_record(&stack, "aws_vpc.provisioned")["tainted"], true);

    // The next plan replaces it; once the provisioner can succeed, the apply does.
    let plan = expect_code(&stack.run(&["plan", "-detailed-exitcode", &prefix]), 2);
    assert!(
        plan.contains("aws_vpc.provisioned is tainted, so must be replaced"),
        "{plan}"
    );
    assert!(plan.contains("1 to add, 0 to change, 1 to destroy"), "{plan}");
    std::fs::write(stack.path.join("allowed"), "").unwrap();
    expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 0);
    let second = stack.state_id("aws_vpc.provisioned");
    assert_ne!(second, first);
    assert!(vpc_exists(&second).await);
    assert!(!vpc_exists(&first).await, "the tainted VPC was destroyed");
    let written = std::fs::read_to_string(stack.path.join("created.txt")).unwrap();
    assert_eq!(written.trim(), second);
    assert_ne!(state_record(&stack, "aws_vpc.provisioned")["tainted"], true);
    // Provisioners run at creation only: a clean plan, nothing run again.
    std::fs::remove_file(stack.path.join("created.txt")).unwrap();
    expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 0);
    assert!(!stack.path.join("created.txt").exists());
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
    assert!(!vpc_exists(&second).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn sensitive_outputs_are_hidden_in_plan_apply_and_output() {
    let canary = format!("canary-{}", uuid::Uuid::new_v4().simple());
    let (stack, prefix) = stack(&format!(
        r#"
variable "password" {{
  type      = string
  sensitive = true
  default   = "{canary}"
}}

resource "aws_ssm_parameter" "password" {{
  name  = "/${{var.prefix}}/password"
  type  = "SecureString"
  value = var.password
}}

output "password" {{
  value = "pw:${{var.password}}"
}}

output "name" {{
  value = aws_ssm_parameter.password.name
}}
"#
    ));
    let password = format!("/{}/password", stack.name);
    // A root output showing a sensitive value must say so: refused before any AWS call.
    let out = expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 1);
    assert!(out.contains("Output refers to sensitive values"), "{out}");
    assert_eq!(parameter(&password).await, None);

    stack.edit(
        "main.tf",
        "value = \"pw:${var.password}\"",
        "value     = \"pw:${var.password}\"\n  sensitive = true",
    );
    let plan = expect_code(&stack.run(&["plan", &prefix]), 0);
    assert!(plan.contains("password = (sensitive value)"), "{plan}");
    let apply = expect_code(&stack.run(&["apply", "-auto-approve", &prefix]), 0);
    assert!(apply.contains("password = <sensitive>"), "{apply}");
    assert!(apply.contains(&format!("name = \"{password}\"")), "{apply}");
    let output = expect_code(&stack.run(&["output"]), 0);
    assert!(output.contains("password = <sensitive>"), "{output}");
    for (what, shown) in [("plan", &plan), ("apply", &apply), ("output", &output)] {
        assert!(!shown.contains(&canary), "{what} shows the value:\n{shown}");
    }
    // Asked for by name, or as JSON, the value is given, as Terraform gives it.
    let named = expect_code(&stack.run(&["output", "-raw", "password"]), 0);
    assert_eq!(named.trim(), format!("pw:{canary}"));
    let json: serde_json::Value = serde_json::from_str(&text(&stack.run(&["output", "-json"]))).unwrap();
    assert_eq!(json["password"]["sensitive"], true);
    assert_eq!(json["name"]["sensitive"], false);
    // And AWS holds the value itself.
    let ssm = aws_sdk_ssm::Client::new(&sdk_config(REGION).await);
    let held = ssm
        .get_parameter()
        .name(&password)
        .with_decryption(true)
        .send()
        .await
        .unwrap();
    assert_eq!(held.parameter().unwrap().value(), Some(canary.as_str()));
    expect_code(&stack.run(&["destroy", "-auto-approve", &prefix]), 0);
}

/// An output holding whole objects of real types (a subnet with no tags, whose read answers
/// `tags = {}`; an instance of a for_each) plans no change after the apply that created them,
/// sensitive or not: a no-op's object is the one state holds, as in Terraform, not the
/// configuration's spelling of it (`tags` unset).
#[tokio::test(flavor = "multi_thread")]
async fn whole_objects_of_real_types_in_outputs_plan_no_change_after_apply() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
provider "aws" { region = "eu-west-3" }
resource "aws_vpc" "v" { cidr_block = "10.73.0.0/16" }
resource "aws_subnet" "s" {
  for_each   = { a = "10.73.1.0/24" }
  vpc_id     = aws_vpc.v.id
  cidr_block = each.value
}
output "subnets" { value = aws_subnet.s }
output "vpc" {
  value     = aws_vpc.v
  sensitive = true
}
"#,
    )]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let plan = text(&stack.run(&["plan", "-detailed-exitcode"]));
    assert!(
        plan.contains("No changes") && !plan.contains("Changes to Outputs"),
        "{plan}"
    );
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
}
