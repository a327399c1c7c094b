// XXH3 streaming states are members here: the full type is needed.
#define XXH_STATIC_LINKING_ONLY
#include <xxh_x86dispatch.h>

#include "jsift/jobs/verify_shards.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <sys/stat.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "jsift/engine/pass.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/stages/split_router.hpp"

namespace jsift {
namespace fs = std::filesystem;
namespace dom = simdjson::dom;

namespace {

std::string hex64(uint64_t h) { return fmt::format("{:016x}", h); }

// What the manifest says of one shard.
struct shard_entry {
  std::string name;
  uint64_t samples = 0, raw_bytes = 0, file_bytes = 0;
  std::string raw_hash, file_hash;
};

// Re-reads one shard: counts records, hashes the decompressed content, and
// keeps every invalid line (policy skip).
class shard_check_job final : public record_job {
 public:
  shard_check_job(const std::vector<input_file>& files, record_job_options ro) : record_job(files, std::move(ro)) {
    XXH3_64bits_reset(&state_);
  }
  uint64_t records = 0, bytes = 0;
  uint64_t digest() const { return XXH3_64bits_digest(&state_); }

 protected:
  void on_record(record_chunk& rc, const record_ref&) const override { rc.counts.add(disposition_names::kept); }
  void on_commit(record_chunk& rc) override {
    const chunk& c = commit_chunk();
    XXH3_64bits_update(&state_, c.data.data(), c.data.size());
    bytes += c.data.size();
    records += rc.counts.get(disposition_names::kept);
  }

 private:
  XXH3_state_t state_;
};

std::optional<uint64_t> file_xxh3(const std::string& p) {
  FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) return std::nullopt;
  XXH3_state_t st;
  XXH3_64bits_reset(&st);
  std::vector<char> buf(size_t(1) << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) XXH3_64bits_update(&st, buf.data(), n);
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return std::nullopt;
  return XXH3_64bits_digest(&st);
}

class verifier {
 public:
  verifier(const std::string& dir, unsigned threads, verify_result& r) : dir_(dir), root_(dir), threads_(threads), r_(r) {}

  void run() {
    if (!fs::is_directory(root_)) return problem(fmt::format("{}: not a directory", dir_));
    std::vector<shard_entry> shards;
    if (read_manifest(shards)) {
      for (const auto& s : shards) {
        ++r_.shards;
        if (!check_file(s)) continue;
        check_records(s);
      }
    }
    check_no_extra_files();
  }

 private:
  void problem(std::string msg) { r_.problems.push_back(std::move(msg)); }

  // What a path is, when it is not a regular file ("" when it is one):
  // only regular files are opened (a FIFO would block the read).
  static std::string not_regular(const fs::path& p) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) return "missing";
    if (S_ISREG(st.st_mode)) return "";
    if (S_ISDIR(st.st_mode)) return "not a regular file (a directory)";
    if (S_ISFIFO(st.st_mode)) return "not a regular file (a FIFO)";
    if (S_ISLNK(st.st_mode)) return "not a regular file (a symbolic link)";
    return "not a regular file";
  }

  // A field of the manifest, type-checked; a problem naming the file and the
  // key when it is missing or of another type.
  template <class T>
  bool field(dom::element obj, const char* key, T& out, const std::string& where) {
    dom::element v;
    if (obj.type() != dom::element_type::OBJECT || obj[key].get(v)) {
      problem(fmt::format("{}: \"{}\" is missing", where, key));
      return false;
    }
    if (v.get(out)) {
      problem(fmt::format("{}: \"{}\" has the wrong type", where, key));
      return false;
    }
    return true;
  }

  // The manifest's shard entries; false (with a problem) when it cannot be used.
  bool read_manifest(std::vector<shard_entry>& out) {
    fs::path mpath = root_ / "manifest.json";
    const std::string m = mpath.string();
    if (std::string why = not_regular(mpath); !why.empty()) {
      problem(fmt::format("{}: {}", m, why == "missing" ? "missing (an interrupted run, or not a jsift shard directory)" : why));
      return false;
    }
    if (auto err = parser_.load(m).get(manifest_)) {
      problem(fmt::format("{}: not valid JSON: {}", m, simdjson::error_message(err)));
      return false;
    }
    // Version 2: one entry per split under "splits"; version 1: the whole
    // manifest is one split's entry.
    uint64_t version = 0;
    if (!field(manifest_, "manifest_version", version, m)) return false;
    if (version == 1) return read_entry(manifest_, m, out);
    if (version != 2) {
      problem(fmt::format("{}: manifest_version {} is not one this jsift reads (1 or 2)", m, version));
      return false;
    }
    dom::object splits;
    if (!field(manifest_, "splits", splits, m)) return false;
    bool ok = true;
    for (auto f : splits) {
      std::string split(f.key);
      try {
        check_split_name(split, "split");
      } catch (const option_error&) {
        problem(fmt::format("{}: split '{}' cannot be a file name", m, split));
        ok = false;
        continue;
      }
      ok = read_entry(f.value, fmt::format("{}: splits.{}", m, split), out, split) && ok;
    }
    return ok;
  }

  // One split's entry: its compression and its shards (named after the split
  // in a version-2 manifest).
  bool read_entry(dom::element entry, const std::string& m, std::vector<shard_entry>& out, const std::string& split = "") {
    dom::array shards;
    dom::element compression;
    if (!field(entry, "shards", shards, m)) return false;
    if (entry.type() != dom::element_type::OBJECT || entry["compression"].get(compression)) {
      problem(fmt::format("{}: \"compression\" is missing", m));
      return false;
    }
    if (!compression.is_null() && !compression.is_string()) {
      problem(fmt::format("{}: \"compression\" has the wrong type (a string or null)", m));
      return false;
    }
    const bool compressed = compression.is_string();
    size_t index = 0;
    for (dom::element e : shards) {
      const std::string where = fmt::format("{}: shards[{}]", m, index++);
      std::string_view base, raw_hash, zip_hash;
      dom::element raw, zip;
      shard_entry s;
      if (!field(e, "basename", base, where) || !field(e, "samples", s.samples, where) || !field(e, "raw_data", raw, where) ||
          !field(raw, "bytes", s.raw_bytes, where + ".raw_data") || !field(raw, "xxh3_64", raw_hash, where + ".raw_data"))
        continue;
      s.name = std::string(base);
      if (s.name.empty() || s.name == "." || s.name == ".." || s.name.find('/') != std::string::npos) {
        problem(fmt::format("{}: \"basename\" '{}' is not a file name in the directory", where, s.name));
        continue;
      }
      if (!split.empty() && s.name.rfind(split + "-", 0) != 0) {
        problem(fmt::format("{}: \"basename\" '{}' is not a shard of split '{}'", where, s.name, split));
        continue;
      }
      s.raw_hash = std::string(raw_hash);
      expected_.insert(s.name);
      s.file_bytes = s.raw_bytes;
      s.file_hash = s.raw_hash;
      if (compressed) {
        if (!field(e, "zip_data", zip, where) || !field(zip, "bytes", s.file_bytes, where + ".zip_data") ||
            !field(zip, "xxh3_64", zip_hash, where + ".zip_data")) {
          ++r_.shards;
          continue;
        }
        s.file_hash = std::string(zip_hash);
      }
      out.push_back(std::move(s));
    }
    return true;
  }

  // The shard file as stored: present, its size and checksum.
  bool check_file(const shard_entry& s) {
    fs::path sp = root_ / s.name;
    if (std::string why = not_regular(sp); !why.empty()) {
      problem(fmt::format("{}: {}", s.name, why == "missing" ? "missing shard" : why));
      return false;
    }
    std::error_code ec;
    uint64_t size = fs::file_size(sp, ec);
    if (size != s.file_bytes) problem(fmt::format("{}: {} bytes, the manifest says {}", s.name, size, s.file_bytes));
    auto fh = file_xxh3(sp.string());
    if (!fh) problem(fmt::format("{}: cannot read", s.name));
    else if (hex64(*fh) != s.file_hash)
      problem(fmt::format("{}: file checksum mismatch (xxh3_64 {}, the manifest says {})", s.name, hex64(*fh), s.file_hash));
    return true;
  }

  // The shard decompressed: every line parsed, the records counted, the
  // content's size and checksum.
  void check_records(const shard_entry& s) {
    std::vector<input_file> files{{(root_ / s.name).string(), s.name}};
    record_job_options ro;
    ro.invalid.action = on_invalid::skip;
    ro.keep_invalid = 20;
    // The largest line simdjson takes: shards may have been written with a
    // --max-line-bytes above the default.
    ro.max_line_bytes = size_t(4) << 30;
    shard_check_job job(files, ro);
    try {
      run_pass(files, {chunk_options{size_t(4) << 20, ro.max_line_bytes, false}, threads_, {}}, job);
    } catch (const data_error& ex) {
      problem(ex.what());
      return;
    }
    for (const auto& l : job.first_invalid()) problem(job.locate(l));
    if (job.invalid_total() > job.first_invalid().size())
      problem(fmt::format("{}: ... and {} more invalid lines", s.name, job.invalid_total() - job.first_invalid().size()));
    if (job.records != s.samples) problem(fmt::format("{}: {} records, the manifest says {}", s.name, job.records, s.samples));
    if (job.bytes != s.raw_bytes) problem(fmt::format("{}: {} bytes decompressed, the manifest says {}", s.name, job.bytes, s.raw_bytes));
    else if (hex64(job.digest()) != s.raw_hash) problem(fmt::format("{}: content checksum mismatch", s.name));
    r_.records += job.records;
  }

  void check_no_extra_files() {
    std::vector<std::string> extra;
    for (auto& e : fs::directory_iterator(root_)) {
      std::string name = e.path().filename().string();
      if (expected_.count(name)) continue;
      extra.push_back(is_temporary_name(name) ? fmt::format("{}: leftover temporary file of an interrupted run", name)
                                              : fmt::format("{}: extra file, not in the manifest", name));
    }
    std::sort(extra.begin(), extra.end());
    for (auto& x : extra) problem(x);
  }

  const std::string& dir_;
  fs::path root_;
  unsigned threads_;
  verify_result& r_;
  dom::parser parser_;
  dom::element manifest_;
  std::set<std::string> expected_{"manifest.json", "README.md"};
};

}  // namespace

verify_result verify_shards(const std::string& dir, unsigned threads) {
  verify_result r;
  verifier(dir, threads, r).run();
  return r;
}

}  // namespace jsift
