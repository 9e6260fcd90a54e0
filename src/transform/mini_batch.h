// MiniBatch: the records of one request to the model (BatchStrategy). MultiRecord packs as many
// records as fit in MaxPayloadInMB (their bytes plus one "\n" between each); SingleRecord sends one
// record per request. The batch keeps each record's line number, and its raw input text when the
// output is joined to it, so outputs and errors map back to the input.
//
// Thread-safety: a plain value, owned by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

enum class BatchStrategy { kMultiRecord, kSingleRecord };

class MiniBatch {
 public:
  struct Item {
    std::uint64_t line = 0;
    std::size_t body_begin = 0;  // the record in body()
    std::size_t body_size = 0;
    std::size_t input_begin = 0;  // the raw record in the kept inputs (keep_inputs only)
    std::size_t input_size = 0;
  };

  MiniBatch(BatchStrategy strategy, std::size_t max_bytes, bool keep_inputs)
      : strategy_(strategy), max_bytes_(max_bytes), keep_inputs_(keep_inputs) {}

  // True when a record whose model text is `model_bytes` long cannot join this batch (send the
  // batch first). Never for an empty batch.
  bool MustFlushBefore(std::size_t model_bytes) const {
    if (items_.empty())
      return false;
    if (strategy_ == BatchStrategy::kSingleRecord)
      return true;
    return body_.size() + 1 + model_bytes > max_bytes_;
  }

  // Adds a record: `model_text` is what the model is sent, `input` the raw record.
  void Add(std::uint64_t line, std::string_view model_text, std::string_view input) {
    if (!items_.empty())
      body_ += '\n';
    Item item;
    item.line = line;
    item.body_begin = body_.size();
    item.body_size = model_text.size();
    body_ += model_text;
    if (keep_inputs_) {
      item.input_begin = inputs_.size();
      item.input_size = input.size();
      inputs_ += input;
    }
    items_.push_back(item);
  }

  void Clear() {
    body_.clear();
    inputs_.clear();
    items_.clear();
  }

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::string& body() const { return body_; }
  const std::vector<Item>& items() const { return items_; }
  std::string_view ModelText(std::size_t i) const {
    return std::string_view(body_).substr(items_[i].body_begin, items_[i].body_size);
  }
  std::string_view Input(std::size_t i) const {
    return std::string_view(inputs_).substr(items_[i].input_begin, items_[i].input_size);
  }

 private:
  const BatchStrategy strategy_;
  const std::size_t max_bytes_;
  const bool keep_inputs_;
  std::string body_;
  std::string inputs_;
  std::vector<Item> items_;
};

}  // namespace kiln
