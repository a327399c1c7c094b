#include "jsift/jobs/stats_job.hpp"

#include <tuple>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/partial_file.hpp"

namespace jsift {

namespace {
struct stats_chunk : record_chunk {
  explicit stats_chunk(const stats_options& o) : partial(o) {}
  stats_partial partial;
};
}  // namespace

namespace {
stats_options uncapped(stats_options o) {
  o.max_groups = o.max_keys = SIZE_MAX;
  return o;
}
}  // namespace

stats_job::stats_job(const std::vector<input_file>& files, record_job_options ro, stats_options so, stats_mode mode)
    : record_job(files, std::move(ro)),
      so_(std::move(so)),
      work_(mode == stats_mode::task ? uncapped(so_) : so_),
      sets_(so_.approx || mode != stats_mode::plain ? nullptr : std::make_unique<stats_sets>(so_)),
      acc_(work_, sets_.get(), mode != stats_mode::plain) {}

std::string stats_job::partial(uint64_t tasks, uint64_t task, const std::vector<input_file>& all_inputs,
                               const std::vector<skipped_input>& skipped) const {
  partial_writer w;
  w.str("stats");
  write_task_of(w, tasks, task);
  const stats_options& o = so_;
  w.str(o.by ? o.by->text() : "");
  w.u64(o.by_is_default);
  w.str(o.turns_path ? o.turns_path->text() : "");
  w.str(turn_unit_name(o.turns_count));
  w.u64(o.unique.size());
  for (const auto& u : o.unique) w.str(u.text());
  w.str(o.record_key.norm.text());
  for (bool b : {o.duplicates, o.duplicates_by_bytes, o.approx}) w.u64(b);
  w.u64(o.max_groups);
  w.u64(o.max_keys);
  w.u64(all_inputs.size());
  for (const auto& f : all_inputs) w.str(f.name());
  write_skipped(w, skipped);
  write_summary(w);
  acc_.write_partial(w);
  return w.finish();
}

stats_partial_head stats_partial_head::read(partial_reader& r) {
  stats_partial_head h;
  std::tie(h.tasks, h.task) = read_task_of(r);
  stats_options& o = h.options;
  try {
    if (std::string by = r.str(); !by.empty()) o.by = path::parse(by);
    o.by_is_default = r.u64() != 0;
    if (std::string t = r.str(); !t.empty()) o.turns_path = path::parse(t);
    o.turns_count = parse_turn_unit(r.str(), "turns_count");
    for (uint64_t n = r.u64(); n > 0; --n) o.unique.push_back(path::parse(r.str()));
    o.record_key.norm = normalization::parse(r.str());
  } catch (const usage_error& e) {
    r.fail(e.what());
  }
  for (bool* b : {&o.duplicates, &o.duplicates_by_bytes, &o.approx}) *b = r.u64() != 0;
  o.max_groups = size_t(r.u64());
  o.max_keys = size_t(r.u64());
  for (uint64_t n = r.u64(); n > 0; --n) h.inputs.push_back(r.str());
  h.skipped = read_skipped(r);
  return h;
}

void stats_job::merge_partial(partial_reader& r) {
  read_summary(r);
  acc_.read_merge(r);
}

std::unique_ptr<record_chunk> stats_job::make_chunk() const { return std::make_unique<stats_chunk>(work_); }

void stats_job::on_record(record_chunk& rc, const record_ref& rec) const {
  static_cast<stats_chunk&>(rc).partial.add(work_, rec.line, *rec.doc);
  rc.counts.add(disposition_names::kept);
}

void stats_job::on_chunk_end(record_chunk& rc, const chunk& c) const {
  if (!sets_) return;
  if (c.seq == 0) sets_->reserve(expected_records(rc, c));
  static_cast<stats_chunk&>(rc).partial.close(work_, *sets_);
}

void stats_job::on_commit(record_chunk& rc) { acc_.merge(static_cast<stats_chunk&>(rc).partial); }

}  // namespace jsift
