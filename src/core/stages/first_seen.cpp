#include "jsift/stages/first_seen.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "jsift/io/units.hpp"
#include "jsift/sets/key_index.hpp"

namespace jsift {
namespace {

// Where a key was first seen: file index and line, or a marker for keys that
// came from the index (an earlier run).
constexpr uint64_t from_index = UINT64_MAX;
constexpr uint64_t line_mask = (uint64_t(1) << 40) - 1;
uint64_t pack(uint32_t file, uint64_t line) { return (uint64_t(file) << 40) | (line & line_mask); }

std::string hex(const hash128& h) { return fmt::format("{:016x}{:016x}", h.hi, h.lo); }

}  // namespace

first_seen::first_seen(first_seen_options o, const std::vector<input_file>& files, memory_budget& budget,
                       const key_set* reference)
    : o_(std::move(o)), files_(files), reference_(reference), seen_(!o_.dups_path.empty(), &budget) {
  // An index that exists is read (a directory or another non-file there is
  // an error saying so); one that does not is created by finish().
  if (!o_.index_path.empty() && std::filesystem::exists(o_.index_path))
    index_loaded_ = read_key_index(o_.index_path, o_.key.text(), seen_, from_index);
  if (!o_.dups_path.empty()) dups_ = std::make_unique<output_file>(o_.dups_path);
}

first_seen::~first_seen() = default;

first_seen::verdict first_seen::decide(const hash128& h, bool keyless, uint32_t file, uint64_t line) {
  if (keyless) {
    ++keyless_;
    return verdict::kept;
  }
  if (reference_ && reference_->size() && reference_->contains(h)) {
    ++against_hits_;
    ++duplicates_;
    if (dups_) write_dup_line(h, file, line, true, 0);
    return verdict::against;
  }
  uint64_t first = 0;
  if (seen_.insert_or_get(h, pack(file, line), &first)) return verdict::kept;
  ++duplicates_;
  if (dups_) write_dup_line(h, file, line, false, first);
  return verdict::duplicate;
}

void first_seen::reserve(uint64_t records) {
  const uint64_t slot = sizeof(hash128) + (o_.dups_path.empty() ? 0 : 8);
  records = std::min<uint64_t>(records, (uint64_t(256) << 20) / slot * 4 / 5);
  seen_.reserve(size_t(seen_.size() + records));
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
  if (!o_.index_path.empty()) write_key_index(o_.index_path, o_.key.text(), seen_);
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
