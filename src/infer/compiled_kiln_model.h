// CompiledKilnModel: a model.kiln (src/model) compiled for serving. Each feature pipeline the
// model reads becomes a CompiledPipeline (features/compiled_pipeline.h: every encoder, tree and
// linear encodings) and each bag model becomes compiled code: XGBoost models a CompiledForest
// (numerical and categorical splits), linear and logistic models (one output, or one per class) a
// dot product in double, random_forest and extra_trees models a CompiledCartForest, knn models a
// CompiledKnn (the reference's one-query brute-force search on stack buffers). A k-means or
// PCA model in place of the ensemble becomes a CompiledKMeans or CompiledProjection over its
// pipeline. A row is predicted from decoded request values (InputRows: numbers and string views)
// or, for models whose inputs are all plain numbers, from a row of floats, without a Table, a
// Matrix, a library call or any allocation. Outputs equal KilnModel::Predict's: the same
// features, the same margins (float32 XGBoost margins, double linear, forest and knn margins),
// combined in double by weight in member and bag order, then the same link (identity, sigmoid or
// softmax); k-means and PCA outputs as UnsupervisedModel::Transform gives them, no link. Where the
// reference rounds in float before an exact step (knn candidate screening, k-means center
// scores), the compiled parts' headers say when the two can differ.
//
// Not compiled (FailedPrecondition saying why; the caller keeps KilnModel::Predict): other
// learners, knn models of more than CompiledKnn::kMaxNeighbors neighbours, a pipeline with an
// encoder CompiledPipeline does not know, more than kBufferFloats features or outputs per row.
//
// Thread-safety: immutable after Compile; Predict is safe from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "features/compiled_pipeline.h"
#include "infer/compiled_cart_forest.h"
#include "infer/compiled_forest.h"
#include "infer/compiled_kmeans.h"
#include "infer/compiled_knn.h"
#include "infer/compiled_projection.h"
#include "infer/input_rows.h"
#include "learn/task.h"

namespace kiln {

class KilnModel;

class CompiledKilnModel {
 public:
  // Features of all pipelines of one row held on the stack; wider models are not compiled.
  static constexpr std::size_t kBufferFloats = 4096;

  // `layout` maps request rows to the model's inputs (InputLayout::For).
  static Result<CompiledKilnModel> Compile(const KilnModel& model, const InputLayout& layout);
  // The same with InputLayout::For(model, request_columns).
  static Result<CompiledKilnModel> Compile(const KilnModel& model,
                                           const std::vector<std::string>& request_columns);

  // Values per row Predict writes (NumOutputs of the model's task).
  int num_outputs() const { return outputs_; }
  const InputLayout& layout() const { return layout_; }

  // rows.rows decoded rows (layout()'s slots) -> rows.rows * num_outputs() values at `out`.
  void Predict(const InputRows& rows, double* out) const;
  // REQUIRES layout().all_plain_numbers(): `num_rows` request rows of
  // layout().num_request_columns floats each (NaN = missing), row-major -> num_rows *
  // num_outputs() values at `out`.
  void Predict(const float* rows, std::size_t num_rows, double* out) const;

  // "2 xgboost models (116 trees), 1 linear model; 2 compiled pipelines, 122 features".
  std::string Describe() const;

  // Test rows for checking against KilnModel::Predict: numbers on the XGBoost models' split
  // thresholds where a pipeline passes them through, else spread values and missing; texts from
  // the encoders' levels, an unseen level and missing. The views point into this object.
  InputRows ProbeRows() const;

 private:
  enum class PartKind { kXgboost, kLinear, kCartForest, kKnn, kKMeans, kProjection };
  static constexpr int kPartKinds = 6;
  // One pipeline: compiled, its width, where its tile of features starts in the stack buffer
  // (tile_rows_ * the widths before it), and for pass-through pipelines the request column of
  // each output (the float-row fast path gathers them).
  struct Pipeline {
    CompiledPipeline compiled;
    std::size_t width = 0;
    std::size_t offset = 0;
    std::vector<std::uint32_t> gather;
  };
  // One bag model (or the unsupervised model): what it is, the pipeline it reads, its weight
  // (member weight / bag size; 1 for the unsupervised model).
  struct Part {
    PartKind kind = PartKind::kXgboost;
    std::size_t pipeline = 0;
    double weight = 0;
    CompiledForest xgboost;
    CompiledCartForest cart;
    CompiledKnn knn;
    CompiledKMeans kmeans;
    CompiledProjection projection;
    std::vector<double> coefficients;  // linear: output-major, outputs x width
    std::vector<double> intercepts;    // linear: one per output
  };

  // Margins of the tile's `n` rows (features already in `features`) summed by weight into `acc`,
  // then the link.
  void PredictTile(const float* features, std::size_t n, double* acc) const;

  InputLayout layout_;
  std::vector<Pipeline> pipelines_;
  std::vector<Part> parts_;  // in KilnModel's order: members, then each member's bag
  Task task_ = Task::kRegression;
  int outputs_ = 1;
  std::size_t tile_rows_ = 1;                   // rows per pass through the stack buffers
  std::vector<std::uint32_t> number_position_;  // per number slot: its request column
  // ProbeRows' values: per number slot a list, per text slot a list (texts in probe_text_).
  std::vector<std::vector<double>> probe_numbers_;
  std::vector<std::vector<std::string>> probe_texts_;
};

}  // namespace kiln
