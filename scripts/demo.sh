#!/usr/bin/env bash
# Start a local 3-cluster sandbox federation, look at every member with the real kubectl,
# then stop it (also on failure or Ctrl-C).
set -euo pipefail

SANDBOX_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kubectl-fed-demo.XXXXXX")"
export KUBECTL_FED_SANDBOX_DIR="$SANDBOX_DIR/sandbox"

cleanup() {
  kubectl-fed sandbox down >/dev/null 2>&1 || true
  rm -rf "$SANDBOX_DIR"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step 'eval "$(kubectl fed sandbox up --clusters 3)"'
eval "$(kubectl-fed sandbox up --clusters 3)"

step "kubectl fed sandbox status"
kubectl-fed sandbox status

if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is not installed: skipping the per-cluster kubectl views" >&2
  exit 0
fi

# the members in federation order, as the membership file lists them
members=$(python -c 'import os, yaml
config = yaml.safe_load(open(os.environ["KUBECTL_FED_CONFIG"]))
print(" ".join(config["federations"][config["current"]]["members"]))')
for context in $members; do
  step "kubectl --context=$context get ns,nodes"
  kubectl --context="$context" get ns,nodes
  step "kubectl --context=$context get svc -A"
  kubectl --context="$context" get svc -A
done

step "kubectl fed sandbox down"
kubectl-fed sandbox down
