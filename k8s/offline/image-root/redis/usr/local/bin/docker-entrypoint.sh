#!/bin/sh
# The official redis image's entrypoint contract: options or a .conf file alone mean
# redis-server; as root, the working directory (/data) is handed to the redis user and the
# server runs as it; files it writes are private (umask 0077). Then the command is exec'd.
set -eu
case ${1:-} in -* | *.conf) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
[ "$(umask)" != 0022 ] || umask 0077
exec "$@"
