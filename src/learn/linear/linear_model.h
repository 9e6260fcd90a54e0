// LinearModel: a fitted linear or logistic model — one coefficient row and one intercept per
// output. Outputs: regression 1 (the value), binary 1 (margin = log-odds of class 1), multiclass
// K (margins whose softmax is the class probabilities). It also keeps the (weighted) mean of each
// training feature, the background for its exact SHAP values (see Contributions).
//
// Serialized format, version 2, all integers and doubles little-endian:
//   offset  size  field
//        0     4  magic "KLIN"
//        4     4  u32 version = 2
//        8     1  u8 task (0 binary, 1 multiclass, 2 regression)
//        9     1  u8 solver stop (0 converged, 1 max_iter, 2 deadline, 3 no_progress,
//                 4 closed_form)
//       10     2  u16 reserved = 0
//       12     4  u32 num_classes (2 binary, K multiclass, 0 regression)
//       16     4  u32 num_features
//       20     4  u32 num_outputs (1, or K for multiclass)
//       24     4  u32 iterations
//       28     8  f64 final objective
//       36     8 * num_outputs * num_features  f64 coefficients, output-major
//        …     8 * num_outputs  f64 intercepts
//        …     8 * num_features  f64 training feature means (new in version 2)
// Nothing follows; any other length, or a non-finite value, is Corruption. Version 1 (no means)
// is not read: retrain such a model.
//
// Thread-safety: immutable after construction; Predict is safe from many threads.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/linear/owlqn.h"

namespace kiln {

class LinearModel final : public Model {
 public:
  // How the fit ended, reported by Info().
  struct FitSummary {
    int iterations = 0;
    double objective = 0;
    SolverStop stop = SolverStop::kConverged;
  };

  // REQUIRES coefficients.size() == NumOutputs(task, num_classes) * num_features,
  // intercepts.size() == NumOutputs(task, num_classes), and feature_means.size() == num_features
  // or empty (= all zero).
  LinearModel(Task task, int num_classes, int num_features, std::vector<double> coefficients,
              std::vector<double> intercepts, FitSummary summary,
              std::vector<double> feature_means = {});

  // Decodes Serialize()'s bytes; Corruption if they are malformed or describe another task or
  // class count than expected.
  static Result<std::unique_ptr<LinearModel>> Load(std::string_view bytes, Task task,
                                                   int num_classes);

  std::string algorithm() const override { return "linear"; }
  Task task() const override { return task_; }
  int num_classes() const override { return num_classes_; }
  void Predict(const Matrix& x, std::vector<double>* out) const override;
  // Exact margins: x . w + b per output (see the class comment).
  void PredictMargin(const Matrix& x, std::vector<double>* out) const override;
  // Exact interventional SHAP for independent features, with the training data as background:
  // feature j of output o gets w_oj * (x_j - mean_j), the bias is b_o + sum_j w_oj * mean_j (the
  // margin at the mean row). Layout as Model::Contributions; each block sums to PredictMargin's
  // value up to rounding. InvalidArgument when x.cols differs from num_features().
  Result<std::vector<double>> Contributions(const Matrix& x) const override;
  // iterations, nonzero_coefficients, objective, stop ("converged", "max_iter", ...).
  std::map<std::string, std::string> Info() const override;
  Result<std::string> Serialize() const override;

  int num_features() const { return num_features_; }
  // Output-major: coefficients()[k * num_features() + j] weighs feature j in output k.
  std::span<const double> coefficients() const { return coefficients_; }
  std::span<const double> intercepts() const { return intercepts_; }
  // The training mean of each feature, weighted by TrainSet::weights (class weights do not count).
  std::span<const double> feature_means() const { return feature_means_; }
  const FitSummary& summary() const { return summary_; }

 private:
  Task task_;
  int num_classes_;
  int num_features_;
  std::vector<double> coefficients_;
  std::vector<double> intercepts_;
  std::vector<double> feature_means_;
  FitSummary summary_;
};

}  // namespace kiln
