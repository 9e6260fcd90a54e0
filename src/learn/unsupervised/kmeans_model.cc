#include "learn/unsupervised/kmeans_model.h"

#include <cmath>
#include <cstdint>

#include "common/number_format.h"
#include "learn/model_file_format.h"
#include "learn/unsupervised/internal/byte_codec.h"

namespace kiln {
namespace {

using unsupervised_internal::ByteReader;
using unsupervised_internal::ByteWriter;

constexpr ModelFileFormat kFormat{"kmeans model", "KKMN", 1, 28};

Status Corrupt(const std::string& what) { return kFormat.Corrupt(what); }

}  // namespace

KMeansModel::KMeansModel(std::vector<double> centers, std::size_t k, std::size_t dims,
                         int iterations, double inertia)
    : centers_(std::move(centers), k, dims), iterations_(iterations), inertia_(inertia) {}

void KMeansModel::Transform(const Matrix& x, std::vector<double>* out) const {
  std::vector<std::uint32_t> labels(x.rows);
  std::vector<double> sq_dist(x.rows);
  unsupervised_internal::NearestCenters(x, 0, x.rows, centers_, labels.data(), sq_dist.data());
  out->resize(2 * x.rows);
  for (std::size_t i = 0; i < x.rows; ++i) {
    (*out)[2 * i] = labels[i];
    (*out)[2 * i + 1] = std::sqrt(sq_dist[i]);
  }
}

std::map<std::string, std::string> KMeansModel::Info() const {
  return {{"inertia", FormatShortest(inertia_)},
          {"iterations", std::to_string(iterations_)},
          {"k", std::to_string(k())}};
}

Result<std::string> KMeansModel::Serialize() const {
  ByteWriter w;
  w.Bytes(kFormat.magic);
  w.U32(kFormat.version);
  w.U32(static_cast<std::uint32_t>(k()));
  w.U32(static_cast<std::uint32_t>(dims()));
  w.U32(static_cast<std::uint32_t>(iterations_));
  w.F64(inertia_);
  for (double v : centers())
    w.F64(v);
  return w.Take();
}

Result<std::unique_ptr<KMeansModel>> KMeansModel::Load(std::string_view bytes) {
  RETURN_IF_ERROR(kFormat.CheckHeader(bytes));
  ByteReader r(bytes.substr(ModelFileFormat::kPrefixSize));
  const std::uint64_t k = r.U32();
  const std::uint64_t dims = r.U32();
  const std::uint32_t iterations = r.U32();
  const double inertia = r.F64();
  if (k == 0 || dims == 0 || k * dims > r.remaining() / 8)
    return Corrupt("bad dimensions: k " + std::to_string(k) + ", dims " + std::to_string(dims));
  RETURN_IF_ERROR(kFormat.CheckSize(bytes, kFormat.header_size + 8 * k * dims));
  if (iterations > 0x7fffffff || !std::isfinite(inertia) || inertia < 0)
    return Corrupt("bad iterations or inertia");
  std::vector<double> centers(k * dims);
  for (std::size_t i = 0; i < centers.size(); ++i) {
    centers[i] = r.F64();
    if (!std::isfinite(centers[i]))
      return Corrupt("non-finite center value at index " + std::to_string(i));
  }
  return std::make_unique<KMeansModel>(std::move(centers), k, dims, static_cast<int>(iterations),
                                       inertia);
}

}  // namespace kiln
