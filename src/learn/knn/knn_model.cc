#include "learn/knn/knn_model.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>

#include "learn/model_file_format.h"

namespace kiln {
namespace {

constexpr ModelFileFormat kFormat{"knn model", "KKNN", 1, 32};
constexpr std::size_t kHeaderSize = kFormat.header_size;

void PutLe(std::uint64_t v, int size, std::string* out) {
  for (int i = 0; i < size; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutF32s(std::span<const float> values, std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + 4 * values.size());
  char* dst = out->data() + start;
  if constexpr (std::endian::native == std::endian::little) {
    if (!values.empty())
      std::memcpy(dst, values.data(), 4 * values.size());
  } else {
    for (float f : values) {
      const auto v = std::bit_cast<std::uint32_t>(f);
      for (int i = 0; i < 4; ++i)
        *dst++ = static_cast<char>((v >> (8 * i)) & 0xff);
    }
  }
}

std::uint64_t GetLe(std::string_view bytes, std::size_t offset, int size) {
  std::uint64_t v = 0;
  for (int i = 0; i < size; ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return v;
}

void GetF32s(std::string_view bytes, std::size_t offset, std::span<float> out) {
  if constexpr (std::endian::native == std::endian::little) {
    if (!out.empty())
      std::memcpy(out.data(), bytes.data() + offset, 4 * out.size());
  } else {
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(GetLe(bytes, offset + 4 * i, 4)));
    }
  }
}

Status Corrupt(const std::string& what) { return kFormat.Corrupt(what); }

}  // namespace

KnnModel::KnnModel(Task task, int num_classes, Settings settings, Matrix train,
                   std::vector<float> labels, std::vector<float> row_weights)
    : task_(task),
      num_classes_(num_classes),
      settings_(settings),
      index_(std::move(train), settings.p),
      labels_(std::move(labels)),
      row_weights_(std::move(row_weights)) {
  assert(settings_.n_neighbors >= 1 &&
         static_cast<std::size_t>(settings_.n_neighbors) <= index_.train().rows);
  assert(labels_.size() == index_.train().rows && row_weights_.size() == labels_.size());
}

void KnnModel::Kneighbors(const Matrix& x, int num_threads, std::vector<std::uint32_t>* indices,
                          std::vector<double>* distances) const {
  index_.Search(x, settings_.n_neighbors, num_threads, indices, distances);
}

void KnnModel::Predict(const Matrix& x, std::vector<double>* out) const {
  assert(x.cols == index_.train().cols);
  std::vector<std::uint32_t> indices;
  std::vector<double> distances;
  Kneighbors(x, kPredictThreads, &indices, &distances);
  const std::size_t k = static_cast<std::size_t>(settings_.n_neighbors);
  const std::size_t outputs = static_cast<std::size_t>(num_outputs());
  const std::size_t classes =
      task_ == Task::kRegression ? 1 : static_cast<std::size_t>(num_classes_);
  out->assign(x.rows * outputs, 0.0);
  std::vector<double> weight(k);
  std::vector<double> votes(classes);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const std::uint32_t* idx = indices.data() + r * k;
    const double* dist = distances.data() + r * k;
    // scikit-learn's "distance" weights: 1 / d, or only the exact matches when there are any.
    const bool exact_match = settings_.distance_weights && dist[0] == 0.0;
    for (std::size_t c = 0; c < k; ++c) {
      double w = row_weights_[idx[c]];
      if (settings_.distance_weights)
        w = exact_match ? (dist[c] == 0.0 ? w : 0.0) : w / dist[c];
      weight[c] = w;
    }
    double total = 0;
    for (double w : weight)
      total += w;
    double* o = out->data() + r * outputs;
    if (task_ == Task::kRegression) {
      double s = 0;
      for (std::size_t c = 0; c < k; ++c)
        s += weight[c] * labels_[idx[c]];
      o[0] = s / total;
      continue;
    }
    std::fill(votes.begin(), votes.end(), 0.0);
    for (std::size_t c = 0; c < k; ++c)
      votes[static_cast<std::size_t>(labels_[idx[c]])] += weight[c];
    if (task_ == Task::kBinary) {
      o[0] = votes[1] / total;
    } else {
      for (std::size_t c = 0; c < classes; ++c)
        o[c] = votes[c] / total;
    }
  }
}

void KnnModel::PredictMargin(const Matrix& x, std::vector<double>* out) const {
  Predict(x, out);
  if (task_ == Task::kRegression)
    return;
  const double k = settings_.n_neighbors;
  const double prior = 1.0 / num_classes_;
  for (double& v : *out) {
    const double p = (k * v + prior) / (k + 1);
    v = task_ == Task::kBinary ? std::log(p / (1 - p)) : std::log(p);
  }
}

std::map<std::string, std::string> KnnModel::Info() const {
  return {{"n_neighbors", std::to_string(settings_.n_neighbors)},
          {"p", std::to_string(settings_.p)},
          {"training_rows", std::to_string(index_.train().rows)},
          {"weights", settings_.distance_weights ? "distance" : "uniform"}};
}

Result<std::string> KnnModel::Serialize() const {
  const Matrix& train = index_.train();
  std::string out(kFormat.magic);
  out.reserve(kHeaderSize + 4 * (train.values.size() + 2 * train.rows));
  PutLe(kFormat.version, 4, &out);
  out.push_back(static_cast<char>(task_));
  out.push_back(static_cast<char>(settings_.distance_weights ? 1 : 0));
  out.push_back(static_cast<char>(settings_.p));
  out.push_back('\0');
  PutLe(static_cast<std::uint32_t>(num_classes_), 4, &out);
  PutLe(static_cast<std::uint32_t>(settings_.n_neighbors), 4, &out);
  PutLe(train.rows, 8, &out);
  PutLe(static_cast<std::uint32_t>(train.cols), 4, &out);
  PutF32s(train.values, &out);
  PutF32s(labels_, &out);
  PutF32s(row_weights_, &out);
  return out;
}

Result<std::unique_ptr<KnnModel>> KnnModel::Load(std::string_view bytes, Task task,
                                                 int num_classes) {
  RETURN_IF_ERROR(kFormat.CheckHeader(bytes));
  const auto stored_task = static_cast<unsigned char>(bytes[8]);
  RETURN_IF_ERROR(kFormat.CheckTask(stored_task, task));
  const auto weights = static_cast<unsigned char>(bytes[9]);
  const auto p = static_cast<unsigned char>(bytes[10]);
  if (weights > 1)
    return Corrupt("bad weights code " + std::to_string(weights));
  if (p != 1 && p != 2)
    return Corrupt("bad Minkowski p " + std::to_string(p));
  if (bytes[11] != '\0')
    return Corrupt("reserved byte is not zero");
  const auto classes = GetLe(bytes, 12, 4);
  RETURN_IF_ERROR(kFormat.CheckClasses(classes, num_classes));
  const auto k = GetLe(bytes, 16, 4);
  const auto rows = GetLe(bytes, 20, 8);
  const auto cols = GetLe(bytes, 28, 4);
  // Bounds first, so the size arithmetic below cannot overflow.
  if (rows == 0 || rows >= (std::uint64_t{1} << 32) || cols == 0 || k == 0 || k > rows ||
      rows * cols > bytes.size() / 4) {
    return Corrupt("bad dimensions: rows " + std::to_string(rows) + ", cols " +
                   std::to_string(cols) + ", n_neighbors " + std::to_string(k));
  }
  RETURN_IF_ERROR(kFormat.CheckSize(bytes, kHeaderSize + 4 * (rows * cols + 2 * rows)));
  Matrix train(rows, cols);
  std::vector<float> labels(rows);
  std::vector<float> row_weights(rows);
  GetF32s(bytes, kHeaderSize, train.values);
  GetF32s(bytes, kHeaderSize + 4 * rows * cols, labels);
  GetF32s(bytes, kHeaderSize + 4 * (rows * cols + rows), row_weights);
  for (std::size_t i = 0; i < train.values.size(); ++i) {
    if (!std::isfinite(train.values[i]))
      return Corrupt("non-finite feature at index " + std::to_string(i));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    const float y = labels[i];
    const bool good_label = task == Task::kRegression ? std::isfinite(y)
                                                      : (y >= 0 && y == std::floor(y) &&
                                                         y < static_cast<float>(num_classes));
    if (!good_label)
      return Corrupt("bad label " + std::to_string(y) + " at row " + std::to_string(i));
    if (!std::isfinite(row_weights[i]) || !(row_weights[i] > 0))
      return Corrupt("bad row weight at row " + std::to_string(i));
  }
  Settings settings{static_cast<int>(k), weights == 1, static_cast<int>(p)};
  return std::make_unique<KnnModel>(task, num_classes, settings, std::move(train),
                                    std::move(labels), std::move(row_weights));
}

}  // namespace kiln
