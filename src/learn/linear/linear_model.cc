#include "learn/linear/linear_model.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>

#include "common/number_format.h"
#include "learn/model_file_format.h"

namespace kiln {
namespace {

constexpr ModelFileFormat kFormat{"linear model", "KLIN", 2, 36, " (retrain the model)"};
constexpr std::size_t kHeaderSize = kFormat.header_size;

void PutU32(std::uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutF64(double d, std::string* out) {
  const auto v = std::bit_cast<std::uint64_t>(d);
  for (int i = 0; i < 8; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t GetLe(std::string_view bytes, std::size_t offset, int size) {
  std::uint64_t v = 0;
  for (int i = 0; i < size; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return v;
}
double GetF64(std::string_view bytes, std::size_t offset) {
  return std::bit_cast<double>(GetLe(bytes, offset, 8));
}

Status Corrupt(const std::string& what) { return kFormat.Corrupt(what); }

}  // namespace

LinearModel::LinearModel(Task task, int num_classes, int num_features,
                         std::vector<double> coefficients, std::vector<double> intercepts,
                         FitSummary summary, std::vector<double> feature_means)
    : task_(task),
      num_classes_(num_classes),
      num_features_(num_features),
      coefficients_(std::move(coefficients)),
      intercepts_(std::move(intercepts)),
      feature_means_(std::move(feature_means)),
      summary_(summary) {
  if (feature_means_.empty())
    feature_means_.assign(static_cast<std::size_t>(num_features), 0.0);
  assert(intercepts_.size() == static_cast<std::size_t>(NumOutputs(task, num_classes)));
  assert(coefficients_.size() == intercepts_.size() * static_cast<std::size_t>(num_features));
  assert(feature_means_.size() == static_cast<std::size_t>(num_features));
}

void LinearModel::PredictMargin(const Matrix& x, std::vector<double>* out) const {
  assert(x.cols == static_cast<std::size_t>(num_features_));
  const std::size_t k = intercepts_.size();
  const std::size_t p = x.cols;
  out->resize(x.rows * k);
  for (std::size_t i = 0; i < x.rows; ++i) {
    const float* row = x.values.data() + i * p;
    for (std::size_t o = 0; o < k; ++o) {
      const double* w = coefficients_.data() + o * p;
      double m = intercepts_[o];
      for (std::size_t j = 0; j < p; ++j)
        m += w[j] * row[j];
      (*out)[i * k + o] = m;
    }
  }
}

Result<std::vector<double>> LinearModel::Contributions(const Matrix& x) const {
  const std::size_t p = x.cols;
  if (p != static_cast<std::size_t>(num_features_)) {
    return Status::InvalidArgument("linear contributions: the data has " + std::to_string(p) +
                                   " columns, the model was trained on " +
                                   std::to_string(num_features_));
  }
  const std::size_t k = intercepts_.size();
  // The margin at the mean row, per output: the bias of every row.
  std::vector<double> bias(intercepts_);
  for (std::size_t o = 0; o < k; ++o) {
    for (std::size_t j = 0; j < p; ++j)
      bias[o] += coefficients_[o * p + j] * feature_means_[j];
  }
  std::vector<double> out(x.rows * k * (p + 1));
  for (std::size_t i = 0; i < x.rows; ++i) {
    const float* row = x.values.data() + i * p;
    for (std::size_t o = 0; o < k; ++o) {
      const double* w = coefficients_.data() + o * p;
      double* block = out.data() + (i * k + o) * (p + 1);
      for (std::size_t j = 0; j < p; ++j)
        block[j] = w[j] * (row[j] - feature_means_[j]);
      block[p] = bias[o];
    }
  }
  return out;
}

void LinearModel::Predict(const Matrix& x, std::vector<double>* out) const {
  PredictMargin(x, out);
  if (task_ == Task::kRegression)
    return;
  if (task_ == Task::kBinary) {
    for (double& m : *out)
      m = m >= 0 ? 1.0 / (1.0 + std::exp(-m)) : std::exp(m) / (1.0 + std::exp(m));
    return;
  }
  const std::size_t k = intercepts_.size();
  for (std::size_t i = 0; i < x.rows; ++i) {
    double* row = out->data() + i * k;
    const double top = *std::max_element(row, row + k);
    double sum = 0;
    for (std::size_t o = 0; o < k; ++o)
      sum += row[o] = std::exp(row[o] - top);
    for (std::size_t o = 0; o < k; ++o)
      row[o] /= sum;
  }
}

std::map<std::string, std::string> LinearModel::Info() const {
  const auto nonzero =
      std::count_if(coefficients_.begin(), coefficients_.end(), [](double c) { return c != 0; });
  return {{"iterations", std::to_string(summary_.iterations)},
          {"nonzero_coefficients", std::to_string(nonzero)},
          {"objective", FormatShortest(summary_.objective)},
          {"stop", SolverStopName(summary_.stop)}};
}

Result<std::string> LinearModel::Serialize() const {
  std::string out(kFormat.magic);
  out.reserve(kHeaderSize +
              8 * (coefficients_.size() + intercepts_.size() + feature_means_.size()));
  PutU32(kFormat.version, &out);
  out.push_back(static_cast<char>(task_));
  out.push_back(static_cast<char>(summary_.stop));
  out.append(2, '\0');
  PutU32(static_cast<std::uint32_t>(num_classes_), &out);
  PutU32(static_cast<std::uint32_t>(num_features_), &out);
  PutU32(static_cast<std::uint32_t>(intercepts_.size()), &out);
  PutU32(static_cast<std::uint32_t>(summary_.iterations), &out);
  PutF64(summary_.objective, &out);
  for (double c : coefficients_)
    PutF64(c, &out);
  for (double b : intercepts_)
    PutF64(b, &out);
  for (double m : feature_means_)
    PutF64(m, &out);
  return out;
}

Result<std::unique_ptr<LinearModel>> LinearModel::Load(std::string_view bytes, Task task,
                                                       int num_classes) {
  RETURN_IF_ERROR(kFormat.CheckHeader(bytes));
  const auto stored_task = static_cast<unsigned char>(bytes[8]);
  const auto stop = static_cast<unsigned char>(bytes[9]);
  RETURN_IF_ERROR(kFormat.CheckTask(stored_task, task));
  if (stop > static_cast<unsigned char>(SolverStop::kClosedForm)) {
    return Corrupt("bad solver stop code " + std::to_string(stop));
  }
  if (GetLe(bytes, 10, 2) != 0)
    return Corrupt("reserved bytes are not zero");
  const auto classes = GetLe(bytes, 12, 4);
  const auto features = GetLe(bytes, 16, 4);
  const auto outputs = GetLe(bytes, 20, 4);
  const auto iterations = GetLe(bytes, 24, 4);
  if (task == Task::kBinary && num_classes == 0)
    num_classes = 2;
  RETURN_IF_ERROR(kFormat.CheckClasses(classes, num_classes));
  if (outputs != static_cast<std::uint64_t>(NumOutputs(task, num_classes))) {
    return Corrupt("bad output count " + std::to_string(outputs));
  }
  if (features > (1u << 30) || iterations > (1u << 31) - 1)
    return Corrupt("bad dimensions");
  const std::uint64_t doubles = outputs * features + outputs + features;
  RETURN_IF_ERROR(kFormat.CheckSize(bytes, kHeaderSize + 8 * doubles));
  std::vector<double> values(doubles);
  for (std::size_t i = 0; i < doubles; ++i) {
    values[i] = GetF64(bytes, kHeaderSize + 8 * i);
    if (!std::isfinite(values[i]))
      return Corrupt("non-finite parameter at index " + std::to_string(i));
  }
  FitSummary summary{static_cast<int>(iterations), GetF64(bytes, 28),
                     static_cast<SolverStop>(stop)};
  const auto coef_end = values.begin() + static_cast<std::ptrdiff_t>(outputs * features);
  const auto intercepts_end = coef_end + static_cast<std::ptrdiff_t>(outputs);
  std::vector<double> intercepts(coef_end, intercepts_end);
  std::vector<double> means(intercepts_end, values.end());
  values.resize(outputs * features);
  return std::make_unique<LinearModel>(task, num_classes, static_cast<int>(features),
                                       std::move(values), std::move(intercepts), summary,
                                       std::move(means));
}

}  // namespace kiln
