// jsift/stages/predicate_chain.hpp — the filter decision: the predicates of
// `jsift filter` and of `jsift run`'s [filter] table, built by one builder
// from one spec, so the command and the pipeline cannot disagree.
//
// filter_spec holds the values as the user wrote them (flags or TOML); the
// chain's constructor is the one place they are validated, throwing
// option_error naming the field ("turns", "len", ...). Predicates are kept in
// a fixed order, cheap ones first (bytes, turns, has, nonempty, len, eq, ne,
// match), so a record that several reject gets the same disposition whatever
// the order of the flags or keys.
//
// Immutable once built: every method is const and safe from any number of
// threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/engine/dispositions.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/json/predicate.hpp"

namespace jsift {

struct filter_spec {
  std::string bytes;       // "MIN..MAX" ("" : no predicate)
  std::string turns;       // "MIN..MAX"
  std::string turns_path;  // conversation array for turns ("" : auto-detected)
  std::string turns_count; // what a turn is: elements (""), messages, user, assistant, exchanges
  std::vector<std::string> has, nonempty, len, eq, ne, match;  // as the flags take them
  bool invert = false;
};

class predicate_chain {
 public:
  explicit predicate_chain(const filter_spec& spec);  // throws option_error
  predicate_chain(predicate_chain&&) noexcept;
  predicate_chain& operator=(predicate_chain&&) noexcept;
  ~predicate_chain();

  size_t size() const { return preds_.size(); }
  bool empty() const { return preds_.empty() && !invert_; }
  const predicate& at(size_t i) const { return *preds_[i]; }
  bool inverted() const { return invert_; }

  // The index of the first predicate that does not hold, or size().
  size_t first_failing(std::string_view line, simdjson::dom::element root) const;

  // Registers a job's dispositions, "filtered:<predicate>" for each predicate
  // and, inverted, "filtered:--invert" last; returns their ids, indexed like
  // rejecting()'s answers.
  std::vector<size_t> register_dispositions(disposition_names& names) const;
  // Why the chain drops a record: the index of the first predicate that fails,
  // or size() when inverted and the record passes them all; nullopt: kept.
  std::optional<size_t> rejecting(const record_ref& rec) const;

  // What the --turns predicate met (nullopt: the chain has none), and the
  // warning to print when it met no conversation at all ("" if none is due).
  // Read them once the run is over.
  std::optional<conversation_tally> conversations() const;
  std::string conversation_warning() const;
  // The report's "turns" section, {"count", "without_conversation",
  // "any_conversation"}, when the chain has a --turns predicate; without the
  // count when the chain ran over the records more than once (run's survey).
  void write_conversations_json(json_writer& w, bool counts = true) const;

 private:
  std::vector<std::unique_ptr<predicate>> preds_;
  bool invert_ = false;
  turn_unit turn_unit_ = turn_unit::elements;
};

}  // namespace jsift
