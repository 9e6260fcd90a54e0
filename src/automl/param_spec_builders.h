// One-line constructors of ParamSpec (search_space.h) for each kind, so that search spaces read
// as lists: {FloatParam("eta", 0.01, 0.3, true), IntParam("max_depth", 2, 10), ...}. Used by the
// learner spaces AutoML searches and by the search tests.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "automl/search_space.h"

namespace kiln {

// A kFloat dimension over [low, high], on a log scale when `log`.
inline ParamSpec FloatParam(std::string name, double low, double high, bool log = false) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamSpec::Kind::kFloat;
  p.low = low;
  p.high = high;
  p.log = log;
  return p;
}

// A kInt dimension over [low, high], on a log scale when `log`.
inline ParamSpec IntParam(std::string name, double low, double high, bool log = false) {
  ParamSpec p = FloatParam(std::move(name), low, high, log);
  p.kind = ParamSpec::Kind::kInt;
  return p;
}

// A kChoice dimension over `choices`.
inline ParamSpec ChoiceParam(std::string name, std::vector<std::string> choices) {
  ParamSpec p;
  p.name = std::move(name);
  p.kind = ParamSpec::Kind::kChoice;
  p.choices = std::move(choices);
  return p;
}

}  // namespace kiln
