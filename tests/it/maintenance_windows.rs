//! `aws_ssm_maintenance_window`, `aws_ssm_maintenance_window_target` and
//! `aws_ssm_maintenance_window_task` on the emulator: a
//! weekly window in a time zone with an offset, dates, tags and a target, and a disabled one. A
//! target's instances and owner change in place, a new name replaces it. Settings change in place, an optional one removed is
//! cleared, the disabled one is enabled; a window changed behind infractl's back is put back;
//! one deleted behind its back is made again; an import by id plans clean; destroy; a create
//! killed before its answer is adopted. Tasks of each kind are registered with their invocation
//! parameters, change in place (a removed setting cleared), are replaced for a new type, put
//! back, registered again, imported and deregistered. Terraform plans clean after infractl and
//! back; bad values are refused by both `validate` commands.

use crate::interop::cross_check;
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack};
use aws_sdk_ssm::operation::get_maintenance_window::GetMaintenanceWindowOutput;
use aws_sdk_ssm::operation::get_maintenance_window_task::GetMaintenanceWindowTaskOutput;

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

/// Tasks of the patching window: a Run Command task on the web target with every kind of
/// setting, a Lambda task without targets (limits left to AWS's placeholder) and an Automation
/// task with its own role.
const TASKS: &str = r##"
resource "aws_ssm_maintenance_window_task" "patch" {
  window_id       = aws_ssm_maintenance_window.patching.id
  task_type       = "RUN_COMMAND"
  task_arn        = "AWS-RunShellScript"
  name            = "patch"
  description     = "patch the web tier"
  priority        = 1
  max_concurrency = "2"
  max_errors      = "1"
  cutoff_behavior = "CANCEL_TASK"
  targets {
    key    = "WindowTargetIds"
    values = [aws_ssm_maintenance_window_target.web.id]
  }
  task_invocation_parameters {
    run_command_parameters {
      comment          = "yum update"
      timeout_seconds  = 600
      document_version = "$LATEST"
      output_s3_bucket = "logs-bucket"
      parameter {
        name   = "commands"
        values = ["yum -y update"]
      }
      parameter {
        name   = "executionTimeout"
        values = ["3600"]
      }
      notification_config {
        notification_arn    = "arn:aws:sns:us-east-1:123456789012:patching"
        notification_events = ["Failed", "TimedOut"]
        notification_type   = "Command"
      }
      cloudwatch_config {
        cloudwatch_output_enabled = true
        cloudwatch_log_group_name = "/patching"
      }
    }
  }
}
resource "aws_ssm_maintenance_window_task" "cleanup" {
  window_id = aws_ssm_maintenance_window.patching.id
  task_type = "LAMBDA"
  task_arn  = "arn:aws:lambda:us-east-1:123456789012:function:cleanup"
  task_invocation_parameters {
    lambda_parameters {
      payload   = jsonencode({ dry_run = true })
      qualifier = "$LATEST"
    }
  }
}
resource "aws_ssm_maintenance_window_task" "restart" {
  window_id        = aws_ssm_maintenance_window.patching.id
  task_type        = "AUTOMATION"
  task_arn         = "AWS-RestartEC2Instance"
  service_role_arn = "arn:aws:iam::123456789012:role/maintenance"
  task_invocation_parameters {
    automation_parameters {
      document_version = "$DEFAULT"
      parameter {
        name   = "InstanceId"
        values = ["i-0123456789abcdef0"]
      }
    }
  }
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

async fn task(ssm: &aws_sdk_ssm::Client, window: &str, id: &str) -> Option<GetMaintenanceWindowTaskOutput> {
    ssm.get_maintenance_window_task()
        .window_id(window)
        .window_task_id(id)
        .send()
        .await
        .ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_are_registered_changed_put_back_imported_and_deregistered() {
    let stack = Stack::from_files(&[("main.tf", &format!("{BLUEPRINT}{TASKS}"))]);
    let var = format!("name={}", stack.name);
    let args = ["-var", var.as_str()];
    let run = |a: &[&str]| stack.run(&[a, &args].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    let ssm = aws_sdk_ssm::Client::new(&sdk_config("us-east-1").await);
    let mw = stack.state_id("aws_ssm_maintenance_window.patching");
    let target = stack.state_id("aws_ssm_maintenance_window_target.web");
    let patch = stack.state_id("aws_ssm_maintenance_window_task.patch");
    let t = task(&ssm, &mw, &patch).await.expect("the patch task");
    assert_eq!(
        (
            t.task_type().map(|k| k.as_str()),
            t.task_arn(),
            t.priority(),
            t.max_concurrency(),
            t.max_errors(),
            t.cutoff_behavior().map(|c| c.as_str()),
            t.name(),
            t.description()
        ),
        (
            Some("RUN_COMMAND"),
            Some("AWS-RunShellScript"),
            1,
            Some("2"),
            Some("1"),
            Some("CANCEL_TASK"),
            Some("patch"),
            Some("patch the web tier")
        )
    );
    assert_eq!(t.targets()[0].values(), std::slice::from_ref(&target));
    let r = t
        .task_invocation_parameters()
        .and_then(|p| p.run_command())
        .expect("run command parameters");
    assert_eq!(
        (
            r.comment(),
            r.timeout_seconds(),
            r.document_version(),
            r.output_s3_bucket_name()
        ),
        (Some("yum update"), Some(600), Some("$LATEST"), Some("logs-bucket"))
    );
    let params = r.parameters().expect("parameters");
    assert_eq!(params["commands"], ["yum -y update"]);
    assert_eq!(params["executionTimeout"], ["3600"]);
    let n = r.notification_config().expect("notification config");
    let events: Vec<&str> = n.notification_events().iter().map(|e| e.as_str()).collect();
    assert_eq!(events, ["Failed", "TimedOut"]);
    let cw = r.cloud_watch_output_config().expect("CloudWatch output");
    assert_eq!(
        (cw.cloud_watch_log_group_name(), cw.cloud_watch_output_enabled()),
        (Some("/patching"), true)
    );
    let arn = stack.state_attr("aws_ssm_maintenance_window_task.patch", "arn");
    assert!(
        arn.as_str().unwrap().ends_with(&format!(":windowtask/{patch}")),
        "{arn}"
    );

    // A task without targets sends no limits and reads AWS's placeholder; without a role it
    // runs as Systems Manager's service-linked role.
    let cleanup = stack.state_id("aws_ssm_maintenance_window_task.cleanup");
    let t = task(&ssm, &mw, &cleanup).await.expect("the cleanup task");
    assert_eq!((t.max_concurrency(), t.max_errors()), (Some("1"), Some("1")));
    assert!(t.targets().is_empty());
    assert!(
        t.service_role_arn()
            .unwrap_or_default()
            .ends_with("/AWSServiceRoleForAmazonSSM"),
        "{t:?}"
    );
    let l = t
        .task_invocation_parameters()
        .and_then(|p| p.lambda())
        .expect("lambda parameters");
    assert_eq!(l.payload().map(|b| b.as_ref()), Some(&b"{\"dry_run\":true}"[..]));
    assert_eq!(l.qualifier(), Some("$LATEST"));
    let restart = stack.state_id("aws_ssm_maintenance_window_task.restart");
    let t = task(&ssm, &mw, &restart).await.expect("the restart task");
    assert_eq!(t.service_role_arn(), Some("arn:aws:iam::123456789012:role/maintenance"));
    let a = t.task_invocation_parameters().and_then(|p| p.automation()).unwrap();
    assert_eq!(a.document_version(), Some("$DEFAULT"));
    assert_eq!(a.parameters().unwrap()["InstanceId"], ["i-0123456789abcdef0"]);

    // In place: a new priority, command and timeout; the description and notification removed
    // are cleared on AWS.
    stack.edit("main.tf", "priority        = 1", "priority        = 5");
    stack.edit("main.tf", "yum -y update", "dnf -y upgrade");
    stack.edit("main.tf", "timeout_seconds  = 600", "timeout_seconds  = 900");
    stack.edit("main.tf", "  description     = \"patch the web tier\"\n", "");
    stack.edit(
        "main.tf",
        "      notification_config {\n        notification_arn    = \"arn:aws:sns:us-east-1:123456789012:patching\"\n        notification_events = [\"Failed\", \"TimedOut\"]\n        notification_type   = \"Command\"\n      }\n",
        "",
    );
    let shown = stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_ssm_maintenance_window_task.patch will be updated"),
        "{shown}"
    );
    let t = task(&ssm, &mw, &patch).await.unwrap();
    assert_eq!((t.priority(), t.description()), (5, None));
    let r = t.task_invocation_parameters().and_then(|p| p.run_command()).unwrap();
    assert_eq!(r.parameters().unwrap()["commands"], ["dnf -y upgrade"]);
    assert_eq!(r.timeout_seconds(), Some(900));
    assert!(r.notification_config().is_none(), "{r:?}");
    assert_eq!(t.name(), Some("patch"), "kept");

    // A new task type replaces the task.
    stack.edit("main.tf", "task_type = \"LAMBDA\"", "task_type = \"STEP_FUNCTIONS\"");
    stack.edit(
        "main.tf",
        "function:cleanup\"\n  task_invocation_parameters {\n    lambda_parameters {\n      payload   = jsonencode({ dry_run = true })\n      qualifier = \"$LATEST\"\n",
        "function:cleanup\"\n  task_invocation_parameters {\n    step_functions_parameters {\n      input = jsonencode({ dry_run = true })\n      name  = \"weekly\"\n",
    );
    let shown = stack.plans_and_applies("1 to add, 0 to change, 1 to destroy", &args);
    assert!(
        shown.contains("aws_ssm_maintenance_window_task.cleanup must be replaced"),
        "{shown}"
    );
    assert!(
        task(&ssm, &mw, &cleanup).await.is_none(),
        "the old task is deregistered"
    );
    let cleanup = stack.state_id("aws_ssm_maintenance_window_task.cleanup");
    let t = task(&ssm, &mw, &cleanup).await.unwrap();
    let sf = t.task_invocation_parameters().and_then(|p| p.step_functions()).unwrap();
    assert_eq!((sf.input(), sf.name()), (Some("{\"dry_run\":true}"), Some("weekly")));

    // Changed behind infractl's back: put back. Deregistered: registered again.
    ssm.update_maintenance_window_task()
        .window_id(&mw)
        .window_task_id(&patch)
        .priority(9)
        .max_concurrency("10%")
        .send()
        .await
        .unwrap();
    stack.plans_and_applies("0 to add, 1 to change, 0 to destroy", &args);
    let t = task(&ssm, &mw, &patch).await.unwrap();
    assert_eq!((t.priority(), t.max_concurrency()), (5, Some("2")));
    ssm.deregister_task_from_maintenance_window()
        .window_id(&mw)
        .window_task_id(&restart)
        .send()
        .await
        .unwrap();
    let shown = stack.plans_and_applies("1 to add, 0 to change, 0 to destroy", &args);
    assert!(
        shown.contains("aws_ssm_maintenance_window_task.restart will be created"),
        "{shown}"
    );
    let restart = stack.state_id("aws_ssm_maintenance_window_task.restart");
    assert!(task(&ssm, &mw, &restart).await.is_some());

    stack.reimport_all(&args);

    expect_code(&run(&["destroy", "-auto-approve"]), 0);
    assert!(window(&ssm, &mw).await.is_none());
    assert!(task(&ssm, &mw, &patch).await.is_none());
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

/// Terraform and infractl keep maintenance windows, targets and tasks the same way, either way.
#[test]
fn terraform_and_infractl_agree_on_maintenance_windows_either_way() {
    cross_check(
        "the aws_ssm_maintenance_window cross-check",
        &format!("{BLUEPRINT}{TASKS}"),
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

/// A task type in lower case, limits AWS refuses (zero concurrency, 101% errors), a negative
/// priority, a Run Command timeout under 30 seconds, a notification event AWS does not have, a
/// name too short and a document version that is not one: refused by both `validate` commands.
#[test]
fn bad_maintenance_window_tasks_are_refused_at_validate() {
    let base = "window_id = \"mw-0123456789abcdef0\"\ntask_arn = \"AWS-RunShellScript\"";
    let run = |inner: &str| {
        format!(
            "{base}\ntask_type = \"RUN_COMMAND\"\ntask_invocation_parameters {{\n run_command_parameters {{\n{inner}\n }}\n}}"
        )
    };
    let cases = [
        format!("{base}\ntask_type = \"run_command\""),
        format!("{base}\ntask_type = \"RUN_COMMAND\"\nmax_concurrency = \"0\""),
        format!("{base}\ntask_type = \"RUN_COMMAND\"\nmax_errors = \"101%\""),
        format!("{base}\ntask_type = \"RUN_COMMAND\"\npriority = -1"),
        format!("{base}\ntask_type = \"RUN_COMMAND\"\nname = \"ab\""),
        run("timeout_seconds = 10"),
        run("document_version = \"latest\""),
        run("notification_config {\n notification_events = [\"Bogus\"]\n}"),
    ];
    let bodies: Vec<&str> = cases.iter().map(String::as_str).collect();
    each_case_refused_at_validate(
        "aws_ssm_maintenance_window_task",
        &bodies,
        "maintenance window task values",
    );
}
