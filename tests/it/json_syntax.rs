//! `*.tf.json` files and override files: a stack written half in JSON with an `override.tf`,
//! applied on the emulator; and small configurations whose values are compared with what
//! `terraform console` answers for the same files.

use crate::support::{expect_code, sdk_config, text, Stack, Terraform};
use aws_sdk_ec2::types::Filter;
use infractl::blueprint::config::{load_with, Module};
use infractl::blueprint::scope::{AllUnknown, Context};
use infractl::blueprint::variables;
use infractl::value::Value;

/// The network half of the stack (also a seed of the loader's mutation fuzzing).
pub(crate) const NETWORK_JSON: &str = r#"{
  "//": "Generated: the network half of the stack.",
  "provider": {"aws": {"region": "eu-west-1"}},
  "variable": {"cidr": {"type": "string", "default": "10.61.0.0/16"}},
  "resource": {
    "aws_vpc": {
      "main": {
        "cidr_block": "${var.cidr}",
        "tags": {"Name": "json-vpc", "Tier": "base"}
      }
    },
    "aws_subnet": {
      "a": {
        "vpc_id": "${aws_vpc.main.id}",
        "cidr_block": "${cidrsubnet(aws_vpc.main.cidr_block, 8, 1)}",
        "tags": {"Name": "json-subnet-${1 + 1}"}
      }
    }
  }
}
"#;

const OUTPUTS_TF: &str = r#"
output "vpc_id" {
  value = aws_vpc.main.id
}
"#;

pub(crate) const OVERRIDE_TF: &str = r#"
resource "aws_vpc" "main" {
  tags = { Name = "overridden", Tier = "base" }
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn json_stack_with_override_applies_and_destroys() {
    let stack = Stack::from_files(&[
        ("network.tf.json", NETWORK_JSON),
        ("outputs.tf", OUTPUTS_TF),
        ("override.tf", OVERRIDE_TF),
    ]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let ec2 = aws_sdk_ec2::Client::new(&sdk_config("eu-west-1").await);
    let ours = || Filter::builder().name("tag:infractl:stack").values(&stack.name).build();
    let vpcs = ec2.describe_vpcs().filters(ours()).send().await.unwrap();
    assert_eq!(vpcs.vpcs().len(), 1);
    let vpc = &vpcs.vpcs()[0];
    let tag = |tags: &[aws_sdk_ec2::types::Tag], k: &str| {
        tags.iter()
            .find(|t| t.key() == Some(k))
            .and_then(|t| t.value())
            .map(str::to_string)
    };
    assert_eq!(
        tag(vpc.tags(), "Name").as_deref(),
        Some("overridden"),
        "the override's tags"
    );
    assert_eq!(tag(vpc.tags(), "Tier").as_deref(), Some("base"));
    assert_eq!(vpc.cidr_block(), Some("10.61.0.0/16"));
    let vpc_id = vpc.vpc_id().unwrap().to_string();
    let subnets = ec2.describe_subnets().filters(ours()).send().await.unwrap();
    assert_eq!(subnets.subnets().len(), 1);
    let subnet = &subnets.subnets()[0];
    assert_eq!(
        subnet.vpc_id(),
        Some(vpc_id.as_str()),
        "the subnet refers to the JSON VPC"
    );
    assert_eq!(subnet.cidr_block(), Some("10.61.1.0/24"));
    assert_eq!(tag(subnet.tags(), "Name").as_deref(), Some("json-subnet-2"));
    let out = expect_code(&stack.run(&["output", "-raw", "vpc_id"]), 0);
    assert_eq!(out.trim(), vpc_id);

    let plan = stack.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "plan after apply is clean:\n{}",
        text(&plan)
    );

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    let vpcs = ec2.describe_vpcs().filters(ours()).send().await.unwrap();
    assert!(vpcs.vpcs().is_empty(), "{:?}", vpcs.vpcs());
    let subnets = ec2.describe_subnets().filters(ours()).send().await.unwrap();
    assert!(subnets.subnets().is_empty());
}

/// Configurations in JSON and with override files; every local and variable of each is
/// compared with `terraform console`.
const ORACLE_CASES: &[&[(&str, &str)]] = &[
    &[(
        "main.tf.json",
        r#"{
  "//": "JSON syntax constructs",
  "variable": {
    "name": {"type": "string", "default": "web"},
    "literal": {"default": {"k": "${not.evaluated}", "n": [1, "%{ if x }"]}, "description": "a ${x}"},
    "ports": {"type": "list(number)", "default": ["80", 443]}
  },
  "locals": {
    "unwrapped": "${1 + 2}",
    "joined": "app-${var.name}-${upper(var.name)}",
    "cond": "%{ if var.name == \"web\" }front%{ else }back%{ endif }",
    "loop": "%{ for p in var.ports }<${p}>%{ endfor }",
    "escaped": "$${no} %%{ no }",
    "multi": "one\ntwo \"quoted\" \\ back",
    "object": {"plain": 1.5e2, "${var.name}-key": [true, null, "x"], "//": "an attribute"},
    "nested": [{"a": {"b": "${var.name}"}}],
    "unicode": "caf\u00e9 \ud83d\ude00",
    "fn": "${jsonencode({for i, p in var.ports : tostring(i) => p})}",
    "ref": "${var.literal}"
  },
  "resource": {
    "aws_vpc": {
      "main": [{
        "cidr_block": "10.0.0.0/16",
        "tags": {"Name": "${var.name}"},
        "lifecycle": {"ignore_changes": ["tags"], "create_before_destroy": true}
      }]
    },
    "aws_subnet": {
      "a": {
        "count": "${length(var.ports)}",
        "vpc_id": "${aws_vpc.main.id}",
        "cidr_block": "${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)}",
        "depends_on": ["aws_vpc.main"]
      }
    },
    "aws_security_group": {
      "sg": {
        "vpc_id": "${aws_vpc.main.id}",
        "dynamic": {"ingress": {"for_each": "${var.ports}", "iterator": "port", "content": {
          "from_port": "${port.value}", "to_port": "${port.value}", "protocol": "tcp",
          "cidr_blocks": ["0.0.0.0/0"], "description": null, "ipv6_cidr_blocks": null,
          "prefix_list_ids": null, "security_groups": null, "self": null
        }}}
      }
    }
  },
  "output": {"joined": {"value": "${local.joined}", "description": "literal ${x}"}}
}"#,
    )],
    &[
        (
            "main.tf",
            r#"
variable "n" {
  type    = string
  default = "5"
}
locals {
  a = "base-a"
  b = var.n
}
resource "aws_vpc" "v" {
  cidr_block = "10.1.0.0/16"
  tags       = { Name = "base" }
}
"#,
        ),
        (
            "more.tf.json",
            r#"{"locals": {"c": "base-c", "d": "${local.a}/${local.c}"}}"#,
        ),
        (
            "override.tf",
            r#"
variable "n" {
  type = number
}
locals {
  c = "override-c"
}
"#,
        ),
        (
            "z_override.tf.json",
            r#"{"locals": {"a": "json-${local.c}"}, "resource": {"aws_vpc": {"v": {"tags": {"Name": "json"}}}}}"#,
        ),
    ],
    &[
        (
            "main.tf.json",
            r#"{"module": {"child": {"source": "./child", "greeting": "hello"}},
                "locals": {"said": "${module.child.said}", "n": "${module.child.n}"}}"#,
        ),
        (
            "override.tf.json",
            r#"{"module": {"child": {"greeting": "${upper(\"bonjour\")}"}}}"#,
        ),
        (
            "child/main.tf.json",
            r#"{"variable": {"greeting": {"type": "string"}},
                "output": {"said": {"value": "${var.greeting}, world"}, "n": {"value": "${length(var.greeting)}"}}}"#,
        ),
    ],
];

/// A value `terraform console` printed for `jsonencode(...)`: a quoted string holding JSON.
fn console_json(line: &str) -> Value {
    let hcl_string = line.trim();
    let json_text: String = serde_json::from_str(hcl_string).unwrap_or_else(|e| panic!("{line}: {e}"));
    Value::from_json(&serde_json::from_str(&json_text).unwrap())
}

/// infractl's value of every root variable and local of a loaded configuration.
fn infractl_values(root: &Module) -> Vec<(String, Value)> {
    let inputs = variables::collect(root, &[], &mut Vec::new()).unwrap();
    let ctx = Context::new(root, &inputs, &AllUnknown);
    let mut out: Vec<(String, Value)> = inputs.iter().map(|(n, v)| (format!("var.{n}"), v.clone())).collect();
    for (name, attr) in &root.locals {
        let v = ctx.local(&[], name, &attr.loc).unwrap();
        out.push((format!("local.{name}"), v));
    }
    out
}

#[test]
fn json_and_override_values_match_terraform_console() {
    let Some(tf) = Terraform::find("the JSON and override values' comparison with terraform console") else {
        return;
    };
    let region = [("AWS_REGION", "eu-west-1")];
    for (i, files) in ORACLE_CASES.iter().enumerate() {
        let stack = Stack::from_files(files);
        let dir = &stack.path;
        let root =
            load_with(dir, &infractl::provider::aws::blueprint_schemas()).unwrap_or_else(|e| panic!("case {i}: {e}"));
        let ours = infractl_values(&root);
        expect_code(&stack.run(&["validate"]), 0);

        for args in [
            &["init", "-backend=false", "-input=false", "-no-color"][..],
            &["validate", "-no-color"],
        ] {
            let out = tf.run_with_input(dir, args, "", &region);
            assert!(out.status.success(), "case {i}: terraform {args:?}:\n{}", text(&out));
        }
        // The console answers one expression read from standard input: ask for all at once.
        let list: Vec<&str> = ours.iter().map(|(e, _)| e.as_str()).collect();
        let out = tf.run_with_input(
            dir,
            &["console"],
            &format!("jsonencode([{}])\n", list.join(", ")),
            &region,
        );
        assert!(out.status.success(), "case {i}: terraform console:\n{}", text(&out));
        let out = String::from_utf8_lossy(&out.stdout);
        let Value::List(theirs) = console_json(&out) else {
            panic!("case {i}: not a list:\n{out}");
        };
        assert_eq!(theirs.len(), ours.len(), "case {i}: one answer per expression:\n{out}");
        for ((expr, ours), theirs) in ours.iter().zip(&theirs) {
            assert_eq!(ours, theirs, "case {i}: {expr}");
        }
        println!("case {i}: {} values agree with terraform console", ours.len());
    }
}
