# shellcheck shell=bash disable=SC2154 # state, node_ip, ... come from common.sh
# The cluster's PKI, made with openssl: one CA, a serving certificate for the API server and
# the kubelet, a client certificate per component, the service-account signing key, and a
# kubeconfig per client. Sourced by cluster.sh; writes into "$state/pki".

# issue NAME SUBJECT [SUBJECT_ALT_NAMES]: an ECDSA P-256 key and a certificate signed by the CA,
# usable both to serve and as a client (the kubelet's does both).
issue() {
  local name=$1 subject=$2 sans=${3:-} dir="$state/pki"
  local ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth"
  [[ -n $sans ]] && ext+=$'\n'"subjectAltName=$sans"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key" 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "$subject" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 365 -out "$dir/$name.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$dir/$name.csr"
}

# kubeconfig NAME: a kubeconfig for the client certificate NAME, at https://node_ip:api_port.
kubeconfig() {
  local name=$1 dir="$state/pki"
  cat >"$dir/$name.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: faultline-offline
    cluster: { certificate-authority: $dir/ca.crt, server: 'https://$node_ip:$api_port' }
users:
  - name: $name
    user: { client-certificate: $dir/$name.crt, client-key: $dir/$name.key }
contexts:
  - name: faultline-offline
    context: { cluster: faultline-offline, user: $name }
current-context: faultline-offline
KUBECONFIG
}

write_pki() {
  local dir="$state/pki"
  [[ -f $dir/.complete ]] && return
  rm -rf "$dir" && mkdir -p "$dir" && chmod 700 "$dir"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=faultline-offline-ca" -days 365 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.crt" 2>/dev/null
  local service_names="DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  service_names+=",DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  issue apiserver /CN=kube-apiserver "$service_names,IP:127.0.0.1,IP:$node_ip,IP:$kubernetes_service_ip"
  issue kubelet "/CN=system:node:$node_name/O=system:nodes" "DNS:$node_name,IP:$node_ip,IP:127.0.0.1"
  issue apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client/O=system:masters"
  # The API server's aggregation layer presents this one; requestheader-allowed-names names it.
  issue front-proxy-client /CN=front-proxy-client
  issue admin "/CN=faultline-admin/O=system:masters"
  issue controller-manager /CN=system:kube-controller-manager
  issue scheduler /CN=system:kube-scheduler
  issue kube-proxy /CN=system:kube-proxy
  issue kube-router /CN=faultline:kube-router
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/service-accounts.key" 2>/dev/null
  openssl pkey -in "$dir/service-accounts.key" -pubout -out "$dir/service-accounts.pub" 2>/dev/null
  for client in admin controller-manager scheduler kube-proxy kube-router kubelet; do kubeconfig "$client"; done
  touch "$dir/.complete"
}
