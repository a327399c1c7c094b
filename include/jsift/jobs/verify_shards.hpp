// jsift/jobs/verify_shards.hpp — `jsift verify DIR`: re-checks a directory
// that `jsift shard` wrote against its manifest: every shard's size and
// XXH3-64 checksum, every shard decompressed and every line fully parsed,
// record counts and content checksums, and no file the manifest does not
// list (an interrupted run's temporaries included). Returns every problem
// found, one line each; nothing is changed. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jsift {

struct verify_result {
  std::vector<std::string> problems;  // empty: the directory is sound
  uint64_t shards = 0, records = 0;
};

verify_result verify_shards(const std::string& dir, unsigned threads);

}  // namespace jsift
