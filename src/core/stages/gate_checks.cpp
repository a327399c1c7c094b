// The check types of `jsift gate` (their TOML reader is config/gate_config.cpp).
#include "jsift/stages/gate_checks.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "jsift/error.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/units.hpp"
#include "jsift/sets/distinct_counter.hpp"
#include "jsift/sets/shared_key_set.hpp"
#include "jsift/json/predicate.hpp"
#include "jsift/json/record_key.hpp"
#include "jsift/sets/string_counter.hpp"
#include "jsift/json/value_hash.hpp"

namespace jsift {
namespace dom = simdjson::dom;
using check_reader = check_settings;

namespace {

std::string fmt_share(double x) { return fmt::format("{:.4g}", x); }

// ------------------------------------------------------------ check types

// A check that counts records matching something, keeping the first few
// places for the report.
struct counting_state : check_state {
  uint64_t hits = 0, seen = 0;
  std::vector<record_place> first;  // the first hits
  void hit(const record_ref& rec) {
    ++hits;
    if (first.size() < 5) first.push_back({rec.index, rec.offset});
  }
};

// Partials: a count of entries, bounded by the bytes left (each takes at least `min_bytes`).
uint64_t read_count(partial_reader& r, size_t min_bytes = 8) {
  const uint64_t n = r.u64();
  if (n > r.remaining() / min_bytes) r.fail(fmt::format("a count of {} entries with {} bytes left", n, r.remaining()));
  return n;
}

class counting_check : public gate_check {
 public:
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<counting_state>(); }
  void merge(check_state* s, const place_namer& where) override {
    auto* c = static_cast<counting_state*>(s);
    hits_ += c->hits;
    seen_ += c->seen;
    for (const auto& p : c->first)
      if (examples_.size() < 5) examples_.push_back(where(p));
  }
  void write_partial(partial_writer& w) const override {
    w.u64(hits_);
    w.u64(seen_);
    w.u64(examples_.size());
    for (const auto& e : examples_) w.str(e);
  }
  void read_merge(partial_reader& r) override {
    hits_ += r.u64();
    seen_ += r.u64();
    for (uint64_t n = read_count(r); n > 0; --n) {
      std::string e = r.str();
      if (examples_.size() < 5) examples_.push_back(std::move(e));  // the first five of the run: earlier tasks' first
    }
  }

 protected:
  uint64_t hits_ = 0, seen_ = 0;
  std::vector<std::string> examples_;
};

class invalid_lines_check final : public gate_check {
 public:
  explicit invalid_lines_check(check_reader& r) : max_(r.count("max").value_or(0)) { r.done({"max"}); }
  std::string type() const override { return "invalid_lines"; }
  check_result evaluate(const gate_totals& t) const override {
    check_result r{name, type(), t.invalid <= max_, fmt::format("{} invalid lines", t.invalid), fmt::format("<= {}", max_), {}};
    r.value = double(t.invalid);
    r.limit["max"] = double(max_);
    return r;
  }

 private:
  uint64_t max_;
};

class records_check final : public gate_check {
 public:
  explicit records_check(check_reader& r) {
    auto e = r.count("expected");
    min_ = e ? e : r.count("min");
    max_ = e ? e : r.count("max");
    if (!min_ && !max_) r.fail("", "give 'expected', or 'min' and/or 'max'");
    r.done({"expected", "min", "max"});
  }
  std::string type() const override { return "records"; }
  check_result evaluate(const gate_totals& t) const override {
    bool ok = (!min_ || t.records >= *min_) && (!max_ || t.records <= *max_);
    std::string th = min_ && max_ && *min_ == *max_ ? fmt::format("== {}", *min_)
                                                   : fmt::format("{}..{}", min_ ? std::to_string(*min_) : "", max_ ? std::to_string(*max_) : "");
    check_result r{name, type(), ok, fmt::format("{} records", t.records), th, {}};
    r.value = double(t.records);
    if (min_) r.limit["min"] = double(*min_);
    if (max_) r.limit["max"] = double(*max_);
    return r;
  }

 private:
  std::optional<uint64_t> min_, max_;
};

struct max_state : check_state {
  uint64_t max = 0;
  record_place at;
};

class line_bytes_check final : public gate_check {
 public:
  explicit line_bytes_check(check_reader& r) : max_(*[&] {
    auto m = r.count("max");
    if (!m) r.fail("", "missing key 'max'");
    return m;
  }()) { r.done({"max"}); }
  std::string type() const override { return "line_bytes"; }
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<max_state>(); }
  void add(check_state* s, const record_ref& rec) const override {
    auto* m = static_cast<max_state*>(s);
    if (rec.line.size() > m->max) m->max = rec.line.size(), m->at = {rec.index, rec.offset};
  }
  void merge(check_state* s, const place_namer& where) override {
    auto* m = static_cast<max_state*>(s);
    if (m->max > longest_) longest_ = m->max, where_ = where(m->at);
  }
  void write_partial(partial_writer& w) const override {
    w.u64(longest_);
    w.str(where_);
  }
  void read_merge(partial_reader& r) override {
    const uint64_t longest = r.u64();
    std::string where = r.str();
    if (longest > longest_) longest_ = longest, where_ = std::move(where);  // the first longest, as one run finds it
  }
  check_result evaluate(const gate_totals&) const override {
    check_result r{name, type(), longest_ <= max_, fmt::format("longest {} bytes", longest_), fmt::format("<= {}", max_), {}};
    r.value = double(longest_);
    r.limit["max"] = double(max_);
    if (!r.passed) r.details.push_back(fmt::format("longest record at {}", where_));
    return r;
  }

 private:
  uint64_t max_;
  uint64_t longest_ = 0;
  std::string where_;
};

class turns_check final : public counting_check {
 public:
  explicit turns_check(check_reader& r) {
    if (r.has("range")) range_ = range::parse(r.str("range"), "range");
    else range_ = range{r.count("min"), r.count("max")};
    if (!range_.lo && !range_.hi) r.fail("", "give 'range' (\"5..10\") or 'min'/'max'");
    min_share_ = r.num("min_share", 1.0);
    if (r.has("path")) path_ = r.path_of("path"), watch("path", *path_);
    if (r.has("count")) {
      const std::string u = r.str("count");
      try {
        unit_ = parse_turn_unit(u, "count");
      } catch (const usage_error&) {
        r.fail("count", fmt::format("expected elements, messages, user, assistant or exchanges; got '{}'", u));
      }
    }
    read_allow_missing(r);
    r.done({"range", "min", "max", "min_share", "path", "count", "allow_missing"});
  }
  std::string type() const override { return "turns"; }
  void add(check_state* s, const record_ref& rec) const override {
    auto* c = static_cast<counting_state*>(s);
    ++c->seen;
    auto conv = path_ ? path_->first(rec.root) : find_conversation(rec.root);
    std::optional<uint64_t> n = conv ? count_turns(*conv, unit_) : std::nullopt;
    if (!n || !range_.contains(*n)) c->hit(rec);
  }
  check_result evaluate(const gate_totals&) const override {
    double share = seen_ ? double(seen_ - hits_) / double(seen_) : 1.0;
    check_result r{name, type(), share + 1e-12 >= min_share_,
                   fmt::format("{:.2f}% of {} records have {} turns{}", 100 * share, seen_, range_.text(),
                               unit_ == turn_unit::elements ? "" : fmt::format(" (counted as {})", turn_unit_name(unit_))),
                   fmt::format(">= {:.2f}%", 100 * min_share_), {}};
    r.value = share;
    r.limit["min"] = min_share_;
    if (!r.passed)
      for (auto& e : examples_) r.details.push_back("out of range: " + e);
    return r;
  }

 private:
  range range_;
  double min_share_;
  std::optional<path> path_;
  turn_unit unit_ = turn_unit::elements;
};

// Per-group string counts (mix, coverage).
struct groups_state : check_state {
  string_counter groups;
};

class group_counting_check : public gate_check {
 public:
  explicit group_counting_check(check_reader& r) : by_(r.path_of("by")) {
    watch("by", by_);
    read_allow_missing(r);
  }
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<groups_state>(); }
  void add(check_state* s, const record_ref& rec) const override {
    static_cast<groups_state*>(s)->groups.add(group_text(by_, rec.root));
  }
  void merge(check_state* s, const place_namer&) override {
    auto& g = static_cast<groups_state*>(s)->groups;
    for (size_t i = 0; i < g.size(); ++i) counts_[g.name(i)] += g.count(i);
  }
  void write_partial(partial_writer& w) const override {
    w.u64(counts_.size());
    for (const auto& [g, n] : counts_) w.str(g), w.u64(n);
  }
  void read_merge(partial_reader& r) override {
    for (uint64_t n = read_count(r, 16); n > 0; --n) {
      std::string g = r.str();
      counts_[g] += r.u64();
    }
  }

 protected:
  path by_;
  std::map<std::string, uint64_t> counts_;
};

class mix_check final : public group_counting_check {
 public:
  explicit mix_check(check_reader& r) : group_counting_check(r), target_(r.shares("target")), tol_(r.num("tolerance", 0.05)) {
    r.done({"by", "target", "tolerance", "allow_missing"});
  }
  std::string type() const override { return "mix"; }
  check_result evaluate(const gate_totals&) const override {
    uint64_t total = 0;
    for (auto& [g, n] : counts_) total += n;
    std::map<std::string, double> share;
    for (auto& [g, n] : counts_) share[g] = total ? double(n) / double(total) : 0;
    for (auto& [g, t] : target_) share.emplace(g, 0.0);
    check_result r{name, type(), true, "", fmt::format("target +/- {}", fmt_share(tol_)), {}};
    r.limit["tolerance"] = tol_;
    double worst = 0;
    for (auto& [g, s] : share) {
      double t = target_.count(g) ? target_.at(g) : 0.0;
      r.groups[g] = s;
      worst = std::max(worst, std::fabs(s - t));
      r.measured += fmt::format("{}{} {}", r.measured.empty() ? "" : ", ", g, fmt_share(s));
      if (std::fabs(s - t) > tol_ + 1e-12) {
        r.passed = false;
        r.details.push_back(fmt::format("{}: {} (target {})", g, fmt_share(s), fmt_share(t)));
      }
    }
    if (total) r.value = worst;  // the largest distance from a target share
    return r;
  }

 private:
  std::map<std::string, double> target_;
  double tol_;
};

class coverage_check final : public group_counting_check {
 public:
  explicit coverage_check(check_reader& r)
      : group_counting_check(r), min_(r.count("min")), max_(r.count("max")), require_(r.strings("require")) {
    r.done({"by", "min", "max", "require", "allow_missing"});
  }
  std::string type() const override { return "coverage"; }
  check_result evaluate(const gate_totals&) const override {
    std::string th;
    if (min_ || max_) th = fmt::format("{}..{} per group", min_ ? std::to_string(*min_) : "", max_ ? std::to_string(*max_) : "");
    if (!require_.empty()) th += fmt::format("{}{} required present", th.empty() ? "" : ", ", require_.size());
    check_result r{name, type(), true, fmt::format("{} groups", counts_.size()), th, {}};
    r.value = double(counts_.size());
    if (min_) r.limit["min"] = double(*min_);
    if (max_) r.limit["max"] = double(*max_);
    for (auto& [g, n] : counts_) r.groups[g] = double(n);
    for (auto& g : require_)
      if (!counts_.count(g)) r.passed = false, r.details.push_back(fmt::format("{}: missing", g));
    for (auto& [g, n] : counts_)
      if ((min_ && n < *min_) || (max_ && n > *max_)) r.passed = false, r.details.push_back(fmt::format("{}: {} records", g, n));
    return r;
  }

 private:
  std::optional<uint64_t> min_, max_;
  std::vector<std::string> require_;
};

// Distinct values per group (unique) or of whole records (duplicates).
// Distinct counts are order-free: close() puts a chunk's keys into the
// check's shared set on its worker and keeps, per group, how many there were
// and how many were new; merge() only adds those up.
struct keys_state : check_state {
  explicit keys_state(const key_spec& s) : hasher(s) {}
  key_hasher hasher;
  string_counter groups;
  std::vector<std::pair<uint32_t, hash128>> keys;
  std::vector<uint64_t> total, fresh;  // per group id, set by close()

  // Inserts keys (their pairs with their group's name when `grouped`).
  void close(shared_key_set& set, bool grouped) {
    const size_t ngroups = std::max<size_t>(1, groups.size());
    total.assign(ngroups, 0);
    fresh.assign(ngroups, 0);
    if (keys.empty()) return;
    std::vector<hash128> group_hash(ngroups);
    for (size_t g = 0; grouped && g < groups.size(); ++g) group_hash[g] = hash_bytes(groups.name(g));
    std::vector<hash128> batch(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) batch[i] = grouped ? hash_pair(group_hash[keys[i].first], keys[i].second) : keys[i].second;
    std::unique_ptr<bool[]> is_new(new bool[keys.size()]);
    set.insert(batch.data(), batch.size(), is_new.get());
    for (size_t i = 0; i < keys.size(); ++i) ++total[keys[i].first], fresh[keys[i].first] += is_new[i];
    keys.clear();
    keys.shrink_to_fit();
  }
};

class unique_check final : public gate_check {
 public:
  explicit unique_check(check_reader& r) : path_(r.path_of("path")) {
    watch("path", path_);
    if (r.has("by")) by_ = r.path_of("by"), watch("by", *by_);
    read_allow_missing(r);
    min_ratio_ = r.num("min_ratio");
    spec_.norm = normalization::parse(r.str("normalize", "none"));
    for (auto& g : r.strings("groups")) only_.insert(g);
    r.done({"path", "by", "min_ratio", "normalize", "groups", "allow_missing"});
  }
  std::string type() const override { return "unique"; }
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<keys_state>(spec_); }
  void add(check_state* s, const record_ref& rec) const override {
    auto* k = static_cast<keys_state*>(s);
    hash128 h;
    if (!k->hasher.hash_path(path_, rec.root, h)) return;
    uint32_t g = by_ ? uint32_t(k->groups.add(group_text(*by_, rec.root))) : 0;
    k->keys.emplace_back(g, h);
  }
  void close(check_state* s) const override {
    if (!partial_) static_cast<keys_state*>(s)->close(*pairs_, by_.has_value());
  }
  void merge(check_state* s, const place_namer&) override {
    auto* k = static_cast<keys_state*>(s);
    if (partial_) {  // each group's values into its own set, here in order
      std::vector<group*> ids(by_ ? k->groups.size() : 1);  // no by: every value in one group
      for (size_t g = 0; g < ids.size(); ++g) ids[g] = &entry(by_ ? std::string(k->groups.name(g)) : std::string("(all)"));
      for (const auto& [g, h] : k->keys) ++ids[g]->values, ids[g]->set->insert(h);
      return;
    }
    for (size_t g = 0; g < k->total.size(); ++g) {
      if (!k->total[g]) continue;
      auto& e = groups_[by_ ? std::string(k->groups.name(g)) : std::string("(all)")];
      e.values += k->total[g];
      e.distinct += k->fresh[g];
    }
  }
  void for_partial() override { partial_ = true; }
  void write_partial(partial_writer& w) const override {
    w.u64(groups_.size());
    for (const auto& [g, e] : groups_) {
      w.str(g);
      w.u64(e.values);
      e.set->write(w);
    }
  }
  void read_merge(partial_reader& r) override {
    for (uint64_t n = read_count(r, 16); n > 0; --n) {
      group& e = entry(r.str());
      e.values += r.u64();
      e.set->read_merge(r);
      if (e.set->count() > e.values) r.fail("more distinct values than values");
    }
  }
  check_result evaluate(const gate_totals&) const override {
    check_result r{name, type(), true, "", fmt::format(">= {}", fmt_share(min_ratio_)), {}};
    r.limit["min"] = min_ratio_;
    for (auto& [g, e] : groups_) {
      if (!only_.empty() && !only_.count(g)) continue;
      if (!e.values) continue;  // as one run: a group is there when it had values
      const uint64_t distinct = e.set ? e.set->count() : e.distinct;
      double ratio = double(distinct) / double(e.values);
      if (by_) r.groups[g] = ratio;
      r.value = std::min(r.value.value_or(ratio), ratio);  // the worst group's
      r.measured += fmt::format("{}{} {}", r.measured.empty() ? "" : ", ", g, fmt_share(ratio));
      if (ratio + 1e-12 < min_ratio_)
        r.passed = false, r.details.push_back(fmt::format("{}: {} distinct of {} ({})", g, distinct, e.values, fmt_share(ratio)));
    }
    for (auto& g : only_)
      if (auto it = groups_.find(g); it == groups_.end() || !it->second.values)
        r.passed = false, r.details.push_back(fmt::format("{}: no records", g));
    if (r.measured.empty()) r.measured = "no values";
    return r;
  }

 private:
  path path_;
  std::optional<path> by_;
  double min_ratio_;
  key_spec spec_;
  std::set<std::string> only_;
  std::unique_ptr<shared_key_set> pairs_ = std::make_unique<shared_key_set>();  // (group, value)
  struct group {
    uint64_t values = 0, distinct = 0;
    std::unique_ptr<distinct_counter> set;  // with partials: the group's distinct values
  };
  group& entry(const std::string& g) {
    group& e = groups_[g];
    if (!e.set) e.set = std::make_unique<distinct_counter>();
    return e;
  }
  bool partial_ = false;
  std::map<std::string, group> groups_;
};

class duplicates_check final : public gate_check {
 public:
  explicit duplicates_check(check_reader& r) {
    max_rate_ = r.num("max_rate", 0.0);
    spec_.norm = normalization::parse(r.str("normalize", "none"));
    r.done({"max_rate", "normalize"});
  }
  std::string type() const override { return "duplicates"; }
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<keys_state>(spec_); }
  void add(check_state* s, const record_ref& rec) const override {
    auto* k = static_cast<keys_state*>(s);
    hash128 h;
    k->hasher.hash(*rec.doc, h);  // equal JSON values (after --normalize), as `jsift dedup`
    k->keys.emplace_back(0, h);
  }
  void close(check_state* s) const override {
    if (!own_) static_cast<keys_state*>(s)->close(*seen_, false);
  }
  void merge(check_state* s, const place_namer&) override {
    auto* k = static_cast<keys_state*>(s);
    if (own_) {  // partials: the records' keys into the check's own set, here in order
      total_ += k->keys.size();
      for (const auto& key : k->keys) own_->insert(key.second);
      return;
    }
    if (k->total.empty()) return;  // not closed (close() always sizes it): nothing to add
    total_ += k->total[0];
    dups_ += k->total[0] - k->fresh[0];
  }
  void for_partial() override { own_ = std::make_unique<distinct_counter>(); }
  void write_partial(partial_writer& w) const override {
    w.u64(total_);
    if (own_) own_->write(w);
    else distinct_counter().write(w);  // not kept (no for_partial): no keys
  }
  void read_merge(partial_reader& r) override {
    if (!own_) own_ = std::make_unique<distinct_counter>();
    total_ += r.u64();
    own_->read_merge(r);
    if (own_->count() > total_) r.fail("more distinct records than records");
  }
  check_result evaluate(const gate_totals&) const override {
    const uint64_t dups = own_ ? total_ - own_->count() : dups_;
    double rate = total_ ? double(dups) / double(total_) : 0.0;
    check_result r{name, type(), rate <= max_rate_ + 1e-12, fmt::format("{} duplicates of {} ({})", dups, total_, fmt_share(rate)),
                   fmt::format("rate <= {}", fmt_share(max_rate_)), {}};
    if (total_) r.value = rate;
    r.limit["max"] = max_rate_;
    return r;
  }

 private:
  double max_rate_;
  key_spec spec_;
  std::unique_ptr<shared_key_set> seen_ = std::make_unique<shared_key_set>();
  std::unique_ptr<distinct_counter> own_;  // with partials, in seen_'s place
  uint64_t total_ = 0, dups_ = 0;
};

class ratio_check final : public counting_check {
 public:
  explicit ratio_check(check_reader& r) {
    path p = r.path_of("path");
    watch("path", p);
    read_allow_missing(r);
    // The value as typed: a TOML string is a string ("1" matches no number),
    // a number matches by value, true/false are booleans.
    const std::string value = r.scalar_json("value");
    eq_ = make_eq(p.text() + "=" + value, false);
    has_ = make_has(p.text());
    value_ = value;
    target_ = r.num("target");
    tol_ = r.num("tolerance", 0.02);
    path_ = p.text();
    r.done({"path", "value", "target", "tolerance", "allow_missing"});
  }
  std::string type() const override { return "ratio"; }
  void add(check_state* s, const record_ref& rec) const override {
    auto* c = static_cast<counting_state*>(s);
    if (!has_->test(rec.line, rec.root)) return;
    ++c->seen;
    if (eq_->test(rec.line, rec.root)) ++c->hits;
  }
  check_result evaluate(const gate_totals&) const override {
    double share = seen_ ? double(hits_) / double(seen_) : 0.0;
    check_result r{name, type(), std::fabs(share - target_) <= tol_ + 1e-12,
                   fmt::format("{} = {} in {} of {} ({})", path_, value_, hits_, seen_, fmt_share(share)),
                   fmt::format("{} +/- {}", fmt_share(target_), fmt_share(tol_)), {}};
    if (seen_) r.value = share;
    r.limit["target"] = target_;
    r.limit["tolerance"] = tol_;
    return r;
  }

 private:
  std::unique_ptr<predicate> eq_, has_;
  std::string value_, path_;
  double target_, tol_;
};

class required_check final : public gate_check {
 public:
  explicit required_check(check_reader& r) {
    auto fields = r.strings("fields");
    if (fields.empty()) r.fail("fields", "'fields' must list at least one path");
    for (auto& f : fields) {
      try {
        paths_.push_back(path::parse(f));
      } catch (const usage_error& e) {
        r.fail("fields", e.what());
      }
    }
    missing_.assign(paths_.size(), 0);
    for (const auto& p : paths_) watch("fields", p);
    read_allow_missing(r);
    r.done({"fields", "allow_missing"});
  }
  std::string type() const override { return "required"; }
  struct state : check_state {
    std::vector<uint64_t> missing;
  };
  std::unique_ptr<check_state> make_state() const override {
    auto s = std::make_unique<state>();
    s->missing.assign(paths_.size(), 0);
    return s;
  }
  void add(check_state* s, const record_ref& rec) const override {
    auto* st = static_cast<state*>(s);
    for (size_t i = 0; i < paths_.size(); ++i)
      if (!paths_[i].first(rec.root)) ++st->missing[i];
  }
  void merge(check_state* s, const place_namer&) override {
    auto* st = static_cast<state*>(s);
    for (size_t i = 0; i < paths_.size(); ++i) missing_[i] += st->missing[i];
  }
  void write_partial(partial_writer& w) const override {
    for (uint64_t m : missing_) w.u64(m);
  }
  void read_merge(partial_reader& r) override {
    for (auto& m : missing_) m += r.u64();
  }
  check_result evaluate(const gate_totals&) const override {
    check_result r{name, type(), true, "", "present in every record", {}};
    uint64_t worst = 0;
    for (size_t i = 0; i < paths_.size(); ++i) {
      worst = std::max(worst, missing_[i]);
      if (missing_[i]) r.passed = false, r.details.push_back(fmt::format("{}: missing in {} records", paths_[i].text(), missing_[i]));
    }
    r.measured = worst ? fmt::format("{} field{} missing somewhere", r.details.size(), r.details.size() == 1 ? "" : "s")
                       : fmt::format("{} fields present", paths_.size());
    r.value = double(worst);  // records missing the most-missed field
    r.limit["max"] = 0;
    for (size_t i = 0; i < paths_.size(); ++i) r.groups[paths_[i].text()] = double(missing_[i]);
    return r;
  }

 private:
  std::vector<path> paths_;
  std::vector<uint64_t> missing_;
};

class nonempty_check final : public counting_check {
 public:
  explicit nonempty_check(check_reader& r) : path_(r.path_of("path")) {
    watch("path", path_);
    read_allow_missing(r);
    max_count_ = r.count("max_count");
    if (r.has("max_share")) max_share_ = r.num("max_share");
    if (!max_count_ && !max_share_) max_count_ = 0;
    r.done({"path", "max_count", "max_share", "allow_missing"});
  }
  std::string type() const override { return "nonempty"; }
  void add(check_state* s, const record_ref& rec) const override {
    auto* c = static_cast<counting_state*>(s);
    bool any = false, empty = false;
    path_.visit(rec.root, [&](dom::element v) {
      any = true;
      switch (v.type()) {
        case dom::element_type::NULL_VALUE: empty = true; break;
        case dom::element_type::STRING: {
          std::string_view t = v.get_string().value_unsafe();
          empty = empty || t.find_first_not_of(" \t\r\n") == std::string_view::npos;
          break;
        }
        case dom::element_type::ARRAY: empty = empty || v.get_array().size() == 0; break;
        case dom::element_type::OBJECT: empty = empty || v.get_object().size() == 0; break;
        default: break;
      }
    });
    if (!any) return;  // records without the path: that is `required`'s business
    ++c->seen;
    if (empty) c->hit(rec);
  }
  check_result evaluate(const gate_totals&) const override {
    double share = seen_ ? double(hits_) / double(seen_) : 0.0;
    bool ok = (!max_count_ || hits_ <= *max_count_) && (!max_share_ || share <= *max_share_ + 1e-12);
    check_result r{name, type(), ok, fmt::format("{} records with an empty {}", hits_, path_.text()),
                   max_share_ ? fmt::format("share <= {}", fmt_share(*max_share_)) : fmt::format("<= {}", *max_count_), {}};
    r.value = double(hits_);
    if (max_count_) r.limit["max"] = double(*max_count_);
    if (max_share_) r.limit["max_share"] = *max_share_, r.groups["share"] = share;
    if (!ok)
      for (auto& e : examples_) r.details.push_back("empty: " + e);
    return r;
  }

 private:
  path path_;
  std::optional<uint64_t> max_count_;
  std::optional<double> max_share_;
};

class consistent_check final : public counting_check {
 public:
  explicit consistent_check(check_reader& r) : a_(r.path_of("path")), b_(r.path_of("with")) {
    watch("path", a_);
    watch("with", b_);
    read_allow_missing(r);
    max_ = r.count("max").value_or(0);
    r.done({"path", "with", "max", "allow_missing"});
  }
  std::string type() const override { return "consistent"; }
  struct state : counting_state {
    key_spec spec;  // exact comparison, no normalisation
    key_hasher hasher{spec};
  };
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<state>(); }
  void add(check_state* s, const record_ref& rec) const override {
    auto* st = static_cast<state*>(s);
    hash128 ha{}, hb{};
    bool has_a = st->hasher.hash_path(a_, rec.root, ha);
    bool any_b = false, differs = false;
    b_.visit(rec.root, [&](dom::element v) {
      any_b = true;
      if (!has_a || !st->hasher.hash_value(v, hb) || !(hb == ha)) differs = true;
    });
    if (!any_b) return;
    ++st->seen;
    if (differs) st->hit(rec);
  }
  check_result evaluate(const gate_totals&) const override {
    check_result r{name, type(), hits_ <= max_, fmt::format("{} of {} records disagree", hits_, seen_),
                   fmt::format("<= {} disagree", max_), {}};
    r.value = double(hits_);
    r.limit["max"] = double(max_);
    if (!r.passed)
      for (auto& e : examples_) r.details.push_back("disagrees: " + e);
    return r;
  }

 private:
  path a_, b_;
  uint64_t max_;
};

class match_check final : public counting_check {
 public:
  explicit match_check(check_reader& r) {
    path p = r.path_of("path");
    watch("path", p);
    read_allow_missing(r);
    std::string rx = r.str("regex");
    try {
      pred_ = make_match(p.text() + "=" + rx);
    } catch (const option_error& e) {
      r.fail("regex", e.problem);
    }
    max_ = r.count("max").value_or(0);
    rx_ = rx;
    r.done({"path", "regex", "max", "allow_missing"});
  }
  std::string type() const override { return "match"; }
  void add(check_state* s, const record_ref& rec) const override {
    auto* c = static_cast<counting_state*>(s);
    ++c->seen;
    if (pred_->test(rec.line, rec.root)) c->hit(rec);
  }
  check_result evaluate(const gate_totals&) const override {
    check_result r{name, type(), hits_ <= max_, fmt::format("{} records match /{}/", hits_, rx_), fmt::format("<= {}", max_), {}};
    r.value = double(hits_);
    r.limit["max"] = double(max_);
    if (!r.passed)
      for (auto& e : examples_) r.details.push_back("match: " + e);
    return r;
  }

 private:
  std::unique_ptr<predicate> pred_;
  std::string rx_;
  uint64_t max_;
};


}  // namespace

namespace {

// Every check type: its name, the keys it takes and how to build it. The one
// list the loader, the messages and the factory read.
struct check_type {
  const char* name;
  std::vector<const char*> keys;
  std::unique_ptr<gate_check> (*make)(check_settings&);
};

template <class Check>
std::unique_ptr<gate_check> build(check_settings& r) {
  return std::make_unique<Check>(r);
}

const std::vector<check_type>& check_types() {
  static const std::vector<check_type> types{
      {"invalid_lines", {"max"}, build<invalid_lines_check>},
      {"records", {"expected", "min", "max"}, build<records_check>},
      {"line_bytes", {"max"}, build<line_bytes_check>},
      {"turns", {"range", "min", "max", "min_share", "path", "count", "allow_missing"}, build<turns_check>},
      {"unique", {"path", "by", "min_ratio", "normalize", "groups", "allow_missing"}, build<unique_check>},
      {"mix", {"by", "target", "tolerance", "allow_missing"}, build<mix_check>},
      {"ratio", {"path", "value", "target", "tolerance", "allow_missing"}, build<ratio_check>},
      {"required", {"fields", "allow_missing"}, build<required_check>},
      {"nonempty", {"path", "max_count", "max_share", "allow_missing"}, build<nonempty_check>},
      {"duplicates", {"max_rate", "normalize"}, build<duplicates_check>},
      {"coverage", {"by", "min", "max", "require", "allow_missing"}, build<coverage_check>},
      {"consistent", {"path", "with", "max", "allow_missing"}, build<consistent_check>},
      {"match", {"path", "regex", "max", "allow_missing"}, build<match_check>},
      {"distinct_n", {"path", "by", "groups", "n", "min", "tokens", "allow_missing"}, make_distinct_n_check},
      {"compression_ratio", {"path", "by", "groups", "max", "tokens", "cr_sample", "allow_missing"}, make_compression_ratio_check},
      {"openings", {"path", "by", "groups", "max_share", "tokens", "allow_missing"}, make_openings_check},
      {"self_repetition", {"path", "by", "groups", "max", "tokens", "cr_sample", "max_memory", "allow_missing"}, make_self_repetition_check},
      {"near_duplicates", {"path", "by", "groups", "max_rate", "threshold", "bands", "rows", "ngram", "allow_missing"}, make_near_duplicates_check},
  };
  return types;
}

const check_type* find_type(std::string_view name) {
  for (const auto& t : check_types())
    if (name == t.name) return &t;
  return nullptr;
}

}  // namespace

void gate_check::apply_coverage(check_result& r, const std::vector<uint64_t>& reached, uint64_t records) const {
  if (watched_.empty()) return;
  std::vector<std::string> coverage;
  std::string nothing;
  for (size_t i = 0; i < watched_.size(); ++i) {
    coverage.push_back(fmt::format("{} {}: in {} of {} records", watched_[i].role, watched_[i].at.text(), with_commas(reached[i]),
                                   with_commas(records)));
    if (records > 0 && reached[i] == 0 && nothing.empty())
      nothing = fmt::format("measured nothing: {} {} reaches no value in any of {} records", watched_[i].role, watched_[i].at.text(),
                            with_commas(records));
  }
  if (records == 0) nothing = "measured nothing: no records";
  if (nothing.empty() || allow_missing_) return;
  r.passed = false;
  r.measured = nothing + " (allow_missing = true accepts it)";
  r.value.reset();  // no figure to track
  r.groups.clear();
  r.details.insert(r.details.begin(), coverage.begin(), coverage.end());
}

void require_mergeable(const gate_config& cfg) {
  for (const auto& c : cfg.checks)
    if (!c->mergeable())
      throw usage_error(fmt::format("{}: check '{}' ({}) cannot be merged across tasks yet: run it without --partial, over the whole input",
                                    cfg.path, c->name, c->type()));
}

const std::vector<const char*>* check_keys(std::string_view type) {
  const check_type* t = find_type(type);
  return t ? &t->keys : nullptr;
}

std::string check_type_list() {
  std::string out;
  for (const auto& t : check_types()) out += fmt::format("{}{}", out.empty() ? "" : ", ", t.name);
  return out;
}

std::unique_ptr<gate_check> make_check(std::string_view type, check_settings& r) {
  const check_type* t = find_type(type);
  return t ? t->make(r) : nullptr;
}

}  // namespace jsift
