//! Every construct of the JSON syntax, checked by loading a folder and looking at the model, the
//! evaluated values and the locations; the native form of the same configuration is the
//! reference where one exists.

use super::*;
use crate::blueprint::config::{load_with, Module};
use crate::blueprint::refs::{references, Reference};
use crate::blueprint::scope::{AllUnknown, Context};
use crate::schema::{Nesting, Type};
use crate::value::Value;
use indexmap::IndexMap;

/// A resource type `test_thing` with a `rule` block (holding a `port` and a `target` block) and
/// a `tags` map, and a provider `test` with a `defaults` block.
struct TestSchemas {
    thing: Schema,
    provider: Schema,
}

fn schemas() -> TestSchemas {
    let rule = Schema::new().optional("port", Type::Number).block(
        "target",
        Nesting::List,
        Schema::new().optional("name", Type::String),
    );
    TestSchemas {
        thing: Schema::new()
            .optional("name", Type::String)
            .optional("tags", Type::map_of_strings())
            .block("rule", Nesting::List, rule),
        provider: Schema::new().optional("region", Type::String).block(
            "defaults",
            Nesting::Single,
            Schema::new().optional("tags", Type::map_of_strings()),
        ),
    }
}

impl BlockSchemas for TestSchemas {
    fn resource(&self, _: Mode, type_name: &str) -> Option<&Schema> {
        (type_name == "test_thing").then_some(&self.thing)
    }
    fn provider(&self, name: &str) -> Option<&Schema> {
        (name == "test").then_some(&self.provider)
    }
}

fn load_files(files: &[(&str, &str)]) -> DResult<Module> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    load_with(dir.path(), &schemas())
}

fn load_json(text: &str) -> DResult<Module> {
    load_files(&[("main.tf.json", text)])
}

/// Every local of the root module, evaluated with no resource known.
fn locals(m: &Module) -> IndexMap<String, Value> {
    let inputs: IndexMap<String, Value> = m
        .variables
        .iter()
        .map(|(n, v)| {
            let none = IndexMap::new();
            let ctx = Context::new(m, &none, &AllUnknown);
            let d = v
                .default
                .as_ref()
                .map(|d| ctx.eval(&[], d, &Default::default()).unwrap());
            (n.clone(), d.unwrap_or(Value::Null))
        })
        .collect();
    let ctx = Context::new(m, &inputs, &AllUnknown);
    m.locals
        .iter()
        .map(|(n, a)| (n.clone(), ctx.local(&[], n, &a.loc).unwrap()))
        .collect()
}

fn err(result: DResult<Module>) -> Diag {
    result.expect_err("the configuration must be refused")
}

#[test]
fn templates_directives_and_literals_evaluate_like_native_syntax() {
    let json = load_json(
        r#"{
  "variable": {"name": {"default": "web"}},
  "locals": {
    "unwrapped": "${1 + 2}",
    "joined": "app-${var.name}-${2 * 2}",
    "cond": "%{ if var.name == \"web\" }front%{ else }back%{ endif }",
    "loop": "%{ for s in [\"a\", \"b\"] }[${s}]%{ endfor }",
    "escaped": "$${not.a.ref} and %%{ not a directive }",
    "multi": "line one\nline \"two\"\\end",
    "number": 1.5e3,
    "negative": -7,
    "flag": true,
    "nothing": null,
    "list": ["x", 2, false, "${var.name}"],
    "object": {"plain": 1, "${var.name}-key": "v", "//": "an attribute here, not a comment"},
    "fn": "${upper(var.name)}"
  }
}"#,
    )
    .unwrap();
    let native = load_files(&[(
        "main.tf",
        r#"
variable "name" { default = "web" }
locals {
  unwrapped = 1 + 2
  joined    = "app-${var.name}-${2 * 2}"
  cond      = "%{ if var.name == "web" }front%{ else }back%{ endif }"
  loop      = "%{ for s in ["a", "b"] }[${s}]%{ endfor }"
  escaped   = "$${not.a.ref} and %%{ not a directive }"
  multi     = "line one\nline \"two\"\\end"
  number    = 1500
  negative  = -7
  flag      = true
  nothing   = null
  list      = ["x", 2, false, var.name]
  object    = { plain = 1, "${var.name}-key" = "v", "//" = "an attribute here, not a comment" }
  fn        = upper(var.name)
}
"#,
    )])
    .unwrap();
    let (j, n) = (locals(&json), locals(&native));
    assert_eq!(j, n);
    assert_eq!(
        j["unwrapped"],
        Value::Number(3.0),
        "a lone interpolation keeps its type"
    );
    assert_eq!(j["cond"], Value::str("front"));
    assert_eq!(j["loop"], Value::str("[a][b]"));
    assert_eq!(j["escaped"], Value::str("${not.a.ref} and %{ not a directive }"));
    assert_eq!(j["multi"], Value::str("line one\nline \"two\"\\end"));
    assert_eq!(j["object"].get("web-key"), &Value::str("v"));
    // The translated expressions are native ones: a template stays a template, a literal a
    // literal string.
    let text = |m: &Module, n: &str| m.locals[n].expr.text().to_string();
    assert_eq!(text(&json, "joined"), "\"app-${var.name}-${2 * 2}\"");
    assert!(matches!(
        json.locals["multi"].expr.ast,
        hcl_edit::expr::Expression::String(_)
    ));
}

#[test]
fn comments_are_skipped_in_bodies_only() {
    let m = load_json(
        r#"{
  "//": "generated by a script",
  "locals": {"//": "a note", "a": 1},
  "resource": {"test_thing": {"x": {"//": "what this is", "tags": {"//": "kept"}}}}
}"#,
    )
    .unwrap();
    assert_eq!(m.locals.keys().collect::<Vec<_>>(), ["a"]);
    let r = &m.resources["test_thing.x"];
    assert_eq!(r.body.attrs.keys().collect::<Vec<_>>(), ["tags"]);
    assert!(r.body.attrs["tags"].expr.text().contains("\"//\""));
}

#[test]
fn labels_nest_as_objects_and_arrays() {
    let m = load_json(
        r#"{
  "resource": {
    "test_thing": {
      "a": {"name": "a"},
      "b": [{"name": "b"}]
    },
    "other_thing": [{"c": {"name": "c"}}]
  },
  "resource": {"test_thing": {"d": {}}},
  "variable": [{"v1": {}}, {"v2": {}}],
  "output": {"o": {"value": "${var.v1}"}}
}"#,
    )
    .unwrap();
    let keys: Vec<&String> = m.resources.keys().collect();
    assert_eq!(keys, ["test_thing.a", "test_thing.b", "other_thing.c", "test_thing.d"]);
    assert_eq!(m.variables.keys().collect::<Vec<_>>(), ["v1", "v2"]);
    assert!(m.outputs.contains_key("o"));
}

#[test]
fn schema_decides_between_nested_blocks_and_object_attributes() {
    let m = load_json(
        r#"{
  "resource": {"test_thing": {"x": {
    "tags": {"rule": "an attribute"},
    "rule": [
      {"port": 80, "target": {"name": "t1"}},
      {"port": 443, "target": [{"name": "t2"}, {"name": "t3"}]}
    ]
  }}},
  "provider": {"test": {"region": "eu-west-1", "defaults": {"tags": {"a": "b"}}}}
}"#,
    )
    .unwrap();
    let r = &m.resources["test_thing.x"];
    assert!(r.body.attrs.contains_key("tags"));
    let rules: Vec<_> = r.body.blocks.iter().filter(|b| b.kind == "rule").collect();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].body.blocks.len(), 1);
    assert_eq!(rules[1].body.blocks.len(), 2);
    assert_eq!(rules[1].body.blocks[1].kind, "target");
    let p = &m.providers[0];
    assert_eq!(p.body.blocks[0].kind, "defaults");
    assert!(p.body.attrs.contains_key("region"));

    // An unknown type has no schema: the same property is an attribute (and the type is
    // refused when the blueprint is validated).
    let m = load_json(r#"{"resource": {"unknown_thing": {"x": {"rule": {"port": 80}}}}}"#).unwrap();
    assert!(m.resources["unknown_thing.x"].body.attrs.contains_key("rule"));
}

#[test]
fn meta_arguments_take_expressions_in_strings() {
    let m = load_json(
        r#"{
  "variable": {"n": {"type": "number", "default": 2}, "l": {"type": "list(object({a = string}))", "default": []}},
  "resource": {
    "test_thing": {
      "base": {},
      "counted": {
        "count": "${var.n}",
        "provider": "aws",
        "depends_on": ["test_thing.base", "module.m"],
        "lifecycle": {
          "create_before_destroy": true,
          "prevent_destroy": false,
          "ignore_changes": ["tags", "rule"],
          "replace_triggered_by": ["test_thing.base.id"]
        }
      },
      "each": {"for_each": "${toset([\"a\"])}", "lifecycle": {"ignore_changes": "all"}}
    }
  }
}"#,
    )
    .unwrap();
    let r = &m.resources["test_thing.counted"];
    assert_eq!(r.count.as_ref().unwrap().text(), "\"${var.n}\"");
    assert!(r.lifecycle.create_before_destroy);
    assert_eq!(r.lifecycle.ignore_changes, ["tags", "rule"]);
    let deps: Vec<Reference> = r
        .depends_on
        .iter()
        .flat_map(|e| references(e).into_iter().map(|(r, _)| r))
        .collect();
    assert_eq!(
        deps,
        [
            Reference::Resource("test_thing.base".into()),
            Reference::Module("m".into(), None)
        ]
    );
    assert!(m.resources["test_thing.each"].lifecycle.ignore_all);
    assert!(m.resources["test_thing.each"].for_each.is_some());
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    assert!(crate::blueprint::types::TypeConstraint::parse(m.variables["l"].type_expr.as_ref().unwrap()).is_ok());
    let default = ctx
        .eval(&[], m.variables["n"].default.as_ref().unwrap(), &Default::default())
        .unwrap();
    assert_eq!(default, Value::Number(2.0));
}

#[test]
fn literal_arguments_keep_template_sequences_as_text() {
    let m = load_json(
        r#"{
  "variable": {"v": {"default": {"k": "${not_evaluated}", "l": ["%{ if x }"]}, "description": "uses ${this}"}},
  "module": {"child": {"source": "./child", "providers": {"test": "test.west"}, "count": "${1}"}},
  "terraform": {"required_version": ">= ${1}", "backend": {"s3": {"bucket": "b-${x}", "key": "k"}}}
}"#,
    );
    // The module call is checked after translation: the child folder is missing.
    let e = err(m);
    assert!(
        e.summary.contains("not supported") || e.summary.contains("does not exist"),
        "{e}"
    );

    let m = load_json(
        r#"{
  "variable": {"v": {"default": {"k": "${not_evaluated}", "l": ["%{ if x }"]}, "description": "uses ${this}"}},
  "terraform": {"required_version": ">= ${1}", "backend": {"s3": {"bucket": "b-${x}", "key": "k"}}}
}"#,
    )
    .unwrap();
    let v = &m.variables["v"];
    assert_eq!(v.description.as_deref(), Some("uses ${this}"));
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let d = ctx.eval(&[], v.default.as_ref().unwrap(), &Default::default()).unwrap();
    assert_eq!(d.get("k"), &Value::str("${not_evaluated}"));
    assert_eq!(d.get("l"), &Value::List(vec![Value::str("%{ if x }")]));
    let (kind, body) = m.backend.as_ref().unwrap();
    assert_eq!(kind, "s3");
    let b = ctx.eval(&[], &body.attrs["bucket"].expr, &Default::default()).unwrap();
    assert_eq!(b, Value::str("b-${x}"));
}

#[test]
fn module_calls_take_literal_sources_and_provider_maps() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("child")).unwrap();
    std::fs::write(
        dir.path().join("child/main.tf.json"),
        r#"{"variable": {"x": {}}, "output": {"y": {"value": "${var.x}-out"}}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.tf.json"),
        r#"{"module": {"child": {"source": "./child", "x": "${upper(\"in\")}", "providers": {"test": "test", "test.two": "test.west"}}},
            "provider": {"test": [{}, {"alias": "west"}]},
            "output": {"o": {"value": "${module.child.y}"}}}"#,
    )
    .unwrap();
    let m = load_with(dir.path(), &schemas()).unwrap();
    assert_eq!(m.calls["child"].source, "./child");
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let o = ctx.output(&[], "o", &m.outputs["o"].loc).unwrap();
    assert_eq!(o, Value::str("IN-out"));
}

#[test]
fn dynamic_blocks_bind_their_iterator() {
    let m = load_json(
        r#"{
  "variable": {"ports": {"default": [80, 443]}},
  "resource": {"test_thing": {"x": {
    "dynamic": {"rule": {
      "for_each": "${var.ports}",
      "iterator": "p",
      "content": {"port": "${p.value}", "target": {"name": "t${p.key}"}}
    }}
  }}}
}"#,
    )
    .unwrap();
    let r = &m.resources["test_thing.x"];
    let d = &r.body.blocks[0];
    assert_eq!(
        (d.kind.as_str(), d.labels.as_slice()),
        ("dynamic", &["rule".to_string()][..])
    );
    assert_eq!(d.body.attrs["iterator"].expr.text(), "p");
    let content = &d.body.blocks[0];
    assert_eq!(content.kind, "content");
    assert_eq!(
        content.body.blocks[0].kind, "target",
        "nested blocks of content follow the schema"
    );
    let inputs = IndexMap::from([(
        "ports".to_string(),
        Value::List(vec![Value::Number(80.0), Value::Number(443.0)]),
    )]);
    let ctx = Context::new(&m, &inputs, &AllUnknown);
    let v = ctx
        .eval_body(&[], &r.body, &schemas().thing, &Default::default())
        .unwrap();
    let rules = v.get("rule").as_list().unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[1].get("port"), &Value::Number(443.0));
    assert_eq!(
        rules[1].get("target").as_list().unwrap()[0].get("name"),
        &Value::str("t1")
    );
    // The graph sees no reference to a resource named "p".
    crate::graph::ConfigGraph::build(&m).unwrap();
}

#[test]
fn json_and_native_files_load_together() {
    let m = load_files(&[
        ("a.tf", "variable \"name\" { default = \"x\" }\n"),
        ("b.tf.json", r#"{"locals": {"greeting": "hi ${var.name}"}}"#),
        ("c.tf", "output \"g\" { value = local.greeting }\n"),
        ("notes.json", "not configuration"),
    ])
    .unwrap();
    assert_eq!(locals(&m)["greeting"], Value::str("hi x"));
    assert!(m.outputs.contains_key("g"));
}

#[test]
fn locations_point_at_the_json_property() {
    let m = load_json(
        "{\n  \"resource\": {\n    \"test_thing\": {\n      \"main\": {\n        \"name\": \"n\",\n        \"tags\": {\"a\": \"${var.missing}\"}\n      }\n    }\n  }\n}\n",
    )
    .unwrap();
    let r = &m.resources["test_thing.main"];
    assert!(r.loc.to_string().ends_with("main.tf.json:4:7"), "{}", r.loc);
    assert!(r.body.attrs["name"].loc.to_string().ends_with("main.tf.json:5:9"));
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let e = ctx
        .eval_body(&[], &r.body, &schemas().thing, &Default::default())
        .unwrap_err();
    assert_eq!(e.summary, "Reference to undeclared input variable");
    // The reference itself: line 6, inside the string.
    assert!(e.location.as_deref().unwrap().ends_with("main.tf.json:6:26"), "{e}");
}

#[test]
fn errors_name_the_json_file_and_line() {
    let at = |e: &Diag| e.location.clone().unwrap_or_default();

    let e = err(load_json("{\n  \"locals\": {\n    \"a\": 1,\n  }\n}\n"));
    assert!(e.summary.starts_with("Syntax error in JSON"), "{e}");
    assert!(at(&e).ends_with("main.tf.json:3:11"), "{e}");

    let e = err(load_json("{\n  \"widget\": {}\n}"));
    assert_eq!(e.summary, "Unsupported block type \"widget\"");
    assert!(at(&e).ends_with("main.tf.json:2:3"), "{e}");

    let e = err(load_json("{\"locals\": {\n \"a\": \"${var.}\"}}"));
    assert_eq!(e.summary, "Invalid template in JSON string");
    assert!(at(&e).ends_with("main.tf.json:2:7"), "{e}");

    let e = err(load_json(
        "{\"resource\": {\"test_thing\": {\"x\": {\n\"depends_on\": [\"test_thing.\"]}}}}",
    ));
    assert_eq!(e.summary, "Invalid expression in JSON string");
    assert!(at(&e).ends_with("main.tf.json:2:16"), "{e}");

    let e = err(load_json(
        "{\"resource\": {\"test_thing\": {\"x\": {\"depends_on\": \"test_thing.y\"}}}}",
    ));
    assert_eq!(e.summary, "Incorrect JSON value type");

    let e = err(load_json("{\"resource\": {\"test_thing\": {\"x\": \"oops\"}}}"));
    assert_eq!(e.summary, "Incorrect JSON value type");
    assert!(e.detail.unwrap().contains("\"resource\" blocks"));

    let e = err(load_json("{\"resource\": {\"test_thing\": {}}}"));
    assert_eq!(e.summary, "Missing block label");

    let e = err(load_json("{\"locals\": {\"bad name\": 1}}"));
    assert_eq!(e.summary, "Invalid argument name \"bad name\"");

    let e = err(load_json(""));
    assert_eq!(e.summary, "Empty JSON configuration file");

    // Errors the loader finds after translation point at the JSON too.
    let e = err(load_json("{\"locals\": {\"a\": 1}, \"locals\": {\n  \"a\": 2}}"));
    assert_eq!(e.summary, "Duplicate local value \"a\"");
    assert!(at(&e).ends_with("main.tf.json:2:3"), "{e}");
}

#[test]
fn escapes_in_strings_keep_the_line() {
    // With escapes, locations inside the string fall back to the string's start, on its line.
    let m = load_json("{\"locals\": {\n\n  \"a\": \"\\u0041 ${var.nope}\"}}").unwrap();
    let none = IndexMap::new();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let e = ctx.local(&[], "a", &m.locals["a"].loc).unwrap_err();
    assert!(e.location.unwrap().contains("main.tf.json:3:"));
    // Mapped offsets inside multi-byte characters still give a place.
    let m = load_json("{\"locals\": {\"a\": \"\\u00e9éééééé ${var.nope}\"}}").unwrap();
    let ctx = Context::new(&m, &none, &AllUnknown);
    let e = ctx.local(&[], "a", &m.locals["a"].loc).unwrap_err();
    assert!(e.location.unwrap().contains("main.tf.json:1:"));
}
