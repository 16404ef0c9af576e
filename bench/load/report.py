#!/usr/bin/env python3
"""Turns bench/load/run.sh's raw results (one JSON object per run) into the comparison table,
the ratios against the targets, the chart data, and the records check. Standard library only."""

import argparse
import json
import sys

LABELS = {
    "ping": "runner `/bench/ping` (HTTP ceiling)",
    "greeter": "runner greeter (POST)",
    "fib": "runner fib(15)",
    "fib-nospool": "runner fib(15), record spool off",
    "greeter-nospool": "runner greeter (POST), record spool off",
    "naive": "naive fib(15): compile + sync INSERT",
    "node-fib": "Node.js fib(15): node:wasi + INSERT",
    "node-ping": "Node.js `/ping` (its HTTP ceiling)",
}
SHORT = {
    "ping": "ping",
    "greeter": "greeter",
    "fib": "fib(15)",
    "fib-nospool": "fib(15) no spool",
    "greeter-nospool": "greeter no spool",
    "naive": "naive fib",
    "node-fib": "node fib",
    "node-ping": "node ping",
}
ORDER = list(LABELS)

# The reference system's figures (16 cores) and this project's targets (issue 8).
REF_RPS = 15_000
REF_P99_MS = 31.5
TARGET_CEILING_SHARE = 0.60
TARGET_X_NAIVE = 90
TARGET_X_NODE = 2


def derive(r):
    w = r["wrk"]
    e = w["errors"]
    window_s = (r["stop_at_ms"] - w["started_at_ms"]) / 1000.0
    requests = w["requests"]
    ok = requests - e["status"]
    rows = r["rows_after"] - r["rows_before"]
    expected = ok if r["expect_rows"] else 0
    return {
        "config": r["config"],
        "connections": r["connections"],
        "window_s": window_s,
        "rps": ok / window_s,
        "p50": w["latency_ms"]["p50"],
        "p99": w["latency_ms"]["p99"],
        "non2xx": e["status"],
        "socket_errors": e["connect"] + e["read"] + e["write"] + e["timeout"],
        "ok": ok,
        "rows": rows,
        "rows_ok": rows == expected,
        "rows_diff": rows - expected,
        "server_us": r["server_cpu_s"] / max(requests, 1) * 1e6,
        "pg_us": r["pg_cpu_s"] / max(requests, 1) * 1e6,
        "wrk_us": r["wrk_cpu_s"] / max(requests, 1) * 1e6,
        "rss_mib": r["rss_kb"] / 1024.0,
        "hwm_mib": r["hwm_kb"] / 1024.0,
        "server": r["server"],
        "pool_rejected": r.get("pool_rejected", 0),
        "records_dropped": r.get("records_dropped", 0),
        "load": r.get("loadavg_before", ""),
        # Cores used by everything else (other engineers' builds) while this run was measured;
        # interrupt time (loopback networking) is counted apart, it belongs to no process.
        # (Clamped at 0: per-process and machine-wide tick counts round differently.)
        "others_cores": (
            max(0.0, r["machine_busy_s"] - r["server_cpu_s"] - r["pg_cpu_s"] - r["wrk_cpu_s"])
            / r["elapsed_s"]
            if "machine_irq_s" in r
            else None
        ),
        "irq_us": r["machine_irq_s"] / max(requests, 1) * 1e6 if "machine_irq_s" in r else None,
        "gc_max_ms": max(r.get("gc_pauses_ms") or [0]),
        "gc_count": len(r.get("gc_pauses_ms") or []),
        "threads_us": {
            k: v / max(requests, 1) * 1e6 for k, v in r.get("threads_cpu_s", {}).items()
        },
    }


def load(path):
    with open(path) as f:
        runs = [derive(json.loads(line)) for line in f if line.strip()]
    return sorted(runs, key=lambda d: (ORDER.index(d["config"]), d["connections"]))


def rows_cell(d):
    if d["rows_ok"]:
        return f"{d['rows']:,} ✓"
    return f"**{d['rows']:,} MISMATCH ({d['rows_diff']:+,})**"


def table(runs):
    out = [
        "| configuration | conns | 2xx/s | P50 ms | P99 ms | non-2xx | socket errors | 2xx | "
        "rows persisted | server CPU µs/req | PostgreSQL CPU µs/req | kernel irq µs/req | "
        "runner GC pauses (max ms) | server RSS MiB | other processes, cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d in runs:
        out.append(
            f"| {LABELS[d['config']]} | {d['connections']} | {d['rps']:,.0f} | {d['p50']:.2f} | "
            f"{d['p99']:.2f} | {d['non2xx']:,} | {d['socket_errors']:,} | {d['ok']:,} | "
            f"{rows_cell(d)} | {d['server_us']:.0f} | {d['pg_us']:.0f} | "
            f"{'—' if d['irq_us'] is None else format(d['irq_us'], '.0f')} | "
            f"{gc_cell(d)} | {d['rss_mib']:.0f} | "
            f"{'—' if d['others_cores'] is None else format(d['others_cores'], '.2f')} |"
        )
    return "\n".join(out)


def gc_cell(d):
    if d["server"] != "runner" or d["gc_count"] == 0:
        return "—"
    return f"{d['gc_count']} ({d['gc_max_ms']:.0f})"


def find(runs, config, conns):
    for d in runs:
        if d["config"] == config and d["connections"] == conns:
            return d
    return None


def best(runs, config):
    found = [d for d in runs if d["config"] == config]
    return max(found, key=lambda d: d["rps"]) if found else None


def verdict(ok):
    return "met" if ok else "**missed**"


def ratios(runs):
    conns = sorted({d["connections"] for d in runs})
    lines = []
    top = 256 if 256 in conns else (conns[-1] if conns else None)
    fib = find(runs, "fib", top)
    if fib:
        lines.append(
            f"- fib(15) at {top} connections: {fib['rps']:,.0f} req/s = "
            f"{fib['rps'] / REF_RPS:.0%} of the reference's {REF_RPS:,} "
            f"({verdict(fib['rps'] >= REF_RPS)}); P99 {fib['p99']:.1f} ms vs {REF_P99_MS} ms "
            f"({verdict(fib['p99'] <= REF_P99_MS)})"
        )
    for c in conns:
        fib = find(runs, "fib", c)
        if not fib:
            continue
        parts = []
        ping = find(runs, "ping", c)
        if ping:
            share = fib["rps"] / ping["rps"]
            parts.append(
                f"{share:.0%} of the runner's own HTTP ceiling "
                f"(target ≥ {TARGET_CEILING_SHARE:.0%}: {verdict(share >= TARGET_CEILING_SHARE)})"
            )
        naive = best(runs, "naive")
        if naive and naive["rps"] > 0:
            x = fib["rps"] / naive["rps"]
            parts.append(
                f"{x:,.0f}× the naive baseline at its best ({naive['connections']} connections; "
                f"target ≥ {TARGET_X_NAIVE}×: {verdict(x >= TARGET_X_NAIVE)})"
            )
        node = find(runs, "node-fib", c)
        if node and node["rps"] > 0:
            x = fib["rps"] / node["rps"]
            parts.append(
                f"{x:.1f}× the Node.js reference (target ≥ {TARGET_X_NODE}×: "
                f"{verdict(x >= TARGET_X_NODE)})"
            )
        if parts:
            lines.append(f"- fib(15) at {c} connections: " + "; ".join(parts))
    for name in ("fib", "greeter"):
        for c in conns:
            on, off = find(runs, name, c), find(runs, name + "-nospool", c)
            if on and off and off["rps"] > 0:
                cost = 1 - on["rps"] / off["rps"]
                lines.append(
                    f"- record spool cost, {SHORT[name]} at {c} connections: {on['rps']:,.0f} req/s "
                    f"on vs {off['rps']:,.0f} off: the spool costs {cost:.1%} of throughput "
                    f"(budget ≤ 10 %: {verdict(cost <= 0.10)}); runner CPU "
                    f"{on['server_us']:.1f} vs {off['server_us']:.1f} µs/req; P99 "
                    f"{on['p99']:.1f} vs {off['p99']:.1f} ms; load average before "
                    f"{on['load']} / {off['load']}"
                )
    bad = [d for d in runs if not d["rows_ok"]]
    if bad:
        lines.append(
            "- **records: MISMATCH** in "
            + ", ".join(f"{d['config']} c{d['connections']} ({d['rows_diff']:+,})" for d in bad)
        )
    else:
        lines.append("- records: rows persisted = 2xx responses in every run (none lost or duplicated)")
    dropped = sum(d["records_dropped"] for d in runs)
    rejected = sum(d["pool_rejected"] for d in runs)
    lines.append(
        f"- runner counters over the measured runs: execution-pool rejections (503) {rejected}, "
        f"records dropped {dropped}"
    )
    return "\n".join(lines)


def threads(runs):
    out = [
        "Runner CPU per request by thread group (µs/req; thread names without their number):",
        "",
    ]
    for d in runs:
        if d["server"] != "runner" or not d["threads_us"]:
            continue
        top = sorted(d["threads_us"].items(), key=lambda kv: -kv[1])[:7]
        cells = ", ".join(f"{k} {v:.1f}" for k, v in top)
        out.append(f"- {SHORT[d['config']]} c{d['connections']}: {cells}")
    return "\n".join(out)


def markdown(runs, environment):
    return "\n".join(
        [
            "# Load benchmark results",
            "",
            "Produced by `bench/load/run.sh` (see `bench/load/README.md`); raw outputs in `raw/`.",
            "2xx/s is counted over the sending window (wrk stops sending at a fixed instant and",
            "waits for the answers, so nothing is in flight when rows are counted); CPU per",
            "request is from /proc utime+stime of the server process(es) and of both PostgreSQL",
            "clusters during the measured run, including the drain of the runner's backlog.",
            "",
            "```",
            environment.strip(),
            "```",
            "",
            table(runs),
            "",
            "Machine load: 1/5/15-min load average just before each measured run (2 cores; the",
            "benchmark's own wrk, server and PostgreSQL processes count ~3-4 of it when they",
            "saturate the machine). The last column of the table estimates the cores used by",
            "every other process during the run: the machine's user+system time minus that of",
            "the server, PostgreSQL and wrk, clamped at 0 (tick accounting differs slightly).",
            "Per run: "
            + "; ".join(f"{SHORT[d['config']]} c{d['connections']}: {d['load']}" for d in runs),
            "",
            "## Against the targets",
            "",
            ratios(runs),
            "",
            "## Where the runner's CPU goes",
            "",
            threads(runs),
            "",
            "![req/s and P99 by configuration](chart.png)",
            "",
        ]
    )


def chart_data(runs):
    out = ["# label 2xx_per_s p99_ms"]
    for d in runs:
        out.append(f"\"{SHORT[d['config']]} c{d['connections']}\" {d['rps']:.0f} {d['p99']:.3f}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results")
    ap.add_argument("--line", help="print a one-line summary of the last run in this file")
    ap.add_argument("--environment")
    ap.add_argument("--markdown")
    ap.add_argument("--chart-data")
    ap.add_argument("--check", action="store_true", help="exit 3 when any records check failed")
    a = ap.parse_args()
    if a.line:
        with open(a.line) as f:
            d = derive(json.loads(f.readlines()[-1]))
        rows = "rows OK" if d["rows_ok"] else f"ROWS MISMATCH {d['rows_diff']:+}"
        others = "" if d["others_cores"] is None else f", others {d['others_cores']:.2f} cores"
        if d["gc_count"]:
            others += f", GC pauses {d['gc_count']} (max {d['gc_max_ms']:.0f} ms)"
        print(
            f"    {d['config']} c{d['connections']}: {d['rps']:,.0f} 2xx/s, P50 {d['p50']:.2f} ms, "
            f"P99 {d['p99']:.2f} ms, non-2xx {d['non2xx']}, socket errors {d['socket_errors']}, "
            f"2xx {d['ok']}, rows {d['rows']} ({rows}), server {d['server_us']:.0f} µs/req, "
            f"pg {d['pg_us']:.0f} µs/req, wrk {d['wrk_us']:.0f} µs/req{others}"
        )
        return 0
    runs = load(a.results)
    if a.markdown:
        env = open(a.environment).read() if a.environment else ""
        text = markdown(runs, env)
        with open(a.markdown, "w") as f:
            f.write(text)
        print(table(runs))
        print()
        print(ratios(runs))
    if a.chart_data:
        with open(a.chart_data, "w") as f:
            f.write(chart_data(runs))
    if a.check:
        bad = [d for d in runs if not d["rows_ok"]]
        if bad:
            print("!" * 72, file=sys.stderr)
            for d in bad:
                print(
                    f"!!! RECORDS MISMATCH: {d['config']} c{d['connections']}: {d['rows']} rows "
                    f"for {d['ok']} 2xx responses ({d['rows_diff']:+})",
                    file=sys.stderr,
                )
            print("!" * 72, file=sys.stderr)
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
