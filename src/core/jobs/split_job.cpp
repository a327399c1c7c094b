#include "jsift/jobs/split_job.hpp"

#include <fmt/format.h>

namespace jsift {
namespace {
struct split_chunk : record_chunk {
  explicit split_chunk(const key_spec& s, size_t n) : hasher(s), buckets(n), counts(n, 0) {}
  key_hasher hasher;
  std::vector<std::string> buckets;
  std::vector<uint64_t> counts;
  uint32_t first_keyless = UINT32_MAX;  // line index of the first record without a key (keyless fail)
  uint64_t first_keyless_offset = 0;    // ... and its byte offset
};
}  // namespace

split_job::split_job(const std::vector<input_file>& files, record_job_options ro, const split_router& router,
                     std::vector<output_file*> outs)
    : record_job(files, std::move(ro)), router_(router), outs_(std::move(outs)), counts_(router.size(), 0), writer_(write_behind_bytes) {
  keyless_id_ = names().add("filtered:keyless");
}

std::unique_ptr<record_chunk> split_job::make_chunk() const {
  return std::make_unique<split_chunk>(router_.key(), router_.size());
}

void split_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<split_chunk&>(rc);
  std::optional<size_t> bucket = router_.bucket(sc.hasher, rec);
  if (!bucket) {
    if (router_.keyless() == keyless_policy::skip) return rc.drop(keyless_id_);
    if (sc.first_keyless == UINT32_MAX) sc.first_keyless = rec.index, sc.first_keyless_offset = rec.offset;
    return rc.drop(keyless_id_);  // the run stops at commit: never written
  }
  const size_t b = *bucket;
  sc.buckets[b].append(rec.line);
  sc.buckets[b].push_back('\n');
  ++sc.counts[b];
  rc.counts.add(disposition_names::kept);
}

void split_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<split_chunk&>(rc);
  if (sc.first_keyless < rc.emit_end) {
    if (files()[commit_file()].part())  // a task's part of a file: its lines before are not counted
      throw keyless_record(fmt::format("{}@{}", commit_file_name(), sc.first_keyless_offset), router_);
    throw keyless_record(commit_file_name(), commit_line(sc.first_keyless), router_);
  }
  for (size_t b = 0; b < sc.buckets.size(); ++b) {
    counts_[b] += sc.counts[b];
    if (sc.buckets[b].empty()) continue;
    const size_t n = sc.buckets[b].size();
    writer_.post(n, [out = outs_[b], bytes = std::move(sc.buckets[b])] { out->write(bytes); });
  }
}

data_error keyless_record(const std::string& file, uint64_t line, const split_router& router) {
  return keyless_record(fmt::format("{}:{}", file, line), router);
}

data_error keyless_record(const std::string& place, const split_router& router) {
  return data_error(fmt::format("{}: no value at the split key {} (records sharing a key must land in one split; "
                                "--keyless skip counts records without it as filtered:keyless)",
                                place, router.key_text()));
}

void split_job::finish_records() {
  writer_.drain();
  for (output_file* o : outs_) o->commit();
}

}  // namespace jsift
