#!/usr/bin/env bash
# The offline cluster's numbers: warm start (binaries and images cached) to node Ready and to
# DNS ready, then the idle CPU and RSS of its daemons (containerd, etcd, control plane,
# kubelet, kube-proxy) over a window. Brings the cluster up and down itself; root only.
# Usage: bash bench/offline-cluster.sh [WINDOW_SECONDS=30]   -> table + bench/results/offline-cluster-<time>.json
set -euo pipefail
window=${1:-30}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="$root/k8s/offline/cluster.sh"
results="$root/bench/results"
mkdir -p "$results"

if bash "$cluster" status >/dev/null 2>&1; then
  echo "bench: a cluster is up; take it down first (npm run cluster -- down)" >&2
  exit 1
fi
trap 'bash "$cluster" down >/dev/null' EXIT

log="$(mktemp)"
start=$(date +%s%N)
bash "$cluster" up | tee "$log"
total=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN {printf "%.1f", ns / 1e9}')
# cluster.sh prints "cluster:  Ns <step>" for each step, counted from its start.
ready=$(sed -n 's/^cluster: *\([0-9]*\)s node .* Ready$/\1/p' "$log")
dns=$(sed -n 's/^cluster: *\([0-9]*\)s CoreDNS and local-path storage ready.*/\1/p' "$log")
rm -f "$log"

state="$(bash "$cluster" describe | sed -n 's/^  "state": "\(.*\)",$/\1/p')"
ticks=$(getconf CLK_TCK)
declare -A pids cpu0 cpu1 rss
for pidfile in "$state"/run/*.pid; do
  name="$(basename "$pidfile" .pid)"
  # The daemon is the supervisor's only child.
  pids[$name]="$(pgrep -P "$(cat "$pidfile")" | head -n 1)"
done
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for name in "${!pids[@]}"; do cpu0[$name]=$(cpu_of "${pids[$name]}"); done
sleep "$window"
for name in "${!pids[@]}"; do
  cpu1[$name]=$(cpu_of "${pids[$name]}")
  rss[$name]=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/${pids[$name]}/status")
done

printf '\nwarm start: node Ready after %ss, CoreDNS and storage ready after %ss (up returned after %ss)\n' \
  "$ready" "$dns" "$total"
printf '\nidle over %ss:\n%-26s %8s %8s\n' "$window" daemon 'CPU %' 'RSS MiB'
json_daemons=""
total_cpu=0
total_rss=0
for name in $(printf '%s\n' "${!pids[@]}" | sort); do
  pct=$(awk -v t=$((cpu1[$name] - cpu0[$name])) -v hz="$ticks" -v w="$window" 'BEGIN {printf "%.1f", t * 100 / hz / w}')
  printf '%-26s %8s %8s\n' "$name" "$pct" "${rss[$name]}"
  total_cpu=$(awk -v a="$total_cpu" -v b="$pct" 'BEGIN {printf "%.1f", a + b}')
  total_rss=$((total_rss + rss[$name]))
  json_daemons+="${json_daemons:+,}\"$name\":{\"cpuPercentOfOneCore\":$pct,\"rssMiB\":${rss[$name]}}"
done
printf '%-26s %8s %8s\n' total "$total_cpu" "$total_rss"

out="$results/offline-cluster-$(date -u +%Y%m%dT%H%M%SZ).json"
printf '{"warmStartNodeReadySeconds":%s,"warmStartDnsReadySeconds":%s,"idleWindowSeconds":%s,"idle":{%s},"idleTotal":{"cpuPercentOfOneCore":%s,"rssMiB":%s}}\n' \
  "$ready" "$dns" "$window" "$json_daemons" "$total_cpu" "$total_rss" >"$out"
echo "written: $out"
