// jsift/sets/key_index.hpp — a dedup seen-set on disk (`dedup --index FILE`,
// `--against FILE`), so later runs can drop what earlier runs kept.
//
// Format, version 1 (all integers little-endian):
//   8  magic "JSIFTIDX"
//   4  version (1)
//   4  length L of the key spec text
//   L  key spec text (key_spec::text(): paths and normalisation)
//   8  number of keys N
//   16*N  keys (lo, hi)
//   8  XXH3-64 of every byte before it
// A file that is truncated, fails its checksum, is not an index (wrong
// magic), has another version, or was built with another key spec is a
// data_error naming the file and the problem (exit 3): never a silent
// empty set. Writing is atomic (temporary name, renamed when complete).
// Stateless functions; the key_set they fill or write belongs to the caller
// (one thread at a time).
#pragma once

#include <string>

#include "jsift/sets/key_set.hpp"

namespace jsift {

bool looks_like_key_index(const std::string& path);  // by magic bytes

// Inserts the index's keys into `into` (payload: `payload`).
// Returns the number of keys read.
uint64_t read_key_index(const std::string& path, const std::string& expected_spec, key_set& into, uint64_t payload);

void write_key_index(const std::string& path, const std::string& spec, const key_set& keys);

}  // namespace jsift
