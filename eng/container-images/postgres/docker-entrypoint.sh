#!/bin/sh
# PostgreSQL as the official image starts it: on an empty $PGDATA, initdb with POSTGRES_USER and
# POSTGRES_PASSWORD (required), POSTGRES_INITDB_ARGS and POSTGRES_HOST_AUTH_METHOD for connections
# from other hosts, then POSTGRES_DB; arguments that start with '-' are the server's.
set -eu

if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
    set -- postgres "$@"
fi

if [ "$1" != postgres ]; then
    exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?is required: the server accepts no connection without a password}"
    user=${POSTGRES_USER:-postgres}
    password_file=$(mktemp)
    printf '%s' "$POSTGRES_PASSWORD" > "$password_file"
    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS holds several arguments, as in the official image
    initdb --username="$user" --pwfile="$password_file" ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA" >/dev/null
    rm -f "$password_file"
    printf "host all all all %s\n" "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
    # The container's own network is its only interface besides loopback.
    printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"

    database=${POSTGRES_DB:-$user}
    if [ "$database" != postgres ]; then
        pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
        PGPASSWORD=$POSTGRES_PASSWORD createdb --username="$user" --host=/var/run/postgresql "$database" 2>/dev/null || true
        pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    fi
fi

exec "$@"
