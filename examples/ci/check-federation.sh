#!/usr/bin/env bash
# A CI step: roll out the federated manifests, then fail the pipeline unless every member
# cluster has them and doctor finds nothing failing. Uses only -o json and exit statuses.
#
#   examples/ci/check-federation.sh examples/
#
# Needs kubectl-fed (and jq) on PATH, KUBECONFIG and a joined federation.
set -uo pipefail
manifests=${1:?usage: check-federation.sh MANIFEST_DIR}

kubectl-fed apply -R -f "$manifests"
case $? in
  0) ;;
  2) echo "ci: the manifests are invalid; nothing was sent" >&2; exit 2 ;;
  3) echo "ci: some member clusters were not updated (named above)" >&2; exit 1 ;;
  *) echo "ci: apply failed on every member" >&2; exit 1 ;;
esac

# Every member must hold every ingress: a per-cluster error in the JSON fails the step.
ingresses=$(kubectl-fed get ingress -o json)
status=$?
if [ "$status" -ne 0 ]; then
  echo "$ingresses" | jq -r '.errors[] | "ci: \(.cluster): \(.reason): \(.message)"' >&2
  exit 1
fi
echo "$ingresses" | jq -r '.items[] | "\(.cluster)\t\(.object.metadata.name)\t\(.object.status.loadBalancer.ingress[0].ip // "pending")"'

# doctor: exit 1 when a check fails; print each failing check with its fix.
report=$(kubectl-fed doctor -o json)
status=$?
echo "$report" | jq -r '.checks[] | select(.status == "fail") | "ci: \(.id) \(.cluster // "-"): \(.message) -- fix: \(.fix)"' >&2
exit "$status"
