#!/usr/bin/env python3
"""A minimal client of the ReplayFlow decision service: standard library only."""
import json
import sys
import urllib.error
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"


def post(path, body):
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{path}: HTTP {e.code}: {e.read().decode()}")


obs = [0.01, 0.02, 0.03, 0.04]
for step in range(3):
    d = post("/v1/decisions", {"policy": "cartpole", "session_id": "py-1", "obs": obs})
    print("decision", d)
    post("/v1/rewards", {"decision_id": d["decision_id"], "reward": 1.0,
                         "reward_id": f"py-1-{step}"})
post("/v1/sessions/py-1/end", {"final_obs": obs, "terminated": False, "truncated": True})
print("session ended")
