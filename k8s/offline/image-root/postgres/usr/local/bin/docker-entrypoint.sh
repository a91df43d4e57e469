#!/usr/bin/env bash
# The official postgres image's entrypoint contract, for this image built from Debian's
# packages. `docker-entrypoint.sh postgres [option...]` (options alone imply postgres):
# - on an empty $PGDATA, initdb with POSTGRES_USER (default postgres), POSTGRES_PASSWORD,
#   POSTGRES_INITDB_ARGS and POSTGRES_INITDB_WALDIR (each also as <NAME>_FILE); host
#   connections get POSTGRES_HOST_AUTH_METHOD (default: the password encryption); then, on a
#   socket-only server started with the same options, create POSTGRES_DB (default: the user)
#   and run /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz;
# - as root, hand $PGDATA to the postgres user and continue as it;
# - finally exec the command. Any other command is exec'd as it is.
set -Eeuo pipefail

# VAR from itself or from the file VAR_FILE names.
file_env() { # var [default]
  local var=$1 file_var="$1_FILE" value=${2:-}
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    echo "error: both $var and $file_var are set (but are exclusive)" >&2
    exit 1
  fi
  if [[ -n ${!var:-} ]]; then
    value=${!var}
  elif [[ -n ${!file_var:-} ]]; then
    value="$(<"${!file_var}")"
  fi
  export "$var=$value"
  unset "$file_var"
}

wants_help() {
  local arg
  for arg; do
    case $arg in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
  done
  return 1
}

# psql as the superuser over the socket, stopping at the first error.
psql_as_superuser() {
  PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

# A server that listens on its socket only, for the set-up; options as the real one gets.
temp_server() { # start|stop [postgres option...]
  local action=$1
  shift
  if [[ $action == start ]]; then
    PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -w start \
      -o "$(printf '%q ' "$@" -c listen_addresses='' -p "${PGPORT:-5432}")"
  else
    PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop
  fi
}

init_database() { # [postgres option...]
  if [[ -z $POSTGRES_PASSWORD && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    echo "error: the database is uninitialized and POSTGRES_PASSWORD is not set" \
      "(or set POSTGRES_HOST_AUTH_METHOD=trust, not recommended)" >&2
    exit 1
  fi
  local waldir=()
  # shellcheck disable=SC2034 # read by the eval below
  [[ -z ${POSTGRES_INITDB_WALDIR:-} ]] || waldir=(--waldir "$POSTGRES_INITDB_WALDIR")
  # POSTGRES_INITDB_ARGS is a list of shell words, as upstream reads it.
  eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"' "${waldir[@]}"'
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption "$@")}" \
    >>"$PGDATA/pg_hba.conf"

  export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
  temp_server start "$@"
  local exists
  exists="$(psql_as_superuser --dbname postgres --set db="$POSTGRES_DB" --tuples-only \
    <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
  [[ -n $exists ]] || psql_as_superuser --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  local file
  for file in /docker-entrypoint-initdb.d/*; do
    case $file in
      *.sh)
        echo "$0: running $file"
        # shellcheck disable=SC1090 # the image user's own scripts
        if [[ -x $file ]]; then "$file"; else source "$file"; fi
        ;;
      *.sql) echo "$0: running $file" && psql_as_superuser --dbname "$POSTGRES_DB" -f "$file" ;;
      *.sql.gz) echo "$0: running $file" && gunzip -c "$file" | psql_as_superuser --dbname "$POSTGRES_DB" ;;
      *) [[ ! -e $file ]] || echo "$0: ignoring $file" ;;
    esac
  done
  temp_server stop
  unset PGPASSWORD
  echo "PostgreSQL init process complete; ready for start up."
}

main() {
  [[ ${1:-} != -* ]] || set -- postgres "$@"
  if [[ ${1:-} == postgres ]] && ! wants_help "$@"; then
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER postgres
    file_env POSTGRES_DB "$POSTGRES_USER"
    file_env POSTGRES_INITDB_ARGS
    : "${POSTGRES_HOST_AUTH_METHOD:=}"
    mkdir -p "$PGDATA"
    # These may fail where the user may not (a volume's root); PostgreSQL then says what it needs.
    chmod 00700 "$PGDATA" || :
    mkdir -p /var/run/postgresql || :
    chmod 03775 /var/run/postgresql || :
    if [[ -n ${POSTGRES_INITDB_WALDIR:-} ]]; then
      mkdir -p "$POSTGRES_INITDB_WALDIR"
      chmod 700 "$POSTGRES_INITDB_WALDIR" || :
    fi
    if [[ $(id -u) == 0 ]]; then
      find "$PGDATA" /var/run/postgresql ${POSTGRES_INITDB_WALDIR:+"$POSTGRES_INITDB_WALDIR"} \
        \! -user postgres -exec chown postgres '{}' +
      exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    if [[ -s $PGDATA/PG_VERSION ]]; then
      echo "PostgreSQL Database directory appears to contain a database; Skipping initialization"
    else
      init_database "${@:2}"
    fi
  fi
  exec "$@"
}

main "$@"
