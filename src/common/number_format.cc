#include "common/number_format.h"

#include <charconv>
#include <cmath>

namespace kiln {

void AppendShortest(double v, std::string* out) {
  if (std::isnan(v))
    return;
  if (v == 0)
    v = 0;  // no "-0"
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

std::string FormatShortest(double v) {
  std::string s;
  AppendShortest(v, &s);
  return s;
}

}  // namespace kiln
