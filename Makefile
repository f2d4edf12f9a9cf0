# The two commands of the README:  make demo  (set up + run the main job)
#                                  make test  (set up + run the tests)
VENV  ?= .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@python=$$(.ci/find-python) || exit 1; \
	  echo "creating $(VENV) with $$python"; "$$python" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: setup
	$(BIN)/catallaxy list
	$(BIN)/catallaxy run sealed-bid --steps 20000 --seed 7 --set rule=first --set strategy=bne --out runs/first-price.csv
	$(BIN)/catallaxy run sealed-bid --steps 20000 --seed 7 --set rule=second --set strategy=truthful --out runs/vickrey.csv
	$(BIN)/catallaxy reproduce seed000-fig2 --out figures/
	$(BIN)/catallaxy reproduce seed000-fig3 --out figures/

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m benchmarks.core

clean:
	rm -rf $(VENV) runs figures .pytest_cache
