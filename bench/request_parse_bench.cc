// InvokeEndpoint request parsing: the simdjson On-Demand parsers (ParseRowsInto for rows of floats,
// ParseFieldsInto for rows of text fields, one JsonParser per thread) against the nlohmann::json
// DOM parse they replaced (kept below as it was in src/serve before, same bodies, same run), on
// one thread. Bodies: a single row of 20 values as JSON, 1,000 such rows as {"instances": [...]}
// and the same 1,000 rows as JSON Lines. Floats read 20 numbers; fields read 10 strings and 10
// numbers. Also: the float path with a parser made per call (what a caller without a JsonParser
// gets), simdjson's DOM parser on the float bodies (the On-Demand/DOM choice), and the padded copy
// of the body alone; "in place" rows parse a body followed by 64 readable bytes, as the HTTP
// server holds an inline request's body (no copy). Prints ns per request, best window (median
// window), and old/new ratios.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/number_format.h"
#include "serve/request_fields.h"
#include "serve/request_payload.h"

namespace kiln {
namespace {

using nlohmann::json;

// ---- The nlohmann::json baseline, as src/serve parsed JSON bodies before simdjson. ----

struct OldFields {
  std::vector<std::string_view> fields;
  std::string scratch;
  std::vector<std::size_t> offsets;
  std::size_t rows = 0;
};

const json* OldRowValues(const json& row) {
  if (row.is_array())
    return &row;
  if (!row.is_object())
    return nullptr;
  if (auto it = row.find("features"); it != row.end() && it->is_array())
    return &*it;
  if (auto data = row.find("data"); data != row.end() && data->is_object()) {
    if (auto f = data->find("features"); f != data->end() && f->is_object()) {
      if (auto v = f->find("values"); v != f->end() && v->is_array())
        return &*v;
    }
  }
  return nullptr;
}

template <typename IsFlat, typename RowFn>
bool OldForEachJsonRow(const json& doc, IsFlat&& is_flat, RowFn&& row) {
  const json* instances = nullptr;
  if (doc.is_object()) {
    if (auto it = doc.find("instances"); it != doc.end()) {
      instances = &*it;
    } else if (const json* v = OldRowValues(doc)) {
      return row(*v);
    }
  } else if (doc.is_array()) {
    if (is_flat(doc))
      return row(doc);
    instances = &doc;
  }
  if (instances == nullptr || !instances->is_array())
    return false;
  for (const json& r : *instances) {
    const json* v = OldRowValues(r);
    if (v == nullptr || !row(*v))
      return false;
  }
  return true;
}

bool OldFloatRow(const json& values, std::size_t n, Matrix& m) {
  if (values.size() != n)
    return false;
  for (const json& v : values) {
    if (v.is_null())
      m.values.push_back(std::numeric_limits<float>::quiet_NaN());
    else if (v.is_number())
      m.values.push_back(static_cast<float>(v.get<double>()));
    else
      return false;
  }
  ++m.rows;
  return true;
}

bool OldFieldRow(const json& values, std::size_t n, OldFields& f) {
  if (values.size() != n)
    return false;
  char buf[24];
  for (const json& v : values) {
    std::string_view text;
    if (v.is_string()) {
      text = v.get_ref<const std::string&>();
    } else if (v.is_boolean()) {
      text = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_unsigned()) {
      const char* end = std::to_chars(buf, buf + 24, v.get<std::uint64_t>()).ptr;
      text = std::string_view(buf, static_cast<std::size_t>(end - buf));
    } else if (v.is_number_integer()) {
      const char* end = std::to_chars(buf, buf + 24, v.get<std::int64_t>()).ptr;
      text = std::string_view(buf, static_cast<std::size_t>(end - buf));
    } else if (v.is_number_float()) {
      const std::size_t at = f.scratch.size();
      AppendShortest(v.get<double>(), &f.scratch);
      f.offsets.push_back(at);
      f.offsets.push_back(f.scratch.size() - at);
      continue;
    } else if (!v.is_null()) {
      return false;
    }
    f.offsets.push_back(f.scratch.size());
    f.offsets.push_back(text.size());
    f.scratch.append(text);
  }
  ++f.rows;
  return true;
}

bool OldParse(bool lines, std::string_view body, std::size_t n, bool fields, Matrix& m,
              OldFields& f) {
  m.rows = 0;
  m.values.clear();
  f.rows = 0;
  f.fields.clear();
  f.scratch.clear();
  f.offsets.clear();
  const auto row = [&](const json& values) {
    return fields ? OldFieldRow(values, n, f) : OldFloatRow(values, n, m);
  };
  bool ok = true;
  try {
    if (!lines) {
      const json doc = json::parse(body);
      ok = OldForEachJsonRow(
          doc, [](const json& a) { return !a.empty() && !a[0].is_array(); }, row);
    } else {
      std::size_t at = 0;
      while (ok && at < body.size()) {
        const std::size_t nl = std::min(body.find('\n', at), body.size());
        const json doc = json::parse(body.substr(at, nl - at));
        const json* v = OldRowValues(doc);
        ok = v != nullptr && row(*v);
        at = nl + 1;
      }
    }
  } catch (const json::exception&) {
    return false;
  }
  f.fields.resize(f.offsets.size() / 2);
  for (std::size_t i = 0; i < f.fields.size(); ++i)
    f.fields[i] = std::string_view(f.scratch).substr(f.offsets[2 * i], f.offsets[2 * i + 1]);
  return ok;
}

// ---- simdjson's DOM parser on the float bodies: the alternative to On-Demand. ----

bool DomFloats(simdjson::dom::parser& parser, std::string& padded, std::string_view body,
               std::size_t n, Matrix& m) {
  m.rows = 0;
  m.values.clear();
  padded.assign(body);
  padded.resize(body.size() + simdjson::SIMDJSON_PADDING, ' ');
  simdjson::dom::element doc;
  if (parser.parse(padded.data(), body.size(), false).get(doc))
    return false;
  simdjson::dom::array rows;
  if (doc.is_object()) {
    if (doc["instances"].get(rows))
      return false;
  } else if (doc.get(rows)) {
    return false;
  }
  const auto row = [&](simdjson::dom::array values) {
    if (values.size() != n)
      return false;
    for (simdjson::dom::element v : values) {
      double d;
      if (v.is_null())
        m.values.push_back(std::numeric_limits<float>::quiet_NaN());
      else if (v.get(d))
        return false;
      else
        m.values.push_back(static_cast<float>(d));
    }
    ++m.rows;
    return true;
  };
  if (rows.size() > 0 && !rows.at(0).is_array())
    return row(rows);
  for (simdjson::dom::element r : rows) {
    simdjson::dom::array values;
    if (r.get(values) || !row(values))
      return false;
  }
  return true;
}

// ---- Timing. ----

struct Timing {
  double best_ns = 0;
  double median_ns = 0;
};

// ns per call of `fn`, over `windows` windows of `calls` calls each: the best and the median.
template <typename F>
Timing Measure(int windows, int calls, F&& fn) {
  std::vector<double> t;
  for (int w = 0; w < windows; ++w) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i)
      fn();
    const auto t1 = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / calls);
  }
  std::sort(t.begin(), t.end());
  return {t.front(), t[t.size() / 2]};
}

std::string Value(std::size_t r, std::size_t c, bool strings) {
  if (strings && c % 2 == 1)
    return "\"level_" + std::to_string((r * 7 + c) % 13) + "\"";
  return std::to_string((r * 31 + c * 17) % 1000) + "." + std::to_string((r + c) % 100);
}

std::string Row(std::size_t r, bool strings) {
  std::string s = "[";
  for (std::size_t c = 0; c < 20; ++c)
    s += (c ? ", " : "") + Value(r, c, strings);
  return s + "]";
}

struct Body {
  const char* name;
  bool lines;
  std::string text;
};

std::vector<Body> Bodies(bool strings) {
  std::vector<Body> out;
  out.push_back({"json 1 row", false, Row(0, strings)});
  std::string many = "{\"instances\": [";
  std::string jsonl;
  for (std::size_t r = 0; r < 1000; ++r) {
    many += (r ? ", " : "") + Row(r, strings);
    jsonl += Row(r, strings) + "\n";
  }
  out.push_back({"json 1000 rows", false, many + "]}"});
  out.push_back({"jsonl 1000 rows", true, jsonl});
  return out;
}

void Report(const char* path, const Body& b, const char* what, Timing t, double base) {
  std::printf("%-7s %-16s %-26s %8zu B %12.0f ns (%9.0f) %7.2fx\n", path, b.name, what,
              b.text.size(), t.best_ns, t.median_ns, base / t.best_ns);
}

int Run() {
  constexpr int kWindows = 31;
  std::printf("request_parse_bench: ns per request, best window (median window), one thread;\n");
  std::printf("ratio = nlohmann (old) ns / this row's ns\n\n");
  Matrix m;
  OldFields old_fields;
  JsonParser json;
  FieldRows fields;
  simdjson::dom::parser dom;
  std::string padded;
  std::vector<char> copy;
  bool all_ok = true;
  for (const bool strings : {false, true}) {
    for (const Body& b : Bodies(strings)) {
      const MediaType type = b.lines ? MediaType::kJsonLines : MediaType::kJson;
      // The body as the HTTP server holds an inline one: 64 readable bytes after it.
      const std::string buffer = b.text + std::string(64, 'x');
      const std::string_view in_place(buffer.data(), b.text.size());
      const int calls = b.text.size() < 4096 ? 2000 : 10;
      const char* path = strings ? "fields" : "floats";
      const Timing old = Measure(kWindows, calls, [&] {
        all_ok &= OldParse(b.lines, b.text, 20, strings, m, old_fields);
      });
      Report(path, b, "nlohmann DOM (old)", old, old.best_ns);
      if (!strings) {
        const Timing t = Measure(
            kWindows, calls, [&] { all_ok &= ParseRowsInto(type, b.text, 20, &m, &json).ok(); });
        Report(path, b, "simdjson On-Demand (new)", t, old.best_ns);
        const Timing p = Measure(kWindows, calls, [&] {
          all_ok &= ParseRowsInto(type, in_place, 20, &m, &json, 64).ok();
        });
        Report(path, b, "On-Demand, in place", p, old.best_ns);
        const Timing fresh =
            Measure(kWindows, calls, [&] { all_ok &= ParseRowsInto(type, b.text, 20, &m).ok(); });
        Report(path, b, "On-Demand, parser per call", fresh, old.best_ns);
        if (!b.lines) {
          const Timing d =
              Measure(kWindows, calls, [&] { all_ok &= DomFloats(dom, padded, b.text, 20, m); });
          Report(path, b, "simdjson DOM", d, old.best_ns);
        }
      } else {
        const Timing t = Measure(
            kWindows, calls, [&] { all_ok &= ParseFieldsInto(type, b.text, 20, &fields).ok(); });
        Report(path, b, "simdjson On-Demand (new)", t, old.best_ns);
        const Timing p = Measure(kWindows, calls, [&] {
          all_ok &= ParseFieldsInto(type, in_place, 20, &fields, 64).ok();
        });
        Report(path, b, "On-Demand, in place", p, old.best_ns);
      }
      const Timing c = Measure(kWindows, calls, [&] {
        copy.resize(b.text.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(copy.data(), b.text.data(), b.text.size());
        asm volatile("" : : "r"(copy.data()) : "memory");
      });
      Report(path, b, "padded copy alone", c, old.best_ns);
    }
  }
  std::printf("\nall parses ok: %s\n", all_ok ? "yes" : "NO");
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace kiln

int main() { return kiln::Run(); }
