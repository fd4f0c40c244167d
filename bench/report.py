#!/usr/bin/env python3
"""Turns bench/run.sh's raw results into the "## Gateway" section of docs/benchmarks.md.

Only that section is rewritten: everything before the "## Gateway" heading and from the next
"## " heading on (another harness's section, e.g. "## Ledger") is kept as it is.
"""
import argparse
import json
import os
import re
import statistics
import tempfile

TARGETS = ["direct", "pb", "nginx", "peer"]
NAMES = {"direct": "direct", "pb": "Patchbay", "nginx": "nginx", "peer": "Portkey"}


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def wrk(rows, case, target):
    """One target's runs of a case, pooled: requests/s and CPU over all of them, latency percentiles
    as the median of the runs' (case 5 repeats its runs; the other cases run once)."""
    runs = [r for r in rows if r.get("kind") == "wrk" and r.get("case") == case and r.get("target") == target]
    if not runs:
        return None
    out = dict(runs[0])
    requests = sum(r["requests"] for r in runs)
    secs = sum(r["duration_us"] for r in runs) / 1e6
    tick_hz = runs[0]["tick_hz"]
    out["runs"] = len(runs)
    out["requests"] = requests
    out["rps"] = requests / secs if secs > 0 else 0
    out["cpu_us"] = sum(r["cpu_ticks"] for r in runs) / tick_hz * 1e6 / requests if requests else None
    out["ledger_us"] = sum(r["ledger_ticks"] for r in runs) / tick_hz * 1e6 / requests if requests else None
    out["errors"] = sum(r[k] for r in runs for k in r if k.startswith("errors_"))
    for k in ("p50_us", "p90_us", "p99_us", "mean_us"):
        if all(k in r for r in runs):
            out[k] = statistics.median(r[k] for r in runs)
    return out


def find(rows, kind, target, case=None):
    for r in rows:
        if r.get("kind") == kind and r.get("target") == target and (case is None or r.get("case") == case):
            return r
    return None


def ms(us):
    return "—" if us is None else f"{us / 1000:.3f}"


def num(v, digits=0):
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b <= 0 or a < 0:
        return "—"
    return f"{a / b:.2f}×"


def mb(kb):
    return "—" if kb is None else f"{kb / 1024:.1f}"


def verdict(value, limit, unit, lower_is_better=True, added=False):
    if value is None:
        return "not measured"
    ok = value <= limit if lower_is_better else value >= limit
    if ok and added and value < 0:
        return "**met** (below direct's own figure: noise; rerun on a quiet machine)"
    if ok:
        return "**met**"
    if lower_is_better:
        return f"**missed** by {value - limit:.3g} {unit} ({(value / limit - 1) * 100:.0f}% over)"
    return f"**missed** by {limit - value:.3g} {unit} ({(1 - value / limit) * 100:.0f}% short)"


def gui_figures(rows):
    """The desktop program's idle memory (bench/guimemory.sh): rows for the case 4 table, a paragraph
    on how it was measured, and the target's row."""
    idle = find(rows, "gui_idle", "gui")
    pages = sorted((r for r in rows if r.get("kind") == "gui_page"), key=lambda r: r["order"])
    after = find(rows, "gui_after_pages", "gui")

    def only_pb(name, cell):
        return f"| {name} | — | {cell} | — | — | | |"

    if idle is None:
        if find(rows, "gui_skipped", "gui"):
            why = "skipped (`--no-gui`)"
        elif find(rows, "gui_error", "gui"):
            why = f"failed (guimemory.sh exit {find(rows, 'gui_error', 'gui')['exit']}; see the run's log)"
        else:
            why = "not measured"
        return {"rows": [only_pb("**4** idle GUI (`patchbay`) RSS MB", why)], "text": "",
                "target": f"| idle GUI < 120 MB | {why} | not measured |"}

    out = [
        only_pb(f"**4** idle GUI (`patchbay`) RSS MB, median of {idle['sample_s']} s (max)",
                f"{mb(idle['rss_median_kb'])} ({mb(idle['rss_max_kb'])})"),
        only_pb("**4** idle GUI PSS MB, median (shared libraries split among their users)", mb(idle["pss_median_kb"])),
    ]
    if after:
        out.append(only_pb("**4** GUI RSS MB after opening each page once, idle again", mb(after["rss_median_kb"])))
    cpu_ms = idle["cpu_ticks"] / idle["tick_hz"] * 1000
    text = (f"GUI: `patchbay` {idle.get('version', '')} on a private Xvfb display (1280×800, no window manager, so no tray icon either) in a "
            "D-Bus session of its own with an unlocked gnome-keyring (as on a desktop, where the workbench keeps its "
            "access token in the keychain), its gateway serving the stub on 127.0.0.1, a fresh config and data "
            f"folder (empty ledger). The window showed {idle['shown_after_s']:.2f} s after start; after {idle['idle_s']} s "
            f"idle, VmRSS (/proc/PID/status) and PSS (/proc/PID/smaps_rollup) were sampled every 0.25 s for "
            f"{idle['sample_s']} s ({idle['samples']} samples; {idle['threads']} threads; CPU in those seconds "
            f"{cpu_ms:.0f} ms; private memory (USS) {mb(idle['uss_median_kb'])} MB). PSS splits shared pages among the processes "
            "mapping them, so it also depends on what else runs (here the `patchbayd` instances share Qt's libraries).")
    if pages:
        steps = ", ".join(f"{p['page']} {mb(p['rss_median_kb'])}" + ("" if p.get("shown") else " (page change not seen)")
                          for p in pages)
        text += f" RSS MB after opening each page once with Ctrl+1…6, in this order: {steps}."
    target = (f"| idle GUI < 120 MB | {mb(idle['rss_median_kb'])} MB RSS (median; largest sample "
              f"{mb(idle['rss_max_kb'])} MB; PSS {mb(idle['pss_median_kb'])} MB) | "
              f"{verdict(idle['rss_max_kb'] / 1024, 120, 'MB')} |")
    return {"rows": out, "text": text, "target": target}


def section(rows, meta, args):
    L = []
    label = "quick run (`--quick`)" if args.mode == "quick" else "full run"
    L.append("## Gateway")
    L.append("")
    L.append("Written by `bench/run.sh` (see `bench/README.md`); each run replaces this section. "
             "direct = wrk or the stream client straight to the stub provider; every other column adds one hop. "
             "Added latency and added time to first chunk (TTFC) are that column's figure minus direct's.")
    L.append("")
    L.append(f"### {meta.get('date', '?')} — {label}")
    L.append("")
    if args.note:
        L.append(f"> **{args.note}**")
        L.append("")
    L.append(f"- Command: `{args.command}`")
    L.append(f"- Machine: {meta.get('cpu', '?')}, Linux {meta.get('kernel', '?')}; load average "
             f"{meta.get('load_before', '?')} before, {meta.get('load_after', '?')} after")
    L.append(f"- Versions: Patchbay {meta.get('patchbay', '?')}; nginx {meta.get('nginx', '?')} (1 worker, upstream "
             f"keep-alive, proxy_buffering off); wrk {meta.get('wrk', '?')} (1 thread); Node {meta.get('node', '?')}; "
             f"{meta.get('portkey', '?')}")
    if meta.get("gui"):
        L.append(f"- GUI: `patchbay` from {meta['gui']}; Xvfb {meta.get('xvfb', '?')}")
    L.append(f"- Durations: {meta.get('durations', '?')}")
    L.append("")

    c1 = {t: wrk(rows, "c1", t) for t in TARGETS}
    c16 = {t: wrk(rows, "c16", t) for t in TARGETS}
    c64 = {t: wrk(rows, "c64", t) for t in TARGETS}
    s1 = {t: find(rows, "stream", t, "s1") for t in TARGETS}
    s16 = {t: find(rows, "stream", t, "s16") for t in TARGETS}
    hold = {t: find(rows, "hold", t) for t in TARGETS}
    idle = {t: find(rows, "idle", t) for t in TARGETS}

    def g(d, t, key):
        return None if d.get(t) is None else d[t].get(key)

    def added(d, t, key):
        a, b = g(d, t, key), g(d, "direct", key)
        return None if a is None or b is None else a - b

    table = []

    def row(name, values, fmt, ratios=True):
        cells = [fmt(values.get(t)) for t in TARGETS]
        if ratios:
            cells += [ratio(values.get("pb"), values.get("nginx")), ratio(values.get("pb"), values.get("peer"))]
        else:
            cells += ["", ""]
        table.append(f"| {name} | " + " | ".join(cells) + " |")

    table.append("| measure | direct | Patchbay | nginx | Portkey | Patchbay ÷ nginx | Patchbay ÷ Portkey |")
    table.append("|---|---:|---:|---:|---:|---:|---:|")
    row("**1** plain, 1 conn: p50 ms", {t: g(c1, t, "p50_us") for t in TARGETS}, ms)
    row("**1** plain, 1 conn: p99 ms", {t: g(c1, t, "p99_us") for t in TARGETS}, ms)
    row("**1** added p50 ms", {t: added(c1, t, "p50_us") for t in TARGETS if t != "direct"}, ms)
    row("**1** added p99 ms", {t: added(c1, t, "p99_us") for t in TARGETS if t != "direct"}, ms)
    for conns, d in (("16", c16), ("64", c64)):
        row(f"**2** plain, {conns} conns: requests/s", {t: g(d, t, "rps") for t in TARGETS}, num)
        row(f"**2** plain, {conns} conns: p50 ms", {t: g(d, t, "p50_us") for t in TARGETS}, ms)
        row(f"**2** plain, {conns} conns: p99 ms", {t: g(d, t, "p99_us") for t in TARGETS}, ms)
        row(f"**2** plain, {conns} conns: CPU µs per request", {t: g(d, t, "cpu_us") for t in TARGETS},
            lambda v: num(v, 1))
    row("**3** stream, 1 conn: TTFC p50 ms", {t: g(s1, t, "ttfc_p50_us") for t in TARGETS}, ms)
    row("**3** stream, 1 conn: added TTFC p50 ms", {t: added(s1, t, "ttfc_p50_us") for t in TARGETS if t != "direct"}, ms)
    row("**3** stream, 16 conns: streams/s", {t: g(s16, t, "rps") for t in TARGETS}, num)
    row("**3** stream, 16 conns: TTFC p50 ms", {t: g(s16, t, "ttfc_p50_us") for t in TARGETS}, ms)
    row("**3** stream, 16 conns: TTFC p99 ms", {t: g(s16, t, "ttfc_p99_us") for t in TARGETS}, ms)
    row("**3** stream, 16 conns: added TTFC p50 ms", {t: added(s16, t, "ttfc_p50_us") for t in TARGETS if t != "direct"}, ms)
    row("**3** stream, 16 conns: whole stream p50 ms", {t: g(s16, t, "total_p50_us") for t in TARGETS}, ms)
    row("**4** idle RSS MB (after start)", {t: g(idle, t, "rss_kb") for t in TARGETS if t != "direct"}, mb)
    nstreams = next((h["connections"] for h in hold.values() if h), 1000)
    row(f"**4** RSS MB with {nstreams} open streams (peak)", {t: g(hold, t, "rss_peak_kb") for t in TARGETS if t != "direct"}, mb)
    row(f"**4** streams completed of {nstreams}", {t: g(hold, t, "streams") for t in TARGETS if t != "direct"},
        lambda v: num(v), ratios=False)
    row("**4** seconds until all were streaming", {t: g(hold, t, "all_streaming_after_s") for t in TARGETS if t != "direct"},
        lambda v: "—" if v is None else ("never" if v < 0 else f"{v:.2f}"), ratios=False)
    row("**4** listen-queue overflows while opening them", {t: g(hold, t, "listen_overflows") for t in TARGETS if t != "direct"},
        lambda v: num(v), ratios=False)
    gui = gui_figures(rows)
    table.extend(gui["rows"])
    L.append("#### Cases 1–4")
    L.append("")
    L.extend(table)
    L.append("")
    if gui["text"]:
        L.append(gui["text"])
        L.append("")
    errors = []
    for case, d in (("case 1", c1), ("case 2 (16)", c16), ("case 2 (64)", c64)):
        for t in TARGETS:
            if d.get(t) and d[t]["errors"]:
                errors.append(f"{NAMES[t]} {case}: {d[t]['errors']} failed requests")
    for case, d in (("case 3 (1)", s1), ("case 3 (16)", s16), ("case 4", hold)):
        for t in TARGETS:
            if d.get(t) and (d[t].get("errors") or d[t].get("connect_errors")):
                statuses = ", ".join(f"{n}× {'no answer' if k == '0' else 'HTTP ' + k}"
                                     for k, n in sorted(d[t].get("error_statuses", {}).items()))
                errors.append(f"{NAMES[t]} {case}: {d[t].get('errors', 0)} failed streams"
                              f"{' (' + statuses + ')' if statuses else ''}, "
                              f"{d[t].get('connect_errors', 0)} failed connects")
    if errors:
        L.append("Failures during the run: " + "; ".join(errors) + ".")
    else:
        L.append("No request or stream failed in this run.")
    L.append("")

    # Case 5: the same plain load against patchbayd with its ledger on tmpfs, on disk, and already full.
    l = {(c, t): wrk(rows, f"l{c}", t) for c in (16, 64) for t in ("ltmp", "ldisk", "pb")}
    rows_before = (find(rows, "ledger_rows_before", "pb") or {}).get("rows")
    L.append("#### Case 5: ledger cost")
    L.append("")
    L.append("patchbayd always records every request (the ledger has no off switch), so case 5 runs the plain load of "
             "case 2 against three instances: two fresh ones that served nothing before, with the ledger database on "
             "tmpfs and on the disk, and the instance of cases 1–4, whose ledger (on tmpfs) already holds "
             f"{num(rows_before) if rows_before is not None else 'the'} rows from cases 1–3. CPU is the whole process; "
             "the ledger thread's share is read from /proc/<pid>/task/<tid>/stat for the thread named \"ledger\". "
             f"The two fresh instances take turns, {(l[(16, 'ltmp')] or {}).get('runs', 1)} runs each (AB BA AB): "
             "requests/s and CPU are over all of them, p99 is the median of the runs'. "
             "Rows recorded are counted in each database after its patchbayd stopped.")
    L.append("")
    L.append("| measure | fresh, tmpfs | fresh, disk | disk ÷ tmpfs | cases 1–4 instance, tmpfs |")
    L.append("|---|---:|---:|---:|---:|")
    for c in (16, 64):
        a, b, m = l[(c, "ltmp")], l[(c, "ldisk")], l[(c, "pb")]
        ga = lambda k: None if a is None else a.get(k)
        gb = lambda k: None if b is None else b.get(k)
        gm = lambda k: None if m is None else m.get(k)
        L.append(f"| {c} conns: requests/s | {num(ga('rps'))} | {num(gb('rps'))} | {ratio(gb('rps'), ga('rps'))} | {num(gm('rps'))} |")
        L.append(f"| {c} conns: p99 ms | {ms(ga('p99_us'))} | {ms(gb('p99_us'))} | {ratio(gb('p99_us'), ga('p99_us'))} | {ms(gm('p99_us'))} |")
        L.append(f"| {c} conns: CPU µs per request, whole process | {num(ga('cpu_us'), 1)} | {num(gb('cpu_us'), 1)} | "
                 f"{ratio(gb('cpu_us'), ga('cpu_us'))} | {num(gm('cpu_us'), 1)} |")
        L.append(f"| {c} conns: of which the ledger thread | {num(ga('ledger_us'), 1)} | {num(gb('ledger_us'), 1)} | "
                 f"{ratio(gb('ledger_us'), ga('ledger_us'))} | {num(gm('ledger_us'), 1)} |")

    def answered(target):
        return sum(r["requests"] for r in rows if r.get("target") == target and r.get("kind") in ("wrk", "warm"))

    counted = {t: (find(rows, "ledger_rows", t) or {}).get("rows") for t in ("ltmp", "ldisk")}
    if all(v is not None for v in counted.values()):
        L.append(f"| rows recorded / answers wrk counted | {num(counted['ltmp'])} / {num(answered('ltmp'))} | "
                 f"{num(counted['ldisk'])} / {num(answered('ldisk'))} | | |")
    L.append("")

    # Targets from issue 8.
    T = []
    T.append("| target (issue 8) | figure in this run | verdict |")
    T.append("|---|---|---|")
    for conns, d in (("16", c16), ("64", c64)):
        pb, ng = g(d, "pb", "cpu_us"), g(d, "nginx", "cpu_us")
        r = None if pb is None or not ng else pb / ng
        T.append(f"| CPU per plain request ≤ 2× nginx's ({conns} conns) | {num(pb, 1)} µs vs {num(ng, 1)} µs = "
                 f"{'—' if r is None else f'{r:.2f}×'} | {verdict(r, 2.0, '×')} |")
    pb, pk = g(c16, "pb", "rps"), g(c16, "peer", "rps")
    r = None if pb is None or not pk else pb / pk
    T.append(f"| throughput ≥ 10× Portkey's at 16 conns | {num(pb)} vs {num(pk)} req/s = "
             f"{'—' if r is None else f'{r:.1f}×'} | {verdict(r, 10.0, '×', lower_is_better=False)} |")
    a50, a99 = added(c1, "pb", "p50_us"), added(c1, "pb", "p99_us")
    T.append(f"| added latency p50 ≤ 0.15 ms (1 conn) | {ms(a50)} ms | {verdict(None if a50 is None else a50 / 1000, 0.15, 'ms', added=True)} |")
    T.append(f"| added latency p99 ≤ 1 ms (1 conn) | {ms(a99)} ms | {verdict(None if a99 is None else a99 / 1000, 1.0, 'ms', added=True)} |")
    t1, t16 = added(s1, "pb", "ttfc_p50_us"), added(s16, "pb", "ttfc_p50_us")
    T.append(f"| added TTFC ≤ 1 ms (p50, 1 conn) | {ms(t1)} ms | {verdict(None if t1 is None else t1 / 1000, 1.0, 'ms', added=True)} |")
    T.append(f"| added TTFC ≤ 1 ms (p50, 16 conns) | {ms(t16)} ms | {verdict(None if t16 is None else t16 / 1000, 1.0, 'ms', added=True)} |")
    peak = g(hold, "pb", "rss_peak_kb")
    done = g(hold, "pb", "streams")
    T.append(f"| {nstreams} concurrent streams < 150 MB resident | {mb(peak)} MB ({num(done)} streams completed) | "
             f"{verdict(None if peak is None else peak / 1024, 150, 'MB')} |")
    idle_pb = g(idle, "pb", "rss_kb")
    T.append(f"| idle patchbayd < 30 MB | {mb(idle_pb)} MB | {verdict(None if idle_pb is None else idle_pb / 1024, 30, 'MB')} |")
    T.append(gui["target"])
    for c in (16, 64):
        a, b = l[(c, "ltmp")], l[(c, "ldisk")]
        if a and b and a["rps"]:
            drop = (1 - b["rps"] / a["rps"]) * 100
            how = f"{drop:.1f}% slower" if drop >= 0 else f"{-drop:.1f}% faster"
            T.append(f"| case 5 within 5% of case 2 ({c} conns, requests/s; ledger on disk vs on tmpfs, as there is "
                     f"no off switch) | disk {num(b['rps'])} vs tmpfs {num(a['rps'])}: {how} | {verdict(drop, 5.0, 'points')} |")
    L.append("#### Targets")
    L.append("")
    L.extend(T)
    L.append("")
    return "\n".join(L) + "\n"


def replace_section(path, text):
    try:
        with open(path) as f:
            old = f.read()
    except FileNotFoundError:
        old = "# Benchmarks\n\nFigures from the harnesses in `bench/`, measured on the project's 2-core machine.\n\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, l in enumerate(lines) if l.rstrip() == "## Gateway"), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if re.match(r"^## (?!#)", lines[i])), len(lines))
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + text + ("\n" + tail if tail else "")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".benchmarks.")
    with os.fdopen(fd, "w") as f:
        f.write(new)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--results", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--mode", default="full")
    p.add_argument("--note", default="")
    p.add_argument("--command", default="bench/run.sh")
    p.add_argument("--meta", action="append", default=[])
    args = p.parse_args()
    meta = dict(m.split("=", 1) for m in args.meta)
    text = section(load(args.results), meta, args)
    replace_section(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
