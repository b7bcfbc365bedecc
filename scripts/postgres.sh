#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `initdb` + `pg_ctl` in a directory of its
# own, listening only on 127.0.0.1 at a free port, no data kept. Logins over TCP need the
# password (SCRAM), so that tests can see a wrong one refused; the role and its password
# are both `contactkit`.
#
#   scripts/postgres.sh start DIR   creates and starts a cluster in DIR (which must not
#                                   exist) and prints its URL, e.g.
#                                   postgresql://contactkit:contactkit@127.0.0.1:54012/contactkit
#   scripts/postgres.sh stop DIR    stops it and removes DIR
#
# The tests find the server through CONTACTKIT_TEST_PG_URL; scripts/test.sh starts one
# with this script when the variable is unset, and stops it when the tests end. PostgreSQL
# is installed from Debian's packages when no server binaries are found. The server runs
# as the user `postgres` when this script runs as root (PostgreSQL refuses root).
set -euo pipefail

usage() { sed -n '2,14p' "$0" >&2; exit 2; }

# The directory holding initdb, pg_ctl and postgres: the newest Debian cluster version,
# else whatever is on PATH.
server_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    elif command -v initdb > /dev/null && command -v pg_ctl > /dev/null; then
        dirname "$(command -v initdb)"
    fi
}

install_server() {
    echo "postgres.sh: no PostgreSQL server found; installing Debian's postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
}

# A TCP port nothing listens on now (the kernel picks it).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs a server command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local dir="$1" bin port
    if [ -e "$dir" ]; then
        echo "postgres.sh: $dir exists; give a new directory" >&2
        exit 2
    fi
    bin="$(server_bin)"
    if [ -z "$bin" ]; then
        install_server
        bin="$(server_bin)"
    fi
    [ -n "$bin" ] || { echo "postgres.sh: PostgreSQL server binaries not found after installing" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ] && ! id postgres > /dev/null 2>&1; then
        useradd --system --no-create-home postgres
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port="$(free_port)"
    echo contactkit > "$dir/password"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir/password"
    as_owner "$bin/initdb" --pgdata "$dir/data" --username contactkit --pwfile "$dir/password" \
        --auth-local trust --auth-host scram-sha-256 \
        --encoding UTF8 --locale C.UTF-8 > "$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    # Loopback only; the socket in DIR so that it never meets a system cluster's; no
    # durability to speak of (a test cluster is thrown away), which makes commits quick.
    as_owner "$bin/pg_ctl" --pgdata "$dir/data" --log "$dir/server.log" --wait --silent \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" --host "$dir" --port "$port" --username contactkit contactkit
    echo "$bin" > "$dir/bin"
    echo "postgresql://contactkit:contactkit@127.0.0.1:$port/contactkit"
}

stop() {
    local dir="$1"
    [ -f "$dir/bin" ] || { echo "postgres.sh: no cluster in $dir" >&2; exit 1; }
    as_owner "$(cat "$dir/bin")/pg_ctl" --pgdata "$dir/data" --mode fast --wait --silent stop || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "${2:?$(usage)}" ;;
    stop) stop "${2:?$(usage)}" ;;
    *) usage ;;
esac
