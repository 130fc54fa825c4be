#!/usr/bin/env bash
# The whole test suite, on two fresh databases (what `make test` runs):
#
#  1. core: `recurring_subscriptions` + `payment_demo` only, tested by Odoo's own
#     runner (`--test-enable --test-tags /recurring_subscriptions`), as runbot,
#     odoo.sh and OCA's CI do. It proves the core stands alone.
#  2. full: the core with `website_sale` and `payment_stripe`; their bridges must
#     have installed themselves (auto_install). The core's and these bridges' tests
#     run under pytest-odoo, HTTP tests and tours included.
#  3. one database per other bridge, with the app it bridges (e.g. `sale_stock`):
#     the bridge must install itself; its tests run under pytest-odoo. They get
#     databases of their own so that the core's tests run on a plain Odoo.
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
# Apps whose presence must install the bridges by themselves (stage 2).
FULL_APPS="website_sale,payment_stripe"
FULL_ADDONS="$CORE website_sale_recurring_subscriptions recurring_subscriptions_stripe"
# Stage 3: bridge=the apps it needs.
OTHER_BRIDGES="recurring_subscriptions_stock=sale_stock recurring_subscriptions_queue=queue_job"
# The queue bridge's tests that start real Odoo server processes (kill -9 mid cron, two
# servers at once, a dropped connection, the job runner, a slow or failing provider)
# run here too; RECURRING_SKIP_SERVER_TESTS=1 skips them for a quicker run.
export RECURRING_SKIP_SERVER_TESTS=${RECURRING_SKIP_SERVER_TESTS:-}

mkdir -p var
printf '[options]\nhttp_port = %s\n' "$TEST_HTTP_PORT" >var/test-odoo.cfg
odoo() { "$PY" -m odoo --addons-path="$ADDONS_PATH" --http-port="$TEST_HTTP_PORT" "$@"; }
fail() {
    echo "TESTS FAILED: $*" >&2
    exit 1
}

# check_installed DB ADDON...: each addon must be installed (by auto_install).
check_installed() {
    local db=$1 addon state
    shift
    for addon in "$@"; do
        state=$(psql -d "$db" -tAc "SELECT state FROM ir_module_module WHERE name = '$addon'")
        if [ "$state" != installed ]; then
            dropdb --if-exists "$db"
            fail "$addon was not installed by itself in $db (state: ${state:-unknown})"
        fi
        echo "$addon: installed"
    done
}

# run_pytest DB REPORT ADDON...: the addons' tests under pytest-odoo, then drop DB.
run_pytest() {
    local db=$1 report=$2 addon status dirs=()
    shift 2
    for addon in "$@"; do [ -d "$addon/tests" ] && dirs+=("$addon/tests"); done
    # shellcheck disable=SC2086
    "$PY" -m pytest "${dirs[@]}" --odoo-database="$db" --odoo-addons-path="$ADDONS_PATH" \
        --odoo-config=var/test-odoo.cfg --odoo-log-level=warn --odoo-http -q \
        --junitxml="$report" $PYTEST_ARGS
    status=$?
    dropdb --if-exists "$db"
    [ "$status" = 0 ] || fail "pytest-odoo exit $status on $db"
}

core_count=
if [ -z "$PYTEST_ARGS" ]; then
    echo "== 1: core alone ($CORE_MODULES), Odoo's own test runner =="
    dropdb --if-exists "$CORE_DB"
    log=var/test-core.log
    odoo -d "$CORE_DB" -i "$CORE_MODULES" --without-demo=all --test-enable \
        --test-tags "/$CORE" --stop-after-init --log-level=info >"$log" 2>&1
    status=$?
    grep -E "(ERROR|CRITICAL|FAIL:)" "$log" | grep -vE "Importing test framework|bad query|duplicate key" |
        cut -c1-400 | head -n 60
    summary=$(grep -oE "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n 1)
    dropdb --if-exists "$CORE_DB"
    [ -n "$summary" ] || fail "Odoo's runner printed no test summary (see $log)"
    echo "core, Odoo's runner: $summary"
    core_count=$(echo "$summary" | grep -oE "of [0-9]+ tests" | grep -oE "[0-9]+")
    [ "$status" = 0 ] || fail "core tests under Odoo's runner (exit $status, log: $log)"
    case "$summary" in "0 failed, 0 error(s)"*) ;; *) fail "core tests: $summary" ;; esac
fi

echo "== 2: core and e-shop, Stripe bridges ($CORE_MODULES,$FULL_APPS + bridges), pytest-odoo =="
dropdb --if-exists "$FULL_DB"
odoo -d "$FULL_DB" -i "$CORE_MODULES,$FULL_APPS" --without-demo=all --stop-after-init \
    --log-level=warn || fail "installing $FULL_DB"
check_installed "$FULL_DB" $FULL_ADDONS
run_pytest "$FULL_DB" var/pytest-full.xml $FULL_ADDONS
"$PY" tools/test_counts.py var/pytest-full.xml "$CORE" ${core_count:+--expect "$core_count"} ||
    fail "the core's test counts differ between the two runners"

stage=3
for entry in $OTHER_BRIDGES; do
    bridge=${entry%%=*}
    apps=${entry#*=}
    db="${FULL_DB}_${bridge#recurring_subscriptions_}"
    echo "== $stage: $bridge ($CORE_MODULES,$apps), pytest-odoo =="
    dropdb --if-exists "$db"
    odoo -d "$db" -i "$CORE_MODULES,$apps" --without-demo=all --stop-after-init \
        --log-level=warn || fail "installing $db"
    check_installed "$db" "$bridge"
    run_pytest "$db" "var/pytest-$bridge.xml" "$bridge"
    "$PY" tools/test_counts.py "var/pytest-$bridge.xml" "$CORE"
    stage=$((stage + 1))
done
echo "ALL TESTS PASSED"
