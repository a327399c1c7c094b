// jsift/stages/diversity.hpp — how repetitive one column of text is: the
// texts a record gives (json/text_source.hpp), and the measures over them
// (diversity_column): counts and tokens per text, uniqueness, distinct-n
// and the n-gram diversity score, the compression ratio, self-repetition,
// self-BLEU, the most frequent openings, near-duplicates (near_seen), and
// all of them again per group of a `by` field.
//
// Thread model, as every stage: measure() on the workers into a
// chunk-private diversity_partial, flush() still on the worker (the distinct
// sets, the 4-gram counts and the openings take any order; the near-duplicate
// keys are resolved in input order by near_seen), merge() on the committing
// thread in input order (the order-dependent parts: n-grams across chunk
// boundaries in whitespace mode, the samples, the near-duplicate verdicts),
// finish() once.
//
// Memory per text: 4 bytes of token-count histogram at most, its key in the
// uniqueness set (20-30 bytes per distinct text) and its opening in the
// openings table (the opening's bytes + about 40, per distinct opening);
// the n-gram sets hold 20-30 bytes per distinct n-gram until `max_exact`
// distinct n-grams, then 16 KiB (HyperLogLog); self-repetition's counts
// 16-32 bytes per distinct 4-gram up to `max_counted`; the compression
// sample keeps at most cr_sample bytes (or one longer text), its candidates
// up to twice that. With `by`, each group has all of these again.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/json/normalize.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/text_source.hpp"
#include "jsift/json/tokens.hpp"
#include "jsift/sets/distinct_sketch.hpp"
#include "jsift/sets/key_counter.hpp"
#include "jsift/stages/near_seen.hpp"

namespace jsift {

class json_writer;
class partial_writer;
class partial_reader;

struct diversity_options {
  token_mode tokens = token_mode::words;
  normalization normalize;          // for uniqueness
  uint64_t cr_sample = 64ull << 20; // bytes of text compressed; 0: all
  uint64_t seed = 0;                // of the compression sample
  uint64_t max_exact = 8'000'000;   // distinct n-grams per set counted exactly
  uint64_t max_counted = 16'000'000;  // distinct 4-grams whose text counts self-repetition keeps
  size_t bleu_sample = 1000;        // texts of the self-BLEU sample (0: none)
  bool compress = true;             // the compression ratio (false: the sample only serves self-repetition)
  bool self_repetition = true;      // count texts per 4-gram
  size_t top_openings = 10;
  unsigned threads = 1;             // compress the sample's pieces on this many threads
  bool near = false;                // near-duplicates (MinHash LSH, stages/near_seen.hpp)
  bool near_clusters = false;       // ... with their clusters (16 bytes per text and an excerpt per cluster)
  minhash_params near_params;
  size_t top_clusters = 10;
  std::optional<path> by;           // the same figures per group of this field (not near-duplicates)
  static constexpr size_t opening_tokens = 5;
  // The set bounds for `bytes` of memory shared by `columns` columns: a
  // fifth each for the four n-gram sets (30 bytes per n-gram) and for
  // self-repetition's counts (32 bytes per 4-gram). The command and the
  // gate's checks size them alike.
  void fit_memory(uint64_t bytes, size_t columns = 1) {
    const uint64_t share = bytes / (5 * std::max<size_t>(1, columns));
    max_exact = std::max<uint64_t>(1, share / 30);
    max_counted = std::max<uint64_t>(1, share / 32);
  }
  static constexpr uint64_t default_memory = uint64_t(256) << 20;
  static constexpr size_t max_n = 4;
};

class diversity_column;

// One column's chunk partial.
struct diversity_partial {
  uint64_t seq = 0;  // the chunk's sequence number: set before flush()
  std::unique_ptr<near_seen::chunk_items> near;  // with near: the chunk's texts' band keys
  std::unique_ptr<near_seen::chunk_items> group_near;  // with near and by: the same, salted by group
  std::vector<std::string> near_groups;                // ... and each text's group
  uint64_t records = 0, records_without = 0, texts = 0, tokens = 0, text_bytes = 0;
  std::array<uint64_t, 3> rules{};
  std::map<uint64_t, uint64_t> lengths;  // tokens per text -> texts
  std::vector<hash128> text_keys;
  std::array<std::vector<uint64_t>, diversity_options::max_n> ngrams;
  std::array<uint64_t, diversity_options::max_n> ngram_total{};
  std::vector<uint64_t> joined;  // whitespace mode: the chunk's tokens, texts joined (after flush: its last max_n - 1)
  std::vector<uint64_t> head;    // whitespace mode: its first max_n - 1 tokens (set by flush)
  // Openings by their hash: count, and the text's place in opening_text.
  struct opening_count {
    uint64_t n;
    uint32_t at, len;
  };
  std::unordered_map<uint64_t, opening_count> openings;
  std::string opening_text;
  struct sample {
    uint64_t priority, file, offset, index;
    std::string text;
  };
  std::vector<sample> cr, bleu;
  std::vector<uint64_t> text_grams;  // each text's distinct 4-grams (self-repetition's counts)
  // With `by`: each group's column (owned by the column) and partial.
  std::map<std::string, std::pair<diversity_column*, std::unique_ptr<diversity_partial>>> groups;
  void clear();
};

class diversity_column {
 public:
  diversity_column(text_source source, const diversity_options& o);
  const text_source& source() const { return source_; }

  void measure(const record_ref& rec, diversity_partial& p) const;  // workers
  void flush(diversity_partial& p);                                 // workers, at a chunk's end (p.seq set)
  // Committing thread, in order; the chunk starts at line `first_line` of
  // input `file` (near-duplicate clusters name their first member by it).
  void merge(diversity_partial& p, uint32_t file = 0, uint64_t first_line = 1);
  void finish();  // the figures, then the sets are freed
  // Partial files (io/partial_file.hpp; diversity --partial over --tasks,
  // read by jsift merge), after the pass and before finish(): the counts,
  // the sets (exact keys or registers), the openings, 4-gram counts, the
  // samples' candidates and, with `by`, every group's the same. read_merge()
  // adds a task's in task order (whitespace mode: the n-grams across the
  // tasks' boundary too), so finish() gives the single run's figures.
  // With near, the task's texts in input order (their band keys, place,
  // group and excerpt: about 300 bytes per text, kept from for_partial()
  // on), which read_merge() decides as one run would, after the earlier
  // tasks' texts.
  void write_partial(partial_writer& w);
  void read_merge(partial_reader& r);
  // Before the pass of a task that writes a partial: near-duplicates are
  // kept for the merge to decide, not decided.
  void for_partial() { partial_ = true; }
  // jsift merge, before read_merge() of a task: where that task's lines of
  // each file (by its index among all the inputs) start among the file's
  // lines; the clusters' first members are named by them.
  void set_line_bases(std::map<uint64_t, uint64_t> bases) { line_bases_ = std::move(bases); }
  // The inputs, before the pass: a text's place among all the inputs (its
  // samples' priority, in a task too) and, with near, cluster members' names.
  void set_inputs(const std::vector<input_file>& files);

  // The figures (after finish()).
  uint64_t texts() const { return texts_; }
  double uniqueness() const;
  double distinct(size_t n) const;  // distinct n-grams / n-grams, n = 1..4
  double ngd() const;               // their sum
  double compression_ratio() const { return cr_; }
  // Self-repetition (Salkar et al. 2022): over the texts of the compression
  // sample (all texts when they fit), the mean of log(1 + the number of
  // other texts holding each of its 4-grams, summed); empty when the 4-gram
  // counts outgrew --max-memory.
  std::optional<double> self_repetition() const { return self_rep_; }
  uint64_t self_repetition_texts() const { return self_rep_texts_; }
  // Self-BLEU (stages/self_bleu.hpp, BLEU-3) over a seeded sample of
  // bleu_sample texts; empty with fewer than two.
  std::optional<double> self_bleu() const { return self_bleu_; }
  uint64_t self_bleu_texts() const { return bleu_texts_; }
  bool exact() const;
  uint64_t token_percentile(double q) const;
  double tokens_mean() const { return texts_ ? double(tokens_) / double(texts_) : 0; }
  // The most frequent openings, with their counts; and the share of texts
  // opening with one of them.
  const std::vector<std::pair<std::string, uint64_t>>& top_openings() const { return top_; }
  double top_openings_share() const;
  // With `by` (after finish()): each group's column, by group name; the
  // normalised entropy of the records' groups (1: even, 0: one group).
  const std::map<std::string, std::unique_ptr<diversity_column>>& groups() const { return groups_; }
  uint64_t records() const { return records_; }
  double group_entropy() const;
  // The Jensen-Shannon divergence (base 2, 0..1) of this column's group
  // shares and `other`'s, over the union of their groups.
  double group_jsd(const diversity_column& other) const;
  // With near and by (after finish()): a group's share of texts with an
  // earlier near-duplicate in the same group; empty for a group without texts.
  std::optional<double> group_near_rate(const std::string& group) const;
  // With near (after finish()): the near-duplicate stage's figures.
  const near_seen* near() const { return near_.get(); }
  // With `reference` (the first dataset's same column) and `by`: the
  // Jensen-Shannon divergence of the group shares goes in too.
  void write_json(json_writer& w, const diversity_column* reference = nullptr) const;

 private:
  text_source source_;
  const diversity_options& o_;
  uint64_t records_ = 0, records_without_ = 0, texts_ = 0, tokens_ = 0;
  std::array<uint64_t, 3> rules_{};
  std::map<uint64_t, uint64_t> lengths_;
  std::unique_ptr<distinct_sketch> unique_;
  std::array<std::unique_ptr<distinct_sketch>, diversity_options::max_n> ngram_sets_;
  std::array<uint64_t, diversity_options::max_n> ngram_total_{};
  std::vector<uint64_t> tail_;  // whitespace mode: the last max_n - 1 tokens so far
  struct opening_total {
    uint64_t n;
    std::string text;
  };
  // By the opening's hash (XXH3-64), in 64 partitions by its top bits,
  // filled by the workers (counts add up in any order).
  struct opening_partition {
    std::mutex m;
    std::unordered_map<uint64_t, opening_total> counts;
  };
  std::unique_ptr<opening_partition[]> openings_;
  // The compression sample: the texts of lowest priority, at most cr_sample bytes.
  std::vector<diversity_partial::sample> sample_;  // candidates: trim_samples() keeps the lowest priorities
  uint64_t sample_bytes_ = 0, all_bytes_ = 0;
  std::atomic<uint64_t> threshold_{UINT64_MAX};  // texts at or above it can no longer enter
  std::vector<diversity_partial::sample> bleu_;    // the self-BLEU sample's candidates
  std::atomic<uint64_t> bleu_threshold_{UINT64_MAX};
  std::unique_ptr<key_counter> text_grams_;        // texts per 4-gram
  std::optional<double> self_rep_, self_bleu_;
  uint64_t self_rep_texts_ = 0, bleu_texts_ = 0;
  double cr_ = 0;
  uint64_t cr_bytes_ = 0;
  // Kept by finish(), which frees the sets.
  uint64_t distinct_texts_ = 0;
  std::array<uint64_t, diversity_options::max_n> ngram_distinct_{};
  std::array<bool, diversity_options::max_n> ngram_exact_{};
  std::vector<std::pair<std::string, uint64_t>> top_;
  memory_budget near_budget_;
  std::unique_ptr<near_seen> near_;
  std::unique_ptr<near_seen> group_near_;                           // with by: keys salted by group
  std::map<std::string, std::pair<uint64_t, uint64_t>> group_near_counts_;  // group: texts, near-duplicates
  std::vector<input_file> inputs_;
  // With near in a task's partial: its texts in input order.
  bool partial_ = false;
  struct near_item {
    uint64_t line, at, excerpt_end;  // at: its first band key in near_keys_ (UINT64_MAX: keyless)
    uint32_t file, group;            // file: among all the inputs; group: in near_group_names_
  };
  std::vector<near_item> near_items_;
  std::vector<hash128> near_keys_;
  std::string near_excerpts_;
  std::vector<std::string> near_group_names_;
  std::unordered_map<std::string, uint32_t> near_group_ids_;
  std::map<uint64_t, uint64_t> line_bases_;  // the merge's: set_line_bases()
  uint64_t replay_seq_ = 0;                  // the merge's chunks of replayed texts
  void keep_near(const diversity_partial& p, uint32_t file, uint64_t first_line);
  void write_near(partial_writer& w) const;
  void replay_near(partial_reader& r);
  std::shared_ptr<std::vector<uint64_t>> whole_ = std::make_shared<std::vector<uint64_t>>();  // rec.file -> index among all inputs (groups share it)
  uint64_t whole_index(uint32_t file) const { return file < whole_->size() ? (*whole_)[file] : file; }
  std::vector<uint64_t> head_;  // whitespace mode: the first max_n - 1 tokens of this pass (a task's, for the merge)
  // Whitespace mode: the n-grams across a boundary (a chunk's or a task's):
  // those ending in the `head` after it, then the last tokens so far (the
  // part's own `tail` when it has enough of its `tokens`).
  void join_boundary(const std::vector<uint64_t>& head, const std::vector<uint64_t>& tail, uint64_t tokens);
  diversity_options group_options_;  // o_ without by and near
  mutable std::mutex groups_m_;      // groups_ grows on the workers
  mutable std::map<std::string, std::unique_ptr<diversity_column>> groups_;
  diversity_column* group_column(const std::string& name) const;
  void trim_samples();  // both samples to what they keep (committing thread)
  // A text's 4-grams for self-repetition (its `n` tokens; in whitespace
  // mode its pieces between whitespace runs instead), appended to `out`.
  void text_4grams(std::string_view text, const std::vector<uint64_t>& tokens, size_t n, std::vector<uint64_t>& out) const;
};

}  // namespace jsift
