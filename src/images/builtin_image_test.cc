#include "images/builtin_image.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace kiln {
namespace {

TEST(BuiltinImageTest, RepositoryNameIgnoresRegistryTagAndDigest) {
  EXPECT_EQ(
      ImageRepositoryName("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
      "sagemaker-xgboost");
  EXPECT_EQ(ImageRepositoryName("registry.local:5000/team/kiln-random-forest:latest"),
            "kiln-random-forest");
  EXPECT_EQ(ImageRepositoryName("pca@sha256:abc"), "pca");
  EXPECT_EQ(ImageRepositoryName("a.b/c/Sagemaker-XGBoost:1.7-1@sha256:abc"), "sagemaker-xgboost");
  EXPECT_EQ(ImageRepositoryName("arn:aws:sagemaker:us-east-1:1:algorithm/kiln-pca"), "kiln-pca");
  EXPECT_EQ(ImageRepositoryName("kiln-extra-trees"), "kiln-extra-trees");
}

TEST(BuiltinImageTest, ImagesResolveIgnoringRegistryAndTag) {
  const std::vector<std::pair<std::string, Algorithm>> cases = {
      {"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", Algorithm::kXgboost},
      {"811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1", Algorithm::kXgboost},
      {"xgboost:1", Algorithm::kXgboost},
      {"382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1", Algorithm::kLinearLearner},
      {"404615174143.dkr.ecr.us-east-2.amazonaws.com/knn:1", Algorithm::kKnn},
      {"kmeans:1", Algorithm::kKMeans},
      {"k-means:1", Algorithm::kKMeans},
      {"pca@sha256:abc", Algorithm::kPca},
      {"registry.local:5000/team/kiln-random-forest:latest", Algorithm::kKilnRandomForest},
      {"kiln-extra-trees", Algorithm::kKilnExtraTrees},
  };
  for (const auto& [image, algorithm] : cases) {
    const BuiltinImage* builtin = FindBuiltinImage(ImageRepositoryName(image));
    ASSERT_NE(builtin, nullptr) << image;
    EXPECT_EQ(builtin->algorithm, algorithm) << image;
  }
  EXPECT_EQ(FindBuiltinImage("my-own-image"), nullptr);
  EXPECT_EQ(FindBuiltinImage("sagemaker-scikit-learn"), nullptr);
}

TEST(BuiltinImageTest, XgboostImagesServeXgboostModelsAndTheRestKilnModels) {
  for (const char* name : {"sagemaker-xgboost", "xgboost", "kiln-xgboost"})
    EXPECT_EQ(FindBuiltinImage(name)->family, ServingFamily::kXgboost) << name;
  for (const char* name :
       {"linear-learner", "knn", "kmeans", "k-means", "pca", "kiln-linear", "kiln-random-forest",
        "kiln-extra-trees", "kiln-knn", "kiln-kmeans", "kiln-pca"}) {
    EXPECT_EQ(FindBuiltinImage(name)->family, ServingFamily::kKilnModel) << name;
  }
}

TEST(BuiltinImageTest, EveryAlgorithmHasACanonicalNameThatResolvesToIt) {
  EXPECT_STREQ(AlgorithmImageName(Algorithm::kXgboost), "sagemaker-xgboost");
  EXPECT_STREQ(AlgorithmImageName(Algorithm::kKMeans), "kmeans");
  for (int a = 0; a <= static_cast<int>(Algorithm::kKilnPca); ++a) {
    const auto algorithm = static_cast<Algorithm>(a);
    const BuiltinImage* builtin = FindBuiltinImage(AlgorithmImageName(algorithm));
    ASSERT_NE(builtin, nullptr) << a;
    EXPECT_EQ(builtin->algorithm, algorithm);
  }
}

TEST(BuiltinImageTest, TheSupportedNamesLeaveOutAliases) {
  const std::string names = BuiltinImageNames();
  EXPECT_TRUE(names.starts_with("sagemaker-xgboost, xgboost, linear-learner")) << names;
  EXPECT_NE(names.find("kiln-pca"), std::string::npos);
  EXPECT_EQ(names.find("k-means"), std::string::npos);
}

TEST(BuiltinImageTest, ScikitLearnIsScriptMode) {
  for (const char* name : {"sagemaker-scikit-learn", "sklearn", "scikit-learn"})
    EXPECT_TRUE(IsScriptModeImage(name)) << name;
  EXPECT_FALSE(IsScriptModeImage("xgboost"));
}

}  // namespace
}  // namespace kiln
