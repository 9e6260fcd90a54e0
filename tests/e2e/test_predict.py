"""`kiln predict`: output columns and number format, row order, --id-column, and what the input
may differ in (target present or not, unseen categories, missing cells, missing columns)."""

import numpy as np
import pytest

from kiln_e2e import (assert_error, assert_ok, check_classification_predictions,
                      check_regression_predictions, csv_text, read_predictions, run_kiln)


@pytest.mark.parametrize("name, expected", [
    ("adult", ["<=50K", ">50K"]),
    ("bank-marketing", ["no", "yes"]),
    ("blood-transfusion", ["0", "1"]),
    ("car", ["acc", "good", "unacc", "vgood"]),
    ("diabetes130us", ["<30", ">30", "NO"]),
])
def test_classification_columns_spell_classes_as_in_training_csv(automl_runs, name, expected):
    run = automl_runs.get(name)
    assert run.classes == expected
    res, out = run.predict(run.holdout, "holdout")
    assert_ok(res)
    check_classification_predictions(read_predictions(out), expected, len(run.holdout))


def test_regression_output_is_one_prediction_column(automl_runs):
    run = automl_runs.get("abalone")
    res, out = run.predict(run.holdout, "holdout")
    assert_ok(res)
    pred = check_regression_predictions(read_predictions(out), len(run.holdout))
    assert np.all(np.isfinite(pred))
    assert pred.std() > 0, "constant predictions"


def test_id_column_is_first_and_rows_keep_input_order(automl_runs):
    run = automl_runs.get("diabetes130us")
    data = run.holdout.sample(frac=1, random_state=3)  # any order must be kept as given
    res, out = run.predict(data, "ids", "--id-column", "encounter_id")
    assert_ok(res)
    pred = read_predictions(out)
    check_classification_predictions(pred, run.classes, len(data), id_column="encounter_id")
    assert pred["encounter_id"].tolist() == data["encounter_id"].tolist()


def test_id_column_on_regression(automl_runs):
    run = automl_runs.get("abalone")
    data = run.holdout.head(50).copy()
    data.insert(0, "row_id", [f"r{i:03d}" for i in range(len(data))])
    res, out = run.predict(data, "ids", "--id-column", "row_id")
    assert_ok(res)
    pred = read_predictions(out)
    check_regression_predictions(pred, len(data), id_column="row_id")
    assert pred["row_id"].tolist() == data["row_id"].tolist()


def test_rows_are_predicted_independently_of_their_neighbours(automl_runs):
    run = automl_runs.get("adult")
    res_all, out_all = run.predict(run.holdout, "all")
    assert_ok(res_all)
    part = run.holdout.iloc[::7]
    res_part, out_part = run.predict(part, "part")
    assert_ok(res_part)
    full = read_predictions(out_all).iloc[::7].reset_index(drop=True)
    assert csv_text(read_predictions(out_part)) == csv_text(full)


@pytest.mark.parametrize("name", ["adult", "abalone"])
def test_target_column_in_input_is_ignored(automl_runs, name):
    run = automl_runs.get(name)
    with_target = run.holdout.copy()
    with_target[run.spec.target] = with_target[run.spec.target].iloc[::-1].to_numpy()
    res_a, out_a = run.predict(with_target, "with_target")
    assert_ok(res_a)
    res_b, out_b = run.predict(run.holdout.drop(columns=[run.spec.target]), "without_target")
    assert_ok(res_b)
    assert out_a.read_bytes() == out_b.read_bytes()


def test_unseen_categories_and_missing_values_adult(automl_runs):
    run = automl_runs.get("adult")
    data = run.holdout.head(200).copy()
    data.loc[0:49, "workclass"] = "Never-seen-before"
    data.loc[25:74, "native-country"] = "Atlantis"
    data.loc[50:99, "age"] = np.nan
    data.loc[60:119, "occupation"] = np.nan
    data.loc[100:149, "hours-per-week"] = np.nan
    data.loc[150:199, data.columns.drop("class")] = np.nan  # rows with every feature missing
    res, out = run.predict(data, "odd")
    assert_ok(res)
    check_classification_predictions(read_predictions(out), run.classes, len(data))


def test_unseen_categories_and_missing_values_car(automl_runs):
    # car has no missing value and only categorical features in training.
    run = automl_runs.get("car")
    data = run.holdout.head(100).copy()
    data.loc[0:29, "buying"] = "priceless"
    data.loc[20:49, "safety"] = np.nan
    data.loc[40:59, "doors"] = "17"
    res, out = run.predict(data, "odd")
    assert_ok(res)
    check_classification_predictions(read_predictions(out), run.classes, len(data))


def test_missing_values_regression(automl_runs):
    run = automl_runs.get("abalone")
    data = run.holdout.head(60).copy()
    data.loc[0:19, "Sex"] = "X"
    data.loc[10:39, "Shell_weight"] = np.nan
    res, out = run.predict(data, "odd")
    assert_ok(res)
    check_regression_predictions(read_predictions(out), len(data))


@pytest.mark.parametrize("name, column", [("adult", "education-num"), ("car", "safety"),
                                          ("abalone", "Sex")])
def test_missing_feature_column_is_an_error_naming_it(automl_runs, name, column):
    run = automl_runs.get(name)
    res, out = run.predict(run.holdout.drop(columns=[column]), f"no_{column}")
    assert_error(res, column)


def test_missing_model_file(tmp_path, automl_runs):
    run = automl_runs.get("car")
    model = tmp_path / "nowhere" / "model.kiln"
    res = run_kiln("predict", model, run.holdout_csv, "--out", tmp_path / "pred.csv")
    assert_error(res, "model.kiln")
    assert not (tmp_path / "pred.csv").exists()


def test_model_file_that_is_not_a_model(tmp_path, automl_runs):
    run = automl_runs.get("car")
    model = tmp_path / "model.kiln"
    model.write_bytes(b"this is not a kiln model\n" * 10)
    res = run_kiln("predict", model, run.holdout_csv, "--out", tmp_path / "pred.csv")
    assert_error(res)


def test_unknown_id_column_is_an_error_naming_it(automl_runs):
    run = automl_runs.get("car")
    res, _ = run.predict(run.holdout_csv, "bad_id", "--id-column", "no_such_id")
    assert_error(res, "no_such_id")


def test_missing_data_file(tmp_path, automl_runs):
    run = automl_runs.get("car")
    res = run_kiln("predict", run.model, tmp_path / "absent.csv", "--out", tmp_path / "p.csv")
    assert_error(res, "absent.csv")
