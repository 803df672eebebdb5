#!/usr/bin/env python3
"""PyTorch CPU reference for TrainerBenchmark: the same update, timed the same way.

One update = uniform sampling of a batch from in-memory arrays (100k synthetic CartPole-shaped
transitions), forward/backward of an MLP Q-network, Huber TD loss on a target network (DQN: max;
Double DQN: the online argmax; CQL: Double DQN target + alpha * (logsumexp - Q(s, a))),
global-norm clipping at 10, Adam. Warm-up (at least 200 updates and 2 s, as on the Java side) is
not timed. Prints {"updates_per_s": ...} like the Java benchmark.

HIDDEN = minatar: MinAtar's own network (examples/dqn.py: conv 16 3x3 stride 1, ReLU, dense 128,
ReLU, linear) over 100k synthetic MinAtar-Breakout-shaped uint8 images [10, 10, 4] (6 actions),
stored as uint8 in PyTorch's own NCHW layout and cast to float per batch, as the Java side keeps
uint8 NHWC (TensorFlow's layout) and casts in the graph.

usage: torch_reference.py dqn|double-dqn|cql 64,64|minatar BATCH STEPS THREADS

Debian's torch runs its matrix products in OpenBLAS, whose pthread pool is separate from
torch.set_num_threads. OPENBLAS_NUM_THREADS defaults to 1 here: with 2 OpenBLAS threads next to
2 torch threads on a 2-core machine the CQL case fell from 325 to 82 updates/s (oversubscribed),
and at THREADS=1 it would otherwise use a second core that the Java side does not get.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy/torch load OpenBLAS

import numpy as np
import torch
import torch.nn.functional as F


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


class MinAtarNet(torch.nn.Module):
    """MinAtar's QNetwork (examples/dqn.py), over NCHW uint8 batches cast to float."""

    def __init__(self, channels, actions):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, 16, kernel_size=3, stride=1)
        self.fc_hidden = torch.nn.Linear(8 * 8 * 16, 128)
        self.output = torch.nn.Linear(128, actions)

    def forward(self, x):
        x = F.relu(self.conv(x.float()))
        x = F.relu(self.fc_hidden(x.reshape(x.size(0), -1)))
        return self.output(x)


def cartpole_data(rng, n):
    scale = np.array([2.4, 3.0, 0.21, 3.0], dtype=np.float32)
    obs = (rng.uniform(-1, 1, (n, 4)).astype(np.float32) * scale)
    next_obs = obs + rng.uniform(-0.05, 0.05, (n, 4)).astype(np.float32)
    actions = rng.integers(0, 2, n)
    returns = np.ones(n, dtype=np.float32)
    discounts = np.where(rng.uniform(size=n) < 0.05, 0.0, 0.99).astype(np.float32)
    return obs, next_obs, actions, returns, discounts


def minatar_data(rng, n):
    obs = (rng.uniform(size=(n, 10, 10, 4)) < 0.1).astype(np.uint8)
    flip = (rng.uniform(size=obs.shape) < 0.02).astype(np.uint8)
    next_obs = obs ^ flip
    # PyTorch's native layout, as MinAtar's get_state permutes each state once: NCHW
    obs = np.ascontiguousarray(obs.transpose(0, 3, 1, 2))
    next_obs = np.ascontiguousarray(next_obs.transpose(0, 3, 1, 2))
    actions = rng.integers(0, 6, n)
    returns = np.where(rng.uniform(size=n) < 0.05, 1.0, 0.0).astype(np.float32)
    discounts = np.where(rng.uniform(size=n) < 0.02, 0.0, 0.99).astype(np.float32)
    return obs, next_obs, actions, returns, discounts


def main(algo, hidden, batch, steps, threads):
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    rng = np.random.default_rng(42)
    n = 100_000
    images = hidden == "minatar"
    obs, next_obs, actions, returns, discounts = (minatar_data if images else cartpole_data)(rng, n)
    obs_t, next_t = torch.from_numpy(obs), torch.from_numpy(next_obs)
    act_t, ret_t, disc_t = torch.from_numpy(actions), torch.from_numpy(returns), torch.from_numpy(discounts)

    if images:
        online, target = MinAtarNet(4, 6), MinAtarNet(4, 6)
    else:
        sizes = [4] + hidden + [2]
        online, target = mlp(sizes), mlp(sizes)
    target.load_state_dict(online.state_dict())
    opt = torch.optim.Adam(online.parameters(), lr=3e-4)

    def update():
        idx = torch.randint(0, n, (batch,))
        s, a, r, d, s2 = obs_t[idx], act_t[idx], ret_t[idx], disc_t[idx], next_t[idx]
        q = online(s)
        q_taken = q.gather(1, a.unsqueeze(1)).squeeze(1)
        with torch.no_grad():
            next_target = target(s2)
            if algo in ("cql", "double-dqn"):
                best = online(s2).argmax(1, keepdim=True)
                next_v = next_target.gather(1, best).squeeze(1)
            else:
                next_v = next_target.max(1).values
            y = r + d * next_v
        loss = F.smooth_l1_loss(q_taken, y)
        if algo == "cql":
            loss = loss + 1.0 * (torch.logsumexp(q, 1) - q_taken).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(online.parameters(), 10.0)
        opt.step()

    warmup_start, warmed = time.perf_counter(), 0
    while warmed < 200 or time.perf_counter() - warmup_start < 2.0:
        update()
        warmed += 1
    start = time.perf_counter()
    for _ in range(steps):
        update()
    seconds = time.perf_counter() - start
    print(json.dumps({"updates_per_s": round(steps / seconds, 1), "impl": "pytorch " + torch.__version__,
                      "algo": algo, "hidden": hidden, "batch": batch, "steps": steps,
                      "threads": threads, "openblas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
                      "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2] if sys.argv[2] == "minatar" else [int(h) for h in sys.argv[2].split(",")], int(sys.argv[3]),
         int(sys.argv[4]), int(sys.argv[5]))
