// Writing one CSV field per RFC 4180: quoted (with quotes doubled) only when it holds a delimiter,
// a quote or a line break. Shared by every CSV Kiln writes (predictions, explanations,
// leaderboards).
#pragma once

#include <string>

namespace kiln {

void AppendCsvField(const std::string& s, std::string* out);

}  // namespace kiln
