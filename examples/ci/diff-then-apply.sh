#!/usr/bin/env bash
# A CI gate: show what would change in every member cluster, and apply only when something
# would and nothing failed. kubectl-fed diff exits 0 (no change), 1 (changes) or more
# (bad input, or a member that could not be read: its error is printed).
#
#   examples/ci/diff-then-apply.sh examples/services/
#
# Needs kubectl-fed on PATH, KUBECONFIG and a joined federation.
set -uo pipefail
manifests=${1:?usage: diff-then-apply.sh MANIFESTS}

kubectl-fed diff -R -f "$manifests"
case $? in
  0) echo "ci: every member already conforms; nothing to apply"; exit 0 ;;
  1) ;;
  *) echo "ci: diff failed (see above); nothing was applied" >&2; exit 2 ;;
esac
kubectl-fed apply -R -f "$manifests"
