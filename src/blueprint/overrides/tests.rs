//! Each merge rule of Terraform's "Override Files", checked on the loaded model (or, for blocks
//! the loader refuses, on the merged syntax), with the locations of merged pieces.

use super::*;
use crate::blueprint::config::{load, Module};
use crate::blueprint::scope::{AllUnknown, Context};
use crate::blueprint::variables;
use crate::value::Value;
use indexmap::IndexMap;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn load_files(files: &[(&str, &str)]) -> DResult<Module> {
    load(folder(files).path())
}

fn value(m: &Module, e: &crate::blueprint::source::Expr) -> Value {
    let none = IndexMap::new();
    Context::new(m, &none, &AllUnknown)
        .eval(&[], e, &Default::default())
        .unwrap()
}

fn attr(m: &Module, key: &str, name: &str) -> Value {
    value(m, &m.resources[key].body.attrs[name].expr)
}

/// Merges a primary and an override file on the syntax level, giving the resulting blocks.
fn merged(primary: &str, over: &str) -> DResult<Vec<Block>> {
    let p = SourceFile::new("main.tf", primary.to_string());
    let o = SourceFile::new("override.tf", over.to_string());
    let (p, pb) = crate::blueprint::config::parse_file(&p)?;
    let (o, ob) = crate::blueprint::config::parse_file(&o)?;
    Ok(merge(vec![(p, pb)], vec![(o, ob)])?
        .into_iter()
        .filter_map(|(_, s)| match s {
            Structure::Block(b) => Some(b),
            Structure::Attribute(_) => None,
        })
        .collect())
}

fn kinds(b: &Block) -> Vec<String> {
    b.body
        .blocks()
        .map(|n| {
            let labels: Vec<&str> = n.labels.iter().map(|l| l.as_str()).collect();
            format!("{} {}", n.ident.as_str(), labels.join(" ")).trim().to_string()
        })
        .collect()
}

#[test]
fn names_of_override_files() {
    for name in [
        "override.tf",
        "override.tf.json",
        "a_override.tf",
        "net_override.tf.json",
    ] {
        assert!(is_override_file(name), "{name}");
    }
    for name in [
        "main.tf",
        "overrides.tf",
        "my-override.tf",
        "override.json",
        "x_override.tfvars",
    ] {
        assert!(!is_override_file(name), "{name}");
    }
}

#[test]
fn attributes_replace_and_keep_their_own_locations() {
    let m = load_files(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = { Name = \"base\" }\n}\n",
        ),
        (
            "override.tf",
            "\n\nresource \"aws_vpc\" \"main\" {\n  tags = { Name = \"over\" }\n}\n",
        ),
    ])
    .unwrap();
    assert_eq!(attr(&m, "aws_vpc.main", "tags").get("Name"), &Value::str("over"));
    assert_eq!(attr(&m, "aws_vpc.main", "cidr_block"), Value::str("10.0.0.0/16"));
    let r = &m.resources["aws_vpc.main"];
    assert!(r.loc.to_string().ends_with("main.tf:1:1"), "{}", r.loc);
    assert!(r.body.attrs["cidr_block"].loc.to_string().ends_with("main.tf:2:3"));
    assert!(r.body.attrs["tags"].loc.to_string().ends_with("override.tf:4:3"));
    assert_eq!(r.body.attrs["tags"].expr.text(), "{ Name = \"over\" }");
}

#[test]
fn nested_block_types_replace_every_block_of_their_type() {
    let blocks = merged(
        r#"resource "aws_route_table" "rt" {
  vpc_id = "v"
  route { cidr_block = "10.0.0.0/8" }
  route { cidr_block = "10.1.0.0/16" }
  dynamic "route" {
    for_each = []
    content {}
  }
  timeouts { create = "1m" }
}
"#,
        r#"resource "aws_route_table" "rt" {
  route { cidr_block = "0.0.0.0/0" }
}
"#,
    )
    .unwrap();
    assert_eq!(kinds(&blocks[0]), ["timeouts", "route"]);
    // A dynamic block in the override replaces static blocks of its type too.
    let blocks = merged(
        "resource \"x\" \"y\" {\n  route {}\n  other {}\n}\n",
        "resource \"x\" \"y\" {\n  dynamic \"route\" {\n    for_each = []\n    content {}\n  }\n}\n",
    )
    .unwrap();
    assert_eq!(kinds(&blocks[0]), ["other", "dynamic route"]);
}

#[test]
fn provisioner_blocks_replace_all_and_lifecycle_merges_by_argument() {
    let blocks = merged(
        r#"resource "x" "y" {
  provisioner "local-exec" { command = "one" }
  provisioner "local-exec" { command = "two" }
  connection { host = "a" }
  lifecycle {
    ignore_changes = [tags]
    prevent_destroy = true
  }
}
"#,
        r#"resource "x" "y" {
  provisioner "remote-exec" { inline = ["three"] }
  lifecycle {
    create_before_destroy = true
    ignore_changes = []
  }
}
"#,
    )
    .unwrap();
    let b = &blocks[0];
    assert_eq!(kinds(b), ["connection", "lifecycle", "provisioner remote-exec"]);
    let lc = b.body.blocks().find(|n| n.ident.as_str() == "lifecycle").unwrap();
    let names: Vec<&str> = lc.body.attributes().map(|a| a.key.as_str()).collect();
    assert_eq!(names, ["ignore_changes", "prevent_destroy", "create_before_destroy"]);

    // On the model: a lifecycle argument set only in the override joins the original's.
    let m = load_files(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n  lifecycle { ignore_changes = [tags] }\n}\n",
        ),
        ("x_override.tf", "resource \"aws_vpc\" \"v\" {\n  lifecycle { prevent_destroy = true }\n}\n"),
        (
            "y_override.tf",
            "resource \"aws_vpc\" \"v\" {\n  lifecycle { ignore_changes = [cidr_block] }\n}\n",
        ),
    ])
    .unwrap();
    let lc = &m.resources["aws_vpc.v"].lifecycle;
    assert!(lc.prevent_destroy);
    assert_eq!(lc.ignore_changes, ["cidr_block"], "a later override file wins");
}

#[test]
fn meta_arguments_and_data_blocks_merge() {
    let m = load_files(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"v\" {\n  count = 1\n  cidr_block = \"10.0.0.0/16\"\n}\ndata \"aws_region\" \"r\" {}\n",
        ),
        (
            "override.tf",
            "resource \"aws_vpc\" \"v\" {\n  count = 3\n}\ndata \"aws_region\" \"r\" {\n  name = \"eu-west-1\"\n}\n",
        ),
    ])
    .unwrap();
    assert_eq!(
        value(&m, m.resources["aws_vpc.v"].count.as_ref().unwrap()),
        Value::Number(3.0)
    );
    assert_eq!(attr(&m, "data.aws_region.r", "name"), Value::str("eu-west-1"));
}

#[test]
fn count_wins_over_for_each_as_in_terraform() {
    let m = load_files(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"v\" {\n  for_each = toset([\"a\"])\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        ),
        ("override.tf", "resource \"aws_vpc\" \"v\" {\n  count = 2\n}\n"),
    ])
    .unwrap();
    let r = &m.resources["aws_vpc.v"];
    assert!(r.count.is_some() && r.for_each.is_none());
    let m = load_files(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"v\" {\n  count = 2\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        ),
        (
            "override.tf",
            "resource \"aws_vpc\" \"v\" {\n  for_each = toset([\"a\"])\n}\n",
        ),
    ])
    .unwrap();
    let r = &m.resources["aws_vpc.v"];
    assert!(r.count.is_some() && r.for_each.is_none());
}

#[test]
fn condition_blocks_cannot_be_overridden() {
    let cases = [
        ("variable \"v\" {}", "variable \"v\" {\n  validation {\n    condition = true\n    error_message = \"x\"\n  }\n}", "validation"),
        ("output \"o\" { value = 1 }", "output \"o\" {\n  precondition {\n    condition = true\n    error_message = \"x\"\n  }\n}", "precondition"),
        (
            "resource \"aws_vpc\" \"v\" {}",
            "resource \"aws_vpc\" \"v\" {\n  lifecycle {\n    postcondition {\n      condition = true\n      error_message = \"x\"\n    }\n  }\n}",
            "postcondition",
        ),
    ];
    for (base, over, kind) in cases {
        let e = load_files(&[("main.tf", base), ("override.tf", over)]).unwrap_err();
        assert_eq!(e.summary, format!("Can't override {kind} blocks"));
        let line = if kind == "postcondition" { 3 } else { 2 };
        assert!(
            e.location.as_deref().unwrap().contains(&format!("override.tf:{line}:")),
            "{e}"
        );
    }
}

#[test]
fn depends_on_may_not_be_overridden() {
    let e = load_files(&[
        (
            "main.tf",
            "resource \"aws_vpc\" \"v\" {}\nresource \"aws_vpc\" \"w\" {}\n",
        ),
        (
            "override.tf",
            "resource \"aws_vpc\" \"v\" {\n  depends_on = [aws_vpc.w]\n}\n",
        ),
    ])
    .unwrap_err();
    assert_eq!(e.summary, "Unsupported override");
    assert!(e.location.unwrap().ends_with("override.tf:2:3"));
    let e = load_files(&[
        ("main.tf", "output \"o\" { value = 1 }\n"),
        ("override.tf", "output \"o\" {\n  depends_on = []\n}\n"),
    ])
    .unwrap_err();
    assert_eq!(e.summary, "Unsupported override");
}

#[test]
fn an_override_needs_an_original() {
    let cases = [
        ("resource \"aws_vpc\" \"nope\" {}", "Missing resource to override"),
        ("data \"aws_region\" \"nope\" {}", "Missing data resource to override"),
        ("variable \"nope\" {}", "Missing base variable declaration to override"),
        (
            "output \"nope\" { value = 1 }",
            "Missing base output definition to override",
        ),
        (
            "module \"nope\" { source = \"./x\" }",
            "Missing module call to override",
        ),
        ("locals { nope = 1 }", "Missing base local value definition to override"),
        (
            "provider \"aws\" {\n  alias = \"west\"\n}",
            "Missing base provider configuration for override",
        ),
        (
            "moved {\n  from = aws_vpc.a\n  to = aws_vpc.b\n}",
            "Cannot override 'moved' blocks",
        ),
        (
            "import {\n  to = aws_vpc.a\n  id = \"x\"\n}",
            "Cannot override 'import' blocks",
        ),
    ];
    for (text, summary) in cases {
        let e = load_files(&[
            (
                "main.tf",
                "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            ("net_override.tf", &format!("\n{text}\n")),
        ])
        .unwrap_err();
        assert_eq!(e.summary, summary, "{text}");
        assert!(
            e.location.as_deref().unwrap().ends_with("net_override.tf:2:1") || summary.contains("local"),
            "{e}"
        );
    }
    let e = load_files(&[
        ("main.tf", "locals { a = 1 }\n"),
        ("override.tf", "locals {\n  b = 2\n}\n"),
    ])
    .unwrap_err();
    assert!(e.location.unwrap().ends_with("override.tf:2:3"));
}

#[test]
fn locals_merge_by_name_across_blocks() {
    let m = load_files(&[
        ("a.tf", "locals {\n  a = 1\n  b = 2\n}\n"),
        ("b.tf", "locals {\n  c = 3\n}\n"),
        ("override.tf", "locals {\n  c = 30\n  a = 10\n}\n"),
    ])
    .unwrap();
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let get = |n: &str| ctx.local(&[], n, &m.locals[n].loc).unwrap();
    assert_eq!(
        (get("a"), get("b"), get("c")),
        (Value::Number(10.0), Value::Number(2.0), Value::Number(30.0))
    );
    assert!(m.locals["c"].loc.to_string().ends_with("override.tf:2:3"));
}

#[test]
fn variable_type_and_default_are_checked_together() {
    let base = "variable \"n\" {\n  type    = string\n  default = \"5\"\n  description = \"base\"\n}\n";
    let m = load_files(&[
        ("main.tf", base),
        ("override.tf", "variable \"n\" {\n  type = number\n}\n"),
    ])
    .unwrap();
    assert_eq!(m.variables["n"].description.as_deref(), Some("base"));
    let v = variables::collect(&m, &[], &mut Vec::new()).unwrap();
    assert_eq!(
        v["n"],
        Value::Number(5.0),
        "the original default, converted to the new type"
    );

    let m = load_files(&[
        (
            "main.tf",
            "variable \"n\" {\n  type    = string\n  default = \"abc\"\n}\n",
        ),
        ("override.tf", "variable \"n\" {\n  type = number\n}\n"),
    ])
    .unwrap();
    assert!(
        variables::collect(&m, &[], &mut Vec::new()).is_err(),
        "\"abc\" is no number"
    );

    let m = load_files(&[
        ("main.tf", "variable \"n\" {\n  type = list(string)\n}\n"),
        ("override.tf", "variable \"n\" {\n  default = [\"a\", 1]\n}\n"),
    ])
    .unwrap();
    let v = variables::collect(&m, &[], &mut Vec::new()).unwrap();
    assert_eq!(v["n"], Value::List(vec![Value::str("a"), Value::str("1")]));
}

#[test]
fn outputs_merge_their_arguments() {
    let m = load_files(&[
        ("main.tf", "output \"o\" {\n  value = \"v\"\n  sensitive = true\n}\n"),
        ("override.tf", "output \"o\" {\n  description = \"d\"\n}\n"),
    ])
    .unwrap();
    let o = &m.outputs["o"];
    assert_eq!((o.description.as_deref(), o.sensitive), (Some("d"), true));
    assert_eq!(value(&m, &o.value), Value::str("v"));
}

#[test]
fn module_calls_merge_their_arguments() {
    let files = [
        (
            "child/main.tf",
            "variable \"a\" {}\nvariable \"b\" {}\noutput \"ab\" { value = \"${var.a}${var.b}\" }\n",
        ),
        (
            "main.tf",
            "module \"c\" {\n  source = \"./child\"\n  a = \"1\"\n  b = \"2\"\n}\n",
        ),
        ("override.tf", "module \"c\" {\n  b = \"20\"\n}\n"),
    ];
    let m = load_files(&files).unwrap();
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let loc = &m.calls["c"].loc;
    assert_eq!(
        ctx.output(&[crate::address::ModuleStep::single("c")], "ab", loc)
            .unwrap(),
        Value::str("120")
    );

    // depends_on of a module call is an argument like the others (Terraform 1.11 accepts it).
    let m = load_files(&[
        files[0],
        (
            "main.tf",
            "module \"c\" {\n  source = \"./child\"\n  a = \"1\"\n  b = \"2\"\n  depends_on = []\n}\n",
        ),
        (
            "override.tf",
            "resource \"aws_vpc\" \"v\" {}\nmodule \"c\" {\n  depends_on = [aws_vpc.v]\n}\n",
        ),
    ]);
    assert!(m.is_err(), "no aws_vpc.v to override");
    let m = load_files(&[
        files[0],
        ("main.tf", "resource \"aws_vpc\" \"v\" {}\nmodule \"c\" {\n  source = \"./child\"\n  a = \"1\"\n  b = \"2\"\n  depends_on = []\n}\n"),
        ("override.tf", "module \"c\" {\n  depends_on = [aws_vpc.v]\n}\n"),
    ])
    .unwrap();
    assert_eq!(m.calls["c"].depends_on.len(), 1);
}

#[test]
fn terraform_settings_merge_one_by_one() {
    let blocks = merged(
        r#"terraform {
  required_version = ">= 1.0"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 5.0" }
    random = { source = "hashicorp/random" }
  }
  backend "s3" { bucket = "b" }
}
"#,
        r#"terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.100" }
  }
  backend "local" {}
}
"#,
    )
    .unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        kinds(&blocks[0]),
        ["required_providers"],
        "the original backend is replaced"
    );
    let rp = blocks[0].body.blocks().next().unwrap();
    assert_eq!(
        rp.body.attributes().map(|a| a.key.as_str()).collect::<Vec<_>>(),
        ["random"]
    );
    assert!(blocks[0].body.get_attribute("required_version").is_some());
    assert_eq!(kinds(&blocks[1]), ["required_providers", "backend local"]);

    let m = load_files(&[
        ("main.tf", "terraform {\n  backend \"s3\" { bucket = \"b\" }\n}\n"),
        ("override.tf", "terraform {\n  backend \"local\" {}\n}\n"),
    ])
    .unwrap();
    assert_eq!(m.backend.as_ref().unwrap().0, "local");
}

#[test]
fn providers_match_by_name_and_alias() {
    let m = load_files(&[
        (
            "main.tf",
            "provider \"aws\" {\n  region = \"us-east-1\"\n  max_retries = 3\n}\n",
        ),
        ("override.tf", "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n"),
    ])
    .unwrap();
    assert_eq!(m.providers.len(), 1);
    let p = &m.providers[0];
    assert_eq!(value(&m, &p.body.attrs["region"].expr), Value::str("eu-west-1"));
    assert!(p.body.attrs.contains_key("max_retries"));

    // A default provider needs no original; the override is its configuration.
    let m = load_files(&[
        ("main.tf", "locals {}\n"),
        ("override.tf", "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n"),
    ])
    .unwrap();
    assert_eq!(m.providers.len(), 1);

    let blocks = merged(
        "provider \"aws\" {\n  region = \"a\"\n}\nprovider \"aws\" {\n  alias = \"west\"\n  region = \"b\"\n}\n",
        "provider \"aws\" {\n  alias = \"west\"\n  region = \"c\"\n}\n",
    )
    .unwrap();
    let region = |b: &Block| match &b.body.get_attribute("region").unwrap().value {
        Expression::String(s) => s.value().clone(),
        _ => unreachable!(),
    };
    assert_eq!((region(&blocks[0]), region(&blocks[1])), ("a".into(), "c".into()));
}

#[test]
fn json_and_native_files_override_each_other() {
    let m = load_files(&[
        (
            "main.tf.json",
            "{\"resource\": {\"aws_vpc\": {\"main\": {\n  \"cidr_block\": \"10.0.0.0/16\",\n  \"tags\": {\"Name\": \"json\"}\n}}}}",
        ),
        ("a_override.tf", "resource \"aws_vpc\" \"main\" {\n  tags = { Name = \"native\" }\n}\n"),
        (
            "override.tf.json",
            "{\"resource\": {\"aws_vpc\": {\"main\": {\n\n  \"cidr_block\": \"10.9.0.0/16\"}}}}",
        ),
    ])
    .unwrap();
    assert_eq!(attr(&m, "aws_vpc.main", "tags").get("Name"), &Value::str("native"));
    assert_eq!(attr(&m, "aws_vpc.main", "cidr_block"), Value::str("10.9.0.0/16"));
    let r = &m.resources["aws_vpc.main"];
    assert!(r.loc.to_string().ends_with("main.tf.json:1:27"), "{}", r.loc);
    assert!(r.body.attrs["cidr_block"]
        .loc
        .to_string()
        .ends_with("override.tf.json:3:3"));
    assert!(r.body.attrs["tags"].loc.to_string().ends_with("a_override.tf:2:3"));
}
