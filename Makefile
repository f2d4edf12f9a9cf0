# The two commands of the README:  make demo  (set up + open the dashboard)
#                                  make test  (set up + run the tests)
VENV  ?= .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST  ?= 127.0.0.1
PORT  ?= 8765

.PHONY: setup assets browser demo cli-demo test bench figures clean

setup: $(STAMP) assets

$(STAMP): pyproject.toml
	@python=$$(.ci/find-python) || exit 1; \
	  echo "creating $(VENV) with $$python"; "$$python" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The dashboard's JavaScript, from the npm registry into solara's cache (works offline after).
assets: $(STAMP)
	$(BIN)/python .ci/solara_assets.py

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null || .ci/install-chromium

demo: setup
	$(BIN)/solara run app.py --host $(HOST) --port $(PORT) --production

cli-demo: setup
	$(BIN)/catallaxy list
	$(BIN)/catallaxy run sealed-bid --steps 20000 --seed 7 --set rule=first --set strategy=bne --out runs/first-price.csv
	$(BIN)/catallaxy reproduce seed000-fig2 --out figures/
	$(BIN)/catallaxy reproduce seed000-fig3 --out figures/

test: setup browser
	$(BIN)/python -m pytest -q

bench: setup browser
	$(BIN)/python -m benchmarks.core
	$(BIN)/python -m benchmarks.order_book
	$(BIN)/python -m benchmarks.dashboard
	$(BIN)/python -m benchmarks.sweeps
	$(BIN)/python -m benchmarks.combinatorial
	$(BIN)/python -m benchmarks.commons
	$(BIN)/python -m benchmarks.information
	$(BIN)/python -m benchmarks.evolution
	$(BIN)/python -m benchmarks.classroom

# The figures the README shows, regenerated from the command line (and the dashboard's screenshot).
figures: setup browser
	$(BIN)/catallaxy reproduce seed000-fig2 --out benchmarks/figures
	$(BIN)/catallaxy reproduce seed000-fig3 --out benchmarks/figures
	$(BIN)/catallaxy reproduce seed001-planning-vs-market --out benchmarks/figures --workers 2
	$(BIN)/catallaxy reproduce seed002-stability --out benchmarks/figures
	$(BIN)/catallaxy reproduce seed001-debt-trading --out benchmarks/figures --workers 2
	$(BIN)/catallaxy reproduce learning-auctions --out benchmarks/figures --workers 2
	$(BIN)/catallaxy reproduce learning-bne --out benchmarks/figures --workers 2
	$(BIN)/catallaxy reproduce task-auction-collusion --out benchmarks/figures --workers 2
	$(BIN)/catallaxy reproduce hayek-bid-learning --out benchmarks/figures --workers 2
	$(BIN)/python -m benchmarks.dashboard

clean:
	rm -rf $(VENV) runs figures .pytest_cache
