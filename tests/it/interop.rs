//! Terraform interop both ways, on the emulator, with the installed Terraform 1.11 and AWS
//! provider 5.100: a stack applied by one tool is planned by the other with no changes, changed
//! by it (an in-place update and a replacement), planned by the first with no changes, and
//! destroyed by the second with nothing left in the emulator. Each blueprint is run with
//! Terraform's local backend and with its S3 backend in a workspace (DynamoDB lock and digest).
//! Skipped with a message where terraform or the provider mirror is absent.

use crate::support::{endpoint, expect_code, sdk_config, state_bucket_and_table, text, Stack, Terraform};
use std::path::Path;
use std::process::Output;

const REGION: &str = "us-west-2";

/// The AWS provider's endpoint names of every service the blueprints use.
pub const TF_ENDPOINTS: &[&str] = &[
    "apigateway",
    "applicationautoscaling",
    "cloudwatch",
    "logs",
    "dynamodb",
    "ec2",
    "ecs",
    "elbv2",
    "iam",
    "opensearchserverless",
    "s3",
    "secretsmanager",
    "sns",
    "sts",
];

/// Who applies first.
#[derive(Clone, Copy, PartialEq, Debug)]
enum First {
    Terraform,
    Infractl,
}

/// Where the state lives.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Keep {
    /// Terraform's local backend (`terraform.tfstate` in the folder).
    Local,
    /// Terraform's S3 backend, in workspace `dev`, locked with DynamoDB.
    S3Workspace,
}

/// A blueprint of plans/ and the change each round trip makes to it.
struct Blueprint {
    plan: &'static str,
    /// Variables of every run (besides `name`).
    base_vars: &'static [&'static str],
    /// The tag key the blueprint's `default_tags` give the stack's name.
    name_tag: &'static str,
    /// Replaced in a blueprint file for the change: (file, from, to).
    edit: Option<(&'static str, &'static str, &'static str)>,
    /// Variables of the change.
    vars: &'static [&'static str],
    /// The address the change replaces.
    replaced: &'static str,
    /// An address the change updates in place.
    updated: &'static str,
}

const NETWORK: Blueprint = Blueprint {
    plan: "network",
    base_vars: &[],
    name_tag: "Stack",
    edit: Some(("main.tf", "-logs-\"", "-logz-\"")),
    vars: &["-var", "app_port=9090"],
    replaced: "aws_s3_bucket.logs",
    updated: "aws_security_group.app",
};

const FARGATE: Blueprint = Blueprint {
    plan: "fargate",
    base_vars: &[],
    name_tag: "Stack",
    edit: None,
    vars: &["-var", "log_level=debug", "-var", "log_retention_days=30"],
    replaced: "aws_ecs_task_definition.api",
    updated: "aws_cloudwatch_log_group.api",
};

/// plans/foundation: the task size replaces the task definition, log retention updates in place.
const FOUNDATION: Blueprint = Blueprint {
    plan: "foundation",
    base_vars: &[
        "-var",
        "force_destroy_buckets=true",
        "-var",
        "secret_recovery_window_days=0",
    ],
    name_tag: "Project",
    edit: None,
    vars: &["-var", "task_cpu=1024", "-var", "log_retention_days=30"],
    replaced: "module.ecs_service.aws_ecs_task_definition.this",
    updated: "module.ecs_service.aws_cloudwatch_log_group.this",
};

/// The provider block both tools read: the emulator's endpoint for every service.
fn provider_override() -> String {
    provider_override_for(TF_ENDPOINTS)
}

/// [`provider_override`] for the AWS provider's endpoint names `services`.
pub fn provider_override_for(services: &[&str]) -> String {
    let endpoints: String = services
        .iter()
        .map(|e| format!("    {e} = \"{}\"\n", endpoint()))
        .collect();
    format!(
        "provider \"aws\" {{\n  access_key                  = \"test\"\n  secret_key                  = \"test\"\n  skip_credentials_validation = true\n  skip_metadata_api_check     = true\n  skip_requesting_account_id  = true\n  s3_use_path_style           = true\n  endpoints {{\n{endpoints}  }}\n}}\n"
    )
}

/// Terraform's S3 backend on the emulator, for both tools.
fn s3_backend(bucket: &str, table: &str) -> String {
    let e = endpoint();
    format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket         = \"{bucket}\"\n    key            = \"stacks/app.tfstate\"\n    region         = \"{REGION}\"\n    dynamodb_table = \"{table}\"\n    encrypt        = true\n    access_key     = \"test\"\n    secret_key     = \"test\"\n    use_path_style = true\n    skip_credentials_validation = true\n    skip_requesting_account_id  = true\n    skip_metadata_api_check     = true\n    endpoints = {{\n      s3       = \"{e}\"\n      dynamodb = \"{e}\"\n      sts      = \"{e}\"\n      iam      = \"{e}\"\n    }}\n  }}\n}}\n"
    )
}

/// Runs terraform in `dir` on the round trip's S3 workspace `workspace` (`s3`: its bucket and
/// lock table; `None` for a local state). Terraform takes its lock with a conditional PutItem
/// (an "init" lock when it writes a new workspace's empty state); when its SDK retries that write
/// after the first attempt went through (an answer lost under load: seen in CI on `workspace
/// new` and on `apply`), Terraform finds its own lock, fails before doing anything and leaves the
/// lock behind. That is Terraform's weakness, not what these tests are about (infractl takes such
/// a retried lock write as its own: `remote_state::a_lock_write_retried_after_it_went_through_
/// finds_its_own_lock`), so a lock Terraform left that way is removed and the command run once
/// more; any other failure is the caller's to judge.
async fn tf_s3(tf: &Terraform, dir: &Path, args: &[&str], s3: Option<&(String, String)>, workspace: &str) -> Output {
    let out = tf.run_in(dir, args);
    let shown = text(&out);
    let locked = shown.contains("failed to lock s3 state") || shown.contains("Error acquiring the state lock");
    let Some((bucket, table)) = s3.filter(|_| !out.status.success() && locked) else {
        return out;
    };
    let ddb = aws_sdk_dynamodb::Client::new(&sdk_config(REGION).await);
    let lock_id = format!("{bucket}/env:/{workspace}/stacks/app.tfstate");
    let key = aws_sdk_dynamodb::types::AttributeValue::S(lock_id.clone());
    let item = ddb
        .get_item()
        .table_name(table)
        .key("LockID", key.clone())
        .send()
        .await
        .unwrap();
    let info = item.item().and_then(|i| i.get("Info")).and_then(|v| v.as_s().ok());
    let info: serde_json::Value = serde_json::from_str(info.expect("the lock Terraform reported")).unwrap();
    // Terraform's own (infractl's locks carry infractl's version), for what this command does.
    let ours = ["init", "OperationTypeApply", "OperationTypePlan"].contains(&info["Operation"].as_str().unwrap_or(""))
        && info["Version"].as_str().is_some_and(|v| v.starts_with("1."));
    assert!(ours, "{lock_id} is held by another run ({info}):\n{shown}");
    ddb.delete_item()
        .table_name(table)
        .key("LockID", key)
        .send()
        .await
        .unwrap();
    tf.run_in(dir, args)
}

/// [`terraform_plans_no_changes`] through [`tf_s3`].
async fn tf_s3_plans_no_changes(tf: &Terraform, dir: &Path, vars: &[&str], s3: Option<&(String, String)>) {
    let mut args = vec!["plan", "-detailed-exitcode", "-input=false", "-no-color"];
    args.extend(vars);
    let out = tf_s3(tf, dir, &args, s3, "dev").await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "terraform plans changes after infractl:\n{}",
        text(&out)
    );
}

/// [`tf_s3`], asserting terraform succeeded; its output.
async fn tf_s3_ok(tf: &Terraform, dir: &Path, args: &[&str], s3: Option<&(String, String)>) -> String {
    let out = tf_s3(tf, dir, args, s3, "dev").await;
    let shown = text(&out);
    assert!(out.status.success(), "terraform {args:?} failed:\n{shown}");
    shown
}

/// Runs terraform in `dir` and asserts it succeeded; its output.
pub(crate) fn tf_ok(tf: &Terraform, dir: &Path, args: &[&str]) -> String {
    let out = tf.run_in(dir, args);
    let shown = text(&out);
    assert!(out.status.success(), "terraform {args:?} failed:\n{shown}");
    shown
}

/// Terraform, sent to the emulator for `services` by an override file beside the blueprint,
/// inits `stack` and applies it with `vars`: how each test of a stack Terraform keeps (which
/// infractl must then plan clean) begins. Returns the runner for the commands that follow.
pub(crate) fn terraform_applied<'a>(
    tf: &'a Terraform,
    stack: &'a Stack,
    services: &[&str],
    vars: &[&str],
) -> impl Fn(&[&str]) -> String + 'a {
    terraform_applied_with(tf, stack, &provider_override_for(services), vars)
}

/// [`terraform_applied`] for types whose id is the account id, which the provider learns only
/// by asking STS (`sts` must be among `services`): it is not told to skip asking.
pub(crate) fn terraform_applied_knowing_account<'a>(
    tf: &'a Terraform,
    stack: &'a Stack,
    services: &[&str],
    vars: &[&str],
) -> impl Fn(&[&str]) -> String + 'a {
    let provider = provider_override_for(services).replace(
        "skip_requesting_account_id  = true",
        "skip_requesting_account_id  = false",
    );
    assert!(provider.contains("skip_requesting_account_id  = false"), "{provider}");
    terraform_applied_with(tf, stack, &provider, vars)
}

/// Terraform applies `stack` (see [`terraform_applied`]) for a check that runs no other
/// Terraform command afterwards.
pub(crate) fn terraform_applies(tf: &Terraform, stack: &Stack, services: &[&str], vars: &[&str]) {
    let _ = terraform_applied(tf, stack, services, vars);
}

/// [`terraform_applies`] for types whose id is the account id (see
/// [`terraform_applied_knowing_account`]).
pub(crate) fn terraform_applies_knowing_account(tf: &Terraform, stack: &Stack, services: &[&str], vars: &[&str]) {
    let _ = terraform_applied_knowing_account(tf, stack, services, vars);
}

/// [`terraform_applied`] with the override file's text given.
fn terraform_applied_with<'a>(
    tf: &'a Terraform,
    stack: &'a Stack,
    provider: &str,
    vars: &[&str],
) -> impl Fn(&[&str]) -> String + 'a {
    std::fs::write(stack.path.join("zz_emulator_override.tf"), provider).unwrap();
    let terraform = move |args: &[&str]| tf_ok(tf, &stack.path, &[args, &["-input=false", "-no-color"]].concat());
    terraform(&["init"]);
    terraform(&[&["apply", "-auto-approve"][..], vars].concat());
    terraform
}

/// infractl plans no change on the state Terraform keeps for `stack` (run with `vars`), and
/// reads that state rather than writing one of its own: how each such test checks agreement.
pub(crate) fn infractl_plans_clean(stack: &Stack, vars: &[&str]) {
    let shown = expect_code(&stack.run(&[&["plan", "-detailed-exitcode"][..], vars].concat()), 0);
    assert!(shown.contains("No changes"), "{shown}");
    assert!(!stack.state_file().exists(), "infractl wrote a state of its own");
}

/// infractl destroys what Terraform applied for `stack` (run with `vars`) through the state
/// Terraform keeps, and leaves that state with no managed object: how a cross-check ends. It is
/// a check of its own (infractl on a Terraform-kept state), and on CI's two cores far cheaper
/// than `terraform destroy`, whose refresh, plan and apply walks each start the AWS provider
/// (about 20 s of CPU a run, the suite's largest single cost).
pub(crate) fn infractl_destroys_terraforms(stack: &Stack, vars: &[&str]) {
    expect_code(&stack.run(&[&["destroy", "-auto-approve"][..], vars].concat()), 0);
    assert!(!stack.state_file().exists(), "infractl wrote a state of its own");
    let kept = std::fs::read_to_string(stack.path.join("terraform.tfstate")).expect("Terraform's state");
    let doc: serde_json::Value = serde_json::from_str(&kept).expect("Terraform's state is JSON");
    let left: Vec<&serde_json::Value> = doc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["mode"] == "managed")
        .collect();
    assert!(
        left.is_empty(),
        "infractl's destroy left objects in Terraform's state: {left:?}"
    );
}

/// Terraform and infractl keep `stack` the same way, each planning no change after the other
/// applied it in the same Terraform-initialised folder (Terraform sent to the emulator for
/// `services`): how a type's cross-check with the provider reads. infractl destroys what each made.
pub(crate) fn both_tools_plan_clean_after_the_other(tf: &Terraform, stack: &Stack, services: &[&str]) {
    both_tools_plan_clean_with(tf, stack, &provider_override_for(services));
}

/// A type's cross-check with the provider, as most read: a life test's `blueprint` made fit for
/// it ([`cross_check_blueprint`] with `name` and `moved_cidrs`), then applied by each tool in
/// turn ([`both_tools_plan_clean_after_the_other`], Terraform sent to the emulator for
/// `services`). Skipped with a message naming `what` where Terraform is absent.
pub(crate) fn cross_check(
    what: &str,
    blueprint: &str,
    name: &str,
    moved_cidrs: Option<(&str, &str)>,
    services: &[&str],
) {
    let Some(tf) = Terraform::find(what) else {
        return;
    };
    let blueprint = cross_check_blueprint(blueprint, name, moved_cidrs);
    let stack = Stack::from_files(&[("main.tf", blueprint.as_str())]);
    both_tools_plan_clean_after_the_other(&tf, &stack, services);
}

/// [`both_tools_plan_clean_after_the_other`] for types whose ARN the provider builds with the
/// account id, which it learns only by asking STS (`sts` must be among `services`).
pub(crate) fn both_tools_plan_clean_knowing_account(tf: &Terraform, stack: &Stack, services: &[&str]) {
    let provider = provider_override_for(services).replace(
        "skip_requesting_account_id  = true",
        "skip_requesting_account_id  = false",
    );
    assert!(provider.contains("skip_requesting_account_id  = false"), "{provider}");
    both_tools_plan_clean_with(tf, stack, &provider);
}

/// [`both_tools_plan_clean_after_the_other`] with the override file's text given.
fn both_tools_plan_clean_with(tf: &Terraform, stack: &Stack, provider: &str) {
    std::fs::write(stack.path.join("zz_emulator_override.tf"), provider).unwrap();
    tf_ok(tf, &stack.path, &["init", "-input=false", "-no-color"]);

    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    terraform_plans_no_changes(tf, &stack.path, &[]);
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);

    tf_ok(
        tf,
        &stack.path,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);
    assert!(shown.contains("No changes"), "{shown}");
    infractl_destroys_terraforms(stack, &[]);
}

/// A life test's blueprint made fit for a cross-check: its `name` variable replaced by `name`
/// (Terraform runs it without `-var`) and, when it holds networks, its CIDRs moved (`(from, to)`
/// prefixes), so the two tests never hold overlapping objects on one emulator.
pub(crate) fn cross_check_blueprint(blueprint: &str, name: &str, moved_cidrs: Option<(&str, &str)>) -> String {
    let named = blueprint
        .replace("variable \"name\" { type = string }\n", "")
        .replace("${var.name}", name)
        .replace("var.name", &format!("\"{name}\""));
    match moved_cidrs {
        Some((from, to)) => named.replace(from, to),
        None => named,
    }
}

/// `terraform plan -detailed-exitcode` must find nothing to do.
fn terraform_plans_no_changes(tf: &Terraform, dir: &Path, vars: &[&str]) {
    let mut args = vec!["plan", "-detailed-exitcode", "-input=false", "-no-color"];
    args.extend(vars);
    let out: Output = tf.run_in(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "terraform plans changes after infractl:\n{}",
        text(&out)
    );
}

/// The variables of a run: the stack's name, and the change's when `changed`.
fn vars(b: &Blueprint, name: &str, changed: bool) -> Vec<String> {
    let mut v = vec!["-var".to_string(), format!("name={name}")];
    v.extend(b.base_vars.iter().map(|s| s.to_string()));
    if changed {
        v.extend(b.vars.iter().map(|s| s.to_string()));
    }
    v
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

async fn round_trip(b: &Blueprint, keep: Keep, first: First) {
    let what = format!("the {first:?}-first round trip of plans/{} ({keep:?})", b.plan);
    let Some(tf) = Terraform::find(&what) else {
        return;
    };
    let stack = Stack::from_plan(b.plan, "tfi");
    let name = stack.name.clone();
    std::fs::write(stack.path.join("zz_emulator_override.tf"), provider_override()).unwrap();
    let s3 = match keep {
        Keep::Local => None,
        Keep::S3Workspace => {
            let (bucket, table) = state_bucket_and_table(REGION).await;
            std::fs::write(stack.path.join("backend.tf"), s3_backend(&bucket, &table)).unwrap();
            Some((bucket, table))
        }
    };
    tf_ok(&tf, &stack.path, &["init", "-input=false", "-no-color"]);
    if s3.is_some() {
        tf_s3_ok(&tf, &stack.path, &["workspace", "new", "-no-color", "dev"], s3.as_ref()).await;
    }
    let before = vars(b, &name, false);
    let after = vars(b, &name, true);
    let tf_args = |verb: &[&'static str], v: &[String]| -> Vec<String> {
        verb.iter()
            .map(|s| s.to_string())
            .chain(["-input=false".to_string(), "-no-color".to_string()])
            .chain(v.iter().cloned())
            .collect()
    };

    // The first tool applies the stack; the other finds nothing to change.
    match first {
        First::Terraform => {
            tf_s3_ok(
                &tf,
                &stack.path,
                &refs(&tf_args(&["apply", "-auto-approve"], &before)),
                s3.as_ref(),
            )
            .await;
            let mut plan = vec!["plan", "-detailed-exitcode"];
            plan.extend(refs(&before));
            let shown = expect_code(&stack.run(&plan), 0);
            assert!(shown.contains("No changes"), "{shown}");
        }
        First::Infractl => {
            let mut apply = vec!["apply", "-auto-approve"];
            apply.extend(refs(&before));
            expect_code(&stack.run(&apply), 0);
            tf_s3_plans_no_changes(&tf, &stack.path, &refs(&before), s3.as_ref()).await;
        }
    }
    // infractl kept the state where Terraform keeps it, never in its own place.
    assert!(
        !stack.state_file().exists(),
        "{what}: infractl wrote a state of its own"
    );
    if keep == Keep::Local {
        let state = crate::support::flat_state(&std::fs::read_to_string(stack.path.join("terraform.tfstate")).unwrap());
        assert!(!state["resources"].as_array().unwrap().is_empty());
    }

    // The second tool changes it: an update in place and a replacement.
    if let Some((file, from, to)) = b.edit {
        stack.edit(file, from, to);
    }
    let shown = match first {
        First::Terraform => {
            let mut apply = vec!["apply", "-auto-approve"];
            apply.extend(refs(&after));
            expect_code(&stack.run(&apply), 0)
        }
        First::Infractl => {
            tf_s3_ok(
                &tf,
                &stack.path,
                &refs(&tf_args(&["apply", "-auto-approve"], &after)),
                s3.as_ref(),
            )
            .await
        }
    };
    assert!(
        shown.contains(&format!("{} must be replaced", b.replaced)),
        "{what}: the change replaces {}:\n{shown}",
        b.replaced
    );
    assert!(
        shown.contains(&format!("{} will be updated in-place", b.updated)),
        "{what}: the change updates {} in place:\n{shown}",
        b.updated
    );

    // The first tool finds nothing to change either.
    match first {
        First::Terraform => tf_s3_plans_no_changes(&tf, &stack.path, &refs(&after), s3.as_ref()).await,
        First::Infractl => {
            let mut plan = vec!["plan", "-detailed-exitcode"];
            plan.extend(refs(&after));
            let shown = expect_code(&stack.run(&plan), 0);
            assert!(shown.contains("No changes"), "{shown}");
        }
    }
    // What infractl made carries none of its ownership tags: Terraform would plan to remove them.
    let tagged = infractl_tagged(&name).await;
    assert!(tagged.is_empty(), "{what}: objects with infractl's tags: {tagged:?}");

    // The second tool destroys it, and nothing is left.
    match first {
        First::Terraform => {
            let mut destroy = vec!["destroy", "-auto-approve"];
            destroy.extend(refs(&after));
            expect_code(&stack.run(&destroy), 0);
        }
        First::Infractl => {
            tf_s3_ok(
                &tf,
                &stack.path,
                &refs(&tf_args(&["destroy", "-auto-approve"], &after)),
                s3.as_ref(),
            )
            .await;
        }
    }
    let left = leftovers(&name, b.name_tag).await;
    assert!(left.is_empty(), "{what}: left in the emulator: {left:?}");
    if let Some((bucket, table)) = &s3 {
        // The workspace's state is Terraform's key layout, empty now, its digest current and
        // its lock released.
        let (text, digest, lock) = s3_state(bucket, table, "env:/dev/stacks/app.tfstate").await;
        let state = crate::support::flat_state(&text);
        assert!(state["resources"].as_array().unwrap().is_empty(), "{text}");
        use md5::Digest;
        assert_eq!(
            digest.as_deref(),
            Some(hex::encode(md5::Md5::digest(text.as_bytes())).as_str())
        );
        assert!(!lock, "{what}: the lock item was left behind");
    }
}

/// The state object's text, the digest Terraform's backend recorded for it, and whether a lock
/// item exists.
pub(crate) async fn s3_state(bucket: &str, table: &str, key: &str) -> (String, Option<String>, bool) {
    let conf = sdk_config(REGION).await;
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    let out = s3.get_object().bucket(bucket).key(key).send().await.unwrap();
    let text = String::from_utf8(out.body.collect().await.unwrap().to_vec()).unwrap();
    let ddb = aws_sdk_dynamodb::Client::new(&conf);
    let item = |id: String| {
        let ddb = ddb.clone();
        async move {
            ddb.get_item()
                .table_name(table)
                .key("LockID", aws_sdk_dynamodb::types::AttributeValue::S(id))
                .consistent_read(true)
                .send()
                .await
                .unwrap()
                .item()
                .cloned()
        }
    };
    let digest = item(format!("{bucket}/{key}-md5"))
        .await
        .and_then(|i| i.get("Digest").and_then(|d| d.as_s().ok()).cloned());
    let lock = item(format!("{bucket}/{key}")).await.is_some();
    (text, digest, lock)
}

/// Objects of the stack that carry infractl's ownership tags.
async fn infractl_tagged(name: &str) -> Vec<String> {
    let conf = sdk_config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let out = ec2
        .describe_tags()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("key")
                .values("infractl:stack")
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.tags()
        .iter()
        .filter(|t| t.value() == Some(name))
        .map(|t| t.resource_id().unwrap_or_default().to_string())
        .collect()
}

/// What the emulator still holds of a stack (the blueprints tag everything with `tag` = the
/// name through the provider's default_tags, and name what cannot be tagged after it).
async fn leftovers(name: &str, tag: &str) -> Vec<String> {
    let conf = sdk_config(REGION).await;
    let mut left = Vec::new();
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let tagged = ec2
        .describe_tags()
        .filters(aws_sdk_ec2::types::Filter::builder().name("key").values(tag).build())
        .filters(aws_sdk_ec2::types::Filter::builder().name("value").values(name).build())
        .send()
        .await
        .unwrap();
    for t in tagged.tags() {
        let id = t.resource_id().unwrap_or_default().to_string();
        // moto keeps the tags of some deleted objects; count only what still exists.
        let exists = match t.resource_type().map(|r| r.as_str()) {
            Some("vpc") => ec2
                .describe_vpcs()
                .vpc_ids(&id)
                .send()
                .await
                .is_ok_and(|o| !o.vpcs().is_empty()),
            Some("subnet") => ec2
                .describe_subnets()
                .subnet_ids(&id)
                .send()
                .await
                .is_ok_and(|o| !o.subnets().is_empty()),
            Some("security-group") => ec2
                .describe_security_groups()
                .group_ids(&id)
                .send()
                .await
                .is_ok_and(|o| !o.security_groups().is_empty()),
            Some("internet-gateway") => ec2
                .describe_internet_gateways()
                .internet_gateway_ids(&id)
                .send()
                .await
                .is_ok_and(|o| !o.internet_gateways().is_empty()),
            Some("route-table") => ec2
                .describe_route_tables()
                .route_table_ids(&id)
                .send()
                .await
                .is_ok_and(|o| !o.route_tables().is_empty()),
            // moto reports these types under names the SDK does not know: go by the id.
            _ if id.starts_with("nat-") => {
                ec2.describe_nat_gateways()
                    .nat_gateway_ids(&id)
                    .send()
                    .await
                    .is_ok_and(|o| {
                        o.nat_gateways()
                            .iter()
                            .any(|n| n.state().map(|s| s.as_str()) != Some("deleted"))
                    })
            }
            _ if id.starts_with("eipalloc-") => ec2
                .describe_addresses()
                .allocation_ids(&id)
                .send()
                .await
                .is_ok_and(|o| !o.addresses().is_empty()),
            _ => true,
        };
        if exists {
            left.push(format!("{:?} {id}", t.resource_type()));
        }
    }
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&conf).force_path_style(true).build());
    for b in s3.list_buckets().send().await.unwrap().buckets() {
        if b.name().is_some_and(|n| n.starts_with(&format!("{name}-"))) {
            left.push(format!("bucket {}", b.name().unwrap_or_default()));
        }
    }
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    for lb in elb.describe_load_balancers().send().await.unwrap().load_balancers() {
        if lb.load_balancer_name().is_some_and(|n| n.starts_with(name)) {
            left.push(format!("load balancer {}", lb.load_balancer_name().unwrap_or_default()));
        }
    }
    for tg in elb.describe_target_groups().send().await.unwrap().target_groups() {
        if tg.target_group_name().is_some_and(|n| n.starts_with(name)) {
            left.push(format!("target group {}", tg.target_group_name().unwrap_or_default()));
        }
    }
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let clusters = ecs.describe_clusters().clusters(name).send().await.unwrap();
    for c in clusters.clusters() {
        if c.status() == Some("ACTIVE") {
            left.push(format!("cluster {name}"));
        }
    }
    let families = ecs
        .list_task_definitions()
        .family_prefix(format!("{name}-"))
        .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
        .send()
        .await
        .unwrap();
    left.extend(
        families
            .task_definition_arns()
            .iter()
            .map(|a| format!("task definition {a}")),
    );
    let iam = aws_sdk_iam::Client::new(&conf);
    for r in iam.list_roles().send().await.unwrap().roles() {
        if r.role_name().starts_with(&format!("{name}-")) {
            left.push(format!("role {}", r.role_name()));
        }
    }
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix(format!("/ecs/{name}/"))
        .send()
        .await
        .unwrap();
    left.extend(
        groups
            .log_groups()
            .iter()
            .map(|g| format!("log group {}", g.log_group_name().unwrap_or_default())),
    );
    left.extend(named_leftovers(&conf, name).await);
    left
}

/// Tables, REST APIs, topics and secrets named after the stack that still exist.
async fn named_leftovers(conf: &aws_config::SdkConfig, name: &str) -> Vec<String> {
    let ours = |n: &str| n.starts_with(name);
    let mut left = Vec::new();
    let ddb = aws_sdk_dynamodb::Client::new(conf);
    let tables = ddb.list_tables().send().await.unwrap();
    left.extend(
        tables
            .table_names()
            .iter()
            .filter(|t| ours(t))
            .map(|t| format!("table {t}")),
    );
    let apigw = aws_sdk_apigateway::Client::new(conf);
    let apis = apigw.get_rest_apis().send().await.unwrap();
    left.extend(
        apis.items()
            .iter()
            .filter_map(|a| a.name())
            .filter(|n| ours(n))
            .map(|n| format!("REST API {n}")),
    );
    let sns = aws_sdk_sns::Client::new(conf);
    let topics = sns.list_topics().send().await.unwrap();
    left.extend(
        topics
            .topics()
            .iter()
            .filter_map(|t| t.topic_arn())
            .filter(|a| ours(a.rsplit(':').next().unwrap_or_default()))
            .map(|a| format!("topic {a}")),
    );
    let secrets = aws_sdk_secretsmanager::Client::new(conf);
    let listed = secrets.list_secrets().send().await.unwrap();
    left.extend(
        listed
            .secret_list()
            .iter()
            .filter_map(|s| s.name())
            .filter(|n| ours(n))
            .map(|n| format!("secret {n}")),
    );
    left
}

#[tokio::test(flavor = "multi_thread")]
async fn network_from_terraform_local_state() {
    round_trip(&NETWORK, Keep::Local, First::Terraform).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn network_from_terraform_s3_workspace() {
    round_trip(&NETWORK, Keep::S3Workspace, First::Terraform).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn network_to_terraform_local_state() {
    round_trip(&NETWORK, Keep::Local, First::Infractl).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn network_to_terraform_s3_workspace() {
    round_trip(&NETWORK, Keep::S3Workspace, First::Infractl).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fargate_from_terraform_local_state() {
    round_trip(&FARGATE, Keep::Local, First::Terraform).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fargate_from_terraform_s3_workspace() {
    round_trip(&FARGATE, Keep::S3Workspace, First::Terraform).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fargate_to_terraform_local_state() {
    round_trip(&FARGATE, Keep::Local, First::Infractl).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fargate_to_terraform_s3_workspace() {
    round_trip(&FARGATE, Keep::S3Workspace, First::Infractl).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn foundation_from_terraform_local_state() {
    round_trip(&FOUNDATION, Keep::Local, First::Terraform).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn foundation_to_terraform_local_state() {
    round_trip(&FOUNDATION, Keep::Local, First::Infractl).await;
}
