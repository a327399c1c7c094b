#include "jsift/jobs/hub_manifest.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <simdjson.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"

namespace jsift {
namespace fs = std::filesystem;
namespace dom = simdjson::dom;

struct hub_manifest::document {
  dom::parser parser;
  dom::element root;
};

namespace {

// A parsed JSON value written back through a json_writer (an entry kept as
// it was when another split is rewritten).
void write_element(json_writer& w, dom::element v) {
  switch (v.type()) {
    case dom::element_type::OBJECT:
      w.begin_object();
      for (auto f : dom::object(v)) {
        w.key(f.key);
        write_element(w, f.value);
      }
      w.end_object();
      break;
    case dom::element_type::ARRAY:
      w.begin_array();
      for (dom::element e : dom::array(v)) write_element(w, e);
      w.end_array();
      break;
    case dom::element_type::STRING: w.value(std::string_view(v)); break;
    case dom::element_type::INT64: w.value(int64_t(v)); break;
    case dom::element_type::UINT64: w.value(uint64_t(v)); break;
    case dom::element_type::DOUBLE: w.value(double(v)); break;
    case dom::element_type::BOOL: w.value(bool(v)); break;
    case dom::element_type::NULL_VALUE: w.null(); break;
  }
}

// What the card needs of an entry read from a manifest (best effort: verify
// is what checks a manifest field by field).
split_summary summary_of(dom::element e) {
  split_summary s;
  std::string_view comp;
  if (!e["compression"].get(comp) && comp.rfind("zstd:", 0) == 0) s.zstd_level = std::atoi(std::string(comp.substr(5)).c_str());
  std::string_view by;
  if (!e["by"].get(by)) s.by = std::string(by);
  dom::object by_totals;
  if (!e["totals"]["by"].get(by_totals))
    for (auto f : by_totals) {
      uint64_t n = 0;
      if (!f.value.get(n)) s.by_counts[std::string(f.key)] = n;
    }
  dom::array shards;
  if (!e["shards"].get(shards))
    for (dom::element x : shards) {
      split_summary::shard sh;
      std::string_view base;
      if (x["basename"].get(base)) continue;
      sh.basename = std::string(base);
      if (x["samples"].get(sh.samples)) sh.samples = 0;
      if (x["raw_data"]["bytes"].get(sh.raw_bytes)) sh.raw_bytes = 0;
      if (x["zip_data"]["bytes"].get(sh.file_bytes)) sh.file_bytes = sh.raw_bytes;
      s.shards.push_back(std::move(sh));
    }
  return s;
}

}  // namespace

uint64_t split_summary::samples() const {
  uint64_t n = 0;
  for (const auto& s : shards) n += s.samples;
  return n;
}

std::string split_summary::pattern(const std::string& split) const {
  return split + "-*.jsonl" + (zstd_level ? ".zst" : "");
}

hub_manifest::hub_manifest() = default;
hub_manifest::~hub_manifest() = default;
hub_manifest::hub_manifest(hub_manifest&&) noexcept = default;
hub_manifest& hub_manifest::operator=(hub_manifest&&) noexcept = default;

hub_manifest hub_manifest::read(const std::string& dir) {
  hub_manifest m;
  const fs::path path = fs::path(dir) / "manifest.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return m;
  const std::string where = path.string();
  if (!fs::is_regular_file(path, ec)) throw data_error(fmt::format("{}: not a regular file", where));
  m.doc_ = std::make_unique<document>();
  if (auto err = m.doc_->parser.load(where).get(m.doc_->root))
    throw data_error(fmt::format("{}: not a jsift manifest (not valid JSON: {})", where, simdjson::error_message(err)));
  dom::element root = m.doc_->root;
  uint64_t version = 0;
  if (root.type() != dom::element_type::OBJECT || root["manifest_version"].get(version) || (version != 1 && version != 2))
    throw data_error(fmt::format("{}: not a jsift manifest (no manifest_version 1 or 2)", where));
  auto keep = [&m](std::string split, dom::element e, bool v1) {
    m.entries_[split] = entry{[e, v1](json_writer& w) {
                                if (!v1) return write_element(w, e);
                                // A version-1 manifest is the split's entry plus fields now at the top.
                                w.begin_object();
                                for (auto f : dom::object(e)) {
                                  if (f.key == "manifest_version" || f.key == "jsift_version" || f.key == "split" || f.key == "format") continue;
                                  w.key(f.key);
                                  write_element(w, f.value);
                                }
                                w.end_object();
                              },
                              summary_of(e)};
  };
  if (version == 1) {
    std::string_view split;
    if (root["split"].get(split)) throw data_error(fmt::format("{}: a version 1 manifest without \"split\"", where));
    keep(std::string(split), root, true);
    return m;
  }
  dom::object splits;
  if (root["splits"].get(splits)) throw data_error(fmt::format("{}: no \"splits\" object", where));
  for (auto f : splits) keep(std::string(f.key), f.value, false);
  return m;
}

std::vector<std::string> hub_manifest::splits() const {
  std::vector<std::string> out;
  for (const auto& [s, e] : entries_) out.push_back(s);
  return out;
}

std::vector<std::string> hub_manifest::shard_files(std::string_view split) const {
  std::vector<std::string> out;
  auto it = entries_.find(std::string(split));
  if (it == entries_.end()) return out;
  for (const auto& s : it->second.summary.shards) out.push_back(s.basename);
  return out;
}

void hub_manifest::set(const std::string& split, std::function<void(json_writer&)> write, split_summary summary) {
  entries_[split] = entry{std::move(write), std::move(summary)};
}

std::string hub_manifest::json() const {
  json_writer w;
  w.begin_object();
  w.key("manifest_version").value(2);
  w.key("jsift_version").value(JSIFT_VERSION);
  w.key("format").value("jsonl");
  uint64_t shards = 0, samples = 0, raw = 0, file = 0;
  for (const auto& [name, e] : entries_)
    for (const auto& s : e.summary.shards) ++shards, samples += s.samples, raw += s.raw_bytes, file += s.file_bytes;
  w.key("totals").begin_object();
  w.key("splits").value(uint64_t(entries_.size()));
  w.key("shards").value(shards);
  w.key("samples").value(samples);
  w.key("raw_bytes").value(raw);
  w.key("file_bytes").value(file);
  w.end_object();
  w.key("splits").begin_object();
  for (const auto& [name, e] : entries_) {
    w.key(name);
    e.write(w);
  }
  w.end_object();
  w.end_object();
  return w.str();
}

std::string hub_manifest::card() const {
  std::string o = "---\nconfigs:\n- config_name: default\n  data_files:\n";
  for (const auto& [name, e] : entries_) o += fmt::format("  - split: {}\n    path: \"{}\"\n", name, e.summary.pattern(name));
  o += "---\n\n# Dataset\n\n";
  uint64_t samples = 0;
  for (const auto& [name, e] : entries_) samples += e.summary.samples();
  o += fmt::format("Packaged by jsift {}: {}, {}, each validated. `manifest.json` lists every shard's records, sizes and "
                   "XXH3-64 checksums, and `jsift verify` re-checks them. A shard is a series of zstd frames: read it as a "
                   "stream (`zstd -dc`, Python's `zstandard` `stream_reader`, `datasets`), not with a one-shot decompress.\n\n",
                   JSIFT_VERSION, plural(entries_.size(), "split"), plural(samples, "record"));
  o += "```python\nfrom datasets import load_dataset\nds = load_dataset(\"json\", data_files={";
  bool first = true;
  for (const auto& [name, e] : entries_) {
    o += fmt::format("{}\"{}\": \"{}\"", first ? "" : ", ", name, e.summary.pattern(name));
    first = false;
  }
  o += "})\n```\n";
  for (const auto& [name, e] : entries_) {
    const split_summary& s = e.summary;
    uint64_t raw = 0, file = 0;
    for (const auto& sh : s.shards) raw += sh.raw_bytes, file += sh.file_bytes;
    o += fmt::format("\n## {}\n\n{}, {}, {} of JSONL{}.\n\n", name, plural(s.shards.size(), "shard"), plural(s.samples(), "record"),
                     human_bytes(raw), s.zstd_level ? fmt::format(" ({} zstd level {})", human_bytes(file), *s.zstd_level) : "");
    o += "| shard | records | uncompressed | file |\n|---|---:|---:|---:|\n";
    for (const auto& sh : s.shards)
      o += fmt::format("| {} | {} | {} | {} |\n", sh.basename, with_commas(sh.samples), human_bytes(sh.raw_bytes), human_bytes(sh.file_bytes));
    if (s.by) {
      o += fmt::format("\n| {} | records | share |\n|---|---:|---:|\n", *s.by);
      for (auto& [g, n] : s.by_counts)
        o += fmt::format("| {} | {} | {:.1f}% |\n", g, with_commas(n), s.samples() ? 100.0 * double(n) / double(s.samples()) : 0.0);
    }
  }
  return o;
}

}  // namespace jsift
