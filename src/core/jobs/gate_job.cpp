#include "jsift/jobs/gate_job.hpp"

#include <tuple>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/partial_file.hpp"

namespace jsift {
namespace {

struct gate_chunk : record_chunk {
  std::vector<std::unique_ptr<check_state>> states;
  std::vector<uint64_t> reached;  // per watched path of every check, in order
};

}  // namespace

gate_job::gate_job(const std::vector<input_file>& files, record_job_options ro, gate_config& cfg, bool for_partial)
    : record_job(files, std::move(ro)), cfg_(cfg) {
  size_t watched = 0;
  for (auto& c : cfg_.checks) c->set_inputs(files), watched += c->watched().size();
  reached_.assign(watched, 0);  // a task that commits no chunk still writes one count per watched path
  if (!for_partial) return;
  require_mergeable(cfg_);
  for (auto& c : cfg_.checks) c->for_partial();
}

std::string gate_job::partial(uint64_t tasks, uint64_t task, const std::vector<input_file>& all_inputs,
                              const std::vector<skipped_input>& skipped) const {
  partial_writer w;
  w.str("gate");
  write_task_of(w, tasks, task);
  w.str(cfg_.path);
  w.str(cfg_.text);
  w.u64(all_inputs.size());
  for (const auto& f : all_inputs) w.str(f.name());
  write_skipped(w, skipped);
  write_summary(w);
  w.u64(reached_.size());
  for (uint64_t n : reached_) w.u64(n);
  for (const auto& c : cfg_.checks) {
    w.str(c->name);
    c->write_partial(w);
  }
  return w.finish();
}

gate_partial_head gate_partial_head::read(partial_reader& r) {
  gate_partial_head h;
  std::tie(h.tasks, h.task) = read_task_of(r);
  h.config_path = r.str();
  h.config_text = r.str();
  for (uint64_t n = r.u64(); n > 0; --n) {
    if (r.remaining() < 8) r.fail("fewer inputs than it counts");
    h.inputs.push_back(r.str());
  }
  h.skipped = read_skipped(r);
  return h;
}

void gate_job::merge_partial(partial_reader& r) {
  read_summary(r);
  size_t watched = 0;
  for (const auto& c : cfg_.checks) watched += c->watched().size();
  if (r.u64() != watched) r.fail("its checks watch other paths than the gate file's");
  reached_.resize(watched, 0);
  for (auto& n : reached_) n += r.u64();
  for (const auto& c : cfg_.checks) {
    if (std::string name = r.str(); name != c->name) r.fail(fmt::format("check '{}' where the gate file has '{}'", name, c->name));
    if (!c->mergeable()) r.fail(fmt::format("check '{}' ({}) does not merge across tasks", c->name, c->type()));
    c->read_merge(r);
  }
}

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
  auto where = [&](const record_place& p) {
    if (places_by_offset()) return fmt::format("{}@{}", commit_file_name(), p.offset);  // a task's part: lines before it are not counted
    return fmt::format("{}:{}", commit_file_name(), commit_line(p.index));
  };
  for (size_t i = 0; i < cfg_.checks.size(); ++i)
    if (gc.states[i]) cfg_.checks[i]->merge(gc.states[i].get(), where);
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
