# The two commands of the README:
#   make run   set everything up (venv, pinned requirements, Debian packages) and start the app
#   make test  set everything up (plus test-only packages) and run the whole test suite
.PHONY: setup setup-test run test lint bench

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

run: setup
	.venv/bin/streamlit run app.py

test: setup-test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check .

bench: setup-test
	.venv/bin/python -m scripts.bench_reader
	.venv/bin/python -m scripts.bench_speech
	.venv/bin/python -m scripts.bench_channels
	.venv/bin/python -m scripts.bench_interview
	.venv/bin/python -m scripts.bench_ui
	.venv/bin/python -m scripts.bench_recommend
	.venv/bin/python -m scripts.bench_api
