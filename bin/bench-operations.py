#!/usr/bin/env python3
# Operations benchmark (usage: bin/bench-operations.py JAVA JAR): run-start latency on free targets, and hand-over rate through one target's queue.
import json, subprocess, sys, time, urllib.request, statistics, os, tempfile

def call(base, method, path, body=None, ctype="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None: req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

def run(label, java, jar, extra, port):
    data = tempfile.mkdtemp(prefix="ops-bench-")
    p = subprocess.Popen([java, "-jar", jar, "server", "--port", str(port), "--data", data] + extra, stdout=subprocess.DEVNULL, stderr=open(data + "/err", "w"))
    base = "http://127.0.0.1:%d" % port
    for _ in range(300):
        try:
            if call(base, "GET", "/api/v1/health")[0] == 200: break
        except Exception: time.sleep(0.2)
    try:
        wf = b"version: '2.0'\ntouch:\n  input:\n    - label\n  tasks:\n    t:\n      action: std.noop\n"
        assert call(base, "PUT", "/api/v1/workflows", wf, "text/yaml")[0] == 200
        assert call(base, "PUT", "/api/v1/operations/touch", {"kind": "site", "workflow": "touch"})[0] == 200
        n = 200
        for i in range(n + 1):
            assert call(base, "POST", "/api/v1/targets", {"kind": "site", "name": "s%d" % i})[0] == 201
        # warm-up
        for i in range(20):
            call(base, "POST", "/api/v1/targets/s%d/operations/touch/runs" % n, {"input": {"label": "w"}, "queue": True})
        time.sleep(2)
        lat = []
        for i in range(n):
            t0 = time.perf_counter()
            st, r = call(base, "POST", "/api/v1/targets/s%d/operations/touch/runs" % i, {"input": {"label": "x"}})
            lat.append((time.perf_counter() - t0) * 1000)
            assert st == 201, (st, r)
        lat.sort()
        # one target's queue: 100 runs asked at once (queued), until the last has ended
        m = 100
        t0 = time.perf_counter()
        ids = []
        for i in range(m):
            st, r = call(base, "POST", "/api/v1/targets/s0/operations/touch/runs", {"input": {"label": "q%d" % i}, "queue": True})
            assert st in (201, 202), (st, r)
            ids.append(r["id"])
        while call(base, "GET", "/api/v1/runs/" + ids[-1])[1]["state"] != "SUCCESS":
            time.sleep(0.01)
        total = time.perf_counter() - t0
        print("%s: run start (POST -> 201, %d free sites) p50 %.1f ms, p99 %.1f ms; %d queued runs on one site: %.2f s until the last ended, %.0f runs/s" % (
            label, n, statistics.median(lat), lat[int(len(lat) * 0.99) - 1], m, total, m / total))
    finally:
        p.terminate(); p.wait()

java, jar = sys.argv[1], sys.argv[2]
run("H2", java, jar, [], 18931)
schema = "ops_bench_%d" % os.getpid()
subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", "create schema " + schema], check=True)
try:
    run("PostgreSQL", java, jar, ["--db", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + schema], 18932)
finally:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", "set client_min_messages = warning; drop schema " + schema + " cascade"])
