// dedup_stage_run.hpp — one stage of exact dedup over --tasks (keys, find or
// drop: jobs/dedup_stages.hpp), as `dedup --stage` and the [dedup] part of
// `run --stage` (jsift cluster -- run) both run it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common_flags.hpp"
#include "jsift/json/minhash.hpp"
#include "jsift/json/record_key.hpp"
#include "jsift/json/text_source.hpp"
#include "jsift/sets/key_set.hpp"

namespace jsift::cli {

struct dedup_stage_args {
  std::string stage, workdir;
  std::optional<uint64_t> ranges, range;
  uint64_t max_memory = 0;  // bytes (0: unlimited): bounds the reference set keys loads (--against)
};

// --workdir, --ranges and --range (the caller defines --stage, whose words are its own).
void define_dedup_stage_flags(flag_list& f, dedup_stage_args& a);

// With --near: the MinHash parameters and the texts signed (instead of `key`).
struct near_stage {
  std::optional<minhash_params> params;
  std::vector<text_source> key;
};

// With --against: loads the reference set's keys (band keys with near)
// into `into`, read with `ro`, and returns the warnings about references
// that gave none. Only the keys stage calls it.
using reference_loader = std::function<std::string(key_set& into, const record_job_options& ro, unsigned threads)>;

// Runs the stage; the records of drop go to `output` ("-": stdout), its
// duplicates to `dups` ("" for none). Returns the exit code.
int run_dedup_stage(const common_args& common, const dedup_stage_args& a, const key_spec& key, const near_stage& near,
                    const std::string& output, const std::string& dups, std::string_view command, const reference_loader& against = {});

}  // namespace jsift::cli
