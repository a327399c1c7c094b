#include "jsift/engine/dispositions.hpp"

#include <algorithm>
#include <numeric>

namespace jsift {

disposition_names::disposition_names() {
  names_.push_back("kept");
  names_.push_back("blank");
  for (size_t r = 0; r < size_t(invalid_reason::count_); ++r)
    names_.push_back("invalid:" + std::string(reason_key(invalid_reason(r))));
}

size_t disposition_names::add(std::string name) {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  names_.push_back(std::move(name));
  return names_.size() - 1;
}

void disposition_counts::merge(const disposition_counts& o) {
  if (o.counts_.size() > counts_.size()) counts_.resize(o.counts_.size(), 0);
  for (size_t i = 0; i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
}

uint64_t disposition_counts::total() const { return std::accumulate(counts_.begin(), counts_.end(), uint64_t(0)); }

int disposition_rank(std::string_view n) {
  if (n == "kept") return 0;
  if (n.rfind("expanded:", 0) == 0) return 1;
  if (n.rfind("filtered:", 0) == 0) return 2;
  if (n == "duplicate") return 3;
  if (n == "sampled_out") return 4;
  if (n.rfind("invalid:", 0) == 0) return 5;
  if (n == "blank") return 6;
  return 7;
}

std::vector<std::pair<std::string, uint64_t>> disposition_counts::listed(const disposition_names& names) const {
  auto rank = [](const std::string& n) { return disposition_rank(n); };
  std::vector<size_t> ids;
  for (size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i]) ids.push_back(i);
  std::stable_sort(ids.begin(), ids.end(), [&](size_t a, size_t b) { return rank(names.name(a)) < rank(names.name(b)); });
  std::vector<std::pair<std::string, uint64_t>> out;
  for (size_t i : ids) out.emplace_back(names.name(i), counts_[i]);
  return out;
}

void disposition_counts::write_json(json_writer& w, const disposition_names& names) const {
  w.begin_object();
  for (auto& [n, c] : listed(names)) w.key(n).value(c);
  w.key("total").value(total());
  w.end_object();
}

}  // namespace jsift
