#include "jsift/jobs/pipeline_job.hpp"

#include <deque>

#include <fmt/format.h>

#include "jsift/jobs/dedup_job.hpp"
#include "jsift/jobs/split_job.hpp"
#include "jsift/sets/string_counter.hpp"

namespace jsift {
namespace {

// The key of the stages that are off.
const key_spec& no_key() {
  static const key_spec none;
  return none;
}

// A split's buffer is written out when it reaches this size within a chunk.
constexpr size_t flush_bytes = size_t(4) << 20;
constexpr uint32_t no_bucket = UINT32_MAX;

}  // namespace

struct pipeline_chunk : record_chunk {
  explicit pipeline_chunk(const pipeline_spec& s)
      : dedup_hasher(s.dedup ? s.dedup->seen.key : no_key()),
        sel_hasher(s.rebalance ? s.rebalance->sel.key : no_key()),
        split_hasher(s.split.key()) {}
  key_hasher dedup_hasher, sel_hasher, split_hasher;
  record_selection scratch;
  string_counter groups;
  struct entry {
    size_t off, len;  // the record and its '\n' in out
    hash128 h;
    bool keyless;
    uint32_t group;
    sel_key key;
    uint32_t bucket;  // no_bucket: no value at the split key
    uint32_t index;   // line index in the chunk
    bool record;      // counted in the records ledger, not the lines'
  };
  std::vector<entry> entries;
  first_seen::chunk_keys keys;  // the entries' dedup keys, decided on the worker
  std::unique_ptr<near_seen::chunk_items> items;  // with near = true: instead of keys
  std::string text;                               // with near = true: a record's texts joined
  // With [[transform]]: the records ledger (the records explode or window
  // made, when one of them is in the chain), and each transform's tally.
  disposition_counts records;
  uint64_t records_in = 0;
  std::vector<transform_tally> tallies;
};


void pipeline_job::register_names() {
  for (const auto& t : spec_.transforms) {
    transform_failed_ids_.push_back(names().add("filtered:" + t->name()));
    if (!t->one_to_one()) expanded_id_ = names().add("expanded:" + t->name());
  }
  if (spec_.filter) filtered_ids_ = spec_.filter->register_dispositions(names());
  duplicate_id_ = names().add(spec_.dedup && spec_.dedup->near ? "duplicate:near" : "duplicate");
  sampled_out_id_ = names().add("sampled_out");
  keyless_id_ = names().add("filtered:keyless");
  records_ = disposition_counts(names().size());
  tallies_.resize(spec_.transforms.size());
}

pipeline_job::pipeline_job(const std::vector<input_file>& files, record_job_options ro, const pipeline_spec& spec,
                           pipeline_dedup_stage dedup, bottom_k& survey)
    : record_job(files, std::move(ro)), spec_(spec), seen_(dedup.exact), near_(dedup.near), survey_(&survey) {
  register_names();
}

pipeline_job::pipeline_job(const std::vector<input_file>& files, record_job_options ro, const pipeline_spec& spec,
                           pipeline_dedup_stage dedup, const emit_plan* plan, std::vector<output_file*> outs, bool keep_temporary)
    : record_job(files, std::move(ro)),
      spec_(spec),
      seen_(dedup.exact),
      near_(dedup.near),
      plan_(plan),
      outs_(std::move(outs)),
      keep_temporary_(keep_temporary),
      written_(outs_.size(), 0),
      buffers_(outs_.size()),
      writer_(std::make_unique<write_behind>(write_behind_bytes)) {
  register_names();
}

pipeline_job::~pipeline_job() = default;

std::unique_ptr<record_chunk> pipeline_job::make_chunk() const {
  auto pc = std::make_unique<pipeline_chunk>(spec_);
  pc->records = disposition_counts(names().size());
  pc->tallies.resize(spec_.transforms.size());
  return pc;
}

void pipeline_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& pc = static_cast<pipeline_chunk&>(rc);
  if (spec_.transforms.empty()) through(pc, rec, false);
  else transform(pc, rec, 0, false);
}

// Transform i on a record (the line itself until a transform makes several
// records of it: `made`), then the next, each output parsed for the next.
void pipeline_job::transform(pipeline_chunk& pc, const record_ref& rec, size_t i, bool made) const {
  if (i == spec_.transforms.size()) return through(pc, rec, made);
  // Per depth, so that a record's text and DOM outlive the records made
  // from it (a deque: growing it deeper moves nothing).
  thread_local std::deque<std::string> outs;
  thread_local std::deque<simdjson::dom::parser> parsers;
  while (outs.size() <= i) outs.emplace_back(), parsers.emplace_back();
  std::string& out = outs[i];
  out.clear();
  const record_transform& t = *spec_.transforms[i];
  std::optional<size_t> n = t.apply(rec, out, pc.tallies[i]);
  if (!n) {
    (made ? pc.records : pc.counts).add(transform_failed_ids_[i]);
    return;
  }
  pc.tallies[i].made += *n;
  const bool expands = !made && !t.one_to_one();
  if (expands) {
    pc.counts.add(expanded_id_);
    pc.records_in += *n;
  }
  out.reserve(out.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::parser& parser = parsers[i];
  for (size_t at = 0; at < out.size();) {
    const size_t end = out.find('\n', at);
    simdjson::dom::element root;
    if (auto err = parser.parse(out.data() + at, end - at, false).get(root))
      throw std::logic_error(fmt::format("[[transform]] {} wrote a record that is not JSON ({})", t.name(), simdjson::error_message(err)));
    const record_ref made_rec{std::string_view(out).substr(at, end - at), root, &parser.doc, rec.index, rec.file, rec.offset, false};
    transform(pc, made_rec, i + 1, made || expands);
    at = end + 1;
  }
}

// The stages after the transforms: filter, then the keys the commit needs.
void pipeline_job::through(pipeline_chunk& pc, const record_ref& rec, bool record) const {
  disposition_counts& ledger = record ? pc.records : pc.counts;
  if (spec_.filter) {
    if (auto i = spec_.filter->rejecting(rec)) {
      ledger.add(filtered_ids_[*i]);
      return;
    }
  }
  record_chunk& rc = pc;
  pipeline_chunk::entry e{rc.out.size(), rec.line.size() + 1, {}, false, 0, {}, 0, rec.index, record};
  if (seen_) {
    e.keyless = !pc.dedup_hasher.hash(*rec.doc, e.h);
    pc.keys.add(e.h, e.keyless, rec.index);
  } else if (near_) {
    if (!pc.items) pc.items = std::make_unique<near_seen::chunk_items>(*near_);
    joined_texts(spec_.dedup->near_key, rec.root, pc.text);
    pc.items->add(pc.text, rec.index);
  }
  if (spec_.rebalance) {
    select_record(spec_.rebalance->sel, pc.sel_hasher, rec, pc.scratch);
    e.group = uint32_t(pc.groups.add(pc.scratch.group));
    e.key = pc.scratch.key;
  }
  if (spec_.split.size() > 1 || !spec_.split.key().paths.empty()) {
    std::optional<size_t> b = spec_.split.bucket(pc.split_hasher, rec);
    e.bucket = b ? uint32_t(*b) : no_bucket;  // decided at commit, after dedup and the selection
  }
  pc.entries.push_back(e);
  rc.out.append(rec.line);
  rc.out.push_back('\n');
  ledger.add(disposition_names::kept);
}

void pipeline_job::on_chunk_end(record_chunk& rc, const chunk& c) const {
  auto& pc = static_cast<pipeline_chunk&>(rc);
  if (seen_) seen_->resolve(c.seq, pc.keys, c.seq == 0 ? expected_records(rc, c) : 0);
  if (near_) {  // every chunk, records or not
    if (!pc.items) pc.items = std::make_unique<near_seen::chunk_items>(*near_);
    near_->resolve(c.seq, *pc.items);
  }
}

void pipeline_job::on_commit(record_chunk& rc) {
  auto& pc = static_cast<pipeline_chunk&>(rc);
  const size_t limit = rc.out.size();  // under --on-invalid fail, output stops at the bad line
  if (seen_) seen_->begin_chunk(commit_chunk().seq, commit_file(), commit_line(0));
  if (near_) near_->begin_chunk(commit_chunk().seq, commit_file(), commit_line(0));
  size_t item = 0;  // with near: the entry's place among the chunk's items
  for (size_t k = 0; k < pc.entries.size(); ++k) {
    const auto& e = pc.entries[k];
    if (e.off >= limit) break;
    disposition_counts& ledger = e.record ? pc.records : rc.counts;
    if ((seen_ && seen_->take(pc.keys, k) != first_seen::verdict::kept) ||
        (near_ && near_->take(*pc.items, item++) != near_seen::verdict::kept)) {
      ledger.move(disposition_names::kept, duplicate_id_);
      continue;
    }
    uint64_t copies = 1;
    if (spec_.rebalance) {
      const std::string& g = pc.groups.name(e.group);
      if (survey_) {  // survey: count the survivors, offer their keys
        survey_->count(g, 1, e.len);
        survey_->offer(g, e.key);
        continue;
      }
      copies = plan_->copies(g, e.key);
      if (copies == 0) {
        ledger.move(disposition_names::kept, sampled_out_id_);
        continue;
      }
    }
    if (survey_) continue;
    if (e.bucket == no_bucket) {  // [split] keyless: as `jsift split` after the same records
      if (spec_.split.keyless() == keyless_policy::fail) throw keyless_record(commit_file_name(), commit_line(e.index), spec_.split);
      ledger.move(disposition_names::kept, keyless_id_);
      continue;
    }
    std::string_view line(rc.out.data() + e.off, e.len);
    std::string& buf = buffers_[e.bucket];
    for (uint64_t c = 0; c < copies; ++c) {
      buf.append(line);
      if (buf.size() >= flush_bytes) {  // upsampled copies: memory must not grow with them
        write_behind_of(e.bucket);
      }
    }
    written_[e.bucket] += copies;
  }
  if (seen_) seen_->flush();
  if (near_) near_->flush();
  for (size_t b = 0; b < outs_.size(); ++b) write_behind_of(b);
  records_.merge(pc.records);
  records_in_ += pc.records_in;
  for (size_t i = 0; i < pc.tallies.size(); ++i) tallies_[i].merge(pc.tallies[i]);
}

void pipeline_job::write_behind_of(size_t b) {
  if (buffers_[b].empty()) return;
  const size_t n = buffers_[b].size();
  writer_->post(n, [out = outs_[b], bytes = std::move(buffers_[b])] { out->write(bytes); });
  buffers_[b] = std::string();
}

void pipeline_job::finish_records() {
  if (writer_) writer_->drain();
  for (output_file* o : outs_) {
    if (keep_temporary_) o->close();
    else o->commit();
  }
}

void pipeline_job::finish_outputs() {
  if (seen_) seen_->finish();
  if (near_) near_->finish();
}

std::string load_pipeline_references(const pipeline_spec& spec, const record_job_options& ro, unsigned threads, key_set& into) {
  if (!spec.dedup || spec.dedup->against.empty()) return {};
  const auto& against = spec.dedup->against;
  if (spec.dedup->near)
    return empty_reference_warnings(
        against, load_near_references(against, spec.dedup->near->params, spec.dedup->near_key, ro.for_survey(), threads, into));
  return empty_reference_warnings(against, load_reference_keys(against, spec.dedup->seen.key, ro.for_survey(), threads, into));
}

pipeline_dedup_owner::pipeline_dedup_owner(const pipeline_spec& spec, const std::vector<input_file>& inputs, memory_budget& budget,
                                           const key_set* reference, bool emitting) {
  if (!spec.dedup) return;
  if (spec.dedup->near) {
    near_seen_options o = *spec.dedup->near;
    if (!emitting) o.dups_path.clear();  // only the emitting pass writes --dups
    near = std::make_unique<near_seen>(o, inputs, budget, reference);
    return;
  }
  first_seen_options o = spec.dedup->seen;
  if (!emitting) o.dups_path.clear();  // only the emitting pass writes --dups
  exact = std::make_unique<first_seen>(o, inputs, budget, reference);
}

void pipeline_dedup_owner::write_json(json_writer& w) const {
  if (exact) w.key("dedup"), exact->write_json(w);
  if (near) w.key("near"), near->write_json(w);
}

std::string pipeline_dedup_owner::summary() const {
  return exact ? exact->summary("run") : near ? near->summary("run") : std::string();
}

planned_selection plan_pipeline_selection(const pipeline_spec& spec, const std::vector<input_file>& inputs,
                                          const pass_options& po, const record_job_options& ro, memory_budget& budget,
                                          const key_set* reference) {
  return plan_selection(spec.rebalance->quota, [&](const survey_request& ask) {
    bottom_k found(ask.k, ask.default_k, &budget);
    pipeline_dedup_owner dedup(spec, inputs, budget, reference, false);
    pipeline_job job(inputs, ro.for_survey(), spec, dedup.stage(), found);
    run_pass(inputs, po, job);
    return found;
  });
}

}  // namespace jsift
