//! `aws_ssm_maintenance_window` and `aws_ssm_maintenance_window_target` on the emulator: a
//! weekly window in a time zone with an offset, dates, tags and a target, and a disabled one. A
//! target's instances and owner change in place, a new name replaces it. Settings change in place, an optional one removed is
//! cleared, the disabled one is enabled; a window changed behind infractl's back is put back;
//! one deleted behind its back is made again; an import by id plans clean; destroy; a create
//! killed before its answer is adopted. Terraform plans clean after infractl and back; an
//! offset out of range is refused by both `validate` commands.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_ssm::operation::get_maintenance_window::GetMaintenanceWindowOutput;

const BLUEPRINT: &str = r##"
provider "aws" { region = "us-east-1" }
variable "name" { type = string }
resource "aws_ssm_maintenance_window" "patching" {
  name              = "${var.name}-patching"
  schedule          = "cron(0 2 ? * SUN#2 *)"
  schedule_offset   = 2
  schedule_timezone = "Europe/Paris"
  duration          = 3
  cutoff            = 1
  description       = "monthly patching"
  start_date        = "2027-01-01T00:00:00Z"
  end_date          = "2028-01-01T00:00:00Z"
  allow_unassociated_targets = true
  tags = { team = "platform" }
}
resource "aws_ssm_maintenance_window_target" "web" {
  window_id         = aws_ssm_maintenance_window.patching.id
  resource_type     = "INSTANCE"
  name              = "web-servers"
  description       = "the web tier"
  owner_information = "platform"
  targets {
    key    = "tag:Role"
    values = ["web", "api"]
  }
}
resource "aws_ssm_maintenance_window" "paused" {
  name     = "${var.name}-paused"
  schedule = "rate(7 days)"
  duration = 2
  cutoff   = 0
  enabled  = false
}
"##;

async fn window(ssm: &aws_sdk_ssm::Client, id: &str) -> Option<GetMaintenanceWindowOutput> {
    ssm.get_maintenance_window().window_id(id).send().await.ok()
}

/// A window target as SSM holds it: resource type, targets and owner information.
type HeldTarget = (String, Vec<(String, Vec<String>)>, Option<String>);

async fn window_target(ssm: &aws_sdk_ssm::Client, window: &str, id: &str) -> Option<HeldTarget> {
    let out = ssm
        .describe_maintenance_window_targets()
        .window_id(window)
        .send()
        .await
        .ok()?;
    let t = out.targets().iter().find(|t| t.window_target_id() == Some(id))?;
    Some((
        t.resource_type().map(|r| r.as_str().to_string()).unwrap_or_default(),
        t.targets()
            .iter()
            .map(|b| (b.key().unwrap_or_default().to_string(), b.values().to_vec()))
            .collect(),
        t.owner_information().map(str::to_string),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn windows_are_made_changed_put_back_imported_and_deleted() {
    let stack = Stack::from_files(&[("main.tf", BLUEPRINT)]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    let patching = stack.state_id("aws_ssm_maintenance_window.patching");
    let paused = stack.state_id("aws_ssm_maintenance_window.paused");
    assert!(patching.starts_with("mw-"), "{patching}");
    let w = window(&ssm, &patching).await.expect("the patching window");
    assert_eq!(
        (
            w.schedule(),
            w.schedule_offset(),
            w.schedule_timezone(),
            w.duration(),
            w.cutoff(),
            w.allow_unassociated_targets(),
            w.enabled()
        ),
        (
            Some("cron(0 2 ? * SUN#2 *)"),
            Some(2),
            Some("Europe/Paris"),
            Some(3),
            1,
            true,
            true
        )
    );
    assert_eq!(w.start_date(), Some("2027-01-01T00:00:00Z"));
    let tags = ssm
        .list_tags_for_resource()
        .resource_type(aws_sdk_ssm::types::ResourceTypeForTagging::MaintenanceWindow)
        .resource_id(&patching)
        .send()
        .await
        .unwrap();
    assert!(
        tags.tag_list()
            .iter()
            .any(|t| t.key() == "team" && t.value() == "platform"),
        "{tags:?}"
    );
    assert!(!window(&ssm, &paused).await.unwrap().enabled(), "made disabled");
    let target = stack.state_id("aws_ssm_maintenance_window_target.web");
    let (resource_type, keys, owner) = window_target(&ssm, &patching, &target).await.expect("the target");
    assert_eq!(resource_type, "INSTANCE");
    assert_eq!(
        keys,
        [("tag:Role".to_string(), vec!["web".to_string(), "api".to_string()])]
    );
    assert_eq!(owner.as_deref(), Some("platform"));

    // Changed in place: a new duration, the description and the dates removed (cleared on AWS),
    // the paused window enabled.
    stack.edit("main.tf", "duration          = 3", "duration          = 4");
    stack.edit("main.tf", "  description       = \"monthly patching\"\n", "");
    stack.edit("main.tf", "  start_date        = \"2027-01-01T00:00:00Z\"\n", "");
    stack.edit("main.tf", "  end_date          = \"2028-01-01T00:00:00Z\"\n", "");
    stack.edit("main.tf", "enabled  = false", "enabled  = true");
    // The target's instances and owner change in place; the owner removed is cleared.
    stack.edit("main.tf", "[\"web\", \"api\"]", "[\"web\"]");
    stack.edit("main.tf", "  owner_information = \"platform\"\n", "");
    let shown = stack.plans_and_applies("0 to add, 3 to change, 0 to destroy", &args);
    assert!(!shown.contains("must be replaced"), "{shown}");
    let w = window(&ssm, &patching).await.unwrap();
    assert_eq!(w.duration(), Some(4));
    assert_eq!((w.description(), w.start_date(), w.end_date()), (None, None, None));
    assert_eq!(w.schedule_timezone(), Some("Europe/Paris"), "kept");
    assert!(window(&ssm, &paused).await.unwrap().enabled());
    assert_eq!(stack.state_id("aws_ssm_maintenance_window.patching"), patching);
    let (_, keys, owner) = window_target(&ssm, &patching, &target).await.unwrap();
    assert_eq!(keys, [("tag:Role".to_string(), vec!["web".to_string()])]);
    assert_eq!(owner, None);
    assert_eq!(stack.state_id("aws_ssm_maintenance_window_target.web"), target);

    // A new name replaces the target.
    stack.edit("main.tf", "\"web-servers\"", "\"web-tier\"");
    let shown = stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_ssm_maintenance_window_target.web must be replaced"),
        "{shown}"
    );
    assert!(
        window_target(&ssm, &patching, &target).await.is_none(),
        "the old target is deregistered"
    );
    let target = stack.state_id("aws_ssm_maintenance_window_target.web");

    // Changed behind infractl's back: put back.
    ssm.update_maintenance_window()
        .window_id(&patching)
        .cutoff(2)
        .enabled(false)
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    let w = window(&ssm, &patching).await.unwrap();
    assert_eq!((w.cutoff(), w.enabled()), (1, true));

    // Deleted behind infractl's back: made again, under a new id.
    ssm.delete_maintenance_window().window_id(&paused).send().await.unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_ssm_maintenance_window.paused will be created"),
        "{shown}"
    );
    let paused = stack.state_id("aws_ssm_maintenance_window.paused");
    assert!(window(&ssm, &paused).await.is_some());

    stack.reimport_all(&args);

    assert!(window_target(&ssm, &patching, &target).await.is_some());
    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(window(&ssm, &patching).await.is_none());
    assert!(window(&ssm, &paused).await.is_none());
}

/// A create killed before its answer came back: the window AWS made is found by its name and
/// tags and adopted, not made a second time (its id is AWS's, so nothing else could find it).
#[tokio::test(flavor = "multi_thread")]
async fn a_window_whose_create_was_killed_is_adopted() {
    let blueprint = "provider \"aws\" { region = \"us-east-1\" }\nvariable \"name\" { type = string }\nresource \"aws_ssm_maintenance_window\" \"w\" {\n  name = \"${var.name}-killed\"\n  schedule = \"rate(7 days)\"\n  duration = 2\n  cutoff = 0\n}\n";
    let stack = Stack::from_files(&[("main.tf", blueprint)]);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["ssm:CreateMaintenanceWindow"]);
    reapply_adopts(&stack, &var, "aws_ssm_maintenance_window.w");
    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    let named = ssm
        .describe_maintenance_windows()
        .filters(
            aws_sdk_ssm::types::MaintenanceWindowFilter::builder()
                .key("Name")
                .values(format!("{}-killed", stack.name))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = named.window_identities().iter().filter_map(|w| w.window_id()).collect();
    assert_eq!(
        ids,
        [stack.state_id("aws_ssm_maintenance_window.w")],
        "one window, the one in state"
    );
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
}

/// Terraform and infractl keep maintenance windows the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_maintenance_windows_either_way() {
    cross_check(
        "the aws_ssm_maintenance_window cross-check",
        BLUEPRINT,
        "maintenance-window",
        None,
        &["ssm", "sts"],
    );
}

/// An offset outside 1 to 6 days: refused by both `validate` commands.
#[test]
fn bad_maintenance_windows_are_refused_at_validate() {
    let base = "name = \"w\"\nschedule = \"rate(7 days)\"\nduration = 2\ncutoff = 0";
    let zero = format!("{base}\nschedule_offset = 0");
    let seven = format!("{base}\nschedule_offset = 7");
    each_case_refused_at_validate(
        "aws_ssm_maintenance_window",
        &[&zero, &seven],
        "maintenance window values",
    );
}

/// A resource type AWS does not have (or in lower case), a name with other characters, a
/// description too short, an empty owner and a tag key with other characters: refused by both
/// `validate` commands.
#[test]
fn bad_maintenance_window_targets_are_refused_at_validate() {
    let base = "window_id = \"mw-0123456789abcdef0\"";
    let target = |key: &str| format!("targets {{\n key = \"{key}\"\n values = [\"web\"]\n}}");
    let good = target("tag:Role");
    let cases = [
        format!("{base}\nresource_type = \"instance\"\n{good}"),
        format!("{base}\nresource_type = \"HOST\"\n{good}"),
        format!("{base}\nresource_type = \"INSTANCE\"\nname = \"ab\"\n{good}"),
        format!("{base}\nresource_type = \"INSTANCE\"\ndescription = \"ab\"\n{good}"),
        format!("{base}\nresource_type = \"INSTANCE\"\nowner_information = \"\"\n{good}"),
        format!("{base}\nresource_type = \"INSTANCE\"\n{}", target("bad key!")),
    ];
    let bodies: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate(
        "aws_ssm_maintenance_window_target",
        &bodies,
        "maintenance window target values",
    );
}
