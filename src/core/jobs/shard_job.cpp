// XXH3 streaming states are embedded in shard records: the full type is needed.
#define XXH_STATIC_LINKING_ONLY
#include <xxh_x86dispatch.h>

#include "jsift/jobs/shard_job.hpp"

#include <charconv>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <fmt/format.h>
#include <zstd.h>

#include "jsift/error.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/sys.hpp"
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

}  // namespace

// A split's manifest entry: what one run wrote, or the tasks' joined.
struct split_entry {
  std::vector<std::string> command;
  std::optional<int> level;  // none: uncompressed
  std::optional<std::string> by;
  struct input {
    std::string path;
    uint64_t bytes = 0;
    std::optional<std::string> xxh3;  // none: not the whole file's bytes were hashed
  };
  std::vector<input> inputs;
  struct shard {
    std::string basename;
    uint64_t samples = 0, raw_bytes = 0, zip_bytes = 0;
    std::string raw_xxh3, zip_xxh3;
    std::map<std::string, uint64_t> by;
  };
  std::vector<shard> shards;
  std::vector<std::pair<std::string, uint64_t>> dispositions;  // without the total
  std::optional<std::pair<uint64_t, uint64_t>> task;            // a task's part: (I, N)
  std::string run;                                              // ... and its run's fingerprint

  void write(json_writer& w) const;
  split_summary summary() const;
};

void split_entry::write(json_writer& w) const {
  w.begin_object();
  w.key("command").begin_array();
  for (const auto& a : command) w.value(a);
  w.end_array();
  w.key("compression");
  if (level) w.value(fmt::format("zstd:{}", *level));
  else w.null();
  w.key("by");
  if (by) w.value(*by);
  else w.null();
  w.key("inputs").begin_array();
  for (const auto& in : inputs) {
    w.begin_object();
    w.key("path").value(in.path);
    w.key("bytes").value(in.bytes);
    w.key("xxh3_64");
    if (in.xxh3) w.value(*in.xxh3);
    else w.null();
    w.end_object();
  }
  w.end_array();
  std::map<std::string, uint64_t> by_total;
  uint64_t samples = 0, raw = 0, zip = 0;
  w.key("shards").begin_array();
  for (const auto& s : shards) {
    samples += s.samples, raw += s.raw_bytes, zip += s.zip_bytes;
    w.begin_object();
    w.key("basename").value(s.basename);
    w.key("samples").value(s.samples);
    w.key("raw_data").begin_object();
    w.key("bytes").value(s.raw_bytes);
    w.key("xxh3_64").value(s.raw_xxh3);
    w.end_object();
    w.key("zip_data");
    if (level) {
      w.begin_object();
      w.key("bytes").value(s.zip_bytes);
      w.key("xxh3_64").value(s.zip_xxh3);
      w.end_object();
    } else {
      w.null();
    }
    w.key("by");
    if (by) {
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
  w.key("shards").value(uint64_t(shards.size()));
  w.key("samples").value(samples);
  w.key("raw_bytes").value(raw);
  w.key("zip_bytes").value(zip);
  w.key("by");
  if (by) {
    w.begin_object();
    for (auto& [g, n] : by_total) w.key(g).value(n);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  w.key("dispositions").begin_object();
  uint64_t total = 0;
  for (const auto& [name, n] : dispositions) w.key(name).value(n), total += n;
  w.key("total").value(total);
  w.end_object();
  if (task) {
    w.key("task").begin_object();
    w.key("index").value(task->first);
    w.key("of").value(task->second);
    w.key("run").value(run);
    w.end_object();
  }
  w.end_object();
}

split_summary split_entry::summary() const {
  split_summary s;
  s.zstd_level = level;
  s.by = by;
  for (const auto& sh : shards) {
    s.shards.push_back({sh.basename, sh.samples, sh.raw_bytes, level ? sh.zip_bytes : sh.raw_bytes});
    for (auto& [g, n] : sh.by) s.by_counts[g] += n;
  }
  return s;
}

namespace {

bool is_shard_of(const std::string& name, const std::string& split) {
  static const std::regex shard_re(R"(-\d{5}-of-\d{5}\.jsonl(\.zst)?)");
  return name.size() > split.size() + 1 && name.compare(0, split.size(), split) == 0 &&
         std::regex_match(name.substr(split.size()), shard_re);
}

std::string shard_name(const std::string& split, size_t index, size_t total, bool compressed) {
  return fmt::format("{}-{:05d}-of-{:05d}.jsonl{}", split, index, total, compressed ? ".zst" : "");
}

// What `dir` holds decides what may be written to split `split`: refuses
// (usage_error) to replace it without force, or to write beside files jsift
// did not write; removes temporaries a killed run left. Returns its manifest.
hub_manifest prepare_dir(const std::string& dir, const std::string& split, bool force) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", dir));
  hub_manifest existing = hub_manifest::read(dir);
  auto owned_by_manifest = [&](const std::string& name) {
    for (const auto& sp : existing.splits())
      if (is_shard_of(name, sp)) return true;
    return false;
  };
  std::vector<std::string> same_split, foreign;
  for (auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (is_temporary_name(name)) {
      if (!temporary_in_use(name)) fs::remove(e.path(), ec);  // left by a killed run
      continue;
    }
    if (name == "manifest.json" || name == "README.md") continue;
    if (is_shard_of(name, split)) same_split.push_back(name);
    else if (!owned_by_manifest(name)) foreign.push_back(name);
  }
  if ((existing.has(split) || !same_split.empty()) && !force)
    throw usage_error(fmt::format("'{}' is not empty: it holds split '{}' (--force replaces it once the new one is complete)", dir, split));
  if (!foreign.empty() && !force) {
    std::sort(foreign.begin(), foreign.end());
    throw usage_error(fmt::format("'{}' is not empty: it holds files jsift did not write ({}{}); --force writes beside them", dir,
                                  foreign.front(), foreign.size() > 1 ? fmt::format(" and {} more", foreign.size() - 1) : ""));
  }
  if (existing.empty() && fs::exists(fs::path(dir) / "README.md") && !force)
    throw usage_error(fmt::format("'{}' is not empty: it holds a README.md that no manifest vouches for (--force replaces it)", dir));
  return existing;
}

// The new set of `split` is complete: swap it in. The manifest stops
// vouching for the old set before a file of it is touched, so an
// interruption leaves files no manifest lists (verify names them), never a
// manifest listing files that changed. `place(k, path)` puts the k-th new
// shard at its final path.
void swap_in(const std::string& dir_name, hub_manifest& existing, const std::string& split, size_t shards,
             const std::function<void(size_t, const std::string&)>& place, const std::function<std::string(size_t)>& name) {
  const fs::path dir(dir_name);
  if (existing.has(split)) {
    std::vector<std::string> old = existing.shard_files(split);
    existing.erase(split);
    write_file_atomic((dir / "manifest.json").string(), existing.json());
    for (const auto& n : old) fs::remove(dir / n);
  }
  for (auto& e : fs::directory_iterator(dir)) {  // this split's shards that no manifest listed
    std::string n = e.path().filename().string();
    if (is_shard_of(n, split)) fs::remove(e.path());
  }
  for (size_t k = 0; k < shards; ++k) place(k, (dir / name(k)).string());
}

std::string summary_line(const split_entry& e, const std::string& dir) {
  uint64_t samples = 0, raw = 0, zip = 0;
  for (const auto& sh : e.shards) samples += sh.samples, raw += sh.raw_bytes, zip += sh.zip_bytes;
  return fmt::format("jsift shard: {} records in {} shard{} under {} ({} -> {})\n", with_commas(samples), e.shards.size(),
                     e.shards.size() == 1 ? "" : "s", dir, human_bytes(raw), human_bytes(zip));
}

// The card for every split, then the manifest, last.
void write_card_and_manifest(const std::string& dir, hub_manifest& existing, const std::string& split, const split_entry& e) {
  existing.set(split, [e](json_writer& w) { e.write(w); }, e.summary());
  write_file_atomic((fs::path(dir) / "README.md").string(), existing.card());
  write_file_atomic((fs::path(dir) / "manifest.json").string(), existing.json());
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
  existing_ = prepare_dir(o_.dir, o_.split, o_.force);  // nothing is removed before the new shards are complete
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

std::string shard_job::shard_name(size_t index, size_t total) const { return jsift::shard_name(o_.split, index, total, o_.compressed()); }

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
void shard_job::finish_records() {
  if (!shards_.empty() && shards_.back()->open) close_shard(*shards_.back());
  writer_.drain();  // every shard written, closed and hashed
  for (size_t k = 0; k < shards_.size(); ++k) shards_[k]->basename = shard_name(k, shards_.size());
  swap_in(
      o_.dir, existing_, o_.split, shards_.size(), [&](size_t k, const std::string& path) { shards_[k]->file->commit_as(path); },
      [&](size_t k) { return shards_[k]->basename; });
}

void shard_job::finish_outputs() { write_card_and_manifest(o_.dir, existing_, o_.split, entry()); }

std::string shard_options::run_fingerprint(const std::vector<input_file>& all_inputs) const {
  std::string f = fmt::format("split={} max_records={} max_bytes={} level={} compress={} by={} inputs=", split, max_records.value_or(0),
                              max_bytes.value_or(0), level, compressed() ? "zstd" : "none", by ? by->text() : "-");
  for (const auto& in : all_inputs) f += in.name() + ";";
  return f;
}

void shard_options::validate() const {
  check_split_name(split, "split");
  if (level < 1 || level > 19) throw option_error("level", fmt::format("expected a zstd level from 1 to 19, got {}", level));
  if (max_records && *max_records == 0) throw option_error("max_records", "must be above 0 (leave it out for no limit)");
  if (max_bytes && *max_bytes == 0) throw option_error("max_bytes", "must be above 0 (leave it out for no limit)");
}

split_entry shard_job::entry() const {
  split_entry e;
  e.command = o_.command;
  if (o_.compressed()) e.level = o_.level;
  if (o_.by) e.by = o_.by->text();
  for (size_t i = 0; i < files().size(); ++i) {
    input_hash& in = *inputs_[i];
    e.inputs.push_back({files()[i].name(), in.bytes, in.exact ? std::optional<std::string>(hex64(XXH3_64bits_digest(&in.state))) : std::nullopt});
  }
  for (const auto& sp : shards_)
    e.shards.push_back({sp->basename, sp->records, sp->raw_bytes, sp->zip_bytes, hex64(sp->raw_hash), hex64(sp->zip_hash), sp->by});
  e.dispositions = counts().listed(names());
  e.task = o_.task;
  e.run = o_.run;
  return e;
}

std::string shard_job::summary() const { return summary_line(entry(), o_.dir); }

namespace {

// A copy of `from` at `to`, written under a temporary name and renamed.
void copy_file(const std::string& from, const std::string& to) {
  const int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", from));
  const std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) { ::close(*f), delete f; });  // closed on every way out
  output_file out(to);
  std::unique_ptr<char[]> buf(new char[1 << 20]);
  for (;;) {
    const ssize_t n = ::read(fd, buf.get(), 1 << 20);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), fmt::format("cannot read '{}'", from));
    }
    out.write(std::string_view(buf.get(), size_t(n)));
  }
  out.commit();
}

// A task's directory's one split, as its manifest says it.
std::pair<std::string, split_entry> read_task_entry(const std::string& task_dir, const std::string& want) {
  const std::string file = (fs::path(task_dir) / "manifest.json").string();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object splits;
  auto bad = [&](std::string_view what) { return data_error(fmt::format("{}: a task's manifest {}", file, what)); };
  if (parser.load(file).get(root) || root["splits"].get(splits)) throw bad("that does not parse");
  if (want.empty() && splits.size() != 1) throw bad("with other than one split");
  std::string_view name = want;
  simdjson::dom::element v;
  if (want.empty()) {
    auto [first, value] = *splits.begin();
    name = first, v = value;
  } else if (splits[want].get(v)) {
    throw bad(fmt::format("without split '{}'", want));
  }
  split_entry e;
  std::string_view text;
  try {
    check_split_name(std::string(name), "split");
  } catch (const option_error&) {
    throw bad(fmt::format("with a split named '{}'", name));
  }
  if (!v["compression"].get(text)) {
    int level = 0;
    if (text.rfind("zstd:", 0) != 0 || std::from_chars(text.data() + 5, text.data() + text.size(), level).ec != std::errc() || level < 1 ||
        level > 19)
      throw bad(fmt::format("with a compression of '{}'", text));
    e.level = level;
  }
  if (!v["by"].get(text)) e.by = std::string(text);
  simdjson::dom::object task;
  uint64_t index = 0, of = 0;
  std::string_view run;
  if (v["task"].get(task) || task["index"].get(index) || task["of"].get(of) || task["run"].get(run) || index >= of)
    throw bad("not written by a task (shard --tasks N --task I)");
  e.task = std::make_pair(index, of);
  e.run = std::string(run);
  simdjson::dom::array arr;
  if (v["inputs"].get(arr)) throw bad("without inputs");
  for (auto in : arr) {
    split_entry::input i;
    if (in["path"].get(text) || in["bytes"].get(i.bytes)) throw bad("with an input without path or bytes");
    i.path = std::string(text);
    if (!in["xxh3_64"].get(text)) i.xxh3 = std::string(text);
    e.inputs.push_back(std::move(i));
  }
  if (v["shards"].get(arr)) throw bad("without shards");
  for (auto sh : arr) {
    split_entry::shard x;
    std::string_view base, raw_hash, zip_hash = "";
    if (sh["basename"].get(base) || sh["samples"].get(x.samples) || sh["raw_data"]["bytes"].get(x.raw_bytes) ||
        sh["raw_data"]["xxh3_64"].get(raw_hash) ||
        (e.level && (sh["zip_data"]["bytes"].get(x.zip_bytes) || sh["zip_data"]["xxh3_64"].get(zip_hash))))
      throw bad("with a shard it does not describe");
    if (!e.level) x.zip_bytes = x.raw_bytes;
    x.basename = std::string(base), x.raw_xxh3 = std::string(raw_hash), x.zip_xxh3 = std::string(zip_hash);
    if (!is_shard_of(x.basename, std::string(name))) throw bad(fmt::format("naming a shard '{}'", x.basename));  // no path, no other split
    simdjson::dom::object by;
    if (!sh["by"].get(by))
      for (auto [g, n] : by) {
        uint64_t count = 0;
        if (n.get(count)) throw bad("with a count that is not a number");
        x.by[std::string(g)] = count;
      }
    e.shards.push_back(std::move(x));
  }
  simdjson::dom::object d;
  if (v["dispositions"].get(d)) throw bad("without dispositions");
  for (auto [k, n] : d) {
    uint64_t count = 0;
    if (n.get(count)) throw bad("with a count that is not a number");
    if (k != "total") e.dispositions.emplace_back(std::string(k), count);
  }
  return {std::string(name), std::move(e)};
}

}  // namespace

void check_shard_dir(const std::string& dir, const std::string& split, bool force) { prepare_dir(dir, split, force); }

uint64_t join_shard_tasks(const std::vector<std::string>& task_dirs, const std::string& dir, bool force,
                          const std::vector<std::string>& command, const std::string& split_name) {
  std::string split;
  split_entry all;
  all.command = command;
  std::vector<std::string> sources;  // every shard's file, in order
  std::map<std::string, size_t> input_at;
  std::map<std::string, size_t> input_parts;  // tasks that read bytes of the input
  for (size_t t = 0; t < task_dirs.size(); ++t) {
    auto [name, e] = read_task_entry(task_dirs[t], split_name);
    // Tasks 0..N-1 of one run, each once, in order: a part left out or repeated would lose or double records.
    if (e.task->second != task_dirs.size() || e.task->first != t)
      throw usage_error(fmt::format("{} holds task {} of {}, given as task {} of {}: give every task's directory once, in task order",
                                    task_dirs[t], e.task->first, e.task->second, t, task_dirs.size()));
    if (t > 0 && e.run != all.run)
      throw usage_error(fmt::format("{} was written by another run than {} (other inputs or options)", task_dirs[t], task_dirs[0]));
    if (t == 0) all.run = e.run;
    if (t == 0) split = name, all.level = e.level, all.by = e.by;
    else if (name != split || e.level != all.level || e.by != all.by)
      throw usage_error(fmt::format("{}: another split or other options than {}'s", task_dirs[t], task_dirs[0]));
    for (auto& in : e.inputs) {
      auto [it, fresh] = input_at.emplace(in.path, all.inputs.size());
      if (fresh) all.inputs.push_back({in.path, 0, in.xxh3});
      auto& whole = all.inputs[it->second];
      whole.bytes += in.bytes;
      if (in.bytes > 0 && ++input_parts[in.path] == 1 && !fresh) whole.xxh3 = in.xxh3;  // the first task with bytes of it
      if (input_parts[in.path] > 1) whole.xxh3.reset();  // divided: no task hashed the whole file
    }
    for (auto& sh : e.shards) {
      sources.push_back((fs::path(task_dirs[t]) / sh.basename).string());
      all.shards.push_back(std::move(sh));
    }
    for (const auto& d : e.dispositions) {
      auto it = std::find_if(all.dispositions.begin(), all.dispositions.end(), [&](const auto& p) { return p.first == d.first; });
      if (it == all.dispositions.end()) all.dispositions.push_back(d);
      else it->second += d.second;
    }
  }
  {  // in the order one run's manifest lists them (invalid reasons by their fixed ids)
    disposition_names names;
    std::vector<size_t> ids;
    for (const auto& d : all.dispositions) ids.push_back(names.add(d.first));
    disposition_counts counts(names.size());
    for (size_t i = 0; i < ids.size(); ++i) counts.add(ids[i], all.dispositions[i].second);
    all.dispositions = counts.listed(names);
  }
  hub_manifest existing = prepare_dir(dir, split, force);
  const size_t n = all.shards.size();
  for (size_t k = 0; k < n; ++k) all.shards[k].basename = shard_name(split, k, n, all.level.has_value());
  swap_in(
      dir, existing, split, n,
      [&](size_t k, const std::string& path) {
        if (::link(sources[k].c_str(), path.c_str()) == 0) return;  // the task's file stays: a rerun joins again
        if (errno != EXDEV && errno != EPERM)
          throw std::system_error(errno, std::generic_category(), fmt::format("cannot link '{}' to '{}'", sources[k], path));
        copy_file(sources[k], path);  // another file system
      },
      [&](size_t k) { return all.shards[k].basename; });
  all.task.reset();  // the joined split is the whole run's
  write_card_and_manifest(dir, existing, split, all);
  uint64_t bytes = 0;
  for (const auto& sh : all.shards) bytes += sh.zip_bytes;
  return bytes;
}

}  // namespace jsift
