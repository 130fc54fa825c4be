# Recurring Subscriptions for Odoo 18 — developer commands (see README.md).
#
# Every target that needs Odoo first runs tools/bootstrap.sh: it installs what is
# missing (Debian packages as root, Odoo 18.0 into .venv/ from ODOO_SOURCE when no
# Python here imports it, this repo's requirements) and records the Python to use.
PYTHON ?=
ODOO_SOURCE ?=
DEMO_DB ?= recurring_demo
TEST_DB ?= recurring_test
CORE_TEST_DB ?= recurring_test_core
BENCH_DB ?= recurring_bench
BENCH_N ?= 1000 5000
BENCH_REPORT_N ?= 10000
HTTP_PORT ?= 8069
TEST_HTTP_PORT ?= 8069
CORE := recurring_subscriptions
# Every addon of this repository: a folder with a manifest.
ADDONS := $(patsubst %/__manifest__.py,%,$(wildcard */__manifest__.py))
DEMO_MODULES := $(CORE),sale_management,payment_demo,website_sale,payment_stripe,sale_stock
BENCH_MODULES := $(CORE),payment_demo

# Evaluated when a recipe runs, so after `bootstrap` has written var/python.
PY = $(shell cat var/python)
ODOO = $(PY) -m odoo
ADDONS_PATH = $(shell $(PY) tools/addons_path.py)

.PHONY: help bootstrap pg run test lint format bench

help:
	@echo "make run    demo database '$(DEMO_DB)' with every addon, Odoo on http://localhost:$(HTTP_PORT)"
	@echo "make test   fresh databases: core alone (Odoo's runner), all addons (pytest-odoo)"
	@echo "make lint   ruff + pylint-odoo mandatory checks"
	@echo "make bench  renewal benchmark (N = $(BENCH_N)), then the reports on $(BENCH_REPORT_N) subscriptions"

bootstrap:
	@mkdir -p var
	@PYTHON="$(PYTHON)" ODOO_SOURCE="$(ODOO_SOURCE)" tools/bootstrap.sh >var/python.tmp
	@mv var/python.tmp var/python
	@"$$(cat var/python)" tools/odoo_check.py

pg: bootstrap
	@tools/pg_ensure.sh

run: pg
	dropdb --if-exists $(DEMO_DB)
	$(ODOO) -d $(DEMO_DB) -i $(DEMO_MODULES) --addons-path=$(ADDONS_PATH) \
		--stop-after-init --log-level=warn
	@echo ""
	@echo "Demo database '$(DEMO_DB)' ready: http://localhost:$(HTTP_PORT)  login: admin  password: admin"
	@echo ""
	$(ODOO) -d $(DEMO_DB) --db-filter='^$(DEMO_DB)$$' --addons-path=$(ADDONS_PATH) \
		--http-port=$(HTTP_PORT)

test: pg
	@PY="$(PY)" ADDONS_PATH="$(ADDONS_PATH)" CORE_DB=$(CORE_TEST_DB) FULL_DB=$(TEST_DB) \
		TEST_HTTP_PORT=$(TEST_HTTP_PORT) PYTEST_ARGS="$(PYTEST_ARGS)" tools/run_tests.sh

lint: bootstrap
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pylint --rcfile=.pylintrc $(ADDONS)

format: bootstrap
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: pg
	dropdb --if-exists $(BENCH_DB)
	$(ODOO) -d $(BENCH_DB) -i $(BENCH_MODULES) --without-demo=all --addons-path=$(ADDONS_PATH) \
		--stop-after-init --log-level=warn
	$(PY) bench/bench_renewal.py --database $(BENCH_DB) --addons-path $(ADDONS_PATH) $(foreach n,$(BENCH_N),-n $(n)) && \
	$(PY) bench/bench_reports.py --database $(BENCH_DB) --addons-path $(ADDONS_PATH) -n $(BENCH_REPORT_N); \
	status=$$?; dropdb --if-exists $(BENCH_DB); exit $$status

# Odoo's own post-install tests (sale, sale_management, website_sale, payment,
# account_payment, account, product) with the addon installed: see tools/test_compat.sh.
COMPAT_DB ?= recurring_compat
# Known failures (README.md: they also fail without the addon here, or are flaky): not run.
COMPAT_KNOWN ?= /website_sale:TestCustomize.test_01_admin_shop_customize_tour,/website_sale:TestCustomize.test_06_admin_list_view_b2c,/website_sale:TestSaleProcess.test_01_admin_shop_tour,/website_sale:TestWebsiteSaleEditor.test_category_page_and_products_snippet,/website_sale:TestWebsiteSaleEditor.test_website_sale_restricted_editor_ui,/website_sale:TestSnippets.test_01_snippet_products_edition,/website_sale:TestSnippets.test_02_snippet_products_remove,/sale_management:TestUi.test_04_portal_sale_signature_without_name_tour,/website_sale:TestWebsiteSaleRemoveImage.test_website_sale_remove_main_product_image_with_variant
.PHONY: test-compat
test-compat: pg
	COMPAT_DB=$(COMPAT_DB) HTTP_PORT=$(TEST_HTTP_PORT) PYTHON=$(PY) COMPAT_TAGS="$(COMPAT_TAGS)" \
		COMPAT_KNOWN="$(COMPAT_KNOWN)" tools/test_compat.sh

# --- queue_job bridge: scale, faults and load (recurring_subscriptions_queue) ---
QUEUE_ADDON := recurring_subscriptions_queue
QUEUE_TEST_DB ?= $(TEST_DB)_queue
SCALE_DB ?= $(BENCH_DB)_scale
SCALE_N ?= 20000
FAULT_N ?= 2000
LOAD_DB ?= $(BENCH_DB)_load
LOAD_PORT ?= 8069
SERVER_PORTS ?=

.PHONY: test-queue bench-scale bench-faults bench-load

# The queue bridge's whole suite, the tests on real server processes included.
test-queue: pg
	dropdb --if-exists $(QUEUE_TEST_DB)
	$(ODOO) -d $(QUEUE_TEST_DB) -i $(QUEUE_ADDON),payment_demo --without-demo=all \
		--addons-path=$(ADDONS_PATH) --stop-after-init --log-level=warn
	RECURRING_TEST_SERVER_PORTS="$(SERVER_PORTS)" $(PY) -m pytest $(QUEUE_ADDON)/tests \
		--odoo-database=$(QUEUE_TEST_DB) --odoo-addons-path=$(ADDONS_PATH) \
		--odoo-log-level=warn -q $(PYTEST_ARGS); \
	status=$$?; dropdb --if-exists $(QUEUE_TEST_DB); exit $$status

bench-scale: pg
	dropdb --if-exists $(SCALE_DB)
	$(ODOO) -d $(SCALE_DB) -i $(QUEUE_ADDON),payment_demo --without-demo=all \
		--addons-path=$(ADDONS_PATH) --stop-after-init --log-level=warn
	RECURRING_TEST_SERVER_PORTS="$(SERVER_PORTS)" $(PY) bench/bench_scale.py \
		--database $(SCALE_DB) --addons-path $(ADDONS_PATH) -n $(SCALE_N); \
	status=$$?; dropdb --if-exists $(SCALE_DB); exit $$status

bench-faults:
	RECURRING_FAULT_N=$(FAULT_N) $(MAKE) test-queue PYTEST_ARGS="-k TestFaults $(PYTEST_ARGS)" \
		QUEUE_TEST_DB=$(QUEUE_TEST_DB)_faults

bench-load: pg
	$(PY) bench/load_portal.py --database $(LOAD_DB) --addons-path $(ADDONS_PATH) \
		--port $(LOAD_PORT)
