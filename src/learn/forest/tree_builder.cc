#include "learn/forest/tree_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kiln {
namespace {

// Nodes with more rows than this build a dense 256-bin histogram; smaller ones sort their bins.
constexpr std::size_t kDenseMinRows = 96;
constexpr int kAllPresentEdge = FeatureBins::kMaxBins - 1;  // every non-missing bin goes left
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();

}  // namespace

struct TreeBuilder::Split {
  bool found = false;
  double score = -std::numeric_limits<double>::infinity();
  std::size_t feature = 0;
  int edge = 0;  // present rows with bin <= edge go left
  bool default_left = false;
};

void NodeMargins(Task task, int num_classes, double smoothing, double w, const double* sums,
                 double* out) {
  switch (task) {
    case Task::kRegression:
      out[0] = sums[0] / w;
      break;
    case Task::kBinary:
      out[0] = std::log((sums[1] + smoothing) / (sums[0] + smoothing));
      break;
    case Task::kMulticlass: {
      const double denom = w + num_classes * smoothing;
      for (int k = 0; k < num_classes; ++k)
        out[k] = std::log((sums[k] + smoothing) / denom);
      break;
    }
  }
}

TreeBuilder::TreeBuilder(const TreeTrainingData& data, const TreeOptions& options)
    : data_(data),
      opt_(options),
      stride_(2 + (data.task == Task::kRegression ? 1 : data.num_classes)),
      outputs_(NumOutputs(data.task, data.num_classes)) {
  const std::size_t s = static_cast<std::size_t>(stride_);
  dense_.assign(256 * s, 0.0);
  missing_.resize(s);
  present_.resize(s);
  tmp_left_.resize(s);
  tmp_right_.resize(s);
  prefix_.resize(s);
  margins_.resize(static_cast<std::size_t>(outputs_));
  features_.resize(data.bins->cols());
  for (std::size_t f = 0; f < features_.size(); ++f)
    features_[f] = f;
}

double TreeBuilder::NegImpurity(const double* s) const {
  // -(weight x impurity) up to a term that cancels between a node and its children.
  const double w = s[1];
  switch (opt_.criterion) {
    case SplitCriterion::kSquaredError:
      return s[2] * s[2] / w;
    case SplitCriterion::kGini: {
      double sum = 0;
      for (int k = 2; k < stride_; ++k)
        sum += s[k] * s[k];
      return sum / w;
    }
    case SplitCriterion::kEntropy: {
      double sum = -w * std::log2(w);
      for (int k = 2; k < stride_; ++k) {
        if (s[k] > 0)
          sum += s[k] * std::log2(s[k]);
      }
      return sum;
    }
  }
  return 0;
}

bool TreeBuilder::IsPure(const double* stats, std::size_t begin, std::size_t end) const {
  if (data_.task != Task::kRegression) {
    int nonzero = 0;
    for (int k = 2; k < stride_; ++k)
      nonzero += stats[k] > 0;
    return nonzero <= 1;
  }
  const float first = data_.target[rows_[begin]];
  for (std::size_t i = begin + 1; i < end; ++i) {
    if (data_.target[rows_[i]] != first)
      return false;
  }
  return true;
}

void TreeBuilder::SampleRows(std::uint64_t seed) {
  const std::size_t n = data_.bins->rows();
  ForestRandom rng(seed);
  std::vector<std::uint32_t> counts(n, opt_.bootstrap ? 0 : 1);
  if (opt_.bootstrap) {
    for (std::size_t s = 0; s < opt_.bootstrap_size; ++s)
      ++counts[rng.Below(n)];
  }
  std::vector<double> class_weight(data_.task == Task::kRegression ? 0 : data_.num_classes, 1.0);
  if (opt_.balanced_subsample) {
    // scikit-learn's "balanced" computed on the drawn sample (with multiplicity).
    std::vector<double> per_class(class_weight.size(), 0.0);
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      per_class[static_cast<std::size_t>(data_.label[i])] += counts[i];
      total += counts[i];
    }
    const double present = static_cast<double>(
        std::count_if(per_class.begin(), per_class.end(), [](double c) { return c > 0; }));
    for (std::size_t k = 0; k < per_class.size(); ++k)
      class_weight[k] = per_class[k] > 0 ? total / (present * per_class[k]) : 0;
  }
  row_stats_.assign(n, RowStat{0, 0, 2});
  rows_.clear();
  const bool regression = data_.task == Task::kRegression;
  auto set = [&](std::size_t i, double w) {
    row_stats_[i].weight = w;
    row_stats_[i].value = regression ? w * static_cast<double>(data_.target[i]) : w;
    row_stats_[i].slot = regression ? 2 : 2 + data_.label[i];
    rows_.push_back(static_cast<std::uint32_t>(i));
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (counts[i] == 0 || !(data_.weight[i] > 0))
      continue;
    double w = counts[i] * data_.weight[i];
    if (opt_.balanced_subsample)
      w *= class_weight[static_cast<std::size_t>(data_.label[i])];
    set(i, w);
  }
  if (rows_.empty()) {
    // The draw missed every row with weight: fall back to all of them.
    for (std::size_t i = 0; i < n; ++i) {
      if (data_.weight[i] > 0)
        set(i, data_.weight[i]);
    }
  }
  scratch_.resize(rows_.size());
}

std::int32_t TreeBuilder::AddNode(const double* stats, ForestTree* tree) {
  const auto id = static_cast<std::int32_t>(tree->size());
  tree->feature.push_back(-1);
  tree->threshold.push_back(0);
  tree->left.push_back(0);
  tree->right.push_back(0);
  tree->default_left.push_back(0);
  tree->cover.push_back(std::max(static_cast<float>(stats[1]), std::numeric_limits<float>::min()));
  NodeMargins(data_.task, data_.num_classes, opt_.leaf_smoothing, stats[1], stats + 2,
              margins_.data());
  tree->value.insert(tree->value.end(), margins_.begin(), margins_.end());
  node_stats_.insert(node_stats_.end(), stats, stats + stride_);
  return id;
}

void TreeBuilder::BuildHistogram(std::size_t f, std::size_t begin, std::size_t end) {
  const std::uint8_t* col = data_.bins->column(f).data();
  const std::size_t s = static_cast<std::size_t>(stride_);
  entry_bin_.clear();
  entry_stats_.clear();
  std::fill(missing_.begin(), missing_.end(), 0.0);
  if (end - begin > kDenseMinRows) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t r = rows_[i];
      Accumulate(r, &dense_[col[r] * s]);
    }
    for (std::size_t b = 0; b < 256; ++b) {
      double* h = &dense_[b * s];
      if (h[0] == 0)
        continue;
      if (b == FeatureBins::kMissing) {
        std::copy(h, h + s, missing_.begin());
      } else {
        entry_bin_.push_back(static_cast<std::uint8_t>(b));
        entry_stats_.insert(entry_stats_.end(), h, h + s);
      }
      std::fill(h, h + s, 0.0);
    }
    return;
  }
  keys_.clear();
  for (std::size_t i = begin; i < end; ++i)
    keys_.push_back(static_cast<std::uint32_t>(col[rows_[i]]) << 24 |
                    static_cast<std::uint32_t>(i - begin));
  std::sort(keys_.begin(), keys_.end());
  for (std::uint32_t key : keys_) {
    const auto bin = static_cast<std::uint8_t>(key >> 24);
    const std::uint32_t r = rows_[begin + (key & 0xFFFFFFu)];
    if (bin == FeatureBins::kMissing) {
      Accumulate(r, missing_.data());
      continue;
    }
    if (entry_bin_.empty() || entry_bin_.back() != bin) {
      entry_bin_.push_back(bin);
      entry_stats_.resize(entry_stats_.size() + s, 0.0);
    }
    Accumulate(r, &entry_stats_[entry_stats_.size() - s]);
  }
}

void TreeBuilder::Consider(std::size_t f, int edge, bool default_left, const double* left,
                           const double* right, Split* best) {
  const double min_leaf = static_cast<double>(opt_.min_samples_leaf);
  if (left[0] < min_leaf || right[0] < min_leaf || !(left[1] > 0) || !(right[1] > 0))
    return;
  const double score = NegImpurity(left) + NegImpurity(right);
  if (score > best->score) {
    *best = Split{true, score, f, edge, default_left};
  }
}

// Scores the split "present bins <= edge left" given the present-row stats `prefix` of those
// bins, trying the missing rows on each side.
void TreeBuilder::ConsiderEdge(std::size_t f, int edge, const double* prefix, Split* best) {
  const int s = stride_;
  double* l = tmp_left_.data();
  double* r = tmp_right_.data();
  if (missing_[0] == 0) {
    for (int k = 0; k < s; ++k)
      r[k] = present_[k] - prefix[k];
    Consider(f, edge, prefix[1] >= r[1], prefix, r, best);
    return;
  }
  for (int k = 0; k < s; ++k) {
    l[k] = prefix[k] + missing_[k];
    r[k] = present_[k] - prefix[k];
  }
  Consider(f, edge, true, l, r, best);
  for (int k = 0; k < s; ++k)
    r[k] += missing_[k];
  Consider(f, edge, false, prefix, r, best);
}

void TreeBuilder::ScanAllEdges(std::size_t f, Split* best) {
  const std::size_t s = static_cast<std::size_t>(stride_);
  const std::size_t entries = entry_bin_.size();
  std::vector<double>& prefix = prefix_;
  std::fill(prefix.begin(), prefix.end(), 0.0);
  for (std::size_t e = 0; e + 1 < entries; ++e) {
    for (std::size_t k = 0; k < s; ++k)
      prefix[k] += entry_stats_[e * s + k];
    ConsiderEdge(f, entry_bin_[e], prefix.data(), best);
  }
  if (missing_[0] > 0 && entries > 0)
    Consider(f, kAllPresentEdge, false, present_.data(), missing_.data(), best);
}

bool TreeBuilder::TryRandomEdge(std::size_t f, std::size_t begin, std::size_t end,
                                const double* stats, ForestRandom* rng, Split* best) {
  // No histogram: one pass finds the node's bin range, a second sums the rows left of the edge.
  const std::uint8_t* col = data_.bins->column(f).data();
  int lo = FeatureBins::kMissing, hi = -1;
  bool any_missing = false;
  for (std::size_t i = begin; i < end; ++i) {
    const int b = col[rows_[i]];
    if (b == FeatureBins::kMissing) {
      any_missing = true;
    } else {
      lo = std::min(lo, b);
      hi = std::max(hi, b);
    }
  }
  if (hi < 0 || (lo == hi && !any_missing))
    return false;  // constant in this node

  int edge = kAllPresentEdge;
  if (lo < hi) {
    const FeatureBins& bins = *data_.bins;
    const double vmin = bins.bin_min(f, lo);
    const double vmax = bins.bin_max(f, hi);
    const double unit = rng->Unit();
    if (std::isfinite(vmin) && std::isfinite(vmax)) {
      // Threshold uniform in [vmin, vmax], rounded to the nearer edge of the bin it falls in.
      const double u = vmin + unit * (vmax - vmin);
      const std::span<const float> edges = bins.edges(f);
      const int b =
          static_cast<int>(std::lower_bound(edges.begin(), edges.end(), u) - edges.begin());
      const double mid = (static_cast<double>(bins.bin_min(f, b)) + bins.bin_max(f, b)) / 2;
      edge = u < mid ? b - 1 : b;
    } else {
      edge = lo + static_cast<int>(unit * (hi - lo));
    }
    edge = std::clamp(edge, lo, hi - 1);
  }

  std::fill(prefix_.begin(), prefix_.end(), 0.0);
  std::fill(missing_.begin(), missing_.end(), 0.0);
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t r = rows_[i];
    const int b = col[r];
    if (b == FeatureBins::kMissing) {
      Accumulate(r, missing_.data());
    } else if (b <= edge) {
      Accumulate(r, prefix_.data());
    }
  }
  for (int k = 0; k < stride_; ++k)
    present_[k] = stats[k] - missing_[k];
  if (edge == kAllPresentEdge) {
    Consider(f, edge, false, present_.data(), missing_.data(), best);
  } else {
    ConsiderEdge(f, edge, prefix_.data(), best);
  }
  return true;
}

std::size_t TreeBuilder::Partition(const Split& split, std::size_t begin, std::size_t end,
                                   double* left, double* right) {
  const std::uint8_t* col = data_.bins->column(split.feature).data();
  std::size_t nl = 0, nr = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t r = rows_[i];
    const std::uint8_t b = col[r];
    const bool go_left = b == FeatureBins::kMissing ? split.default_left : b <= split.edge;
    if (go_left) {
      rows_[begin + nl++] = r;
      Accumulate(r, left);
    } else {
      scratch_[nr++] = r;
      Accumulate(r, right);
    }
  }
  std::copy(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(nr),
            rows_.begin() + static_cast<std::ptrdiff_t>(begin + nl));
  return begin + nl;
}

bool TreeBuilder::Build(std::uint64_t seed, std::chrono::steady_clock::time_point deadline,
                        ForestTree* tree) {
  *tree = ForestTree();
  node_stats_.clear();
  for (std::size_t f = 0; f < features_.size(); ++f)
    features_[f] = f;  // the shuffle must not depend on the trees built before
  SampleRows(seed);
  ForestRandom rng(SplitMix64(seed ^ 0x5DEECE66Dull));
  const std::size_t s = static_cast<std::size_t>(stride_);

  std::vector<double> root(s, 0.0), left(s), right(s);
  for (std::uint32_t r : rows_)
    Accumulate(r, root.data());
  AddNode(root.data(), tree);
  const double total_weight = root[1];

  struct Pending {
    std::int32_t node;
    std::size_t begin, end;
    int depth;
  };
  std::vector<Pending> stack = {{0, 0, rows_.size(), 0}};
  const std::size_t cols = features_.size();
  std::size_t processed = 0;
  std::vector<double> stats(s);
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (++processed % 64 == 0 && std::chrono::steady_clock::now() >= deadline)
      return false;
    std::copy_n(&node_stats_[static_cast<std::size_t>(p.node) * s], s, stats.begin());
    const double count = stats[0];
    if (p.depth >= opt_.max_depth || count < static_cast<double>(opt_.min_samples_split) ||
        count < 2.0 * static_cast<double>(opt_.min_samples_leaf) ||
        IsPure(stats.data(), p.begin, p.end)) {
      continue;
    }

    Split best;
    std::size_t tried = 0;
    for (std::size_t i = 0; i < cols && tried < opt_.max_features; ++i) {
      std::swap(features_[i], features_[i + rng.Below(cols - i)]);
      const std::size_t f = features_[i];
      if (opt_.kind == ForestKind::kExtraTrees) {
        tried += TryRandomEdge(f, p.begin, p.end, stats.data(), &rng, &best) ? 1 : 0;
        continue;
      }
      BuildHistogram(f, p.begin, p.end);
      const std::size_t entries = entry_bin_.size();
      if (entries == 0 || (entries == 1 && missing_[0] == 0))
        continue;  // constant in this node
      ++tried;
      for (std::size_t k = 0; k < s; ++k)
        present_[k] = stats[k] - missing_[k];
      ScanAllEdges(f, &best);
    }
    if (!best.found)
      continue;
    const double improvement = (best.score - NegImpurity(stats.data())) / total_weight;
    if (improvement + kEpsilon < opt_.min_impurity_decrease)
      continue;

    std::fill(left.begin(), left.end(), 0.0);
    std::fill(right.begin(), right.end(), 0.0);
    const std::size_t mid = Partition(best, p.begin, p.end, left.data(), right.data());
    if (mid == p.begin || mid == p.end)
      continue;  // rounding made the split empty on one side
    const std::int32_t l = AddNode(left.data(), tree);
    const std::int32_t r = AddNode(right.data(), tree);
    const auto n = static_cast<std::size_t>(p.node);
    tree->feature[n] = static_cast<std::int32_t>(best.feature);
    // Real edges stop at 253 (255 bins), so kAllPresentEdge always means "missing vs. present".
    tree->threshold[n] = best.edge == kAllPresentEdge
                             ? std::numeric_limits<float>::infinity()
                             : data_.bins->edges(best.feature)[static_cast<std::size_t>(best.edge)];
    tree->left[n] = l;
    tree->right[n] = r;
    tree->default_left[n] = best.default_left ? 1 : 0;
    stack.push_back({r, mid, p.end, p.depth + 1});
    stack.push_back({l, p.begin, mid, p.depth + 1});
  }
  return true;
}

}  // namespace kiln
