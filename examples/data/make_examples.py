#!/usr/bin/python3
"""Builds the small example datasets in examples/data/ from shared/datasets/.

Run from anywhere with Debian's Python (pandas from apt):

    /usr/bin/python3 examples/data/make_examples.py

The source folder is ../shared/datasets relative to the repository root (override with
--source). The output is deterministic: the same source files give byte-identical outputs.

Conventions kept from the source files: header row and column order unchanged, comma
separator, UTF-8, "\\n" line endings, no quoting, and a missing value is an empty cell and
nothing else ("None", "?", "unknown" stay category strings). Cells are read and written as
text, so numbers keep their exact source spelling. Subsampled rows keep their source order.
"""

import argparse
import gzip
import hashlib
import pathlib
import sys

import numpy as np
import pandas as pd

SEED = 20240611

# name, target, task, rows to keep (None = all), stratify on the target.
DATASETS = [
    ("adult", "class", "binary", 3000, True),
    ("bank-marketing", "y", "binary", 2000, True),
    ("credit-g", "class", "binary", None, False),
    ("blood-transfusion", "donated_march_2007", "binary", None, False),
    ("car", "class", "multiclass", None, False),
    ("abalone", "Rings", "regression", None, False),
    ("wine_quality", "quality", "regression", 2000, False),
    ("diabetes130us", "readmitted", "multiclass", 3000, True),
]

# The gzip copy used to test compressed input.
GZIP_COPY = "credit-g"


def read_csv(path):
    """Reads a shared CSV with every cell as text; only an empty cell is missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def write_csv(df, path):
    """Writes with the shared conventions; missing cells become empty cells."""
    df.to_csv(path, index=False, lineterminator="\n", na_rep="", encoding="utf-8")


def stratified_indices(y, n, rng):
    """Picks n row positions so each class keeps its share (largest-remainder rounding)."""
    classes = sorted(y.unique())
    counts = np.array([(y == c).sum() for c in classes])
    exact = counts * n / len(y)
    alloc = np.floor(exact).astype(int)
    order = np.argsort(-(exact - alloc), kind="stable")
    alloc[order[: n - alloc.sum()]] += 1
    picked = []
    for c, k in zip(classes, alloc):
        pos = np.flatnonzero((y == c).to_numpy())
        picked.append(rng.choice(pos, size=k, replace=False))
    return np.sort(np.concatenate(picked))


def subsample(df, target, n, stratify):
    if n is None or n >= len(df):
        return df
    rng = np.random.RandomState(SEED)
    if stratify:
        idx = stratified_indices(df[target], n, rng)
    else:
        idx = np.sort(rng.choice(len(df), size=n, replace=False))
    return df.iloc[idx]


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    repo = pathlib.Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=pathlib.Path, default=repo.parent / "shared" / "datasets")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent)
    args = parser.parse_args()

    for name, target, task, n, stratify in DATASETS:
        src = args.source / f"{name}.csv"
        df = read_csv(src)
        if df.columns[-1] != target:
            sys.exit(f"{src}: expected target {target!r} as last column, found {df.columns[-1]!r}")
        out = subsample(df, target, n, stratify)
        dst = args.out / f"{name}.csv"
        write_csv(out, dst)
        if len(out) == len(df) and sha256(dst) != sha256(src):
            sys.exit(f"{dst}: full copy is not byte-identical to {src}")
        dist = ""
        if task != "regression":
            dist = " " + ", ".join(f"{k} {v}" for k, v in out[target].value_counts().items())
        print(f"{name}: {len(out)}/{len(df)} rows, {dst.stat().st_size} bytes, {task} `{target}`{dist}")

    plain = args.out / f"{GZIP_COPY}.csv"
    gz = args.out / f"{GZIP_COPY}.csv.gz"
    # mtime=0 and no file name in the header keep the archive byte-identical between runs.
    with open(gz, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                              compresslevel=9) as f:
        f.write(plain.read_bytes())
    print(f"{gz.name}: {gz.stat().st_size} bytes (gzip of {plain.name})")


if __name__ == "__main__":
    main()
