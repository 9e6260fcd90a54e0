#include <algorithm>
#include <string>

#include "profile/internal/format.h"
#include "profile/profile_render.h"

namespace kiln {
namespace {

using profile_internal::FormatBytes;
using profile_internal::FormatCount;
using profile_internal::FormatPercent;
using profile_internal::FormatStat;
using profile_internal::Pad;
using profile_internal::Truncate;

constexpr std::size_t kNameWidth = 26;
constexpr std::size_t kSummaryWidth = 72;
constexpr std::size_t kBarWidth = 30;

// Control characters (newlines in a value) would break the table.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20)
      c = ' ';
  }
  return s;
}

std::string TopValues(const ColumnProfile& c, std::size_t present, std::size_t limit) {
  std::string s;
  for (std::size_t i = 0; i < c.top_values.size() && i < limit; ++i) {
    s += (i ? ", " : "") + OneLine(Truncate(c.top_values[i].value, 20)) + " " +
         FormatPercent(c.top_values[i].count, present);
  }
  return s;
}

std::string Summary(const ColumnProfile& c, std::size_t rows) {
  std::string s;
  if (c.is_id)
    s += "ID · ";
  else if (c.likely_id)
    s += "likely ID · ";
  const std::size_t present = rows - c.missing;
  if (present == 0)
    return s + "all missing";
  if (c.type == ColumnType::kDatetime) {
    s += c.datetime_min + " .. " + c.datetime_max;
  } else if ((c.is_id || c.likely_id) && c.numeric) {
    s += "min " + FormatStat(c.numeric->min) + " max " + FormatStat(c.numeric->max);
  } else if (c.type == ColumnType::kBoolean || !c.numeric) {
    if (c.text_lengths) {
      s += "length " + FormatStat(c.text_lengths->mean) + " avg · ";
    }
    s += TopValues(c, present, 3);
  } else {
    const NumericSummary& n = *c.numeric;
    s += "mean " + FormatStat(n.mean) + " sd " + FormatStat(n.std) + " · min " + FormatStat(n.min) +
         " median " + FormatStat(n.median) + " max " + FormatStat(n.max);
  }
  return s;
}

std::string Bar(std::size_t part, std::size_t whole) {
  std::size_t n = whole ? (part * kBarWidth + whole / 2) / whole : 0;
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s += "█";
  return s;
}

void RenderTarget(const DataProfile& p, std::string* out) {
  const TargetProfile& t = *p.target;
  std::string& o = *out;
  o += "\nTarget \"" + OneLine(t.column) + "\": ";
  if (!t.problem_type_error.empty()) {
    o += "cannot be predicted: " + OneLine(t.problem_type_error) + "\n";
    return;
  }
  o += std::string(TaskName(t.task)) + " (" + OneLine(t.reason) + ")";
  if (t.missing > 0)
    o += "; " + FormatCount(t.missing) + " rows without a target";
  o += "\n";
  const std::size_t labelled = p.rows - t.missing;
  if (!t.classes.empty()) {
    std::size_t width = 5;
    for (const ValueCount& c : t.classes) {
      width = std::max(width, profile_internal::DisplayWidth(Truncate(OneLine(c.value), 24)));
    }
    const std::size_t shown = std::min<std::size_t>(t.classes.size(), 30);
    for (std::size_t i = 0; i < shown; ++i) {
      const ValueCount& c = t.classes[i];
      o += "  " + Pad(Truncate(OneLine(c.value), 24), width) + "  " +
           Pad(FormatCount(c.count), 11, true) + "  " +
           Pad(FormatPercent(c.count, labelled), 6, true) + "  " + Bar(c.count, labelled) + "\n";
    }
    if (shown < t.classes.size()) {
      o += "  ... " + std::to_string(t.classes.size() - shown) + " more classes\n";
    }
  }
  if (t.distribution) {
    const NumericSummary& n = *t.distribution;
    o += "  mean " + FormatStat(n.mean) + " · sd " + FormatStat(n.std) + " · skew " +
         FormatStat(n.skew) + " · min " + FormatStat(n.min) + " · p25 " + FormatStat(n.p25) +
         " · median " + FormatStat(n.median) + " · p75 " + FormatStat(n.p75) + " · max " +
         FormatStat(n.max) + "\n";
  }
}

}  // namespace

std::string RenderProfileText(const DataProfile& p) {
  std::string o;
  const std::size_t cells = p.rows * p.columns.size();
  o += "Profile of " + OneLine(p.source.empty() ? "table" : p.source) + "\n";
  o += "  " + FormatCount(p.rows) + " rows · " + FormatCount(p.columns.size()) + " columns · " +
       FormatCount(p.missing_cells) + " missing cells (" + FormatPercent(p.missing_cells, cells) +
       ") · " + FormatCount(p.duplicate_rows) + " duplicate rows · " + FormatBytes(p.memory_bytes) +
       " in memory\n\n";
  o += Pad("#", 4, true) + "  " + Pad("column", kNameWidth) + "  " + Pad("type", 11) + "  " +
       Pad("missing", 16) + "  " + Pad("distinct", 9, true) + "  summary\n";
  for (std::size_t i = 0; i < p.columns.size(); ++i) {
    const ColumnProfile& c = p.columns[i];
    std::string missing =
        c.missing ? FormatCount(c.missing) + " (" + FormatPercent(c.missing, p.rows) + ")" : "0";
    o += Pad(std::to_string(i + 1), 4, true) + "  " +
         Pad(Truncate(OneLine(c.name), kNameWidth), kNameWidth) + "  " +
         Pad(ColumnTypeName(c.type), 11) + "  " + Pad(missing, 16) + "  " +
         Pad(FormatCount(c.distinct), 9, true) + "  " +
         Truncate(Summary(c, p.rows), kSummaryWidth) + "\n";
  }
  if (p.target)
    RenderTarget(p, &o);
  std::size_t by_severity[3] = {0, 0, 0};
  for (const ProfileWarning& w : p.warnings)
    ++by_severity[static_cast<int>(w.severity)];
  o += "\nWarnings: " + std::to_string(p.warnings.size());
  if (!p.warnings.empty()) {
    o += " (" + std::to_string(by_severity[0]) + " high, " + std::to_string(by_severity[1]) +
         " medium, " + std::to_string(by_severity[2]) + " low)";
  }
  o += "\n";
  for (const ProfileWarning& w : p.warnings) {
    o += "  " + Pad(SeverityName(w.severity), 6) + "  " +
         (w.column.empty() ? std::string("(dataset)") : OneLine(w.column)) + ": " +
         OneLine(w.message) + "\n";
  }
  return o;
}

}  // namespace kiln
