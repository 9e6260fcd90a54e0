// Trainers: turn a training job's datasets into the files of its model.tar.gz and its final
// metrics, for the two kinds of artifact Kiln writes.
//
//  - TrainXgboostJob (sagemaker-xgboost, xgboost, kiln-xgboost): trains through libxgboost's C API
//    as SageMaker's XGBoost container does — every round evaluates the train and validation sets
//    and logs XGBoost's own line ("[4]\ttrain-rmse:0.21\tvalidation-rmse:0.25"); with
//    early_stopping_rounds it stops when the last eval_metric on validation has not improved for
//    that many rounds and keeps the best iteration (the model is sliced to it, with XGBoost's
//    best_iteration and best_score attributes). The artifact is `xgboost-model`, XGBoost's JSON
//    model format, which Python's `xgboost.Booster(model_file=...)` loads whatever the file name.
//    Metrics: `train:<m>` and `validation:<m>` for every eval_metric, at the kept iteration.
//    multi:softmax trains as such, so the saved model predicts class indices, as SageMaker's does.
//  - TrainKilnModelJob (every other algorithm): fits a feature pipeline (numeric columns; imputed
//    and, when the plan says so, standardized) and the Kiln learner, and writes `model.kiln`, the
//    KilnModel format (src/model/kiln_model.h) that `kiln predict` and Kiln's serving load; its
//    info JSON lists the feature columns in input order. Metrics: Kiln's reported metrics per task
//    (`train:auc`, `validation:rmse`, ...; k-means `train:msd` and `train:ssd`), for the train,
//    validation and test channels present.
//
// Both poll the JobControl (between rounds, or before and after the fit; the learners also get its
// deadline) and return Cancelled when asked to stop. Thread-safety: a call owns its inputs; several
// jobs may train concurrently.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/tar_gz.h"
#include "jobs/csv_dataset.h"
#include "jobs/job_control.h"
#include "jobs/job_log.h"
#include "jobs/training_plan.h"

namespace kiln {

struct TrainerInput {
  const TrainingPlan* plan = nullptr;
  const Dataset* train = nullptr;
  const Dataset* validation = nullptr;  // optional
  const Dataset* test = nullptr;        // optional
  std::string job_name;
  std::string model_dir;  // scratch directory for model files
  int threads = 1;
  JobControl* control = nullptr;
  JobLog* log = nullptr;
};

struct TrainedArtifact {
  std::vector<TarEntry> files;                          // the model.tar.gz contents
  std::vector<std::pair<std::string, double>> metrics;  // FinalMetricDataList, in order
};

Result<TrainedArtifact> TrainXgboostJob(const TrainerInput& in);
Result<TrainedArtifact> TrainKilnModelJob(const TrainerInput& in);

}  // namespace kiln
