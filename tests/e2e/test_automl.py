"""`kiln automl`: problem-type inference, artifacts, model quality on a held-out 25%, the time
and trial caps, reproducibility and the --out/--overwrite rules."""

import html
import math

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

from kiln_e2e import (DATA, LEADERBOARD_HEADER, REPORT_ENTRY_KEYS, SEED, SPECS,
                      START_SLACK_SECONDS, assert_error, assert_ok, automl_timeout,
                      check_classification_predictions, check_regression_predictions,
                      higher_is_better, load_example, read_leaderboard, read_predictions,
                      read_report, run_kiln, split, write_csv)

DEFAULT_METRIC_ALIASES = {
    "binary": {"auc", "roc_auc", "rocauc", "auc_roc"},
    "multiclass": {"log_loss", "logloss", "log-loss", "mlogloss", "cross_entropy"},
    "regression": {"rmse"},
}


def holdout_probabilities(run):
    res, out = run.predict(run.holdout, "holdout")
    assert_ok(res)
    pred = read_predictions(out)
    return pred, check_classification_predictions(pred, run.classes, len(run.holdout))


def holdout_auc(run, positive):
    _, probs = holdout_probabilities(run)
    y = (run.holdout[run.spec.target] == positive).to_numpy()
    return roc_auc_score(y, probs[:, run.classes.index(positive)])


def holdout_log_loss(run):
    _, probs = holdout_probabilities(run)
    return log_loss(run.holdout[run.spec.target], probs, labels=run.classes)


def holdout_rmse(run):
    res, out = run.predict(run.holdout, "holdout")
    assert_ok(res)
    pred = check_regression_predictions(read_predictions(out), len(run.holdout))
    y = run.holdout[run.spec.target].astype(float).to_numpy()
    return math.sqrt(mean_squared_error(y, pred))


# ----- problem type and artifacts -----

@pytest.mark.parametrize("name", list(SPECS))
def test_problem_type_is_inferred_and_printed(automl_runs, name):
    run = automl_runs.get(name)
    expected = run.spec.task
    assert run.report.get("problem_type") == expected, run.result.describe()
    assert expected in run.result.stdout.lower(), (
        f"stdout does not state the problem type {expected!r}\n" + run.result.describe())


def test_abalone_integer_target_with_28_values_is_regression_without_override(automl_runs):
    run = automl_runs.get("abalone")
    assert "--problem-type" not in run.result.args
    assert run.train["Rings"].nunique() > 20
    assert run.report["problem_type"] == "regression"


def test_integer_target_with_few_values_is_multiclass(tmp_path):
    # wine_quality's quality has 7 integer values: multiclass unless overridden.
    df = load_example("wine_quality")
    assert df["quality"].nunique() <= 20
    out = tmp_path / "out"
    res = run_kiln("automl", DATA / "wine_quality.csv", "--target", "quality", "--out", out,
                   "--time-limit", 15, "--max-trials", 1, "--seed", SEED,
                   timeout=automl_timeout(15))
    assert_ok(res)
    assert read_report(out)["problem_type"] == "multiclass"
    assert "multiclass" in res.stdout.lower()


@pytest.mark.parametrize("name", list(SPECS))
def test_output_directory_has_all_artifacts(automl_runs, name):
    run = automl_runs.get(name)
    for f in ["model.kiln", "leaderboard.csv", "report.html", "report.json"]:
        path = run.out / f
        assert path.is_file() and path.stat().st_size > 0, f"missing or empty {path}"


@pytest.mark.parametrize("name", ["adult", "car", "abalone"])
def test_report_json_describes_the_run(automl_runs, name):
    run = automl_runs.get(name)
    r = run.report
    for key in ["problem_type", "metric", "target", "leaderboard", "best", "seed"]:
        assert key in r, f"report.json lacks {key!r}: keys {sorted(r)}"
    assert r["target"] == run.spec.target
    assert int(r["seed"]) == SEED
    assert r["metric"].lower() in DEFAULT_METRIC_ALIASES[run.spec.task], (
        f"default metric for {run.spec.task} is {r['metric']!r}")
    lb = r["leaderboard"]
    assert isinstance(lb, list) and 1 <= len(lb) <= run.spec.max_trials
    for i, entry in enumerate(lb):
        missing = REPORT_ENTRY_KEYS - set(entry)
        assert not missing, f"leaderboard entry {i} lacks {sorted(missing)}"
        assert int(entry["rank"]) == i + 1
        assert float(entry["cv_sd"]) >= 0
        assert float(entry["train_seconds"]) >= 0
        assert float(entry["predict_us_per_row"]) >= 0
    assert len({e["candidate"] for e in lb}) == len(lb), "candidate names are not unique"
    # Candidates re-scored on fresh CV partitions (cv_repeats > 1) rank first; within each group
    # scores are comparable and sorted best first.
    rescored = [int(e.get("cv_repeats", 1)) > 1 for e in lb]
    assert rescored == sorted(rescored, reverse=True), f"re-scored ones not first: {rescored}"
    for k in set(rescored):
        scores = [float(e["cv_score"]) for e, r in zip(lb, rescored) if r == k]
        wanted = sorted(scores, reverse=higher_is_better(r["metric"]))
        assert scores == wanted, f"leaderboard not sorted best first for {r['metric']}: {scores}"
    best = r["best"]
    best_name = best.get("candidate") if isinstance(best, dict) else best
    assert best_name == lb[0]["candidate"], f"best {best!r} is not leaderboard rank 1"


@pytest.mark.parametrize("name", ["adult", "car", "abalone"])
def test_leaderboard_csv_matches_report(automl_runs, name):
    run = automl_runs.get(name)
    header, rows = read_leaderboard(run.out / "leaderboard.csv")
    assert header == LEADERBOARD_HEADER
    lb = run.report["leaderboard"]
    assert len(rows) == len(lb)
    for row, entry in zip(rows, lb):
        assert len(row) == len(header), f"ragged leaderboard row {row}"
        rec = dict(zip(header, row))
        assert rec["candidate"] == entry["candidate"]
        if rec["error"]:  # failed candidates come last, without a rank or score
            assert entry["rank"] is None and entry["error"] == rec["error"]
            continue
        assert float(rec["ensemble_weight"]) == pytest.approx(entry["ensemble_weight"])
        assert int(rec["cv_repeats"]) == int(entry["cv_repeats"])
        assert int(rec["rank"]) == int(entry["rank"])
        assert rec["candidate"] == entry["candidate"]
        assert rec["learner"] == entry["learner"]
        assert rec["metric"] == run.report["metric"]
        assert math.isclose(float(rec["cv_mean"]), float(entry["cv_score"]),
                            rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(float(rec["cv_sd"]), float(entry["cv_sd"]),
                            rel_tol=1e-9, abs_tol=1e-12)


def test_report_html_is_a_page_about_the_run(automl_runs):
    run = automl_runs.get("adult")
    page = (run.out / "report.html").read_text(encoding="utf-8")
    assert "<html" in page.lower()
    best = run.report["leaderboard"][0]["candidate"]
    assert best in page or html.escape(best) in page, "report.html does not name the best model"
    assert run.spec.target in page or html.escape(run.spec.target) in page


# ----- quality on a held-out 25% -----

def test_adult_auc_at_least_085(automl_runs):
    assert holdout_auc(automl_runs.get("adult"), ">50K") >= 0.85


def test_credit_g_auc_at_least_070(automl_runs):
    assert holdout_auc(automl_runs.get("credit-g"), "bad") >= 0.70


def test_bank_marketing_auc_at_least_080(automl_runs):
    assert holdout_auc(automl_runs.get("bank-marketing"), "yes") >= 0.80


def test_blood_transfusion_integer_labels_auc_at_least_062(automl_runs):
    run = automl_runs.get("blood-transfusion")
    assert run.classes == ["0", "1"]
    assert holdout_auc(run, "1") >= 0.62


def test_car_log_loss_at_most_03(automl_runs):
    assert holdout_log_loss(automl_runs.get("car")) <= 0.3


def test_diabetes_log_loss_beats_class_priors(automl_runs):
    run = automl_runs.get("diabetes130us")
    y_train = run.train["readmitted"]
    prior = y_train.value_counts(normalize=True).reindex(run.classes).to_numpy()
    baseline = log_loss(run.holdout["readmitted"], np.tile(prior, (len(run.holdout), 1)),
                        labels=run.classes)
    assert holdout_log_loss(run) <= baseline + 0.005


def test_abalone_rmse_at_most_24(automl_runs):
    assert holdout_rmse(automl_runs.get("abalone")) <= 2.4


def test_wine_quality_forced_regression_rmse_at_most_078(automl_runs):
    run = automl_runs.get("wine_quality")
    assert run.report["problem_type"] == "regression"
    assert holdout_rmse(run) <= 0.78  # predicting the mean gives about 0.88


# ----- caps, reproducibility, options -----

def test_time_limit_is_a_cap(tmp_path):
    limit = 10
    out = tmp_path / "out"
    res = run_kiln("automl", DATA / "diabetes130us.csv", "--target", "readmitted", "--out", out,
                   "--time-limit", limit, "--seed", SEED, timeout=automl_timeout(limit))
    assert res.seconds <= limit * 1.05 + START_SLACK_SECONDS, res.describe()
    assert_ok(res)
    assert (out / "model.kiln").is_file()


@pytest.mark.parametrize("name", ["adult", "diabetes130us"])
def test_shared_runs_respected_their_time_limit(automl_runs, name):
    run = automl_runs.get(name)
    assert run.result.seconds <= run.spec.time_limit * 1.05 + START_SLACK_SECONDS, (
        run.result.describe())


def test_seed_and_max_trials_give_byte_identical_predictions(tmp_path):
    df = load_example("credit-g")
    train, holdout = split(df, "class", stratify=True)
    train_csv = write_csv(train, tmp_path / "train.csv")
    holdout_csv = write_csv(holdout, tmp_path / "holdout.csv")
    preds, boards = [], []
    for i in range(2):
        out = tmp_path / f"run{i}"
        res = run_kiln("automl", train_csv, "--target", "class", "--out", out, "--time-limit", 120,
                       "--max-trials", 3, "--seed", 7, timeout=automl_timeout(120))
        assert_ok(res)
        header, rows = read_leaderboard(out / "leaderboard.csv")
        assert 1 <= len(rows) <= 3, f"--max-trials 3 gave {len(rows)} candidates"
        pred = tmp_path / f"pred{i}.csv"
        assert_ok(run_kiln("predict", out / "model.kiln", holdout_csv, "--out", pred))
        preds.append(pred.read_bytes())
        keep = [header.index(c) for c in ["rank", "candidate", "learner", "hyperparameters"]]
        boards.append([[row[k] for k in keep] for row in rows])
    assert preds[0] == preds[1], "same --seed and --max-trials gave different predictions"
    assert boards[0] == boards[1], "same --seed and --max-trials tried different candidates"


def test_max_trials_stops_after_n_candidates(tmp_path):
    out = tmp_path / "out"
    res = run_kiln("automl", DATA / "blood-transfusion.csv", "--target", "donated_march_2007",
                   "--out", out, "--time-limit", 60, "--max-trials", 2, "--seed", SEED,
                   timeout=automl_timeout(60))
    assert_ok(res)
    _, rows = read_leaderboard(out / "leaderboard.csv")
    assert 1 <= len(rows) <= 2
    assert len(read_report(out)["leaderboard"]) == len(rows)


def test_gzip_training_input(tmp_path):
    out = tmp_path / "out"
    res = run_kiln("automl", DATA / "credit-g.csv.gz", "--target", "class", "--out", out,
                   "--time-limit", 15, "--max-trials", 2, "--seed", SEED,
                   timeout=automl_timeout(15))
    assert_ok(res)
    report = read_report(out)
    assert report["problem_type"] == "binary" and report["target"] == "class"
    pred = tmp_path / "pred.csv"
    assert_ok(run_kiln("predict", out / "model.kiln", DATA / "credit-g.csv", "--out", pred))
    check_classification_predictions(read_predictions(pred), ["bad", "good"], 1000)


def test_gzip_predict_input_equals_plain(automl_runs):
    run = automl_runs.get("credit-g")
    res_gz, out_gz = run.predict(DATA / "credit-g.csv.gz", "gz")
    assert_ok(res_gz)
    res_plain, out_plain = run.predict(DATA / "credit-g.csv", "plain")
    assert_ok(res_plain)
    assert out_gz.read_bytes() == out_plain.read_bytes()


def test_metric_override_is_used_for_ranking(automl_runs, tmp_path):
    # Use the multiclass default metric's own spelling on a binary task.
    metric = automl_runs.get("car").report["metric"]
    out = tmp_path / "out"
    res = run_kiln("automl", DATA / "blood-transfusion.csv", "--target", "donated_march_2007",
                   "--out", out, "--time-limit", 15, "--max-trials", 3, "--metric", metric,
                   "--seed", SEED, timeout=automl_timeout(15))
    assert_ok(res)
    report = read_report(out)
    assert report["metric"] == metric
    header, rows = read_leaderboard(out / "leaderboard.csv")
    assert {r[header.index("metric")] for r in rows} == {metric}
    scores = [float(r[header.index("cv_mean")]) for r in rows]
    assert scores == sorted(scores), f"{metric} leaderboard not sorted lowest first: {scores}"


def test_problem_type_override_regression_on_0_1_labels(tmp_path):
    out = tmp_path / "out"
    res = run_kiln("automl", DATA / "blood-transfusion.csv", "--target", "donated_march_2007",
                   "--out", out, "--time-limit", 15, "--max-trials", 1,
                   "--problem-type", "regression", "--seed", SEED, timeout=automl_timeout(15))
    assert_ok(res)
    assert read_report(out)["problem_type"] == "regression"
    pred = tmp_path / "pred.csv"
    assert_ok(run_kiln("predict", out / "model.kiln", DATA / "blood-transfusion.csv",
                       "--out", pred))
    check_regression_predictions(read_predictions(pred), 748)


def test_existing_empty_out_dir_is_accepted(automl_runs):
    run = automl_runs.get("credit-g")  # its --out was created empty beforehand
    assert (run.out / "model.kiln").is_file()


def test_non_empty_out_requires_overwrite(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    keep = out / "keep.txt"
    keep.write_text("do not touch\n")
    args = ["automl", DATA / "blood-transfusion.csv", "--target", "donated_march_2007",
            "--out", out, "--time-limit", 15, "--max-trials", 1, "--seed", SEED]
    res = run_kiln(*args, timeout=automl_timeout(15))
    line = assert_error(res)
    assert "overwrite" in line.lower() or str(out) in line or out.name in line, res.describe()
    assert keep.read_text() == "do not touch\n"
    assert not (out / "model.kiln").exists()

    res = run_kiln(*args, "--overwrite", timeout=automl_timeout(15))
    assert_ok(res)
    assert (out / "model.kiln").is_file()
    assert read_report(out)["target"] == "donated_march_2007"
