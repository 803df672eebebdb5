#!/usr/bin/env bash
# OPE accuracy sweep (docs/ALGORITHMS.md, "OPE accuracy on CartPole-v1"): logs CartPole-v1 under the
# hand controller with a linear ε schedule (unless DATA already holds a log), evaluates every
# target artifact over 100 seeded episodes, runs `ope` on each and prints per target the true
# return, every estimate [interval], ESS and error, then Spearman's rank correlation per
# estimator. Needs python3 for the table.
#
#   trainer-job/bench/ope-sweep.sh DATA TARGET_DIR... [-- extra ope flags]
#
# e.g. trainer-job/bench/ope-sweep.sh /tmp/ope2h/data100k /tmp/ope2/targets/{a,b,c,d,e}
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
  echo "usage: $0 DATA TARGET_DIR... [-- extra ope flags]" >&2
  exit 2
fi
data=$1
shift
targets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  targets+=("$1")
  shift
done
[ $# -gt 0 ] && shift
out=$(mktemp -d)
if [ ! -d "$data/experience" ]; then
  ./replayflow collect --data "$data" --env CartPole-v1 --behaviour cartpole-hand \
      --epsilon 1.0:0.1:70000 --transitions 100000 --envs 16 --seed 1 --json | tail -1
fi
for t in "${targets[@]}"; do
  n=$(basename "$t")
  ./replayflow evaluate --policy "$t" --env CartPole-v1 --episodes 100 --seed 0 --json \
      | tail -1 > "$out/$n.true"
  start=$(date +%s)
  ./replayflow ope --policy "$t" --data "$data" --env CartPole-v1 --json "$@" \
      | tail -1 > "$out/$n.ope"
  echo "$n: ope $(( $(date +%s) - start )) s, load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
python3 - "$out" "${targets[@]}" <<'PY'
import json, os, sys
out, targets = sys.argv[1], [os.path.basename(t) for t in sys.argv[2:]]
rows = []
for n in targets:
    true = json.load(open(f"{out}/{n}.true"))["mean_return"]
    est = json.load(open(f"{out}/{n}.ope"))["estimates"]
    rows.append((n, true, est))
methods = list(rows[0][2])
print("| target | true | " + " | ".join(methods) + " |")
print("|---|---|" + "---|" * len(methods))
for n, true, est in rows:
    cells = []
    for m in methods:
        e = {k: (float("nan") if v is None else v) for k, v in est[m].items()}
        err = 100 * (e["value"] - true) / true
        cells.append(f"{e['value']:.1f} [{e['low']:.1f}, {e['high']:.1f}] ESS {e['ess']:.1f} ({err:+.0f} %)")
    print(f"| {n} | {true:.1f} | " + " | ".join(cells) + " |")

def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r

def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else float("nan")

truth = [t for _, t, _ in rows]
for m in methods:
    within = sum(abs(est[m]["value"] - t) <= 0.15 * t for _, t, est in rows)
    rho = spearman(truth, [est[m]["value"] for _, _, est in rows])
    print(f"{m}: Spearman {rho:.2f}, within 15 % for {within} of {len(rows)} targets")
PY
rm -rf "$out"
