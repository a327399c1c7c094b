// XXH3 streaming states are embedded in shard records: the full type is needed.
#define XXH_STATIC_LINKING_ONLY
#include <xxh_x86dispatch.h>

#include "jsift/jobs/shard_job.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <regex>

#include <fmt/format.h>
#include <zstd.h>

#include "jsift/error.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/units.hpp"
#include "jsift/json/value_hash.hpp"
#include "jsift/stages/split_router.hpp"

namespace jsift {
namespace fs = std::filesystem;

namespace {

std::string hex64(uint64_t h) { return fmt::format("{:016x}", h); }

// One compression context and one output buffer per thread, reused chunk
// after chunk; the frame is copied out at its size. (A fresh zero-filled
// buffer of ZSTD_compressBound bytes per chunk, and its page faults, were
// 8 % of `shard`.)
std::string compress_frame(std::string_view raw, int level) {
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  thread_local std::unique_ptr<char[]> scratch;
  thread_local size_t scratch_size = 0;
  const size_t bound = ZSTD_compressBound(raw.size());
  if (scratch_size < bound) {
    scratch.reset();
    scratch = std::make_unique_for_overwrite<char[]>(bound);
    scratch_size = bound;
  }
  size_t n = ZSTD_compressCCtx(cctx.get(), scratch.get(), bound, raw.data(), raw.size(), level);
  if (ZSTD_isError(n)) throw std::runtime_error(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
  return std::string(scratch.get(), n);
}

struct shard_chunk : record_chunk {
  std::vector<size_t> ends;       // end offset (after '\n') of each record in out
  std::vector<uint32_t> groups;   // chunk-local group id of each record
  string_counter group_ids;
  std::string frame;              // out, compressed (one zstd frame)
};

}  // namespace

struct shard_job::shard {
  std::unique_ptr<output_file> file;
  bool open = true;
  uint64_t records = 0, raw_bytes = 0, zip_bytes = 0;
  XXH3_state_t raw_state, zip_state;
  uint64_t raw_hash = 0, zip_hash = 0;
  std::map<std::string, uint64_t> by;
  std::string basename;
};

struct shard_job::input_hash {
  XXH3_state_t state;
  uint64_t bytes = 0;
  bool exact = true;  // false if an oversized line was read as a prefix
};

shard_job::shard_job(const std::vector<input_file>& files, record_job_options ro, shard_options o)
    : record_job(files, std::move(ro)), o_(std::move(o)), writer_(write_behind_bytes) {
  o_.validate();
  std::error_code ec;
  fs::create_directories(o_.dir, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", o_.dir));
  // What is there already decides what may be written; nothing is removed
  // before the new shards are complete (finish_records swaps them in).
  existing_ = hub_manifest::read(o_.dir);
  std::vector<std::string> same_split, foreign;
  for (auto& e : fs::directory_iterator(o_.dir)) {
    std::string name = e.path().filename().string();
    if (is_temporary_name(name)) {
      if (!temporary_in_use(name)) fs::remove(e.path(), ec);  // left by a killed run
      continue;
    }
    if (name == "manifest.json" || name == "README.md") continue;
    if (is_shard_of(name, o_.split)) same_split.push_back(name);
    else if (!owned_by_manifest(name)) foreign.push_back(name);
  }
  if ((existing_.has(o_.split) || !same_split.empty()) && !o_.force)
    throw usage_error(fmt::format("'{}' is not empty: it holds split '{}' (--force replaces it once the new one is complete)",
                                  o_.dir, o_.split));
  if (!foreign.empty() && !o_.force) {
    std::sort(foreign.begin(), foreign.end());
    throw usage_error(fmt::format("'{}' is not empty: it holds files jsift did not write ({}{}); --force writes beside them",
                                  o_.dir, foreign.front(), foreign.size() > 1 ? fmt::format(" and {} more", foreign.size() - 1) : ""));
  }
  if (existing_.empty() && fs::exists(fs::path(o_.dir) / "README.md") && !o_.force)
    throw usage_error(fmt::format("'{}' is not empty: it holds a README.md that no manifest vouches for (--force replaces it)", o_.dir));
  for (size_t i = 0; i < files.size(); ++i) {
    inputs_.push_back(std::make_unique<input_hash>());
    XXH3_64bits_reset(&inputs_.back()->state);
  }
}

shard_job::~shard_job() = default;

std::unique_ptr<record_chunk> shard_job::make_chunk() const { return std::make_unique<shard_chunk>(); }

void shard_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<shard_chunk&>(rc);
  rc.keep(rec.line);
  sc.ends.push_back(rc.out.size());
  if (o_.by) {
    std::string g = group_text(*o_.by, rec.root);
    sc.groups.push_back(uint32_t(sc.group_ids.add(g)));
  }
}

void shard_job::on_chunk_end(record_chunk& rc, const chunk&) const {
  auto& sc = static_cast<shard_chunk&>(rc);
  if (o_.compressed() && !rc.out.empty()) sc.frame = compress_frame(rc.out, o_.level);
}

std::string shard_job::shard_name(size_t index, size_t total) const {
  return fmt::format("{}-{:05d}-of-{:05d}.jsonl{}", o_.split, index, total, o_.compressed() ? ".zst" : "");
}

void shard_job::open_shard() {
  auto s = std::make_unique<shard>();
  // A provisional name for the temporary; the final one needs the total.
  s->file = std::make_unique<output_file>((fs::path(o_.dir) / shard_name(shards_.size(), 0)).string());
  XXH3_64bits_reset(&s->raw_state);
  XXH3_64bits_reset(&s->zip_state);
  shards_.push_back(std::move(s));
}

// The counts here; the write and both checksums behind, in order (`keep`
// holds the bytes `raw` and `frame` point into).
void shard_job::append(std::string_view raw, std::string_view frame, std::shared_ptr<const void> keep, uint64_t records,
                       const std::vector<uint32_t>& groups, const std::vector<std::string>& group_names) {
  shard& s = *shards_.back();
  std::string_view bytes = o_.compressed() ? frame : raw;
  s.records += records;
  s.raw_bytes += raw.size();
  s.zip_bytes += bytes.size();
  for (uint32_t g : groups) ++s.by[group_names[g]];
  writer_.post(raw.size() + (o_.compressed() ? bytes.size() : 0), [&s, raw, bytes, keep = std::move(keep)] {
    s.file->write(bytes);
    XXH3_64bits_update(&s.raw_state, raw.data(), raw.size());
    XXH3_64bits_update(&s.zip_state, bytes.data(), bytes.size());
  });
}

void shard_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<shard_chunk&>(rc);
  const chunk& c = commit_chunk();
  input_hash& in = *inputs_[c.file_index];
  // Counted as the chunk it holds, so the queue bounds memory.
  writer_.post(c.data.size(), [&in, data = c.data, keep = c.keep_alive] { XXH3_64bits_update(&in.state, data.data(), data.size()); });
  in.bytes += c.oversized && c.data.size() < c.oversized ? c.oversized + c.oversized_newline : c.data.size();
  if (c.oversized && c.data.size() < c.oversized) in.exact = false;
  if (sc.ends.empty() || sc.ends.back() > rc.out.size()) return;  // empty, or cut by --on-invalid fail (the run stops)

  std::vector<std::string> group_names;
  for (size_t i = 0; i < sc.group_ids.size(); ++i) group_names.push_back(sc.group_ids.name(i));
  // The chunk's records and frame, kept for the writes behind.
  auto out = std::make_shared<std::string>(std::move(rc.out));
  auto whole_frame = std::make_shared<std::string>(std::move(sc.frame));
  const size_t n = sc.ends.size();
  size_t i = 0;
  while (i < n) {
    if (shards_.empty() || !shards_.back()->open) open_shard();
    shard& s = *shards_.back();
    // How many records fit; an empty shard always takes one (a record larger
    // than --max-bytes goes alone into its own shard).
    size_t j = i;
    uint64_t recs = s.records, bytes = s.raw_bytes;
    while (j < n) {
      uint64_t len = sc.ends[j] - (j ? sc.ends[j - 1] : 0);
      bool fits = (!o_.max_records || recs + 1 <= *o_.max_records) && (!o_.max_bytes || bytes + len <= *o_.max_bytes);
      if (!fits && recs > 0) break;
      ++recs;
      bytes += len;
      ++j;
    }
    if (j == i) {  // the shard filled up exactly at the previous chunk's end
      close_shard(s);
      continue;
    }
    size_t from = i ? sc.ends[i - 1] : 0, to = sc.ends[j - 1];
    std::string_view raw(out->data() + from, to - from);
    std::vector<uint32_t> groups;
    if (o_.by) groups.assign(sc.groups.begin() + long(i), sc.groups.begin() + long(j));
    if (i == 0 && j == n) {
      append(raw, *whole_frame, std::make_shared<std::pair<decltype(out), decltype(whole_frame)>>(out, whole_frame), j - i,
             groups, group_names);  // the worker's frame, as is
    } else {
      auto frame = std::make_shared<std::string>(o_.compressed() ? compress_frame(raw, o_.level) : std::string());
      append(raw, *frame, std::make_shared<std::pair<decltype(out), decltype(frame)>>(out, frame), j - i, groups, group_names);
    }
    if (j < n) close_shard(s);  // full: the rest goes to the next shard
    i = j;
  }
}

void shard_job::close_shard(shard& s) {
  s.open = false;
  writer_.post(0, [&s] {
    s.file->close();
    s.raw_hash = XXH3_64bits_digest(&s.raw_state);
    s.zip_hash = XXH3_64bits_digest(&s.zip_state);
  });
}

// The new set is complete (its shards are closed temporaries): swap it in.
// The manifest stops vouching for the old set before a file of it is
// touched, so an interruption leaves files no manifest lists (verify names
// them), never a manifest listing files that changed.
void shard_job::finish_records() {
  if (!shards_.empty() && shards_.back()->open) close_shard(*shards_.back());
  writer_.drain();  // every shard written, closed and hashed
  const fs::path dir(o_.dir);
  if (existing_.has(o_.split)) {
    std::vector<std::string> old = existing_.shard_files(o_.split);
    existing_.erase(o_.split);
    write_file_atomic((dir / "manifest.json").string(), existing_.json());
    for (const auto& name : old) fs::remove(dir / name);
  }
  for (auto& e : fs::directory_iterator(dir)) {  // this split's shards that no manifest listed
    std::string name = e.path().filename().string();
    if (is_shard_of(name, o_.split)) fs::remove(e.path());
  }
  for (size_t k = 0; k < shards_.size(); ++k) {
    shards_[k]->basename = shard_name(k, shards_.size());
    shards_[k]->file->commit_as((dir / shards_[k]->basename).string());
  }
}

// The card for every split, then the manifest, last.
void shard_job::finish_outputs() {
  existing_.set(o_.split, [this](json_writer& w) { write_entry(w); }, summary_of_split());
  write_file_atomic((fs::path(o_.dir) / "README.md").string(), existing_.card());
  write_file_atomic((fs::path(o_.dir) / "manifest.json").string(), existing_.json());
}

bool shard_job::is_shard_of(const std::string& name, const std::string& split) {
  static const std::regex shard_re(R"(-\d{5}-of-\d{5}\.jsonl(\.zst)?)");
  return name.size() > split.size() + 1 && name.compare(0, split.size(), split) == 0 &&
         std::regex_match(name.substr(split.size()), shard_re);
}

bool shard_job::owned_by_manifest(const std::string& name) const {
  for (const auto& split : existing_.splits())
    if (is_shard_of(name, split)) return true;
  return false;
}

split_summary shard_job::summary_of_split() const {
  split_summary s;
  if (o_.compressed()) s.zstd_level = o_.level;
  if (o_.by) s.by = o_.by->text();
  for (const auto& sp : shards_) {
    s.shards.push_back({sp->basename, sp->records, sp->raw_bytes, sp->zip_bytes});
    for (auto& [g, n] : sp->by) s.by_counts[g] += n;
  }
  return s;
}

void shard_options::validate() const {
  check_split_name(split, "split");
  if (level < 1 || level > 19) throw option_error("level", fmt::format("expected a zstd level from 1 to 19, got {}", level));
  if (max_records && *max_records == 0) throw option_error("max_records", "must be above 0 (leave it out for no limit)");
  if (max_bytes && *max_bytes == 0) throw option_error("max_bytes", "must be above 0 (leave it out for no limit)");
}

void shard_job::write_entry(json_writer& w) const {
  w.begin_object();
  w.key("command").begin_array();
  for (const auto& a : o_.command) w.value(a);
  w.end_array();
  w.key("compression");
  if (o_.compressed()) w.value(fmt::format("zstd:{}", o_.level));
  else w.null();
  w.key("by");
  if (o_.by) w.value(o_.by->text());
  else w.null();
  w.key("inputs").begin_array();
  for (size_t i = 0; i < files().size(); ++i) {
    input_hash& in = *inputs_[i];
    w.begin_object();
    w.key("path").value(files()[i].name());
    w.key("bytes").value(in.bytes);
    w.key("xxh3_64");
    if (in.exact) w.value(hex64(XXH3_64bits_digest(&in.state)));
    else w.null();
    w.end_object();
  }
  w.end_array();
  std::map<std::string, uint64_t> by_total;
  uint64_t samples = 0, raw = 0, zip = 0;
  w.key("shards").begin_array();
  for (const auto& sp : shards_) {
    const shard& s = *sp;
    samples += s.records, raw += s.raw_bytes, zip += s.zip_bytes;
    w.begin_object();
    w.key("basename").value(s.basename);
    w.key("samples").value(s.records);
    w.key("raw_data").begin_object();
    w.key("bytes").value(s.raw_bytes);
    w.key("xxh3_64").value(hex64(s.raw_hash));
    w.end_object();
    w.key("zip_data");
    if (o_.compressed()) {
      w.begin_object();
      w.key("bytes").value(s.zip_bytes);
      w.key("xxh3_64").value(hex64(s.zip_hash));
      w.end_object();
    } else {
      w.null();
    }
    w.key("by");
    if (o_.by) {
      w.begin_object();
      for (auto& [g, n] : s.by) w.key(g).value(n), by_total[g] += n;
      w.end_object();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
  w.key("totals").begin_object();
  w.key("shards").value(uint64_t(shards_.size()));
  w.key("samples").value(samples);
  w.key("raw_bytes").value(raw);
  w.key("zip_bytes").value(zip);
  w.key("by");
  if (o_.by) {
    w.begin_object();
    for (auto& [g, n] : by_total) w.key(g).value(n);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  w.key("dispositions");
  counts().write_json(w, names());
  w.end_object();
}

std::string shard_job::summary() const {
  uint64_t samples = 0, raw = 0, zip = 0;
  for (const auto& s : shards_) samples += s->records, raw += s->raw_bytes, zip += s->zip_bytes;
  return fmt::format("jsift shard: {} records in {} shard{} under {} ({} -> {})\n", with_commas(samples), shards_.size(),
                     shards_.size() == 1 ? "" : "s", o_.dir, human_bytes(raw), human_bytes(zip));
}

}  // namespace jsift
