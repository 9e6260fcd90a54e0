#include "store/internal/pair_codec.h"

#include <optional>

namespace kiln::store_internal {
namespace {

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Reads one "<length>:<bytes>" field from the front of `in`.
std::optional<std::string> TakeField(std::string_view& in) {
  std::size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 19)
    return std::nullopt;
  std::size_t len = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (in[i] < '0' || in[i] > '9')
      return std::nullopt;
    len = len * 10 + static_cast<std::size_t>(in[i] - '0');
  }
  in.remove_prefix(colon + 1);
  if (len > in.size())
    return std::nullopt;
  std::string field(in.substr(0, len));
  in.remove_prefix(len);
  return field;
}

}  // namespace

std::string EncodePairs(const StringPairs& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    AppendField(out, name);
    AppendField(out, value);
  }
  return out;
}

Result<StringPairs> DecodePairs(std::string_view encoded) {
  StringPairs pairs;
  while (!encoded.empty()) {
    std::optional<std::string> name = TakeField(encoded);
    std::optional<std::string> value =
        name.has_value() ? TakeField(encoded) : std::optional<std::string>();
    if (!value.has_value())
      return Status::Corruption("stored object metadata does not decode");
    pairs.emplace_back(std::move(*name), std::move(*value));
  }
  return pairs;
}

}  // namespace kiln::store_internal
