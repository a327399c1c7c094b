#include "jsift/stages/near_seen.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/sets/key_index.hpp"

namespace jsift {
namespace {

// Where a band key was first seen: its chunk and the item's number there,
// or a marker for keys of the index (an earlier run).
constexpr uint64_t from_index = UINT64_MAX;
constexpr uint64_t max_chunks = UINT32_MAX;
uint64_t place(uint64_t seq, uint64_t item) { return (seq << 32) | item; }
constexpr uint64_t line_mask = (uint64_t(1) << 40) - 1;
uint64_t pack(uint32_t file, uint64_t line) { return (uint64_t(file) << 40) | (line & line_mask); }
constexpr size_t excerpt_bytes = near_seen::excerpt_bytes;
constexpr uint32_t no_key = UINT32_MAX;

// The first `excerpt_bytes` of `text`, cut at a character boundary.
std::string_view excerpt_of(std::string_view text) {
  if (text.size() <= excerpt_bytes) return text;
  size_t n = excerpt_bytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

near_seen::chunk_items::chunk_items(const near_seen& owner) : owner_(owner), mh_(owner.o_.params) {}

void near_seen::chunk_items::add(std::string_view text, uint32_t index, uint64_t salt) {
  const auto& p = owner_.o_.params;
  index_.push_back(index);
  const size_t at = keys_.size();
  keys_.resize(at + p.bands);
  const size_t low_at = low_.size();
  const bool dups = !owner_.o_.dups_path.empty();
  if (dups) low_.resize(low_at + p.permutations());
  if (mh_.sign(text, keys_.data() + at, dups ? low_.data() + low_at : nullptr)) {
    at_.push_back(uint32_t(at));
    if (salt)
      for (size_t b = at; b < keys_.size(); ++b) keys_[b] = hash_pair(keys_[b], {salt, 0});
  } else {
    at_.push_back(no_key);
    keys_.resize(at);
    if (dups) std::fill(low_.begin() + ptrdiff_t(low_at), low_.end(), uint8_t(0));
  }
  if (owner_.o_.clusters) {
    excerpts_ += excerpt_of(text);
    excerpt_end_.push_back(uint32_t(excerpts_.size()));
  }
}

void near_seen::chunk_items::add_signed(const hash128* keys, std::string_view excerpt, uint32_t index, uint64_t salt) {
  if (!owner_.o_.dups_path.empty()) throw std::logic_error("near_seen: items replayed without their signatures cannot name --dups");
  const unsigned bands = owner_.o_.params.bands;
  index_.push_back(index);
  if (keys) {
    at_.push_back(uint32_t(keys_.size()));
    for (unsigned b = 0; b < bands; ++b) keys_.push_back(salt ? hash_pair(keys[b], {salt, 0}) : keys[b]);
  } else {
    at_.push_back(no_key);
  }
  if (owner_.o_.clusters) {
    excerpts_ += excerpt;
    excerpt_end_.push_back(uint32_t(excerpts_.size()));
  }
}

void near_seen::chunk_items::clear() {
  index_.clear();
  at_.clear();
  keys_.clear();
  low_.clear();
  excerpts_.clear();
  excerpt_end_.clear();
  v_.clear();
  batch_.clear();
}

near_seen::near_seen(near_seen_options o, const std::vector<input_file>& files, memory_budget& budget, const key_set* reference)
    : o_(std::move(o)), files_(files), reference_(reference), budget_(budget), seen_(!o_.dups_path.empty() || o_.clusters, &budget) {
  o_.params.check();
  if (!o_.index_path.empty() && std::filesystem::exists(o_.index_path))
    index_loaded_ = read_key_index(o_.index_path, index_spec(), [&](const hash128& h) { seen_.preload(h, from_index); });
  if (!o_.dups_path.empty()) dups_ = std::make_unique<output_file>(o_.dups_path);
}

near_seen::~near_seen() = default;

std::string near_seen::index_spec() const { return "near:" + o_.params.text() + ";" + o_.key_text; }

void near_seen::resolve(uint64_t seq, chunk_items& c) {
  if (seq >= max_chunks) throw usage_error("--near: the input makes more than 4 billion chunks; raise --chunk-bytes");
  const unsigned bands = o_.params.bands;
  auto& b = c.batch_;
  b.clear();
  b.seq = seq;
  c.v_.assign(c.size(), verdict::kept);
  const bool payload = !o_.dups_path.empty() || o_.clusters;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.at_[i] == no_key) {
      c.v_[i] = verdict::keyless;
      continue;
    }
    const hash128* k = c.keys_.data() + c.at_[i];
    if (reference_ && reference_->size() && std::any_of(k, k + bands, [&](const hash128& h) { return reference_->contains(h); })) {
      c.v_[i] = verdict::against;
      continue;
    }
    const uint32_t at = uint32_t(b.keys.size());
    b.keys.insert(b.keys.end(), k, k + bands);
    if (payload) b.payload.insert(b.payload.end(), bands, place(seq, i));
    c.at_[i] = at;  // from now on: the item's first key in the batch
  }
  seen_.submit(b);  // every chunk, keys or not
}

void near_seen::begin_chunk(uint64_t seq, uint32_t file, uint64_t first_line) {
  cur_file_ = file;
  cur_first_line_ = first_line;
  if (chunk_first_.size() <= seq) chunk_first_.resize(seq + 1);
  chunk_first_[seq] = next_id_;
}

uint64_t near_seen::find(uint64_t x) {
  while (parent_[x] != x) {
    parent_[x] = parent_[parent_[x]];  // path halving
    x = parent_[x];
  }
  return x;
}

void near_seen::unite(uint64_t a, uint64_t b) {
  a = find(a), b = find(b);
  if (a == b) return;
  if (b < a) std::swap(a, b);  // the root is the cluster's first member
  parent_[b] = a;
  size_[a] += size_[b];
  if (o_.clusters) {
    auto it = excerpts_.find(b);
    if (it != excerpts_.end()) {
      excerpts_.try_emplace(a, std::move(it->second));
      excerpts_.erase(it);
    }
  }
}

near_seen::verdict near_seen::take(const chunk_items& c, size_t i) {
  const uint64_t id = next_id_++;
  if (tracking()) {
    where_.push_back(pack(cur_file_, cur_first_line_ + c.index_[i]));
    parent_.push_back(id);
    size_.push_back(1);
  }
  if (!o_.dups_path.empty()) {  // every item has its low bytes (zeros when keyless)
    const size_t k = o_.params.permutations();
    low_.insert(low_.end(), c.low_.begin() + ptrdiff_t(i * k), c.low_.begin() + ptrdiff_t((i + 1) * k));
  }
  switch (c.v_[i]) {
    case verdict::keyless: ++keyless_; return verdict::kept;
    case verdict::against:
      ++against_;
      ++near_;
      if (dups_) write_dup_line(id, true, false, 0);
      return verdict::against;
    default: break;
  }
  const size_t at = c.at_[i];
  uint64_t match = UINT64_MAX;
  bool matched = false, matched_index = false;
  for (unsigned j = 0; j < o_.params.bands; ++j) {
    if (c.batch_.fresh[at + j]) continue;
    matched = true;
    if (!tracking()) break;
    const uint64_t first = c.batch_.first[at + j];
    if (first == from_index) {
      matched_index = true;
      continue;
    }
    const uint64_t f = chunk_first_[first >> 32] + (first & 0xFFFFFFFF);
    match = std::min(match, f);
    unite(id, f);
  }
  if (!matched) return verdict::kept;
  ++near_;
  if (dups_) write_dup_line(id, false, match == UINT64_MAX && matched_index, match);
  if (o_.clusters && match != UINT64_MAX) {
    const uint64_t root = find(id);
    if (!excerpts_.count(root))
      excerpts_.emplace(root, c.excerpts_.substr(i ? c.excerpt_end_[i - 1] : 0, c.excerpt_end_[i] - (i ? c.excerpt_end_[i - 1] : 0)));
  }
  return verdict::near;
}

void near_seen::write_dup_line(uint64_t item, bool against, bool from_index_only, uint64_t match) {
  const uint64_t w = where_[item];
  const std::string name = files_[w >> 40].name();
  if (!against && !from_index_only) {
    const size_t k = o_.params.permutations();
    const double j = minhasher::estimate(low_.data() + item * k, low_.data() + match * k, k);
    const uint64_t m = where_[match], root = where_[find(item)];
    const std::string match_name = files_[m >> 40].name(), root_name = files_[root >> 40].name();
    append_dup_line(dups_buf_, {name, w & line_mask}, {match_name, m & line_mask}, j, {root_name, root & line_mask});
    return;
  }
  if (against) return append_against_line(dups_buf_, {name, w & line_mask});
  dups_buf_ += "{\"file\":";
  json_writer::escape(dups_buf_, name);
  dups_buf_ += fmt::format(",\"line\":{},\"duplicate_of\":", w & line_mask);
  dups_buf_ += "{\"index\":";
  json_writer::escape(dups_buf_, o_.index_path);
  dups_buf_ += "}}\n";
}

void near_seen::append_dup_line(std::string& out, dup_place item, dup_place match, double jaccard, dup_place cluster) {
  out += "{\"file\":";
  json_writer::escape(out, item.file);
  out += fmt::format(",\"line\":{},\"duplicate_of\":{{\"file\":", item.line);
  json_writer::escape(out, match.file);
  out += fmt::format(",\"line\":{}}},\"jaccard\":{:.3f},\"cluster\":{{\"file\":", match.line, jaccard);
  json_writer::escape(out, cluster.file);
  out += fmt::format(",\"line\":{}}}}}\n", cluster.line);
}

void near_seen::append_against_line(std::string& out, dup_place item) {
  out += "{\"file\":";
  json_writer::escape(out, item.file);
  out += fmt::format(",\"line\":{},\"duplicate_of\":{{\"against\":true}}}}\n", item.line);
}

void near_seen::flush() {
  if (!dups_ || dups_buf_.empty()) return;
  dups_->write(dups_buf_);
  dups_buf_.clear();
}

void near_seen::finish() {
  flush();
  if (dups_) dups_->commit();
  if (!o_.index_path.empty())
    write_key_index(o_.index_path, index_spec(), seen_.size(), [&](const std::function<void(const hash128&)>& f) { seen_.for_each(f); });
  if (!o_.clusters) return;
  std::vector<std::pair<uint64_t, uint64_t>> roots;  // (size, first member)
  for (uint64_t x = 0; x < parent_.size(); ++x)
    if (parent_[x] == x && size_[x] > 1) roots.emplace_back(size_[x], x);
  clusters_ = roots.size();
  const size_t k = std::min(o_.top_clusters, roots.size());
  std::partial_sort(roots.begin(), roots.begin() + ptrdiff_t(k), roots.end(),
                    [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (size_t i = 0; i < k; ++i) {
    const uint64_t w = where_[roots[i].second];
    auto it = excerpts_.find(roots[i].second);
    largest_.push_back({roots[i].first, uint32_t(w >> 40), w & line_mask, it == excerpts_.end() ? "" : it->second});
  }
}

size_t near_seen::memory_bytes() const {
  return seen_.memory_bytes() + (reference_ ? reference_->memory_bytes() : 0) + where_.capacity() * 8 + parent_.capacity() * 8 +
         size_.capacity() * 4 + low_.capacity();
}

void near_seen::write_json(json_writer& w) const {
  w.begin_object();
  w.key("text").value(o_.key_text);
  w.key("ngram").value(uint64_t(o_.params.ngram));
  w.key("bands").value(uint64_t(o_.params.bands));
  w.key("rows").value(uint64_t(o_.params.rows));
  w.key("threshold").value(o_.params.threshold());
  w.key("items").value(next_id_);
  w.key("near_duplicates").value(near_);
  w.key("rate").value(rate());
  w.key("against").value(against_);
  w.key("keyless").value(keyless_);
  w.key("index_loaded").value(index_loaded_);
  if (o_.clusters) {
    w.key("clusters").value(clusters_);
    w.key("largest").begin_array();
    for (const auto& c : largest_) {
      w.begin_object();
      w.key("size").value(c.size);
      w.key("first").begin_object();
      w.key("file").value(files_[c.file].name());
      w.key("line").value(c.line);
      w.end_object();
      w.key("excerpt").value(c.excerpt);
      w.end_object();
    }
    w.end_array();
  }
  w.key("memory_bytes").value(uint64_t(memory_bytes()));
  w.end_object();
}

std::string near_seen::summary(std::string_view command) const {
  std::string s = fmt::format("jsift {}: {}, {} ({:.2f} %)", command, plural(next_id_, "record"), plural(near_, "near-duplicate"), 100.0 * rate());
  if (against_) s += fmt::format(", {} of them in --against", with_commas(against_));
  if (keyless_) s += fmt::format(", {} without words (kept)", with_commas(keyless_));
  s += fmt::format("; MinHash {} x {} (threshold ~{:.2f}), band keys {}\n", o_.params.bands, o_.params.rows, o_.params.threshold(),
                   human_bytes(memory_bytes()));
  return s;
}

}  // namespace jsift
