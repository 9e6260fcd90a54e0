"""`kiln train`: one learner with given hyperparameters, and its argument errors."""

import math

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error, roc_auc_score

from kiln_e2e import (DATA, assert_error, assert_ok, check_classification_predictions,
                      check_regression_predictions, load_example, read_predictions, run_kiln,
                      split, write_csv)


@pytest.fixture(scope="module")
def credit(tmp_path_factory):
    d = tmp_path_factory.mktemp("train_credit")
    train, holdout = split(load_example("credit-g"), "class", stratify=True)
    return d, write_csv(train, d / "train.csv"), holdout, write_csv(holdout, d / "holdout.csv")


@pytest.fixture(scope="module")
def abalone(tmp_path_factory):
    d = tmp_path_factory.mktemp("train_abalone")
    train, holdout = split(load_example("abalone"), "Rings", stratify=False)
    train, valid = split(train, "Rings", stratify=False, seed=1, holdout=0.2)
    return (d, write_csv(train, d / "train.csv"), write_csv(valid, d / "valid.csv"), holdout,
            write_csv(holdout, d / "holdout.csv"))


def predict(model, data, out):
    res = run_kiln("predict", model, data, "--out", out)
    assert_ok(res)
    return read_predictions(out)


@pytest.mark.parametrize("hp", [[], ["--hp", "max_depth=3"]])
def test_xgboost_on_credit_g(credit, tmp_path, hp):
    _, train_csv, holdout, holdout_csv = credit
    out = tmp_path / "out"
    res = run_kiln("train", "--algorithm", "xgboost", "--target", "class", train_csv, *hp,
                   "--out", out)
    assert_ok(res)
    assert (out / "model.kiln").is_file()
    pred = predict(out / "model.kiln", holdout_csv, tmp_path / "pred.csv")
    probs = check_classification_predictions(pred, ["bad", "good"], len(holdout))
    assert roc_auc_score(holdout["class"] == "bad", probs[:, 0]) >= 0.70


def test_linear_regression_with_validation_on_abalone(abalone, tmp_path):
    _, train_csv, valid_csv, holdout, holdout_csv = abalone
    out = tmp_path / "out"
    res = run_kiln("train", "--algorithm", "linear", "--target", "Rings", train_csv,
                   "--validation", valid_csv, "--out", out)
    assert_ok(res)
    pred = check_regression_predictions(
        predict(out / "model.kiln", holdout_csv, tmp_path / "pred.csv"), len(holdout))
    y = holdout["Rings"].astype(float).to_numpy()
    rmse = math.sqrt(mean_squared_error(y, pred))
    assert rmse <= 2.6, f"linear RMSE {rmse} (predicting the mean gives about 3.2)"


def test_linear_classifier_on_credit_g(credit, tmp_path):
    _, train_csv, holdout, holdout_csv = credit
    out = tmp_path / "out"
    assert_ok(run_kiln("train", "--algorithm", "linear", "--target", "class", train_csv,
                       "--out", out))
    pred = predict(out / "model.kiln", holdout_csv, tmp_path / "pred.csv")
    probs = check_classification_predictions(pred, ["bad", "good"], len(holdout))
    assert roc_auc_score(holdout["class"] == "bad", probs[:, 0]) >= 0.70


def test_xgboost_multiclass_on_car(tmp_path):
    out = tmp_path / "out"
    assert_ok(run_kiln("train", "--algorithm", "xgboost", "--target", "class",
                       DATA / "car.csv", "--out", out))
    pred = predict(out / "model.kiln", DATA / "car.csv", tmp_path / "pred.csv")
    classes = ["acc", "good", "unacc", "vgood"]
    check_classification_predictions(pred, classes, 1728)
    truth = load_example("car")["class"].to_numpy()
    assert np.mean(pred["predicted_label"].to_numpy() == truth) >= 0.9  # training accuracy


def test_without_target_uses_last_column_or_asks_for_it(tmp_path):
    # The contract marks --target optional for train; the last column is the dataset convention.
    out = tmp_path / "out"
    res = run_kiln("train", "--algorithm", "xgboost", DATA / "blood-transfusion.csv",
                   "--out", out)
    if res.returncode != 0:
        assert_error(res, "--target")
        return
    pred = predict(out / "model.kiln", DATA / "blood-transfusion.csv", tmp_path / "pred.csv")
    check_classification_predictions(pred, ["0", "1"], 748)


def test_unknown_hyperparameter_is_named(credit, tmp_path):
    _, train_csv, _, _ = credit
    res = run_kiln("train", "--algorithm", "xgboost", "--target", "class", train_csv,
                   "--hp", "foo=1", "--out", tmp_path / "out")
    assert_error(res, "foo")
    assert not (tmp_path / "out" / "model.kiln").exists()


def test_invalid_hyperparameter_value_is_named(credit, tmp_path):
    _, train_csv, _, _ = credit
    res = run_kiln("train", "--algorithm", "xgboost", "--target", "class", train_csv,
                   "--hp", "max_depth=-3", "--out", tmp_path / "out")
    assert_error(res, "max_depth")


def test_non_numeric_hyperparameter_value_is_named(credit, tmp_path):
    _, train_csv, _, _ = credit
    res = run_kiln("train", "--algorithm", "xgboost", "--target", "class", train_csv,
                   "--hp", "max_depth=deep", "--out", tmp_path / "out")
    assert_error(res, "max_depth")


def test_unknown_algorithm_is_named(credit, tmp_path):
    _, train_csv, _, _ = credit
    res = run_kiln("train", "--algorithm", "quantum_forest", "--target", "class", train_csv,
                   "--out", tmp_path / "out")
    assert_error(res, "quantum_forest")


def test_train_non_empty_out_is_refused(credit, tmp_path):
    _, train_csv, _, _ = credit
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    res = run_kiln("train", "--algorithm", "linear", "--target", "class", train_csv,
                   "--out", out)
    assert_error(res)
    assert (out / "keep.txt").read_text() == "x"
    assert not (out / "model.kiln").exists()


def test_validation_file_missing_a_column_is_named(abalone, tmp_path):
    d, train_csv, _, holdout, _ = abalone
    bad_valid = write_csv(holdout.drop(columns=["Diameter"]), d / "valid_no_diameter.csv")
    res = run_kiln("train", "--algorithm", "xgboost", "--target", "Rings", train_csv,
                   "--validation", bad_valid, "--out", tmp_path / "out")
    assert_error(res, "Diameter")
