"""A Terraform module registry on 127.0.0.1 that serves modules from local git repositories
(every release tag is a version), so `infractl init` and `terraform init` install registry
modules with no internet. Measurement tooling for tests/modules/validate_examples.sh.

Usage: registry.py PORT MIRRORS, where MIRRORS holds one bare or normal git repository per module
at MIRRORS/<namespace>+terraform-<provider>-<name>/repo (or .../<name>.git):
terraform-aws-modules/vpc/aws is MIRRORS/terraform-aws-modules+terraform-aws-vpc/repo."""
import http.server, json, os, re, subprocess, sys
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 18080
MIRROR = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("INFRACTL_MODULE_MIRRORS", "")

def repo_for(ns, name, provider):
    base = os.path.join(MIRROR, f"{ns}+terraform-{provider}-{name}")
    for d in (os.path.join(base, "repo"), base + ".git", base):
        if os.path.isdir(d):
            return d
    return None

def tags(repo):
    out = subprocess.run(["git", "--git-dir", repo, "tag"], capture_output=True, text=True).stdout.split()
    return [t for t in out if re.fullmatch(r"v?\d+\.\d+\.\d+", t)]

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body=b"", ctype="application/json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        p = self.path.split("?")[0]
        if p == "/.well-known/terraform.json":
            return self.send(200, json.dumps({"modules.v1": f"http://127.0.0.1:{PORT}/v1/modules/"}).encode())
        m = re.fullmatch(r"/v1/modules/([^/]+)/([^/]+)/([^/]+)/versions", p)
        if m:
            repo = repo_for(*m.groups())
            if not repo: return self.send(404, b'{"errors":["not found"]}')
            vs = [{"version": t.lstrip("v")} for t in tags(repo)]
            return self.send(200, json.dumps({"modules": [{"versions": vs}]}).encode())
        m = re.fullmatch(r"/v1/modules/([^/]+)/([^/]+)/([^/]+)/([^/]+)/download", p)
        if m:
            ns, name, prov, ver = m.groups()
            return self.send(204, headers=[("X-Terraform-Get", f"http://127.0.0.1:{PORT}/archive/{ns}/{name}/{prov}/{ver}.tar.gz")])
        m = re.fullmatch(r"/archive/([^/]+)/([^/]+)/([^/]+)/([^/]+)\.tar\.gz", p)
        if m:
            ns, name, prov, ver = m.groups()
            repo = repo_for(ns, name, prov)
            tag = next((t for t in tags(repo) if t.lstrip("v") == ver), None)
            files = subprocess.run(["git", "--git-dir", repo, "ls-tree", "-r", "--name-only", tag], capture_output=True, text=True).stdout.split("\n")
            # Large binaries may be absent from a partial mirror; modules never need them to load.
            files = [f for f in files if f and not re.search(r"\.(zip|jar)$", f)]
            data = subprocess.run(["git", "--git-dir", repo, "archive", "--format=tar.gz", tag, "--"] + files, capture_output=True).stdout
            return self.send(200, data, "application/gzip")
        self.send(404, b"{}")

http.server.ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
