#include "jsift/stats.hpp"

#include <algorithm>

#include "jsift/predicate.hpp"
#include "jsift/value_hash.hpp"

namespace jsift {
namespace dom = simdjson::dom;

void stats_partial::add(const stats_options& o, std::string_view line, dom::element root) {
  lengths.add(line.size());

  uint32_t gid = 0;
  if (o.by) {
    std::string name = group_text(*o.by, root);
    auto it = group_ids.find(name);
    if (it == group_ids.end()) {
      gid = uint32_t(group_names.size());
      group_ids.emplace(name, gid);
      group_names.push_back(std::move(name));
      group_counts.push_back(0);
    } else {
      gid = it->second;
    }
    ++group_counts[gid];
  }

  std::optional<dom::element> conv = o.turns_path ? o.turns_path->first(root) : find_conversation(root);
  if (conv && conv->type() == dom::element_type::ARRAY) ++turns[conv->get_array().size()];
  else ++no_conversation;

  dom::object obj = root.get_object().value_unsafe();
  for (auto field : obj) {
    auto it = keys.find(field.key);
    if (it != keys.end()) ++it->second;
    else if (keys.size() < o.max_keys) keys.emplace(std::string(field.key), 1);
  }

  if (unique.size() < o.unique.size()) unique.resize(o.unique.size());
  for (size_t i = 0; i < o.unique.size(); ++i) {
    hash128 h;
    if (path_key_hash(o.unique[i], root, scratch, h)) unique[i].keys.emplace_back(gid, h);
    else ++unique[i].missing;
  }
}

stats_accumulator::stats_accumulator(const stats_options& o) : o_(o), unique_(o.unique.size()) {}

size_t stats_accumulator::group_index(const std::string& name) {
  auto it = group_ids_.find(name);
  if (it != group_ids_.end()) return it->second;
  if (groups_.size() >= o_.max_groups) {
    // Deterministic overflow: later new groups share one bucket.
    auto other = group_ids_.find(std::string_view("(other)"));
    if (other != group_ids_.end()) return other->second;
  }
  const std::string& key = groups_.size() >= o_.max_groups ? std::string("(other)") : name;
  group g;
  g.name = key;
  g.unique.resize(o_.unique.size());
  groups_.push_back(std::move(g));
  group_ids_.emplace(key, groups_.size() - 1);
  return groups_.size() - 1;
}

void stats_accumulator::merge(stats_partial& p) {
  lengths_.merge(p.lengths);
  std::vector<size_t> gmap(p.group_names.size());
  for (size_t i = 0; i < p.group_names.size(); ++i) {
    gmap[i] = group_index(p.group_names[i]);
    groups_[gmap[i]].records += p.group_counts[i];
    if (p.group_names[i] != "(missing)") grouped_records_ += p.group_counts[i];
  }
  for (auto& [n, c] : p.turns) turns_[n] += c;
  no_conversation_ += p.no_conversation;
  for (auto& [k, c] : p.keys) {
    auto it = keys_.find(k);
    if (it != keys_.end()) it->second += c;
    else if (keys_.size() < o_.max_keys) keys_.emplace(k, c);
    else keys_["(other keys)"] += c;
  }
  for (size_t i = 0; i < p.unique.size(); ++i) {
    auto& u = unique_[i];
    u.missing += p.unique[i].missing;
    for (auto& [gid, h] : p.unique[i].keys) {
      ++u.total;
      u.distinct.insert(h);
      if (o_.by) {
        auto& gu = groups_[gmap[gid]].unique[i];
        ++gu.total;
        gu.distinct.insert(h);
      }
    }
  }
}

std::vector<const stats_accumulator::group*> stats_accumulator::groups_sorted() const {
  std::vector<const group*> out;
  for (auto& g : groups_) out.push_back(&g);
  std::sort(out.begin(), out.end(), [](const group* a, const group* b) {
    return a->records != b->records ? a->records > b->records : a->name < b->name;
  });
  return out;
}

std::vector<std::pair<std::string, uint64_t>> stats_accumulator::keys_sorted() const {
  std::vector<std::pair<std::string, uint64_t>> out(keys_.begin(), keys_.end());
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  return out;
}

namespace {
struct stats_chunk : record_chunk {
  stats_partial partial;
};
}  // namespace

stats_job::stats_job(const std::vector<input_file>& files, record_job_options ro, stats_options so)
    : record_job(files, std::move(ro)), so_(std::move(so)), acc_(so_) {}

std::unique_ptr<record_chunk> stats_job::make_chunk() const { return std::make_unique<stats_chunk>(); }

void stats_job::on_record(record_chunk& rc, const record_ref& rec) const {
  static_cast<stats_chunk&>(rc).partial.add(so_, rec.line, rec.root);
  rc.counts.add(disposition_names::kept);
}

void stats_job::on_commit(record_chunk& rc) { acc_.merge(static_cast<stats_chunk&>(rc).partial); }

}  // namespace jsift
