"""Helpers shared by the end-to-end tests of the `kiln` command-line binary.

Everything here drives the real binary through subprocess; nothing imports Kiln code.
"""

import csv
import dataclasses
import io
import json
import math
import os
import pathlib
import re
import shlex
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = REPO / "examples" / "data"

# --seed of every automl run unless a test says otherwise.
SEED = 1

# Seconds a run may take beyond 105% of --time-limit for process start and file IO.
START_SLACK_SECONDS = 2.0

LEADERBOARD_HEADER = [
    "rank", "candidate", "learner", "hyperparameters", "metric", "cv_mean", "cv_sd", "cv_repeats",
    "train_seconds", "predict_us_per_row", "ensemble_weight", "error",
]
REPORT_ENTRY_KEYS = {
    "rank", "candidate", "learner", "hyperparameters", "cv_score", "cv_sd", "train_seconds",
    "predict_us_per_row",
}
# Metric names (lower case, without "-", "_" and spaces) where a larger score is better.
HIGHER_IS_BETTER = {"auc", "rocauc", "aucroc", "accuracy", "acc", "balancedaccuracy", "f1", "r2"}


def kiln_binary():
    """Returns the path of the binary under test: $KILN_BIN, else <repo>/build/kiln."""
    return pathlib.Path(os.environ.get("KILN_BIN") or REPO / "build" / "kiln")


@dataclasses.dataclass
class Completed:
    """One finished kiln process."""
    args: list
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self):
        def clip(text):
            return text if len(text) < 4000 else text[:2000] + "\n[...]\n" + text[-2000:]
        return (f"$ {shlex.join(self.args)}\n"
                f"exit code {self.returncode} after {self.seconds:.1f} s\n"
                f"--- stdout ---\n{clip(self.stdout)}\n--- stderr ---\n{clip(self.stderr)}")


def run_kiln(*args, timeout=120):
    """Runs kiln with args (str or Path) and returns its exit code, output and wall time."""
    cmd = [str(kiln_binary())] + [str(a) for a in args]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        proc = e
    if isinstance(proc, subprocess.TimeoutExpired):
        pytest.fail(f"$ {shlex.join(cmd)}\nstill running after {timeout} s; killed.\n"
                    f"stdout so far:\n{(proc.stdout or b'').decode(errors='replace')[-3000:]}\n"
                    f"stderr so far:\n{(proc.stderr or b'').decode(errors='replace')[-3000:]}",
                    pytrace=False)
    seconds = time.monotonic() - start
    return Completed(cmd, proc.returncode, proc.stdout.decode("utf-8", errors="replace"),
                     proc.stderr.decode("utf-8", errors="replace"), seconds)


def automl_timeout(time_limit):
    """Subprocess timeout for an automl run: far above the cap, so the cap test reports it."""
    return time_limit * 1.05 + 60


def assert_ok(res):
    assert res.returncode == 0, "expected success\n" + res.describe()


def assert_error(res, *needles, any_of=None):
    """Checks a clean failure: non-zero exit (not a signal), exactly one non-empty stderr line
    that contains every needle (case-sensitive) and, if given, one of any_of (case-insensitive).
    Returns the line."""
    assert res.returncode != 0, "expected failure, got exit 0\n" + res.describe()
    assert res.returncode > 0, f"killed by signal {-res.returncode} (crash)\n" + res.describe()
    lines = res.stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), (
        "stderr must be exactly one non-empty line\n" + res.describe())
    line = lines[0]
    for needle in needles:
        assert needle in line, f"error message does not name {needle!r}\n" + res.describe()
    if any_of:
        assert any(w.lower() in line.lower() for w in any_of), (
            f"error message has none of {any_of}\n" + res.describe())
    return line


# ----- shared automl runs (made once per session by conftest.AutomlRuns) -----

@dataclasses.dataclass(frozen=True)
class Spec:
    name: str
    target: str
    task: str          # expected problem type
    time_limit: int
    max_trials: int = 20
    extra: tuple = ()  # extra automl flags


SPECS = {s.name: s for s in [
    Spec("adult", "class", "binary", 20),
    Spec("credit-g", "class", "binary", 15),
    Spec("bank-marketing", "y", "binary", 10),
    Spec("blood-transfusion", "donated_march_2007", "binary", 10),
    Spec("car", "class", "multiclass", 15),
    Spec("diabetes130us", "readmitted", "multiclass", 15),
    Spec("abalone", "Rings", "regression", 15),
    Spec("wine_quality", "quality", "regression", 10, extra=("--problem-type", "regression")),
]}


# ----- data -----

def read_csv(path):
    """Reads a CSV as the project writes them: all cells as text, only "" is missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def write_csv(df, path):
    df.to_csv(path, index=False, lineterminator="\n", na_rep="")
    return path


def load_example(name):
    return read_csv(DATA / f"{name}.csv")


def split(df, target, stratify, seed=0, holdout=0.25):
    """Returns (train, holdout) with a fixed seed; stratified on the target for classification."""
    train, test = train_test_split(df, test_size=holdout, random_state=seed,
                                   stratify=df[target] if stratify else None)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def read_leaderboard(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def read_report(directory):
    return json.loads((pathlib.Path(directory) / "report.json").read_text(encoding="utf-8"))


def higher_is_better(metric):
    return re.sub(r"[-_ ]", "", metric.lower()) in HIGHER_IS_BETTER


# ----- prediction files -----

_NUMBER = re.compile(r"[+-]?(\d*)(?:\.(\d*))?(?:[eE][+-]?\d+)?")


def significant_digits(text):
    m = _NUMBER.fullmatch(text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    digits = ((m.group(1) or "") + (m.group(2) or "")).strip("0")
    return max(len(digits), 1)


def is_shortest_round_trip(text):
    """True if text is a finite decimal number with no more significant digits than the shortest
    string that reads back as the same double (what Python's repr and std::to_chars produce)."""
    digits = significant_digits(text)
    if digits is None:
        return False
    value = float(text)
    return math.isfinite(value) and digits <= significant_digits(repr(value))


def read_predictions(path):
    """Reads a prediction CSV with every cell as text (nothing becomes NaN)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def check_classification_predictions(pred, classes, n_rows, id_column=None):
    """Checks the predict contract for a classifier and returns the probability matrix
    (columns in the order of `classes`)."""
    expected = ["predicted_label"] + [f"probability_{c}" for c in classes]
    columns = list(pred.columns)
    if id_column is not None:
        assert columns[0] == id_column, f"first column should be {id_column!r}: {columns}"
        columns = columns[1:]
    assert sorted(columns) == sorted(expected), f"columns {columns}, expected {expected}"
    assert len(pred) == n_rows, f"{len(pred)} prediction rows for {n_rows} input rows"
    prob_cols = [f"probability_{c}" for c in classes]
    for col in prob_cols:
        bad = [v for v in pred[col] if not is_shortest_round_trip(v)]
        assert not bad, f"{col}: not numbers in shortest round-trip form: {bad[:5]}"
    probs = pred[prob_cols].astype(float).to_numpy()
    assert np.all(probs >= 0) and np.all(probs <= 1), "probabilities outside [0, 1]"
    sums = probs.sum(axis=1)
    worst = np.abs(sums - 1).max()
    assert worst <= 1e-6, f"probabilities do not sum to 1: max |sum - 1| = {worst}"
    labels = pred["predicted_label"].to_numpy()
    unknown = set(labels) - set(classes)
    assert not unknown, f"predicted labels not among training classes {classes}: {unknown}"
    label_prob = probs[np.arange(len(pred)), [classes.index(l) for l in labels]]
    not_argmax = np.flatnonzero(label_prob < probs.max(axis=1) - 1e-12)
    assert not_argmax.size == 0, (
        f"predicted_label is not the argmax in rows {not_argmax[:5].tolist()}")
    return probs


def check_regression_predictions(pred, n_rows, id_column=None):
    """Checks the predict contract for a regressor and returns the predictions."""
    expected = ([id_column] if id_column else []) + ["prediction"]
    assert list(pred.columns) == expected, f"columns {list(pred.columns)}, expected {expected}"
    assert len(pred) == n_rows, f"{len(pred)} prediction rows for {n_rows} input rows"
    bad = [v for v in pred["prediction"] if not is_shortest_round_trip(v)]
    assert not bad, f"not numbers in shortest round-trip form: {bad[:5]}"
    return pred["prediction"].astype(float).to_numpy()


def csv_text(df):
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", na_rep="")
    return buf.getvalue()
