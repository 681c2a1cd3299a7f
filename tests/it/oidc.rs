//! `aws_iam_openid_connect_provider` and its data source against the emulator: what IAM holds
//! after create, audiences and thumbprints changed in place (the ARN stays), a clean plan,
//! import by ARN, adoption when state is lost (the URL is a natural key), and destroy.

use crate::support::{expect_code, sdk_config, Stack};
use aws_sdk_iam::Client;

fn blueprint(host: &str, client_ids: &str, thumbprint: &str, team: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_iam_openid_connect_provider" "ci" {{
  url             = "https://{host}"
  client_id_list  = [{client_ids}]
  thumbprint_list = ["{thumbprint}"]
  tags            = {{ Team = "{team}" }}
}}

data "aws_iam_openid_connect_provider" "by_url" {{
  url = aws_iam_openid_connect_provider.ci.url
}}

data "aws_iam_openid_connect_provider" "by_arn" {{
  arn = aws_iam_openid_connect_provider.ci.arn
}}

output "arn_by_url" {{
  value = data.aws_iam_openid_connect_provider.by_url.arn
}}

output "audiences_by_arn" {{
  value = join(",", sort(data.aws_iam_openid_connect_provider.by_arn.client_id_list))
}}
"#
    )
}

const THUMB_1: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";
const THUMB_2: &str = "1c58a3a8518e8759bf075b76b750d4f2df264fcd";

/// What IAM holds: (url, sorted client ids, thumbprints, the user's and infractl's tags).
async fn held(iam: &Client, arn: &str) -> Option<(String, Vec<String>, Vec<String>, Vec<(String, String)>)> {
    let out = match iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(arn)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_entity_exception()) => return None,
        Err(e) => panic!("GetOpenIDConnectProvider: {e:?}"),
    };
    let mut ids = out.client_id_list().to_vec();
    ids.sort();
    let mut tags: Vec<(String, String)> = out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    tags.sort();
    Some((
        out.url().unwrap_or_default().to_string(),
        ids,
        out.thumbprint_list().to_vec(),
        tags,
    ))
}

fn output(stack: &Stack, name: &str) -> String {
    let o = expect_code(&stack.run(&["output", "-raw", name]), 0);
    o.trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_provider_changes_in_place_imports_and_is_adopted() {
    let host = format!("oidc-{}.example.com", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let stack = Stack::from_files(&[(
        "main.tf",
        &blueprint(&host, r#""sts.amazonaws.com""#, THUMB_1, "platform"),
    )]);
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);

    let iam = Client::new(&sdk_config("us-east-1").await);
    let arn = stack.state_id("aws_iam_openid_connect_provider.ci");
    assert!(arn.ends_with(&format!(":oidc-provider/{host}")), "{arn}");
    let (url, ids, thumbs, tags) = held(&iam, &arn).await.expect("IAM holds the provider");
    assert_eq!(url, host);
    assert_eq!(ids, vec!["sts.amazonaws.com"]);
    assert_eq!(thumbs, vec![THUMB_1]);
    assert!(tags.contains(&("Team".into(), "platform".into())), "{tags:?}");
    assert!(
        tags.contains(&("infractl:stack".into(), stack.name.clone())),
        "{tags:?}"
    );
    assert_eq!(output(&stack, "arn_by_url"), arn, "the data source finds it by URL");
    assert_eq!(output(&stack, "audiences_by_arn"), "sts.amazonaws.com");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Audiences swapped and added, a new thumbprint, a new tag: all in place.
    std::fs::write(
        stack.path.join("main.tf"),
        blueprint(&host, r#""api://ci", "sigstore""#, THUMB_2, "delivery"),
    )
    .unwrap();
    let shown = expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        shown.contains("1 to change") && shown.contains("0 to destroy"),
        "{shown}"
    );
    expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert_eq!(stack.state_id("aws_iam_openid_connect_provider.ci"), arn);
    let (_, ids, thumbs, tags) = held(&iam, &arn).await.expect("still there");
    assert_eq!(ids, vec!["api://ci", "sigstore"]);
    assert_eq!(thumbs, vec![THUMB_2]);
    assert!(tags.contains(&("Team".into(), "delivery".into())), "{tags:?}");
    assert_eq!(output(&stack, "audiences_by_arn"), "api://ci,sigstore");
    expect_code(&stack.run(&["plan", "-detailed-exitcode"]), 0);

    // Import by ARN gives a clean plan.
    stack.reimport_all(&[]);

    // State lost after a create: the provider is found by its URL and adopted.
    std::fs::remove_file(stack.state_file()).unwrap();
    let shown = expect_code(&stack.run(&["apply", "-auto-approve"]), 0);
    assert!(shown.contains("adopting"), "{shown}");
    assert_eq!(stack.state_id("aws_iam_openid_connect_provider.ci"), arn);
    let listed = iam.list_open_id_connect_providers().send().await.unwrap();
    assert_eq!(
        listed
            .open_id_connect_provider_list()
            .iter()
            .filter(|p| p.arn().is_some_and(|a| a.ends_with(&host)))
            .count(),
        1
    );

    expect_code(&stack.run(&["destroy", "-auto-approve"]), 0);
    assert!(held(&iam, &arn).await.is_none(), "destroy removed the provider");
}

#[tokio::test(flavor = "multi_thread")]
async fn oidc_provider_urls_must_be_https() {
    let stack = Stack::from_files(&[(
        "main.tf",
        r#"
resource "aws_iam_openid_connect_provider" "bad" {
  url            = "http://insecure.example.com"
  client_id_list = ["sts.amazonaws.com"]
}
"#,
    )]);
    let shown = expect_code(&stack.run(&["validate"]), 1);
    assert!(shown.contains("https://") && shown.contains("main.tf:"), "{shown}");
}
