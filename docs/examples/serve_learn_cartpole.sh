#!/usr/bin/env bash
# CartPole-v1 learned through `replayflow serve` by a Python client outside the JVM, while
# `replayflow learn` trains continuously (docs/SERVING.md, "Learning through the API").
#
#   docs/examples/serve_learn_cartpole.sh [DATA_DIR]
#
# Starts the stack with the decision service and the join job (reward horizon 3 s: rewards come
# 0-2 s late), then `learn`; drives CartPole in chunks of 10,000 decisions with
# serve_learn_cartpole.py (5 % of rewards dropped), and after each chunk evaluates the newest
# published version greedily over 100 seeded episodes. Stops at a mean return >= 475 or at
# 100,000 decisions, prints one line per chunk, and stops everything it started.
# Environment: RF (launcher, default ./replayflow), PYTHON (default python3), KAFKA_PORT,
# SERVE_PORT, CHUNK, BUDGET, TARGET, LEARN_ARGS (more `learn` flags; by default the demo's
# network: 256x256, lr 1e-3, batch 64, target copy every 100 steps; LEARN_ARGS=" " for learn's
# own defaults).
set -euo pipefail
RF=${RF:-./replayflow}
PYTHON=${PYTHON:-python3}
DATA=${1:-$(mktemp -d /tmp/rf-serve-learn-XXXX)}
KAFKA_PORT=${KAFKA_PORT:-19092}
SERVE_PORT=${SERVE_PORT:-18080}
CHUNK=${CHUNK:-10000}
BUDGET=${BUDGET:-100000}
TARGET=${TARGET:-475}
LEARN_ARGS=${LEARN_ARGS:---set trainer.hidden=256,256 --set trainer.lr=0.001 --set trainer.batch-size=64 --set trainer.target.update-period=100}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$DATA"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait || true; }
trap cleanup EXIT

$RF stack --data "$DATA" --kafka-port "$KAFKA_PORT" --serve-port "$SERVE_PORT" \
  --policy cartpole --reward-horizon 3s >"$DATA/stack.log" 2>&1 &
pids+=($!)
for _ in $(seq 180); do grep -q "Press Ctrl-C" "$DATA/stack.log" && break; sleep 1; done
grep -q "Press Ctrl-C" "$DATA/stack.log" || { echo "stack did not start: $DATA/stack.log"; exit 1; }

$RF learn --data "$DATA" --bootstrap "127.0.0.1:$KAFKA_PORT" --policy cartpole \
  --env CartPole-v1 $LEARN_ARGS >"$DATA/learn.log" 2>&1 &
pids+=($!)

used=0
best=-1
while (( used < BUDGET )); do
  $PYTHON "$HERE/serve_learn_cartpole.py" --url "http://127.0.0.1:$SERVE_PORT" \
    --decisions "$CHUNK" --run "c$used" --seed "$used" | tail -n 1 >"$DATA/chunk.json"
  used=$(( used + $($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["decisions"])' "$DATA/chunk.json") ))
  version=$(ls "$DATA/policies/cartpole" 2>/dev/null | sort -n | tail -n 1 || true)
  if [[ -z "$version" ]]; then
    echo "decisions $used: no version published yet ($(cat "$DATA/chunk.json"))"
    continue
  fi
  score=$($RF evaluate --policy "$DATA/policies/cartpole/$version" --env CartPole-v1 \
    --episodes 100 --seed 2026 --json | tail -n 1)
  mean=$($PYTHON -c 'import json,sys; print(json.loads(sys.argv[1])["mean_return"])' "$score")
  echo "decisions $used: v$version greedy mean return $mean over 100 seeded episodes; client $(cat "$DATA/chunk.json")"
  if $PYTHON -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$mean" "$TARGET"; then
    echo "reached $TARGET: v$version, $used decisions"
    $RF dataset inspect --bootstrap "127.0.0.1:$KAFKA_PORT" "$DATA" 2>/dev/null | grep -iA8 "dead" || true
    exit 0
  fi
done
echo "not reached within $BUDGET decisions"
$RF dataset inspect --bootstrap "127.0.0.1:$KAFKA_PORT" "$DATA" 2>/dev/null | grep -iA8 "dead" || true
exit 1
