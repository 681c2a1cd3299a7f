#!/usr/bin/env python3
"""Where a run's time goes, from the file `infractl <command> -trace=FILE` writes.

Prints the phases of the command that are not AWS work (loading the blueprint, opening the
backend, locking, reading state, planning, rendering, state writes, unlocking), the refresh and
apply phases, and the AWS calls: how many, their summed time, and how many needed more than one
attempt. `compare.py --trace` uses `summarise` for each of its runs.

Usage: trace_summary.py TRACE.json [WALL_SECONDS]
"""
import json
import sys
from collections import Counter, defaultdict

# Phases a command goes through, in order (spans named by src/cli/run.rs).
PHASES = ["load", "backend", "lock", "providers", "read_state", "refresh", "read ahead", "plan", "render", "apply", "unlock"]
STATE_WRITES = {"state_write", "journal_append"}


def spans(events):
    """(name, id, start_us, end_us, args) of every span, pairing begin and end events."""
    open_spans = defaultdict(list)
    out = []
    for e in events:
        key = (e.get("name"), e.get("id"))
        if e.get("ph") == "b":
            open_spans[key].append(e)
        elif e.get("ph") == "e" and open_spans[key]:
            b = open_spans[key].pop()
            out.append((key[0], key[1], b["ts"], e["ts"], b.get("args", {})))
    return out


def summarise(path):
    """Seconds per phase, state writes, AWS calls (count, summed seconds, retried), and the
    span of the whole trace."""
    all_spans = spans(json.loads(open(path).read()))
    if not all_spans:
        return {"traced": 0.0, "phases": {}, "state_writes": (0, 0.0), "calls": (0, 0.0, 0), "ops": Counter()}
    phases = defaultdict(float)
    writes = [0, 0.0]
    calls = [0, 0.0]
    ops = Counter()
    attempts = Counter()
    for name, ident, start, end, args in all_spans:
        secs = (end - start) / 1e6
        if name in PHASES:
            phases[name] += secs
        elif name in STATE_WRITES:
            writes[0] += 1
            writes[1] += secs
        elif "rpc.method" in args:
            calls[0] += 1
            calls[1] += secs
            ops[name] += 1
        elif name == "try_attempt":
            attempts[(ident, start)] = int(str(args.get("attempt", "1")).strip('"') or 1)
    retried = sum(1 for a in attempts.values() if a > 1)
    traced = (max(s[3] for s in all_spans) - min(s[2] for s in all_spans)) / 1e6
    return {
        "traced": traced,
        "phases": dict(phases),
        "state_writes": tuple(writes),
        "calls": (calls[0], calls[1], retried),
        "ops": ops,
    }


def report(label, summary, wall=None):
    """Prints one run's summary; `wall` (seconds, measured outside) adds process start and exit."""
    p = summary["phases"]
    off_path = {k: v for k, v in p.items() if k not in ("refresh", "read ahead", "apply")}
    print(f"-- {label}: where the time went (s)")
    if wall is not None:
        print(f"   {'process start/exit':<22} {max(wall - summary['traced'], 0.0):>8.3f}")
    for k in PHASES:
        if k in p:
            print(f"   {k:<22} {p[k]:>8.3f}")
    n, w = summary["state_writes"]
    print(f"   {'state writes (' + str(n) + ')':<22} {w:>8.3f}   (inside apply)")
    c, t, r = summary["calls"]
    print(f"   AWS calls: {c}, summed {t:.3f} s, {r} attempts after the first")
    print(f"   not AWS work: {sum(off_path.values()):.3f} s in phases other than refresh and apply")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    report(sys.argv[1], summarise(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else None)
