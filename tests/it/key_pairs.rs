//! EC2 key pairs: an Ed25519 key named in the blueprint (written with the trailing newline a
//! `file()` read leaves, which the provider trims) and an RSA key named from a prefix, checked
//! against what the emulator holds (DescribeKeyPairs: type, fingerprint, tags), launched with by
//! an instance, tags changed in place, a new public key replacing the pair, a pair deleted
//! behind infractl's back made again, destroyed; adopted after a run killed once ImportKeyPair
//! was answered; the same blueprint applied by Terraform planned clean and destroyed by
//! infractl; names the provider refuses refused by both tools.

use crate::interop::{infractl_destroys_terraforms, infractl_plans_clean, terraform_applies};
use crate::killed_creates::{apply_killed_when_held, reapply_adopts};
use crate::support::{each_case_refused_at_validate, expect_code, sdk_config, CountingProxy, Stack, Terraform};

const REGION: &str = "us-east-1";

const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINqtDhMBLmfRDHRF2ssaxJco10QKF3c9oISEY7npkYBO one@example";

const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCitSqClsK18H/S5hUy7NXSPVp2B03GKInCKx/H5R9x+iEmiMi/jtk30RK6hb2kcd7YWuLnDB3Hf2QHmP/6E8yymc8LuvQX0ygajBtTdG0/9H1TPxkSJ1+wwpJoOuluBX2YbLII7U6s83aaah1PZFfKiG7Fhg9For/HH95tgeCWnW10mVLXYwx0q6pGe6ZowMjSo2fZ7dXJGyomPEA2+oJ9163lMlkXGW4wdC/HrT499M3lBr/uf/o74NG/B6nqlQPZI7twsRNCOPNd4vQgPH6RSJVElOSOUR6ETZsEtWemWd5lIdcafAbiZxcUxjOcPL/erBWEDatEwOXpDC/17YPB two@example";

/// The fingerprint EC2 gives an imported RSA key: the MD5 of its DER public key, as the EC2
/// user guide computes it (`ssh-keygen -e -m PKCS8 -f rsa.pub | openssl pkey -pubin -outform
/// DER | openssl md5 -c`).
const RSA_MD5: &str = "62:49:42:89:09:d2:de:69:61:e7:2e:35:da:4e:29:87";

const BLUEPRINT: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

variable "team" {
  type    = string
  default = "platform"
}

variable "key" {
  type    = string
  default = "ed25519.pub"
}

resource "aws_key_pair" "admin" {
  key_name   = "${var.name}-admin"
  public_key = file("${path.module}/${var.key}")
  tags = {
    Team = var.team
  }
}

resource "aws_key_pair" "deploy" {
  key_name_prefix = "${var.name}-deploy-"
  public_key      = file("${path.module}/rsa.pub")
}

resource "aws_instance" "bastion" {
  ami           = "ami-12c6146b"
  instance_type = "t3.micro"
  key_name      = aws_key_pair.admin.key_name
}
"#;

/// What the emulator holds of a key pair: (type, fingerprint, tags); `None` when it is gone.
async fn held(ec2: &aws_sdk_ec2::Client, name: &str) -> Option<(String, String, Vec<(String, String)>)> {
    let out = match ec2.describe_key_pairs().key_names(name).send().await {
        Ok(o) => o,
        Err(e) if e.as_service_error().and_then(|s| s.meta().code()) == Some("InvalidKeyPair.NotFound") => return None,
        Err(e) => panic!("DescribeKeyPairs {name}: {e:?}"),
    };
    out.key_pairs().first().map(|k| {
        (
            k.key_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            k.key_fingerprint().unwrap_or_default().to_string(),
            k.tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        )
    })
}

fn keys_stack(blueprint: &str) -> Stack {
    Stack::from_files(&[
        ("main.tf", blueprint),
        ("ed25519.pub", &format!("{ED25519}\n")),
        ("rsa.pub", &format!("{RSA}\n")),
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn key_pairs_live_their_whole_life() {
    let stack = keys_stack(BLUEPRINT);
    let var = format!("name={}", stack.name);
    let run = |extra: &[&str]| stack.run(&[extra, &["-var", var.as_str()]].concat());
    expect_code(&run(&["apply", "-auto-approve"]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let admin = format!("{}-admin", stack.name);

    let (kind, fingerprint, tags) = held(&ec2, &admin).await.expect("the admin key pair");
    assert_eq!(kind, "ed25519");
    assert!(tags.contains(&("Team".into(), "platform".into())), "{tags:?}");
    let a = "aws_key_pair.admin";
    assert_eq!(stack.state_id(a), admin);
    assert_eq!(stack.state_str(a, "fingerprint"), fingerprint);
    assert_eq!(stack.state_str(a, "public_key"), ED25519, "kept trimmed");
    assert!(stack.state_str(a, "key_pair_id").starts_with("key-"));
    assert_eq!(
        stack.state_str(a, "arn"),
        format!("arn:aws:ec2:{REGION}:123456789012:key-pair/{admin}")
    );
    let d = "aws_key_pair.deploy";
    let deploy = stack.state_id(d);
    assert!(deploy.starts_with(&format!("{}-deploy-", stack.name)), "{deploy}");
    assert_eq!(stack.state_str(d, "key_name_prefix"), format!("{}-deploy-", stack.name));
    let (kind, fingerprint, _) = held(&ec2, &deploy).await.expect("the deploy key pair");
    assert_eq!((kind.as_str(), fingerprint.as_str()), ("rsa", RSA_MD5));
    let instance = stack.state_id("aws_instance.bastion");
    let described = ec2.describe_instances().instance_ids(&instance).send().await.unwrap();
    let launched = &described.reservations()[0].instances()[0];
    assert_eq!(launched.key_name(), Some(admin.as_str()));
    expect_code(&run(&["plan", "-detailed-exitcode"]), 0);

    // Tags change in place, on the pair's id.
    stack.changes_in_place(a, &["-var", var.as_str(), "-var", "team=security"]);
    let (_, _, tags) = held(&ec2, &admin).await.unwrap();
    assert!(tags.contains(&("Team".into(), "security".into())), "{tags:?}");

    // Another public key is another key pair.
    let shown = expect_code(
        &run(&["apply", "-auto-approve", "-var", "team=security", "-var", "key=rsa.pub"]),
        0,
    );
    assert!(shown.contains("aws_key_pair.admin must be replaced"), "{shown}");
    // The name stays, so the instance launched with the old key keeps running, as in AWS.
    assert!(shown.contains("1 added, 0 changed, 1 destroyed"), "{shown}");
    let (kind, fingerprint, _) = held(&ec2, &admin).await.expect("the new admin key pair");
    assert_eq!((kind.as_str(), fingerprint.as_str()), ("rsa", RSA_MD5));

    // Deleted behind infractl's back: the next plan makes it again.
    ec2.delete_key_pair().key_name(&deploy).send().await.unwrap();
    let shown = expect_code(
        &run(&[
            "plan",
            "-detailed-exitcode",
            "-var",
            "team=security",
            "-var",
            "key=rsa.pub",
        ]),
        2,
    );
    assert!(shown.contains("1 to add, 0 to change, 0 to destroy"), "{shown}");
    expect_code(
        &run(&["apply", "-auto-approve", "-var", "team=security", "-var", "key=rsa.pub"]),
        0,
    );
    let again = stack.state_id(d);
    assert!(held(&ec2, &again).await.is_some(), "{again} was not made again");

    expect_code(
        &run(&[
            "destroy",
            "-auto-approve",
            "-var",
            "team=security",
            "-var",
            "key=rsa.pub",
        ]),
        0,
    );
    assert!(held(&ec2, &admin).await.is_none(), "destroy left {admin}");
    assert!(held(&ec2, &again).await.is_none(), "destroy left {again}");
}

/// Imported by name, a key pair plans a replacement, as in Terraform: EC2 never gives the public
/// key back, so the state has none to compare the blueprint's with (the provider's documented
/// limitation).
#[tokio::test(flavor = "multi_thread")]
async fn an_imported_key_pair_plans_its_replacement_as_terraform_does() {
    let stack = keys_stack(BLUEPRINT);
    let var = format!("-var=name={}", stack.name);
    let target = "-target=aws_key_pair.admin";
    expect_code(&stack.run(&["apply", "-auto-approve", &var, target]), 0);
    let admin = format!("{}-admin", stack.name);
    expect_code(&stack.run(&["state", "rm", "aws_key_pair.admin"]), 0);
    expect_code(&stack.run(&["import", &var, "aws_key_pair.admin", &admin]), 0);
    assert_eq!(
        stack.state_attr("aws_key_pair.admin", "public_key"),
        serde_json::Value::Null
    );
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode", &var, target]), 2);
    assert!(shown.contains("aws_key_pair.admin must be replaced"), "{shown}");
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    assert!(held(&ec2, &admin).await.is_none(), "destroy left {admin}");
}

const KILLED: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "name" {
  type = string
}

resource "aws_key_pair" "admin" {
  key_name   = "${var.name}-killed"
  public_key = file("${path.module}/ed25519.pub")
}
"#;

/// ImportKeyPair answered but the run killed before state knew: the next apply finds the pair
/// by the stack's tags and adopts it instead of failing on a duplicate name.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_pair_whose_create_was_killed_is_adopted_by_its_tags() {
    let stack = keys_stack(KILLED);
    let var = format!("-var=name={}", stack.name);
    let proxy = CountingProxy::start();
    apply_killed_when_held(&stack, &var, &proxy, &["ec2:ImportKeyPair"]);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    let name = format!("{}-killed", stack.name);
    assert!(held(&ec2, &name).await.is_some(), "the killed create made no key pair");
    reapply_adopts(&stack, &var, "aws_key_pair.admin");
    expect_code(&stack.run(&["plan", "-detailed-exitcode", &var]), 0);
    expect_code(&stack.run(&["destroy", "-auto-approve", &var]), 0);
    assert!(held(&ec2, &name).await.is_none(), "destroy left the key pair");
}

#[tokio::test(flavor = "multi_thread")]
async fn key_pairs_terraform_applied_plan_clean_in_infractl() {
    let Some(tf) = Terraform::find("the key pairs applied by Terraform") else {
        return;
    };
    let stack = keys_stack(BLUEPRINT);
    let var = format!("name={}", stack.name);
    terraform_applies(&tf, &stack, &["ec2", "sts"], &["-var", &var]);
    infractl_plans_clean(&stack, &["-var", &var]);
    infractl_destroys_terraforms(&stack, &["-var", &var]);
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(REGION).await);
    assert!(held(&ec2, &format!("{}-admin", stack.name)).await.is_none());
}

/// A name over 255 characters and a name with a prefix too: refused by both tools.
#[test]
fn key_pair_names_the_provider_refuses_are_refused_at_validate() {
    let long = format!("  key_name   = \"{}\"\n  public_key = \"{ED25519}\"", "k".repeat(256));
    let both = format!("  key_name        = \"a\"\n  key_name_prefix = \"b\"\n  public_key      = \"{ED25519}\"");
    each_case_refused_at_validate("aws_key_pair", &[&long, &both], "the key pair's bad names");
}
