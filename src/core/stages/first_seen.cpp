#include "jsift/stages/first_seen.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/sets/key_index.hpp"

namespace jsift {
namespace {

// Where a key was first seen: its chunk and line index there (the commit
// knows where each chunk starts), or a marker for keys that came from the
// index (an earlier run).
constexpr uint64_t from_index = UINT64_MAX;
constexpr uint64_t max_chunks = UINT32_MAX;  // chunk numbers fit 32 bits (and never make the marker)
uint64_t place(uint64_t seq, uint32_t index) { return (seq << 32) | index; }
// A chunk's start: its file and first line.
constexpr uint64_t line_mask = (uint64_t(1) << 40) - 1;
uint64_t pack(uint32_t file, uint64_t line) { return (uint64_t(file) << 40) | (line & line_mask); }

std::string hex(const hash128& h) { return fmt::format("{:016x}{:016x}", h.hi, h.lo); }

}  // namespace

first_seen::first_seen(first_seen_options o, const std::vector<input_file>& files, memory_budget& budget,
                       const key_set* reference)
    : o_(std::move(o)), files_(files), reference_(reference), seen_(!o_.dups_path.empty(), &budget), budget_(budget) {
  // An index that exists is read (a directory or another non-file there is
  // an error saying so); one that does not is created by finish().
  if (!o_.index_path.empty() && std::filesystem::exists(o_.index_path))
    index_loaded_ = read_key_index(o_.index_path, o_.key.text(), [&](const hash128& h) { seen_.preload(h, from_index); });
  if (!o_.dups_path.empty()) dups_ = std::make_unique<output_file>(o_.dups_path);
}

first_seen::~first_seen() = default;

void first_seen::resolve(uint64_t seq, chunk_keys& k, uint64_t expected_records) {
  if (seq == 0 && expected_records) {
    const uint64_t slot = sizeof(hash128) + (o_.dups_path.empty() ? 0 : 8);
    // An estimate: at most 256 MiB, and under --max-memory at most half of
    // what is left, so sizing up front never makes a run fail that fits.
    uint64_t bytes = uint64_t(256) << 20;
    if (budget_.limit) bytes = std::min(bytes, budget_.limit > budget_.used ? (budget_.limit - budget_.used) / 2 : 0);
    expected_records = std::min<uint64_t>(expected_records, bytes / slot * 4 / 5);
    seen_.reserve(size_t(seen_.size() + expected_records));
  }
  if (dups_ && seq >= max_chunks)
    throw usage_error("--dups: the input makes more than 4 billion chunks; raise --chunk-bytes");
  const size_t n = k.h_.size();
  auto& b = k.batch_;
  b.clear();
  b.seq = seq;
  k.v_.assign(n, verdict::kept);
  k.at_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (k.keyless_[i]) {
      k.v_[i] = verdict::keyless;
    } else if (reference_ && reference_->size() && reference_->contains(k.h_[i])) {
      k.v_[i] = verdict::against;
    } else {
      k.at_[i] = uint32_t(b.keys.size());
      b.keys.push_back(k.h_[i]);
      if (dups_) b.payload.push_back(place(seq, k.index_[i]));
    }
  }
  seen_.submit(b);  // every chunk, keys or not: the partitions count chunks
}

void first_seen::begin_chunk(uint64_t seq, uint32_t file, uint64_t first_line) {
  cur_file_ = file;
  cur_first_line_ = first_line;
  if (dups_) {
    if (chunk_start_.size() <= seq) chunk_start_.resize(seq + 1);
    chunk_start_[seq] = pack(file, first_line);
  }
}

first_seen::verdict first_seen::take(const chunk_keys& k, size_t i) {
  const uint64_t line = cur_first_line_ + k.index_[i];
  switch (k.v_[i]) {
    case verdict::keyless:
      ++keyless_;
      return verdict::kept;
    case verdict::against:
      ++against_hits_;
      ++duplicates_;
      if (dups_) write_dup_line(k.h_[i], cur_file_, line, true, 0);
      return verdict::against;
    default: break;
  }
  const size_t at = k.at_[i];
  if (k.batch_.fresh[at]) return verdict::kept;
  ++duplicates_;
  if (dups_) {
    // The first occurrence, by its chunk's start.
    uint64_t first = k.batch_.first[at];
    if (first != from_index) {
      const uint64_t start = chunk_start_[first >> 32];
      first = pack(uint32_t(start >> 40), (start & line_mask) + (first & 0xFFFFFFFF));
    }
    write_dup_line(k.h_[i], cur_file_, line, false, first);
  }
  return verdict::duplicate;
}

first_seen::verdict first_seen::decide(const hash128& h, bool keyless, uint32_t file, uint64_t line) {
  chunk_keys k;
  k.add(h, keyless, 0);
  const uint64_t seq = own_seq_++;
  resolve(seq, k);
  begin_chunk(seq, file, line);
  return take(k, 0);
}

void first_seen::write_dup_line(const hash128& h, uint32_t file, uint64_t line, bool against, uint64_t first) {
  dups_buf_ += "{\"file\":";
  json_writer::escape(dups_buf_, files_[file].name());
  dups_buf_ += fmt::format(",\"line\":{},\"key\":\"{}\",\"duplicate_of\":", line, hex(h));
  if (against) {
    dups_buf_ += "{\"against\":true}}\n";
  } else if (first == from_index) {
    dups_buf_ += "{\"index\":";
    json_writer::escape(dups_buf_, o_.index_path);
    dups_buf_ += "}}\n";
  } else {
    dups_buf_ += "{\"file\":";
    json_writer::escape(dups_buf_, files_[first >> 40].name());
    dups_buf_ += fmt::format(",\"line\":{}}}}}\n", first & line_mask);
  }
}

void first_seen::flush() {
  if (!dups_ || dups_buf_.empty()) return;
  dups_->write(dups_buf_);
  dups_buf_.clear();
}

void first_seen::finish() {
  flush();
  if (dups_) dups_->commit();
  if (!o_.index_path.empty())
    write_key_index(o_.index_path, o_.key.text(), seen_.size(), [&](const std::function<void(const hash128&)>& f) { seen_.for_each(f); });
}

void first_seen::write_json(json_writer& w) const {
  w.begin_object();
  w.key("key").value(o_.key.text());
  w.key("distinct").value(distinct());
  w.key("duplicates").value(duplicates_);
  w.key("against").value(against_hits_);
  w.key("keyless").value(keyless_);
  w.key("index_loaded").value(index_loaded_);
  w.key("reference_keys").value(reference_keys());
  w.key("memory_bytes").value(uint64_t(memory_bytes()));
  w.end_object();
}

std::string first_seen::summary(std::string_view command) const {
  uint64_t records = duplicates_ + distinct() + keyless_;
  double rate = records ? 100.0 * double(duplicates_) / double(records) : 0.0;
  std::string s = fmt::format("jsift {}: {}, {} ({:.2f} %)", command, plural(records, "record"), plural(duplicates_, "duplicate"), rate);
  if (against_hits_) s += fmt::format(", {} of them in --against", with_commas(against_hits_));
  if (keyless_) s += fmt::format(", {} without a key (kept)", with_commas(keyless_));
  if (reference_) s += fmt::format(", {}", plural(reference_->size(), "reference key"));
  s += fmt::format("; key set {}\n", human_bytes(memory_bytes()));
  return s;
}

}  // namespace jsift
