#include <cmath>
#include <nlohmann/json.hpp>

#include "profile/internal/column_statistics.h"
#include "profile/profile_render.h"

namespace kiln {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

double Share(std::size_t part, std::size_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

json HistogramJson(const Histogram& h) {
  json edges = json::array();
  const std::size_t n = h.counts.size();
  for (std::size_t i = 0; i <= n && n > 0; ++i) {
    edges.push_back(Num(
        i == n ? h.hi : h.lo + (h.hi - h.lo) * static_cast<double>(i) / static_cast<double>(n)));
  }
  return {{"edges", edges}, {"counts", h.counts}};
}

json NumericJson(const NumericSummary& s) {
  return {{"count", s.count},         {"min", Num(s.min)},
          {"max", Num(s.max)},        {"mean", Num(s.mean)},
          {"std", Num(s.std)},        {"skew", Num(s.skew)},
          {"p5", Num(s.p5)},          {"p25", Num(s.p25)},
          {"median", Num(s.median)},  {"p75", Num(s.p75)},
          {"p95", Num(s.p95)},        {"zeros", s.zeros},
          {"negatives", s.negatives}, {"histogram", HistogramJson(s.histogram)}};
}

json ValueCountsJson(const std::vector<ValueCount>& values, std::size_t whole) {
  json a = json::array();
  for (const ValueCount& v : values) {
    a.push_back({{"value", v.value}, {"count", v.count}, {"share", Share(v.count, whole)}});
  }
  return a;
}

json ColumnJson(const ColumnProfile& c, std::size_t rows) {
  const std::size_t present = rows - c.missing;
  json j = {{"name", c.name},
            {"type", ColumnTypeName(c.type)},
            {"type_reason", c.type_reason},
            {"missing", c.missing},
            {"missing_share", Share(c.missing, rows)},
            {"distinct", c.distinct},
            {"is_id", c.is_id},
            {"likely_id", c.likely_id},
            {"memory_bytes", c.memory_bytes}};
  if (c.numeric) {
    if (c.type == ColumnType::kDatetime) {
      json d = {{"min", c.datetime_min},
                {"max", c.datetime_max},
                {"median", profile_internal::FormatIsoDatetime(c.numeric->median)}};
      d["histogram"] = HistogramJson(c.numeric->histogram);
      d["histogram"]["unit"] = "seconds since 1970-01-01T00:00:00Z";
      j["datetime"] = d;
    } else {
      j["numeric"] = NumericJson(*c.numeric);
    }
  }
  if (!c.top_values.empty() || !IsNumberLike(c.type)) {
    j["top_values"] = ValueCountsJson(c.top_values, present);
    j["other_count"] = c.other_count;
  }
  if (c.text_lengths) {
    j["text_length"] = {
        {"min", c.text_lengths->min}, {"mean", c.text_lengths->mean}, {"max", c.text_lengths->max}};
  }
  return j;
}

json TargetJson(const TargetProfile& t, std::size_t rows) {
  json j = {{"column", t.column}, {"missing", t.missing}};
  if (!t.problem_type_error.empty()) {
    j["problem_type"] = nullptr;
    j["error"] = t.problem_type_error;
    return j;
  }
  j["problem_type"] = TaskName(t.task);
  j["reason"] = t.reason;
  if (t.task != Task::kRegression) {
    j["classes"] = ValueCountsJson(t.classes, rows - t.missing);
  }
  if (t.distribution)
    j["distribution"] = NumericJson(*t.distribution);
  return j;
}

}  // namespace

std::string RenderProfileJson(const DataProfile& p) {
  json j;
  j["format"] = "kiln-profile";
  j["version"] = kFormatVersion;
  j["source"] = p.source;
  j["rows"] = p.rows;
  j["column_count"] = p.columns.size();
  j["missing_cells"] = p.missing_cells;
  j["duplicate_rows"] = p.duplicate_rows;
  j["memory_bytes"] = p.memory_bytes;
  json types = json::object();
  for (const ColumnProfile& c : p.columns) {
    json& n = types[ColumnTypeName(c.type)];
    n = n.is_null() ? 1 : n.get<int>() + 1;
  }
  j["column_types"] = types;
  json cols = json::array();
  for (const ColumnProfile& c : p.columns)
    cols.push_back(ColumnJson(c, p.rows));
  j["columns"] = cols;
  j["target"] = p.target ? TargetJson(*p.target, p.rows) : json(nullptr);
  json warnings = json::array();
  for (const ProfileWarning& w : p.warnings) {
    warnings.push_back({{"severity", SeverityName(w.severity)},
                        {"kind", w.kind},
                        {"column", w.column.empty() ? json(nullptr) : json(w.column)},
                        {"message", w.message}});
  }
  j["warnings"] = warnings;
  // Invalid UTF-8 in a value is replaced rather than failing the whole report.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace kiln
