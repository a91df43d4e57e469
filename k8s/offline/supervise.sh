#!/usr/bin/env bash
# supervise.sh NAME COMMAND...: runs one cluster daemon and starts it again whenever it exits,
# until SIGTERM, which it passes on to the daemon before exiting. cluster.sh starts one per
# daemon, detached in a session of its own (so `down` can end the group if a daemon hangs).
set -uo pipefail
name=$1
shift
daemon=0
stop() {
  ((daemon)) && kill -TERM "$daemon" 2>/dev/null && wait "$daemon"
  exit 0
}
trap stop TERM INT
while :; do
  "$@" &
  daemon=$!
  wait "$daemon"
  status=$?
  printf '%s supervise: %s exited with status %s; starting it again in 2 s\n' "$(date -Is)" "$name" "$status"
  sleep 2 &
  wait $!
done
