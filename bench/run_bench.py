#!/usr/bin/python3
"""Kiln benchmarks, side by side in one run (see bench/README.md).

AutoML: `kiln automl` + `kiln predict` against untuned scikit-learn (logistic/ridge, HistGradientBoosting,
300-tree random forest) and XGBoost (300 trees) on the same 80/20 split (stratified, seed 0), datasets from
../shared/datasets. Prints a table with ratios and writes it to bench/results/.

usage: run_bench.py [--quick|--full] [--kiln build/kiln] [--datasets a,b] [--time-limit S]
"""
import argparse, datetime, json, os, platform, subprocess, sys, tempfile, time

import numpy as np
import pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import (HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "datasets")

# name: (target, task, AMLB best 1h score, system)
DATASETS = {
    "adult": ("class", "binary", 0.9329, "LightAutoML"),
    "bank-marketing": ("y", "binary", 0.9413, "AutoGluon"),
    "credit-g": ("class", "binary", 0.7978, "H2O AutoML"),
    "kc1": ("defects", "binary", 0.8529, "TPOT"),
    "blood-transfusion": ("donated_march_2007", "binary", 0.7626, "H2O AutoML"),
    "phoneme": ("Class", "binary", 0.9724, "FLAML"),
    "vehicle": ("Class", "multiclass", 0.2962, "AutoGluon"),
    "car": ("class", "multiclass", 0.00113, "auto-sklearn 2.0"),
    "diabetes130us": ("readmitted", "multiclass", 0.7631, "LightAutoML"),
    "dna": ("Class", "multiclass", 0.1057, "AutoGluon"),
    "diamonds": ("price", "regression", 506.1, "AutoGluon"),
    "abalone": ("Rings", "regression", 2.0555, "GAMA"),
    "house_prices_nominal": ("SalePrice", "regression", 24251.6, "AutoGluon"),
    "wine_quality": ("quality", "regression", 0.5695, "FLAML"),
}
QUICK = ["credit-g", "blood-transfusion", "vehicle", "car", "abalone", "wine_quality"]


def score(task, y_true, P, classes):
    if task == "regression":
        return float(mean_squared_error(y_true.astype(float), P) ** 0.5)
    if task == "binary":
        return float(roc_auc_score((y_true.astype(str) == classes[1]).astype(int), P[:, 1]))
    return float(log_loss(y_true.astype(str), np.clip(P, 1e-15, 1), labels=classes))


def baselines(task, tr, te, target, classes):
    X, Xt = tr.drop(columns=[target]), te.drop(columns=[target])
    for c in X.columns:
        if X[c].dtype == object:
            X[c], Xt[c] = X[c].astype(str), Xt[c].astype(str)
    num = make_column_selector(dtype_include=np.number)
    cat = make_column_selector(dtype_exclude=np.number)
    lin_pre = make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        (OneHotEncoder(handle_unknown="ignore", min_frequency=5), cat))
    tree_pre = make_column_transformer(
        (SimpleImputer(strategy="median"), num),
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), cat))
    y = tr[target].astype(str) if task != "regression" else tr[target].astype(float)
    if task == "regression":
        models = {"linear": make_pipeline(lin_pre, Ridge()),
                  "hgb": make_pipeline(tree_pre, HistGradientBoostingRegressor(random_state=0)),
                  "rf300": make_pipeline(tree_pre, RandomForestRegressor(300, n_jobs=-1, random_state=0))}
    else:
        models = {"linear": make_pipeline(lin_pre, LogisticRegression(max_iter=1000)),
                  "hgb": make_pipeline(tree_pre, HistGradientBoostingClassifier(random_state=0)),
                  "rf300": make_pipeline(tree_pre, RandomForestClassifier(300, n_jobs=-1, random_state=0))}
    import xgboost as xgb
    if task == "regression":
        models["xgb300"] = make_pipeline(tree_pre, xgb.XGBRegressor(n_estimators=300, random_state=0))
    else:
        models["xgb300"] = make_pipeline(tree_pre, xgb.XGBClassifier(n_estimators=300, random_state=0))
    out = {}
    for name, m in models.items():
        t0 = time.time()
        if task != "regression" and name == "xgb300":
            m.fit(X, np.searchsorted(classes, y))
            P = m.predict_proba(Xt)
        else:
            m.fit(X, y)
            if task == "regression":
                P = m.predict(Xt)
            else:
                P = m.predict_proba(Xt)
                order = [list(m.classes_).index(c) for c in classes]
                P = P[:, order]
        out[name] = (score(task, te[target], P, classes), time.time() - t0)
    return out


def run_kiln(kiln, task, tr, te, target, classes, time_limit):
    work = tempfile.mkdtemp(prefix="kiln-bench-")
    trp, tep = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
    tr.to_csv(trp, index=False)
    te.drop(columns=[target]).to_csv(tep, index=False)
    cmd = [kiln, "automl", trp, "--target", target, "--out", os.path.join(work, "out"),
           "--time-limit", str(time_limit), "--seed", "0", "--problem-type", task]
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    fit = time.time() - t0
    if r.returncode != 0:
        return None, fit, r.stderr.strip()
    pred = os.path.join(work, "pred.csv")
    r = subprocess.run([kiln, "predict", os.path.join(work, "out", "model.kiln"), tep, "--out", pred],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, fit, r.stderr.strip()
    P = pd.read_csv(pred, keep_default_na=False, na_values=[""])
    if task == "regression":
        return score(task, te[target], P["prediction"].to_numpy(float), classes), fit, ""
    M = np.column_stack([P[f"probability_{c}"].to_numpy(float) for c in classes])
    return score(task, te[target], M, classes), fit, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "kiln"))
    ap.add_argument("--datasets", default=None)
    ap.add_argument("--time-limit", type=int, default=None)
    a = ap.parse_args()
    if not os.path.isdir(SHARED):
        print(f"bench: {SHARED} not found; the AutoML benchmark needs the shared datasets (skipped)")
        return 0
    names = a.datasets.split(",") if a.datasets else (list(DATASETS) if a.full else QUICK)
    limit = a.time_limit or (300 if a.full else 60)
    rows = []
    for name in names:
        target, task, anchor, system = DATASETS[name]
        df = pd.read_csv(os.path.join(SHARED, name + ".csv"), keep_default_na=False, na_values=[""],
                         low_memory=False)
        strat = df[target].astype(str) if task != "regression" else None
        tr, te = train_test_split(df, test_size=0.2, random_state=0, stratify=strat)
        classes = sorted(df[target].astype(str).unique()) if task != "regression" else None
        k, fit, err = run_kiln(a.kiln, task, tr, te, target, classes, limit)
        base = baselines(task, tr, te, target, classes)
        metric = {"binary": "auc", "multiclass": "logloss", "regression": "rmse"}[task]
        if task == "binary":
            best_b = max(v[0] for v in base.values())
            ok = k is not None and k >= best_b - 0.002
        else:
            best_b = min(v[0] for v in base.values())
            ok = k is not None and k <= best_b * 1.01
        ratio = (k / best_b) if k is not None else float("nan")
        rows.append((name, metric, k, fit, base, best_b, ratio, ok, anchor, system, err))
        bs = " ".join(f"{n}={v[0]:.4f}" for n, v in base.items())
        print(f"{name:22s} {metric:8s} kiln={k if k is None else round(k, 4)} ({fit:.0f}s) {bs} "
              f"ratio={ratio:.4f} {'OK' if ok else 'BELOW'} amlb={anchor} {err}", flush=True)
    lines = [f"# AutoML benchmark ({'full' if a.full else 'quick'}, --time-limit {limit})", "",
             f"Run {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {platform.node()}: "
             f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
             f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB. "
             "Same 80/20 split (stratified, seed 0). Ratio = Kiln / best baseline "
             "(AUC: higher is better; log loss, RMSE: lower is better). AMLB: best published 1h "
             "AutoML score (10-fold CV, 8 cores), for reference.", "",
             "| dataset | metric | Kiln | Kiln s | linear | HGB | RF300 | XGB300 | ratio | target met | AMLB best 1h |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, metric, k, fit, base, best_b, ratio, ok, anchor, system, err in rows:
        ks = "failed" if k is None else f"{k:.4f}"
        lines.append(f"| {name} | {metric} | {ks} | {fit:.0f} | " +
                     " | ".join(f"{base[n][0]:.4f}" for n in ("linear", "hgb", "rf300", "xgb300")) +
                     f" | {ratio:.4f} | {'yes' if ok else 'no'} | {anchor} ({system}) |")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results", f"automl-{'full' if a.full else 'quick'}.md")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
