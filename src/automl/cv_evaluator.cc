#include "automl/cv_evaluator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "model/kiln_model.h"

namespace kiln {

double ScoreMargins(Metric metric, Task task, int num_classes, std::span<const float> y,
                    const std::vector<double>& margin) {
  std::vector<double> out;
  MarginToOutput(task, NumOutputs(task, num_classes), margin, &out);
  return ComputeMetric(metric, task, num_classes, y, out);
}

void AddRepeat(CandidateEvaluation extra, int fresh, CandidateEvaluation* into) {
  if (fresh == 0) {
    into->oof_margin = std::move(extra.oof_margin);
    into->fold_scores = std::move(extra.fold_scores);
  } else {
    const double keep = static_cast<double>(fresh) / (fresh + 1);
    for (std::size_t i = 0; i < into->oof_margin.size(); ++i) {
      into->oof_margin[i] = keep * into->oof_margin[i] + (1 - keep) * extra.oof_margin[i];
    }
    into->fold_scores.insert(into->fold_scores.end(), extra.fold_scores.begin(),
                             extra.fold_scores.end());
  }
  for (auto& m : extra.bag)
    into->bag.push_back(std::move(m));
  into->train_seconds += extra.train_seconds;
  into->hit_deadline = into->hit_deadline || extra.hit_deadline;
}

CvEvaluator::CvEvaluator(const Matrix& x, std::vector<bool> categorical, std::span<const float> y,
                         const std::vector<Fold>& folds, Task task, int num_classes, Metric metric,
                         double stop_fraction, std::uint64_t stop_seed)
    : categorical_(std::move(categorical)),
      task_(task),
      num_classes_(num_classes),
      metric_(metric),
      rows_(x.rows) {
  for (const Fold& f : folds) {
    FoldData d;
    d.x_train = x.SelectRows(f.train);
    d.x_valid = x.SelectRows(f.valid);
    for (std::size_t r : f.train)
      d.y_train.push_back(y[r]);
    for (std::size_t r : f.valid)
      d.y_valid.push_back(y[r]);
    d.valid_rows = f.valid;
    if (stop_fraction > 0) {
      Fold inner = MakeHoldout(task, d.y_train, stop_fraction, stop_seed + folds_.size());
      d.x_fit = d.x_train.SelectRows(inner.train);
      d.x_stop = d.x_train.SelectRows(inner.valid);
      for (std::size_t r : inner.train)
        d.y_fit.push_back(d.y_train[r]);
      for (std::size_t r : inner.valid)
        d.y_stop.push_back(d.y_train[r]);
    }
    folds_.push_back(std::move(d));
  }
}

Result<CandidateEvaluation> CvEvaluator::Evaluate(const Learner& learner, const FitContext& ctx,
                                                  bool share_time, bool inner_early_stopping,
                                                  int fold_workers) const {
  using Clock = std::chrono::steady_clock;
  const int outputs = NumOutputs(task_, num_classes_);
  const std::size_t n = folds_.size();
  const std::size_t workers =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, fold_workers)), 1, n);
  CandidateEvaluation ev;
  ev.oof_margin.assign(rows_ * outputs, 0.0);
  // Per-fold slots: whichever worker fits fold k writes only slot k and fold k's out-of-fold rows
  // (disjoint from every other fold's), so the result does not depend on scheduling.
  std::vector<std::shared_ptr<const Model>> models(n);
  std::vector<double> scores(n, 0.0);
  std::vector<char> hit(n, 0);
  std::vector<Status> errors(n, Status::Ok());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  auto t0 = Clock::now();
  auto work = [&] {
    std::vector<double> margin;
    for (;;) {
      if (stop.load(std::memory_order_relaxed))
        return;
      const std::size_t k = next.fetch_add(1);
      if (k >= n)
        return;
      const FoldData& d = folds_[k];
      const bool inner = inner_early_stopping && !d.y_stop.empty();
      TrainSet train{inner ? &d.x_fit : &d.x_train, inner ? d.y_fit : d.y_train, {}, categorical_};
      TrainSet valid{
          inner ? &d.x_stop : &d.x_valid, inner ? d.y_stop : d.y_valid, {}, categorical_};
      FitContext fold_ctx = ctx;
      fold_ctx.seed = ctx.seed + k;
      if (share_time && ctx.deadline != Clock::time_point::max()) {
        // The time left is shared by the rounds of `workers` folds still to run.
        auto now = Clock::now();
        auto left = ctx.deadline > now ? ctx.deadline - now : Clock::duration::zero();
        const auto rounds = static_cast<long>((n - k + workers - 1) / workers);
        fold_ctx.deadline = now + left / rounds;
      }
      Result<std::unique_ptr<Model>> model = learner.Fit(train, &valid, fold_ctx);
      if (!model.has_value()) {
        errors[k] = model.error();
        stop = true;
        return;
      }
      if (Clock::now() >= fold_ctx.deadline) {
        hit[k] = 1;
        if (!share_time)
          stop = true;
      }
      (*model)->PredictMargin(d.x_valid, &margin);
      for (std::size_t i = 0; i < d.valid_rows.size(); ++i) {
        for (int o = 0; o < outputs; ++o) {
          ev.oof_margin[d.valid_rows[i] * outputs + o] = margin[i * outputs + o];
        }
      }
      scores[k] = ScoreMargins(metric_, task_, num_classes_, d.y_valid, margin);
      models[k] = std::shared_ptr<const Model>(std::move(model).value());
    }
  };
  if (workers == 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (std::size_t w = 0; w < workers; ++w)
      pool.emplace_back(work);
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (!errors[k].ok())
      return errors[k];
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (models[k] == nullptr)
      return Status::DeadlineExceeded("time ran out during cross-validation");
    ev.hit_deadline = ev.hit_deadline || hit[k] != 0;
    ev.fold_scores.push_back(scores[k]);
    ev.bag.push_back(std::move(models[k]));
  }
  ev.train_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return ev;
}

}  // namespace kiln
