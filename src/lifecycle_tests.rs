//! The lifecycle of objects beyond create/update/delete, planned and applied against the fake
//! cloud: check blocks, pre- and postconditions, `replace_triggered_by`, provisioners and
//! tainting, sensitive and ephemeral values, ephemeral resources and write-only arguments.

use crate::plan::{Action, OutputAction, Plan, PlanOptions, ReplaceCause};
use crate::provider::fake::FakeCloud;
use crate::testkit::{run, saved_state, try_plan, try_run_with, write};
use crate::value::Value;
use std::path::Path;

fn change<'p>(plan: &'p Plan, address: &str) -> &'p crate::plan::Change {
    plan.changes
        .iter()
        .find(|c| c.address.to_string() == address)
        .unwrap_or_else(|| panic!("no change for {address}"))
}

fn text(plan: &Plan, cloud: &std::sync::Arc<FakeCloud>) -> String {
    let registry = cloud.registry();
    let lookup = |t: &str| registry.resource(t).map(|r| r.schema());
    crate::cli::render::plan_text(plan, &lookup)
}

fn id_of(dir: &Path, address: &str) -> String {
    saved_state(dir)
        .resources
        .iter()
        .find(|r| r.address.to_string() == address)
        .unwrap_or_else(|| panic!("{address} not in state"))
        .id
        .clone()
}

#[tokio::test]
async fn check_assertions_are_warnings_at_plan_and_after_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        r#"
resource "fake_thing" "a" {
  name = "a"
  size = 2
}
check "size" {
  assert {
    condition     = fake_thing.a.size == 3
    error_message = "The size is ${fake_thing.a.size}, not 3."
  }
}
check "arn" {
  assert {
    condition     = startswith(fake_thing.a.arn, "arn:fake:")
    error_message = "Not a fake ARN."
  }
}
"#,
    );
    let cloud = FakeCloud::new();
    let r = try_run_with(dir.path(), &cloud, PlanOptions::default()).await.unwrap();
    let summaries: Vec<(String, String, String)> = r
        .plan
        .warnings
        .iter()
        .map(|w| {
            assert!(w.warning, "{w}");
            (
                w.summary.clone(),
                w.detail.clone().unwrap_or_default(),
                w.location.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    assert_eq!(summaries[0].0, "Check block assertion failed");
    assert_eq!(summaries[0].1, "The size is 2, not 3.");
    assert!(summaries[0].2.ends_with("main.tf:8:21"), "{}", summaries[0].2);
    assert_eq!(summaries[1].0, "Check block assertion known after apply");
    assert_eq!(r.plan.warnings[0].address.as_deref(), Some("check.size"));
    // After apply the ARN is known and passes; the size still fails, as a warning only.
    assert!(r.report.failures.is_empty());
    let after: Vec<&str> = r.report.warnings.iter().map(|w| w.summary.as_str()).collect();
    assert_eq!(after, ["Check block assertion failed"]);
    assert_eq!(cloud.objects.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_precondition_stops_the_plan_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        r#"
variable "size" { default = 7 }
resource "fake_thing" "a" {
  count = 1
  name  = "a"
  size  = var.size
  lifecycle {
    precondition {
      condition     = var.size < 5 && count.index == 0
      error_message = "size must be below 5, not ${var.size}."
    }
  }
}
"#,
    );
    let cloud = FakeCloud::new();
    let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
    assert_eq!(e.summary, "Resource precondition failed");
    assert_eq!(e.detail.as_deref(), Some("size must be below 5, not 7."));
    assert!(e.location.unwrap().ends_with("main.tf:9:23"));
    assert_eq!(e.address.as_deref(), Some("fake_thing.a[0]"));
    assert!(cloud.calls().is_empty());
}

#[tokio::test]
async fn a_failing_postcondition_stops_dependents_and_state_keeps_the_object() {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = r#"
resource "fake_thing" "a" {
  name = "a"
  lifecycle {
    postcondition {
      condition     = self.arn == "arn:fake:expected"
      error_message = "Unexpected ARN ${self.arn}."
    }
  }
}
resource "fake_thing" "b" {
  name      = "b"
  parent_id = fake_thing.a.id
}
resource "fake_thing" "c" { name = "c" }
"#;
    write(dir.path(), blueprint);
    let cloud = FakeCloud::new();
    let r = try_run_with(dir.path(), &cloud, PlanOptions::default()).await.unwrap();
    assert_eq!(r.report.failures.len(), 1);
    let f = &r.report.failures[0];
    assert_eq!(f.summary, "Resource postcondition failed");
    let id = id_of(dir.path(), "fake_thing.a");
    assert_eq!(f.detail.clone().unwrap(), format!("Unexpected ARN arn:fake:{id}."));
    assert_eq!(f.address.as_deref(), Some("fake_thing.a"));
    assert_eq!(r.report.skipped.len(), 1, "{:?}", r.report.skipped);
    let mut kept: Vec<String> = saved_state(dir.path())
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    kept.sort();
    assert_eq!(kept, ["fake_thing.a", "fake_thing.c"]);
    // Now the ARN is known: the next plan fails at once.
    let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
    assert_eq!(e.summary, "Resource postcondition failed");
}

#[tokio::test]
async fn output_preconditions_fail_with_their_message() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        r#"
resource "fake_thing" "a" { name = "a" }
output "name" {
  value = fake_thing.a.name
  precondition {
    condition     = length(fake_thing.a.name) > 3
    error_message = "Names are longer than three characters."
  }
}
"#,
    );
    let e = try_plan(dir.path(), &FakeCloud::new(), PlanOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.summary, "Module output value precondition failed");
    assert_eq!(e.detail.as_deref(), Some("Names are longer than three characters."));
}

const TRIGGERS: &str = r#"
variable "sizes" { default = [1, 1] }
resource "fake_thing" "src" {
  count = 2
  name  = "src-${count.index}"
  size  = var.sizes[count.index]
}
resource "fake_thing" "whole" {
  name = "whole"
  lifecycle { replace_triggered_by = [fake_thing.src] }
}
resource "fake_thing" "pair" {
  count = 2
  name  = "pair-${count.index}"
  lifecycle { replace_triggered_by = [fake_thing.src[count.index]] }
}
resource "fake_thing" "by_size" {
  name = "by-size"
  lifecycle { replace_triggered_by = [fake_thing.src[0].size] }
}
resource "fake_thing" "by_tags" {
  name = "by-tags"
  lifecycle { replace_triggered_by = [fake_thing.src[1].tags] }
}
"#;

#[tokio::test]
async fn replace_triggered_by_follows_the_named_changes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), TRIGGERS);
    let cloud = FakeCloud::new();
    let first = run(dir.path(), &cloud, false).await;
    assert!(first.report.failures.is_empty());
    assert!(
        first.plan.changes.iter().all(|c| c.action == Action::Create),
        "creates never trigger"
    );
    let before = id_of(dir.path(), "fake_thing.pair[1]");
    // Only src[1] changes (in place).
    write(dir.path(), &TRIGGERS.replace("[1, 1]", "[1, 5]"));
    let r = run(dir.path(), &cloud, false).await;
    let action = |a: &str| (change(&r.plan, a).action, change(&r.plan, a).replace_cause);
    assert_eq!(action("fake_thing.src[1]"), (Action::Update, None));
    assert_eq!(
        action("fake_thing.whole"),
        (Action::Replace, Some(ReplaceCause::Triggered))
    );
    assert_eq!(
        action("fake_thing.pair[1]"),
        (Action::Replace, Some(ReplaceCause::Triggered))
    );
    assert_eq!(action("fake_thing.pair[0]"), (Action::NoOp, None));
    assert_eq!(
        action("fake_thing.by_size"),
        (Action::NoOp, None),
        "src[0] did not change"
    );
    assert_eq!(
        action("fake_thing.by_tags"),
        (Action::NoOp, None),
        "src[1]'s tags did not change"
    );
    assert!(
        text(&r.plan, &cloud).contains("# fake_thing.pair[1] will be replaced due to changes in replace_triggered_by")
    );
    assert!(r.report.failures.is_empty());
    assert_ne!(id_of(dir.path(), "fake_thing.pair[1]"), before, "a new object");
    // src[0]'s size changes: the attribute reference fires.
    write(dir.path(), &TRIGGERS.replace("[1, 1]", "[2, 5]"));
    let r = run(dir.path(), &cloud, false).await;
    assert_eq!(change(&r.plan, "fake_thing.by_size").action, Action::Replace);
    assert_eq!(change(&r.plan, "fake_thing.by_tags").action, Action::NoOp);
}

#[tokio::test]
async fn a_failing_provisioner_taints_and_the_next_plan_replaces_the_object() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("made.txt");
    write(
        dir.path(),
        &format!(
            r#"
resource "fake_thing" "a" {{
  name = "a"
  provisioner "local-exec" {{
    command = "echo made $NAME ${{self.id}} >> {out}"
    environment = {{ NAME = self.name }}
  }}
}}
resource "fake_thing" "bad" {{
  name = "bad"
  provisioner "local-exec" {{
    command = "echo failing; exit 7"
  }}
}}
resource "fake_thing" "allowed" {{
  name = "allowed"
  provisioner "local-exec" {{
    command    = "exit 1"
    on_failure = continue
  }}
}}
resource "fake_thing" "after_bad" {{
  name      = "after"
  parent_id = fake_thing.bad.id
}}
"#,
            out = out.display()
        ),
    );
    let cloud = FakeCloud::new();
    let r = run(dir.path(), &cloud, false).await;
    let id = id_of(dir.path(), "fake_thing.a");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), format!("made a {id}\n"));
    assert_eq!(r.report.failures.len(), 1, "{:?}", r.report.failures);
    let f = &r.report.failures[0];
    assert_eq!(f.summary, "local-exec provisioner error");
    assert_eq!(
        f.detail.as_deref(),
        Some("Error running command 'echo failing; exit 7': exit status 7. Output: failing\n")
    );
    assert_eq!(f.address.as_deref(), Some("fake_thing.bad"));
    assert_eq!(r.report.skipped.len(), 1);
    assert_eq!(r.report.warnings.len(), 1, "on_failure = continue warns");
    let state = saved_state(dir.path());
    let tainted: Vec<String> = state
        .resources
        .iter()
        .filter(|r| r.tainted)
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(tainted, ["fake_thing.bad"]);
    let bad = id_of(dir.path(), "fake_thing.bad");
    // The next plan replaces the tainted object (destroy first); its provisioner fails again.
    let r = run(dir.path(), &cloud, false).await;
    let c = change(&r.plan, "fake_thing.bad");
    assert_eq!(
        (c.action, c.replace_cause),
        (Action::Replace, Some(ReplaceCause::Tainted))
    );
    assert!(text(&r.plan, &cloud).contains("# fake_thing.bad is tainted, so must be replaced"));
    assert!(
        !cloud.objects.lock().unwrap().contains_key(&bad),
        "the tainted object was destroyed"
    );
    assert_ne!(id_of(dir.path(), "fake_thing.bad"), bad);
    assert_eq!(change(&r.plan, "fake_thing.a").action, Action::NoOp);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1, "no re-run");
}

#[tokio::test]
async fn destroy_time_provisioners_run_before_the_delete_with_self() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gone.txt");
    let blueprint = format!(
        r#"
resource "fake_thing" "a" {{
  count = 2
  name  = "a-${{count.index}}"
  provisioner "local-exec" {{
    when    = destroy
    command = "echo ${{self.name}} ${{count.index}} >> {out}"
  }}
}}
resource "fake_thing" "stubborn" {{
  name = "stubborn"
  provisioner "local-exec" {{
    when    = destroy
    command = "exit 2"
  }}
}}
"#,
        out = out.display()
    );
    write(dir.path(), &blueprint);
    let cloud = FakeCloud::new();
    run(dir.path(), &cloud, false).await;
    assert!(!out.exists(), "destroy-time provisioners do not run at create");
    let r = run(dir.path(), &cloud, true).await;
    let mut lines: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    assert_eq!(lines, ["a-0 0", "a-1 1"]);
    assert_eq!(r.report.failures.len(), 1);
    // The object whose destroy provisioner failed is still there, in AWS and in state.
    let left: Vec<String> = saved_state(dir.path())
        .resources
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(left, ["fake_thing.stubborn"]);
    assert_eq!(cloud.objects.lock().unwrap().len(), 1);

    // Anything but self, count.index and each.key is refused when loading.
    write(
        dir.path(),
        &blueprint.replace("${self.name} ${count.index}", "${fake_thing.stubborn.id}"),
    );
    let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
    assert_eq!(e.summary, "Invalid reference from destroy provisioner");
    assert!(e.location.unwrap().contains("main.tf:7:"));
}

#[tokio::test]
async fn sensitive_values_are_hidden_and_root_outputs_must_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = r#"
variable "pw" {
  sensitive = true
  default   = "hunter22"
}
resource "fake_thing" "a" {
  name = "a"
  tags = {
    pw        = "x-${var.pw}"
    marked    = sensitive("by-function")
    plain     = "shown"
    unmarked  = nonsensitive(upper(var.pw))
    is_marked = tostring(issensitive(var.pw))
  }
}
output "tags" {
  value = fake_thing.a.tags
}
"#;
    write(dir.path(), blueprint);
    let cloud = FakeCloud::new();
    let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
    assert_eq!(e.summary, "Output refers to sensitive values");
    write(
        dir.path(),
        &blueprint.replace("fake_thing.a.tags\n", "fake_thing.a.tags\n  sensitive = true\n"),
    );
    let plan = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap();
    let shown = text(&plan, &cloud);
    assert!(!shown.contains("hunter22") && !shown.contains("by-function"), "{shown}");
    assert!(shown.contains("\"shown\"") && shown.contains("\"HUNTER22\""), "{shown}");
    // Two tags, their copies in tags_all, and the output.
    assert_eq!(shown.matches("(sensitive value)").count(), 5, "{shown}");
    assert!(shown.contains("\"true\""), "issensitive: {shown}");
    let json = crate::cli::render::plan_json(&plan).to_string();
    assert!(
        !json.contains("hunter22") && json.contains("\"after_sensitive\""),
        "{json}"
    );
}

#[tokio::test]
async fn ephemeral_values_reach_write_only_arguments_and_nothing_that_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = r#"
variable "token" {
  ephemeral = true
  default   = "tok-123456"
}
ephemeral "fake_secret" "db" {
  name = "db"
}
locals {
  derived = "p-${ephemeral.fake_secret.db.value}"
}
resource "fake_thing" "a" {
  name              = "a"
  secret_wo         = local.derived
  secret_wo_version = 1
  provisioner "local-exec" {
    command = "test ${var.token} = tok-123456"
  }
}
"#;
    write(dir.path(), blueprint);
    let cloud = FakeCloud::new();
    cloud.secrets.lock().unwrap().insert("db".into(), "pa55word".into());
    let r = run(dir.path(), &cloud, false).await;
    assert!(r.report.failures.is_empty(), "{:?}", r.report.failures);
    let opens = cloud.calls().iter().filter(|c| *c == "open db").count();
    assert_eq!(opens, 2, "opened at plan and again at apply");
    let objects = cloud.objects.lock().unwrap().clone();
    let a = objects.values().next().unwrap();
    assert_eq!(a.get("secret_wo"), &Value::str("p-pa55word"), "AWS got it");
    let state_text = std::fs::read_to_string(dir.path().join("state.json")).unwrap()
        + &std::fs::read_to_string(dir.path().join("state.json.journal")).unwrap_or_default();
    assert!(!state_text.contains("pa55word") && !state_text.contains("tok-123456"));
    assert!(!format!("{:?}", r.plan.changes).contains("pa55word"), "nor the plan");
    // Write-only arguments are not diffed: a new value alone changes nothing...
    cloud.secrets.lock().unwrap().insert("db".into(), "n3w".into());
    let r = run(dir.path(), &cloud, false).await;
    assert!(!r.plan.has_changes());
    // ...a new version sends it.
    write(
        dir.path(),
        &blueprint.replace("secret_wo_version = 1", "secret_wo_version = 2"),
    );
    let r = run(dir.path(), &cloud, false).await;
    assert_eq!(change(&r.plan, "fake_thing.a").action, Action::Replace);
    let objects = cloud.objects.lock().unwrap().clone();
    assert_eq!(objects.values().next().unwrap().get("secret_wo"), &Value::str("p-n3w"));

    // Anywhere else an ephemeral value would be stored, it is refused with its location.
    for (what, line) in [
        ("name              = \"a\"", "name              = var.token"),
        (
            "name              = \"a\"",
            "name              = \"a\"\n  tags = { t = local.derived }",
        ),
    ] {
        write(dir.path(), &blueprint.replace(what, line));
        let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
        assert_eq!(e.summary, "Invalid use of ephemeral value", "{e}");
        assert!(e.detail.unwrap().contains("not a write-only attribute"));
        assert!(e.location.is_some());
    }
    write(
        dir.path(),
        &format!("{blueprint}\noutput \"o\" {{ value = var.token }}\n"),
    );
    let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
    assert_eq!(e.summary, "Ephemeral value not allowed");
    write(
        dir.path(),
        &format!("{blueprint}\noutput \"o\" {{ value = ephemeralasnull(var.token) }}\n"),
    );
    let plan = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap();
    assert_eq!(plan.outputs["o"].0, Value::Null);
}

#[tokio::test]
async fn validate_sees_module_outputs_without_marks_and_the_plan_sees_them() {
    // As Terraform: `validate` knows a module's outputs only as values (a root output showing a
    // sensitive module output passes), while a sensitive variable shown directly is refused by
    // both; the plan refuses both.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("m/main.tf"),
        "variable \"v\" {}\noutput \"o\" {\n  value     = var.v\n  sensitive = true\n}\n",
    )
    .unwrap();
    let blueprint = r#"
variable "pw" {
  sensitive = true
  default   = "hunter22"
}
module "m" {
  source = "./m"
  v      = var.pw
}
output "shown" {
  value = module.m.o
}
"#;
    let cloud = FakeCloud::new();
    let validate = |dir: &Path| {
        let root = crate::blueprint::config::load(dir).unwrap();
        let inputs = crate::blueprint::variables::collect(&root, &[], &mut vec![]).unwrap();
        crate::plan::validate(&root, &cloud.registry(), &inputs)
    };
    write(dir.path(), blueprint);
    assert!(validate(dir.path()).is_ok());
    let e = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap_err();
    assert_eq!(e.summary, "Output refers to sensitive values");
    write(dir.path(), &blueprint.replace("module.m.o", "var.pw"));
    let e = validate(dir.path()).unwrap_err();
    assert_eq!(e.summary, "Output refers to sensitive values");
    assert!(e.location.unwrap().contains("main.tf:10:"));
}

/// An output holding a whole object (whose type leaves an attribute unset) and a null output
/// plan no change after apply, as in Terraform: state objects carry every attribute of the
/// schema, and state never records a null output. A recorded output that turns null is shown
/// going away.
#[tokio::test]
async fn whole_object_and_null_outputs_plan_no_change_after_apply() {
    let dir = tempfile::tempdir().unwrap();
    let blueprint = |nothing: &str| {
        format!(
            r#"
resource "fake_thing" "a" {{
  name = "a"
}}
output "whole" {{
  value     = fake_thing.a
  sensitive = true
}}
output "nothing" {{
  value = {nothing}
}}
"#
        )
    };
    write(dir.path(), &blueprint("null"));
    let cloud = FakeCloud::new();
    run(dir.path(), &cloud, false).await;
    let held = saved_state(dir.path());
    assert!(!held.outputs.contains_key("nothing"), "a null output is not recorded");
    assert_eq!(held.outputs["whole"].value["owner"], serde_json::Value::Null);

    let plan = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap();
    assert_eq!(plan.output_action("whole"), OutputAction::NoOp);
    assert_eq!(plan.output_action("nothing"), OutputAction::NoOp);
    assert!(!plan.has_changes(), "{}", text(&plan, &cloud));

    write(dir.path(), &blueprint("\"x\""));
    run(dir.path(), &cloud, false).await;
    write(dir.path(), &blueprint("null"));
    let plan = try_plan(dir.path(), &cloud, PlanOptions::default()).await.unwrap();
    assert_eq!(plan.output_action("nothing"), OutputAction::Delete);
    assert!(
        text(&plan, &cloud).contains("  - nothing = \"x\" -> null"),
        "{}",
        text(&plan, &cloud)
    );
}
