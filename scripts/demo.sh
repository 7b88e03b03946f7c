#!/usr/bin/env bash
# The README walkthrough on a local 3-cluster sandbox federation: start it, create the
# Federated Ingress guide's service, replica set and ingress with `kubectl fed`, look at
# them through kubectl-fed and through the real kubectl on every member, then stop it
# (also on failure or Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

SANDBOX_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kubectl-fed-demo.XXXXXX")"
export KUBECTL_FED_SANDBOX_DIR="$SANDBOX_DIR/sandbox"

cleanup() {
  kubectl-fed sandbox down >/dev/null 2>&1 || true
  rm -rf "$SANDBOX_DIR"
}
trap cleanup EXIT

# Bold prompts on a terminal only: no escape codes reach a pipe or a file.
if [ -t 1 ]; then
  step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
else
  step() { printf '\n$ %s\n' "$*"; }
fi

# Through kubectl when it is installed (plugin discovery), else the plugin directly.
if command -v kubectl >/dev/null 2>&1; then
  fed() { kubectl fed "$@"; }
else
  fed() { kubectl-fed "$@"; }
fi

step 'eval "$(kubectl fed sandbox up --clusters 3)"'
eval "$(kubectl-fed sandbox up --clusters 3)"

step "kubectl fed clusters"
fed clusters

step "kubectl fed create -f examples/services/nginx.yaml -f examples/myreplicaset.yaml"
fed create -f examples/services/nginx.yaml -f examples/myreplicaset.yaml

step "kubectl fed create -f examples/myingress.yaml"
fed create -f examples/myingress.yaml

step "kubectl fed get ingress,service,replicaset"
fed get ingress,service,replicaset

if command -v kubectl >/dev/null 2>&1; then
  members=$(python -c 'import os, yaml
config = yaml.safe_load(open(os.environ["KUBECTL_FED_CONFIG"]))
print(" ".join(config["federations"][config["current"]]["members"]))')
  for context in $members; do
    step "kubectl --context=$context get ingress myingress"
    kubectl --context="$context" get ingress myingress
    step "kubectl --context=$context get services nginx"
    kubectl --context="$context" get services nginx
  done
else
  echo "kubectl is not installed: skipping the per-member kubectl views" >&2
fi

step "kubectl fed describe ingress myingress"
fed describe ingress myingress

if kubectl-fed doctor --help >/dev/null 2>&1; then
  step "kubectl fed doctor"
  fed doctor
fi

step "kubectl fed sandbox fail europe-west1 --mode unreachable"
kubectl-fed sandbox fail europe-west1 --mode unreachable

step "kubectl fed reconcile --request-timeout 2   # its replicas move to the others (exit 3)"
fed reconcile --request-timeout 2 || echo "exit $?"

step "kubectl fed sandbox heal europe-west1; kubectl fed reconcile   # and back"
kubectl-fed sandbox heal europe-west1
fed reconcile

step "kubectl fed reconcile   # converged: nothing left to do"
fed reconcile

step "kubectl fed sandbox down"
kubectl-fed sandbox down
