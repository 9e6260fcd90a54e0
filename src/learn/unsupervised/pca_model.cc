#include "learn/unsupervised/pca_model.h"

#include <cmath>
#include <cstdint>

#include "common/number_format.h"
#include "learn/model_file_format.h"
#include "learn/unsupervised/internal/byte_codec.h"

namespace kiln {
namespace {

using unsupervised_internal::ByteReader;
using unsupervised_internal::ByteWriter;

constexpr ModelFileFormat kFormat{"pca model", "KPCA", 1, 28};

Status Corrupt(const std::string& what) { return kFormat.Corrupt(what); }

}  // namespace

std::vector<std::string> PcaModel::output_names() const {
  std::vector<std::string> names;
  for (std::size_t i = 1; i <= s_.num_components; ++i)
    names.push_back("projection_" + std::to_string(i));
  return names;
}

void PcaModel::Transform(const Matrix& x, std::vector<double>* out) const {
  const std::size_t d = s_.num_features;
  const std::size_t k = s_.num_components;
  out->resize(x.rows * k);
  std::vector<double> centered(d);
  for (std::size_t i = 0; i < x.rows; ++i) {
    const float* r = x.values.data() + i * d;
    for (std::size_t j = 0; j < d; ++j)
      centered[j] = (std::isfinite(r[j]) ? static_cast<double>(r[j]) : 0.0) - s_.mean[j];
    for (std::size_t c = 0; c < k; ++c) {
      const double* v = s_.components.data() + c * d;
      double s = 0;
      for (std::size_t j = 0; j < d; ++j)
        s += centered[j] * v[j];
      (*out)[i * k + c] = s;
    }
  }
}

std::vector<double> PcaModel::explained_variance_ratio() const {
  std::vector<double> ratio(s_.num_components, 0.0);
  if (s_.total_variance > 0) {
    for (std::size_t c = 0; c < ratio.size(); ++c)
      ratio[c] = s_.explained_variance[c] / s_.total_variance;
  }
  return ratio;
}

std::map<std::string, std::string> PcaModel::Info() const {
  std::string ratios;
  double total = 0;
  for (double r : explained_variance_ratio()) {
    if (!ratios.empty())
      ratios += ',';
    AppendShortest(r, &ratios);
    total += r;
  }
  return {{"algorithm_mode", s_.randomized ? "randomized" : "regular"},
          {"explained_variance_ratio", ratios},
          {"num_components", std::to_string(s_.num_components)},
          {"total_explained_variance_ratio", FormatShortest(total)}};
}

Result<std::string> PcaModel::Serialize() const {
  ByteWriter w;
  w.Bytes(kFormat.magic);
  w.U32(kFormat.version);
  w.U8(s_.subtract_mean ? 1 : 0);
  w.U8(s_.randomized ? 1 : 0);
  w.U8(0);
  w.U8(0);
  w.U32(static_cast<std::uint32_t>(s_.num_features));
  w.U32(static_cast<std::uint32_t>(s_.num_components));
  w.F64(s_.total_variance);
  for (double v : s_.mean)
    w.F64(v);
  for (double v : s_.explained_variance)
    w.F64(v);
  for (double v : s_.components)
    w.F64(v);
  return w.Take();
}

Result<std::unique_ptr<PcaModel>> PcaModel::Load(std::string_view bytes) {
  RETURN_IF_ERROR(kFormat.CheckHeader(bytes));
  ByteReader r(bytes.substr(ModelFileFormat::kPrefixSize));
  State s;
  const std::uint8_t subtract = r.U8();
  const std::uint8_t mode = r.U8();
  if (subtract > 1 || mode > 1)
    return Corrupt("bad subtract_mean or algorithm_mode flag");
  if (r.U8() != 0 || r.U8() != 0)
    return Corrupt("reserved bytes are not zero");
  s.subtract_mean = subtract == 1;
  s.randomized = mode == 1;
  const std::uint64_t d = r.U32();
  const std::uint64_t k = r.U32();
  s.total_variance = r.F64();
  if (d == 0 || k == 0 || k > d || (k + 1) * d + k > r.remaining() / 8) {
    return Corrupt("bad dimensions: num_features " + std::to_string(d) + ", num_components " +
                   std::to_string(k));
  }
  const std::uint64_t doubles = (k + 1) * d + k;
  RETURN_IF_ERROR(kFormat.CheckSize(bytes, kFormat.header_size + 8 * doubles));
  if (!std::isfinite(s.total_variance) || s.total_variance < 0)
    return Corrupt("bad total variance");
  s.num_features = d;
  s.num_components = k;
  auto read = [&](std::vector<double>* v, std::size_t count, const char* what) -> Status {
    v->resize(count);
    for (double& x : *v) {
      x = r.F64();
      if (!std::isfinite(x))
        return Corrupt(std::string("non-finite ") + what);
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(read(&s.mean, d, "mean"));
  RETURN_IF_ERROR(read(&s.explained_variance, k, "explained variance"));
  RETURN_IF_ERROR(read(&s.components, k * d, "component"));
  for (double v : s.explained_variance) {
    if (v < 0)
      return Corrupt("negative explained variance");
  }
  return std::make_unique<PcaModel>(std::move(s));
}

}  // namespace kiln
