// The gate's diversity checks (`distinct_n`, `compression_ratio`,
// `openings`, `near_duplicates`): a diversity_column (stages/diversity.hpp) filled as the
// gate reads, then its figure against the limit.
#include <set>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/stages/diversity.hpp"
#include "jsift/stages/gate_checks.hpp"

namespace jsift {
namespace {

struct column_state : check_state {
  diversity_partial part;
};

class diversity_check : public gate_check {
 public:
  // Reads the keys every diversity check shares: path (default: the texts
  // `jsift diversity` takes by default), tokens, by, groups, allow_missing.
  explicit diversity_check(check_settings& r) {
    if (r.has("by")) {
      const path b = r.path_of("by");
      watch("by", b);
      o_.by = b;
    }
    for (auto& g : r.strings("groups")) only_.insert(g);
    if (!only_.empty() && !o_.by) r.fail("groups", "'groups' names groups of 'by': give 'by' too");
    if (r.has("path")) {
      const path p = r.path_of("path");
      watch("path", p);
      src_ = text_source::at(p.text());
    }
    o_.tokens = parse_token_mode(r.str("tokens", "words"), "tokens");
    o_.fit_memory(diversity_options::default_memory);  // as `jsift diversity` by default
    // Only what the check reads: each check type turns its figure back on.
    o_.compress = false;
    o_.self_repetition = false;
    o_.bleu_sample = 0;
    read_allow_missing(r);
    allow_missing_ = r.flag("allow_missing", false);
  }
  std::unique_ptr<check_state> make_state() const override { return std::make_unique<column_state>(); }
  void add(check_state* s, const record_ref& rec) const override { col_->measure(rec, static_cast<column_state*>(s)->part); }
  void close(check_state* s) const override {
    auto& part = static_cast<column_state*>(s)->part;
    part.seq = s->seq;
    col_->flush(part);
  }
  void merge(check_state* s, const place_namer&) override { col_->merge(static_cast<column_state*>(s)->part); }
  void set_inputs(const std::vector<input_file>& files) override { col_->set_inputs(files); }
  // Partials: the column's (diversity_column::write_partial; near-duplicates: every text's band keys, decided at the merge).
  void for_partial() override { col_->for_partial(); }
  void write_partial(partial_writer& w) const override { col_->write_partial(w); }
  void read_merge(partial_reader& r) override { col_->read_merge(r); }
  check_result evaluate(const gate_totals&) const override {
    if (!finished_) col_->finish(), finished_ = true;
    check_result r{name, type(), true, "", limit_text(), {}};
    r.limit = limits();
    if (col_->texts() == 0) {  // a check that measured nothing must not pass
      r.measured = "no texts";
      r.passed = allow_missing_;
      if (!allow_missing_ && col_->source().is_auto())  // a path reaching nothing is said by the coverage
        r.details.push_back("measured nothing: no texts (allow_missing = true accepts it)");
      return r;
    }
    if (o_.by) {
      by_groups(r);
    } else {
      measured_ = true;
      r.measured = measure(*col_, r.passed);
      if (measured_) r.value = value_;
    }
    r.details.push_back(fmt::format("{} texts at {} ({} tokens{})", with_commas(col_->texts()), col_->source().name(),
                                    token_mode_name(o_.tokens), col_->exact() ? "" : "; distinct n-grams estimated with HyperLogLog"));
    return r;
  }

 protected:
  virtual std::string limit_text() const = 0;
  // The figure (also kept in value_) against the limit, in words.
  virtual std::string measure(const diversity_column& c, bool& passed) const = 0;
  virtual std::map<std::string, double> limits() const = 0;
  // A group's figure: its column's, unless the check measures groups otherwise.
  virtual std::string measure_group(const std::string& group, const diversity_column& c, bool& passed) const {
    (void)group;
    return measure(c, passed);
  }
  const diversity_column& column() const { return *col_; }
  mutable double value_ = 0;
  mutable bool measured_ = true;  // measure() clears it when it had no figure
  // With `by`: each group's figure (only `groups` when given; a listed
  // group without texts fails); the check's value is the worst group's.
  void by_groups(check_result& r) const {
    const bool at_least = limits().count("min") > 0;
    for (const auto& [g, c] : col_->groups()) {
      if ((!only_.empty() && !only_.count(g)) || c->texts() == 0) continue;
      bool ok = true;
      measured_ = true;
      const std::string m = measure_group(g, *c, ok);
      if (measured_) {
        r.groups[g] = value_;
        r.value = r.value ? (at_least ? std::min(*r.value, value_) : std::max(*r.value, value_)) : value_;
      }
      r.measured += fmt::format("{}{} {}", r.measured.empty() ? "" : ", ", g, m);
      if (!ok) r.passed = false, r.details.push_back(fmt::format("{}: {}", g, m));
    }
    for (const auto& g : only_)
      if (!r.groups.count(g)) r.passed = false, r.details.push_back(fmt::format("{}: no texts", g));
    if (r.measured.empty()) r.measured = "no texts in the groups";
  }
  std::set<std::string> only_;
  // The end of each check's constructor: the column, with o_ as the check set it.
  void ready() { col_ = std::make_unique<diversity_column>(src_, o_); }
  diversity_options o_;
  text_source src_ = text_source::automatic();

 private:
  bool allow_missing_ = false;
  mutable std::unique_ptr<diversity_column> col_;  // evaluate() finishes it once
  mutable bool finished_ = false;
};

class distinct_n_check final : public diversity_check {
 public:
  explicit distinct_n_check(check_settings& r) : diversity_check(r) {
    n_ = r.count("n").value_or(2);
    if (n_ < 1 || n_ > diversity_options::max_n) r.fail("n", "'n' must be 1, 2, 3 or 4");
    min_ = r.num("min");
    r.done({"path", "by", "groups", "n", "min", "tokens", "allow_missing"});
    ready();
  }
  std::string type() const override { return "distinct_n"; }

 private:
  std::string limit_text() const override { return fmt::format("distinct-{} >= {:.4g}", n_, min_); }
  std::map<std::string, double> limits() const override { return {{"min", min_}}; }
  std::string measure(const diversity_column& c, bool& passed) const override {
    const double v = c.distinct(size_t(n_));
    passed = v + 1e-12 >= min_;
    value_ = v;
    return fmt::format("distinct-{} {:.4g}", n_, v);
  }
  uint64_t n_;
  double min_;
};

class compression_ratio_check final : public diversity_check {
 public:
  explicit compression_ratio_check(check_settings& r) : diversity_check(r) {
    max_ = r.num("max");
    o_.compress = true;
    if (r.has("cr_sample")) {
      const std::string s = r.str("cr_sample");
      o_.cr_sample = parse_size(s, "cr_sample");
    }
    r.done({"path", "by", "groups", "max", "tokens", "cr_sample", "allow_missing"});
    ready();
  }
  std::string type() const override { return "compression_ratio"; }

 private:
  std::string limit_text() const override { return fmt::format("<= {:.4g}", max_); }
  std::map<std::string, double> limits() const override { return {{"max", max_}}; }
  std::string measure(const diversity_column& c, bool& passed) const override {
    passed = c.compression_ratio() <= max_ + 1e-12;
    value_ = c.compression_ratio();
    return fmt::format("{:.4g}", c.compression_ratio());
  }
  double max_;
};

class openings_check final : public diversity_check {
 public:
  explicit openings_check(check_settings& r) : diversity_check(r) {
    max_share_ = r.num("max_share");
    o_.top_openings = 1;
    r.done({"path", "by", "groups", "max_share", "tokens", "allow_missing"});
    ready();
  }
  std::string type() const override { return "openings"; }

 private:
  std::string limit_text() const override { return fmt::format("top opening's share <= {:.4g}", max_share_); }
  std::map<std::string, double> limits() const override { return {{"max", max_share_}}; }
  std::string measure(const diversity_column& c, bool& passed) const override {
    const auto& top = c.top_openings();
    const double share = top.empty() ? 0 : double(top[0].second) / double(c.texts());
    passed = share <= max_share_ + 1e-12;
    value_ = share;
    return top.empty() ? std::string("no openings") : fmt::format("\"{}\" {:.4g}", top[0].first, share);
  }
  double max_share_;
};

class self_repetition_check final : public diversity_check {
 public:
  explicit self_repetition_check(check_settings& r) : diversity_check(r) {
    max_ = r.num("max");
    if (r.has("max_memory")) {
      const std::string m = r.str("max_memory");
      o_.fit_memory(for_option("max_memory", [&] { return parse_size(m, "max_memory"); }));
    }
    o_.self_repetition = true;
    if (r.has("cr_sample")) {
      const std::string s = r.str("cr_sample");
      o_.cr_sample = parse_size(s, "cr_sample");
    }
    r.done({"path", "by", "groups", "max", "tokens", "cr_sample", "max_memory", "allow_missing"});
    ready();
  }
  std::string type() const override { return "self_repetition"; }

 private:
  std::string limit_text() const override { return fmt::format("self-repetition <= {:.4g}", max_); }
  std::map<std::string, double> limits() const override { return {{"max", max_}}; }
  std::string measure(const diversity_column& c, bool& passed) const override {
    if (!c.self_repetition()) {  // the 4-gram counts outgrew max_memory: nothing measured, so no pass
      passed = false;
      measured_ = false;
      return "not measured: the 4-gram counts outgrew max_memory (raise it)";
    }
    value_ = *c.self_repetition();
    passed = value_ <= max_ + 1e-12;
    return fmt::format("{:.4g} (over {} texts)", value_, with_commas(c.self_repetition_texts()));
  }
  double max_;
};

class near_duplicates_check final : public diversity_check {
 public:
  explicit near_duplicates_check(check_settings& r) : diversity_check(r) {
    max_rate_ = r.num("max_rate");
    o_.near = true;
    std::optional<double> threshold;
    if (r.has("threshold")) threshold = r.num("threshold");
    const auto bands = r.count("bands"), rows = r.count("rows");
    const uint64_t ngram = r.count("ngram").value_or(5);
    o_.near_params = for_option("near_duplicates", [&] { return minhash_params::from(threshold, bands, rows, ngram); });
    r.done({"path", "by", "groups", "max_rate", "threshold", "bands", "rows", "ngram", "allow_missing"});
    ready();
  }
  std::string type() const override { return "near_duplicates"; }

 private:
  std::string limit_text() const override { return fmt::format("near-duplicate rate <= {:.4g}", max_rate_); }
  std::map<std::string, double> limits() const override { return {{"max", max_rate_}}; }
  std::string measure(const diversity_column& c, bool& passed) const override {
    const near_seen& n = *c.near();
    if (n.items() == n.keyless()) {  // no text had a word: nothing compared
      passed = false;
      measured_ = false;
      return fmt::format("not measured: none of {} texts has a word", with_commas(n.items()));
    }
    passed = n.rate() <= max_rate_ + 1e-12;
    value_ = n.rate();
    return fmt::format("{:.4g} ({} of {} texts; MinHash {} x {})", n.rate(), with_commas(n.near_duplicates()), with_commas(n.items()),
                       o_.near_params.bands, o_.near_params.rows);
  }
  // Per group: near-duplicates within the group (keys salted by it).
  std::string measure_group(const std::string& group, const diversity_column&, bool& passed) const override {
    value_ = column().group_near_rate(group).value_or(0);
    passed = value_ <= max_rate_ + 1e-12;
    return fmt::format("{:.4g}", value_);
  }
  double max_rate_;
};

}  // namespace

std::unique_ptr<gate_check> make_self_repetition_check(check_settings& r) { return std::make_unique<self_repetition_check>(r); }
std::unique_ptr<gate_check> make_near_duplicates_check(check_settings& r) { return std::make_unique<near_duplicates_check>(r); }
std::unique_ptr<gate_check> make_distinct_n_check(check_settings& r) { return std::make_unique<distinct_n_check>(r); }
std::unique_ptr<gate_check> make_compression_ratio_check(check_settings& r) { return std::make_unique<compression_ratio_check>(r); }
std::unique_ptr<gate_check> make_openings_check(check_settings& r) { return std::make_unique<openings_check>(r); }

}  // namespace jsift
