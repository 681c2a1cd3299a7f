//! `state pull -format=terraform`: the one-shot move of an infractl stack to Terraform. The
//! document has no infractl extras, generated secrets come out opened (Terraform keeps them in
//! the clear), and Terraform plans no change on it where it is installed.

use crate::support::{text, Stack, Terraform};

fn pulled(stack: &Stack) -> serde_json::Value {
    let out = stack.run(&["state", "pull", "-format=terraform"]);
    assert!(out.status.success(), "state pull failed:\n{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("state pull prints JSON")
}

fn instance<'a>(doc: &'a serde_json::Value, type_name: &str) -> &'a serde_json::Value {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == type_name)
        .unwrap_or_else(|| panic!("no {type_name} in {doc:#}"))["instances"][0]
        .get("attributes")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_secrets_come_out_opened_and_extras_stay_behind() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
resource "random_password" "p" {
  length = 20
}
resource "local_file" "p" {
  filename = "${path.module}/password.txt"
  content  = nonsensitive(random_password.p.result)
}
"#,
    )]);
    let out = stack.run(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "apply failed:\n{}", text(&out));
    let own = std::fs::read_to_string(stack.state_file()).unwrap();
    let plain = std::fs::read_to_string(stack.path.join("password.txt")).unwrap();
    assert_eq!(plain.len(), 20, "{plain}");
    assert!(
        !own.contains(&plain),
        "infractl's own state holds the password in the clear"
    );
    let doc = pulled(&stack);
    assert_eq!(doc["version"], 4);
    assert!(
        doc.get("infractl").is_none(),
        "infractl's extras reached Terraform's document"
    );
    assert_eq!(instance(&doc, "random_password")["result"], plain.as_str());
    // The plain format is still infractl's own, sealed.
    let out = stack.run(&["state", "pull"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&plain));
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_takes_the_pulled_state_with_no_changes() {
    let Some(tf) = Terraform::find("state pull -format=terraform taken by terraform") else {
        return;
    };
    let blueprint = r#"
resource "terraform_data" "a" {
  input = { name = "one", items = [1, 2] }
}
resource "terraform_data" "b" {
  input            = terraform_data.a.output.name
  triggers_replace = [terraform_data.a.id]
}
output "b" {
  value = terraform_data.b.output
}
"#;
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let out = stack.run(&["apply", "-auto-approve"]);
    assert!(out.status.success(), "apply failed:\n{}", text(&out));
    let out = stack.run(&["state", "pull", "-format=terraform"]);
    assert!(out.status.success(), "state pull failed:\n{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), blueprint).unwrap();
    std::fs::write(dir.path().join("terraform.tfstate"), &out.stdout).unwrap();
    let init = tf.run_in(dir.path(), &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "terraform init failed:\n{}", text(&init));
    let plan = tf.run_in(dir.path(), &["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "terraform plans changes on the pulled state:\n{}",
        text(&plan)
    );
}
