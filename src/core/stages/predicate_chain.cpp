#include "jsift/stages/predicate_chain.hpp"

#include <fmt/format.h>

#include "jsift/error.hpp"

namespace jsift {

predicate_chain::predicate_chain(const filter_spec& s) : invert_(s.invert) {
  if (!s.bytes.empty()) preds_.push_back(make_bytes(range::parse(s.bytes, "bytes")));
  if (!s.turns.empty()) {
    std::optional<path> tp;
    if (!s.turns_path.empty()) tp = for_option("turns_path", [&] { return path::parse(s.turns_path); });
    if (!s.turns_count.empty()) turn_unit_ = parse_turn_unit(s.turns_count, "turns_count");
    preds_.push_back(make_turns(range::parse(s.turns, "turns"), std::move(tp), turn_unit_));
  } else if (!s.turns_path.empty()) {
    throw option_error("turns_path", "needs `turns` (the range to check)");
  } else if (!s.turns_count.empty()) {
    throw option_error("turns_count", "needs `turns` (the range to check)");
  }
  for (const auto& x : s.has) preds_.push_back(make_has(x));
  for (const auto& x : s.nonempty) preds_.push_back(make_nonempty(x));
  for (const auto& x : s.len) preds_.push_back(make_len(x));
  for (const auto& x : s.eq) preds_.push_back(make_eq(x, false));
  for (const auto& x : s.ne) preds_.push_back(make_eq(x, true));
  for (const auto& x : s.match) preds_.push_back(make_match(x));
}

std::optional<conversation_tally> predicate_chain::conversations() const {
  for (const auto& p : preds_)
    if (auto t = tally_of(*p)) return t;
  return std::nullopt;
}

std::string predicate_chain::conversation_warning() const {
  auto t = conversations();
  if (!t || t->any_with || t->without == 0) return {};
  return "jsift: warning: --turns found no conversation in any record it checked, so it filtered them all "
         "(looked for .turns, .messages, .conversations, .training_pairs, .history, .traj, a text-marked .chosen; "
         "--turns-path names another)\n";
}

void predicate_chain::write_conversations_json(json_writer& w, bool counts) const {
  auto t = conversations();
  if (!t) return;
  w.key("turns").begin_object();
  w.key("count").value(turn_unit_name(turn_unit_));
  if (counts) w.key("without_conversation").value(t->without);
  w.key("any_conversation").value(t->any_with);
  w.end_object();
}

predicate_chain::predicate_chain(predicate_chain&&) noexcept = default;
predicate_chain& predicate_chain::operator=(predicate_chain&&) noexcept = default;
predicate_chain::~predicate_chain() = default;

size_t predicate_chain::first_failing(std::string_view line, simdjson::dom::element root) const {
  for (size_t i = 0; i < preds_.size(); ++i)
    if (!preds_[i]->test(line, root)) return i;
  return preds_.size();
}

std::vector<size_t> predicate_chain::register_dispositions(disposition_names& names) const {
  std::vector<size_t> ids;
  for (const auto& p : preds_) ids.push_back(names.add("filtered:" + p->name()));
  if (invert_) ids.push_back(names.add("filtered:--invert"));
  return ids;
}

std::optional<size_t> predicate_chain::rejecting(const record_ref& rec) const {
  size_t failed = first_failing(rec.line, rec.root);
  const bool passed = failed == preds_.size();
  if (passed != invert_) return std::nullopt;
  return failed;  // == size() when inverted
}

}  // namespace jsift
