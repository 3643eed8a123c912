#!/usr/bin/env bash
# Set up the bench environment for bench/peers.py and bench/suite_cost.py: a venv OUTSIDE the repo holding
# the competitors (never in mockserver's own dependencies), plus the openai SDK and mockserver (editable).
#
#   bash bench/setup_peers.sh            # creates/updates $BENCH_ENV (default /work/bench-env)
#   $BENCH_ENV/bin/python bench/peers.py
#
# Idempotent: re-running installs only what is missing. A peer that does not install is skipped with a
# line saying so; the benchmarks then skip it too. Only the package registries are used (pip, npm).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
ENV="${BENCH_ENV:-/work/bench-env}"
PY="${PYTHON:-python3}"

case "$ENV" in "$ROOT"/*) echo "BENCH_ENV must be outside the repository ($ROOT)"; exit 2;; esac

if [ ! -x "$ENV/bin/python" ]; then
  "$PY" -m venv "$ENV" || { echo "cannot create venv at $ENV"; exit 1; }
fi
PIP=("$ENV/bin/python" -m pip install --disable-pip-version-check -q)

have() { "$ENV/bin/python" -m pip show -q "$1" >/dev/null 2>&1; }

# Ours and the SDK every peer is driven through.
# Importing the app checks mockserver's own dependencies too (a dependency added since the last setup).
if ! have openai || ! have matplotlib || ! have pytest-xdist || ! "$ENV/bin/python" -c "import mockserver.app" 2>/dev/null; then
  "${PIP[@]}" -e "$ROOT[test,bench]" "openai>=3" || { echo "cannot install mockserver/openai into $ENV"; exit 1; }
fi

# Python peers: each optional. A failure is reported and skipped.
for peer in mock-ai-api llm-mock-api aimock-pytest; do
  if have "$peer"; then
    echo "peer $peer: already installed"
  elif "${PIP[@]}" "$peer" >"$ENV/install-$peer.log" 2>&1; then
    echo "peer $peer: installed ($("$ENV/bin/python" -m pip show "$peer" 2>/dev/null | sed -n 's/^Version: //p'))"
  else
    echo "peer $peer: SKIPPED, pip install failed (see $ENV/install-$peer.log)"
  fi
done
# Installing peers must not have replaced the SDK with a pre-3.x one: the benchmark drives all through 3.x.
"$ENV/bin/python" -c 'import openai, sys; sys.exit(0 if int(openai.__version__.split(".")[0]) >= 3 else 1)' ||
  "${PIP[@]}" "openai>=3" || echo "warning: openai>=3 not installed in $ENV"

# aimock, the npm CLI.
NODE_DIR="$ENV/node"
if ! command -v npm >/dev/null 2>&1; then
  echo "peer aimock: SKIPPED, npm not found"
elif [ -e "$NODE_DIR/node_modules/@copilotkit/aimock/package.json" ]; then
  echo "peer aimock: already installed"
else
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"name":"mockserver-bench-peers","private":true}' >"$NODE_DIR/package.json"
  if npm install --prefix "$NODE_DIR" --no-audit --no-fund @copilotkit/aimock >"$ENV/install-aimock.log" 2>&1; then
    echo "peer aimock: installed ($(node -p "require('$NODE_DIR/node_modules/@copilotkit/aimock/package.json').version"))"
  else
    echo "peer aimock: SKIPPED, npm install failed (see $ENV/install-aimock.log)"
  fi
fi
echo "bench environment ready: $ENV (run: $ENV/bin/python bench/peers.py)"
