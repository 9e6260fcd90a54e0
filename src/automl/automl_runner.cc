#include "automl/automl_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <thread>

#include "automl/candidate_ranking.h"
#include "automl/cv_evaluator.h"
#include "automl/ensemble_selection.h"
#include "automl/learner_spaces.h"
#include "automl/row_subset.h"
#include "automl/tpe_sampler.h"
#include "common/number_format.h"
#include "learn/registry.h"

namespace kiln {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string FormatScore(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.5g", v);
  return buf;
}

// One learner's search state.
struct LearnerSearch {
  LearnerSpace space;
  std::unique_ptr<TpeSampler> sampler;
  int pipeline = 0;  // index into the run's pipelines
  int trials = 0;
  double best_loss = INFINITY;
  double seconds = 0;  // total evaluation time, to estimate the next trial's cost
};

struct Evaluated {
  CandidateSummary summary;
  CandidateEvaluation eval;
  int pipeline = 0;
  HyperParams fit_params;        // summary.hyperparameters plus the learner's fixed ones
  std::uint64_t fit_seed = 0;    // FitContext seed of its first partition
  double partition_seconds = 0;  // cost of one k-fold pass, to plan repeats
  int repeats = 1;               // partitions of the rows it was cross-validated on
  double save_seconds = 0;       // measured cost of serializing one of its fold models
};

// Seconds writing `models` of `e`'s fold models into model.kiln is expected to take: serializing
// dominates writing (one fold model is serialized when the candidate is scored, which measures the
// machine as it is loaded now); the factor 2 covers encoding the section file, its checksums and
// the write itself (car under load: 20 fold models of 4.5 MB, 0.27 s each to serialize, 10 s to
// write with the report).
double ExpectedSaveSeconds(const Evaluated& e, std::size_t models) {
  return 2.0 * e.save_seconds * static_cast<double>(models);
}

constexpr int kEnsembleCandidates = 12;
constexpr int kEnsembleRounds = 30;
// Bootstrap resamples for the ensemble's one-standard-error rule (see SelectEnsemble).
constexpr int kSeBootstraps = 100;
// Out-of-fold cells (rows x outputs) up to which the end-of-run reserve counts only the bags of the
// ensemble that selection (with its one-standard-error rule) would build now, re-run after every
// candidate: tens of ms here.
constexpr std::size_t kReserveSelectionCells = 20000;
// The search has converged when the portfolio is done and the best score has not improved for
// kConvergedAfter trials, nor for as many trials as it took to find it (so the search runs at
// least twice as long as it took to find its best: a fixed 40 stopped kc1 at 51 s of 300 s while
// cheap trials piled up). Counted in trials, not seconds, so runs stay deterministic.
constexpr int kConvergedAfter = 40;
// When the search converges with time left, the pool is re-scored on up to this many partitions
// whatever the size of the data (small data plans for it anyway, see ChooseRepeats): the time is
// there, and one 5-fold partition still ranks dozens of candidates on noise (kc1, 1,687 rows: fold
// AUC sd 0.058, candidates within 0.005 of each other).
constexpr int kConvergedRepeats = 3;
// Below this many matrix cells a fit runs on one thread: threading tiny fits costs more than it
// saves, and OpenMP's spinning threads slow to a crawl on a busy machine.
constexpr double kThreadedCells = 1e6;

// Threads for one fit, and folds fitted at once: a small matrix fits on one thread and the
// cores take folds in parallel instead (car: 10-fold XGBoost trials twice as fast on 2 cores).
int FitThreads(const Matrix& m, int threads) {
  return static_cast<double>(m.rows) * m.cols < kThreadedCells ? 1 : threads;
}
int FoldWorkers(const Matrix& m, int threads) { return FitThreads(m, threads) == 1 ? threads : 1; }

int ChooseFolds(std::size_t rows) {
  if (rows > 50000)
    return 3;
  // Small data: more folds give steadier scores for the search and the ensemble to rank on.
  if (rows < 1500)
    return 10;
  return 5;
}

// Partitions of the rows (k-fold CV repeats) the best candidates are scored on. On small data one
// k-fold partition is a noisy estimate (blood-transfusion, 598 rows: candidates' 10-fold AUC sd is
// 0.08, so their means differ by less than their standard error), and picking the best of dozens of
// such estimates favours whichever learner's score varies most with its hyperparameters — the
// winner's curse: XGBoost's best 10-fold AUC there was 0.767 on the search's partition and 0.745 on
// fresh ones, below logistic regression. Re-scoring the ensemble pool on fresh partitions and
// ranking and ensembling on those alone (the search's partition, on which the pool was chosen, is
// set aside: AddRepeat) removes that selection bias; averaging the fresh partitions' out-of-fold
// margins (repeated bagging, as AutoGluon does on small data) steadies the margins ensemble
// selection fits its weights to, and each member becomes a bag of repeats x k fold models. Large
// data needs none of it and could not afford it.
int ChooseRepeats(std::size_t rows) { return rows < 1500 ? 3 : 1; }
// Boosting early-stops on this share of each fold's training rows when folds are small (under 100
// rows: 10 folds below 1,000 rows), not on the fold it is scored on (see CvEvaluator::Evaluate):
// on 60-row folds of pure-noise labels, stopping on the scored fold reads AUC 0.52 where an inner
// split reads 0.48. The optimism shrinks as folds grow while the cost — 15% fewer rows to fit on —
// does not: on car (138-row folds, a near-deterministic target) fitting on fewer rows cost more log
// loss than the optimism it removed.
double StopFraction(std::size_t rows) { return rows < 1000 ? 0.15 : 0.0; }

// True when the learner configuration early-stops on a validation set.
bool EarlyStops(const HyperParams& hp) {
  auto it = hp.find("early_stopping_rounds");
  return it != hp.end() && it->second != "0";
}

// With repeats, the search stops starting new trials after this share of its time, so the repeats
// get the rest (all of it when the search converges sooner). Not before every portfolio
// configuration has run, though: those cover qualitatively different regimes (such as the
// little-regularized trees a near-deterministic target needs) that repeats cannot make up for.
constexpr double kExploreShare = 0.75;

// Which learner runs the next trial. First the portfolios, interleaved (each learner's first
// configuration, then the second ones, ...). Then the learner with the best score so far leads, and
// every third trial goes to another learner that is within 3% of it (the one with fewest trials),
// so runners-up keep improving and the ensemble keeps diverse members.
std::size_t NextLearner(const std::vector<LearnerSearch>& s, int trial) {
  int pick = -1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i].trials >= static_cast<int>(s[i].space.portfolio.size())) {
      continue;
    }
    if (pick < 0 || s[i].trials < s[pick].trials) {
      pick = static_cast<int>(i);
    }
  }
  if (pick >= 0) {
    return pick;
  }
  std::size_t leader = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i].best_loss < s[leader].best_loss) {
      leader = i;
    }
  }
  if (trial % 3 == 2) {
    const double best = s[leader].best_loss;
    int other = -1;
    for (std::size_t i = 0; i < s.size(); ++i) {
      double gap = s[i].best_loss - best;
      if (i == leader || !(gap <= 0.03 * std::max(1e-9, std::abs(best)))) {
        continue;
      }
      if (other < 0 || s[i].trials < s[other].trials) {
        other = static_cast<int>(i);
      }
    }
    if (other >= 0) {
      return other;
    }
  }
  return leader;
}

// Keeps fold models and out-of-fold margins only for the candidates that can still enter the
// ensemble, so memory stays bounded however long the search: the best kEnsembleCandidates so far,
// and the best of each learner besides. Ensemble selection gains from members whose errors differ,
// and near-duplicates of the leading learner crowd the others out of a top-12 (kc1: 12 XGBoost
// configurations within 0.005 AUC of each other, the extra-trees 0.006 behind never considered;
// blood-transfusion: 11 near-identical linear models and one XGBoost).
void ReleaseOutsidePool(std::vector<Evaluated>* evaluated, Metric metric) {
  std::vector<std::size_t> held;
  for (std::size_t i = 0; i < evaluated->size(); ++i) {
    if ((*evaluated)[i].summary.error.empty() && !(*evaluated)[i].eval.bag.empty())
      held.push_back(i);
  }
  if (held.size() <= static_cast<std::size_t>(kEnsembleCandidates))
    return;
  const bool higher = HigherIsBetter(metric);
  std::stable_sort(held.begin(), held.end(), [&](std::size_t a, std::size_t b) {
    double x = (*evaluated)[a].summary.cv_mean, z = (*evaluated)[b].summary.cv_mean;
    return higher ? x > z : x < z;
  });
  std::set<std::string> learners;
  for (std::size_t j = 0; j < held.size(); ++j) {
    const bool first_of_learner = learners.insert((*evaluated)[held[j]].summary.algorithm).second;
    if (j < static_cast<std::size_t>(kEnsembleCandidates) || first_of_learner)
      continue;
    CandidateEvaluation& ev = (*evaluated)[held[j]].eval;
    ev.bag.clear();
    ev.bag.shrink_to_fit();
    ev.oof_margin.clear();
    ev.oof_margin.shrink_to_fit();
  }
}

// Copies fold scores (mean, sd) and training time from `ev` into `summary`.
void SummarizeFolds(const CandidateEvaluation& ev, CandidateSummary* summary) {
  const auto& fs = ev.fold_scores;
  double mean = std::accumulate(fs.begin(), fs.end(), 0.0) / fs.size();
  double var = 0;
  for (double f : fs)
    var += (f - mean) * (f - mean);
  summary->fold_scores = fs;
  summary->cv_mean = mean;
  summary->cv_sd = fs.size() > 1 ? std::sqrt(var / (fs.size() - 1)) : 0;
  summary->train_seconds = ev.train_seconds;
}

std::string PipelineName(FeatureEncoding e) {
  return e == FeatureEncoding::kTree ? "tree" : "linear";
}

}  // namespace

Status AutoMLOptions::Validate() const {
  if (target.empty())
    return Status::InvalidArgument("--target is required");
  if (!(time_limit_seconds > 0))
    return Status::InvalidArgument("--time-limit must be > 0 seconds");
  if (max_trials < 0)
    return Status::InvalidArgument("--max-trials must be ≥ 1");
  if (num_threads < 0)
    return Status::InvalidArgument("thread count must be ≥ 0");
  return Status::Ok();
}

Result<AutoMLResult> RunAutoML(const Table& input, const AutoMLOptions& options,
                               Progress* progress) {
  RETURN_IF_ERROR(options.Validate());
  const auto hard_deadline =
      options.start + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(options.time_limit_seconds));
  int target_index = input.Find(options.target);
  if (target_index < 0) {
    std::string names;
    for (std::size_t i = 0; i < input.columns.size() && i < 30; ++i) {
      names += (i ? ", " : "") + input.columns[i].name;
    }
    return Status::InvalidArgument("target column \"" + options.target + "\" is not in " +
                                   input.source + "; its columns are: " + names);
  }
  const Column& target_col = input.columns[target_index];
  if (!target_col.HasCodes()) {
    return Status::Internal("target column was read without dictionary codes");
  }

  AutoMLResult result;
  ASSIGN_OR_RETURN(result.problem, InferProblemType(target_col, options.problem_type));
  const Task task = result.problem.task;
  EncodedTarget encoded = EncodeTarget(target_col, task);
  const int num_classes = static_cast<int>(encoded.class_labels.size());
  result.metric = options.metric.value_or(DefaultMetric(task));
  if (!MetricSupportsTask(result.metric, task)) {
    return Status::InvalidArgument(std::string("metric \"") + MetricName(result.metric) +
                                   "\" does not apply to " + TaskName(task) + " problems");
  }
  const Metric metric = result.metric;

  // Rows with a missing target cannot be learned from.
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < input.num_rows; ++r) {
    if (!std::isnan(encoded.y[r]))
      keep.push_back(r);
  }
  result.rows_missing_target = input.num_rows - keep.size();
  Table subset;
  const Table* table = &input;
  std::vector<float> y;
  if (result.rows_missing_target > 0) {
    subset = SelectTableRows(input, keep);
    table = &subset;
    for (std::size_t r : keep)
      y.push_back(encoded.y[r]);
  } else {
    y = std::move(encoded.y);
  }
  result.rows = table->num_rows;
  if (task != Task::kRegression) {
    std::vector<std::size_t> per_class(num_classes, 0);
    for (float v : y)
      ++per_class[static_cast<int>(v)];
    for (int k = 0; k < num_classes; ++k) {
      if (per_class[k] < 2) {
        return Status::InvalidArgument("class \"" + encoded.class_labels[k] + "\" of target \"" +
                                       options.target + "\" has only " +
                                       std::to_string(per_class[k]) +
                                       " row; every class needs at least 2 for cross-validation");
      }
    }
  }
  if (result.rows < 10) {
    return Status::InvalidArgument("only " + std::to_string(result.rows) +
                                   " rows with a target; AutoML needs at least 10");
  }

  std::vector<std::string> features;
  for (const Column& c : table->columns) {
    if (c.name == options.target)
      continue;
    if (c.missing == table->num_rows) {
      result.dropped.emplace_back(c.name, "every value is missing");
      continue;
    }
    // Columns unique on (almost) every row are identifiers, not features (issue 2's contract):
    // a model that splits on encounter_id learns when a row was recorded, not about the patient.
    if (c.is_id) {
      result.dropped.emplace_back(c.name, "identifier (unique on almost every row)");
      continue;
    }
    features.push_back(c.name);
  }
  if (features.empty()) {
    return Status::InvalidArgument("no usable feature columns besides the target \"" +
                                   options.target + "\"");
  }
  result.features = features;

  const int threads = options.num_threads > 0
                          ? options.num_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  result.folds = ChooseFolds(result.rows);
  std::vector<Fold> folds = MakeFolds(task, y, result.folds, options.seed);

  // Feature pipelines, one per encoding the learners need.
  std::vector<LearnerSpace> spaces = AutoMLLearnerSpaces(task, result.rows);
  std::vector<FeatureEncoding> encodings;
  std::vector<FeaturePipeline> pipelines;
  std::vector<std::unique_ptr<Matrix>> matrices;
  std::vector<std::unique_ptr<CvEvaluator>> evaluators;
  std::vector<LearnerSearch> searches;
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    LearnerSearch s;
    auto it = std::find(encodings.begin(), encodings.end(), spaces[i].encoding);
    if (it == encodings.end()) {
      PipelineSpec spec;
      spec.encoding = spaces[i].encoding;
      spec.class_names = encoded.class_labels;
      auto m = std::make_unique<Matrix>();
      ASSIGN_OR_RETURN(FeaturePipeline p,
                       FeaturePipeline::Fit(*table, features, spec, task, num_classes, y,
                                            options.seed, m.get()));
      evaluators.push_back(std::make_unique<CvEvaluator>(*m, p.output_categorical(), y, folds, task,
                                                         num_classes, metric,
                                                         StopFraction(result.rows), options.seed));
      pipelines.push_back(std::move(p));
      matrices.push_back(std::move(m));
      encodings.push_back(spaces[i].encoding);
      s.pipeline = static_cast<int>(encodings.size() - 1);
    } else {
      s.pipeline = static_cast<int>(it - encodings.begin());
    }
    RETURN_IF_ERROR(spaces[i].space.Validate());
    TpeOptions tpe;
    tpe.multivariate = true;  // beat univariate TPE on every benchmark objective we measured
    tpe.startup_trials = 6;
    s.sampler = std::make_unique<TpeSampler>(spaces[i].space, options.seed * 7919 + i, tpe);
    for (const Point& p : spaces[i].portfolio)
      s.sampler->Enqueue(p);
    s.space = std::move(spaces[i]);
    searches.push_back(std::move(s));
  }

  // The search ends early enough to leave time for the ensemble, the report and writing the model.
  // A fixed reserve does not cover the write: its cost grows with the ensemble (car: 30 fold models
  // of 1,400 rounds x 4 classes, a 114 MB model.kiln) and with the machine's load (65 s for a 60 s
  // limit). So the reserve is a fixed part for the ensemble and the report plus the measured cost
  // of writing the bags the ensemble is expected to hold (`reserved` below); it is re-estimated
  // after every candidate and every repeat.
  const double limit = options.time_limit_seconds;
  const double fixed_reserve = std::min(0.2 * limit, 2.0 + 0.05 * limit);
  const int repeats = ChooseRepeats(result.rows);
  result.cv_repeats = repeats;
  std::vector<Evaluated> evaluated;
  // The bags the reserve counts: the members of the ensemble selection would build from the pool
  // now (cheap on small data, where a few large bags can dominate: car's pool held 12 s of XGBoost
  // bags to write when its ensemble, one 117-round candidate, took 1.5 s); on larger data, where
  // selection itself costs more, the whole pool.
  std::vector<char> reserved;  // per evaluated candidate
  const std::size_t oof_cells = static_cast<std::size_t>(NumOutputs(task, num_classes)) * y.size();
  auto update_reserved = [&] {
    reserved.assign(evaluated.size(), 0);
    std::vector<std::size_t> held;
    std::vector<const std::vector<double>*> held_margins;
    for (std::size_t i = 0; i < evaluated.size(); ++i) {
      if (!evaluated[i].eval.bag.empty() && !evaluated[i].eval.oof_margin.empty()) {
        held.push_back(i);
        held_margins.push_back(&evaluated[i].eval.oof_margin);
      }
    }
    if (held.size() <= 1 || oof_cells > kReserveSelectionCells) {
      for (std::size_t i : held)
        reserved[i] = 1;
      return;
    }
    EnsembleSelection sel =
        SelectEnsemble(held_margins, y, task, num_classes, metric, kEnsembleRounds, kSeBootstraps);
    for (std::size_t j = 0; j < held.size(); ++j)
      reserved[held[j]] = sel.weights[j] > 0;
  };
  auto search_deadline = [&] {
    double save = 0;
    for (std::size_t i = 0; i < evaluated.size() && i < reserved.size(); ++i) {
      if (reserved[i])
        save += ExpectedSaveSeconds(evaluated[i], evaluated[i].eval.bag.size());
    }
    // Never more than half the limit: a pool that large is cut back by the time rules below.
    double reserve = std::min(fixed_reserve + save, 0.5 * limit);
    return hard_deadline -
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(reserve));
  };
  const auto search_start = Clock::now();
  auto explore_deadline = [&] {
    const auto end = search_deadline();
    return repeats > 1 ? search_start + std::chrono::duration_cast<Clock::duration>(
                                            kExploreShare * (end - search_start))
                       : end;
  };
  double best_loss = INFINITY;
  int best_trial = -1;
  std::string best_id;
  const int max_trials = options.max_trials > 0 ? options.max_trials : 1000000;
  result.stop_reason = "max trials reached";
  for (int trial = 0; trial < max_trials; ++trial) {
    std::size_t li = NextLearner(searches, trial);
    LearnerSearch& s = searches[li];
    bool portfolio_done = true;
    for (const LearnerSearch& ls : searches)
      portfolio_done = portfolio_done && ls.trials >= static_cast<int>(ls.space.portfolio.size());
    double remaining = std::chrono::duration<double>(
                           (portfolio_done ? explore_deadline() : search_deadline()) - Clock::now())
                           .count();
    double expected = s.trials > 0 ? s.seconds / s.trials : 0;
    if (remaining <= 0 || (!evaluated.empty() && expected > remaining)) {
      result.stop_reason = "time limit";
      break;
    }
    if (portfolio_done && trial - best_trial > std::max(kConvergedAfter, best_trial + 1) &&
        trial > 60) {
      result.stop_reason = "search converged";
      break;
    }
    Point point = s.sampler->Suggest();
    Evaluated e;
    e.pipeline = s.pipeline;
    char id[16];
    std::snprintf(id, sizeof(id), "c%03d", trial + 1);
    e.summary.id = id;
    e.summary.algorithm = s.space.algorithm;
    e.summary.pipeline = PipelineName(s.space.encoding);
    e.summary.hyperparameters = ToHyperParams(s.space.space, point);
    HyperParams hp = e.summary.hyperparameters;
    for (const auto& [k, v] : s.space.fixed)
      hp[k] = v;
    e.fit_params = hp;
    double loss = INFINITY;
    auto t0 = Clock::now();
    Result<std::unique_ptr<Learner>> learner =
        MakeLearner(s.space.algorithm, hp, task, num_classes);
    if (!learner.has_value()) {
      e.summary.error = learner.error().message();
    } else {
      FitContext ctx;
      const Matrix& m = *matrices[s.pipeline];
      ctx.num_threads = FitThreads(m, threads);
      ctx.seed = options.seed + static_cast<std::uint64_t>(trial) * 101;
      e.fit_seed = ctx.seed;
      ctx.deadline = search_deadline();
      Result<CandidateEvaluation> ev =
          evaluators[s.pipeline]->Evaluate(**learner, ctx, /*share_time=*/evaluated.empty(),
                                           EarlyStops(hp), FoldWorkers(m, threads));
      if (!ev.has_value()) {
        if (ev.error().code() == StatusCode::kDeadlineExceeded) {
          result.stop_reason = "time limit";
          break;
        }
        e.summary.error = ev.error().message();
      } else {
        e.eval = std::move(ev).value();
        e.partition_seconds = e.eval.train_seconds;
        SummarizeFolds(e.eval, &e.summary);
        const double mean = e.summary.cv_mean;
        e.summary.info = e.eval.bag.front()->Info();
        // Prediction cost: the whole bag on up to 1000 rows.
        const Matrix& x = *matrices[s.pipeline];
        std::vector<std::size_t> rows(std::min<std::size_t>(1000, x.rows));
        std::iota(rows.begin(), rows.end(), 0);
        Matrix sample = x.SelectRows(rows);
        std::vector<double> out;
        auto p0 = Clock::now();
        for (const auto& m : e.eval.bag)
          m->PredictMargin(sample, &out);
        e.summary.predict_us_per_row = Since(p0) * 1e6 / std::max<std::size_t>(1, rows.size());
        auto s0 = Clock::now();
        if (e.eval.bag.front()->Serialize().has_value())
          e.save_seconds = Since(s0);
        loss = std::isnan(mean) ? INFINITY : (HigherIsBetter(metric) ? -mean : mean);
      }
    }
    s.sampler->Observe(point, loss);
    s.seconds += Since(t0);
    ++s.trials;
    s.best_loss = std::min(s.best_loss, loss);
    if (loss < best_loss) {
      best_loss = loss;
      best_trial = trial;
      best_id = e.summary.id;
    }
    if (progress != nullptr) {
      double elapsed = Since(options.start);
      double frac_time = elapsed / limit;
      double frac_trials = options.max_trials > 0 ? (trial + 1.0) / options.max_trials : 0.0;
      double frac = std::max(frac_time, frac_trials);
      double eta = frac > 0 ? elapsed / frac - elapsed : limit;
      eta = std::min(eta, limit - elapsed);
      std::string status = "trial " + std::to_string(trial + 1) + " " + e.summary.algorithm + " ";
      status += e.summary.error.empty()
                    ? std::string(MetricName(metric)) + " " + FormatScore(e.summary.cv_mean)
                    : "failed";
      if (std::isfinite(best_loss)) {
        status += " | best " + FormatScore(HigherIsBetter(metric) ? -best_loss : best_loss) + " (" +
                  best_id + ")";
      }
      progress->Update(frac, elapsed, eta, status);
    }
    evaluated.push_back(std::move(e));
    ReleaseOutsidePool(&evaluated, metric);
    update_reserved();
  }

  // Repeated CV for the ensemble pool (the candidates still holding margins), breadth first in rank
  // order so a short budget refines the best ones. A repeat is skipped when it is not expected to
  // fit before the deadline; with a time limit that does not bind, every repeat runs, so the result
  // stays deterministic.
  std::vector<std::size_t> refine;
  for (std::size_t i = 0; i < evaluated.size(); ++i) {
    if (evaluated[i].summary.error.empty() && !evaluated[i].eval.bag.empty())
      refine.push_back(i);
  }
  std::stable_sort(refine.begin(), refine.end(), [&](std::size_t a, std::size_t b) {
    double x = evaluated[a].summary.cv_mean, z = evaluated[b].summary.cv_mean;
    return HigherIsBetter(metric) ? x > z : x < z;
  });
  const int partitions =
      result.stop_reason == "search converged" ? std::max(repeats, kConvergedRepeats) : repeats;
  result.cv_repeats = partitions;
  std::vector<std::vector<std::unique_ptr<CvEvaluator>>> repeat_evaluators(partitions);
  bool out_of_time = false;
  for (int r = 1; r < partitions && !out_of_time; ++r) {
    for (std::size_t i : refine) {
      Evaluated& e = evaluated[i];
      const auto deadline = search_deadline();
      double remaining = std::chrono::duration<double>(deadline - Clock::now()).count();
      if (remaining <= 0) {
        out_of_time = true;
        break;
      }
      // The repeat must fit, and so must writing the k more fold models it adds to the bag.
      const std::size_t added = e.eval.bag.size() / e.repeats;
      if (e.partition_seconds + ExpectedSaveSeconds(e, added) > remaining)
        continue;
      auto& evs = repeat_evaluators[r];
      if (evs.empty()) {
        std::vector<Fold> more = MakeFolds(task, y, result.folds, options.seed + 1000003ULL * r);
        for (std::size_t p = 0; p < matrices.size(); ++p) {
          evs.push_back(std::make_unique<CvEvaluator>(
              *matrices[p], pipelines[p].output_categorical(), y, more, task, num_classes, metric,
              StopFraction(result.rows), options.seed + 1000003ULL * r));
        }
      }
      Result<std::unique_ptr<Learner>> learner =
          MakeLearner(e.summary.algorithm, e.fit_params, task, num_classes);
      if (!learner.has_value())
        continue;
      FitContext ctx;
      const Matrix& m = *matrices[e.pipeline];
      ctx.num_threads = FitThreads(m, threads);
      ctx.seed = e.fit_seed + 7919ULL * r;
      ctx.deadline = deadline;
      Result<CandidateEvaluation> ev = evs[e.pipeline]->Evaluate(
          **learner, ctx, false, EarlyStops(e.fit_params), FoldWorkers(m, threads));
      if (!ev.has_value()) {
        if (ev.error().code() == StatusCode::kDeadlineExceeded) {
          out_of_time = true;
          break;
        }
        continue;
      }
      const double bag_before = static_cast<double>(e.eval.bag.size());
      AddRepeat(std::move(ev).value(), e.repeats - 1, &e.eval);
      ++e.repeats;
      SummarizeFolds(e.eval, &e.summary);
      e.summary.cv_repeats = e.repeats;
      update_reserved();
      e.summary.predict_us_per_row *= static_cast<double>(e.eval.bag.size()) / bag_before;
      if (progress != nullptr) {
        double elapsed = Since(options.start);
        progress->Update(std::min(1.0, elapsed / limit), elapsed, std::max(0.0, limit - elapsed),
                         "repeat " + std::to_string(r + 1) + "/" + std::to_string(partitions) +
                             " " + e.summary.id + " " + e.summary.algorithm + " " +
                             MetricName(metric) + " " + FormatScore(e.summary.cv_mean));
      }
    }
  }
  result.search_seconds = Since(search_start);

  // Rank by comparable scores (RankCandidates), failed ones last.
  std::vector<CandidateSummary> summaries;
  for (const Evaluated& e : evaluated)
    summaries.push_back(e.summary);
  std::vector<std::size_t> order;
  for (std::size_t i : RankCandidates(summaries, metric)) {
    if (evaluated[i].summary.error.empty())
      order.push_back(i);
  }
  if (order.empty()) {
    std::string why = evaluated.empty() ? "the time limit ended before any candidate finished; "
                                          "raise --time-limit"
                                        : "every candidate failed; first error: " +
                                              evaluated.front().summary.error;
    return Status::FailedPrecondition(why);
  }

  // Ensemble over the best candidates' out-of-fold margins.
  // The pool: the best candidates that kept their margins (ReleaseOutsidePool), re-ranked by their
  // repeated-CV scores.
  std::vector<std::size_t> pool;
  for (std::size_t i : order) {
    if (!evaluated[i].eval.oof_margin.empty())
      pool.push_back(i);
  }
  std::vector<const std::vector<double>*> margins;
  for (std::size_t i : pool)
    margins.push_back(&evaluated[i].eval.oof_margin);
  EnsembleSelection sel =
      SelectEnsemble(margins, y, task, num_classes, metric, kEnsembleRounds, kSeBootstraps);
  result.ensemble_kept_single = sel.kept_single;
  result.ensemble_gain_se = sel.gain_se;
  result.ensemble_single_score = sel.single_score;

  KilnModel& model = result.model;
  model.task = task;
  model.num_classes = task == Task::kRegression ? 0 : num_classes;
  model.class_labels = encoded.class_labels;
  model.target = options.target;
  std::vector<int> pipeline_map(pipelines.size(), -1);
  std::vector<double> ensemble_margin(margins[0]->size(), 0.0);
  for (std::size_t j = 0; j < pool.size(); ++j) {
    if (sel.weights[j] <= 0)
      continue;
    Evaluated& e = evaluated[pool[j]];
    e.summary.ensemble_weight = sel.weights[j];
    if (pipeline_map[e.pipeline] < 0) {
      pipeline_map[e.pipeline] = static_cast<int>(model.pipelines.size());
      model.pipelines.push_back(pipelines[e.pipeline]);
    }
    EnsembleMember member;
    member.candidate = e.summary.id;
    member.algorithm = e.summary.algorithm;
    member.hyperparameters = e.summary.hyperparameters;
    member.pipeline = pipeline_map[e.pipeline];
    member.weight = sel.weights[j];
    member.bag = e.eval.bag;
    model.members.push_back(std::move(member));
    for (std::size_t i = 0; i < ensemble_margin.size(); ++i) {
      ensemble_margin[i] += sel.weights[j] * e.eval.oof_margin[i];
    }
  }
  std::vector<double> ensemble_out;
  MarginToOutput(task, NumOutputs(task, num_classes), ensemble_margin, &ensemble_out);
  result.oof_output = ensemble_out;
  result.y = y;
  for (Metric m : ReportedMetrics(task)) {
    result.ensemble_scores[MetricName(m)] = ComputeMetric(m, task, num_classes, y, ensemble_out);
  }
  result.ensemble_scores[MetricName(metric)] =
      ComputeMetric(metric, task, num_classes, y, ensemble_out);

  for (std::size_t i : order)
    result.leaderboard.push_back(evaluated[i].summary);
  for (auto& e : evaluated) {
    if (!e.summary.error.empty())
      result.leaderboard.push_back(e.summary);
  }
  return result;
}

}  // namespace kiln
