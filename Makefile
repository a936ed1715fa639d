# Workbay: `make run` to try it, `make test` for the whole suite.
SHELL      := /bin/bash
CARGO      ?= cargo
DATA_DIR   ?= ./var
BIND       ?= 127.0.0.1:8080
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
RUN_PKGS   := postgresql postgresql-contrib libpq-dev
TEST_PKGS  := $(RUN_PKGS) chromium chromium-driver procps python3 python3-venv

.PHONY: run test deps test-deps build release check lint fmt schema bench bench-scale

## Install what is missing, build a release, load the demo shop once, serve on http://$(BIND)
run: deps release
	$(TARGET_DIR)/release/workbay --data-dir $(DATA_DIR) demo
	$(TARGET_DIR)/release/workbay --data-dir $(DATA_DIR) serve --bind $(BIND) --insecure-cookies

## The whole suite: formatting, clippy, unit, API and browser tests
test: test-deps
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) test --lib --bins --tests

deps:
	@.ci/ensure-packages $(RUN_PKGS)
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing: install Rust from https://rustup.rs"; exit 1; }

test-deps:
	@.ci/ensure-packages $(TEST_PKGS)
	@.ci/ensure-smtp $(TARGET_DIR)
	@command -v $(CARGO) >/dev/null || { echo "cargo is missing: install Rust from https://rustup.rs"; exit 1; }

build:
	$(CARGO) build

release:
	$(CARGO) build --release

## Benchmarks print figures (they are not tests)
bench: test-deps
	$(CARGO) bench --bench intake
	$(CARGO) bench --bench invoicing
	$(CARGO) bench --bench import
	$(CARGO) bench --bench sender

# Loads `demo --scale 8` once (kept in target/bench-scale-8), then measures dashboards, list pages
# and counter writes over HTTP; prints the table and the peak memory.
bench-scale: test-deps
	$(CARGO) bench --bench scale

fmt:
	$(CARGO) fmt

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

## Regenerate src/schema.rs from a scratch installation migrated with the embedded migrations
schema: build
	@command -v diesel >/dev/null || $(CARGO) install diesel_cli --no-default-features --features postgres --locked
	rm -rf /tmp/workbay-schema
	$(TARGET_DIR)/debug/workbay --data-dir /tmp/workbay-schema serve --bind 127.0.0.1:0 & pid=$$!; sleep 5; \
	  diesel print-schema --database-url "postgres://workbay_owner@localhost/workbay?host=/tmp/workbay-schema/run" > src/schema.rs; \
	  kill -INT $$pid; wait $$pid
