//! Root outputs, and the dynamically typed attributes of `terraform_data`, keep the type
//! Terraform gives their expression (`list(string)` from `sort`, a
//! list attribute or a typed variable; `map(string)` from `tags_all`; a tuple from a splat over
//! counted resources; a module's output as the module types it), so that Terraform, reading the
//! state infractl wrote, finds its outputs unchanged. Checked against Terraform itself on the
//! emulator: the types infractl records are the ones `terraform apply` records for the same
//! stack, and `terraform plan -detailed-exitcode` after infractl's apply plans nothing.
//! Skipped with a message where terraform or the provider mirror is absent.

use crate::interop::{infractl_destroys_terraforms, provider_override_for, tf_ok};
use crate::support::{expect_code, Stack, Terraform};

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "zones" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b"]
}

variable "extra_tags" {
  type    = map(string)
  default = { team = "infra" }
}

resource "aws_vpc" "main" {
  cidr_block = "10.61.0.0/16"
  tags       = merge(var.extra_tags, { Name = "outtypes" })
}

resource "aws_subnet" "each" {
  count             = length(var.zones)
  vpc_id            = aws_vpc.main.id
  availability_zone = var.zones[count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}

resource "aws_security_group" "web" {
  name   = "outtypes-web"
  vpc_id = aws_vpc.main.id
}

resource "terraform_data" "zones" {
  input            = var.zones
  triggers_replace = var.extra_tags
}

module "net" {
  source  = "./net"
  subnets = aws_subnet.each[*].id
}

output "vpc_id" { value = aws_vpc.main.id }
output "tags_all" { value = aws_vpc.main.tags_all }
output "tags_merged" { value = merge(var.extra_tags, { Name = "x" }) }
output "subnet_ids" { value = aws_subnet.each[*].id }
output "sorted_ids" { value = sort(aws_subnet.each[*].id) }
output "id_list" { value = tolist(aws_subnet.each[*].id) }
output "zones" { value = var.zones }
output "zone_set" { value = toset(var.zones) }
output "by_zone" { value = zipmap(var.zones, aws_subnet.each[*].id) }
output "by_zone_object" { value = { for s in aws_subnet.each : s.availability_zone => s.id } }
output "ingress" { value = aws_security_group.web.ingress }
output "first" { value = aws_subnet.each[0].cidr_block }
output "module_ids" { value = module.net.ids }
output "module_count" { value = module.net.count }
output "literal" { value = ["x", 1] }
output "cidrs" { value = [for s in aws_subnet.each : s.cidr_block] }
output "keys" { value = keys(aws_vpc.main.tags_all) }
output "data_output" { value = terraform_data.zones.output }
"#;

const MODULE: &str = r#"
variable "subnets" { type = list(string) }
output "ids" { value = var.subnets }
output "count" { value = length(var.subnets) }
"#;

/// The types a Terraform state document records: of each output, and of each dynamically
/// typed attribute of `terraform_data.zones` (as `terraform_data.zones.NAME`).
fn output_types(state: &std::path::Path) -> serde_json::Map<String, serde_json::Value> {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state).expect("terraform.tfstate")).unwrap();
    let mut types: serde_json::Map<String, serde_json::Value> = doc["outputs"]
        .as_object()
        .expect("outputs")
        .iter()
        .map(|(k, o)| (k.clone(), o["type"].clone()))
        .collect();
    let data = doc["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == "terraform_data")
        .expect("terraform_data.zones in state");
    for name in ["input", "output", "triggers_replace"] {
        types.insert(
            format!("terraform_data.zones.{name}"),
            data["instances"][0]["attributes"][name]["type"].clone(),
        );
    }
    types
}

#[test]
fn outputs_keep_the_types_terraform_gives_them() {
    let Some(tf) = Terraform::find("the output types cross-check") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT), ("net/main.tf", MODULE)]);
    std::fs::write(
        stack.path.join("zz_emulator_override.tf"),
        provider_override_for(&["ec2", "sts"]),
    )
    .unwrap();
    tf_ok(&tf, &stack.path, &["init", "-input=false", "-no-color"]);

    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let tfstate = stack.path.join("terraform.tfstate");
    let written = output_types(&tfstate);
    assert_eq!(written["tags_all"], serde_json::json!(["map", "string"]), "{written:?}");
    assert_eq!(written["zones"], serde_json::json!(["list", "string"]), "{written:?}");
    assert_eq!(
        written["terraform_data.zones.triggers_replace"],
        serde_json::json!(["map", "string"]),
        "{written:?}"
    );

    // Terraform finds nothing to change (a type it would give otherwise is a change)...
    let plan = tf.run_in(
        &stack.path,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "terraform plans changes after infractl:\n{}",
        crate::support::text(&plan)
    );
    let out: serde_json::Value = serde_json::from_str(&expect_code(&stack.run(&["output", "-json"]), 0)).unwrap();
    assert_eq!(
        out["sorted_ids"]["type"],
        serde_json::json!(["list", "string"]),
        "{out}"
    );
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);

    // Terraform, applying the same stack itself, records the same types; infractl then plans
    // nothing on its state.
    tf_ok(
        &tf,
        &stack.path,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    let terraforms = output_types(&tfstate);
    let differing: Vec<String> = terraforms
        .iter()
        .filter(|(k, t)| written.get(*k) != Some(*t))
        .map(|(k, t)| format!("{k}: Terraform {t}, infractl {:?}", written.get(k)))
        .collect();
    assert!(differing.is_empty(), "{}", differing.join("\n"));
    assert_eq!(terraforms.len(), written.len(), "{terraforms:?} vs {written:?}");
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(shown.contains("No changes"), "{shown}");
    infractl_destroys_terraforms(&stack, &[]);
}
