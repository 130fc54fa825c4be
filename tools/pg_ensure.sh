#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on the default socket and that the
# current OS user has a superuser role in it. Starts (or creates) a local
# Debian cluster when nothing answers.
set -euo pipefail

if pg_isready -q 2>/dev/null; then
    echo "PostgreSQL is running."
else
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "ERROR: PostgreSQL is not running and Debian's postgresql package is not installed." >&2
        echo "       Install it (apt-get install postgresql) or start your own server." >&2
        exit 1
    fi
    cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
        version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
        echo "Creating PostgreSQL cluster $version/main"
        pg_createcluster "$version" main >/dev/null
        cluster="$version main"
    fi
    echo "Starting PostgreSQL cluster $cluster"
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start
    for _ in $(seq 1 30); do
        pg_isready -q && break
        sleep 1
    done
    pg_isready -q || { echo "ERROR: PostgreSQL did not start." >&2; exit 1; }
fi

me=$(id -un)
if ! psql -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
        echo "Creating PostgreSQL superuser role '$me'"
        runuser -u postgres -- psql -q -d postgres -c "CREATE ROLE \"$me\" SUPERUSER LOGIN" 
    else
        echo "ERROR: PostgreSQL runs but role '$me' cannot connect. Create it:" >&2
        echo "       sudo -u postgres createuser -s $me" >&2
        exit 1
    fi
fi
