# shellcheck shell=bash disable=SC2154 # node_ip, pod_cidr, ... come from common.sh
# The host side of the cluster's network, and the rules that keep every packet on this machine.
# Sourced by cluster.sh.
#
#   node address   $node_ip/32 on lo: the API server, the kubelet and NodePorts listen there only
#   pods           $pod_cidr on the bridge $pod_bridge (gateway $pod_gateway), made by the CNI
#                  bridge plugin; no masquerading, so no pod address ever leaves the bridge
#   services       $service_cidr: virtual, DNAT by kube-proxy; routed to the bridge so that an
#                  address no Service holds goes nowhere rather than out the default route
#
# Firewall, in the mangle table so that no ACCEPT of another table or chain (kube-proxy's,
# kube-router's) can skip it: a DROP there is final. FAULTLINE-PREROUTING (before any DNAT):
# the node, pod and Service addresses take packets from lo and the bridge only.
# FAULTLINE-POSTROUTING (after DNAT and routing, for forwarded and local packets alike): a
# Service address nobody rewrote goes nowhere, and pod addresses leave through the bridge
# only. Frames the bridge forwards between two pods (br_netfilter is built into this kernel,
# so they pass here too) never leave it.
declare -A firewall_rules=(
  [PREROUTING]="-m physdev --physdev-is-bridged -j RETURN
-i lo -j RETURN
-i $pod_bridge -j RETURN
-d $node_ip -j DROP
-d $pod_cidr -j DROP
-d $service_cidr -j DROP"
  [POSTROUTING]="-d $service_cidr -j DROP
-m physdev --physdev-is-bridged -j RETURN
-o lo -j RETURN
-o $pod_bridge -j RETURN
-s $pod_cidr -j DROP
-d $pod_cidr -j DROP
-s $node_ip -j DROP"
)

network_up() {
  local was
  was="$(sysctl -n net.ipv4.ip_forward)"
  [[ -f $state/ip_forward.before ]] || printf '%s\n' "$was" >"$state/ip_forward.before"
  sysctl -qw net.ipv4.ip_forward=1 # routing between the bridge and the host (Service DNAT)
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 # kube-proxy must see pod-to-pod on the bridge

  ip addr show dev lo | grep -q " $node_ip/32 " || ip addr add "$node_ip/32" dev lo
  if ! ip link show "$pod_bridge" >/dev/null 2>&1; then
    ip link add "$pod_bridge" type bridge
  fi
  ip link set "$pod_bridge" up
  ip route replace "$service_cidr" dev "$pod_bridge"

  local hook chain rule
  for hook in PREROUTING POSTROUTING; do
    chain="FAULTLINE-$hook"
    iptables -t mangle -N "$chain" 2>/dev/null || iptables -t mangle -F "$chain"
    while read -r rule; do
      # shellcheck disable=SC2086 # a rule is a list of iptables words
      iptables -t mangle -A "$chain" $rule
    done <<<"${firewall_rules[$hook]}"
    iptables -t mangle -C "$hook" -j "$chain" 2>/dev/null || iptables -t mangle -I "$hook" 1 -j "$chain"
  done
}

# Removes what network_up, the CNI plugins, the kubelet and kube-proxy left: interfaces, routes,
# addresses and every KUBE-*, CNI-* and FAULTLINE-* chain in every table.
# kube-router's own --cleanup-config panics on this kernel (no IPVS), so this is generic.
network_down() {
  "$bin_dir/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local ours='^(KUBE|CNI|FAULTLINE)-' tool table chain numbers chains
  for tool in iptables ip6tables; do
    command -v "$tool" >/dev/null || continue
    for table in filter nat mangle raw; do
      mapfile -t chains < <("$tool" -t "$table" -S 2>/dev/null | sed -n -E 's/^-[NP] ([^ ]+).*/\1/p')
      # Jumps into our chains from chains that are not ours (INPUT, PREROUTING, ...), by
      # number: kube-router's rules carry quoted comments that a rule's text would split.
      for chain in "${chains[@]}"; do
        [[ $chain =~ $ours ]] && continue
        mapfile -t numbers < <("$tool" -t "$table" -L "$chain" -n --line-numbers 2>/dev/null |
          awk -v ours="$ours" 'NR > 2 && $2 ~ ours { print $1 }' | sort -rn)
        for n in "${numbers[@]}"; do "$tool" -t "$table" -D "$chain" "$n" || true; done
      done
      # Flushed first, all of them, since our chains jump to each other.
      for chain in "${chains[@]}"; do
        if [[ $chain =~ $ours ]]; then "$tool" -t "$table" -F "$chain"; fi
      done
      for chain in "${chains[@]}"; do
        if [[ $chain =~ $ours ]]; then "$tool" -t "$table" -X "$chain"; fi
      done
    done
  done
  if command -v ipset >/dev/null; then
    ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router)' | xargs -r -n 1 ipset destroy || true
  fi
  ip route del "$service_cidr" 2>/dev/null || true
  ip link del "$pod_bridge" 2>/dev/null || true
  ip addr del "$node_ip/32" dev lo 2>/dev/null || true
  if [[ -f $state/ip_forward.before ]]; then
    sysctl -qw "net.ipv4.ip_forward=$(cat "$state/ip_forward.before")"
  fi
}
