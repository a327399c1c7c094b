#include "jsift/jobs/select_jobs.hpp"

#include <algorithm>
#include <cmath>

#include <xxh_x86dispatch.h>

#include "jsift/json/value_hash.hpp"

namespace jsift {
namespace dom = simdjson::dom;

void select_record(const selector& sel, key_hasher& kh, const record_ref& rec, record_selection& out) {
  if (!sel.by) {
    out.group = "(all)";
  } else if (auto v = sel.by->is_multi() ? std::nullopt : sel.by->first(rec.root); v && v->type() == dom::element_type::STRING) {
    out.group.assign(v->get_string().value_unsafe());
  } else {
    out.group = group_text(*sel.by, rec.root);
  }
  uint64_t h;
  hash128 k;
  if (!sel.key.paths.empty() && kh.hash(rec.root, k)) h = XXH3_64bits_withSeed(&k, sizeof k, sel.seed);
  else h = XXH3_64bits_withSeed(rec.line.data(), rec.line.size(), sel.seed);
  out.key = sel_key{h, rec.file, rec.offset};
}

namespace {

struct select_chunk : record_chunk {
  explicit select_chunk(const key_spec& s) : hasher(s) {}
  key_hasher hasher;
  record_selection scratch;
  std::vector<std::pair<std::string, sel_key>> picked;  // threshold pass: (group, key)
  std::map<std::string, uint64_t> counts;               // records per group
};

}  // namespace

threshold_job::threshold_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel,
                             std::map<std::string, uint64_t> k)
    : record_job(files, std::move(ro)), sel_(sel), k_(std::move(k)) {}

std::unique_ptr<record_chunk> threshold_job::make_chunk() const { return std::make_unique<select_chunk>(sel_.key); }

void threshold_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<select_chunk&>(rc);
  select_record(sel_, sc.hasher, rec, sc.scratch);
  ++sc.counts[sc.scratch.group];
  auto k = k_.find(sc.scratch.group);
  if ((k == k_.end() ? default_k_ : k->second) > 0) sc.picked.emplace_back(sc.scratch.group, sc.scratch.key);
  rc.counts.add(disposition_names::kept);
}

void threshold_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<select_chunk&>(rc);
  for (auto& [g, n] : sc.counts) counts_[g] += n;
  for (auto& [g, key] : sc.picked) {
    auto kk = k_.find(g);
    uint64_t k = kk == k_.end() ? default_k_ : kk->second;
    auto& heap = heaps_[g];
    if (heap.size() < k) {
      heap.push_back(key);
      std::push_heap(heap.begin(), heap.end());
    } else if (key < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = key;
      std::push_heap(heap.begin(), heap.end());
    }
  }
}

std::map<std::string, sel_key> threshold_job::thresholds() const {
  std::map<std::string, sel_key> out;
  for (auto& [g, heap] : heaps_)
    if (!heap.empty()) out[g] = heap.front();  // the largest of the k smallest
  return out;
}

emit_job::emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel,
                   std::map<std::string, group_plan> plans, output_file& out)
    : record_job(files, std::move(ro)), sel_(sel), plans_(plans.begin(), plans.end()), out_(out) {
  sampled_out_id_ = names().add("sampled_out");
}

emit_job::emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, double fraction,
                   output_file& out)
    : record_job(files, std::move(ro)), sel_(sel), out_(out) {
  // hash < fraction * 2^64, computed without overflow at fraction 1
  fraction_cut_ = fraction >= 1.0 ? UINT64_MAX : uint64_t(std::ldexp(fraction, 64));
  sampled_out_id_ = names().add("sampled_out");
}

namespace {
struct emit_chunk : select_chunk {
  using select_chunk::select_chunk;
  uint64_t extra = 0;
};
}  // namespace

std::unique_ptr<record_chunk> emit_job::make_chunk() const { return std::make_unique<emit_chunk>(sel_.key); }

void emit_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& ec = static_cast<emit_chunk&>(rc);
  select_record(sel_, ec.hasher, rec, ec.scratch);
  uint64_t copies = 0;
  if (fraction_cut_) {
    copies = ec.scratch.key.hash < *fraction_cut_ || *fraction_cut_ == UINT64_MAX ? 1 : 0;
  } else if (auto p = plans_.find(std::string_view(ec.scratch.group)); p != plans_.end()) {
    const group_plan& plan = p->second;
    copies = plan.all ? 1 : plan.base + (plan.threshold && ec.scratch.key <= *plan.threshold ? 1 : 0);
  }
  if (copies == 0) {
    rc.drop(sampled_out_id_);
    return;
  }
  rc.keep(rec.line);
  for (uint64_t i = 1; i < copies; ++i) {
    rc.out.append(rec.line);
    rc.out.push_back('\n');
  }
  ec.extra += copies - 1;
}

void emit_job::on_commit(record_chunk& rc) {
  auto& ec = static_cast<emit_chunk&>(rc);
  extra_ += ec.extra;
  out_.write(rc.out);
}

std::map<std::string, uint64_t> threshold_sizes(const std::map<std::string, quota>& quotas) {
  std::map<std::string, uint64_t> k;
  for (auto& [g, q] : quotas)
    if (q.available) k[g] = q.keep % q.available;  // keep < available: keep; == : 0 (all); > : the remainder
  return k;
}

std::map<std::string, group_plan> make_group_plans(const std::map<std::string, quota>& quotas,
                                                   const std::map<std::string, sel_key>& thresholds) {
  std::map<std::string, group_plan> plans;
  for (auto& [g, q] : quotas) {
    group_plan p;
    if (q.available > 0 && q.keep == q.available) {
      p.all = true;
    } else if (q.available > 0 && q.keep > 0) {
      p.base = q.keep / q.available;
      if (q.keep % q.available) p.threshold = thresholds.at(g);
    }
    plans[g] = p;
  }
  return plans;
}

}  // namespace jsift
