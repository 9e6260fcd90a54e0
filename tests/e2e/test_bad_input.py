"""Bad input: every failure is a non-zero exit with one stderr line that names the problem, and
no input crashes the binary. Fixtures are made here from the small example files."""

import re

import numpy as np
import pytest

from kiln_e2e import (DATA, SEED, assert_error, assert_ok, automl_timeout,
                      check_classification_predictions, load_example, read_predictions,
                      read_report, run_kiln, write_csv)

CAR_LINES = (DATA / "car.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def automl(train, tmp_path, target="class", *extra, time_limit=15):
    return run_kiln("automl", train, "--target", target, "--out", tmp_path / "out",
                    "--time-limit", time_limit, "--max-trials", 1, "--seed", SEED, *extra,
                    timeout=automl_timeout(time_limit))


def write_lines(path, lines):
    path.write_bytes("".join(lines).encode("utf-8"))
    return path


def assert_names_number(line, number):
    assert re.search(rf"(?<!\d){number}(?!\d)", line), f"error does not give line {number}: {line}"


@pytest.mark.parametrize("change", ["extra_field", "missing_field"])
def test_ragged_row_names_file_and_line(tmp_path, change):
    lines = list(CAR_LINES)
    # Physical line 57 of the file (the header is line 1).
    row = lines[56].rstrip("\n")
    lines[56] = (row + ",surplus\n") if change == "extra_field" else (row.rsplit(",", 1)[0] + "\n")
    path = write_lines(tmp_path / "ragged_car.csv", lines)
    line = assert_error(automl(path, tmp_path), "ragged_car.csv")
    assert_names_number(line, 57)


def test_unbalanced_quote_is_reported(tmp_path):
    lines = list(CAR_LINES)
    lines[39] = '"' + lines[39]  # opens a quoted field on line 40 that never closes
    path = write_lines(tmp_path / "quote_car.csv", lines)
    assert_error(automl(path, tmp_path), any_of=["quote"])


def test_quoted_fields_are_read(tmp_path):
    # Quoted fields (RFC 4180) are valid CSV and read as their unquoted text.
    lines = [CAR_LINES[0]] + [
        re.sub(r"^([^,]*),", r'"\1",', l) if i % 3 == 0 else l
        for i, l in enumerate(CAR_LINES[1:])]
    path = write_lines(tmp_path / "quoted_car.csv", lines)
    res = automl(path, tmp_path)
    assert_ok(res)
    assert read_report(tmp_path / "out")["problem_type"] == "multiclass"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert_error(automl(path, tmp_path), any_of=["empty", "no header", "no data", "no rows"])


def test_header_only(tmp_path):
    path = write_lines(tmp_path / "header_only.csv", [CAR_LINES[0]])
    assert_error(automl(path, tmp_path),
                 any_of=["no data", "no rows", "0 rows", "zero rows", "header", "empty"])


def test_unknown_target_is_named(tmp_path):
    assert_error(automl(DATA / "car.csv", tmp_path, "no_such_column"), "no_such_column")


def test_missing_target_flag(tmp_path):
    res = run_kiln("automl", DATA / "car.csv", "--out", tmp_path / "out", "--time-limit", 10)
    assert_error(res, any_of=["target"])


def test_single_class_target_is_named(tmp_path):
    df = load_example("blood-transfusion")
    path = write_csv(df[df["donated_march_2007"] == "0"], tmp_path / "one_class.csv")
    assert_error(automl(path, tmp_path, "donated_march_2007"), "donated_march_2007")


def test_all_missing_target_is_named(tmp_path):
    df = load_example("blood-transfusion")
    df["donated_march_2007"] = np.nan
    path = write_csv(df, tmp_path / "no_target.csv")
    assert_error(automl(path, tmp_path, "donated_march_2007"), "donated_march_2007")


def test_all_missing_feature_column_is_ignored(tmp_path):
    df = load_example("blood-transfusion")
    df.insert(2, "always_empty", np.nan)
    path = write_csv(df, tmp_path / "with_empty_column.csv")
    assert path.read_text().split("\n")[1] == "2,50,,12500,98,1"  # really an empty cell
    res = automl(path, tmp_path, "donated_march_2007")
    assert_ok(res)
    pred = tmp_path / "pred.csv"
    assert_ok(run_kiln("predict", tmp_path / "out" / "model.kiln", path, "--out", pred))
    check_classification_predictions(read_predictions(pred), ["0", "1"], len(df))


def test_invalid_utf8_names_line(tmp_path):
    lines = [l.encode("utf-8") for l in CAR_LINES]
    lines[9] = b"vhigh\xff\xfe," + lines[9].split(b",", 1)[1]  # physical line 10
    path = tmp_path / "latin_car.csv"
    path.write_bytes(b"".join(lines))
    line = assert_error(automl(path, tmp_path), any_of=["utf-8", "utf8"])
    assert_names_number(line, 10)


def test_ten_megabyte_field_does_not_crash(tmp_path):
    df = load_example("blood-transfusion")
    df.insert(0, "note", "short")
    df.loc[4, "note"] = "x" * (10 * 1024 * 1024)
    path = write_csv(df, tmp_path / "huge_field.csv")
    assert path.stat().st_size > 10 * 1024 * 1024
    res = automl(path, tmp_path, "donated_march_2007", time_limit=20)
    assert res.returncode >= 0, f"killed by signal {-res.returncode}\n" + res.describe()
    if res.returncode != 0:
        line = assert_error(res)
        assert len(line) < 2000, "error message echoes the huge field"
    else:
        assert (tmp_path / "out" / "model.kiln").is_file()


def test_unknown_metric_is_named(tmp_path):
    assert_error(automl(DATA / "car.csv", tmp_path, "class", "--metric", "bogus_metric"),
                 "bogus_metric")


def test_unknown_problem_type_is_named(tmp_path):
    assert_error(automl(DATA / "car.csv", tmp_path, "class", "--problem-type", "clustering"),
                 "clustering")


def test_missing_training_file_is_named(tmp_path):
    assert_error(automl(tmp_path / "no_such_file.csv", tmp_path), "no_such_file.csv")


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["automl"], ["predict"], ["train"]])
def test_bad_command_line(args):
    assert_error(run_kiln(*args))


def test_bad_time_limit(tmp_path):
    res = run_kiln("automl", DATA / "car.csv", "--target", "class", "--out", tmp_path / "out",
                   "--time-limit", "soon")
    assert_error(res, "soon")
