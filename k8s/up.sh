#!/usr/bin/env bash
# Brings faultline up on a local kind cluster: creates the cluster `faultline` (unless it
# exists), builds the image, loads it into the cluster and installs the Helm chart.
# Arguments go on to `helm upgrade --install`, e.g. `bash k8s/up.sh --set workload.backgroundRate=2`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster=faultline
namespace=faultline
release=faultline
# kind names the kubectl context after the cluster; naming it everywhere below means an
# install never lands on whichever cluster happens to be the current context.
context="kind-${cluster}"

say() { printf 'k8s/up: %s\n' "$*"; }
fail() {
  printf 'k8s/up: %s\n' "$*" >&2
  exit 1
}

missing=()
for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  fail "missing on PATH: ${missing[*]} (needs docker, kind, kubectl and helm)"
fi
docker info >/dev/null 2>&1 || fail "docker cannot reach a Docker engine: start it first"

# The image tag is the project's version; read without Node, which this script does not need.
version="$(sed -n 's/^  "version": "\([^"]*\)",$/\1/p' "${root}/package.json" | head -n 1)"
[[ -n "$version" ]] || fail "cannot read the version from ${root}/package.json"
image="faultline:${version}"

if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  say "cluster ${cluster} exists; reusing it"
else
  say "creating kind cluster ${cluster}"
  kind create cluster --name "$cluster" --config "${root}/k8s/kind-config.yaml"
fi

say "building ${image}"
docker build -t "$image" "$root"

# kind nodes cannot see the host's images: copy it onto every node (hence pullPolicy=Never).
say "loading ${image} into ${cluster}"
kind load docker-image "$image" --name "$cluster"

installed=0
if helm status "$release" --namespace "$namespace" --kube-context "$context" >/dev/null 2>&1; then
  installed=1
fi

say "installing the chart (release ${release}, namespace ${namespace}); this can take minutes"
helm upgrade --install "$release" "${root}/helm/faultline" \
  --kube-context "$context" \
  --namespace "$namespace" --create-namespace \
  --set image.repository=faultline \
  --set "image.tag=${version}" \
  --set image.pullPolicy=Never \
  --wait --timeout 10m \
  "$@"

if ((installed)); then
  # Same tag, same pod specs: Helm changes nothing, so running pods keep the image they
  # started with until they restart.
  say "upgraded in place; pods pick up a rebuilt ${image} when restarted:"
  say "  kubectl --context ${context} -n ${namespace} rollout restart deployment"
fi

helm status "$release" --namespace "$namespace" --kube-context "$context"
