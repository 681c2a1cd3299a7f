//! The dependency graph of a blueprint.
//!
//! Built in a few named passes, in this order (each needs the one before):
//! 1. `add_objects`: one node per variable, local, output and resource block of every module;
//! 2. `connect_references`: an edge from everything an expression refers to, to its user, and
//!    from `depends_on` targets (a module call's `depends_on` applies to all it contains);
//! 3. `check_cycles`: a cycle is an error that names every object in it.
//!
//! The planner walks resource blocks in the resulting order, and resource-to-resource
//! dependencies (seen through locals, variables and module outputs) become the edges the engine
//! schedules by.

use crate::blueprint::config::{Body, Module, Resource};
use crate::blueprint::refs::{references, references_with, Reference};
use crate::blueprint::source::{Expr, Loc};
use crate::diag::{DResult, Diag};
use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};
use petgraph::Direction;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One object of the blueprint, qualified by its module path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// `var.NAME` of a module.
    Var(Vec<String>, String),
    /// `local.NAME` of a module.
    Local(Vec<String>, String),
    /// `output "NAME"` of a module.
    Output(Vec<String>, String),
    /// A resource, data or ephemeral block (`aws_vpc.main`, `data.aws_region.r`).
    Resource(Vec<String>, String),
    /// A `check` block: it depends on what its assertions read; nothing depends on it.
    Check(Vec<String>, String),
}

fn prefix(path: &[String]) -> String {
    path.iter().map(|m| format!("module.{m}.")).collect()
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Var(p, n) => write!(f, "{}var.{n}", prefix(p)),
            Node::Local(p, n) => write!(f, "{}local.{n}", prefix(p)),
            Node::Output(p, n) => write!(f, "{}output.{n}", prefix(p)),
            Node::Resource(p, k) => write!(f, "{}{k}", prefix(p)),
            Node::Check(p, n) => write!(f, "{}check.{n}", prefix(p)),
        }
    }
}

/// What a name written in a module points at: its nodes, or the error for a name nothing
/// declares (which some callers may leave to evaluation).
enum Lookup {
    Found(Vec<NodeIndex>),
    Undeclared(Diag),
}

/// The object graph of a loaded blueprint.
pub struct ConfigGraph {
    graph: DiGraph<Node, ()>,
    index: HashMap<Node, NodeIndex>,
    order: Vec<NodeIndex>,
    /// Where each object is written, for errors (a cycle names every member's file:line).
    locs: HashMap<Node, Loc>,
}

impl ConfigGraph {
    /// Builds and checks the graph; fails on undeclared references and cycles.
    pub fn build(root: &Module) -> DResult<ConfigGraph> {
        let mut g = ConfigGraph {
            graph: DiGraph::new(),
            index: HashMap::new(),
            order: Vec::new(),
            locs: HashMap::new(),
        };
        g.add_objects(root);
        g.connect_references(root)?;
        g.check_cycles()?;
        Ok(g)
    }

    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    fn add_objects(&mut self, root: &Module) {
        for (path, module) in root.walk() {
            for (name, v) in &module.variables {
                self.add_located(Node::Var(path.clone(), name.clone()), &v.loc);
            }
            for (name, l) in &module.locals {
                self.add_located(Node::Local(path.clone(), name.clone()), &l.loc);
            }
            for (name, o) in &module.outputs {
                self.add_located(Node::Output(path.clone(), name.clone()), &o.loc);
            }
            for (key, r) in &module.resources {
                self.add_located(Node::Resource(path.clone(), key.clone()), &r.loc);
            }
            for (name, c) in &module.checks {
                self.add_located(Node::Check(path.clone(), name.clone()), &c.loc);
            }
        }
    }

    fn add_located(&mut self, node: Node, loc: &Loc) {
        self.locs.insert(node.clone(), loc.clone());
        self.node(node);
    }

    fn connect_references(&mut self, root: &Module) -> DResult<()> {
        for (path, module) in root.walk() {
            // A module call's depends_on holds for everything inside the module.
            let inherited: Vec<Expr> = inherited_depends_on(root, &path);
            for (name, local) in &module.locals {
                let to = self.index[&Node::Local(path.clone(), name.clone())];
                self.connect_expr(root, &path, &local.expr, to)?;
            }
            for (name, out) in &module.outputs {
                let to = self.index[&Node::Output(path.clone(), name.clone())];
                self.connect_expr(root, &path, &out.value, to)?;
                for e in &out.depends_on {
                    self.connect_depends_on(root, &path, e, to)?;
                }
                for c in &out.preconditions {
                    self.connect_expr(root, &path, &c.condition, to)?;
                    self.connect_expr(root, &path, &c.error_message, to)?;
                }
            }
            for (name, check) in &module.checks {
                let to = self.index[&Node::Check(path.clone(), name.clone())];
                for a in &check.asserts {
                    for e in [&a.condition, &a.error_message] {
                        for (r, loc) in references(e) {
                            for from in self.targets_in(root, &path, &r, &loc, Some(name))? {
                                self.graph.update_edge(from, to, ());
                            }
                        }
                    }
                }
            }
            for (key, res) in &module.resources {
                let to = self.index[&Node::Resource(path.clone(), key.clone())];
                for (e, bound) in resource_exprs(res) {
                    for (r, loc) in references_with(e, &bound) {
                        let found = match self.lookup(root, &path, &r, &loc, res.check.as_deref())? {
                            Lookup::Found(nodes) => nodes,
                            // A `dynamic` block's content is evaluated once per element of its
                            // for_each, and never when that is empty: Terraform reports an
                            // undeclared name there only then (terraform-aws-eks 18.x's node
                            // group refers to `license_specifications.value` in content it never
                            // expands), and so does the evaluator here. Nothing declared,
                            // nothing to wait for.
                            Lookup::Undeclared(_) if !bound.is_empty() => continue,
                            Lookup::Undeclared(d) => return Err(d),
                        };
                        for from in found {
                            self.graph.update_edge(from, to, ());
                        }
                    }
                }
                for e in &res.depends_on {
                    self.connect_depends_on(root, &path, e, to)?;
                }
                if let Some((parent, _)) = path.split_last().map(|(l, p)| (p.to_vec(), l)) {
                    for e in &inherited {
                        self.connect_depends_on(root, &parent, e, to)?;
                    }
                }
            }
            for (name, call) in &module.calls {
                let mut child = path.clone();
                child.push(name.clone());
                let child_module = &call.module;
                // What count/for_each refer to decides which instances of everything inside the
                // module exist, and `each`/`count.index` reach its inputs.
                let subtree = self.subtree(root, &child);
                for e in call.count.iter().chain(&call.for_each) {
                    for (r, loc) in references(e) {
                        for from in self.targets(root, &path, &r, &loc)? {
                            for to in &subtree {
                                self.graph.update_edge(from, *to, ());
                            }
                        }
                    }
                }
                for (arg, attr) in &call.args {
                    if !child_module.variables.contains_key(arg) {
                        return Err(Diag::new(format!("Unsupported argument \"{arg}\""))
                            .detail(format!("Module \"{name}\" declares no variable named \"{arg}\"."))
                            .at(&attr.loc));
                    }
                    let to = self.index[&Node::Var(child.clone(), arg.clone())];
                    self.connect_expr(root, &path, &attr.expr, to)?;
                }
                for (vname, var) in &child_module.variables {
                    if var.default.is_none() && !call.args.contains_key(vname) {
                        return Err(Diag::new(format!("Missing required argument \"{vname}\""))
                            .detail(format!("Module \"{name}\" needs a value for its variable \"{vname}\"."))
                            .at(&call.loc));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every node of the module at `path` and of the modules it calls.
    fn subtree(&self, root: &Module, path: &[String]) -> Vec<NodeIndex> {
        let Some(module) = root.descend(path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (sub, m) in module.walk() {
            let mut full = path.to_vec();
            full.extend(sub);
            let nodes = m
                .variables
                .keys()
                .map(|n| Node::Var(full.clone(), n.clone()))
                .chain(m.locals.keys().map(|n| Node::Local(full.clone(), n.clone())))
                .chain(m.outputs.keys().map(|n| Node::Output(full.clone(), n.clone())))
                .chain(m.resources.keys().map(|k| Node::Resource(full.clone(), k.clone())))
                .chain(m.checks.keys().map(|n| Node::Check(full.clone(), n.clone())));
            out.extend(nodes.filter_map(|n| self.index.get(&n).copied()));
        }
        out
    }

    fn connect_expr(&mut self, root: &Module, path: &[String], e: &Expr, to: NodeIndex) -> DResult<()> {
        for (r, loc) in references(e) {
            for from in self.targets(root, path, &r, &loc)? {
                self.graph.update_edge(from, to, ());
            }
        }
        Ok(())
    }

    fn connect_depends_on(&mut self, root: &Module, path: &[String], e: &Expr, to: NodeIndex) -> DResult<()> {
        let refs = references(e);
        if refs.is_empty() {
            return Err(Diag::new("Invalid depends_on reference")
                .detail("depends_on may only list resources, data sources and modules.")
                .at(e.loc()));
        }
        self.connect_expr(root, path, e, to)
    }

    /// The nodes a reference written in module `path` points at; errors when undeclared.
    fn targets(&self, root: &Module, path: &[String], r: &Reference, loc: &Loc) -> DResult<Vec<NodeIndex>> {
        self.targets_in(root, path, r, loc, None)
    }

    /// [`ConfigGraph::targets`] for a reference written inside check block `check` (or in
    /// its data source), the only place a check's data source may be referred to from.
    fn targets_in(
        &self,
        root: &Module,
        path: &[String],
        r: &Reference,
        loc: &Loc,
        check: Option<&str>,
    ) -> DResult<Vec<NodeIndex>> {
        match self.lookup(root, path, r, loc, check)? {
            Lookup::Found(nodes) => Ok(nodes),
            Lookup::Undeclared(d) => Err(d),
        }
    }

    /// [`ConfigGraph::targets_in`] that tells an undeclared name apart from other errors, for
    /// the callers that may leave such a name to evaluation.
    fn lookup(&self, root: &Module, path: &[String], r: &Reference, loc: &Loc, check: Option<&str>) -> DResult<Lookup> {
        let module = root.descend(path).expect("walked path exists");
        if let Reference::Resource(k) = r {
            if let Some(scope) = module.resources.get(k).and_then(|res| res.check.as_deref()) {
                if check != Some(scope) {
                    return Err(Diag::new("Reference to scoped resource")
                        .detail(format!(
                            "The referenced data resource \"{}\" \"{}\" is not available from this context.",
                            module.resources[k].type_name, module.resources[k].name
                        ))
                        .at(loc));
                }
            }
        }
        let missing = |what: &str, name: &str| {
            Ok(Lookup::Undeclared(
                Diag::new(format!("Reference to undeclared {what}"))
                    .detail(format!("No {what} named \"{name}\" is declared in this module."))
                    .at(loc),
            ))
        };
        let p = path.to_vec();
        Ok(Lookup::Found(match r {
            Reference::Var(n) => match self.index.get(&Node::Var(p, n.clone())) {
                Some(i) => vec![*i],
                None => return missing("input variable", n),
            },
            Reference::Local(n) => match self.index.get(&Node::Local(p, n.clone())) {
                Some(i) => vec![*i],
                None => return missing("local value", n),
            },
            Reference::Resource(k) => match self.index.get(&Node::Resource(p, k.clone())) {
                Some(i) => vec![*i],
                None => return missing("resource", k),
            },
            Reference::Module(m, out) => {
                let Some(call) = module.calls.get(m) else {
                    return missing("module", m);
                };
                let mut child = p;
                child.push(m.clone());
                match out {
                    Some(o) => match self.index.get(&Node::Output(child, o.clone())) {
                        Some(i) => vec![*i],
                        None => {
                            return Err(Diag::new("Unsupported attribute")
                                .detail(format!("Module \"{m}\" has no output named \"{o}\"."))
                                .at(loc))
                        }
                    },
                    None => {
                        // A whole-module reference (depends_on = [module.x]) means all of it.
                        let mut all: Vec<NodeIndex> = call
                            .module
                            .outputs
                            .keys()
                            .map(|o| self.index[&Node::Output(child.clone(), o.clone())])
                            .collect();
                        for (sub, sub_module) in call.module.walk() {
                            let mut full = child.clone();
                            full.extend(sub);
                            for k in sub_module.resources.keys() {
                                all.push(self.index[&Node::Resource(full.clone(), k.clone())]);
                            }
                        }
                        all
                    }
                }
            }
        }))
    }

    fn check_cycles(&mut self) -> DResult<()> {
        let mut cycles: Vec<Vec<&Node>> = tarjan_scc(&self.graph)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]))
            .map(|scc| {
                let mut members: Vec<&Node> = scc.iter().map(|i| &self.graph[*i]).collect();
                members.sort();
                members
            })
            .collect();
        if let Some(cycle) = cycles.pop() {
            let listed: Vec<String> = cycle
                .iter()
                .map(|n| match self.locs.get(*n) {
                    Some(loc) => format!("{n} ({loc})"),
                    None => n.to_string(),
                })
                .collect();
            let mut d = Diag::new("Cycle in the dependency graph").detail(format!(
                "These objects depend on each other in a loop: {}.",
                listed.join(", ")
            ));
            if let Some(loc) = cycle.first().and_then(|n| self.locs.get(*n)) {
                d = d.at(loc);
            }
            return Err(d);
        }
        self.order = toposort(&self.graph, None).map_err(|_| Diag::new("Cycle in the dependency graph"))?;
        Ok(())
    }

    /// Resource blocks, each after everything it depends on.
    pub fn resource_order(&self) -> Vec<(Vec<String>, String)> {
        self.order
            .iter()
            .filter_map(|i| match &self.graph[*i] {
                Node::Resource(p, k) => Some((p.clone(), k.clone())),
                _ => None,
            })
            .collect()
    }

    /// The resource blocks a node depends on, seen through locals, variables and outputs.
    pub fn resource_deps(&self, node: &Node) -> Vec<(Vec<String>, String)> {
        let Some(start) = self.index.get(node) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = self.graph.neighbors_directed(*start, Direction::Incoming).collect();
        while let Some(i) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            match &self.graph[i] {
                Node::Resource(p, k) => out.push((p.clone(), k.clone())),
                _ => stack.extend(self.graph.neighbors_directed(i, Direction::Incoming)),
            }
        }
        out.sort();
        out
    }

    /// Everything a node depends on, directly or not (used by `-target`).
    pub fn ancestors(&self, node: &Node) -> Vec<Node> {
        let Some(start) = self.index.get(node) else {
            return Vec::new();
        };
        let rev = Reversed(&self.graph);
        let mut dfs = Dfs::new(rev, *start);
        let mut out = Vec::new();
        while let Some(i) = dfs.next(rev) {
            out.push(self.graph[i].clone());
        }
        out
    }
}

fn inherited_depends_on(root: &Module, path: &[String]) -> Vec<Expr> {
    let Some((last, parent)) = path.split_last() else {
        return Vec::new();
    };
    root.descend(parent)
        .and_then(|m| m.calls.get(last))
        .map(|c| c.depends_on.clone())
        .unwrap_or_default()
}

/// Every expression of a resource block that can refer to something.
/// Every expression of a resource block, with the names the enclosing `dynamic` blocks bind
/// around it (their iterators).
fn resource_exprs(res: &Resource) -> Vec<(&Expr, Vec<String>)> {
    let lc = &res.lifecycle;
    let mut out: Vec<(&Expr, Vec<String>)> = res
        .count
        .iter()
        .chain(res.for_each.iter())
        .chain(
            lc.preconditions
                .iter()
                .chain(&lc.postconditions)
                .flat_map(|c| [&c.condition, &c.error_message]),
        )
        .chain(lc.replace_triggered_by.iter())
        .map(|e| (e, Vec::new()))
        .collect();
    body_exprs(&res.body, &[], &mut out);
    // What create-time provisioners and connection blocks read must exist first; destroy-time
    // ones read only the object itself.
    if let Some(conn) = &res.connection {
        body_exprs(conn, &[], &mut out);
    }
    for p in res.provisioners.iter().filter(|p| !p.when_destroy) {
        body_exprs(&p.body, &[], &mut out);
        if let Some(conn) = &p.connection {
            body_exprs(conn, &[], &mut out);
        }
    }
    out
}

fn body_exprs<'a>(body: &'a Body, bound: &[String], out: &mut Vec<(&'a Expr, Vec<String>)>) {
    out.extend(body.attrs.values().map(|a| (&a.expr, bound.to_vec())));
    for b in &body.blocks {
        if b.kind != "dynamic" {
            body_exprs(&b.body, bound, out);
            continue;
        }
        // The iterator is in scope in the content only, not in for_each.
        out.extend(b.body.attrs.values().map(|a| (&a.expr, bound.to_vec())));
        let mut inner = bound.to_vec();
        inner.push(match b.body.attrs.get("iterator") {
            Some(a) => a.expr.text().trim().to_string(),
            None => b.labels.first().cloned().unwrap_or_default(),
        });
        for content in &b.body.blocks {
            body_exprs(&content.body, &inner, out);
        }
    }
}

/// Renders resource-level edges as Graphviz DOT, for `infractl graph`.
pub fn to_dot(edges: &[(String, String)], nodes: &[String]) -> String {
    let mut s = String::from("digraph {\n  compound = \"true\"\n  newrank = \"true\"\n  rankdir = \"RL\"\n");
    for n in nodes {
        s.push_str(&format!("  \"{n}\" [label = \"{n}\", shape = \"box\"]\n"));
    }
    for (from, to) in edges {
        s.push_str(&format!("  \"{from}\" -> \"{to}\"\n"));
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::config::load;

    fn build(text: &str) -> DResult<ConfigGraph> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        let m = load(dir.path()).unwrap();
        ConfigGraph::build(&m)
    }

    #[test]
    fn dynamic_block_iterators_are_not_references() {
        let g = build(
            r#"
variable "ports" { default = [80, 443] }
resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
resource "aws_security_group" "web" {
  vpc_id = aws_vpc.a.id
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
      to_port   = ingress.value
      protocol  = "tcp"
    }
  }
  dynamic "egress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
      to_port   = port.value
      protocol  = "tcp"
    }
  }
}
"#,
        )
        .unwrap();
        let deps = g.resource_deps(&Node::Resource(vec![], "aws_security_group.web".into()));
        assert_eq!(deps, vec![(vec![], "aws_vpc.a".to_string())]);
        let err = build(
            r#"
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = ingress.value
    content { protocol = "tcp" }
  }
}
"#,
        )
        .err()
        .expect("an iterator is not in scope in its own for_each");
        assert!(err.summary.contains("undeclared"), "{}", err.summary);
    }

    /// As Terraform: a name in a dynamic block's content is checked when the content is
    /// evaluated (never, for an empty for_each), so the graph neither refuses it nor waits for it.
    #[test]
    fn undeclared_names_in_dynamic_content_are_left_to_evaluation() {
        let g = build(
            r#"
variable "licenses" { default = {} }
resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
resource "aws_launch_template" "t" {
  name = aws_vpc.a.id
  dynamic "license_specification" {
    for_each = length(var.licenses) > 0 ? [var.licenses] : []
    content {
      license_configuration_arn = license_specifications.value.arn
    }
  }
}
"#,
        )
        .unwrap();
        let deps = g.resource_deps(&Node::Resource(vec![], "aws_launch_template.t".into()));
        assert_eq!(deps, vec![(vec![], "aws_vpc.a".to_string())]);
        let err = build(
            r#"
resource "aws_launch_template" "t" {
  name = license_specifications.value.arn
}
"#,
        )
        .err()
        .expect("outside dynamic content an undeclared name is refused at once");
        assert!(err.summary.contains("undeclared"), "{}", err.summary);
    }

    #[test]
    fn an_output_depends_on_what_its_depends_on_lists() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("logs")).unwrap();
        std::fs::write(
            dir.path().join("logs/main.tf"),
            r#"
resource "aws_s3_bucket" "b" { bucket = "logs" }
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = "{}"
}
output "bucket" {
  value      = aws_s3_bucket.b.id
  depends_on = [aws_s3_bucket_policy.p]
}
"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("main.tf"),
            r#"
module "logs" { source = "./logs" }
resource "aws_lb" "web" { name = module.logs.bucket }
"#,
        )
        .unwrap();
        let g = ConfigGraph::build(&load(dir.path()).unwrap()).unwrap();
        let deps = g.resource_deps(&Node::Resource(vec![], "aws_lb.web".into()));
        let logs = vec!["logs".to_string()];
        assert!(
            deps.contains(&(logs.clone(), "aws_s3_bucket_policy.p".to_string())),
            "{deps:?}"
        );
        assert!(deps.contains(&(logs, "aws_s3_bucket.b".to_string())), "{deps:?}");
    }

    #[test]
    fn dependencies_pass_through_locals() {
        let g = build(
            r#"
resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
locals { vpc = aws_vpc.a.id }
resource "aws_subnet" "b" {
  vpc_id = local.vpc
  cidr_block = "10.0.1.0/24"
}
"#,
        )
        .unwrap();
        let deps = g.resource_deps(&Node::Resource(vec![], "aws_subnet.b".into()));
        assert_eq!(deps, vec![(vec![], "aws_vpc.a".to_string())]);
        let order = g.resource_order();
        let pos = |k: &str| order.iter().position(|(_, x)| x == k).unwrap();
        assert!(pos("aws_vpc.a") < pos("aws_subnet.b"));
    }

    #[test]
    fn cycle_names_every_member() {
        let err = build(
            r#"
resource "aws_vpc" "a" { cidr_block = aws_subnet.b.id }
resource "aws_subnet" "b" { vpc_id = aws_vpc.a.id }
"#,
        )
        .err()
        .unwrap();
        let d = err.detail.unwrap();
        assert!(d.contains("aws_vpc.a") && d.contains("aws_subnet.b"), "{d}");
    }

    #[test]
    fn undeclared_reference_has_location() {
        let err = build("resource \"aws_vpc\" \"a\" {\n  cidr_block = var.nope\n}\n")
            .err()
            .unwrap();
        assert!(err.summary.contains("undeclared input variable"));
        assert!(err.location.unwrap().ends_with("main.tf:2:16"));
    }
}
