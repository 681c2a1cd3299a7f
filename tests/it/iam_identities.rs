//! IAM users, groups, memberships, instance profiles, inline policies and attachments of users
//! and groups, and the exclusive `aws_iam_policy_attachment`, against the emulator: what IAM
//! holds after apply, drift made behind infractl's back, in-place changes, import by
//! Terraform's ids, and a create that failed after IAM made the group (taken over by name).

use crate::support::{expect_code, sdk_config, text, CountingProxy, Stack};
use aws_sdk_iam::Client;

fn blueprint(p: &str, group_path: &str, profile_role: &str, loner: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

locals {{
  trust = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
  read_logs = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "logs:GetLogEvents", Resource = "arn:aws:logs:us-east-1:123456789012:log-group:/{p}:*" }}]
  }})
}}

resource "aws_iam_role" "one" {{
  name               = "{p}-one"
  assume_role_policy = local.trust
}}

resource "aws_iam_role" "two" {{
  name               = "{p}-two"
  assume_role_policy = local.trust
}}

resource "aws_iam_instance_profile" "app" {{
  name = "{p}-app"
  role = aws_iam_role.{profile_role}.name
  tags = {{ Team = "platform" }}
}}

resource "aws_iam_user" "alice" {{
  name = "{p}-alice"
  path = "/people/"
  tags = {{ Team = "platform" }}
}}

resource "aws_iam_user" "bob" {{
  name          = "{p}-bob"
  force_destroy = true
}}

resource "aws_iam_user" "loner" {{
  name = "{loner}"
}}

resource "aws_iam_group" "admins" {{
  name = "{p}-admins"
  path = "{group_path}"
}}

resource "aws_iam_group" "devs" {{
  name = "{p}-devs"
}}

resource "aws_iam_group_membership" "admins" {{
  name  = "{p}-admins-members"
  group = aws_iam_group.admins.name
  users = [aws_iam_user.alice.name]
}}

resource "aws_iam_user_group_membership" "bob" {{
  user   = aws_iam_user.bob.name
  groups = [aws_iam_group.devs.name]
}}

resource "aws_iam_group_policy" "admins" {{
  name   = "read-logs"
  group  = aws_iam_group.admins.name
  policy = local.read_logs
}}

resource "aws_iam_group_policy_attachment" "admins" {{
  group      = aws_iam_group.admins.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}

resource "aws_iam_user_policy" "bob" {{
  name   = "read-logs"
  user   = aws_iam_user.bob.name
  policy = local.read_logs
}}

resource "aws_iam_user_policy_attachment" "bob" {{
  user       = aws_iam_user.bob.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}

resource "aws_iam_policy" "shared" {{
  name   = "{p}-shared"
  policy = local.read_logs
}}

resource "aws_iam_policy_attachment" "shared" {{
  name       = "{p}-shared"
  policy_arn = aws_iam_policy.shared.arn
  users      = [aws_iam_user.alice.name]
  roles      = [aws_iam_role.one.name]
}}
"#
    )
}

fn decode(doc: &str) -> serde_json::Value {
    serde_json::from_str(&percent_encoding::percent_decode_str(doc).decode_utf8_lossy()).unwrap()
}

async fn group_users(iam: &Client, group: &str) -> Vec<String> {
    let g = iam.get_group().group_name(group).send().await.unwrap();
    let mut users: Vec<String> = g.users().iter().map(|u| u.user_name().to_string()).collect();
    users.sort();
    users
}

async fn user_groups(iam: &Client, user: &str) -> Vec<String> {
    let out = iam.list_groups_for_user().user_name(user).send().await.unwrap();
    let mut groups: Vec<String> = out.groups().iter().map(|g| g.group_name().to_string()).collect();
    groups.sort();
    groups
}

async fn policy_entities(iam: &Client, arn: &str) -> (Vec<String>, Vec<String>) {
    let out = iam.list_entities_for_policy().policy_arn(arn).send().await.unwrap();
    let mut users: Vec<String> = out
        .policy_users()
        .iter()
        .filter_map(|u| u.user_name().map(str::to_string))
        .collect();
    let mut roles: Vec<String> = out
        .policy_roles()
        .iter()
        .filter_map(|r| r.role_name().map(str::to_string))
        .collect();
    users.sort();
    roles.sort();
    (users, roles)
}

#[tokio::test(flavor = "multi_thread")]
async fn users_groups_profiles_and_their_policies() {
    let p = format!("id{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let loner = format!("{p}-loner");
    let stack = Stack::from_files(&[("main.tf", &blueprint(&p, "/teams/", "one", &loner))]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let iam = Client::new(&sdk_config("us-east-1").await);
    let (alice, bob) = (format!("{p}-alice"), format!("{p}-bob"));
    let (admins, devs) = (format!("{p}-admins"), format!("{p}-devs"));

    let profile = iam
        .get_instance_profile()
        .instance_profile_name(format!("{p}-app"))
        .send()
        .await
        .unwrap();
    let profile = profile.instance_profile().unwrap();
    assert_eq!(profile.roles()[0].role_name(), format!("{p}-one"));
    assert!(profile
        .tags()
        .iter()
        .any(|t| t.key() == "Team" && t.value() == "platform"));
    assert!(profile
        .tags()
        .iter()
        .any(|t| t.key() == "infractl:stack" && t.value() == stack.name));

    let user = iam.get_user().user_name(&alice).send().await.unwrap();
    let user = user.user().unwrap();
    assert_eq!(user.path(), "/people/");
    assert!(user.tags().iter().any(|t| t.key() == "Team" && t.value() == "platform"));

    let group = iam.get_group().group_name(&admins).send().await.unwrap();
    assert_eq!(group.group().unwrap().path(), "/teams/");
    assert_eq!(group_users(&iam, &admins).await, vec![alice.clone()]);
    assert_eq!(user_groups(&iam, &bob).await, vec![devs.clone()]);

    let inline = iam
        .get_group_policy()
        .group_name(&admins)
        .policy_name("read-logs")
        .send()
        .await
        .unwrap();
    assert_eq!(
        decode(inline.policy_document())["Statement"][0]["Action"],
        "logs:GetLogEvents"
    );
    let inline = iam
        .get_user_policy()
        .user_name(&bob)
        .policy_name("read-logs")
        .send()
        .await
        .unwrap();
    assert_eq!(
        decode(inline.policy_document())["Statement"][0]["Action"],
        "logs:GetLogEvents"
    );
    let attached = iam
        .list_attached_group_policies()
        .group_name(&admins)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached.attached_policies()[0].policy_arn(),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    let attached = iam.list_attached_user_policies().user_name(&bob).send().await.unwrap();
    assert_eq!(
        attached.attached_policies()[0].policy_arn(),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    let shared = format!("arn:aws:iam::123456789012:policy/{p}-shared");
    assert_eq!(
        policy_entities(&iam, &shared).await,
        (vec![alice.clone()], vec![format!("{p}-one")])
    );
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Drift behind infractl's back: the exclusive resources take back what was added, the
    // non-exclusive membership restores what was removed.
    iam.attach_user_policy()
        .user_name(&bob)
        .policy_arn(&shared)
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name(&admins)
        .user_name(&bob)
        .send()
        .await
        .unwrap();
    iam.remove_user_from_group()
        .group_name(&devs)
        .user_name(&bob)
        .send()
        .await
        .unwrap();
    iam.delete_group_policy()
        .group_name(&admins)
        .policy_name("read-logs")
        .send()
        .await
        .unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("Plan: 1 to add, 3 to change, 0 to destroy."), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(
        policy_entities(&iam, &shared).await,
        (vec![alice.clone()], vec![format!("{p}-one")])
    );
    assert_eq!(group_users(&iam, &admins).await, vec![alice.clone()]);
    assert_eq!(user_groups(&iam, &bob).await, vec![devs.clone()]);
    assert!(iam
        .get_group_policy()
        .group_name(&admins)
        .policy_name("read-logs")
        .send()
        .await
        .is_ok());
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // In place: the group's path, the profile's role, a user's name (its id follows).
    let renamed = format!("{p}-renamed");
    std::fs::write(stack.path.join("main.tf"), blueprint(&p, "/crew/", "two", &renamed)).unwrap();
    let t = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(t.contains("Plan: 0 to add, 3 to change, 0 to destroy."), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    let group = iam.get_group().group_name(&admins).send().await.unwrap();
    assert_eq!(group.group().unwrap().path(), "/crew/");
    let profile = iam
        .get_instance_profile()
        .instance_profile_name(format!("{p}-app"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        profile.instance_profile().unwrap().roles()[0].role_name(),
        format!("{p}-two")
    );
    assert!(iam.get_user().user_name(&renamed).send().await.is_ok());
    assert!(iam.get_user().user_name(&loner).send().await.is_err());
    assert_eq!(stack.state_id("aws_iam_user.loner"), renamed);
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Import by Terraform's ids (the two exclusive types have none, in the provider as here).
    let t = expect_code(&stack.run(&["state", "rm", "aws_iam_policy_attachment.shared"]), 0);
    assert!(!t.contains("error"), "{t}");
    let t = expect_code(
        &stack.run(&["import", "aws_iam_policy_attachment.shared", &format!("{p}-shared")]),
        1,
    );
    assert!(t.contains("cannot be imported"), "{t}");
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    stack.reimport_all_but(&["aws_iam_policy_attachment", "aws_iam_group_membership"], &[]);

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    for user in [&alice, &bob, &renamed] {
        assert!(iam.get_user().user_name(user).send().await.is_err(), "{user} remains");
    }
    for group in [&admins, &devs] {
        assert!(
            iam.get_group().group_name(group).send().await.is_err(),
            "{group} remains"
        );
    }
    assert!(iam
        .get_instance_profile()
        .instance_profile_name(format!("{p}-app"))
        .send()
        .await
        .is_err());
}

/// A group IAM made whose create never reached state (the read after it failed, as when a run
/// is killed between the two): IAM groups have no tags, so the next apply knows it by its name,
/// because state recorded that this address's create had begun.
#[tokio::test(flavor = "multi_thread")]
async fn an_unrecorded_group_is_taken_over_by_name() {
    let p = format!("ad{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let blueprint = format!(
        r#"
provider "aws" {{
  region      = "us-east-1"
  max_retries = 1
}}

resource "aws_iam_group" "g" {{
  name = "{p}-g"
}}
"#
    );
    let stack = Stack::from_files(&[("main.tf", &blueprint)]);
    let proxy = CountingProxy::start_with(&["--fail-always", "iam:GetGroup"]);
    let t = text(&stack.run_with_endpoint(&["apply", "-auto-approve"], &proxy.url));
    assert!(t.contains("HTTP 503"), "{t}");
    let iam = Client::new(&sdk_config("us-east-1").await);
    assert!(iam.get_group().group_name(format!("{p}-g")).send().await.is_ok());

    let t = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(t.contains("adopting"), "{t}");
    assert_eq!(stack.state_id("aws_iam_group.g"), format!("{p}-g"));
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Without that record, a group of the same name is someone else's: not taken over.
    let other = Stack::from_files(&[("main.tf", &blueprint)]);
    let t = expect_code(&other.run(&["apply", "-auto-approve"]), 1);
    assert!(t.contains("EntityAlreadyExists"), "{t}");
    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(iam.get_group().group_name(format!("{p}-g")).send().await.is_err());
}
