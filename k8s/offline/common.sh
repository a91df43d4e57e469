# shellcheck shell=bash disable=SC2034 # its variables are for the scripts that source it
# Shared by the offline cluster's scripts: versions, where things live, messages.
# Sourced, not run.

KUBERNETES_VERSION=v1.33.13 # 1.33: the last minor that takes containerd 1.x and cgroup v1
ETCD_VERSION=v3.5.21        # the etcd Kubernetes 1.33 is tested with
COREDNS_VERSION=v1.12.4
LOCAL_PATH_PROVISIONER_VERSION=v0.0.30
KUBE_ROUTER_VERSION=v2.1.0 # NetworkPolicy enforcement only (its router and proxy stay off)
DEBIAN_SUITE=bookworm

offline_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$offline_dir/../.." && pwd)"
cache="${FAULTLINE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}"
# Built once per machine and reused: binaries, root filesystems, image archives.
cluster_cache="$cache/offline-cluster"
bin_dir="$cluster_cache/bin-$KUBERNETES_VERSION"
# Per-cluster state: PKI, configs, logs, pids, etcd data, volumes. `down --purge` removes it.
state="${FAULTLINE_CLUSTER_STATE:-$cache/offline-cluster-state}"

# Addresses (all local; see README "Offline cluster"). The node's address sits on a dummy
# interface with a /32, so nothing outside this machine routes to it.
node_ip=10.87.0.1
node_if=faultline0
pod_cidr=10.88.0.0/16
pod_gateway=10.88.0.1
pod_bridge=faultline-br0
service_cidr=10.96.0.0/16
kubernetes_service_ip=10.96.0.1
dns_service_ip=10.96.0.10
node_name=faultline-node
api_port=6443

say() { printf '%s: %s\n' "${script_name:-offline-cluster}" "$*"; }
fail() {
  printf '%s: %s\n' "${script_name:-offline-cluster}" "$*" >&2
  exit 1
}
need_root() {
  [[ $(id -u) -eq 0 ]] || fail "must run as root (containerd, iptables and network interfaces need it)"
}

# containerd of the cluster's own, apart from any system one: its images persist in the cache
# (built once per machine), its runtime state (mounts, network namespaces) lives under /run.
containerd_root="$cluster_cache/containerd"
containerd_state=/run/faultline-containerd
containerd_socket="$containerd_state/containerd.sock"
# Image archives (docker-save format) that build-images.sh writes and `cluster.sh up` imports.
images_dir="$cluster_cache/images"
# Every locally built image is named faultline.local/<name>:<tag>; nothing is ever pulled.
image_prefix=faultline.local

# The locally built images and their tags (images.env).
# shellcheck source=k8s/offline/images.env
source "$offline_dir/images.env"
image_tag() { # name
  local entry
  for entry in "${offline_images[@]}"; do
    [[ ${entry%%:*} == "$1" ]] && { printf '%s\n' "${entry#*:}"; return; }
  done
  fail "no image named $1 in images.env"
}
image_ref() { printf '%s/%s:%s\n' "$image_prefix" "$1" "$(image_tag "$1")"; }
