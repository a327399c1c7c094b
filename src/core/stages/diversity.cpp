#include "jsift/stages/diversity.hpp"

#include <algorithm>
#include <cmath>
#include <system_error>
#include <thread>

#include <fmt/format.h>
#include <xxhash.h>
#include <zlib.h>

#include "jsift/error.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/json/conversation.hpp"
#include "jsift/json/value_hash.hpp"
#include "jsift/stages/self_bleu.hpp"

namespace jsift {

void diversity_partial::clear() {
  records = records_without = texts = tokens = text_bytes = 0;
  rules = {};
  lengths.clear();
  text_keys.clear();
  for (auto& v : ngrams) v.clear();
  ngram_total = {};
  joined.clear();
  head.clear();
  openings.clear();
  opening_text.clear();
  cr.clear();
  bleu.clear();
  text_grams.clear();
  if (near) near->clear();
  if (group_near) group_near->clear();
  near_groups.clear();
  groups.clear();
}

diversity_column::diversity_column(text_source source, const diversity_options& o) : source_(std::move(source)), o_(o) {
  group_options_ = o_;
  group_options_.by.reset();
  group_options_.near = false;
  unique_ = std::make_unique<distinct_sketch>(UINT64_MAX);  // texts: always exact (the memory per text is stated)
  for (auto& s : ngram_sets_) s = std::make_unique<distinct_sketch>(o_.max_exact);
  if (o_.self_repetition) text_grams_ = std::make_unique<key_counter>(o_.max_counted);
  openings_ = std::make_unique<opening_partition[]>(64);
  if (o_.near) set_inputs({});
}

void diversity_column::set_inputs(const std::vector<input_file>& files) {
  whole_->clear();
  for (const auto& f : files) whole_->push_back(f.whole_index);
  if (!o_.near) return;
  inputs_ = files;
  near_seen_options no;
  no.params = o_.near_params;
  no.key_text = source_.name();
  no.clusters = o_.near_clusters;
  no.top_clusters = o_.top_clusters;
  near_ = std::make_unique<near_seen>(no, inputs_, near_budget_);
  if (o_.by) {
    no.clusters = false;
    group_near_ = std::make_unique<near_seen>(no, inputs_, near_budget_);
  }
}

std::optional<double> diversity_column::group_near_rate(const std::string& group) const {
  auto it = group_near_counts_.find(group);
  if (it == group_near_counts_.end() || it->second.first == 0) return std::nullopt;
  return double(it->second.second) / double(it->second.first);
}

diversity_column* diversity_column::group_column(const std::string& name) const {
  std::lock_guard<std::mutex> lock(groups_m_);
  auto& c = groups_[name];
  if (!c) c = std::make_unique<diversity_column>(source_, group_options_), c->whole_ = whole_;
  return c.get();
}

double diversity_column::group_entropy() const {
  if (groups_.size() < 2 || records_ == 0) return 0;
  double h = 0;
  for (const auto& [name, c] : groups_)
    if (c->records_) {
      const double q = double(c->records_) / double(records_);
      h -= q * std::log(q);
    }
  return h / std::log(double(groups_.size()));
}

void diversity_column::text_4grams(std::string_view text, const std::vector<uint64_t>& tokens, size_t n, std::vector<uint64_t>& out) const {
  const uint64_t* t = tokens.data();
  if (o_.tokens == token_mode::whitespace) {  // the package splits a document on whitespace runs for this one
    thread_local std::vector<uint64_t> pieces;
    pieces.clear();
    n = split_on_whitespace_runs(text, pieces);
    t = pieces.data();
  }
  for (size_t i = 0; i + 4 <= n; ++i) out.push_back(ngram_hash(t + i, 4));
}

void diversity_column::measure(const record_ref& rec, diversity_partial& p) const {
  thread_local std::string group;  // with by: the record's group, which measures it too
  if (o_.by) {
    group = group_text(*o_.by, rec.root);
    auto& g = p.groups[group];
    if (!g.first) g.first = group_column(group), g.second = std::make_unique<diversity_partial>();
    g.first->measure(rec, *g.second);
  }
  thread_local std::vector<std::string_view> texts;
  thread_local std::vector<uint64_t> tokens;
  thread_local std::string norm, opening;
  texts.clear();
  const size_t rule = source_.texts(rec.root, texts);
  ++p.records;
  if (texts.empty()) {
    ++p.records_without;
    return;
  }
  if (source_.is_auto()) ++p.rules[rule];
  for (size_t k = 0; k < texts.size(); ++k) {
    const std::string_view t = texts[k];
    ++p.texts;
    p.text_bytes += t.size();
    if (o_.normalize.any()) {
      normalize_text(t, o_.normalize, norm);
      p.text_keys.push_back(hash_bytes(norm));
    } else {
      p.text_keys.push_back(hash_bytes(t));
    }
    tokens.clear();
    opening.clear();
    size_t opened = 0;
    const size_t n = tokenize(t, o_.tokens, tokens, &opening, &opened, diversity_options::opening_tokens);
    p.tokens += n;
    ++p.lengths[n];
    if (text_grams_ && !text_grams_->overflowed()) {  // the text's distinct 4-grams: self-repetition counts texts per 4-gram
      const size_t from = p.text_grams.size();
      text_4grams(t, tokens, n, p.text_grams);
      if (p.text_grams.size() > from + 1) {
        std::sort(p.text_grams.begin() + ptrdiff_t(from), p.text_grams.end());
        p.text_grams.erase(std::unique(p.text_grams.begin() + ptrdiff_t(from), p.text_grams.end()), p.text_grams.end());
      }
    }
    if (opened) {
      auto [it, fresh] = p.openings.try_emplace(XXH3_64bits(opening.data(), opening.size()),
                                                diversity_partial::opening_count{0, uint32_t(p.opening_text.size()), uint32_t(opening.size())});
      if (fresh) p.opening_text += opening;
      ++it->second.n;
    }
    if (o_.tokens == token_mode::words) {  // n-grams within the text
      for (size_t g = 1; g <= diversity_options::max_n; ++g) {
        if (n < g) break;
        auto& out = p.ngrams[g - 1];
        for (size_t i = 0; i + g <= n; ++i) out.push_back(ngram_hash(&tokens[i], g));
        p.ngram_total[g - 1] += n - g + 1;
      }
      if (p.ngrams[0].size() > (size_t(1) << 18))  // bound a chunk's memory: the sets take them in any order
        for (size_t g = 0; g < diversity_options::max_n; ++g) {
          ngram_sets_[g]->insert(p.ngrams[g].data(), p.ngrams[g].size());
          p.ngrams[g].clear();
        }
    } else {  // the texts joined: n-grams cross their boundaries
      p.joined.insert(p.joined.end(), tokens.begin(), tokens.end());
    }
    if (near_) {
      if (!p.near) p.near = std::make_unique<near_seen::chunk_items>(*near_);
      p.near->add(t, rec.index);
    }
    if (group_near_) {  // the same text's keys, salted by its group
      if (!p.group_near) p.group_near = std::make_unique<near_seen::chunk_items>(*group_near_);
      p.group_near->add(t, rec.index, XXH3_64bits_withSeed(group.data(), group.size(), 1) | 1);
      p.near_groups.push_back(group);
    }
    const uint64_t file = whole_index(rec.file);  // in a task too, the place among all the inputs
    const uint64_t where[3] = {file, rec.offset, k};
    const uint64_t priority = XXH3_64bits_withSeed(where, sizeof where, o_.seed);
    if ((o_.compress || o_.self_repetition) && (o_.cr_sample == 0 || priority < threshold_.load(std::memory_order_relaxed)))
      p.cr.push_back({priority, file, rec.offset, k, std::string(t)});
    if (o_.bleu_sample && priority < bleu_threshold_.load(std::memory_order_relaxed))
      p.bleu.push_back({priority, file, rec.offset, k, std::string(t)});
  }
}

void diversity_column::flush(diversity_partial& p) {
  if (!p.openings.empty()) {  // into the shared table, a partition at a time
    std::vector<std::pair<uint64_t, const diversity_partial::opening_count*>> by_part;
    by_part.reserve(p.openings.size());
    for (const auto& [h, c] : p.openings) by_part.emplace_back(h, &c);
    std::sort(by_part.begin(), by_part.end(), [](const auto& a, const auto& b) { return (a.first >> 58) < (b.first >> 58); });
    for (size_t i = 0; i < by_part.size();) {
      opening_partition& part = openings_[by_part[i].first >> 58];
      std::lock_guard<std::mutex> lock(part.m);
      for (const size_t pi = by_part[i].first >> 58; i < by_part.size() && (by_part[i].first >> 58) == pi; ++i) {
        const auto& c = *by_part[i].second;
        auto [it, fresh] = part.counts.try_emplace(by_part[i].first, opening_total{0, {}});
        if (fresh) it->second.text.assign(p.opening_text, c.at, c.len);
        it->second.n += c.n;
      }
    }
    p.openings.clear();
    p.opening_text.clear();
  }
  for (auto& [name, g] : p.groups) {
    g.second->seq = p.seq;
    g.first->flush(*g.second);
  }
  if (text_grams_ && !text_grams_->overflowed()) text_grams_->add(p.text_grams.data(), p.text_grams.size());
  if (text_grams_ && text_grams_->overflowed()) text_grams_->release();
  p.text_grams.clear();
  if (near_) {  // every chunk, texts or not (a task's partial: the merge decides)
    if (!p.near) p.near = std::make_unique<near_seen::chunk_items>(*near_);
    if (!partial_) near_->resolve(p.seq, *p.near);
  }
  if (group_near_) {
    if (!p.group_near) p.group_near = std::make_unique<near_seen::chunk_items>(*group_near_);
    if (!partial_) group_near_->resolve(p.seq, *p.group_near);
  }
  unique_->insert(p.text_keys.data(), p.text_keys.size());
  p.text_keys.clear();
  if (o_.tokens == token_mode::words) {
    for (size_t g = 0; g < diversity_options::max_n; ++g) {
      ngram_sets_[g]->insert(p.ngrams[g].data(), p.ngrams[g].size());
      p.ngrams[g].clear();
    }
    return;
  }
  const auto& j = p.joined;
  auto& batch = p.ngrams[0];
  for (size_t g = 1; g <= diversity_options::max_n; ++g) {
    batch.clear();
    for (size_t i = 0; i + g <= j.size(); ++i) batch.push_back(ngram_hash(&j[i], g));
    ngram_sets_[g - 1]->insert(batch.data(), batch.size());
  }
  batch.clear();
  const size_t keep = diversity_options::max_n - 1;
  p.head.assign(j.begin(), j.begin() + std::min(keep, j.size()));
  if (j.size() > keep) p.joined.erase(p.joined.begin(), p.joined.end() - keep);
}

void diversity_column::merge(diversity_partial& p, uint32_t file, uint64_t first_line) {
  for (auto& [name, g] : p.groups) g.first->merge(*g.second, file, first_line);
  if (near_ && partial_) {
    keep_near(p, file, first_line);
  } else if (near_) {
    near_->begin_chunk(p.seq, file, first_line);
    for (size_t i = 0; i < p.near->size(); ++i) near_->take(*p.near, i);
  }
  if (group_near_ && !partial_) {
    group_near_->begin_chunk(p.seq, file, first_line);
    for (size_t i = 0; i < p.group_near->size(); ++i) {
      auto& c = group_near_counts_[p.near_groups[i]];
      ++c.first;
      c.second += group_near_->take(*p.group_near, i) == near_seen::verdict::near;
    }
  }
  records_ += p.records;
  records_without_ += p.records_without;
  texts_ += p.texts;
  tokens_ += p.tokens;
  all_bytes_ += p.text_bytes;
  for (size_t i = 0; i < rules_.size(); ++i) rules_[i] += p.rules[i];
  for (const auto& [len, n] : p.lengths) lengths_[len] += n;
  for (size_t g = 0; g < ngram_total_.size(); ++g) ngram_total_[g] += p.ngram_total[g];
  if (o_.tokens == token_mode::whitespace && !p.head.empty()) {
    if (head_.size() < diversity_options::max_n - 1) {  // the pass's first tokens (a task's partial gives them to the merge)
      for (uint64_t t : p.head)
        if (head_.size() < diversity_options::max_n - 1) head_.push_back(t);
    }
    join_boundary(p.head, p.joined, p.tokens);
  }
  // The samples: candidates gather, and are cut back to the lowest
  // priorities whenever they hold twice what is kept (a sort per cut, not a
  // heap operation per text on this thread).
  for (auto& s : p.bleu)
    if (s.priority < bleu_threshold_.load(std::memory_order_relaxed)) bleu_.push_back(std::move(s));
  if (bleu_.size() > 2 * o_.bleu_sample + 64) trim_samples();
  for (auto& s : p.cr)
    if (s.priority < threshold_.load(std::memory_order_relaxed)) sample_bytes_ += s.text.size() + 1, sample_.push_back(std::move(s));
  if (o_.cr_sample && sample_bytes_ > 2 * o_.cr_sample + 4096) trim_samples();
  p.clear();
}

void diversity_column::join_boundary(const std::vector<uint64_t>& head, const std::vector<uint64_t>& tail, uint64_t tokens) {
  // The n-grams that start before the boundary and end after it.
  std::vector<uint64_t> seq = tail_;
  seq.insert(seq.end(), head.begin(), head.end());
  std::vector<uint64_t> cross;
  for (size_t g = 2; g <= diversity_options::max_n; ++g) {
    cross.clear();
    for (size_t s = tail_.size() >= g - 1 ? tail_.size() - (g - 1) : 0; s < tail_.size() && s + g <= seq.size(); ++s)
      cross.push_back(ngram_hash(&seq[s], g));
    ngram_sets_[g - 1]->insert(cross.data(), cross.size());
  }
  // The last tokens so far: the part's own when it has enough.
  const size_t keep = diversity_options::max_n - 1;
  if (tokens >= keep) {
    tail_ = tail;
  } else {
    tail_.insert(tail_.end(), tail.begin(), tail.end());
    if (tail_.size() > keep) tail_.erase(tail_.begin(), tail_.end() - keep);
  }
}

namespace {

void write_tokens(partial_writer& w, const std::vector<uint64_t>& v) {
  w.u64(v.size());
  for (uint64_t t : v) w.u64(t);
}

std::vector<uint64_t> read_tokens(partial_reader& r) {
  const uint64_t n = r.u64();
  if (n > diversity_options::max_n) r.fail("more boundary tokens than n-grams need");
  std::vector<uint64_t> v(static_cast<size_t>(n));
  for (auto& t : v) t = r.u64();
  return v;
}

void write_samples(partial_writer& w, const std::vector<diversity_partial::sample>& v) {
  w.u64(v.size());
  for (const auto& s : v) w.u64(s.priority), w.u64(s.file), w.u64(s.offset), w.u64(s.index), w.str(s.text);
}

// Reads samples; keeps those below `threshold` in `into`, adding their bytes + 1 to `bytes`.
void read_samples(partial_reader& r, std::vector<diversity_partial::sample>& into, uint64_t threshold, uint64_t* bytes) {
  const uint64_t n = r.u64();
  if (n > r.remaining() / 40) r.fail("more samples than bytes");
  for (uint64_t i = 0; i < n; ++i) {
    diversity_partial::sample s;
    s.priority = r.u64(), s.file = r.u64(), s.offset = r.u64(), s.index = r.u64();
    s.text = r.str();
    if (s.priority >= threshold) continue;
    if (bytes) *bytes += s.text.size() + 1;
    into.push_back(std::move(s));
  }
}

}  // namespace

void diversity_column::write_partial(partial_writer& w) {
  if (near_ && !partial_) throw std::logic_error("diversity_column: near-duplicates are kept for a partial only after for_partial()");
  for (uint64_t v : {records_, records_without_, texts_, tokens_, all_bytes_}) w.u64(v);
  for (uint64_t v : rules_) w.u64(v);
  w.u64(lengths_.size());
  for (const auto& [len, n] : lengths_) w.u64(len), w.u64(n);
  unique_->write(w);
  for (const auto& s : ngram_sets_) s->write(w);
  for (uint64_t v : ngram_total_) w.u64(v);
  write_tokens(w, head_);
  write_tokens(w, tail_);
  uint64_t openings = 0;
  for (unsigned i = 0; i < 64; ++i) openings += openings_[i].counts.size();
  w.u64(openings);
  for (unsigned i = 0; i < 64; ++i)
    for (const auto& [h, o] : openings_[i].counts) w.u64(h), w.u64(o.n), w.str(o.text);
  trim_samples();  // what a run of this task alone keeps: every text of the whole run's samples among them
  write_samples(w, sample_);
  write_samples(w, bleu_);
  w.u64(text_grams_ != nullptr);
  if (text_grams_) text_grams_->write(w);
  w.u64(near_ != nullptr);
  if (near_) write_near(w);
  w.u64(groups_.size());
  for (const auto& [name, c] : groups_) {
    w.str(name);
    c->write_partial(w);
  }
}

void diversity_column::read_merge(partial_reader& r) {
  records_ += r.u64();
  records_without_ += r.u64();
  const uint64_t texts = r.u64(), tokens = r.u64();
  texts_ += texts;
  tokens_ += tokens;
  all_bytes_ += r.u64();
  for (auto& v : rules_) v += r.u64();
  uint64_t counted = 0;
  for (uint64_t n = r.u64(); n > 0; --n) {
    if (r.remaining() < 16) r.fail("fewer lengths than it counts");
    const uint64_t len = r.u64(), texts_of = r.u64();
    if (len > (uint64_t(1) << 32)) r.fail("a text of more tokens than a line can hold");  // lines are at most 4 GiB
    lengths_[len] += texts_of;
    counted += texts_of;
  }
  if (counted != texts) r.fail("text lengths that do not add up to its texts");
  unique_->read_merge(r);
  for (auto& s : ngram_sets_) s->read_merge(r);
  for (auto& v : ngram_total_) v += r.u64();
  const std::vector<uint64_t> head = read_tokens(r), tail = read_tokens(r);
  if (o_.tokens == token_mode::whitespace && !head.empty()) {
    if (head_.size() < diversity_options::max_n - 1)
      for (uint64_t t : head)
        if (head_.size() < diversity_options::max_n - 1) head_.push_back(t);
    join_boundary(head, tail, tokens);
  }
  const uint64_t openings = r.u64();
  if (openings > r.remaining() / 24) r.fail("more openings than bytes");
  for (uint64_t i = 0; i < openings; ++i) {
    const uint64_t h = r.u64(), n = r.u64();
    std::string text = r.str();
    auto [it, fresh] = openings_[h >> 58].counts.try_emplace(h, opening_total{0, {}});
    if (fresh) it->second.text = std::move(text);
    it->second.n += n;
  }
  read_samples(r, sample_, threshold_.load(), &sample_bytes_);
  read_samples(r, bleu_, bleu_threshold_.load(), nullptr);
  trim_samples();
  const bool grams = r.u64() != 0;
  if (grams != (text_grams_ != nullptr)) r.fail("self-repetition counted in one task and not in another");
  if (text_grams_) text_grams_->read_merge(r);
  if ((r.u64() != 0) != (near_ != nullptr)) r.fail("near-duplicates measured in one task and not in another");
  if (near_) replay_near(r);
  const uint64_t groups = r.u64();
  if (groups > 0 && !o_.by) r.fail("groups in a column measured without --by");
  for (uint64_t n = groups; n > 0; --n) {
    const std::string name = r.str();
    group_column(name)->read_merge(r);
  }
}

void diversity_column::keep_near(const diversity_partial& p, uint32_t file, uint64_t first_line) {
  const unsigned bands = o_.near_params.bands;
  const uint32_t whole = uint32_t(whole_index(file));
  for (size_t i = 0; i < p.near->size(); ++i) {
    near_item it{first_line + p.near->index_of(i), UINT64_MAX, 0, whole, 0};
    if (const hash128* k = p.near->keys_of(i)) {
      it.at = near_keys_.size();
      near_keys_.insert(near_keys_.end(), k, k + bands);
    }
    if (group_near_) {
      const std::string& g = p.near_groups[i];
      auto [at, fresh] = near_group_ids_.try_emplace(g, uint32_t(near_group_names_.size()));
      if (fresh) near_group_names_.push_back(g);
      it.group = at->second;
    }
    near_excerpts_ += p.near->excerpt_at(i);
    it.excerpt_end = near_excerpts_.size();
    near_items_.push_back(it);
  }
}

void diversity_column::write_near(partial_writer& w) const {
  const unsigned bands = o_.near_params.bands;
  w.u64(bands);
  w.u64(near_group_names_.size());
  for (const auto& g : near_group_names_) w.str(g);
  w.u64(near_items_.size());
  uint64_t excerpt_from = 0;
  for (const near_item& it : near_items_) {
    w.u64(it.file), w.u64(it.line), w.u64(it.group), w.u64(it.at != UINT64_MAX);
    if (it.at != UINT64_MAX)
      for (unsigned b = 0; b < bands; ++b) w.u64(near_keys_[it.at + b].lo), w.u64(near_keys_[it.at + b].hi);
    w.str(std::string_view(near_excerpts_).substr(excerpt_from, it.excerpt_end - excerpt_from));
    excerpt_from = it.excerpt_end;
  }
}

// A task's texts, decided as one run decides them: in input order, after
// the earlier tasks' (chunks of one file's lines, numbered from the
// task's line bases).
void diversity_column::replay_near(partial_reader& r) {
  const unsigned bands = o_.near_params.bands;
  if (r.u64() != bands) r.fail("band keys of another MinHash");
  std::vector<std::string> groups;
  std::vector<uint64_t> salts;
  const uint64_t group_count = r.u64();
  if (group_count > r.remaining() / 8) r.fail("more groups than bytes");
  if (group_count && !group_near_) r.fail("near-duplicate groups in a column measured without --by");
  for (uint64_t i = 0; i < group_count; ++i) {
    groups.push_back(r.str());
    salts.push_back(XXH3_64bits_withSeed(groups.back().data(), groups.back().size(), 1) | 1);  // as measure() salts
  }
  const uint64_t items = r.u64();
  if (items > r.remaining() / 40) r.fail("more texts than bytes");
  auto own = std::make_unique<near_seen::chunk_items>(*near_);
  auto in_group = group_near_ ? std::make_unique<near_seen::chunk_items>(*group_near_) : nullptr;
  std::vector<uint32_t> item_groups;
  std::vector<hash128> keys(bands);
  uint32_t file = 0;
  uint64_t first_line = 0;
  auto decide = [&] {
    if (own->size() == 0) return;
    const uint64_t seq = replay_seq_++;
    const auto base = line_bases_.find(file);
    const uint64_t line = (base == line_bases_.end() ? 0 : base->second) + first_line;
    near_->resolve(seq, *own);
    near_->begin_chunk(seq, file, line);
    for (size_t i = 0; i < own->size(); ++i) near_->take(*own, i);
    own->clear();
    if (!in_group) return;
    group_near_->resolve(seq, *in_group);
    group_near_->begin_chunk(seq, file, line);
    for (size_t i = 0; i < in_group->size(); ++i) {
      auto& c = group_near_counts_[groups[item_groups[i]]];
      ++c.first;
      c.second += group_near_->take(*in_group, i) == near_seen::verdict::near;
    }
    in_group->clear();
    item_groups.clear();
  };
  for (uint64_t i = 0; i < items; ++i) {
    const uint64_t f = r.u64(), line = r.u64(), group = r.u64(), keyed = r.u64();
    if (f >= (uint64_t(1) << 24) || (o_.near_clusters && f >= inputs_.size())) r.fail("a text in a file that is not among the inputs");
    if (line >= (uint64_t(1) << 40)) r.fail("a line past any file's");
    if (keyed > 1) r.fail("a text neither keyed nor keyless");
    if (in_group ? group >= groups.size() : group != 0) r.fail("a text of a group it does not name");
    if (keyed)
      for (auto& k : keys) k.lo = r.u64(), k.hi = r.u64();
    const std::string excerpt = r.str();
    if (excerpt.size() > near_seen::excerpt_bytes) r.fail("an excerpt longer than excerpts are");
    const auto base = line_bases_.find(f);
    if (line >= (uint64_t(1) << 40) - (base == line_bases_.end() ? 0 : base->second)) r.fail("a line past any file's");
    if (own->size() && (f != file || line < first_line || line - first_line >= (uint64_t(1) << 31) || own->size() >= (size_t(1) << 16)))
      decide();
    if (own->size() == 0) file = uint32_t(f), first_line = line;
    own->add_signed(keyed ? keys.data() : nullptr, excerpt, uint32_t(line - first_line));
    if (in_group) {
      in_group->add_signed(keyed ? keys.data() : nullptr, {}, uint32_t(line - first_line), salts[group]);
      item_groups.push_back(uint32_t(group));
    }
  }
  decide();
}

void diversity_column::trim_samples() {
  auto by_priority = [](const diversity_partial::sample& a, const diversity_partial::sample& b) { return a.priority < b.priority; };
  // Self-BLEU: the bleu_sample lowest priorities.
  if (bleu_.size() > o_.bleu_sample) {
    std::nth_element(bleu_.begin(), bleu_.begin() + ptrdiff_t(o_.bleu_sample), bleu_.end(), by_priority);
    bleu_threshold_.store(bleu_[o_.bleu_sample].priority, std::memory_order_relaxed);
    bleu_.resize(o_.bleu_sample);
  }
  // Compression: the longest run of lowest priorities within cr_sample bytes
  // (texts joined by a space: each counts its bytes + 1, the last one's space
  // is the + 1 of the limit).
  if (!o_.cr_sample || sample_bytes_ <= o_.cr_sample + 1) return;
  std::sort(sample_.begin(), sample_.end(), by_priority);
  uint64_t bytes = 0;
  size_t keep = 0;
  while (keep < sample_.size() && bytes + sample_[keep].text.size() + 1 <= o_.cr_sample + 1) bytes += sample_[keep++].text.size() + 1;
  if (keep == 0 && !sample_.empty()) bytes += sample_[keep++].text.size() + 1;  // at least one text, however long
  if (keep < sample_.size()) threshold_.store(sample_[keep].priority, std::memory_order_relaxed);
  sample_.resize(keep);
  sample_bytes_ = bytes;
}

namespace {

// Bytes of `text` compressed as gzip level 9 (Python's gzip.compress).
uint64_t gzip_size(std::string_view text) {
  z_stream zs{};
  if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(size_t(1) << 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = uInt(text.size());  // the sample is capped well below 4 GiB by --cr-sample
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    rc = deflate(&zs, Z_FINISH);
  } while (rc == Z_OK);
  const uint64_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
  return n;
}

// Up to one_stream bytes are compressed as one gzip stream (Python's figure
// exactly); more is cut into pieces of that size compressed on `threads`
// threads (zlib level 9 does about 17 MB/s: 64 MiB took 4 s on one). Deflate
// looks back 32 KiB, so the pieces' sizes add up to within a few hundred
// bytes of one stream's.
constexpr size_t one_stream = size_t(8) << 20;
uint64_t compressed_size(std::string_view text, unsigned threads) {
  if (text.size() <= one_stream) return gzip_size(text);
  const size_t pieces = (text.size() + one_stream - 1) / one_stream;
  std::vector<uint64_t> sizes(pieces);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < pieces;) sizes[i] = gzip_size(text.substr(i * one_stream, one_stream));
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, threads); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  uint64_t total = 0;
  for (uint64_t n : sizes) total += n;
  return total;
}

}  // namespace

void diversity_column::finish() {
  for (auto& [name, c] : groups_) c->finish();
  if (near_) near_->finish();
  if (group_near_) group_near_->finish();
  unique_->finish();
  distinct_texts_ = unique_->count();
  unique_.reset();
  for (size_t g = 0; g < diversity_options::max_n; ++g) {
    ngram_sets_[g]->finish();
    ngram_distinct_[g] = ngram_sets_[g]->count();
    ngram_exact_[g] = ngram_sets_[g]->exact();
    ngram_sets_[g].reset();
  }
  if (o_.tokens == token_mode::whitespace)  // one sequence: T tokens hold T - n + 1 n-grams
    for (size_t g = 1; g <= diversity_options::max_n; ++g) ngram_total_[g - 1] = tokens_ >= g ? tokens_ - g + 1 : 0;
  // The most frequent openings (ties: in byte order), then the table is freed.
  top_.clear();
  for (unsigned i = 0; i < 64; ++i)
    for (auto& [h, o] : openings_[i].counts) top_.emplace_back(std::move(o.text), o.n);
  const size_t k = std::min(o_.top_openings, top_.size());
  std::partial_sort(top_.begin(), top_.begin() + ptrdiff_t(k), top_.end(),
                    [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  top_.resize(k);
  openings_.reset();
  trim_samples();
  auto by_place = [](const auto& a, const auto& b) { return std::tie(a.file, a.offset, a.index) < std::tie(b.file, b.offset, b.index); };
  std::sort(sample_.begin(), sample_.end(), by_place);
  if (text_grams_ && !text_grams_->overflowed()) {
    // Self-repetition of each sampled text (on `threads` threads), summed in order.
    std::vector<double> score(sample_.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      std::vector<uint64_t> tokens, grams;
      for (size_t i; (i = next++) < sample_.size();) {
        tokens.clear();
        grams.clear();
        const size_t n = tokenize(sample_[i].text, o_.tokens, tokens);
        text_4grams(sample_[i].text, tokens, n, grams);
        std::sort(grams.begin(), grams.end());
        grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
        uint64_t others = 0;
        for (uint64_t g : grams) others += std::max<uint32_t>(1, text_grams_->count(g)) - 1;
        score[i] = std::log1p(double(others));
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::max(1u, o_.threads) && sample_.size() > 1000; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    double sum = 0;
    for (double x : score) sum += x;
    self_rep_texts_ = sample_.size();
    if (!sample_.empty()) self_rep_ = sum / double(sample_.size());
  }
  text_grams_.reset();
  std::sort(bleu_.begin(), bleu_.end(), by_place);
  std::vector<std::vector<uint64_t>> docs(bleu_.size());
  for (size_t i = 0; i < bleu_.size(); ++i) tokenize(bleu_[i].text, o_.tokens, docs[i]);
  bleu_texts_ = bleu_.size();
  self_bleu_ = jsift::self_bleu(docs);
  bleu_ = {};
  std::string joined;
  joined.reserve(sample_bytes_);
  for (size_t i = 0; i < sample_.size(); ++i) {
    if (i) joined += ' ';
    joined += sample_[i].text;
  }
  sample_.clear();
  sample_.shrink_to_fit();
  cr_bytes_ = joined.size();
  if (o_.compress && !joined.empty()) cr_ = double(joined.size()) / double(compressed_size(joined, o_.threads));
}

double diversity_column::uniqueness() const { return texts_ ? double(distinct_texts_) / double(texts_) : 0; }

double diversity_column::distinct(size_t n) const {
  const uint64_t total = ngram_total_[n - 1];
  return total ? double(ngram_distinct_[n - 1]) / double(total) : 0;
}

double diversity_column::ngd() const {
  double s = 0;
  for (size_t n = 1; n <= diversity_options::max_n; ++n) s += distinct(n);
  return s;
}

bool diversity_column::exact() const {
  return std::all_of(ngram_exact_.begin(), ngram_exact_.end(), [](bool e) { return e; });
}

uint64_t diversity_column::token_percentile(double q) const {
  if (texts_ == 0) return 0;
  const uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(q * double(texts_))));  // nearest rank
  uint64_t seen = 0;
  for (const auto& [len, n] : lengths_)
    if ((seen += n) >= rank) return len;
  return lengths_.rbegin()->first;
}

double diversity_column::top_openings_share() const {
  uint64_t n = 0;
  for (const auto& [text, c] : top_openings()) n += c;
  return texts_ ? double(n) / double(texts_) : 0;
}

double diversity_column::group_jsd(const diversity_column& other) const {
  std::map<std::string, std::pair<double, double>> shares;
  for (const auto& [name, c] : groups_) shares[name].first = records_ ? double(c->records_) / double(records_) : 0;
  for (const auto& [name, c] : other.groups_) shares[name].second = other.records_ ? double(c->records_) / double(other.records_) : 0;
  auto kl_to_mean = [](double p, double q) { return p > 0 ? p * std::log2(p / ((p + q) / 2)) : 0; };
  double jsd = 0;
  for (const auto& [name, pq] : shares) jsd += 0.5 * kl_to_mean(pq.first, pq.second) + 0.5 * kl_to_mean(pq.second, pq.first);
  return std::clamp(jsd, 0.0, 1.0);
}

void diversity_column::write_json(json_writer& w, const diversity_column* reference) const {
  w.begin_object();
  w.key("text").value(source_.name());
  if (source_.is_auto()) {
    w.key("chosen").begin_object();
    for (size_t i = 0; i < rules_.size(); ++i) w.key(text_source::rule_names[i]).value(rules_[i]);
    w.end_object();
  }
  w.key("records").value(records_);
  w.key("records_without_text").value(records_without_);
  w.key("texts").value(texts_);
  w.key("tokens").begin_object();
  w.key("total").value(tokens_);
  w.key("mean").value(tokens_mean());
  w.key("p10").value(token_percentile(0.10));
  w.key("p50").value(token_percentile(0.50));
  w.key("p90").value(token_percentile(0.90));
  // Texts by tokens, in power-of-two buckets: bucket i holds lengths from
  // edges[i] up to the next edge (0, 1, 2-3, 4-7...).
  std::vector<uint64_t> edges{0}, counts;
  for (const auto& [len, n] : lengths_) {
    while (len >= (edges.back() ? edges.back() * 2 : 1)) edges.push_back(edges.back() ? edges.back() * 2 : 1);
    counts.resize(edges.size(), 0);
    counts.back() += n;
  }
  counts.resize(edges.size(), 0);
  w.key("histogram").begin_object();
  w.key("edges").begin_array();
  for (uint64_t e : edges) w.value(e);
  w.end_array();
  w.key("counts").begin_array();
  for (uint64_t c : counts) w.value(c);
  w.end_array();
  w.end_object();
  w.end_object();
  w.key("uniqueness").value(uniqueness());
  w.key("distinct_texts").value(distinct_texts_);
  w.key("distinct_n").begin_object();
  for (size_t n = 1; n <= diversity_options::max_n; ++n) w.key(std::to_string(n)).value(distinct(n));
  w.end_object();
  w.key("ngd").value(ngd());
  w.key("ngrams").begin_object();
  for (size_t n = 1; n <= diversity_options::max_n; ++n) {
    w.key(std::to_string(n)).begin_object();
    w.key("distinct").value(ngram_distinct_[n - 1]);
    w.key("total").value(ngram_total_[n - 1]);
    w.key("exact").value(ngram_exact_[n - 1]);
    w.end_object();
  }
  w.end_object();
  w.key("compression_ratio").value(cr_);
  w.key("compression_sample").begin_object();
  w.key("bytes").value(cr_bytes_);
  w.key("of_bytes").value(all_bytes_ + (texts_ ? texts_ - 1 : 0));
  w.key("sampled").value(cr_bytes_ < all_bytes_ + (texts_ ? texts_ - 1 : 0));
  w.end_object();
  w.key("openings").begin_object();
  w.key("tokens").value(uint64_t(diversity_options::opening_tokens));
  w.key("top").begin_array();
  for (const auto& [text, n] : top_openings()) {
    w.begin_object();
    w.key("opening").value(text);
    w.key("texts").value(n);
    w.key("share").value(texts_ ? double(n) / double(texts_) : 0);
    w.end_object();
  }
  w.end_array();
  w.key("top_share").value(top_openings_share());
  w.end_object();
  w.key("self_repetition");
  if (self_rep_) w.value(*self_rep_);
  else w.null();
  w.key("self_repetition_texts").value(self_rep_texts_);
  w.key("self_bleu").begin_object();
  w.key("value");
  if (self_bleu_) w.value(*self_bleu_);
  else w.null();
  w.key("sample").value(bleu_texts_);
  w.end_object();
  if (near_) w.key("near_duplicates"), near_->write_json(w);
  if (o_.by) {
    w.key("groups").begin_object();
    w.key("by").value(o_.by->text());
    w.key("entropy").value(group_entropy());
    if (reference) w.key("jsd").value(group_jsd(*reference));
    w.key("groups").begin_array();
    for (const auto& [name, c] : groups_) {
      w.begin_object();
      w.key("group").value(name);
      w.key("records").value(c->records_);
      w.key("share").value(records_ ? double(c->records_) / double(records_) : 0);
      if (group_near_) {
        w.key("near_duplicates");
        if (auto r = group_near_rate(name)) w.value(*r);
        else w.null();
      }
      w.key("figures");
      c->write_json(w);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_object();
}

}  // namespace jsift
