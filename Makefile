# The two entry points of README.md. Each runs scripts/setup first, so both work on a fresh clone.
SWIFT ?= swift
RUN ?= runs/demo

.PHONY: demo test build setup

setup:
	@scripts/setup

build: setup
	$(SWIFT) build -c release --product tessera

# The main job on the bundled corpus.
demo: build
	scripts/demo $(RUN)

# The whole test suite, in release mode (the numeric tests are heavy in debug).
test: setup
	$(SWIFT) test -c release
