#!/usr/bin/env bash
# The offline single-node Kubernetes cluster: `up` (default), `down`, `status`, `env`.
#   up      install what is missing (Debian packages, binaries, images: built once per machine,
#           cached), then start containerd, etcd, the control plane, kubelet, kube-proxy,
#           kube-router, CoreDNS and local-path storage as supervised processes; wait for the node
#           to be Ready. On a running cluster: rebuild and import the images that changed.
#   down    stop everything and remove every trace: processes, containers, mounts, cgroups,
#           interfaces, iptables rules, state. The cache (binaries, images) stays.
#   status  what runs, and whether the node is Ready. Exit 0 only when it is.
#   env     the shell exports for kubectl and helm (eval "$(npm run -s cluster -- env)").
#   describe  the cluster's paths and addresses as JSON (for tests and tools).
set -euo pipefail
script_name=cluster
offline="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=k8s/offline/common.sh
source "$offline/common.sh"
# shellcheck source=k8s/offline/pki.sh
source "$offline/pki.sh"
# shellcheck source=k8s/offline/host-network.sh
source "$offline/host-network.sh"

daemons=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kube-router)
pki="$state/pki"
kubectl=("$bin_dir/kubectl" --kubeconfig "$pki/admin.kubeconfig")
started=$SECONDS
quiet="" # teardown sets it: no progress lines

elapsed() { printf '%3ss' "$((SECONDS - started))"; }
step() { say "$(elapsed) $*"; }

# until_ready SECONDS WHAT LOG COMMAND...: polls COMMAND until it succeeds; when it does not
# within SECONDS, shows the end of LOG and fails naming WHAT.
until_ready() {
  local limit=$1 what=$2 log=$3 deadline=$((SECONDS + $1))
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      [[ -f $log ]] && tail -n 20 "$log" >&2
      fail "$what not ready after ${limit}s; see $log"
    fi
    sleep 0.5
  done
}

pid_of() { [[ -f $state/run/$1.pid ]] && cat "$state/run/$1.pid"; }
alive() { local pid; pid="$(pid_of "$1")" && kill -0 "$pid" 2>/dev/null; }

start_daemon() { # NAME COMMAND...
  local name=$1
  shift
  alive "$name" && return
  setsid "$offline/supervise.sh" "$name" "$@" >>"$state/logs/$name.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$state/run/$name.pid"
}

# stop_daemons NAME...: SIGTERM to each supervisor (which passes it on), all at once; past
# 10 s (the API server drains its watchers for up to a minute, pointless when the state goes
# next) what still runs ends with its whole session. Prints each as it stops unless QUIET.
stop_daemons() {
  local name pid deadline=$((SECONDS + 10))
  local -A pids=()
  for name in "$@"; do
    pid="$(pid_of "$name")" && kill -TERM "$pid" 2>/dev/null && pids[$name]=$pid
    rm -f "$state/run/$name.pid"
  done
  while ((${#pids[@]})); do
    for name in "${!pids[@]}"; do
      pid=${pids[$name]}
      if ((SECONDS >= deadline)) && kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null; fi
      if ! kill -0 "$pid" 2>/dev/null; then
        unset "pids[$name]"
        [[ -n $quiet ]] || step "$name stopped"
      fi
    done
    sleep 0.2
  done
}

ctr_k8s() { ctr --address "$containerd_socket" --namespace k8s.io "$@"; }

render() { # TEMPLATE OUT: substitutes exactly the cluster's variables, nothing else
  # shellcheck disable=SC2016 # envsubst's list of variable names, not an expansion
  local variables='${state} ${containerd_root} ${containerd_state} ${containerd_socket}
    ${node_ip} ${node_name} ${pod_cidr} ${pod_gateway} ${pod_bridge} ${service_cidr} ${dns_service_ip}
    ${pause_image} ${coredns_image} ${local_path_provisioner_image} ${debian_image}'
  pause_image="$(image_ref pause)" coredns_image="$(image_ref coredns)"
  local_path_provisioner_image="$(image_ref local-path-provisioner)" debian_image="$(image_ref debian)"
  export state containerd_root containerd_state containerd_socket node_ip node_name pod_cidr \
    pod_gateway pod_bridge service_cidr dns_service_ip pause_image coredns_image \
    local_path_provisioner_image debian_image
  envsubst "$variables" <"$1" >"$2"
}

install_packages() {
  local -A wanted=(
    [/usr/bin/containerd]=containerd [/usr/sbin/runc]=runc [/usr/lib/cni/bridge]=containernetworking-plugins
    [/usr/sbin/debootstrap]=debootstrap [/usr/sbin/iptables]=iptables [/usr/sbin/conntrack]=conntrack
    [/usr/sbin/ipset]=ipset
    [/usr/bin/openssl]=openssl [/usr/bin/envsubst]=gettext-base [/usr/bin/curl]=curl
  )
  local missing=() path
  for path in "${!wanted[@]}"; do [[ -x $path ]] || missing+=("${wanted[$path]}"); done
  ((${#missing[@]})) || return 0
  step "installing Debian packages: ${missing[*]}"
  # The packages must not start a system containerd of their own.
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1; fi
  local ok=1
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || ok=0
  if ((created)); then rm -f "$policy"; fi
  ((ok)) || fail "apt-get install ${missing[*]} failed; run it yourself to see why"
}

import_images() {
  mkdir -p "$containerd_root/imported"
  local archive name stamp
  for archive in "$images_dir"/*.tar; do
    name="$(basename "$archive" .tar)"
    stamp="$(stat -c '%s %Y' "$archive")"
    [[ "$(cat "$containerd_root/imported/$name" 2>/dev/null)" == "$stamp" ]] && continue
    step "importing image $name"
    ctr_k8s images import "$archive" >/dev/null || fail "could not import $archive"
    printf '%s\n' "$stamp" >"$containerd_root/imported/$name"
  done
}

apply_addon() { # NAME: k8s/offline/addons/NAME.yaml, rendered
  render "$offline/addons/$1.yaml" "$state/conf/$1.yaml"
  "${kubectl[@]}" apply -f "$state/conf/$1.yaml" >/dev/null || fail "could not apply the $1 addon"
}

node_ready() {
  [[ "$("${kubectl[@]}" get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

running() {
  local daemon
  for daemon in "${daemons[@]}"; do alive "$daemon" || return 1; done
}

print_usage() {
  cat <<USAGE
  eval "\$(npm run -s cluster -- env)"   # KUBECONFIG; kubectl $KUBERNETES_VERSION and helm on PATH
  kubectl get pods -A
  helm install faultline helm/faultline -f k8s/offline/values.yaml -n faultline --create-namespace
  npm run cluster -- down       # stops it and removes every trace
USAGE
}

cmd_up() {
  need_root
  if [[ -d $state ]] && running && node_ready; then
    # Images built from the repository (the apps') change with it: bring them in.
    bash "$offline/build-images.sh"
    import_images
    say "already up: node $node_name Ready (restart a workload to run a re-imported image)"
    print_usage
    return
  fi
  # Whatever a previous run left (a killed session leaves mounts, rules and files) goes first.
  [[ -d $state || -d $containerd_state ]] && teardown quiet
  install_packages
  # The images are made of what the local topology runs too (Kafka's jars, Toxiproxy's build).
  bash "$repo_root/scripts/provision.sh"
  step "binaries (built once per machine)"
  bash "$offline/build-binaries.sh"
  step "images (built once per machine)"
  bash "$offline/build-images.sh"

  mkdir -p "$state"/{run,logs,conf,etcd,kubelet,volumes,cni/net.d,cni/ipam}
  write_pki
  render "$offline/conf/containerd.toml" "$state/conf/containerd.toml"
  render "$offline/conf/cni.conflist" "$state/cni/net.d/10-faultline.conflist"
  render "$offline/conf/kubelet.yaml" "$state/conf/kubelet.yaml"
  render "$offline/conf/kube-proxy.yaml" "$state/conf/kube-proxy.yaml"
  cp "$offline/conf/resolv.conf" "$state/conf/resolv.conf"
  network_up

  start_daemon containerd containerd --config "$state/conf/containerd.toml"
  until_ready 30 containerd "$state/logs/containerd.log" ctr --address "$containerd_socket" version
  step "containerd up"
  import_images

  start_daemon etcd "$bin_dir/etcd" --name faultline --data-dir "$state/etcd" --log-level warn \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster faultline=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381
  until_ready 30 etcd "$state/logs/etcd.log" curl -sf http://127.0.0.1:2379/health
  step "etcd healthy"

  start_daemon kube-apiserver "$bin_dir/kube-apiserver" \
    --etcd-servers=http://127.0.0.1:2379 --advertise-address="$node_ip" --bind-address="$node_ip" \
    --secure-port="$api_port" --service-cluster-ip-range="$service_cidr" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$pki/apiserver-kubelet-client.key" --kubelet-preferred-address-types=InternalIP \
    --service-account-key-file="$pki/service-accounts.pub" --service-account-signing-key-file="$pki/service-accounts.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --profiling=false \
    --requestheader-client-ca-file="$pki/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group \
    --requestheader-username-headers=X-Remote-User \
    --proxy-client-cert-file="$pki/front-proxy-client.crt" --proxy-client-key-file="$pki/front-proxy-client.key"
  until_ready 90 kube-apiserver "$state/logs/kube-apiserver.log" \
    curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "https://$node_ip:$api_port/readyz"
  step "API server ready"
  apply_addon kube-router-rbac

  start_daemon kube-controller-manager "$bin_dir/kube-controller-manager" \
    --kubeconfig="$pki/controller-manager.kubeconfig" --authentication-kubeconfig="$pki/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$pki/controller-manager.kubeconfig" --bind-address=127.0.0.1 --leader-elect=false \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" --root-ca-file="$pki/ca.crt" \
    --service-account-private-key-file="$pki/service-accounts.key" --use-service-account-credentials=true \
    --service-cluster-ip-range="$service_cidr"
  start_daemon kube-scheduler "$bin_dir/kube-scheduler" --kubeconfig="$pki/scheduler.kubeconfig" \
    --authentication-kubeconfig="$pki/scheduler.kubeconfig" --authorization-kubeconfig="$pki/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false
  start_daemon kubelet "$bin_dir/kubelet" --config="$state/conf/kubelet.yaml" \
    --kubeconfig="$pki/kubelet.kubeconfig" --root-dir="$state/kubelet" \
    --node-ip="$node_ip" --hostname-override="$node_name"
  start_daemon kube-proxy "$bin_dir/kube-proxy" --config="$state/conf/kube-proxy.yaml"
  # NetworkPolicies: kube-router's policy controller alone (pod routing is the bridge's,
  # Services are kube-proxy's); no health or metrics port, so it listens nowhere.
  start_daemon kube-router "$bin_dir/kube-router" --kubeconfig="$pki/kube-router.kubeconfig" \
    --run-firewall=true --run-router=false --run-service-proxy=false --health-port=0 \
    --hostname-override="$node_name" --service-cluster-ip-range="$service_cidr"
  until_ready 90 "node $node_name" "$state/logs/kubelet.log" node_ready
  step "node $node_name Ready"

  apply_addon coredns
  apply_addon local-path-storage
  "${kubectl[@]}" -n kube-system rollout status deployment/coredns --timeout=90s >/dev/null ||
    fail "CoreDNS did not become ready; see kubectl -n kube-system describe pod -l k8s-app=kube-dns"
  "${kubectl[@]}" -n local-path-storage rollout status deployment/local-path-provisioner --timeout=90s >/dev/null ||
    fail "local-path-provisioner did not become ready"
  step "CoreDNS and local-path storage ready: the cluster is up"
  print_usage
}

# Stops every daemon and removes every trace of the cluster. QUIET: for leftovers before `up`.
teardown() {
  quiet=${1:-}
  report() { [[ -n $quiet ]] || step "$@"; }
  # The kubelet first, or it would start the containers removed below again.
  stop_daemons kubelet
  stop_daemons kube-proxy kube-router kube-scheduler kube-controller-manager kube-apiserver etcd
  if alive containerd; then
    local ids
    ids="$(ctr_k8s tasks ls -q 2>/dev/null || true)"
    for id in $ids; do ctr_k8s tasks kill --signal SIGKILL "$id" >/dev/null 2>&1 || true; done
    for id in $ids; do ctr_k8s tasks delete --force "$id" >/dev/null 2>&1 || true; done
    ids="$(ctr_k8s containers ls -q 2>/dev/null || true)"
    for id in $ids; do ctr_k8s containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  stop_daemons containerd
  # Whatever still runs in a pod's cgroup, or as a shim of this containerd, is a leftover.
  local cgroups=() pid
  mapfile -t cgroups < <(find /sys/fs/cgroup/*/kubepods -depth -type d 2>/dev/null)
  for dir in "${cgroups[@]}"; do
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$dir/cgroup.procs"
  done 2>/dev/null
  pkill -KILL -f -- "-address $containerd_socket" 2>/dev/null || true
  for dir in "${cgroups[@]}"; do rmdir "$dir" 2>/dev/null || true; done
  report "containers and cgroups removed"
  unmount_under "$containerd_state" "$state" "$containerd_root"
  network_down
  report "mounts, interfaces and iptables rules removed"
  rm -rf "$state" "$containerd_state"
  report "state removed ($state)"
}

unmount_under() { # PATH...: every mount below these paths, deepest first
  local prefix target
  for prefix in "$@"; do
    findmnt -rn -o TARGET | awk -v p="$prefix/" 'index($0 "/", p) == 1' | sort -r |
      while read -r target; do umount "$target" 2>/dev/null || umount -l "$target" || true; done
  done
}

cmd_down() {
  need_root
  if [[ ! -d $state && ! -d $containerd_state ]] && ! ip link show "$pod_bridge" >/dev/null 2>&1; then
    say "not running; nothing to remove"
    return
  fi
  teardown
}

cmd_status() {
  local daemon up=0
  for daemon in "${daemons[@]}"; do
    if alive "$daemon"; then printf '  %-24s running (supervisor pid %s)\n' "$daemon" "$(pid_of "$daemon")"; else
      printf '  %-24s stopped\n' "$daemon"
    fi
  done
  if node_ready; then
    say "node $node_name Ready (Kubernetes $KUBERNETES_VERSION)"
    up=1
  else
    say "node $node_name not ready"
  fi
  ((up))
}

cmd_env() {
  # kubectl, and the Helm scripts/provision.sh built (its toolchain.json says where).
  local path=$bin_dir helm
  helm="$(sed -n 's/^  "helm": "\(.*\)",$/\1/p' "$cache/toolchain.json" 2>/dev/null)"
  [[ -x $helm ]] && path+=":$(dirname "$helm")"
  # shellcheck disable=SC2016 # $PATH is for the shell that evaluates this
  printf 'export KUBECONFIG=%q\nexport PATH=%q:"$PATH"\n' "$pki/admin.kubeconfig" "$path"
}

images_json() {
  local entry name separator=""
  for entry in "${offline_images[@]}"; do
    name=${entry%%:*}
    printf '%s"%s": "%s"' "$separator" "$name" "$(image_ref "$name")"
    separator=", "
  done
}

cmd_describe() {
  cat <<JSON
{
  "kubernetesVersion": "$KUBERNETES_VERSION",
  "kubeconfig": "$pki/admin.kubeconfig",
  "kubectl": "$bin_dir/kubectl",
  "binDir": "$bin_dir",
  "state": "$state",
  "containerdRoot": "$containerd_root",
  "containerdState": "$containerd_state",
  "containerdSocket": "$containerd_socket",
  "nodeName": "$node_name",
  "nodeIp": "$node_ip",
  "podCidr": "$pod_cidr",
  "podBridge": "$pod_bridge",
  "serviceCidr": "$service_cidr",
  "images": {$(images_json)}
}
JSON
}

case "${1:-up}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
env) cmd_env ;;
describe) cmd_describe ;;
*) fail "usage: cluster.sh [up|down|status|env|describe]" ;;
esac
