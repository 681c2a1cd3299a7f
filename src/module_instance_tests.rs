//! Module calls with `count` and `for_each`: addresses, references to module instances, state,
//! `-target`, and growth/shrink of instances, planned and applied against the fake cloud.

use crate::plan::{Action, PlanOptions};
use crate::provider::fake::FakeCloud;
use crate::testkit::{run, run_with, write};

fn child(dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("child")).unwrap();
    std::fs::write(
        dir.join("child/main.tf"),
        r#"
variable "name" { type = string }
variable "size" {
  type    = number
  default = 1
}
resource "fake_thing" "this" {
  name = var.name
  size = var.size
}
output "id" { value = fake_thing.this.id }
output "name" { value = fake_thing.this.name }
"#,
    )
    .unwrap();
}

const ROOT: &str = r#"
variable "apps" {
  default = { api = 2, web = 3 }
}
module "app" {
  source   = "./child"
  for_each = var.apps
  name     = "app-${each.key}"
  size     = each.value
}
module "copy" {
  source = "./child"
  count  = 2
  name   = "copy-${count.index}-${module.app["api"].name}"
}
resource "fake_thing" "user" {
  name      = "user"
  parent_id = join(",", [for k, m in module.app : "${k}=${m.id}"])
  size      = length(module.copy)
}
output "copies" { value = module.copy[*].name }
"#;

#[tokio::test]
async fn module_for_each_and_count_expand_into_addressed_instances() {
    let dir = tempfile::tempdir().unwrap();
    child(dir.path());
    write(dir.path(), ROOT);
    let cloud = FakeCloud::new();
    let first = run(dir.path(), &cloud, false).await;
    assert!(first.report.failures.is_empty(), "{:?}", first.report.failures);
    let mut addresses: Vec<String> = first
        .report
        .state
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    addresses.sort();
    assert_eq!(
        addresses,
        vec![
            "fake_thing.user",
            "module.app[\"api\"].fake_thing.this",
            "module.app[\"web\"].fake_thing.this",
            "module.copy[0].fake_thing.this",
            "module.copy[1].fake_thing.this",
        ]
    );
    let attr = |addr: &str, name: &str| {
        first
            .report
            .state
            .resources
            .iter()
            .find(|r| r.address.to_string() == addr)
            .unwrap()
            .attributes[name]
            .clone()
    };
    assert_eq!(attr("module.app[\"web\"].fake_thing.this", "size"), 3);
    assert_eq!(attr("module.copy[1].fake_thing.this", "name"), "copy-1-app-api");
    let api_id = attr("module.app[\"api\"].fake_thing.this", "id");
    let web_id = attr("module.app[\"web\"].fake_thing.this", "id");
    assert_eq!(
        attr("fake_thing.user", "parent_id"),
        format!("api={},web={}", api_id.as_str().unwrap(), web_id.as_str().unwrap())
    );
    assert_eq!(attr("fake_thing.user", "size"), 2);
    assert_eq!(
        first.report.state.outputs["copies"].value,
        serde_json::json!(["copy-0-app-api", "copy-1-app-api"])
    );
    // The user waited for every instance it refers to.
    let calls = cloud.calls();
    let at = |what: &str| calls.iter().position(|c| c == what).unwrap();
    assert!(at("create fake_thing.user") > at("create module.app[\"web\"].fake_thing.this"));
    assert!(at("create fake_thing.user") > at("create module.copy[1].fake_thing.this"));

    let again = run(dir.path(), &cloud, false).await;
    assert!(
        !again.plan.has_changes(),
        "second plan: {:?}",
        again
            .plan
            .changes
            .iter()
            .map(|c| (c.address.to_string(), c.action))
            .collect::<Vec<_>>()
    );

    // One key fewer: only that instance goes, and what refers to it is updated.
    write(dir.path(), &ROOT.replace("{ api = 2, web = 3 }", "{ api = 2 }"));
    let shrunk = run(dir.path(), &cloud, false).await;
    let actions: Vec<(String, Action)> = shrunk
        .plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| (c.address.to_string(), c.action))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("fake_thing.user".to_string(), Action::Update),
            ("module.app[\"web\"].fake_thing.this".to_string(), Action::Delete),
        ]
    );

    let gone = run(dir.path(), &cloud, true).await;
    assert!(gone.report.state.resources.is_empty());
}

#[tokio::test]
async fn targets_select_module_instances() {
    let dir = tempfile::tempdir().unwrap();
    child(dir.path());
    write(dir.path(), ROOT);
    let cloud = FakeCloud::new();
    let r = run_with(
        dir.path(),
        &cloud,
        PlanOptions {
            targets: vec!["module.app[\"web\"]".into()],
            ..Default::default()
        },
    )
    .await;
    let created: Vec<String> = r.report.state.resources.iter().map(|r| r.address.to_string()).collect();
    assert_eq!(created, vec!["module.app[\"web\"].fake_thing.this"]);
    let r = run_with(
        dir.path(),
        &cloud,
        PlanOptions {
            targets: vec!["module.copy".into()],
            ..Default::default()
        },
    )
    .await;
    let mut created: Vec<String> = r.report.state.resources.iter().map(|r| r.address.to_string()).collect();
    created.sort();
    // module.copy refers to module.app["api"], so that comes along.
    assert_eq!(
        created,
        vec![
            "module.app[\"api\"].fake_thing.this",
            "module.app[\"web\"].fake_thing.this",
            "module.copy[0].fake_thing.this",
            "module.copy[1].fake_thing.this",
        ]
    );
}

#[tokio::test]
async fn a_module_with_count_zero_is_never_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    child(dir.path());
    write(
        dir.path(),
        r#"
variable "enabled" { default = false }
variable "names" { default = [] }
module "maybe" {
  source = "./child"
  count  = var.enabled ? 1 : 0
  name   = var.names[0]
}
resource "fake_thing" "maybe" {
  count = var.enabled ? 1 : 0
  name  = format("%s", var.names[0])
}
output "ids" { value = module.maybe[*].id }
"#,
    );
    let cloud = FakeCloud::new();
    let r = run(dir.path(), &cloud, false).await;
    assert!(r.report.state.resources.is_empty());
    assert_eq!(r.report.state.outputs["ids"].value, serde_json::json!([]));
}

#[tokio::test]
async fn path_cwd_is_absolute() {
    let dir = tempfile::tempdir().unwrap();
    child(dir.path());
    write(
        dir.path(),
        "resource \"fake_thing\" \"where\" {\n  name = path.cwd\n}\n",
    );
    let r = run(dir.path(), &FakeCloud::new(), false).await;
    let attrs = &r.report.state.resources[0].attributes;
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(attrs["name"], cwd.display().to_string(), "as Terraform: absolute");
}

#[tokio::test]
async fn a_module_with_nothing_to_change_falls_back_from_its_empty_blocks_at_apply_as_at_plan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("off")).unwrap();
    std::fs::write(
        dir.path().join("off/main.tf"),
        r#"
resource "fake_thing" "this" {
  count = 0
  name  = "never"
}
output "id" { value = try(fake_thing.this[0].id, "") }
output "ids" { value = fake_thing.this[*].id }
"#,
    )
    .unwrap();
    write(
        dir.path(),
        r#"
module "off" { source = "./off" }
output "id" { value = module.off.id }
output "ids" { value = module.off.ids }
"#,
    );
    let cloud = FakeCloud::new();
    let r = run(dir.path(), &cloud, false).await;
    assert!(r.report.state.resources.is_empty());
    assert_eq!(r.report.state.outputs["id"].value, serde_json::json!(""));
    assert_eq!(r.report.state.outputs["ids"].value, serde_json::json!([]));
}
