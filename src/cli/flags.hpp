// flags.hpp — what was typed: the raw flags of every subcommand, filled by
// parse_flags() from one CLI11 table that also drives --help. Validation and
// typing happen in options.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace jsift::cli {

struct common_flags {
  std::vector<std::string> inputs;
  std::string output = "-";
  unsigned threads = 0;
  std::string on_invalid = "fail";
  std::string report;
  std::string progress = "auto";
  bool no_progress = false;
  bool quiet = false;
  std::string max_line_bytes = "64MiB";
  std::string chunk_bytes = "4MiB";
  bool no_mmap = false;
};

struct stats_flags {
  std::string by;
  std::string turns_path;
  std::vector<std::string> unique;
  std::string format = "auto";
  bool json = false;
  std::string normalize = "none";
  bool approx = false;
  bool no_duplicates = false;
};

struct filter_flags {
  std::string turns;
  std::string turns_path;
  std::vector<std::string> len, eq, ne, has, nonempty, match;
  std::string bytes;
  bool invert = false;
};

struct dedup_flags {
  std::vector<std::string> keys;
  std::string normalize = "none";
  std::string dups;
  bool count_only = false;
  std::string index;
  std::vector<std::string> against;
  std::string max_memory;
};

struct select_flags {  // rebalance and sample
  std::string by;
  std::string key;
  uint64_t seed = 0;
  std::string target, cap;
  uint64_t cap_all = 0;
  uint64_t total = 0;
  bool equal = false;
  std::string others = "drop";
  bool allow_upsample = false;
  uint64_t n = 0;
  double fraction = -1;
};

struct split_flags {
  std::string ratios;
  std::string key;
  uint64_t seed = 0;
  std::string dir;
};

struct shard_flags {
  std::string dir;
  std::string split = "train";
  uint64_t max_records = 0;
  std::string max_bytes;
  int level = 3;
  std::string compress = "zstd";
  std::string by;
  bool force = false;
};

struct gate_flags {
  std::string config;
  std::string report_json, report_md, junit;
};

enum class command { none, stats, filter, dedup, rebalance, sample, split, shard, verify, gate, run };

struct parsed_flags {
  command cmd = command::none;
  common_flags common;
  stats_flags stats;
  filter_flags filter;
  dedup_flags dedup;
  select_flags select;
  split_flags split;
  shard_flags shard;
  gate_flags gate;
  std::string verify_dir;
  unsigned verify_threads = 0;
  std::vector<std::string> argv;
  int exit_now = -1;  // >= 0: help or version was printed, or a usage error
};

parsed_flags parse_flags(int argc, char** argv);

}  // namespace jsift::cli
