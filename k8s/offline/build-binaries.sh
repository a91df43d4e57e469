#!/usr/bin/env bash
# Builds the cluster's binaries from the Go module proxy, once per machine, into the cache:
# Kubernetes (apiserver, controller-manager, scheduler, kubelet, kube-proxy, kubectl), etcd,
# CoreDNS, local-path-provisioner, kube-router and the pod sandbox ("pause"). Skips what is built already.
set -euo pipefail
script_name=build-binaries
# shellcheck source=k8s/offline/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v go >/dev/null || fail "Go is needed to build Kubernetes; install Go 1.24 or later"
mkdir -p "$bin_dir"
work="$cluster_cache/go-work"
mkdir -p "$work"

stamp() { printf '%s\n' "$1" >"$bin_dir/.$2.built"; }
built() { [[ -f "$bin_dir/.$2.built" && "$(cat "$bin_dir/.$2.built")" == "$1" ]]; }
elapsed() { printf '%ss' "$((SECONDS - $1))"; }

# A scratch module that requires one released module and builds its commands.
# Kubernetes' own go.mod points its ./staging/src/k8s.io/* modules at local directories that a
# module download does not have, so each is replaced by its published twin (v0.MINOR.PATCH).
scratch_module() { # name module version [replace lines...]
  local name=$1 module=$2 version=$3
  local dir="$work/$name"
  shift 3
  rm -rf "$dir" && mkdir -p "$dir"
  {
    printf 'module faultline.local/%s\n\ngo 1.24.0\n\nrequire %s %s\n' "$name" "$module" "$version"
    if (($#)); then printf '\nreplace (\n'; printf '\t%s\n' "$@"; printf ')\n'; fi
  } >"$dir/go.mod"
  printf '%s' "$dir"
}

# --- Kubernetes ------------------------------------------------------------------------
k8s_id="kubernetes $KUBERNETES_VERSION"
if ! built "$k8s_id" kubernetes; then
  say "building Kubernetes $KUBERNETES_VERSION (about 16 min on 2 cores the first time)"
  t0=$SECONDS
  gomod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  [[ -f $gomod ]] || fail "could not download k8s.io/kubernetes@$KUBERNETES_VERSION"
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  mapfile -t replaces < <(sed -n "s|^\t\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/.*|\1 => \1 $staging_version|p" "$gomod")
  ((${#replaces[@]} > 20)) || fail "found only ${#replaces[@]} staging replaces in Kubernetes' go.mod"
  dir="$(scratch_module kubernetes k8s.io/kubernetes "$KUBERNETES_VERSION" "${replaces[@]}")"
  commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
  packages=("${commands[@]/#/k8s.io/kubernetes/cmd/}")
  # Without these the binaries call themselves v0.0.0-master and Helm refuses charts with a
  # kubeVersion constraint.
  minor="${KUBERNETES_VERSION#v1.}" && minor="${minor%%.*}"
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.gitCommit=faultline-offline"
  done
  (
    cd "$dir"
    go get "${packages[@]/%/@$KUBERNETES_VERSION}"
    go build -trimpath -ldflags "$ldflags" -o "$bin_dir/" "${packages[@]}"
  ) || fail "building Kubernetes failed; see the output above"
  stamp "$k8s_id" kubernetes
  say "Kubernetes built in $(elapsed $t0)"
fi

# --- etcd: its server module has no main package of its own to `go install` -----------
etcd_id="etcd $ETCD_VERSION"
if ! built "$etcd_id" etcd; then
  say "building etcd $ETCD_VERSION"
  t0=$SECONDS
  dir="$(scratch_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION")"
  cp "$offline_dir/etcd/main.go" "$dir/main.go"
  (cd "$dir" && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$bin_dir/etcd" .) ||
    fail "building etcd failed; see the output above"
  stamp "$etcd_id" etcd
  say "etcd built in $(elapsed $t0)"
fi

# --- CoreDNS, local-path-provisioner, kube-router: plain `go install` --------------------
go_install() { # id binary package@version
  if built "$1" "$2"; then return; fi
  say "building $1"
  local t0=$SECONDS tmp="$work/gobin-$2"
  rm -rf "$tmp"
  GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$3" || fail "go install $3 failed"
  mv "$tmp"/* "$bin_dir/$2"
  stamp "$1" "$2"
  say "$1 built in $(elapsed "$t0")"
}
go_install "coredns $COREDNS_VERSION" coredns "github.com/coredns/coredns@$COREDNS_VERSION"
go_install "local-path-provisioner $LOCAL_PATH_PROVISIONER_VERSION" local-path-provisioner \
  "github.com/rancher/local-path-provisioner@$LOCAL_PATH_PROVISIONER_VERSION"
go_install "kube-router $KUBE_ROUTER_VERSION" kube-router \
  "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION"

# --- the pod sandbox: the project's own tiny init (k8s/offline/pause) ------------------
pause_id="pause $(sha256sum "$offline_dir/pause/main.go" | cut -c1-16)"
if ! built "$pause_id" pause; then
  (cd "$offline_dir/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin_dir/pause" .) ||
    fail "building pause failed"
  stamp "$pause_id" pause
fi
say "binaries ready in $bin_dir"
