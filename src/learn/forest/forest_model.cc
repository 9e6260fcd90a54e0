#include "learn/forest/forest_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/number_format.h"
#include "learn/forest/tree_shap.h"

namespace kiln {
namespace {

constexpr char kMagic[4] = {'K', 'F', 'O', 'R'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 28;
// Bytes per node before the margins: feature, threshold, left, right, default_left, cover.
constexpr std::size_t kNodeBytes = 4 + 4 + 4 + 4 + 1 + 4;

Status Corrupt(const std::string& what) { return Status::Corruption("forest model: " + what); }

void PutU32(std::uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Sequential little-endian reads; the caller checks remaining() before each group.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::uint8_t U8() { return static_cast<std::uint8_t>(bytes_[pos_++]); }
  std::uint32_t U32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<std::uint32_t>(U8()) << (8 * i);
    return v;
  }
  std::uint64_t U64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(U8()) << (8 * i);
    return v;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

void Sigmoid(std::vector<double>* v) {
  for (double& m : *v)
    m = 1 / (1 + std::exp(-m));
}

void Softmax(int k, std::vector<double>* v) {
  for (std::size_t r = 0; r + static_cast<std::size_t>(k) <= v->size(); r += k) {
    double* p = v->data() + r;
    const double top = *std::max_element(p, p + k);
    double sum = 0;
    for (int j = 0; j < k; ++j)
      sum += p[j] = std::exp(p[j] - top);
    for (int j = 0; j < k; ++j)
      p[j] /= sum;
  }
}

}  // namespace

ForestModel::ForestModel(ForestKind kind, Task task, int num_classes, int num_features,
                         std::vector<ForestTree> trees, Stop stop)
    : kind_(kind),
      task_(task),
      num_classes_(num_classes),
      num_features_(num_features),
      trees_(std::move(trees)),
      stop_(stop) {
  const int outputs = num_outputs();
  bias_.assign(static_cast<std::size_t>(outputs), 0.0);
  for (const ForestTree& t : trees_) {
    depths_.push_back(t.Depth());
    const std::vector<double> e = TreeExpectedValue(t, outputs);
    for (int k = 0; k < outputs; ++k)
      bias_[k] += e[k] / static_cast<double>(trees_.size());
  }
}

void ForestModel::PredictMargin(const Matrix& x, std::vector<double>* out) const {
  const auto outputs = static_cast<std::size_t>(num_outputs());
  if (x.cols != static_cast<std::size_t>(num_features_)) {
    out->assign(x.rows * outputs, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  out->assign(x.rows * outputs, 0.0);
  // Blocks of rows pass through one tree at a time, so the tree stays in cache.
  constexpr std::size_t kBlock = 256;
  for (std::size_t begin = 0; begin < x.rows; begin += kBlock) {
    const std::size_t end = std::min(x.rows, begin + kBlock);
    for (const ForestTree& t : trees_) {
      for (std::size_t r = begin; r < end; ++r) {
        const double* v = &t.value[t.Leaf(x.row(r)) * outputs];
        double* o = out->data() + r * outputs;
        for (std::size_t k = 0; k < outputs; ++k)
          o[k] += v[k];
      }
    }
  }
  const double scale = 1.0 / static_cast<double>(trees_.size());
  for (double& v : *out)
    v *= scale;
}

void ForestModel::Predict(const Matrix& x, std::vector<double>* out) const {
  PredictMargin(x, out);
  if (task_ == Task::kBinary)
    Sigmoid(out);
  else if (task_ == Task::kMulticlass)
    Softmax(num_classes_, out);
}

Result<std::vector<double>> ForestModel::Contributions(const Matrix& x) const {
  if (x.cols != static_cast<std::size_t>(num_features_)) {
    return Status::InvalidArgument(algorithm() + " contributions: the data has " +
                                   std::to_string(x.cols) + " columns, the model was trained on " +
                                   std::to_string(num_features_));
  }
  const int outputs = num_outputs();
  const std::size_t block = x.cols + 1;
  const std::size_t per_row = static_cast<std::size_t>(outputs) * block;
  std::vector<double> out(x.rows * per_row, 0.0);
  TreeShapWorkspace workspace;
  const double scale = 1.0 / static_cast<double>(trees_.size());
  for (std::size_t r = 0; r < x.rows; ++r) {
    const std::span<double> phi(out.data() + r * per_row, per_row);
    for (std::size_t t = 0; t < trees_.size(); ++t)
      AddTreeShap(trees_[t], depths_[t], outputs, x.row(r), phi, &workspace);
    for (int k = 0; k < outputs; ++k) {
      double* p = phi.data() + static_cast<std::size_t>(k) * block;
      for (std::size_t c = 0; c < x.cols; ++c)
        p[c] *= scale;
      p[x.cols] = bias_[static_cast<std::size_t>(k)];
    }
  }
  return out;
}

std::map<std::string, std::string> ForestModel::Info() const {
  double depth = 0, leaves = 0;
  int deepest = 0;
  for (std::size_t t = 0; t < trees_.size(); ++t) {
    depth += depths_[t];
    deepest = std::max(deepest, depths_[t]);
    leaves += static_cast<double>(trees_[t].NumLeaves());
  }
  const double n = static_cast<double>(trees_.size());
  return {
      {"n_estimators", std::to_string(trees_.size())},
      {"mean_depth", FormatShortest(std::round(depth / n * 100) / 100)},
      {"max_depth", std::to_string(deepest)},
      {"mean_leaves", FormatShortest(std::round(leaves / n * 10) / 10)},
      {"num_features", std::to_string(num_features_)},
      {"stop", stop_ == Stop::kDeadline ? "deadline" : "completed"},
  };
}

Result<std::string> ForestModel::Serialize() const {
  std::string out(kMagic, sizeof(kMagic));
  PutU32(kVersion, &out);
  out.push_back(static_cast<char>(kind_));
  out.push_back(static_cast<char>(task_));
  out.push_back(static_cast<char>(stop_));
  out.push_back(0);
  PutU32(static_cast<std::uint32_t>(num_classes_), &out);
  PutU32(static_cast<std::uint32_t>(num_features_), &out);
  PutU32(static_cast<std::uint32_t>(num_outputs()), &out);
  PutU32(static_cast<std::uint32_t>(trees_.size()), &out);
  for (const ForestTree& t : trees_) {
    PutU32(static_cast<std::uint32_t>(t.size()), &out);
    for (std::int32_t f : t.feature)
      PutU32(static_cast<std::uint32_t>(f), &out);
    for (float v : t.threshold)
      PutU32(std::bit_cast<std::uint32_t>(v), &out);
    for (std::int32_t c : t.left)
      PutU32(static_cast<std::uint32_t>(c), &out);
    for (std::int32_t c : t.right)
      PutU32(static_cast<std::uint32_t>(c), &out);
    for (std::uint8_t d : t.default_left)
      out.push_back(static_cast<char>(d));
    for (float v : t.cover)
      PutU32(std::bit_cast<std::uint32_t>(v), &out);
    for (double v : t.value)
      PutU64(std::bit_cast<std::uint64_t>(v), &out);
  }
  return out;
}

Result<std::unique_ptr<ForestModel>> ForestModel::Load(ForestKind kind, std::string_view bytes,
                                                       Task task, int num_classes) {
  if (bytes.size() < kHeaderSize)
    return Corrupt("truncated header (" + std::to_string(bytes.size()) + " bytes)");
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0)
    return Corrupt("bad magic; not a random_forest/extra_trees model");
  Reader in(bytes.substr(sizeof(kMagic)));
  const std::uint32_t version = in.U32();
  if (version != kVersion)
    return Corrupt("unsupported version " + std::to_string(version));
  const std::uint8_t algo = in.U8();
  const std::uint8_t task_code = in.U8();
  const std::uint8_t stop = in.U8();
  const std::uint8_t reserved = in.U8();
  const std::uint32_t classes = in.U32();
  const std::uint32_t features = in.U32();
  const std::uint32_t outputs = in.U32();
  const std::uint32_t num_trees = in.U32();
  if (algo != static_cast<std::uint8_t>(kind)) {
    return Corrupt(std::string("the bytes hold a ") +
                   (algo == 0   ? "random_forest"
                    : algo == 1 ? "extra_trees"
                                : "unknown") +
                   " model, expected " + ForestKindName(kind));
  }
  if (task_code != static_cast<std::uint8_t>(task))
    return Corrupt("task code " + std::to_string(task_code) + " does not match " + TaskName(task));
  if (stop > 1 || reserved != 0)
    return Corrupt("bad header flags");
  const std::uint32_t want_classes = task == Task::kRegression ? 0 : num_classes;
  if (classes != want_classes) {
    return Corrupt("the model has " + std::to_string(classes) + " classes, expected " +
                   std::to_string(want_classes));
  }
  if (outputs != static_cast<std::uint32_t>(NumOutputs(task, num_classes)))
    return Corrupt("num_outputs " + std::to_string(outputs) + " does not fit the task");
  if (features == 0 || features > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
    return Corrupt("num_features " + std::to_string(features) + " is out of range");
  const std::size_t node_bytes = kNodeBytes + 8 * static_cast<std::size_t>(outputs);
  if (num_trees == 0 || num_trees > in.remaining() / (4 + node_bytes))
    return Corrupt("num_trees " + std::to_string(num_trees) + " does not fit the data");

  std::vector<ForestTree> trees(num_trees);
  for (std::uint32_t i = 0; i < num_trees; ++i) {
    const std::string where = "tree " + std::to_string(i) + ": ";
    if (in.remaining() < 4)
      return Corrupt(where + "truncated");
    const std::uint32_t n = in.U32();
    if (n == 0 || n > in.remaining() / node_bytes)
      return Corrupt(where + "node count " + std::to_string(n) + " does not fit the data");
    ForestTree& t = trees[i];
    t.feature.resize(n);
    t.threshold.resize(n);
    t.left.resize(n);
    t.right.resize(n);
    t.default_left.resize(n);
    t.cover.resize(n);
    t.value.resize(static_cast<std::size_t>(n) * outputs);
    for (auto& v : t.feature)
      v = static_cast<std::int32_t>(in.U32());
    for (auto& v : t.threshold)
      v = std::bit_cast<float>(in.U32());
    for (auto& v : t.left)
      v = static_cast<std::int32_t>(in.U32());
    for (auto& v : t.right)
      v = static_cast<std::int32_t>(in.U32());
    for (auto& v : t.default_left)
      v = in.U8();
    for (auto& v : t.cover)
      v = std::bit_cast<float>(in.U32());
    for (auto& v : t.value)
      v = std::bit_cast<double>(in.U64());
    Status s = t.Validate(features, static_cast<int>(outputs));
    if (!s.ok())
      return Corrupt(where + s.message());
  }
  if (in.remaining() != 0)
    return Corrupt(std::to_string(in.remaining()) + " trailing bytes");
  return std::make_unique<ForestModel>(kind, task, task == Task::kRegression ? 0 : num_classes,
                                       static_cast<int>(features), std::move(trees),
                                       stop == 1 ? Stop::kDeadline : Stop::kCompleted);
}

}  // namespace kiln
