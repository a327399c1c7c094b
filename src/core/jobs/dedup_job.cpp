#include "jsift/jobs/dedup_job.hpp"

#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "jsift/sets/key_index.hpp"
#include "jsift/engine/ordered_commit.hpp"
#include "jsift/engine/record_parser.hpp"
#include "jsift/io/byte_size.hpp"

namespace jsift {
namespace {

// Where a key was first seen: file index and line, or a marker for keys that
// came from the index (an earlier run).
constexpr uint64_t from_index = UINT64_MAX;
uint64_t pack(uint32_t file, uint64_t line) { return (uint64_t(file) << 40) | (line & ((uint64_t(1) << 40) - 1)); }

struct dedup_chunk : record_chunk {
  explicit dedup_chunk(const key_spec& s) : hasher(s) {}
  key_hasher hasher;
  struct entry {
    hash128 h;
    uint64_t offset;  // of the line in its file (record_ref::offset)
    size_t len;       // without its ending
    uint32_t index;
    bool keyless;
    bool lf;  // record_ref::lf
  };
  std::vector<entry> entries;
};

std::string hex(const hash128& h) { return fmt::format("{:016x}{:016x}", h.hi, h.lo); }

// Hashes the records of reference files into a key_set (--against FILE.jsonl).
class key_collect_job final : public record_job {
 public:
  key_collect_job(const std::vector<input_file>& files, record_job_options ro, const key_spec& spec, key_set& into)
      : record_job(files, std::move(ro)), spec_(spec), into_(into) {}
  uint64_t collected = 0;

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override { return std::make_unique<dedup_chunk>(spec_); }
  void on_record(record_chunk& rc, const record_ref& rec) const override {
    auto& dc = static_cast<dedup_chunk&>(rc);
    hash128 h;
    if (dc.hasher.hash(*rec.doc, h)) dc.entries.push_back({h, 0, 0, rec.index, false, false});
    rc.counts.add(disposition_names::kept);
  }
  void on_commit(record_chunk& rc) override {
    for (auto& e : static_cast<dedup_chunk&>(rc).entries) collected += into_.insert(e.h);
  }

 private:
  const key_spec& spec_;
  key_set& into_;
};

}  // namespace

uint64_t load_reference_keys(const std::vector<std::string>& paths, const key_spec& spec, const record_job_options& ro,
                             unsigned threads, key_set& into) {
  uint64_t n = 0;
  for (const auto& p : paths) {
    if (looks_like_key_index(p)) {
      n += read_key_index(p, spec.text(), into, from_index);
      continue;
    }
    std::vector<input_file> files = expand_inputs({p});
    key_collect_job job(files, ro, spec, into);
    chunk_reader reader(files, chunk_options{size_t(4) << 20, ro.max_line_bytes, true});
    run_ordered(reader, job, {threads, 0, {}});
    n += job.collected;
  }
  return n;
}

dedup_job::dedup_job(const std::vector<input_file>& files, record_job_options ro, dedup_options o, output_file* out,
                     memory_budget& budget)
    : record_job(files, std::move(ro)),
      o_(std::move(o)),
      out_(out),
      budget_(budget),
      seen_(!o_.dups_path.empty(), &budget),
      reference_(false, &budget) {
  duplicate_id_ = names().add("duplicate");
  if (!o_.index_path.empty() && std::filesystem::exists(o_.index_path))
    index_loaded_ = read_key_index(o_.index_path, o_.key.text(), seen_, from_index);
  if (!o_.dups_path.empty()) dups_ = std::make_unique<output_file>(o_.dups_path);
}

dedup_job::~dedup_job() = default;

std::unique_ptr<record_chunk> dedup_job::make_chunk() const { return std::make_unique<dedup_chunk>(o_.key); }

void dedup_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& dc = static_cast<dedup_chunk&>(rc);
  hash128 h{};
  bool has_key = dc.hasher.hash(*rec.doc, h);
  dc.entries.push_back({h, rec.offset, rec.line.size(), rec.index, !has_key, rec.lf});
  rc.counts.add(disposition_names::kept);
}

void dedup_job::on_commit(record_chunk& rc) {
  auto& dc = static_cast<dedup_chunk&>(rc);
  // Kept records leave straight from the chunk's input bytes (writev), as
  // runs of consecutive lines that end in \n: no copy in the workers. A
  // CRLF or unterminated line is copied with a \n into ended_, where
  // consecutive ones form one run too (a piece for each line and another
  // for its \n made short CRLF lines 20 % slower than copying them).
  const chunk& c = commit_chunk();
  pieces_.clear();
  ended_.clear();
  const char* run_start = nullptr;
  const char* run_end = nullptr;
  bool run_in_ended = false;  // the run is in ended_, not the input
  auto flush = [&] {
    if (run_end != run_start) pieces_.push_back({const_cast<char*>(run_start), size_t(run_end - run_start)});
  };
  for (size_t k = 0; k < dc.entries.size(); ++k) {
    if (k + 8 < dc.entries.size()) seen_.prefetch(dc.entries[k + 8].h);
    const auto& e = dc.entries[k];
    if (e.index >= rc.emit_end) break;
    bool keep = true;
    uint64_t first = 0;
    bool against = false;
    if (e.keyless) {
      ++keyless_;
    } else if (reference_.size() && reference_.contains(e.h)) {
      keep = false;
      against = true;
      ++against_hits_;
    } else if (!seen_.insert_or_get(e.h, pack(commit_file(), commit_line(e.index)), &first)) {
      keep = false;
    }
    if (keep) {
      if (!out_) continue;
      const char* line = c.data.data() + (e.offset - c.offset);
      // ended_ is sized for the whole chunk before its first line: it never
      // moves while pieces point into it.
      if (!e.lf && ended_.empty() && ended_.capacity() < c.data.size() + 1) ended_.reserve(c.data.size() + 1);
      const char* from = e.lf ? line : ended_.data() + ended_.size();
      if (from != run_end || run_in_ended == e.lf) {
        flush();
        run_start = from;
        run_in_ended = !e.lf;
      }
      if (e.lf) {
        run_end = line + e.len + 1;
      } else {
        ended_.append(line, e.len);
        ended_.push_back('\n');
        run_end = ended_.data() + ended_.size();
      }
      continue;
    }
    ++duplicates_;
    rc.counts.move(disposition_names::kept, duplicate_id_);
    if (dups_) write_dup_line(e.h, e.index, against, first);
  }
  flush();
  if (out_) out_->write_pieces(pieces_);
  if (dups_ && !dups_buf_.empty()) {
    dups_->write(dups_buf_);
    dups_buf_.clear();
  }
}

void dedup_job::write_dup_line(const hash128& h, uint32_t index, bool against, uint64_t first) {
  dups_buf_ += "{\"file\":";
  json_writer::escape(dups_buf_, files()[commit_file()].name());
  dups_buf_ += fmt::format(",\"line\":{},\"key\":\"{}\",\"duplicate_of\":", commit_line(index), hex(h));
  if (against) {
    dups_buf_ += "{\"against\":true}}\n";
  } else if (first == from_index) {
    dups_buf_ += "{\"index\":";
    json_writer::escape(dups_buf_, o_.index_path);
    dups_buf_ += "}}\n";
  } else {
    dups_buf_ += "{\"file\":";
    json_writer::escape(dups_buf_, files()[first >> 40].name());
    dups_buf_ += fmt::format(",\"line\":{}}}}}\n", first & ((uint64_t(1) << 40) - 1));
  }
}

void dedup_job::finish_outputs() {
  if (dups_) dups_->commit();
  if (!o_.index_path.empty()) write_key_index(o_.index_path, o_.key.text(), seen_);
}

void dedup_job::write_json(json_writer& w) const {
  w.begin_object();
  w.key("key").value(o_.key.text());
  w.key("distinct").value(uint64_t(seen_.size()) - index_loaded_);
  w.key("duplicates").value(duplicates_);
  w.key("against").value(against_hits_);
  w.key("keyless").value(keyless_);
  w.key("index_loaded").value(index_loaded_);
  w.key("reference_keys").value(uint64_t(reference_.size()));
  w.key("memory_bytes").value(uint64_t(seen_.memory_bytes() + reference_.memory_bytes()));
  w.end_object();
}

std::string dedup_job::summary() const {
  uint64_t records = duplicates_ + (seen_.size() - index_loaded_) + keyless_;
  double rate = records ? 100.0 * double(duplicates_) / double(records) : 0.0;
  std::string s = fmt::format("jsift dedup: {} records, {} duplicates ({:.2f} %)", records, duplicates_, rate);
  if (against_hits_) s += fmt::format(", {} of them in --against", against_hits_);
  if (keyless_) s += fmt::format(", {} without a key (kept)", keyless_);
  s += fmt::format("; key set {}\n", human_bytes(seen_.memory_bytes() + reference_.memory_bytes()));
  return s;
}

}  // namespace jsift
