"""Fixtures for the end-to-end tests of the `kiln` binary.

The binary is $KILN_BIN, else <repo>/build/kiln. If it is missing, every test fails with a
message saying so; nothing is skipped.

AutoML runs on the example datasets are expensive, so each is made once per session (lazily,
on first use) and shared by the tests that only read its outputs.
"""

import dataclasses
import os
import pathlib

import pandas as pd
import pytest

from kiln_e2e import (SEED, SPECS, Spec, automl_timeout, kiln_binary, load_example,
                      read_report, run_kiln, split, write_csv)


@pytest.fixture(scope="session", autouse=True)
def kiln_bin():
    path = kiln_binary()
    how = ("$KILN_BIN" if os.environ.get("KILN_BIN")
           else "<repo>/build/kiln; set KILN_BIN to use another")
    if not path.is_file():
        pytest.fail(f"kiln binary not found at {path} ({how}); build it first", pytrace=False)
    if not os.access(path, os.X_OK):
        pytest.fail(f"kiln binary at {path} is not executable", pytrace=False)
    return path


@dataclasses.dataclass
class AutomlRun:
    """A finished `kiln automl` on the 75% train split of an example dataset."""
    spec: Spec
    workdir: pathlib.Path
    train: pd.DataFrame
    holdout: pd.DataFrame
    train_csv: pathlib.Path
    holdout_csv: pathlib.Path
    out: pathlib.Path
    result: object  # kiln_e2e.Completed
    report: dict

    @property
    def model(self):
        return self.out / "model.kiln"

    @property
    def classes(self):
        """Training classes, spelled as in the CSV, sorted."""
        return sorted(self.train[self.spec.target].unique())

    def predict(self, data, name, *extra):
        """Runs `kiln predict` on data (a DataFrame or a path); returns (Completed, out path)."""
        if isinstance(data, pd.DataFrame):
            data = write_csv(data, self.workdir / f"{name}.input.csv")
        out = self.workdir / f"{name}.pred.csv"
        return run_kiln("predict", self.model, data, "--out", out, *extra, timeout=120), out


class AutomlRuns:
    def __init__(self, factory):
        self._factory = factory
        self._runs = {}

    def get(self, name):
        if name not in self._runs:
            try:
                self._runs[name] = self._make(SPECS[name])
            except BaseException as e:  # pytest.fail() on a hung run: don't retry it per test
                self._runs[name] = e
        run = self._runs[name]
        if isinstance(run, BaseException):
            pytest.fail(f"shared automl run on {name} did not finish: {run}", pytrace=False)
        if run.result.returncode != 0:
            pytest.fail(f"shared automl run on {name} failed\n" + run.result.describe())
        return run

    def _make(self, spec):
        workdir = self._factory.mktemp(spec.name)
        df = load_example(spec.name)
        train, holdout = split(df, spec.target, stratify=spec.task != "regression")
        train_csv = write_csv(train, workdir / "train.csv")
        holdout_csv = write_csv(holdout, workdir / "holdout.csv")
        out = workdir / "out"
        if spec.name == "credit-g":
            out.mkdir()  # an existing empty --out directory is allowed
        res = run_kiln("automl", train_csv, "--target", spec.target, "--out", out,
                       "--time-limit", spec.time_limit, "--max-trials", spec.max_trials,
                       "--seed", SEED, *spec.extra, timeout=automl_timeout(spec.time_limit))
        report = read_report(out) if (out / "report.json").is_file() else {}
        return AutomlRun(spec, workdir, train, holdout, train_csv, holdout_csv, out, res, report)


@pytest.fixture(scope="session")
def automl_runs(tmp_path_factory, kiln_bin):
    return AutomlRuns(tmp_path_factory)
