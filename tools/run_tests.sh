#!/usr/bin/env bash
# The whole test suite, on two fresh databases (what `make test` runs):
#
#  1. core: `recurring_subscriptions` + `payment_demo` only, tested by Odoo's own
#     runner (`--test-enable --test-tags /recurring_subscriptions`), as runbot,
#     odoo.sh and OCA's CI do. It proves the core stands alone.
#  2. full: the core with `website_sale`, `payment_stripe` and the other apps the
#     bridges need; every bridge must have installed itself (auto_install). All
#     addons' tests run under pytest-odoo, HTTP tests and tours included.
#
# Each run prints how many tests it ran; the core's tests run in both and the
# counts must match. With PYTEST_ARGS (e.g. "-k renewal") only part 2 runs, on
# the tests selected.
#
# Environment: PY (python with Odoo 18.0), ADDONS_PATH, CORE_DB, FULL_DB,
# TEST_HTTP_PORT, PYTEST_ARGS.
set -uo pipefail
cd "$(dirname "$0")/.."

: "${PY:?PY must name the Python that has Odoo 18.0}"
: "${ADDONS_PATH:?}"
CORE_DB=${CORE_DB:-recurring_test_core}
FULL_DB=${FULL_DB:-recurring_test}
TEST_HTTP_PORT=${TEST_HTTP_PORT:-8069}
PYTEST_ARGS=${PYTEST_ARGS:-}

CORE=recurring_subscriptions
CORE_MODULES="$CORE,payment_demo"
# Apps whose presence must install the bridges by themselves.
FULL_APPS="website_sale,payment_stripe"
# Every addon of this repository (a folder with a manifest), core first.
ADDONS=$CORE
for manifest in */__manifest__.py; do
    addon=${manifest%/__manifest__.py}
    [ "$addon" = "$CORE" ] || ADDONS="$ADDONS $addon"
done

mkdir -p var
printf '[options]\nhttp_port = %s\n' "$TEST_HTTP_PORT" >var/test-odoo.cfg
odoo() { "$PY" -m odoo --addons-path="$ADDONS_PATH" --http-port="$TEST_HTTP_PORT" "$@"; }
fail() {
    echo "TESTS FAILED: $*" >&2
    exit 1
}

core_count=
if [ -z "$PYTEST_ARGS" ]; then
    echo "== 1/2 core alone ($CORE_MODULES), Odoo's own test runner =="
    dropdb --if-exists "$CORE_DB"
    log=var/test-core.log
    odoo -d "$CORE_DB" -i "$CORE_MODULES" --without-demo=all --test-enable \
        --test-tags "/$CORE" --stop-after-init --log-level=info >"$log" 2>&1
    status=$?
    grep -E "(ERROR|CRITICAL|FAIL:)" "$log" | grep -v "Importing test framework" | head -n 60
    summary=$(grep -oE "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n 1)
    dropdb --if-exists "$CORE_DB"
    [ -n "$summary" ] || fail "Odoo's runner printed no test summary (see $log)"
    echo "core, Odoo's runner: $summary"
    core_count=$(echo "$summary" | grep -oE "of [0-9]+ tests" | grep -oE "[0-9]+")
    [ "$status" = 0 ] || fail "core tests under Odoo's runner (exit $status, log: $log)"
    case "$summary" in "0 failed, 0 error(s)"*) ;; *) fail "core tests: $summary" ;; esac
fi

echo "== 2/2 all addons ($CORE_MODULES,$FULL_APPS + bridges), pytest-odoo =="
dropdb --if-exists "$FULL_DB"
odoo -d "$FULL_DB" -i "$CORE_MODULES,$FULL_APPS" --without-demo=all --stop-after-init \
    --log-level=warn || fail "installing $FULL_DB"
for addon in $ADDONS; do
    state=$(psql -d "$FULL_DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$addon'")
    [ "$state" = installed ] || {
        dropdb --if-exists "$FULL_DB"
        fail "$addon was not installed by itself (state: ${state:-unknown})"
    }
    echo "$addon: installed"
done
test_dirs=
for addon in $ADDONS; do [ -d "$addon/tests" ] && test_dirs="$test_dirs $addon/tests"; done
# shellcheck disable=SC2086
"$PY" -m pytest $test_dirs --odoo-database="$FULL_DB" --odoo-addons-path="$ADDONS_PATH" \
    --odoo-config=var/test-odoo.cfg --odoo-log-level=warn --odoo-http -q \
    --junitxml=var/pytest-full.xml $PYTEST_ARGS
status=$?
dropdb --if-exists "$FULL_DB"
[ "$status" = 0 ] || fail "pytest-odoo exit $status"

"$PY" tools/test_counts.py var/pytest-full.xml "$CORE" ${core_count:+--expect "$core_count"} ||
    fail "the core's test counts differ between the two runners"
