// jsift/stages/near_seen.hpp — the near-duplicate decision, shared by
// `jsift dedup --near` (an item is a record: the texts of its key joined by a
// space) and `jsift diversity --near` (an item is a text): an item is a
// near-duplicate when it shares a MinHash band key (json/minhash.hpp) with
// an earlier item, with an item of a persistent index of earlier runs
// (--index), or with a read-only reference set (--against).
//
// The rule is decided in one pass, in input order, so it works on pipes and
// never waits for the end: the first item of a cluster is always kept, and
// an item that joins a cluster only through a later one (A ~ C and B ~ C,
// but B not ~ A) is kept too, since nothing before it matched it. Clusters
// (for the report, and the first member --dups names) are the connected
// components of the matches, by union-find.
//
// Threads, as first_seen: band keys are computed on the workers
// (chunk_items::add), decided there when the chunk ends (resolve(), into a
// partitioned seen-set that applies chunks in input order:
// sets/ordered_key_set.hpp), and taken in order on the committing thread
// (begin_chunk(), take()), so verdicts never depend on -j.
//
// Memory: 20-30 bytes per distinct band key (bands of them per distinct
// item: 14 x 8 gives about 350 bytes per distinct text), 30-45 with --dups
// or clusters, which also keep 20 bytes per item, duplicates included (its
// place, union-find parent and cluster size), plus, with --dups, one byte
// per permutation per item (112) to estimate the Jaccard similarity; with
// clusters, an excerpt of 80 bytes per cluster. The per-item part is not
// charged to `budget` (only the band keys are).
// Lifetimes: `files`, `budget` and `reference` must outlive the object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jsift/io/input_list.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/json/minhash.hpp"
#include "jsift/sets/key_set.hpp"
#include "jsift/sets/ordered_key_set.hpp"

namespace jsift {

struct near_seen_options {
  minhash_params params;
  std::string key_text = "auto";  // what an item's text is: said in reports and index files
  std::string index_path;         // "" : none
  std::string dups_path;          // "" : none
  bool clusters = false;          // keep the clusters and their excerpts (diversity)
  size_t top_clusters = 10;
};

class near_seen {
 public:
  enum class verdict : uint8_t { kept, near, against, keyless };
  static constexpr size_t excerpt_bytes = 80;  // of each item, with clusters

  // One chunk's items: signed on its worker in line order (add()), decided
  // there when the chunk ends (resolve()), taken in order at commit.
  class chunk_items {
   public:
    explicit chunk_items(const near_seen& owner);
    // The item at line `index` of the chunk; an empty or wordless text has
    // no key (it is kept and counted as keyless).
    // With `salt` (a group's hash), its keys meet only keys of the same salt.
    void add(std::string_view text, uint32_t index, uint64_t salt = 0);
    // An item signed elsewhere: its band keys (nullptr: keyless) and, with
    // clusters, its excerpt (a partial's items replayed: diversity's merge).
    void add_signed(const hash128* keys, std::string_view excerpt, uint32_t index, uint64_t salt = 0);
    size_t size() const { return index_.size(); }
    // Before resolve(): the item's line in the chunk, band keys (nullptr when
    // keyless) and excerpt (with clusters).
    uint32_t index_of(size_t i) const { return index_[i]; }
    const hash128* keys_of(size_t i) const { return at_[i] == UINT32_MAX ? nullptr : keys_.data() + at_[i]; }
    std::string_view excerpt_at(size_t i) const {
      if (excerpt_end_.empty()) return {};
      const uint32_t from = i ? excerpt_end_[i - 1] : 0;
      return std::string_view(excerpts_).substr(from, excerpt_end_[i] - from);
    }
    void clear();
    // Every band key added (a reference set's collection).
    template <class F>
    void for_each_key(F&& f) const {
      for (const hash128& h : keys_) f(h);
    }

   private:
    friend class near_seen;
    const near_seen& owner_;
    minhasher mh_;
    std::vector<uint32_t> index_;
    std::vector<uint32_t> at_;   // the item's first band key in keys_ (UINT32_MAX: keyless)
    std::vector<hash128> keys_;
    std::vector<uint8_t> low_;   // with --dups: the low bytes of each item's signature (zeros when keyless)
    std::string excerpts_;       // with clusters: each item's excerpt, ended by excerpt_end_
    std::vector<uint32_t> excerpt_end_;
    std::vector<verdict> v_;     // by resolve(): keyless, against, or kept for items whose keys went in
    ordered_key_set::batch batch_;
  };

  // Reads the index if it exists (data_error if it is not a matching index).
  near_seen(near_seen_options o, const std::vector<input_file>& files, memory_budget& budget, const key_set* reference = nullptr);
  ~near_seen();
  near_seen(const near_seen&) = delete;
  near_seen& operator=(const near_seen&) = delete;

  const near_seen_options& options() const { return o_; }
  // The spelling of index files' spec, so indexes of other parameters or
  // texts are refused: "near:ngram=5,bands=14,rows=8;auto".
  std::string index_spec() const;

  // On the worker when chunk `seq` ends (every chunk once, any order, at once).
  void resolve(uint64_t seq, chunk_items& items);
  // At commit, in order: chunk `seq` starts at line `first_line` of input
  // `file`; then take() each of its items, in order.
  void begin_chunk(uint64_t seq, uint32_t file, uint64_t first_line);
  verdict take(const chunk_items& items, size_t i);
  void flush();   // writes the --dups lines gathered (once per chunk)
  void finish();  // commits --dups, rewrites --index; then the clusters are ready

  uint64_t items() const { return next_id_; }
  uint64_t near_duplicates() const { return near_; }
  uint64_t against_hits() const { return against_; }
  uint64_t keyless() const { return keyless_; }
  uint64_t index_loaded() const { return index_loaded_; }
  double rate() const { return next_id_ ? double(near_) / double(next_id_) : 0; }
  size_t memory_bytes() const;

  struct cluster {
    uint64_t size;
    uint32_t file;
    uint64_t line;  // of its first member
    std::string excerpt;
  };
  // After finish(), with clusters: how many clusters have two or more
  // items, and the largest (by size, then by first member).
  uint64_t clusters() const { return clusters_; }
  const std::vector<cluster>& largest() const { return largest_; }

  // One --dups line of a near-duplicate matched within the input: its
  // place, its earliest match, their Jaccard estimate and its cluster's
  // first member (as known when it was read). Also the line jsift dedup
  // --near --stage cluster writes (jobs/dedup_stages.hpp).
  struct dup_place {
    std::string_view file;
    uint64_t line;
  };
  static void append_dup_line(std::string& out, dup_place item, dup_place match, double jaccard, dup_place cluster);
  // The line of an item the reference set (--against) holds.
  static void append_against_line(std::string& out, dup_place item);

  // The "near" section of a report and the summary line (`command`: "dedup").
  void write_json(json_writer& w) const;
  std::string summary(std::string_view command) const;

 private:
  uint64_t find(uint64_t x);
  void unite(uint64_t a, uint64_t b);
  bool tracking() const { return !o_.dups_path.empty() || o_.clusters; }
  void write_dup_line(uint64_t item, bool against, bool from_index, uint64_t match);

  near_seen_options o_;
  const std::vector<input_file>& files_;
  const key_set* reference_;
  memory_budget& budget_;
  ordered_key_set seen_;
  std::vector<uint64_t> chunk_first_;  // per chunk: its first item's number
  uint32_t cur_file_ = 0;
  uint64_t cur_first_line_ = 0, next_id_ = 0;
  // With tracking: per item, its place (file << 40 | line) and union-find parent;
  // per root, its cluster's size.
  std::vector<uint64_t> where_, parent_;
  std::vector<uint32_t> size_;
  std::vector<uint8_t> low_;  // with --dups: per item, its signature's low bytes (zeros when keyless)
  std::unordered_map<uint64_t, std::string> excerpts_;  // with clusters: per root of a cluster of 2+
  std::unique_ptr<output_file> dups_;
  std::string dups_buf_;
  uint64_t near_ = 0, against_ = 0, keyless_ = 0, index_loaded_ = 0, clusters_ = 0;
  std::vector<cluster> largest_;
};

}  // namespace jsift
