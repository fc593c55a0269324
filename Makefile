# vethlab: `make demo` and `make test` do all the set-up they need on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test test-sim install reference-tools bench bench-quick clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/vethlab demo

# The reference tools (ping, arping, sysctl, tshark) the tests compare text against (never used by the
# product).  Installed only where we are root and have apt; tests that need them say so.
reference-tools:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (command -v ping >/dev/null && command -v arping >/dev/null && command -v tshark >/dev/null \
	   && command -v sysctl >/dev/null) || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      iputils-ping iputils-arping tshark procps >/dev/null; }; \
	fi

# Tests that drive the kernel run inside a throwaway network namespace, so a bug can
# only harm that namespace, never this machine's own network.
test: $(STAMP) reference-tools
	@if [ "$$(id -u)" = 0 ] && unshare --net -- true 2>/dev/null; then \
	  echo "running tests inside a throwaway network namespace (unshare --net)"; \
	  unshare --net -- $(BIN)/python -m pytest -q tests; \
	else \
	  echo "not root: kernel-backend tests will be skipped"; \
	  $(BIN)/python -m pytest -q tests; \
	fi

test-sim: $(STAMP)
	$(BIN)/python -m pytest -q tests -m "not kernel"

# The kernel rows need root; like `make test`, they run inside a throwaway namespace.
bench: $(STAMP)
	@if [ "$$(id -u)" = 0 ] && unshare --net -- true 2>/dev/null; then \
	  unshare --net -- $(BIN)/vethlab bench; else $(BIN)/vethlab bench; fi

# Small sizes, well under a minute: what CI runs.
bench-quick: $(STAMP)
	@if [ "$$(id -u)" = 0 ] && unshare --net -- true 2>/dev/null; then \
	  unshare --net -- $(BIN)/vethlab bench --quick --no-progress; \
	else $(BIN)/vethlab bench --quick --no-progress; fi

clean:
	rm -rf $(VENV) build *.egg-info
