#include "jsift/jobs/gate_job.hpp"

#include <fmt/format.h>

namespace jsift {
namespace {

struct gate_chunk : record_chunk {
  std::vector<std::unique_ptr<check_state>> states;
  std::vector<uint64_t> reached;  // per watched path of every check, in order
};

}  // namespace

gate_job::gate_job(const std::vector<input_file>& files, record_job_options ro, gate_config& cfg)
    : record_job(files, std::move(ro)), cfg_(cfg) {}

std::unique_ptr<record_chunk> gate_job::make_chunk() const {
  auto c = std::make_unique<gate_chunk>();
  size_t watched = 0;
  for (const auto& check : cfg_.checks) {
    c->states.push_back(check->make_state());
    watched += check->watched().size();
  }
  c->reached.assign(watched, 0);
  return c;
}

void gate_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& gc = static_cast<gate_chunk&>(rc);
  size_t w = 0;
  for (size_t i = 0; i < cfg_.checks.size(); ++i) {
    cfg_.checks[i]->add(gc.states[i].get(), rec);
    for (const auto& p : cfg_.checks[i]->watched()) gc.reached[w++] += p.at.first(rec.root).has_value();
  }
  rc.counts.add(disposition_names::kept);
}

void gate_job::on_chunk_end(record_chunk& rc, const chunk& c) const {
  auto& gc = static_cast<gate_chunk&>(rc);
  for (size_t i = 0; i < cfg_.checks.size(); ++i)
    if (gc.states[i]) {
      gc.states[i]->seq = c.seq;
      cfg_.checks[i]->close(gc.states[i].get());
    }
}

void gate_job::on_commit(record_chunk& rc) {
  auto& gc = static_cast<gate_chunk&>(rc);
  auto where = [&](uint32_t index) { return fmt::format("{}:{}", files()[commit_file()].name(), commit_line(index)); };
  for (size_t i = 0; i < cfg_.checks.size(); ++i)
    if (gc.states[i]) cfg_.checks[i]->merge(gc.states[i].get(), where);
  if (reached_.size() < gc.reached.size()) reached_.resize(gc.reached.size(), 0);
  for (size_t w = 0; w < gc.reached.size(); ++w) reached_[w] += gc.reached[w];
}

std::vector<check_result> gate_job::results() const {
  gate_totals t;
  t.lines = tally().lines;
  t.records = counts().get(disposition_names::kept);
  t.invalid = invalid_total();
  t.blank = counts().get(disposition_names::blank);
  std::vector<check_result> out;
  size_t w = 0;
  for (const auto& c : cfg_.checks) {
    out.push_back(c->evaluate(t));
    std::vector<uint64_t> reached(c->watched().size(), 0);
    for (size_t i = 0; i < reached.size() && w + i < reached_.size(); ++i) reached[i] = reached_[w + i];
    w += reached.size();
    c->apply_coverage(out.back(), reached, t.records);
  }
  return out;
}

}  // namespace jsift
