#!/usr/bin/env python3
"""One cold start of a packaged runner: process start -> ready -> first 200, wall and CPU time.

Starts `java OPTS -jar APP/quarkus-run.jar`, polls readiness on the management port every few
milliseconds, then sends one invocation and waits for its 200. Optionally then drops a module the
runner has never seen into its functions directory and times that function's first 200. Prints
one JSON line. CPU is user+sys of the runner's whole process tree (embedded PostgreSQL included),
read from /proc at each instant. Standard library only.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def tree_cpu_s(pid):
    """user+sys seconds of a process and its live descendants (plus their reaped children)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after ')': fields[0] is state (field 3); utime=14 stime=15 cutime=16 cstime=17
        total += sum(int(x) for x in fields[11:15])
        stack.extend(children(p))
    return total / CLK_TCK


def thread_cpu_s(pid):
    """CPU seconds of a process's threads, grouped by name without trailing numbers."""
    groups = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return groups
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = re.sub(r"[-#_ ]?[0-9]+$", "", f.read().strip())
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        groups[name] = groups.get(name, 0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return dict(sorted(((k, round(v, 2)) for k, v in groups.items() if v > 0), key=lambda kv: -kv[1]))


def request(port, method, path, body=None, timeout=5.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "text/plain"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data
    finally:
        conn.close()


def poll(deadline, interval, fn):
    """Calls fn() until it returns a truthy value; None when the deadline passes."""
    while time.monotonic() < deadline:
        try:
            result = fn()
            if result:
                return result
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(interval)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True)
    ap.add_argument("--app", required=True, help="a quarkus-app directory")
    ap.add_argument("--opt", action="append", default=[], help="JVM option or -Dprop=value")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mport", type=int, required=True)
    ap.add_argument("--function", required=True, help="function of the first request")
    ap.add_argument("--body", default="Alice")
    ap.add_argument("--new-module", help="a .wasm the runner has not seen, timed after the first 200")
    ap.add_argument("--functions-dir", help="where --new-module is dropped")
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--label", default="")
    args = ap.parse_args()

    jar = os.path.join(args.app, "quarkus-run.jar")
    cmd = [args.java, *args.opt, "-jar", jar]
    load_before = open("/proc/loadavg").read().split()[:3]
    log = open(args.log, "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=os.path.dirname(args.log))
    deadline = t0 + args.timeout
    rec = {"label": args.label, "loadavg": " ".join(load_before), "cmd": " ".join(cmd)}
    try:
        def ready():
            if proc.poll() is not None:
                raise SystemExit(f"runner exited with {proc.returncode}, see {args.log}")
            status, _ = request(args.mport, "GET", "/q/health/ready", timeout=2)
            return status == 200

        if not poll(deadline, 0.005, ready):
            raise SystemExit(f"not ready within {args.timeout}s, see {args.log}")
        rec["ready_s"] = time.monotonic() - t0
        rec["ready_cpu_s"] = tree_cpu_s(proc.pid)
        # A first request on a loaded machine can take seconds (cold JIT, first instantiation).
        status, data = request(
            args.port, "POST", f"/execute/{args.function}", args.body.encode(), timeout=120
        )
        if status != 200:
            raise SystemExit(f"first request answered {status}: {data[:300]!r}")
        rec["first200_s"] = time.monotonic() - t0
        rec["first200_cpu_s"] = tree_cpu_s(proc.pid)
        rec["first200_threads_cpu_s"] = thread_cpu_s(proc.pid)

        if args.new_module:
            name = os.path.basename(args.new_module)[: -len(".wasm")]
            tmp = os.path.join(args.functions_dir, f".{name}.tmp")
            shutil.copyfile(args.new_module, tmp)
            cpu1 = tree_cpu_s(proc.pid)
            t1 = time.monotonic()
            os.rename(tmp, os.path.join(args.functions_dir, f"{name}.wasm"))

            def served():
                status, _ = request(
                    args.port, "POST", f"/execute/{name}", args.body.encode(), timeout=60
                )
                return status == 200

            if not poll(time.monotonic() + 60, 0.002, served):
                raise SystemExit(f"new module {name} not served within 60s")
            rec["new_module_s"] = time.monotonic() - t1
            rec["new_module_cpu_s"] = tree_cpu_s(proc.pid) - cpu1
            os.remove(os.path.join(args.functions_dir, f"{name}.wasm"))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
    text = open(args.log, errors="replace").read()
    m = re.search(r"preloaded (\d+) functions in (\d+) ms", text)
    if m:
        rec["preloaded"] = int(m.group(1))
        rec["preload_ms"] = int(m.group(2))
    m = re.search(r"started in ([0-9.]+)s", text)
    if m:
        rec["quarkus_started_s"] = float(m.group(1))
    print(json.dumps(rec))


if __name__ == "__main__":
    main()
