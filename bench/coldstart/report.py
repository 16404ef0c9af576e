#!/usr/bin/env python3
"""Cold-start table from results.jsonl: median and spread (min-max) per variant and count."""
import json
import statistics
import sys


def spread(values, scale=1.0, fmt="{:.2f}"):
    if not values:
        return "–"
    v = sorted(x * scale for x in values)
    med = statistics.median(v)
    return f"**{fmt.format(med)}** ({fmt.format(v[0])}–{fmt.format(v[-1])})"


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    env = open(sys.argv[2]).read().strip()
    print("# Cold start: process start → ready → first 200\n")
    print("```\n" + env + "\n```\n")
    print("Median (min–max) of the starts; wall seconds unless noted; CPU = user+sys of the runner's")
    print("process tree (embedded PostgreSQL included) from /proc, at the instant named.\n")
    for recording in ("shards", "embedded"):
        sel = [r for r in rows if r["recording"] == recording]
        if not sel:
            continue
        title = "two PostgreSQL shards" if recording == "shards" else "embedded PostgreSQL (no shards)"
        print(f"## Recording to {title}\n")
        print("| functions | variant | starts | ready, s | **first 200, s** | CPU at first 200, s | "
              "preload, ms (log) | new module → first 200, ms | its CPU, ms | load average (1 min) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        counts = sorted({r["functions"] for r in sel})
        variants = list(dict.fromkeys(r["variant"] for r in sel))
        for n in counts:
            for v in variants:
                g = [r for r in sel if r["functions"] == n and r["variant"] == v]
                if not g:
                    continue
                loads = sorted(float(r["loadavg"].split()[0]) for r in g)
                print(
                    f"| {n} | {v} | {len(g)} | {spread([r['ready_s'] for r in g])} "
                    f"| {spread([r['first200_s'] for r in g])} "
                    f"| {spread([r['first200_cpu_s'] for r in g])} "
                    f"| {spread([r['preload_ms'] for r in g if 'preload_ms' in r], fmt='{:.0f}')} "
                    f"| {spread([r['new_module_s'] for r in g if 'new_module_s' in r], 1000, '{:.0f}')} "
                    f"| {spread([r['new_module_cpu_s'] for r in g if 'new_module_cpu_s' in r], 1000, '{:.0f}')} "
                    f"| {loads[0]:.1f}–{loads[-1]:.1f} |"
                )
        print()


if __name__ == "__main__":
    main()
