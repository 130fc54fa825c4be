#!/usr/bin/env bash
# Set up a machine for `make run` / `make test` / `make bench`, then print the path
# of the Python that has Odoo 18.0 on the last line of standard output.
#
#  1. Debian packages: as root, install what is missing (PostgreSQL, wkhtmltopdf,
#     Chromium, build headers); otherwise print the one apt-get command to run.
#  2. The Python: $PYTHON if set (used as is); else `python3` when it imports
#     Odoo 18.0; else the repository's own virtual environment .venv/, created and
#     filled from ODOO_SOURCE (a source tree, an sdist or a URL; default: Odoo's
#     official 18.0 nightly source archive) the first time.
#  3. This repository's Python requirements, when one of them is missing.
#
# Every message goes to standard error, so `PY=$(tools/bootstrap.sh)` works.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

ODOO_SOURCE=${ODOO_SOURCE:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}
VENV=${VENV:-$repo/.venv}

say() { echo "bootstrap: $*" >&2; }
die() {
    echo "bootstrap: ERROR: $*" >&2
    exit 1
}

# --- 1. Debian packages --------------------------------------------------------
debian_missing() {
    local missing=()
    command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v make >/dev/null 2>&1 || missing+=(make)
    # Headers Odoo's requirements build against (python-ldap, psycopg2).
    [ -e /usr/include/ldap.h ] || missing+=(libldap2-dev)
    [ -e /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
    command -v pg_config >/dev/null 2>&1 || missing+=(libpq-dev)
    command -v gcc >/dev/null 2>&1 || missing+=(build-essential)
    echo "${missing[@]:-}"
}

if command -v apt-get >/dev/null 2>&1; then
    missing=$(debian_missing)
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = "0" ]; then
            say "installing Debian packages: $missing"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >&2
            # shellcheck disable=SC2086
            apt-get install -y -qq $missing >&2
        else
            say "missing Debian packages; run:"
            say "    sudo apt-get install -y $missing"
        fi
    fi
fi

# --- 2. The Python that has Odoo 18.0 -----------------------------------------
has_odoo() {
    "$1" -c "import odoo.release, sys; sys.exit(odoo.release.version_info[:2] != (18, 0))" \
        >/dev/null 2>&1
}

install_odoo() {
    local python=$1 source=$2 work
    work=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" RETURN
    case "$source" in
    http://* | https://*)
        say "downloading Odoo 18.0 from $source"
        curl -fsSL "$source" -o "$work/odoo.tar.gz" || die "cannot download $source
       Set ODOO_SOURCE to a local Odoo 18.0 source tree or sdist."
        source="$work/odoo.tar.gz"
        ;;
    esac
    if [ -f "$source" ]; then
        mkdir "$work/src"
        tar -xf "$source" -C "$work/src" || die "$source is not a readable archive"
        source=$(dirname "$(find "$work/src" -maxdepth 3 -name setup.py -print -quit)")
    fi
    [ -f "$source/setup.py" ] && [ -f "$source/requirements.txt" ] ||
        die "$source is not an Odoo source tree (no setup.py / requirements.txt)"
    # Odoo's pinned cbor2 5.4.2 only builds with setuptools < 70: constrain the build
    # environments of this step only, so newer tools installed later are not held back.
    echo "setuptools<70" >"$work/build-constraints.txt"
    say "installing Odoo's requirements into $python"
    PIP_CONSTRAINT="$work/build-constraints.txt" "$python" -m pip install -q \
        -r "$source/requirements.txt" >&2
    say "installing Odoo 18.0 from $source (not editable)"
    PIP_CONSTRAINT="$work/build-constraints.txt" "$python" -m pip install -q --no-deps \
        "$source" >&2
}

if [ -n "${PYTHON:-}" ]; then
    has_odoo "$PYTHON" || die "PYTHON=$PYTHON does not import Odoo 18.0"
    python=$PYTHON
elif command -v python3 >/dev/null 2>&1 && has_odoo python3; then
    python=$(command -v python3)
elif [ -x "$VENV/bin/python" ] && has_odoo "$VENV/bin/python"; then
    python=$VENV/bin/python
else
    command -v python3 >/dev/null 2>&1 || die "python3 is required"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtual environment $VENV"
        python3 -m venv "$VENV" >&2 || die "cannot create $VENV (apt-get install python3-venv)"
        "$VENV/bin/python" -m pip install -q --upgrade pip wheel >&2
    fi
    install_odoo "$VENV/bin/python" "$ODOO_SOURCE"
    has_odoo "$VENV/bin/python" || die "Odoo 18.0 is still not importable from $VENV"
    python=$VENV/bin/python
fi

# --- 3. This repository's requirements ------------------------------------------
if ! "$python" -c "import pytest_odoo, hypothesis, freezegun, stripe, websocket, localstripe, ruff, pylint_odoo
import importlib.util, sys
sys.exit(importlib.util.find_spec('odoo.addons.queue_job') is None)" >/dev/null 2>&1; then
    say "installing requirements-dev.txt into $python"
    "$python" -m pip install -q -r requirements-dev.txt >&2
fi

# --- 4. Odoo's long-polling process (servers with --workers) ---------------------
# gevent (pinned by Odoo) loads its plugins through pkg_resources, which does not find
# zope.interface >= 7 / zope.event >= 5.1 (their metadata use normalized names): the
# `gevent` process of a prefork server then dies at start and is respawned for ever.
# (Without pkg_resources, as in newer environments, gevent does not use it.)
if "$python" -c "import pkg_resources" >/dev/null 2>&1 &&
    ! "$python" -c "import pkg_resources; pkg_resources.require('gevent')" >/dev/null 2>&1; then
    say "installing zope.interface and zope.event that gevent's plugin loader finds"
    "$python" -m pip install -q "zope.interface<7" "zope.event<5.1" >&2
    "$python" -c "import pkg_resources; pkg_resources.require('gevent')" ||
        die "gevent cannot load its plugins in $python (Odoo's long-polling process)"
fi

echo "$python"
