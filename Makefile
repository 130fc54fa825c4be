# Recurring Subscriptions for Odoo 18 — developer commands (see README.md).
PYTHON ?= python3
ODOO ?= $(PYTHON) -m odoo
DEMO_DB ?= recurring_demo
TEST_DB ?= recurring_test
BENCH_DB ?= recurring_bench
BENCH_N ?= 1000 5000
HTTP_PORT ?= 8069
ADDON := recurring_subscriptions
TEST_MODULES := $(ADDON),payment_demo
ADDONS_PATH = $(shell $(PYTHON) tools/addons_path.py)

.PHONY: help check-odoo pg run test lint format bench

help:
	@echo "make run    fresh demo database '$(DEMO_DB)', Odoo on http://localhost:$(HTTP_PORT)"
	@echo "make test   fresh database '$(TEST_DB)', addon installed, whole suite (pytest-odoo)"
	@echo "make lint   ruff + pylint-odoo mandatory checks"
	@echo "make bench  renewal benchmark (N = $(BENCH_N))"

check-odoo:
	@$(PYTHON) tools/odoo_check.py

pg:
	@tools/pg_ensure.sh

run: check-odoo pg
	dropdb --if-exists $(DEMO_DB)
	$(ODOO) -d $(DEMO_DB) -i $(ADDON),sale_management,payment_demo --addons-path=$(ADDONS_PATH) \
		--stop-after-init --log-level=warn
	@echo ""
	@echo "Demo database '$(DEMO_DB)' ready: http://localhost:$(HTTP_PORT)  login: admin  password: admin"
	@echo ""
	$(ODOO) -d $(DEMO_DB) --db-filter='^$(DEMO_DB)$$' --addons-path=$(ADDONS_PATH) \
		--http-port=$(HTTP_PORT)

test: check-odoo pg
	dropdb --if-exists $(TEST_DB)
	$(ODOO) -d $(TEST_DB) -i $(TEST_MODULES) --without-demo=all --addons-path=$(ADDONS_PATH) \
		--stop-after-init --log-level=warn
	$(PYTHON) -m pytest $(ADDON)/tests --odoo-database=$(TEST_DB) --odoo-addons-path=$(ADDONS_PATH) \
		--odoo-log-level=warn --odoo-http -q $(PYTEST_ARGS); \
	status=$$?; dropdb --if-exists $(TEST_DB); exit $$status

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pylint --rcfile=.pylintrc $(ADDON)

format:
	$(PYTHON) -m ruff check --fix .
	$(PYTHON) -m ruff format .

bench: check-odoo pg
	dropdb --if-exists $(BENCH_DB)
	$(ODOO) -d $(BENCH_DB) -i $(TEST_MODULES) --without-demo=all --addons-path=$(ADDONS_PATH) \
		--stop-after-init --log-level=warn
	$(PYTHON) bench/bench_renewal.py --database $(BENCH_DB) --addons-path $(ADDONS_PATH) $(foreach n,$(BENCH_N),-n $(n)); \
	status=$$?; dropdb --if-exists $(BENCH_DB); exit $$status

# --- queue_job bridge: its tests, scale, faults and load (recurring_subscriptions_queue) ---
QUEUE_ADDON := recurring_subscriptions_queue
QUEUE_TEST_DB ?= $(TEST_DB)_queue
SCALE_DB ?= $(BENCH_DB)_scale
SCALE_N ?= 20000
FAULT_N ?= 2000
LOAD_DB ?= $(BENCH_DB)_load
LOAD_PORT ?= 8069
SERVER_PORTS ?=

.PHONY: test-queue bench-scale bench-faults bench-load

test-queue: check-odoo pg
	dropdb --if-exists $(QUEUE_TEST_DB)
	$(ODOO) -d $(QUEUE_TEST_DB) -i $(QUEUE_ADDON),payment_demo --without-demo=all \
		--addons-path=$(ADDONS_PATH) --stop-after-init --log-level=warn
	RECURRING_TEST_SERVER_PORTS=$(SERVER_PORTS) $(PYTHON) -m pytest $(QUEUE_ADDON)/tests \
		--odoo-database=$(QUEUE_TEST_DB) --odoo-addons-path=$(ADDONS_PATH) \
		--odoo-log-level=warn -q $(PYTEST_ARGS); \
	status=$$?; dropdb --if-exists $(QUEUE_TEST_DB); exit $$status

bench-scale: check-odoo pg
	dropdb --if-exists $(SCALE_DB)
	$(ODOO) -d $(SCALE_DB) -i $(QUEUE_ADDON),payment_demo --without-demo=all \
		--addons-path=$(ADDONS_PATH) --stop-after-init --log-level=warn
	RECURRING_TEST_SERVER_PORTS=$(SERVER_PORTS) $(PYTHON) bench/bench_scale.py \
		--database $(SCALE_DB) --addons-path $(ADDONS_PATH) -n $(SCALE_N); \
	status=$$?; dropdb --if-exists $(SCALE_DB); exit $$status

bench-faults:
	RECURRING_FAULT_N=$(FAULT_N) $(MAKE) test-queue PYTEST_ARGS="-k TestFaults $(PYTEST_ARGS)" \
		QUEUE_TEST_DB=$(QUEUE_TEST_DB)_faults

bench-load: check-odoo pg
	$(PYTHON) bench/load_portal.py --database $(LOAD_DB) --addons-path $(ADDONS_PATH) \
		--port $(LOAD_PORT)
