#include "jsift/stages/stats_profile.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "jsift/io/partial_file.hpp"
#include "jsift/json/predicate.hpp"
#include "jsift/json/value_hash.hpp"

namespace jsift {
namespace dom = simdjson::dom;

namespace {
constexpr std::string_view missing_group = "(missing)";
constexpr std::string_view other_group = "(other)";
constexpr std::string_view other_keys_name = "(other keys)";
}  // namespace

void stats_partial::add(const stats_options& o, std::string_view line, const dom::document& doc) {
  const dom::element root = doc.root();
  lengths.add(line.size());

  uint32_t gid = 0;
  if (o.by) {
    // The common case, one string value, is counted straight from the DOM.
    std::optional<dom::element> v;
    if (!o.by->is_multi()) v = o.by->first(root);
    if (!o.by->is_multi() && (!v || (v->type() == dom::element_type::STRING && !reads_as_other_value(v->get_string().value_unsafe())))) {
      gid = uint32_t(groups.add(v ? v->get_string().value_unsafe() : missing_group));
    } else {
      gid = uint32_t(groups.add(group_text(*o.by, root)));
    }
  }

  // One pass over the top-level keys: coverage, and the conversation field.
  std::optional<dom::element> conv;
  int conv_rank = no_conversation_rank;
  dom::object obj = root.get_object().value_unsafe();
  for (auto field : obj) {
    if (keys.add(field.key) == string_counter::npos) ++other_keys;
    int r = conversation_rank(field.key);
    if (r < conv_rank && is_conversation(r, field.value)) conv_rank = r, conv = field.value;
  }
  if (o.turns_path) conv = o.turns_path->first(root);
  std::optional<uint64_t> n = conv ? count_turns(*conv, o.turns_count) : std::nullopt;
  if (n) ++turns[*n];
  else ++no_conversation;

  for (size_t i = 0; i < o.unique.size(); ++i) {
    hash128 h;
    if (hasher.hash_path(o.unique[i], root, h)) unique[i].keys.emplace_back(gid, h);
    else ++unique[i].missing;
  }
  if (o.duplicates) {
    // Equal JSON values by default, as dedup and the gate compare them;
    // byte-identical lines with --duplicates bytes (one XXH3 pass).
    hash128 h;
    if (o.duplicates_by_bytes) h = hash_bytes(line);
    else hasher.hash(doc, h);
    records.emplace_back(gid, h);
  }
}

stats_sets::stats_sets(const stats_options& o) : duplicates(o.duplicates), pairs_everywhere(o.record_key.norm.any()) {
  for (size_t i = 0; i < o.unique.size(); ++i) {
    unique.emplace_back();
    if (o.by) grouped.emplace_back();
  }
  if (o.duplicates && o.by) whole_grouped.emplace();
}

void stats_sets::reserve(uint64_t n) {
  // An estimate (and sets of repeated values need less): bounded, so a
  // wrong guess costs little memory; past it the sets grow as they fill.
  constexpr uint64_t max_bytes = uint64_t(256) << 20;
  // (group, record) pairs are only every record's with --normalize.
  const bool pairs = whole_grouped && pairs_everywhere;
  const uint64_t sets = (duplicates ? 1 : 0) + unique.size() + grouped.size() + (pairs ? 1 : 0);
  if (sets == 0) return;
  n = std::min<uint64_t>(n, max_bytes / sets / 25);  // 16 bytes a slot, 80 % full, and some slack
  if (duplicates) whole.reserve(n);
  if (pairs) whole_grouped->reserve(n);
  for (auto& s : unique) s.reserve(n);
  for (auto& s : grouped) s.reserve(n);
}

void stats_partial::close(const stats_options& o, stats_sets& sets) {
  closed = true;
  // Names' hashes, for (group, value) pairs.
  std::vector<hash128> group_hash(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) group_hash[g] = hash_bytes(groups.name(g));
  std::vector<hash128> batch;
  std::unique_ptr<bool[]> fresh;
  auto insert = [&](shared_key_set& set, bool want_fresh) {
    if (want_fresh) fresh.reset(new bool[batch.size()]);
    set.insert(batch.data(), batch.size(), want_fresh ? fresh.get() : nullptr);
  };

  repeats.assign(groups.size(), 0);
  record_keys = records.size();
  if (!records.empty()) {
    batch.resize(records.size());
    for (size_t k = 0; k < records.size(); ++k) batch[k] = records[k].second;
    insert(sets.whole, o.by.has_value());
    if (o.by) {
      // A group named by a scalar holds every record equal to one of its
      // own: its repeats are the whole set's. A group named by an object or
      // array (its text keeps the key order; equal records may differ there)
      // or any group under --normalize counts (group, record) pairs: the
      // same number whichever worker came first.
      std::vector<uint8_t> by_pair(groups.size());
      for (size_t g = 0; g < groups.size(); ++g) {
        std::string_view name = groups.name(g);
        by_pair[g] = sets.pairs_everywhere || (!name.empty() && (name[0] == '{' || name[0] == '['));
      }
      std::unique_ptr<bool[]> seen_fresh = std::move(fresh);
      std::vector<size_t> paired;
      batch.clear();
      for (size_t k = 0; k < records.size(); ++k)
        if (by_pair[records[k].first]) {
          paired.push_back(k);
          batch.push_back(hash_pair(group_hash[records[k].first], records[k].second));
        }
      if (!batch.empty()) insert(*sets.whole_grouped, true);
      for (size_t k = 0, j = 0; k < records.size(); ++k) {
        const bool is_paired = j < paired.size() && paired[j] == k;
        repeats[records[k].first] += is_paired ? !fresh[j++] : !seen_fresh[k];
      }
    }
    records.clear();
    records.shrink_to_fit();
  }

  // Every path gets its per-group counts, zeros when no record had a value.
  new_pairs.assign(unique.size(), std::vector<uint64_t>(o.by ? groups.size() : 0, 0));
  for (size_t i = 0; i < unique.size(); ++i) {
    auto& values = unique[i].keys;
    if (values.empty()) continue;
    batch.resize(values.size());
    for (size_t k = 0; k < values.size(); ++k) batch[k] = values[k].second;
    insert(sets.unique[i], false);
    if (!o.by) continue;
    for (size_t k = 0; k < values.size(); ++k) batch[k] = hash_pair(group_hash[values[k].first], values[k].second);
    insert(sets.grouped[i], true);
    for (size_t k = 0; k < values.size(); ++k) new_pairs[i][values[k].first] += fresh[k];
  }
}

stats_accumulator::stats_accumulator(const stats_options& o, const stats_sets* sets, bool mergeable)
    : o_(o), mergeable_(mergeable), keys_(o.max_keys), whole_(o.approx) {
  if (mergeable) sets = nullptr;
  for (size_t i = 0; i < o.unique.size(); ++i) unique_.emplace_back(o.approx);
  if (sets && !o.approx) {
    whole_.shared = &sets->whole;
    for (size_t i = 0; i < o.unique.size(); ++i) unique_[i].shared = &sets->unique[i];
  }
}

size_t stats_accumulator::group_index(std::string_view name) {
  // Past max_groups, new groups share one deterministic bucket.
  size_t id = group_ids_.find(name);
  if (id == string_counter::npos && groups_.size() >= o_.max_groups) name = other_group, id = group_ids_.find(name);
  if (id != string_counter::npos) return id;
  id = group_ids_.add(name);
  group g;
  g.name = std::string(name);
  for (size_t i = 0; i < o_.unique.size(); ++i) g.unique.emplace_back(o_.approx);
  if (o_.approx || mergeable_) g.own_records.emplace(o_.approx);
  groups_.push_back(std::move(g));
  return id;
}

void stats_accumulator::merge(stats_partial& p) {
  lengths_.merge(p.lengths);
  std::vector<size_t> gmap(p.groups.size());
  for (size_t i = 0; i < p.groups.size(); ++i) {
    gmap[i] = group_index(p.groups.name(i));
    groups_[gmap[i]].records += p.groups.count(i);
    if (p.groups.name(i) != missing_group) grouped_records_ += p.groups.count(i);
  }
  for (auto& [n, c] : p.turns) turns_[n] += c;
  no_conversation_ += p.no_conversation;
  for (size_t i = 0; i < p.keys.size(); ++i)
    if (keys_.add(p.keys.name(i), p.keys.count(i)) == string_counter::npos) other_keys_ += p.keys.count(i);
  other_keys_ += p.other_keys;
  if (p.closed) {
    // The workers counted distinct values; what is left is order-free sums
    // (the "(other)" group, which merges several names, counts here).
    for (size_t i = 0; i < p.unique.size(); ++i) {
      auto& u = unique_[i];
      auto& keys = p.unique[i].keys;
      u.missing += p.unique[i].missing;
      u.total += keys.size();
      if (!o_.by) continue;
      for (size_t g = 0; g < p.groups.size(); ++g)
        if (!is_other(gmap[g])) groups_[gmap[g]].unique[i].shared_new += p.new_pairs[i][g];
      for (auto& [gid, h] : keys) {
        auto& gu = groups_[gmap[gid]].unique[i];
        ++gu.total;
        if (is_other(gmap[gid])) gu.distinct.insert(h);
      }
    }
    whole_.total += p.record_keys;
    if (o_.by)
      for (size_t g = 0; g < p.groups.size(); ++g) groups_[gmap[g]].duplicates += p.repeats[g];
    return;
  }
  for (size_t i = 0; i < p.unique.size(); ++i) {
    auto& u = unique_[i];
    u.missing += p.unique[i].missing;
    auto& keys = p.unique[i].keys;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (k + 8 < keys.size()) u.distinct.prefetch(keys[k + 8].second);
      auto& [gid, h] = keys[k];
      ++u.total;
      u.distinct.insert(h);
      if (o_.by) {
        auto& gu = groups_[gmap[gid]].unique[i];
        ++gu.total;
        gu.distinct.insert(h);
      }
    }
  }
  for (size_t k = 0; k < p.records.size(); ++k) {
    if (k + 8 < p.records.size()) whole_.distinct.prefetch(p.records[k + 8].second);
    auto& [gid, h] = p.records[k];
    ++whole_.total;
    bool fresh = whole_.distinct.insert(h);
    if (!o_.by) continue;
    auto& g = groups_[gmap[gid]];
    if (g.own_records) g.own_records->insert(h);
    else g.duplicates += !fresh;
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
  std::vector<std::pair<std::string, uint64_t>> out;
  for (size_t i = 0; i < keys_.size(); ++i) out.emplace_back(keys_.name(i), keys_.count(i));
  if (other_keys_) out.emplace_back(other_keys_name, other_keys_);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  return out;
}

std::string stats_options::fingerprint() const {
  std::string f = fmt::format("by={};turns_path={};turns_count={};normalize={};approx={};duplicates={};bytes={};max_groups={};max_keys={}",
                              by ? by->text() : "", turns_path ? turns_path->text() : "", turn_unit_name(turns_count),
                              record_key.norm.text(), approx, duplicates, duplicates_by_bytes, max_groups, max_keys);
  for (const auto& u : unique) f += ";unique=" + u.text();
  return f;
}

// The partial of a mergeable accumulator: every count, and the sets.
void stats_accumulator::write_partial(partial_writer& w) const {
  lengths_.write(w);
  w.u64(groups_.size());
  for (const auto& g : groups_) {
    w.str(g.name);
    w.u64(g.records);
    for (const auto& u : g.unique) {
      w.u64(u.total);
      u.distinct.write(w);
    }
    w.u64(g.own_records.has_value());
    if (g.own_records) g.own_records->write(w);
  }
  w.u64(grouped_records_);
  w.u64(turns_.size());
  for (const auto& [n, c] : turns_) w.u64(n), w.u64(c);
  w.u64(no_conversation_);
  w.u64(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) w.str(keys_.name(i)), w.u64(keys_.count(i));
  w.u64(other_keys_);
  for (const auto& u : unique_) {
    w.u64(u.total);
    w.u64(u.missing);
    u.distinct.write(w);
  }
  w.u64(whole_.total);
  whole_.distinct.write(w);
}

// A task's partial, after those of the tasks before it: groups and keys
// meet their names in the order one run would.
void stats_accumulator::read_merge(partial_reader& r) {
  lengths_.read_merge(r);
  for (uint64_t n = r.u64(); n > 0; --n) {
    const std::string name = r.str();
    auto& g = groups_[group_index(name)];
    g.records += r.u64();
    for (auto& u : g.unique) {
      u.total += r.u64();
      u.distinct.read_merge(r);
    }
    if (r.u64()) {
      if (!g.own_records) r.fail("a group without its set of records");
      g.own_records->read_merge(r);
    }
  }
  grouped_records_ += r.u64();
  for (uint64_t n = r.u64(); n > 0; --n) {
    const uint64_t len = r.u64();
    turns_[len] += r.u64();
  }
  no_conversation_ += r.u64();
  for (uint64_t n = r.u64(); n > 0; --n) {
    const std::string name = r.str();
    const uint64_t c = r.u64();
    if (keys_.add(name, c) == string_counter::npos) other_keys_ += c;
  }
  other_keys_ += r.u64();
  for (auto& u : unique_) {
    u.total += r.u64();
    u.missing += r.u64();
    u.distinct.read_merge(r);
  }
  whole_.total += r.u64();
  whole_.distinct.read_merge(r);
}

}  // namespace jsift
