#!/usr/bin/env python3
"""A picture of one run, from the file `infractl <command> -trace=FILE` writes: one row per track
(the command's phases, then each resource step or refresh read in the order it started), the
span of each row as a light bar and the AWS calls made under it as dark bars on top, on one
time axis. For the README; Perfetto shows the same file interactively.

Usage: trace_svg.py TRACE.json OUT.svg [TITLE]
"""
import json
import sys
from html import escape

# tracing-chrome's async ids put a span's depth in the bits above these and its root span's id
# below, so every span of one step shares the root's track.
TRACK_BITS = (1 << 51) - 1
ROW, LABEL, WIDTH = 9, 330, 1100


ROOTS = {"step", "read"}


def rows_of(events):
    """One row per phase and per step or refresh read, in the order they started: [(label,
    [(name, start_ms, end_ms)])], each row's own span first, then the calls made under it.
    Span ids are reused once a span closes, so a call belongs to the root span of its track
    that was open when it started."""
    opened, spans = {}, []
    for e in events:
        if e.get("ph") == "b":
            opened[(e["id"], e["name"])] = e
        elif e.get("ph") == "e":
            b = opened.pop((e["id"], e["name"]), None)
            if b:
                spans.append((b["name"], b["ts"] / 1000, e["ts"] / 1000, b.get("args", {}), b["id"] & TRACK_BITS))
    roots = [s for s in spans if s[0] in ROOTS or s[4] == 1 and not is_call(s[0]) and s[0] != "try_attempt"]
    rows = {id(r): (r, [r]) for r in roots}
    for s in spans:
        if not is_call(s[0]):
            continue
        owner = next((r for r in roots if r[4] == s[4] and r[0] in ROOTS and r[1] <= s[1] <= r[2]), None)
        if owner:
            rows[id(owner)][1].append(s)
    out = []
    for root, members in sorted(rows.values(), key=lambda rm: rm[0][1]):
        if root[0] in ROOTS:
            name = f"{root[3].get('address', '?')}" + (f" ({root[3]['action']})" if "action" in root[3] else "")
        else:
            name = f"phase: {root[0]}"
        out.append((name, [(n, a, b) for n, a, b, *_ in members]))
    return out


def is_call(name):
    return "." in name and name[:1].isupper()


def main():
    src, dst = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else src
    rows = rows_of(json.load(open(src)))
    t0 = min(spans[0][1] for _, spans in rows)
    t1 = max(max(e for _, _, e in spans) for _, spans in rows)
    scale = (WIDTH - LABEL - 10) / max(t1 - t0, 1)
    x = lambda t: LABEL + (t - t0) * scale  # noqa: E731
    height = 40 + ROW * len(rows) + 30
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="monospace" font-size="7">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="4" y="14" font-size="11">{escape(title)}</text>',
        '<text x="4" y="28" font-size="8">light: each phase, resource step and read; dark: the AWS calls it made</text>',
    ]
    for second in range(int((t1 - t0) / 1000) + 1):
        gx = x(t0 + second * 1000)
        svg.append(f'<line x1="{gx:.1f}" y1="34" x2="{gx:.1f}" y2="{height - 24}" stroke="#ddd"/>')
        svg.append(f'<text x="{gx:.1f}" y="{height - 12}" font-size="8">{second}s</text>')
    for i, (name_of_row, spans) in enumerate(rows):
        y = 36 + i * ROW
        svg.append(f'<text x="4" y="{y + 7}">{escape(name_of_row[:72])}</text>')
        for name, s, e in spans:
            color = "#1f5fa8" if is_call(name) else "#a9c6ea"
            h = ROW - 3 if is_call(name) else ROW - 1
            svg.append(
                f'<rect x="{x(s):.1f}" y="{y + (ROW - 1 - h) / 2:.1f}" width="{max((e - s) * scale, 0.6):.1f}" '
                f'height="{h}" fill="{color}"><title>{escape(name)} {e - s:.0f} ms</title></rect>'
            )
    svg.append("</svg>")
    open(dst, "w").write("\n".join(svg))


if __name__ == "__main__":
    main()
