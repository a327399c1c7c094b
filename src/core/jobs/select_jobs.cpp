#include "jsift/jobs/select_jobs.hpp"

#include <cmath>
#include <map>

#include "jsift/sets/string_counter.hpp"

namespace jsift {
namespace {

struct select_chunk : record_chunk {
  explicit select_chunk(const key_spec& s) : hasher(s) {}
  key_hasher hasher;
  record_selection scratch;
  string_counter groups;                              // records per group (chunk-local ids)
  std::vector<uint64_t> group_bytes;                  // survey: bytes per group id
  std::vector<std::pair<uint32_t, sel_key>> offered;  // survey: (group id, key) of groups with k > 0
  // emit: a record to write `extra` more times; out holds it once, ending at `end`
  struct repeat {
    size_t end, len;
    uint64_t extra;
  };
  std::vector<repeat> repeats;
  uint64_t extra = 0;  // emit: upsampled copies in all
};

}  // namespace

survey_job::survey_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, bottom_k& survey)
    : record_job(files, std::move(ro)), sel_(sel), survey_(survey) {}

std::unique_ptr<record_chunk> survey_job::make_chunk() const { return std::make_unique<select_chunk>(sel_.key); }

namespace {
// A task's part names files by their place among all the inputs: ties
// between equal hashes break as in one run over them all.
void whole_file(const std::vector<input_file>& files, const record_ref& rec, sel_key& key) {
  if (files[rec.file].in_task) key.file = files[rec.file].whole_index;
}
}  // namespace

void survey_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<select_chunk&>(rc);
  select_record(sel_, sc.hasher, rec, sc.scratch);
  whole_file(files(), rec, sc.scratch.key);
  uint32_t g = uint32_t(sc.groups.add(sc.scratch.group));
  if (sc.group_bytes.size() <= g) sc.group_bytes.resize(g + 1, 0);
  sc.group_bytes[g] += rec.line.size() + 1;
  if (survey_.wants(sc.scratch.group)) sc.offered.emplace_back(g, sc.scratch.key);
  rc.counts.add(disposition_names::kept);
}

void survey_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<select_chunk&>(rc);
  for (size_t i = 0; i < sc.groups.size(); ++i) survey_.count(sc.groups.name(i), sc.groups.count(i), sc.group_bytes[i]);
  for (auto& [g, key] : sc.offered) survey_.offer(sc.groups.name(g), key);
}

emit_job::emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, const emit_plan& plan,
                   output_file& out)
    : record_job(files, std::move(ro)), sel_(sel), plan_(&plan), out_(out), writer_(write_behind_bytes) {
  sampled_out_id_ = names().add("sampled_out");
}

emit_job::emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, double fraction,
                   output_file& out)
    : record_job(files, std::move(ro)), sel_(sel), out_(out), writer_(write_behind_bytes) {
  // hash < fraction * 2^64, computed without overflow at fraction 1
  fraction_cut_ = fraction >= 1.0 ? UINT64_MAX : uint64_t(std::ldexp(fraction, 64));
  sampled_out_id_ = names().add("sampled_out");
}

std::unique_ptr<record_chunk> emit_job::make_chunk() const { return std::make_unique<select_chunk>(sel_.key); }

void emit_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<select_chunk&>(rc);
  select_record(sel_, sc.hasher, rec, sc.scratch);
  whole_file(files(), rec, sc.scratch.key);
  uint64_t copies = 0;
  if (fraction_cut_) copies = sc.scratch.key.hash < *fraction_cut_ || *fraction_cut_ == UINT64_MAX ? 1 : 0;
  else copies = plan_->copies(sc.scratch.group, sc.scratch.key);
  if (copies == 0) {
    rc.drop(sampled_out_id_);
    return;
  }
  rc.keep(rec.line);
  if (copies > 1) {  // the copies are written at commit from this one (never built in memory)
    sc.repeats.push_back({rc.out.size(), rec.line.size() + 1, copies - 1});
    sc.extra += copies - 1;
  }
}

void emit_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<select_chunk&>(rc);
  extra_ += sc.extra;
  if (rc.out.empty()) return;
  if (sc.repeats.empty()) {
    const size_t n = rc.out.capacity();  // what it holds, however little was kept
    return writer_.post(n, [&out = out_, bytes = std::move(rc.out)] { out.write(bytes); });
  }
  // Upsampled records go out as repeated pieces of their one copy in `out`,
  // in batches: memory stays the chunk's whatever the number of copies.
  auto bytes = std::make_shared<const std::string>(std::move(rc.out));
  std::vector<iovec> pieces;
  size_t batch_bytes = bytes->capacity();  // the first batch counts the buffer they all hold
  auto send = [&] {
    writer_.post(batch_bytes, [&out = out_, pieces = std::move(pieces), bytes]() mutable { out.write_pieces(pieces); });
    pieces = {};
    batch_bytes = 0;
  };
  auto piece = [&](const char* p, size_t n) {
    pieces.push_back({const_cast<char*>(p), n});
    batch_bytes += n;
    if (pieces.size() >= 1024) send();
  };
  size_t pos = 0;
  for (const auto& r : sc.repeats) {
    if (r.end > bytes->size()) break;  // cut by --on-invalid fail
    piece(bytes->data() + pos, r.end - pos);
    for (uint64_t i = 0; i < r.extra; ++i) piece(bytes->data() + r.end - r.len, r.len);
    pos = r.end;
  }
  if (pos < bytes->size()) piece(bytes->data() + pos, bytes->size() - pos);
  if (!pieces.empty()) send();
}

planned_selection plan_input_selection(const std::vector<input_file>& inputs, const pass_options& po,
                                       const record_job_options& ro, const selector& sel, const quota_request& req,
                                       memory_budget* budget) {
  return plan_selection(req, [&](const survey_request& ask) {
    bottom_k found(ask.k, ask.default_k, budget);
    survey_job job(inputs, ro.for_survey(), sel, found);
    run_pass(inputs, po, job);
    return found;
  });
}

}  // namespace jsift
