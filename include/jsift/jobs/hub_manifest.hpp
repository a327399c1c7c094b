// jsift/jobs/hub_manifest.hpp — the manifest and the dataset card of a shard
// directory holding one or several splits, the layout the Hub loads:
//
//   DIR/train-00000-of-00002.jsonl.zst ...  DIR/eval-00000-of-00001.jsonl.zst
//   DIR/README.md      a card whose `configs` list every split's data_files
//   DIR/manifest.json  {"manifest_version": 2, "splits": {"train": {...}, ...}}
//
// Each split's entry holds what `jsift shard` wrote for it (command,
// compression, inputs with checksums, shards with sizes and checksums,
// totals, dispositions). `shard --split S` rewrites only S's entry; the
// others are kept as they are. A version-1 manifest (one split, its entry at
// the top level) is read too, and becomes version 2 when rewritten.
//
// Not thread-safe; an entry read from a file lives as long as the object.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/io/json_writer.hpp"

namespace jsift {

// What the card says of a split.
struct split_summary {
  struct shard {
    std::string basename;
    uint64_t samples = 0, raw_bytes = 0, file_bytes = 0;
  };
  std::vector<shard> shards;
  std::optional<int> zstd_level;  // none: uncompressed
  std::optional<std::string> by;  // the --by path of the counts below
  std::map<std::string, uint64_t> by_counts;
  uint64_t samples() const;
  std::string pattern(const std::string& split) const;  // "train-*.jsonl.zst"
};

class hub_manifest {
 public:
  hub_manifest();
  ~hub_manifest();
  hub_manifest(hub_manifest&&) noexcept;
  hub_manifest& operator=(hub_manifest&&) noexcept;

  // DIR/manifest.json, or an empty manifest when there is none. A file that
  // is not a jsift manifest is a data_error naming it (nothing is replaced).
  static hub_manifest read(const std::string& dir);

  bool empty() const { return entries_.empty(); }
  bool has(std::string_view split) const { return entries_.count(std::string(split)) > 0; }
  std::vector<std::string> splits() const;
  // The shard files a split's entry lists.
  std::vector<std::string> shard_files(std::string_view split) const;

  // Sets a split's entry: `write` writes its JSON object, `summary` is what the card shows.
  void set(const std::string& split, std::function<void(json_writer&)> write, split_summary summary);
  void erase(std::string_view split) { entries_.erase(std::string(split)); }

  std::string json() const;  // manifest_version 2
  std::string card() const;  // README.md

 private:
  struct entry {
    std::function<void(json_writer&)> write;
    split_summary summary;
  };
  struct document;                  // a parsed manifest.json (its entries point into it)
  std::unique_ptr<document> doc_;
  std::map<std::string, entry> entries_;
};

}  // namespace jsift
