// `jsift dedup`: inputs -> dedup_job (the first_seen stage) -> output file,
// --dups, --index, report.
#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "../dedup_stage_run.hpp"
#include "jsift/error.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/dedup_job.hpp"
#include "jsift/jobs/dedup_stages.hpp"

namespace jsift::cli {
namespace {

class dedup_command final : public command {
 public:
  command_info info() const override {
    return {"dedup", "Drop exact (or, with --near, near) duplicates, keeping the first occurrence; write the rest byte-for-byte in input order",
            "Memory: the seen-set keeps 20-30 bytes per distinct key (30-45 with --dups), plus the --against keys.\n"
            "--near: MinHash LSH on word 5-grams (lowercased words, digits made 0; XXH64 seed 0; permutations "
            "(a*h+b) mod 2^64 mod 2^61-1 drawn from splitmix64 seeded 1; 14 bands x 8 rows as datatrove). A record is "
            "dropped (duplicate:near) when its text shares a band with an earlier record's. Memory: 20-30 bytes per distinct "
            "band key, about 350 bytes per distinct record at 14 bands; --dups adds 20 + 112 bytes per record (every record).\n"
            "Example: jsift dedup --key '.turns[].content' --normalize ws,case data/ -o unique.jsonl --dups dups.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    f.texts("--key", "PATH", keys_,
            "Compare the values at PATH (repeatable: a tuple; .turns[].content is the whole list). "
            "Default: the whole record as a JSON value (key order and whitespace do not matter)")
        .paths();
    f.text("--normalize", "LIST", normalize_,
           "Compare text after normalising: none, or a list of nfkc (Unicode compatibility forms), fold (Unicode case folding), punct (drop ASCII punctuation), ws (collapse whitespace), case (ASCII lowercase)")
        .shows_default("none");
    f.text("--dups", "FILE", dups_, "Write one JSONL line per dropped record: file, line, key hash and the first occurrence it duplicates").files();
    f.toggle("--count-only", count_only_, "Count duplicates; write no records");
    f.text("--index", "FILE", index_, "Persistent seen-set: read if it exists, updated at the end, so later runs drop records seen earlier").files();
    f.texts("--against", "FILE", against_, "Reference set (JSONL file, directory or index): drop input records whose key it holds, e.g. eval data (repeatable)")
        .files();
    f.text("--max-memory", "SIZE", max_memory_, "Fail (exit 4) rather than let the key sets grow past SIZE");
    f.toggle("--near", near_,
             "Drop near-duplicates: records whose text (the strings at --key joined by a space; default: the auto text of "
             "diversity, the assistant messages else an answer field) shares a MinHash band with an earlier record's");
    near_flags_.define(f);
    define_tasks(f, common_);
    f.text("--stage", "WORD", stage_.stage,
           "One stage of dedup over --tasks (docs/scale-out.md; with --near, every band key is a key): keys (per task: keys and places into --workdir), "
           "find (per hash range: the non-first places), drop (per task: drops them, writes -o and --dups); "
           "with --near and --dups, keys also writes signatures and cluster (one task, after find) writes --dups instead of drop; "
           "--against goes to every stage (keys looks the records up); jsift cluster runs them all");
    define_dedup_stage_flags(f, stage_);
  }
  int run(const invocation&) override {
    if (!stage_.stage.empty()) return run_stage();
    if (near_) return run_near();
    if (near_flags_.threshold || near_flags_.bands || near_flags_.rows || near_flags_.ngram != 5)
      throw option_error("threshold", "--threshold, --bands, --rows and --ngram go with --near");
    run_settings s = make_settings(common_);
    first_seen_options o;
    o.key = key_spec::parse(keys_, normalize_);
    o.dups_path = dups_;
    o.index_path = index_;
    memory_budget budget;
    std::unique_ptr<output_file> out = open_outputs(s, budget);
    key_set reference(false, &budget);
    // Reference files are read, not passed on: their bad lines are skipped
    // (and counted as invalid there), never quarantined with the input's.
    std::string warnings;
    if (!against_.empty())
      warnings = empty_reference_warnings(against_, load_reference_keys(against_, o.key, s.records.for_survey(), s.pass.threads, reference));
    if (!warnings.empty() && !s.quiet) print_err(warnings);
    first_seen seen(o, s.inputs, budget, against_.empty() ? nullptr : &reference);
    dedup_job job(s.inputs, s.records, seen, out.get());
    return finish(s, job, seen, "dedup");
  }

 private:
  // What both rules share: the outputs checked and opened (none with
  // --count-only), the budget's limit set.
  std::unique_ptr<output_file> open_outputs(const run_settings& s, memory_budget& budget) const {
    if (count_only_ && s.output != "-") throw option_error("count_only", "writes no records: drop -o");
    check_outputs(s, {{"-o", count_only_ ? "-" : s.output}, {"--dups", dups_}});
    if (!max_memory_.empty()) budget.limit = parse_size(max_memory_, "max_memory");
    return count_only_ ? nullptr : std::make_unique<output_file>(s.output);
  }
  // The pass, then the summary (on stdout with --count-only) and the report's `section`.
  template <class Stage>
  int finish(const run_settings& s, dedup_job& job, const Stage& stage, const char* section) const {
    run_with_progress(s, s.inputs, job);
    job.finish();
    if (count_only_) {
      std::string line = stage.summary("dedup");
      sys::write_all(1, line.data(), line.size(), "to stdout");
    }
    finish_command(s, "dedup", job, [&](json_writer& w) { w.key(section), stage.write_json(w); }, count_only_ ? "" : stage.summary("dedup"));
    return 0;
  }

  int run_near() {
    run_settings s = make_settings(common_);
    if (normalize_ != "none")
      throw option_error("normalize", "does not apply to --near: its shingles are already normalised (lowercased words, digits made 0)");
    near_seen_options o;
    o.params = near_flags_.params();
    o.dups_path = dups_;
    o.index_path = index_;
    std::vector<text_source> key;
    for (const auto& k : keys_) key.push_back(text_source::at(k, "key"));
    if (key.empty()) key.push_back(text_source::automatic());
    o.key_text = names_of(key);
    memory_budget budget;
    std::unique_ptr<output_file> out = open_outputs(s, budget);
    key_set reference(false, &budget);
    near_seen near(o, s.inputs, budget, against_.empty() ? nullptr : &reference);
    if (!against_.empty()) {
      std::string warnings = empty_reference_warnings(
          against_, load_reference_bands(against_, near, key, s.records.for_survey(), s.pass.threads, reference));
      if (!warnings.empty() && !s.quiet) print_err(warnings);
    }
    dedup_job job(s.inputs, s.records, near, key, out.get());
    return finish(s, job, near, "near");
  }

  // --stage keys|find|drop: exact dedup over the tasks of one run.
  int run_stage() {
    if (!index_.empty() || count_only_) throw usage_error("--stage does not take --index or --count-only yet");
    if (!max_memory_.empty()) stage_.max_memory = parse_size(max_memory_, "max_memory");
    if (!near_) {
      const key_spec key = key_spec::parse(keys_, normalize_);
      reference_loader against;
      if (!against_.empty())
        against = [&](key_set& into, const record_job_options& ro, unsigned threads) {
          return empty_reference_warnings(against_, load_reference_keys(against_, key, ro, threads, into));
        };
      return run_dedup_stage(common_, stage_, key, {}, common_.output, dups_, "dedup", against);
    }
    if (normalize_ != "none")
      throw option_error("normalize", "does not apply to --near: its shingles are already normalised (lowercased words, digits made 0)");
    near_stage near;
    near.params = near_flags_.params();
    for (const auto& k : keys_) near.key.push_back(text_source::at(k, "key"));
    if (near.key.empty()) near.key.push_back(text_source::automatic());
    reference_loader against;
    if (!against_.empty())
      against = [&](key_set& into, const record_job_options& ro, unsigned threads) {
        return empty_reference_warnings(against_, load_near_references(against_, *near.params, near.key, ro, threads, into));
      };
    return run_dedup_stage(common_, stage_, key_spec{}, near, common_.output, dups_, "dedup", against);
  }

  common_args common_;
  dedup_stage_args stage_;
  near_flags near_flags_;
  bool near_ = false;
  std::vector<std::string> keys_, against_;
  std::string normalize_ = "none", dups_, index_, max_memory_;
  bool count_only_ = false;
};

}  // namespace

std::unique_ptr<command> make_dedup_command() { return std::make_unique<dedup_command>(); }

}  // namespace jsift::cli
