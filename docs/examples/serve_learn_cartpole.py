#!/usr/bin/env python3
"""CartPole-v1 learned through the decision service, from outside the JVM.

The application holds the environment itself (a faithful port of Gymnasium's CartPole-v1
dynamics below: Euler integration, tau 0.02, force 10, pole half-length 0.5, terminated past
12 degrees or 2.4 m, truncated at 500 steps, initial state uniform in +-0.05), asks
`POST /v1/decisions` for every action, posts each step's reward 0-2 s late on its own thread and
drops 5 % of them (a lost reward), and ends each episode with `POST /v1/sessions/{id}/end`.
Standard library only (http.client, threading); run with any Python 3.8+.

    serve_learn_cartpole.py --url http://127.0.0.1:8080 --decisions 100000

Prints a progress line every 5,000 decisions and a final JSON line with the decisions used.
"""
import argparse
import heapq
import http.client
import json
import math
import random
import threading
import time
import urllib.parse


class CartPole:
    """Gymnasium CartPole-v1 (classic_control/cartpole.py), Euler integrator."""

    GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    THETA_LIMIT = 12 * 2 * math.pi / 360
    X_LIMIT = 2.4
    MAX_STEPS = 500

    def __init__(self, rng):
        self.rng = rng
        self.state = None
        self.steps = 0

    def reset(self):
        self.state = [self.rng.uniform(-0.05, 0.05) for _ in range(4)]
        self.steps = 0
        return list(self.state)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.FORCE_MAG if action == 1 else -self.FORCE_MAG
        total_mass = self.MASSPOLE + self.MASSCART
        pole_mass_length = self.MASSPOLE * self.LENGTH
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + pole_mass_length * theta_dot**2 * sin) / total_mass
        theta_acc = (self.GRAVITY * sin - cos * temp) / (
            self.LENGTH * (4.0 / 3.0 - self.MASSPOLE * cos**2 / total_mass))
        x_acc = temp - pole_mass_length * theta_acc * cos / total_mass
        x = x + self.TAU * x_dot
        x_dot = x_dot + self.TAU * x_acc
        theta = theta + self.TAU * theta_dot
        theta_dot = theta_dot + self.TAU * theta_acc
        # Gymnasium computes in float64 and returns float32 observations
        self.state = [x, x_dot, theta, theta_dot]
        self.steps += 1
        terminated = abs(x) > self.X_LIMIT or abs(theta) > self.THETA_LIMIT
        truncated = not terminated and self.steps >= self.MAX_STEPS
        return list(self.state), 1.0, terminated, truncated


class Api:
    """One keep-alive HTTP/1.1 connection to the service; not shared between threads."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None

    def post(self, path, body):
        payload = json.dumps(body).encode()
        for attempt in range(5):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request("POST", path, payload, {"Content-Type": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.status == 200:
                    return json.loads(data)
                if resp.status == 503:  # overloaded or log unavailable: back off and retry
                    time.sleep(0.1 * (attempt + 1))
                    continue
                raise SystemExit(f"{path}: HTTP {resp.status}: {data.decode()}")
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn = None
                time.sleep(0.1 * (attempt + 1))
        raise SystemExit(f"{path}: no answer after 5 tries")


class LateRewards:
    """Posts each reward after a uniform 0-2 s delay; drops a share of them.

    Rewards that are due together go in one `POST /v1/rewards/batch`, from a few posting threads
    with a connection each, so that posting keeps up with the decisions and a reward is late by
    its drawn delay, not by a queue behind it (the join refuses rewards that arrive after the
    reward horizon). `reward_max_lag_s` in the summary is the worst lateness beyond the draw.
    """

    def __init__(self, url, rng, drop, max_delay, posters=4):
        self.rng, self.drop, self.max_delay = rng, drop, max_delay
        self.heap, self.lock = [], threading.Condition()
        self.posted = self.dropped = 0
        self.max_lag = 0.0
        self.closed = False
        self.threads = [threading.Thread(target=self._run, args=(Api(url),), daemon=True)
                        for _ in range(posters)]
        for t in self.threads:
            t.start()

    def add(self, decision_id, reward):
        with self.lock:
            if self.rng.random() < self.drop:
                self.dropped += 1
                return
            due = time.monotonic() + self.rng.uniform(0, self.max_delay)
            heapq.heappush(self.heap, (due, decision_id, reward))
            self.lock.notify()

    def _run(self, api):
        while True:
            with self.lock:
                while not self.heap or self.heap[0][0] > time.monotonic():
                    if self.closed and not self.heap:
                        return
                    wait = self.heap[0][0] - time.monotonic() if self.heap else 0.5
                    self.lock.wait(max(0.0, min(wait, 0.5)))
                batch = []
                now = time.monotonic()
                while self.heap and self.heap[0][0] <= now and len(batch) < 256:
                    due, decision_id, reward = heapq.heappop(self.heap)
                    self.max_lag = max(self.max_lag, now - due)
                    batch.append({"decision_id": decision_id, "reward": reward,
                                  "reward_id": decision_id + "/r"})
            pending = batch
            for attempt in range(5):
                # A batch the log takes in part answers 200 and names the rewards it could not
                # log; resend just those (a reward_id counts once, so a resend is safe).
                answer = api.post("/v1/rewards/batch", {"rewards": pending})
                failures = answer.get("failures", [])
                if not failures:
                    break
                pending = [pending[int(f["field"][len("rewards["):-1])] for f in failures]
                time.sleep(0.1 * (attempt + 1))
            with self.lock:
                self.posted += len(batch)

    def close(self):
        with self.lock:
            self.closed = True
            self.lock.notify_all()
        for t in self.threads:
            t.join()


def run(args):
    rng = random.Random(args.seed)
    rewards = LateRewards(args.url, random.Random(args.seed + 1), args.drop, args.max_delay)
    lock = threading.Lock()
    totals = {"decisions": 0, "episodes": 0}
    returns = []
    stop = threading.Event()

    def session_loop(worker):
        api = Api(args.url)
        env = CartPole(random.Random(rng.randrange(1 << 30) + worker))
        episode = 0
        while not stop.is_set():
            session = f"{args.run}-w{worker}-e{episode}"
            obs, total, done = env.reset(), 0.0, False
            while not done:
                d = api.post("/v1/decisions", {"policy": args.policy, "session_id": session,
                                               "obs": obs})
                obs, reward, terminated, truncated = env.step(d["action"])
                rewards.add(d["decision_id"], reward)
                total += reward
                done = terminated or truncated
                with lock:
                    totals["decisions"] += 1
                    if totals["decisions"] >= args.decisions:
                        stop.set()
                if stop.is_set() and not done:
                    terminated, truncated, done = False, True, True
            api.post(f"/v1/sessions/{session}/end", {"final_obs": obs, "terminated": terminated,
                                                     "truncated": truncated})
            with lock:
                totals["episodes"] += 1
                returns.append(total)
            episode += 1

    threads = [threading.Thread(target=session_loop, args=(w,), daemon=True)
               for w in range(args.sessions)]
    start = time.time()
    for t in threads:
        t.start()
    reported = 0
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        with lock:
            n, recent = totals["decisions"], returns[-100:]
        if n >= reported + 5000:
            reported = n - n % 5000
            mean = sum(recent) / len(recent) if recent else float("nan")
            print(f"{n:>7} decisions, {totals['episodes']} episodes, behaviour return (last 100)"
                  f" {mean:6.1f}, {n / (time.time() - start):6.0f} decisions/s", flush=True)
    for t in threads:
        t.join()
    rewards.close()
    recent = returns[-100:]
    print(json.dumps({"decisions": totals["decisions"], "episodes": totals["episodes"],
                      "rewards_posted": rewards.posted, "rewards_dropped": rewards.dropped,
                      "reward_max_lag_s": round(rewards.max_lag, 3),
                      "behaviour_return_last_100": sum(recent) / max(1, len(recent)),
                      "seconds": round(time.time() - start, 1)}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--policy", default="cartpole")
    p.add_argument("--decisions", type=int, default=100_000, help="stop after this many")
    p.add_argument("--sessions", type=int, default=8, help="episodes played in parallel")
    p.add_argument("--drop", type=float, default=0.05, help="share of rewards never posted")
    p.add_argument("--max-delay", type=float, default=2.0, help="rewards arrive 0..this s late")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--run", default="py", help="prefix of the session ids")
    run(p.parse_args())


if __name__ == "__main__":
    main()
