// The one CLI11 translation unit (CLI11 compiles slowly; keep it here).
#include "flags.hpp"

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace jsift::cli {
namespace {

// The gate's report files, shared by gate and run (both report through report_gate).
void add_gate_reports(CLI::App& app, gate_flags& g) {
  app.add_option("--report-json", g.report_json, "Write the gate results as JSON");
  app.add_option("--report-md", g.report_md, "Write the gate results as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)");
  app.add_option("--junit", g.junit, "Write the gate results as JUnit XML, one testcase per check");
}

void add_common(CLI::App& app, common_flags& c, bool has_output) {
  app.add_option("inputs", c.inputs, "Files (.jsonl, .jsonl.zst, .jsonl.gz: detected by content), directories "
                                     "(their *.jsonl* files, recursively, sorted) or - for stdin (the default)");
  if (has_output) app.add_option("-o,--output", c.output, "Write records here (atomically: a temporary name renamed when complete); - is stdout")->capture_default_str();
  app.add_option("-j,--threads", c.threads, "Worker threads (default: every core)");
  app.add_option("--on-invalid", c.on_invalid, "fail (exit 3 at the first invalid line), skip (count it) or quarantine:FILE (write bad lines there)")->capture_default_str();
  app.add_option("--report", c.report, "Also write a JSON report (dispositions, counts) to FILE");
  app.add_option("--progress", c.progress, "Progress bar on stderr: auto (when stderr is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_flag("--no-progress", c.no_progress, "Same as --progress never");
  app.add_flag("-q,--quiet", c.quiet, "No summary or warnings on stderr");
  app.add_option("--max-line-bytes", c.max_line_bytes, "Longer lines are invalid (line_too_long), never buffered whole")->capture_default_str();
  app.add_option("--chunk-bytes", c.chunk_bytes, "Work unit size; memory is about 2 x threads x this")->capture_default_str();
  app.add_flag("--no-mmap", c.no_mmap, "Read files with read(2) instead of mapping them");
}

}  // namespace

parsed_flags parse_flags(int argc, char** argv) {
  parsed_flags f;
  CLI::App app{"jsift: fast, streaming, validating processor for JSONL datasets (LLM training data)", "jsift"};
  app.set_version_flag("-V,--version", std::string("jsift ") + JSIFT_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a repeated flag: the last wins
  app.footer("Exit codes: 0 ok, 1 gate failed, 2 usage error, 3 invalid data (--on-invalid fail), 4 I/O error, 130 interrupted.\n"
             "Run 'jsift COMMAND --help' for a command's options.");

  auto* stats = app.add_subcommand("stats", "Profile and validate: counts, lengths, groups, turns, key coverage, uniqueness");
  add_common(*stats, f.common, false);
  stats->add_option("--by", f.stats.by, "Group counts and uniqueness by this path (default: .record_type when records have it)");
  stats->add_option("--turns-path", f.stats.turns_path, "Conversation array (default: first of .turns .messages .conversations .training_pairs)");
  stats->add_option("--unique", f.stats.unique, "Distinct/total ratio of the values at PATH, overall and per --by group (repeatable)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  stats->add_option("--format", f.stats.format, "auto (table on a terminal, JSON otherwise), table or json")
      ->check(CLI::IsMember({"auto", "table", "json"}))
      ->capture_default_str();
  stats->add_flag("--json", f.stats.json, "Same as --format json");
  stats->add_option("--normalize", f.stats.normalize, "Compare text for --unique and duplicates after normalising: none, or a list of ws, case, punct")
      ->capture_default_str();
  stats->add_flag("--approx", f.stats.approx, "Count distinct values with HyperLogLog (about 1 % error, 16 KiB per set) instead of exact sets");
  stats->add_flag("--no-duplicates", f.stats.no_duplicates, "Skip the whole-record duplicate rate (saves its set)");
  stats->footer("Memory: per --unique path and for the duplicate rate, 2 x 20-30 bytes per distinct value (overall and per group);\n"
                "--approx bounds each set to 16 KiB. Example: jsift stats --unique '.turns[-1].content' --by .record_type data/");

  auto* filter = app.add_subcommand("filter", "Keep records matching every predicate; write them byte-for-byte in input order");
  add_common(*filter, f.common, true);
  filter->add_option("--turns", f.filter.turns, "Conversation length in MIN..MAX (either end optional)");
  filter->add_option("--turns-path", f.filter.turns_path, "Conversation array for --turns (default: first of .turns .messages .conversations .training_pairs)");
  filter->add_option("--len", f.filter.len, "PATH=MIN..MAX: length of every value at PATH (string characters, array elements, object members)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  filter->add_option("--eq", f.filter.eq, "PATH=VALUE: some value at PATH equals VALUE (JSON if it parses, else a string)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  filter->add_option("--ne", f.filter.ne, "PATH=VALUE: no value at PATH equals VALUE")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  filter->add_option("--has", f.filter.has, "PATH reaches a value (null included)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  filter->add_option("--nonempty", f.filter.nonempty, "PATH reaches values, none null, blank, [] or {}")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  filter->add_option("--bytes", f.filter.bytes, "Record size in bytes in MIN..MAX");
  filter->add_option("--match", f.filter.match, "PATH=REGEX: some value at PATH matches (RE2 syntax, unanchored; (?i) for case-insensitive)")->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  filter->add_flag("--invert", f.filter.invert, "Keep the records that the predicates reject instead");
  filter->footer("Predicates combine with AND. Example: jsift filter --turns 5..10 --nonempty '.turns[].content' in.jsonl -o out.jsonl");

  auto* dedup = app.add_subcommand("dedup", "Drop exact duplicates, keeping the first occurrence; write the rest byte-for-byte in input order");
  add_common(*dedup, f.common, true);
  dedup->add_option("--key", f.dedup.keys, "Compare the values at PATH (repeatable: a tuple; .turns[].content is the whole list). "
                                           "Default: the whole record as a JSON value (key order and whitespace do not matter)")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  dedup->add_option("--normalize", f.dedup.normalize, "Compare text after normalising: none, or a list of ws (collapse whitespace), case (ASCII lowercase), punct (drop ASCII punctuation)")
      ->capture_default_str();
  dedup->add_option("--dups", f.dedup.dups, "Write one JSONL line per dropped record: file, line, key hash and the first occurrence it duplicates");
  dedup->add_flag("--count-only", f.dedup.count_only, "Count duplicates; write no records");
  dedup->add_option("--index", f.dedup.index, "Persistent seen-set: read if it exists, updated at the end, so later runs drop records seen earlier");
  dedup->add_option("--against", f.dedup.against, "Reference set (JSONL file, directory or index): drop input records whose key it holds, e.g. eval data (repeatable)")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  dedup->add_option("--max-memory", f.dedup.max_memory, "Fail (exit 4) rather than let the key sets grow past SIZE");
  dedup->footer("Memory: the seen-set keeps 20-30 bytes per distinct key (30-45 with --dups), plus the --against keys.\n"
                "Example: jsift dedup --key '.turns[].content' --normalize ws,case data/ -o unique.jsonl --dups dups.jsonl");

  auto* rebalance = app.add_subcommand("rebalance", "Sample to a target mix of a field, deterministically (--seed); output keeps input order");
  add_common(*rebalance, f.common, true);
  rebalance->add_option("--by", f.select.by, "The field whose mix to set (e.g. .record_type)")->required();
  rebalance->add_option("--target", f.select.target, "Shares of the output: chat=0.35,qa=0.2,... (exact counts; total: --total, or the largest the data allows)");
  rebalance->add_option("--total", f.select.total, "Output records in all, with --target or --equal");
  rebalance->add_option("--cap", f.select.cap, "At most N records of each named group: chat=2000,qa=500");
  rebalance->add_option("--cap-all", f.select.cap_all, "At most N records of every group");
  rebalance->add_flag("--equal", f.select.equal, "The same number of records from every group");
  rebalance->add_option("--others", f.select.others, "Groups not named in --target/--cap: drop, or keep them whole")
      ->check(CLI::IsMember({"drop", "keep"}))
      ->capture_default_str();
  rebalance->add_flag("--allow-upsample", f.select.allow_upsample, "Repeat records of groups too small for their quota (reported)");
  rebalance->add_option("--key", f.select.key, "Choose by a hash of the value at PATH instead of the whole record");
  rebalance->add_option("--seed", f.select.seed, "Selection seed")->capture_default_str();
  rebalance->footer("Records are chosen per group by the smallest seeded XXH3 (bottom-k): the same seed gives the same output.\n"
                    "Memory: the k smallest keys per group (24 bytes each); stdin is spooled to $TMPDIR (read more than once).\n"
                    "Example: jsift rebalance --by .record_type --target chat=0.5,qa=0.3,preference=0.2 --seed 7 data/ -o mix.jsonl");

  auto* sample = app.add_subcommand("sample", "A uniform, deterministic sample of records (review sets); output keeps input order");
  add_common(*sample, f.common, true);
  sample->add_option("-n", f.select.n, "Exactly N records (N per group with --by)");
  sample->add_option("--fraction", f.select.fraction, "Each record with probability F, decided by its hash (one pass, no memory)");
  sample->add_option("--by", f.select.by, "Sample N records from each group of this field");
  sample->add_option("--key", f.select.key, "Choose by a hash of the value at PATH instead of the whole record");
  sample->add_option("--seed", f.select.seed, "Selection seed")->capture_default_str();
  sample->footer("Memory: -n keeps N keys per group (24 bytes each) and spools stdin to $TMPDIR; --fraction keeps nothing.");

  auto* split = app.add_subcommand("split", "Deterministic train/eval split by a hash of a key: stable when data is appended or reordered");
  add_common(*split, f.common, false);
  split->add_option("-o,--output", f.split.dir, "Directory for one NAME.jsonl per split (created if missing)")->required();
  split->add_option("--ratios", f.split.ratios, "Splits and their shares, summing to 1")->default_val("train=0.98,eval=0.02")->capture_default_str();
  split->add_option("--key", f.split.key, "Records with the same value at PATH land in the same split (e.g. a conversation id)");
  split->add_option("--seed", f.split.seed, "Assignment seed")->capture_default_str();
  split->footer("Example: jsift split --ratios train=0.9,eval=0.1 --key .conversation_id data/ -o splits/");

  auto* shard = app.add_subcommand("shard", "Validated zstd JSONL shards (HuggingFace names), a dataset card and manifest.json, atomically");
  add_common(*shard, f.common, false);
  shard->add_option("-o,--output", f.shard.dir, "Directory for the shards (created; must be empty unless --force)")->required();
  shard->add_option("--split", f.shard.split, "Split name: shards are NAME-00000-of-0000N.jsonl.zst")->capture_default_str();
  shard->add_option("--max-records", f.shard.max_records, "Start a new shard after N records");
  shard->add_option("--max-bytes", f.shard.max_bytes, "Start a new shard before SIZE uncompressed bytes (a larger record goes alone)");
  shard->add_option("--level", f.shard.level, "zstd level (1-19)")->check(CLI::Range(1, 19))->capture_default_str();
  shard->add_option("--compress", f.shard.compress, "zstd or none")->check(CLI::IsMember({"zstd", "none"}))->capture_default_str();
  shard->add_option("--by", f.shard.by, "Count records per value of this field in the manifest and card");
  shard->add_flag("--force", f.shard.force, "Write into a non-empty directory, replacing its shards, card and manifest");
  shard->footer("Example: jsift shard -o hub/ --split train --max-bytes 256MiB --by .record_type data/ && jsift verify hub/");

  auto* verify = app.add_subcommand("verify", "Re-check a shard directory against its manifest: every shard decompressed, every line parsed");
  verify->add_option("dir", f.verify_dir, "The directory jsift shard wrote")->required();
  verify->add_option("-j,--threads", f.verify_threads, "Worker threads (default: every core)");
  verify->footer("Exit 0 when everything matches the manifest, 3 with one line per problem otherwise.");

  auto* gate = app.add_subcommand("gate", "Run the checks of a TOML file over the input in one pass; exit 1 if any fails");
  add_common(*gate, f.common, false);
  gate->add_option("--config", f.gate.config, "The gate file: [[check]] tables (see README 'jsift gate')")->required();
  add_gate_reports(*gate, f.gate);
  gate->footer("Exit codes: 0 every check passed, 1 a check failed, 2 config error, 3 invalid data under --on-invalid fail.\n"
               "Example: jsift gate --config examples/chat-gate.toml --on-invalid skip --junit gate.xml data/");

  auto* run = app.add_subcommand("run", "A whole pipeline from a TOML file: filter, dedup, rebalance, split (and shard), then the gate on the output");
  add_common(*run, f.common, false);
  run->add_option("--config", f.gate.config, "The pipeline file: [filter] [dedup] [rebalance] [split] [output] and [[check]] (see README 'jsift run')")->required();
  run->add_option("-o,--output", f.split.dir, "Output directory (overrides [output] dir)");
  add_gate_reports(*run, f.gate);
  run->footer("Exit codes as for gate. Example: jsift run --config examples/pipeline.toml data/");

  for (int i = 0; i < argc; ++i) f.argv.emplace_back(argv[i]);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e, std::cout, std::cerr);
    f.exit_now = rc == 0 ? 0 : 2;
    return f;
  }
  if (stats->parsed()) f.cmd = command::stats;
  if (filter->parsed()) f.cmd = command::filter;
  if (dedup->parsed()) f.cmd = command::dedup;
  if (rebalance->parsed()) f.cmd = command::rebalance;
  if (sample->parsed()) f.cmd = command::sample;
  if (split->parsed()) f.cmd = command::split;
  if (shard->parsed()) f.cmd = command::shard;
  if (verify->parsed()) f.cmd = command::verify;
  if (gate->parsed()) f.cmd = command::gate;
  if (run->parsed()) f.cmd = command::run;
  return f;
}

}  // namespace jsift::cli
