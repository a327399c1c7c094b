#include "jsift/jobs/split_job.hpp"

#include <cmath>

#include <xxh_x86dispatch.h>

namespace jsift {
namespace {
struct split_chunk : record_chunk {
  explicit split_chunk(const key_spec& s, size_t n) : hasher(s), buckets(n), counts(n, 0) {}
  key_hasher hasher;
  std::vector<std::string> buckets;
  std::vector<uint64_t> counts;
};
}  // namespace

std::vector<uint64_t> split_cuts(const std::vector<std::pair<std::string, double>>& ratios) {
  std::vector<uint64_t> cuts;
  double sum = 0;
  for (size_t i = 0; i < ratios.size(); ++i) {
    sum += ratios[i].second;
    cuts.push_back(i + 1 == ratios.size() || sum >= 1.0 ? UINT64_MAX : uint64_t(std::ldexp(sum, 64)));
  }
  return cuts;
}

size_t split_bucket(const std::vector<uint64_t>& cuts, uint64_t h) {
  size_t b = 0;
  while (b + 1 < cuts.size() && h >= cuts[b]) ++b;
  return b;
}

uint64_t split_hash(key_hasher& kh, const key_spec& key, uint64_t seed, const record_ref& rec) {
  hash128 k;
  if (!key.paths.empty() && kh.hash(rec.root, k)) return XXH3_64bits_withSeed(&k, sizeof k, seed);
  return XXH3_64bits_withSeed(rec.line.data(), rec.line.size(), seed);
}

split_job::split_job(const std::vector<input_file>& files, record_job_options ro, split_options o,
                     std::vector<output_file*> outs)
    : record_job(files, std::move(ro)),
      o_(std::move(o)),
      cuts_(split_cuts(o_.ratios)),
      outs_(std::move(outs)),
      counts_(o_.ratios.size(), 0) {}

std::unique_ptr<record_chunk> split_job::make_chunk() const {
  return std::make_unique<split_chunk>(o_.key, o_.ratios.size());
}

void split_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<split_chunk&>(rc);
  size_t b = split_bucket(cuts_, split_hash(sc.hasher, o_.key, o_.seed, rec));
  sc.buckets[b].append(rec.line);
  sc.buckets[b].push_back('\n');
  ++sc.counts[b];
  rc.counts.add(disposition_names::kept);
}

void split_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<split_chunk&>(rc);
  for (size_t b = 0; b < sc.buckets.size(); ++b) {
    outs_[b]->write(sc.buckets[b]);
    counts_[b] += sc.counts[b];
  }
}

}  // namespace jsift
