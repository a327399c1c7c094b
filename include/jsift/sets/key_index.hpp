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

#include <functional>
#include <string>

#include "jsift/sets/key_set.hpp"

namespace jsift {

bool looks_like_key_index(const std::string& path);  // by magic bytes

// Calls `add` with each of the index's keys; returns how many it read.
uint64_t read_key_index(const std::string& path, const std::string& expected_spec, const std::function<void(const hash128&)>& add);
// Inserts the index's keys into `into` (payload: `payload`).
uint64_t read_key_index(const std::string& path, const std::string& expected_spec, key_set& into, uint64_t payload);

// Writes the n keys that `each` visits (it calls its argument once a key).
using key_visitor = std::function<void(const std::function<void(const hash128&)>&)>;
void write_key_index(const std::string& path, const std::string& spec, uint64_t n, const key_visitor& each);
void write_key_index(const std::string& path, const std::string& spec, const key_set& keys);

}  // namespace jsift
