#!/usr/bin/env python3
"""A failover drill against eng/cluster.sh: a burst of redemptions through HAProxy while the PostgreSQL primary (or a
host instance, --kill host) is killed (kill -9), with clients that retry the same Idempotency-Key and honour Retry-After. Afterwards every key has
exactly one redemption, every acknowledged redemption is stored, and the coupon's counter equals the rows. Prints the
seconds during which writes were refused.

  eng/failover-drill.py <cluster-folder> [--tickets 400] [--workers 8] [--kill-after 3]
"""
import argparse, csv, io, json, subprocess, sys, threading, time, urllib.error, urllib.request, uuid, os

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("--tickets", type=int, default=400)
parser.add_argument("--workers", type=int, default=8)
parser.add_argument("--kill-after", type=float, default=3.0)
parser.add_argument("--kill", choices=["primary", "host"], default="primary", help="what dies mid-burst")
args = parser.parse_args()
base = int(open(os.path.join(args.folder, "base-port")).read())
url = f"http://127.0.0.1:{base + 60}"
operator = open(os.path.join(args.folder, "operator-key")).read().strip()
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def call(method, path, key, body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + key)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def settled(method, path, key, body=None):
    """The answer once the cluster serves again (HAProxy answers 503 while no instance is ready)."""
    for _ in range(600):
        try:
            status, _, payload = call(method, path, key, body)
        except Exception:
            status, payload = 0, b""
        if status not in (0, 502, 503, 504):
            return status, payload
        time.sleep(0.2)
    return status, payload


def ok(status, payload, expected=(200, 201)):
    if status not in expected:
        sys.exit(f"unexpected {status}: {payload[:300]!r}")
    return json.loads(payload) if payload else None


_, _, body = call("POST", "/api/v1/tenants", operator, {"name": "フェイルオーバー訓練", "plan": "premium", "adminName": "訓練"})
admin = json.loads(body)["admin"]["apiKey"]
coupon = ok(*call("POST", "/api/v1/coupons", admin, {"title": "訓練", "benefit": "b", "validUntil": "2099-12-31"})[::2])["id"]
ok(*call("POST", f"/api/v1/coupons/{coupon}/publish", admin)[::2])
tokens = []
for i in range(args.tickets):
    ticket = ok(*call("POST", f"/api/v1/coupons/{coupon}/tickets", admin, {"userKey": f"drill-{i}"})[::2])
    tokens.append(ticket["token"])

lock = threading.Lock()
acknowledged = {}          # idempotency key -> redemption id
failures = []              # (time, status) of refused writes
successes = []             # times of acknowledged writes
next_ticket = iter(range(args.tickets))
unexpected = []            # answers a retrying client would not expect


def worker():
    while True:
        with lock:
            index = next(next_ticket, None)
        if index is None:
            return
        key = f"drill-{uuid.uuid4().hex}"
        for attempt in range(200):
            try:
                status, headers, payload = call("POST", "/api/v1/redemptions", admin, {"ticketToken": tokens[index]},
                                                {"Idempotency-Key": key}, timeout=30)
            except Exception as error:  # a connection cut by the switch: retry like a client would
                status, headers, payload = 0, {}, str(error).encode()
            now = time.monotonic()
            if status == 201:
                with lock:
                    acknowledged[key] = json.loads(payload)["id"]
                    successes.append(now)
                break
            with lock:
                failures.append((now, status))
            if status in (0, 502, 503, 504):
                wait = float(headers.get("Retry-After", "1") or 1) if headers else 1.0
                time.sleep(min(wait, 5.0))
                continue
            with lock:
                unexpected.append(f"{status}: {payload[:200]!r}")
            return


threads = [threading.Thread(target=worker) for _ in range(args.workers)]
started = time.monotonic()
for thread in threads:
    thread.start()
time.sleep(args.kill_after)
killed_at = time.monotonic()
killed = subprocess.run([os.path.join(repo, "eng", "cluster.sh"), "kill-" + args.kill, args.folder], capture_output=True, text=True).stdout.strip()
for thread in threads:
    thread.join()
finished = time.monotonic()

# What the database holds: every acknowledged redemption, one per key, and the counter equal to the rows (asked once the
# cluster serves again).
status, body = settled("GET", "/api/v1/exports/redemptions.csv", admin)
rows = [row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))]
ids = {row.get("id") or list(row.values())[0] for row in rows}
counter = ok(*settled("GET", f"/api/v1/coupons/{coupon}", admin))["redeemedCount"]
missing = [key for key, rid in acknowledged.items() if rid not in ids]
after_kill = [t for t, _ in failures if t >= killed_at]
first_refused = min(after_kill) if after_kill else None
back = min((t for t in successes if first_refused is not None and t > first_refused), default=None)
report = {
    "killed": killed,
    "tickets": args.tickets,
    "acknowledged": len(acknowledged),
    "stored": len(rows),
    "distinct_stored": len(ids),
    "coupon_counter": counter,
    "acknowledged_missing": len(missing),
    "refused_answers": len(failures),
    "writes_unavailable_seconds": round(back - first_refused, 1) if first_refused and back else 0.0,
    "whole_burst_seconds": round(finished - started, 1),
    "unexpected_answers": unexpected[:5],
}
print(json.dumps(report))
healthy = len(acknowledged) == args.tickets == len(rows) == len(ids) == counter and not missing and not unexpected
sys.exit(0 if healthy else 1)
