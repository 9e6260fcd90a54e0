#include "serve/endpoint_store.h"

#include <gtest/gtest.h>

#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using serve_testing::ServeEnv;

ModelRecord Model(const std::string& name) {
  ModelRecord m;
  m.name = name;
  m.arn = "arn:model/" + name;
  for (char& c : m.arn)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  m.container.image = "xgboost:1";
  m.container.model_data_url = "s3://b/k";
  m.container.environment = {{"A", "1"}, {"B", "2"}};
  m.execution_role_arn = "arn:aws:iam::000000000000:role/r";
  m.tags = {{"team", "ml"}};
  m.creation_ms = 1234;
  return m;
}

TEST(EndpointStore, ModelsRoundTrip) {
  ServeEnv env;
  auto store = EndpointStore::Open(env.db());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->InsertModel(Model("m1")).ok());
  auto found = (*store)->FindModel("m1");
  ASSERT_TRUE(found.ok() && found->has_value());
  const ModelRecord& m = **found;
  EXPECT_EQ(m.arn, "arn:model/m1");
  EXPECT_EQ(m.container.environment, Model("m1").container.environment);
  EXPECT_EQ(m.tags, Model("m1").tags);
  EXPECT_EQ(m.creation_ms, 1234);
  EXPECT_FALSE((*store)->FindModel("m2")->has_value());
  EXPECT_TRUE(*(*store)->DeleteModel("m1"));
  EXPECT_FALSE(*(*store)->DeleteModel("m1"));
}

TEST(EndpointStore, NamesDifferingOnlyInCaseCollideOnTheArn) {
  ServeEnv env;
  auto store = EndpointStore::Open(env.db());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->InsertModel(Model("abc")).ok());
  EXPECT_EQ((*store)->InsertModel(Model("ABC")).code(), StatusCode::kAlreadyExists);
}

TEST(EndpointStore, EndpointsUpdateInOneTransaction) {
  ServeEnv env;
  auto store = EndpointStore::Open(env.db());
  ASSERT_TRUE(store.ok());
  EndpointRecord e;
  e.name = "ep";
  e.arn = "arn:ep";
  e.current.config_name = "c1";
  DeployedVariant v;
  v.variant_name = "AllTraffic";
  v.model_name = "m";
  v.container.image = "xgboost";
  v.instance_count = 2;
  v.weight = 0.5;
  e.current.variants.push_back(v);
  e.generation = 1;
  ASSERT_TRUE((*store)->InsertEndpoint(e).ok());
  ASSERT_TRUE((*store)
                  ->UpdateEndpoint("ep",
                                   [](EndpointRecord* r) {
                                     r->status = EndpointStatus::kUpdating;
                                     r->pending = r->current;
                                     r->pending->config_name = "c2";
                                     r->pending_kind = PendingKind::kCapacity;
                                     return Status::Ok();
                                   })
                  .ok());
  EXPECT_FALSE(
      (*store)->UpdateEndpoint("ep", [](EndpointRecord*) { return Status::Cancelled("no"); }).ok());
  EXPECT_EQ((*store)->UpdateEndpoint("nope", [](EndpointRecord*) { return Status::Ok(); }).code(),
            StatusCode::kNotFound);
  auto found = (*store)->FindEndpoint("ep");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->status, EndpointStatus::kUpdating);
  ASSERT_TRUE((*found)->pending.has_value());
  EXPECT_EQ((*found)->pending->config_name, "c2");
  EXPECT_EQ((*found)->pending_kind, PendingKind::kCapacity);
  EXPECT_EQ((*found)->current.variants.at(0).instance_count, 2);
  EXPECT_EQ((*found)->current.variants.at(0).weight, 0.5);
}

TEST(EndpointStore, ReopeningKeepsTheRecords) {
  ServeEnv env;
  {
    auto store = EndpointStore::Open(env.db());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->InsertModel(Model("kept")).ok());
  }
  auto again = EndpointStore::Open(env.db());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->ListModels()->size(), 1u);
}

}  // namespace
}  // namespace kiln
