//! DynamoDB resource-based policies (`aws_dynamodb_resource_policy`), written as the
//! dynamodb-table module's `basic` example writes one: a heredoc naming the table's ARN and a
//! role of another account. Checked against what the emulator holds (GetResourcePolicy: the
//! document, its revision), a second plan clean although DynamoDB keeps the document's own
//! spacing, a new action sent in place (a new revision), another table replacing it, a policy
//! changed and one deleted behind infractl's back found and put back, imported by ARN, destroyed
//! (the table keeps no policy); the same blueprint applied by Terraform then planned clean by
//! infractl; a bad ARN and a policy that is not JSON refused at `validate`, as Terraform's
//! `validate` refuses them.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::support::{expect_code, sdk_config, text, Stack, Terraform};

const REGION: &str = "us-east-1";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "actions" {
  type    = list(string)
  default = ["dynamodb:GetItem"]
}

variable "table" {
  type    = string
  default = "a"
}

resource "aws_dynamodb_table" "t" {
  for_each     = toset(["a", "b"])
  name         = "${var.name}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_resource_policy" "this" {
  resource_arn = aws_dynamodb_table.t[var.table].arn
  policy       = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowDummyRoleAccess",
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::222222222222:role/DummyRole"
      },
      "Action": ${jsonencode(var.actions)},
      "Resource": "${aws_dynamodb_table.t[var.table].arn}"
    }
  ]
}
POLICY
}
"#;

/// The policy and revision DynamoDB holds for `arn`; `None` when the table has no policy (or
/// there is no table).
async fn held(ddb: &aws_sdk_dynamodb::Client, arn: &str) -> Option<(serde_json::Value, String)> {
    match ddb.get_resource_policy().resource_arn(arn).send().await {
        Ok(o) => Some((
            serde_json::from_str(o.policy().expect("a policy")).expect("JSON"),
            o.revision_id().expect("a revision").to_string(),
        )),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_policy_not_found_exception() || s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => panic!("GetResourcePolicy {arn}: {e:?}"),
    }
}

/// The statement's action(s) of a held policy, as a list.
fn actions(policy: &serde_json::Value) -> Vec<String> {
    match &policy["Statement"][0]["Action"] {
        serde_json::Value::String(s) => vec![s.clone()],
        v => v
            .as_array()
            .expect("actions")
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_policy_lives_its_whole_life() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config(REGION).await);
    let table_arn = |t: &str| format!("arn:aws:dynamodb:{REGION}:123456789012:table/{}-{t}", stack.name);
    let arn = stack.state_id("aws_dynamodb_resource_policy.this");
    assert_eq!(arn, table_arn("a"), "the id is the table's ARN");
    let (policy, revision) = held(&ddb, &arn).await.expect("the policy");
    assert_eq!(policy["Statement"][0]["Resource"], arn.as_str());
    assert_eq!(
        policy["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::222222222222:role/DummyRole"
    );
    assert_eq!(actions(&policy), ["dynamodb:GetItem"]);
    assert_eq!(
        stack.state_attr("aws_dynamodb_resource_policy.this", "revision_id"),
        revision.as_str()
    );
    assert_eq!(
        stack.state_attr(
            "aws_dynamodb_resource_policy.this",
            "confirm_remove_self_resource_access"
        ),
        false
    );
    assert!(
        held(&ddb, &table_arn("b")).await.is_none(),
        "the other table has no policy"
    );
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Another action: the policy is put again in place, with a new revision.
    let more = r#"actions=["dynamodb:GetItem","dynamodb:Query"]"#;
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", more]), 2);
    assert!(
        shown.contains("aws_dynamodb_resource_policy.this will be updated in-place"),
        "{shown}"
    );
    assert!(shown.contains("0 to add, 1 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", more]), 0);
    let (policy, revised) = held(&ddb, &arn).await.unwrap();
    assert_eq!(actions(&policy), ["dynamodb:GetItem", "dynamodb:Query"]);
    assert_ne!(revised, revision, "a put makes a new revision");
    assert_eq!(
        stack.state_attr("aws_dynamodb_resource_policy.this", "revision_id"),
        revised.as_str()
    );
    assert_eq!(stack.state_id("aws_dynamodb_resource_policy.this"), arn);
    expect_code(&run(&["plan", "-detailed-exitcode", "-var", more]), 0);

    // Drift: a policy rewritten by hand is found and the blueprint's put back.
    let foreign = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
                       "Action": "dynamodb:*", "Resource": arn}]
    });
    ddb.put_resource_policy()
        .resource_arn(&arn)
        .policy(foreign.to_string())
        .send()
        .await
        .unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", more]), 2);
    assert!(shown.contains("333333333333"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", more]), 0);
    assert_eq!(
        actions(&held(&ddb, &arn).await.unwrap().0),
        ["dynamodb:GetItem", "dynamodb:Query"]
    );

    // Drift: a policy deleted by hand is made again.
    ddb.delete_resource_policy().resource_arn(&arn).send().await.unwrap();
    let shown = expect_code(&run(&["plan", "-detailed-exitcode", "-var", more]), 2);
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", more]), 0);
    assert!(held(&ddb, &arn).await.is_some(), "the policy is back");

    // Another table: a new resource ARN replaces the policy; the first table keeps none.
    let shown = expect_code(
        &run(&["plan", "-detailed-exitcode", "-var", more, "-var", "table=b"]),
        2,
    );
    assert!(shown.contains("must be replaced"), "{shown}");
    assert!(shown.contains("1 to add, 0 to change, 1 to destroy"), "{shown}");
    expect_code(&run(&["apply", "-auto-approve", "-var", more, "-var", "table=b"]), 0);
    assert!(held(&ddb, &arn).await.is_none(), "the old table kept its policy");
    let moved = table_arn("b");
    assert_eq!(stack.state_id("aws_dynamodb_resource_policy.this"), moved);
    assert_eq!(
        held(&ddb, &moved).await.unwrap().0["Statement"][0]["Resource"],
        moved.as_str()
    );

    // Imported by ARN, then a clean plan.
    stack.reimport_all(&["-var", var.as_str(), "-var", more, "-var", "table=b"]);

    // Destroying the policy alone leaves the table without one; then everything goes.
    expect_code(
        &run(&[
            "destroy",
            "-auto-approve",
            "-var",
            more,
            "-var",
            "table=b",
            "-target",
            "aws_dynamodb_resource_policy.this",
        ]),
        0,
    );
    assert!(held(&ddb, &moved).await.is_none(), "destroy left the policy");
    ddb.describe_table()
        .table_name(format!("{}-b", stack.name))
        .send()
        .await
        .expect("the table stays");
    expect_code(&run(&["destroy", "-auto-approve", "-var", more, "-var", "table=b"]), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_policy_terraform_applied_plans_clean_in_infractl() {
    let Some(tf) = Terraform::find("the table policy blueprint applied by Terraform") else {
        return;
    };
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["dynamodb", "sts"], &["-var", &var]);
    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config(REGION).await);
    let arn = format!("arn:aws:dynamodb:{REGION}:123456789012:table/{}-a", stack.name);
    assert!(held(&ddb, &arn).await.is_some(), "Terraform put no policy");
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
}

/// A resource ARN that is not an ARN and a policy that is not JSON: refused by `validate` at
/// their lines, before any call (the endpoint is a closed port), and by Terraform's `validate`.
#[test]
fn a_bad_arn_and_a_policy_not_json_are_refused_at_validate() {
    let body = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_dynamodb_resource_policy\" \"p\" {\n  resource_arn = \"my-table\"\n  policy       = \"{not json\"\n}\n";
    let stack = Stack::from_files(&[("main.tf", body)]);
    let shown = expect_code(&stack.run_with_endpoint(&["validate"], "http://127.0.0.1:9"), 1);
    assert!(shown.contains("main.tf:6"), "{shown}");
    assert!(shown.contains("resource_arn"), "{shown}");
    assert!(shown.contains("main.tf:7"), "{shown}");
    assert!(shown.contains("policy"), "{shown}");
    if let Some(tf) = Terraform::init("the bad table policy values") {
        std::fs::write(tf.work().join("main.tf"), body).unwrap();
        let out = tf.run(&["validate", "-no-color"]);
        let said = text(&out);
        assert!(!out.status.success(), "terraform accepted them:\n{said}");
        assert!(said.contains("Invalid ARN Value") && said.contains("line 6"), "{said}");
        assert!(
            said.contains("Invalid IAM Policy Value") && said.contains("line 7"),
            "{said}"
        );
    }
}
