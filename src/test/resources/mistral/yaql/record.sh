#!/usr/bin/env bash
# Regenerates the recordings in this folder against a running Mistral 15 API.
#
#   ./record.sh                 # every NN-*/ case, each run twice
#   ./record.sh 05-join-all     # only the named cases
#   RUNS=1 MISTRAL_URL=http://127.0.0.1:8989/v2 ./record.sh
#
# For each case it deletes the case's workflows (if present), uploads workflow.yaml as text/plain,
# starts the first workflow of the document with input.json / params.json, waits for a final
# state and writes recorded.json, raw-execution.json, raw-tasks.json (and upload.json). The first
# run is kept; later runs are compared with it after masking ids and timestamps, and the verdict
# goes to determinism.json beside this script. Needs only python3 (standard library) and PyYAML.
set -euo pipefail
cd "$(dirname "$0")"
export MISTRAL_URL="${MISTRAL_URL:-http://127.0.0.1:8989/v2}"
export RUNS="${RUNS:-2}"

exec python3 - "$@" <<'PY'
import json, os, re, sys, time, urllib.request, urllib.error
import yaml

URL = os.environ["MISTRAL_URL"].rstrip("/")
RUNS = int(os.environ["RUNS"])
FINAL = {"SUCCESS", "ERROR", "CANCELLED", "PAUSED"}


def http(method, path, body=None, ctype="application/json", accept="application/json"):
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", ctype)
    if accept:
        req.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read().decode()
            return r.status, raw
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def parse(v):
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def workflow_names(text):
    doc = yaml.safe_load(text)
    return [k for k in doc if k != "version"]


def summary(info):
    # The part of state_info before any Python traceback; ids inside it still differ per run.
    if not info:
        return info
    return info.split("\nTraceback (most recent call last)")[0].rstrip()


def run_case(case):
    text = open(os.path.join(case, "workflow.yaml")).read()
    wf_input = json.load(open(os.path.join(case, "input.json")))
    params = json.load(open(os.path.join(case, "params.json")))
    names = workflow_names(text)
    for n in names:
        http("DELETE", "/workflows/" + n)
    # No Accept header: Mistral answers 406 to text/plain uploads that ask for JSON.
    status, body = http("POST", "/workflows", text, ctype="text/plain", accept=None)
    upload = {"http_status": status, "body": parse(body)}
    if status >= 400:
        rec = {"rejected_at": "POST /v2/workflows", "http_status": status,
               "faultstring": parse(body).get("faultstring") if isinstance(parse(body), dict) else body}
        return rec, upload, None, None
    status, body = http("POST", "/executions", {
        "workflow_name": names[0],
        "input": json.dumps(wf_input),
        "params": json.dumps(params),
    })
    if status >= 400:
        rec = {"rejected_at": "POST /v2/executions", "http_status": status,
               "faultstring": parse(body).get("faultstring") if isinstance(parse(body), dict) else body}
        return rec, upload, None, None
    ex_id = json.loads(body)["id"]
    deadline = time.time() + 120
    while True:
        _, body = http("GET", "/executions/" + ex_id)
        ex = json.loads(body)
        if ex["state"] in FINAL or time.time() > deadline:
            break
        time.sleep(0.3)
    time.sleep(0.5)  # let late task updates land
    _, raw_ex = http("GET", "/executions/" + ex_id)
    _, raw_tasks = http("GET", "/executions/" + ex_id + "/tasks")
    ex = json.loads(raw_ex)
    tasks = json.loads(raw_tasks)["tasks"]
    tasks.sort(key=lambda t: (t["name"], t["created_at"] or "", t["id"]))
    rec_tasks = []
    for t in tasks:
        _, one = http("GET", "/tasks/" + t["id"])
        one = json.loads(one)
        item = {
            "name": t["name"],
            "state": t["state"],
            "state_info": t["state_info"],
            "state_info_summary": summary(t["state_info"]),
            "published": parse(t.get("published")),
            "result": parse(one.get("result")),
        }
        rc = parse(one.get("runtime_context")) or {}
        _, acts = http("GET", "/tasks/" + t["id"] + "/action_executions")
        acts = json.loads(acts).get("action_executions", [])
        # The list endpoint leaves out outputs; read each action execution on its own.
        acts = [json.loads(http("GET", "/action_executions/" + a["id"])[1]) for a in acts]
        if acts:
            # created_at has one-second resolution, so order by content (item order is in "result").
            acts.sort(key=lambda a: (json.dumps(parse(a.get("input")), sort_keys=True),
                                     json.dumps(parse(a.get("output")), sort_keys=True)))
            item["action_executions"] = [
                {"name": a["name"], "state": a["state"], "state_info": a["state_info"],
                 "input": parse(a.get("input")), "output": parse(a.get("output"))}
                for a in acts]
        if "with_items" in json.dumps(rc) or "with-items" in json.dumps(parse(one.get("spec")) or {}):
            item["with_items_outputs"] = [parse(a.get("output")) for a in acts]
        _, subs = http("GET", "/executions?task_execution_id=" + t["id"])
        subs = json.loads(subs).get("executions", [])
        # The list endpoint leaves out outputs; read each sub-workflow execution on its own.
        subs = [json.loads(http("GET", "/executions/" + x["id"])[1]) for x in subs]
        if subs:
            item["sub_workflow_executions"] = [
                {"workflow_name": s["workflow_name"], "state": s["state"], "state_info": s["state_info"],
                 "input": parse(s.get("input")), "output": parse(s.get("output"))} for s in subs]
        rec_tasks.append(item)
    rec = {
        "execution_id": ex_id,
        "state": ex["state"],
        "state_info": ex["state_info"],
        "state_info_summary": summary(ex["state_info"]),
        "output": parse(ex.get("output")),
        "tasks": rec_tasks,
    }
    return rec, upload, json.loads(raw_ex), json.loads(raw_tasks)


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ADDR = re.compile(r"0x[0-9a-f]{6,}")
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?")


def mask(rec):
    s = json.dumps(rec, sort_keys=True)
    s = UUID.sub("<uuid>", s)
    s = STAMP.sub("<timestamp>", s)
    s = ADDR.sub("<address>", s)
    return json.loads(s)


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False, ensure_ascii=False)
        f.write("\n")


cases = sys.argv[1:] or sorted(d for d in os.listdir(".") if re.match(r"\d\d-", d) and os.path.isdir(d))
verdicts = {}
if os.path.exists("determinism.json"):
    verdicts = json.load(open("determinism.json"))
for case in cases:
    case = case.rstrip("/")
    first = None
    diffs = []
    for i in range(RUNS):
        rec, upload, raw_ex, raw_tasks = run_case(case)
        if i == 0:
            first = rec
            dump(os.path.join(case, "recorded.json"), rec)
            dump(os.path.join(case, "upload.json"), upload)
            if raw_ex is not None:
                dump(os.path.join(case, "raw-execution.json"), raw_ex)
                dump(os.path.join(case, "raw-tasks.json"), raw_tasks)
        else:
            if mask(rec) != mask(first):
                dump(os.path.join(case, "recorded-run%d.json" % (i + 1)), rec)
                diffs.append(i + 1)
            else:
                p = os.path.join(case, "recorded-run%d.json" % (i + 1))
                if os.path.exists(p):
                    os.remove(p)
    verdicts[case] = {"runs": RUNS, "deterministic": not diffs, "differing_runs": diffs}
    print("%-28s %-8s %s" % (case, first.get("state", first.get("http_status")),
                             "deterministic" if not diffs else "DIFFERS in runs %s" % diffs), flush=True)
dump("determinism.json", dict(sorted(verdicts.items())))
PY
