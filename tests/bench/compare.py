#!/usr/bin/env python3
"""infractl and Terraform side by side on one blueprint, one machine, one emulator.

For each round it applies, no-change-plans and destroys the blueprint with infractl and with
Terraform (the installed `terraform` and AWS provider, offline; skipped with a message when
absent), alternating which tool goes first, after one untimed infractl run that starts the
emulator's service backends (moto starts each on first use). A counting proxy (localstack/proxy.py) sits between
each tool and the emulator, so every AWS API call is counted per phase. It prints the median
time of each phase, the ratio, the call counts side by side, the calls infractl made most, and
infractl's critical-path efficiency: the sum of step durations along the longest dependency
chain of the applied graph, divided by the wall time of the apply.

It prints figures and asserts nothing about time. Only loopback endpoints are used.

  tests/bench/compare.py [--plan network|fargate|foundation|DIR] [--rounds N] [--latency-ms MS]
                          [--release] [--trace] [--no-terraform] [--no-warm-up]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import trace_summary  # noqa: E402  (beside this file)
# Variables a plan needs so that destroy can finish on the emulator (as localstack/demo passes).
PLAN_VARS = {
    "foundation": ["-var", "force_destroy_buckets=true", "-var", "secret_recovery_window_days=0"],
    "circle-of-trust": [
        "-var", "s3_frontend_bucket=circle-of-trust-frontend-bench", "-var", "domain_name=circleoftrust.example.com",
        "-var", "force_destroy_buckets=true",
    ],
    "tap": [
        "-var", "domain_name=tap.example.com", "-var", "github_repository=example-org/tap",
        "-var", "force_destroy_buckets=true", "-var", "secret_recovery_window_days=0",
    ],
}
# Services our blueprints use, by the AWS provider's endpoint names.
TF_ENDPOINTS = [
    "acm", "apigateway", "applicationautoscaling", "cloudfront", "cloudwatch", "cognitoidp", "rds",
    "route53", "logs", "dynamodb", "ec2", "ecr", "ecs",
    "elbv2", "iam", "opensearchserverless", "s3", "secretsmanager", "sns", "ssm", "sts", "sqs",
    "lambda", "kms", "apigatewayv2", "servicediscovery",
]
PHASES = ["apply", "plan (no change)", "destroy"]


def http(url, method="GET", body=None):
    req = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


class Proxy:
    """The counting proxy, started for this run on its own port."""

    def __init__(self, port, upstream, latency_ms=0.0):
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "localstack/proxy.py"),
                "--listen",
                str(port),
                "--upstream",
                upstream,
                "--latency-ms",
                str(latency_ms),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                http(f"{self.url}/__proxy__/stats")
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the counting proxy did not start")

    def reset(self):
        http(f"{self.url}/__proxy__/reset", "POST", b"")

    def calls(self):
        return http(f"{self.url}/__proxy__/stats")["calls"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


NOTES = []


def run(cmd, cwd, env, ok=(0,)):
    """Runs a command; returns its wall time. Output is kept for failures. A plan that is not
    empty (exit code 2 with -detailed-exitcode) is timed and noted, not a failure."""
    start = time.monotonic()
    out = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - start
    if out.returncode == 2 and "-detailed-exitcode" in cmd:
        summary = [l for l in out.stdout.splitlines() if l.startswith("Plan:")]
        NOTES.append(f"{cmd[0]}'s plan right after its apply was not empty: {summary[-1] if summary else '?'}")
    elif out.returncode not in ok:
        tail = "\n".join(out.stdout.splitlines()[-40:])
        raise RuntimeError(f"{' '.join(cmd)} exited {out.returncode} in {cwd}:\n{tail}")
    return wall


def critical_path(times_file):
    """Longest chain of step durations through the DAG infractl ran (ms), and the window the
    steps ran in (ms)."""
    steps = json.loads(Path(times_file).read_text())
    best = [0.0] * len(steps)
    order = sorted(range(len(steps)), key=lambda i: steps[i]["end_ms"] or 0)
    for i in order:
        s = steps[i]
        own = (s["end_ms"] - s["start_ms"]) if s["start_ms"] is not None else 0.0
        best[i] = own + max((best[d] for d in s["deps"]), default=0.0)
    ran = [s for s in steps if s["start_ms"] is not None]
    window = max((s["end_ms"] for s in ran), default=0) - min((s["start_ms"] for s in ran), default=0)
    return max(best, default=0.0), window


def infractl_round(binary, plan_dir, variables, env, proxy, work, trace=False):
    stack = Path(tempfile.mkdtemp(dir=work, prefix="infractl-"))
    shutil.copytree(plan_dir, stack, dirs_exist_ok=True)
    times = stack / "step-times.json"
    env = dict(env, INFRACTL_STEP_TIMES=str(times))
    base = [binary, f"-chdir={stack}"]
    result = {"trace": {}}

    def timed(phase, args):
        traced = [f"-trace={stack / (phase.split()[0] + '.trace.json')}"] if trace else []
        proxy.reset()
        wall = run(base + args + traced + variables, stack, env)
        result[phase] = (wall, proxy.calls())
        if trace:
            result["trace"][phase] = (trace_summary.summarise(stack / (phase.split()[0] + ".trace.json")), wall)

    timed("apply", ["apply", "-auto-approve"])
    result["critical"] = critical_path(times)
    timed("plan (no change)", ["plan", "-detailed-exitcode"])
    timed("destroy", ["destroy", "-auto-approve"])
    return result


def terraform_round(plan_dir, variables, env, proxy, work, tfrc):
    stack = Path(tempfile.mkdtemp(dir=work, prefix="terraform-"))
    shutil.copytree(plan_dir, stack, dirs_exist_ok=True)
    endpoints = "\n".join(f'    {e} = "{proxy.url}"' for e in TF_ENDPOINTS)
    (stack / "zz_bench_override.tf").write_text(
        f"""provider "aws" {{
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""
    )
    env = dict(env, TF_CLI_CONFIG_FILE=str(tfrc), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    run(["terraform", "init", "-input=false", "-no-color"], stack, env)
    result = {}
    proxy.reset()
    result["apply"] = (
        run(["terraform", "apply", "-auto-approve", "-input=false", "-no-color", *variables], stack, env),
        proxy.calls(),
    )
    proxy.reset()
    result["plan (no change)"] = (
        run(["terraform", "plan", "-detailed-exitcode", "-input=false", "-no-color", *variables], stack, env),
        proxy.calls(),
    )
    proxy.reset()
    result["destroy"] = (
        run(["terraform", "destroy", "-auto-approve", "-input=false", "-no-color", *variables], stack, env),
        proxy.calls(),
    )
    return result


def terraform_config(work):
    """A CLI config pointing `terraform init` at the machine's provider mirror (offline)."""
    if not shutil.which("terraform"):
        return None, "terraform is not installed"
    mirror = None
    for root in ["/opt", "/usr/share", "/usr/local/share", str(Path.home())]:
        for p in Path(root).glob("**/registry.terraform.io/hashicorp/aws"):
            mirror = p.parents[2]
            break
        if mirror:
            break
    if not mirror:
        return None, "no local mirror of the AWS provider was found (terraform init needs one offline)"
    tfrc = Path(work) / "terraformrc"
    tfrc.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    return tfrc, None


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", default="network", help="a folder under plans/, or a path")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-terraform", action="store_true")
    ap.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="delay the proxy adds to every call, to model AWS's round trip (the emulator answers in ms)",
    )
    ap.add_argument(
        "--trace",
        action="store_true",
        help="run infractl with -trace and print where its time went outside AWS calls (last round)",
    )
    ap.add_argument(
        "--release",
        action="store_true",
        help="build and run infractl's release build (what `cargo install` gives users); the default is the debug build",
    )
    ap.add_argument(
        "--no-warm-up",
        action="store_true",
        help="skip the untimed infractl apply, plan and destroy run before the measured rounds",
    )
    ap.add_argument("--proxy-port", type=int, default=int(os.environ.get("INFRACTL_EMULATOR_PORT", 4566)) + 100)
    a = ap.parse_args()

    plan_dir = Path(a.plan) if Path(a.plan).is_dir() else REPO / "plans" / a.plan
    if not plan_dir.is_dir():
        raise SystemExit(f"no blueprint folder {a.plan}")
    variables = PLAN_VARS.get(plan_dir.name, [])
    port = os.environ.get("INFRACTL_EMULATOR_PORT", "4566")
    upstream = f"http://127.0.0.1:{port}"
    subprocess.run([str(REPO / "localstack/start")], check=True, env=dict(os.environ, INFRACTL_EMULATOR_PORT=port))
    # INFRACTL_BENCH_BINARY names a binary already built (with other build settings, say);
    # otherwise the debug (or, with --release, the release) build is made here.
    binary = os.environ.get("INFRACTL_BENCH_BINARY")
    profile = "release" if a.release else "debug"
    build = f"infractl {profile} build"
    if binary:
        build = f"infractl binary {binary}"
    else:
        subprocess.run(["cargo", "build", "--quiet", "--bin", "infractl"] + (["--release"] if a.release else []), cwd=REPO, check=True)
        binary = str(REPO / "target" / profile / "infractl")

    work = tempfile.mkdtemp(prefix="infractl-bench-")
    tfrc, why_not = (None, "--no-terraform given") if a.no_terraform else terraform_config(work)
    proxy = Proxy(a.proxy_port, upstream, a.latency_ms)
    env = dict(
        os.environ,
        AWS_ENDPOINT_URL=proxy.url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
    )
    tools = ["infractl"] + (["terraform"] if tfrc else [])
    results = {t: [] for t in tools}
    try:
        # moto starts each service's backend on its first call (EC2's takes most of a second):
        # without a warm-up, whichever tool runs first would pay for it.
        if not a.no_warm_up:
            print("warm-up: one untimed infractl apply, plan and destroy ...", flush=True)
            infractl_round(binary, plan_dir, variables, env, proxy, work)
        for r in range(a.rounds):
            order = tools if r % 2 == 0 else list(reversed(tools))
            for tool in order:
                print(f"round {r + 1}/{a.rounds}: {tool} ...", flush=True)
                if tool == "infractl":
                    results[tool].append(infractl_round(binary, plan_dir, variables, env, proxy, work, a.trace))
                else:
                    results[tool].append(terraform_round(plan_dir, variables, env, proxy, work, tfrc))
    finally:
        proxy.stop()
        shutil.rmtree(work, ignore_errors=True)

    report(plan_dir, a.rounds, results, why_not, a.latency_ms, build)


def report(plan_dir, rounds, results, why_not, latency_ms, build):
    machine = f"{os.cpu_count()} cores"
    delay = f", {latency_ms:g} ms added per call" if latency_ms else ""
    print()
    print(
        f"== {plan_dir.name}: {rounds} round(s), moto emulator behind a counting proxy{delay}, "
        f"{machine}, {build}"
    )
    if why_not:
        print(f"   Terraform skipped: {why_not}")
    head = f"{'phase':<18} {'infractl s':>11} {'terraform s':>12} {'ratio':>7} {'share':>6} {'infractl calls':>15} {'terraform calls':>16}"
    print(head)
    for phase in PHASES:
        t_i = median([r[phase][0] for r in results["infractl"]])
        c_i = median([sum(r[phase][1].values()) for r in results["infractl"]])
        if "terraform" in results:
            t_t = median([r[phase][0] for r in results["terraform"]])
            c_t = median([sum(r[phase][1].values()) for r in results["terraform"]])
            print(f"{phase:<18} {t_i:>11.2f} {t_t:>12.2f} {t_t / t_i:>6.1f}x {t_i / t_t:>6.3f} {c_i:>15.0f} {c_t:>16.0f}")
        else:
            print(f"{phase:<18} {t_i:>11.2f} {'-':>12} {'-':>7} {'-':>6} {c_i:>15.0f} {'-':>16}")
    crit = [r["critical"][0] / 1e3 for r in results["infractl"]]
    walls = [r["apply"][0] for r in results["infractl"]]
    windows = [r["critical"][1] / 1e3 for r in results["infractl"]]
    print(
        f"infractl critical-path efficiency (apply): {median(crit):.2f} s on the longest chain / "
        f"{median(walls):.2f} s apply wall = {median(crit) / median(walls):.2f} "
        f"(steps ran in a {median(windows):.2f} s window)"
    )
    print(
        "ratio = terraform time / infractl time (above 1: infractl is faster); share = infractl time / "
        "terraform time (issue 18's goal: at most 0.05). Calls: medians per phase."
    )
    for phase, (summary, wall) in results["infractl"][-1]["trace"].items():
        trace_summary.report(f"infractl {phase} (last round)", summary, wall)
    for note in sorted(set(NOTES)):
        print(f"note: {note}")
    for phase in PHASES:
        print(f"-- calls per API, {phase} (last round): infractl | terraform")
        mine = results["infractl"][-1][phase][1]
        theirs = results["terraform"][-1][phase][1] if "terraform" in results else {}
        names = sorted(set(mine) | set(theirs), key=lambda n: -(mine.get(n, 0) + theirs.get(n, 0)))
        for n in names[:15]:
            print(f"   {n:<52} {mine.get(n, 0):>6} | {theirs.get(n, 0):>6}")
        if len(names) > 15:
            rest_i = sum(mine.get(n, 0) for n in names[15:])
            rest_t = sum(theirs.get(n, 0) for n in names[15:])
            print(f"   {f'({len(names) - 15} more APIs)':<52} {rest_i:>6} | {rest_t:>6}")


if __name__ == "__main__":
    main()
