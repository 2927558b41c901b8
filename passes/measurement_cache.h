// Measurements a pass makes on a graph that do not depend on all of its options (pruning's
// sensitivity curves do not depend on the ratio), kept for the next pipeline run on an identical
// copy of the graph with the same calibration rows: `tinyc fit` compresses one model many ways.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace tinyc::passes {

// Results keyed by what they were measured on (the pass builds the key from the graph's
// ir::fingerprint and the options the measurement depends on). Valid for one set of calibration
// rows: the PassContext that holds the rows holds the cache.
class MeasurementCache {
 public:
  // The entry stored under `key`, or nullptr.
  template <class T>
  std::shared_ptr<const T> find(const std::string& key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : std::static_pointer_cast<const T>(it->second);
  }

  template <class T>
  void store(const std::string& key, std::shared_ptr<const T> entry) {
    entries_[key] = std::move(entry);
  }

  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const void>> entries_;
};

}  // namespace tinyc::passes
