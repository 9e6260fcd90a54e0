#include "serve/response_payload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln {
namespace {

OutputSchema Score(int outputs, bool single = false) {
  OutputSchema s;
  s.outputs = outputs;
  s.single_precision = single;
  return s;
}

TEST(ResponsePayload, CsvHasOneScorePerLineJoinedByNewlines) {
  const std::vector<double> v = {0.25, 0.5, 1};
  EXPECT_EQ(FormatPredictions(MediaType::kCsv, Score(1), 3, v), "0.25\n0.5\n1");
}

TEST(ResponsePayload, CsvWritesAVectorPerRowCommaSeparated) {
  const std::vector<double> v = {0.1, 0.9, 0.7, 0.3};
  EXPECT_EQ(FormatPredictions(MediaType::kCsv, Score(2), 2, v), "0.1,0.9\n0.7,0.3");
}

TEST(ResponsePayload, Float32ValuesPrintInTheirShortestForm) {
  const std::vector<double> v = {static_cast<double>(0.1f)};
  EXPECT_EQ(FormatPredictions(MediaType::kCsv, Score(1, true), 1, v), "0.1");
  EXPECT_EQ(FormatPredictions(MediaType::kCsv, Score(1, false), 1, v), "0.10000000149011612");
}

TEST(ResponsePayload, JsonWrapsScoresInPredictions) {
  const std::vector<double> v = {0.25, 0.75};
  EXPECT_EQ(FormatPredictions(MediaType::kJson, Score(1), 2, v),
            R"({"predictions":[{"score":0.25},{"score":0.75}]})");
  EXPECT_EQ(FormatPredictions(MediaType::kJson, Score(2), 1, v),
            R"({"predictions":[{"score":[0.25,0.75]}]})");
}

TEST(ResponsePayload, JsonLinesWritesOneObjectPerLine) {
  const std::vector<double> v = {1, 2};
  EXPECT_EQ(FormatPredictions(MediaType::kJsonLines, Score(1), 2, v),
            "{\"score\":1}\n{\"score\":2}\n");
}

TEST(ResponsePayload, ClassifiersAddThePredictedLabel) {
  OutputSchema s;
  s.kind = OutputKind::kClassifier;
  s.outputs = 1;
  s.class_labels = {"0", "1"};
  const std::vector<double> binary = {0.8, 0.2};
  EXPECT_EQ(FormatPredictions(MediaType::kJson, s, 2, binary),
            R"({"predictions":[{"score":0.8,"predicted_label":1},)"
            R"({"score":0.2,"predicted_label":0}]})");
  s.outputs = 3;
  s.class_labels = {"cat", "dog", "b\"ird"};
  const std::vector<double> multi = {0.1, 0.2, 0.7};
  EXPECT_EQ(FormatPredictions(MediaType::kJson, s, 1, multi),
            R"({"predictions":[{"score":[0.1,0.2,0.7],"predicted_label":"b\"ird"}]})");
}

TEST(ResponsePayload, KMeansAndPcaUseTheirOwnNames) {
  OutputSchema k;
  k.kind = OutputKind::kNamed;
  k.outputs = 2;
  k.names = {"closest_cluster", "distance_to_cluster"};
  const std::vector<double> v = {1, 0.5};
  EXPECT_EQ(FormatPredictions(MediaType::kJson, k, 1, v),
            R"({"predictions":[{"closest_cluster":1,"distance_to_cluster":0.5}]})");
  OutputSchema p;
  p.kind = OutputKind::kProjection;
  p.outputs = 2;
  EXPECT_EQ(FormatPredictions(MediaType::kJsonLines, p, 1, v), "{\"projection\":[1,0.5]}\n");
}

TEST(ResponsePayload, NonFiniteValuesAreNullInJson) {
  const std::vector<double> v = {std::nan(""), INFINITY};
  EXPECT_EQ(FormatPredictions(MediaType::kJson, Score(1), 2, v),
            R"({"predictions":[{"score":null},{"score":null}]})");
  EXPECT_EQ(FormatPredictions(MediaType::kCsv, Score(1), 2, v), "nan\ninf");
}

}  // namespace
}  // namespace kiln
