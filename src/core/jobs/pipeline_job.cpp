#include "jsift/jobs/pipeline_job.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <xxh_x86dispatch.h>

#include "jsift/jobs/split_job.hpp"
#include "jsift/sets/string_counter.hpp"
#include "../config/table_reader.hpp"
#include "jsift/io/byte_size.hpp"

namespace jsift {

// ------------------------------------------------------------ the pipeline file

flow_spec load_flow(const std::string& file) {
  using detail::table_reader;
  flow_spec spec;
  spec.path = file;
  spec.gate.path = file;
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw usage_error(fmt::format("{}:{}:{}: {}", file, e.source().begin.line, e.source().begin.column, e.description()));
  }
  auto section = [&](const char* name) -> const toml::table* {
    const toml::node* n = root.get(name);
    if (!n) return nullptr;
    if (!n->is_table())
      throw usage_error(fmt::format("{}:{}:{}: [{}] must be a table", file, n->source().begin.line, n->source().begin.column, name));
    return n->as_table();
  };
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    static const char* known[] = {"name", "filter", "dedup", "rebalance", "split", "output", "check"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char* x) { return key == x; }))
      throw usage_error(fmt::format("{}:{}:{}: unknown key '{}' (a pipeline has name, [filter], [dedup], [rebalance], [split], "
                                    "[output] and [[check]])",
                                    file, v.source().begin.line, v.source().begin.column, key));
  }
  if (const toml::node* n = root.get("name"); n && n->is_string()) spec.name = spec.gate.name = std::string(*n->value<std::string_view>());

  if (const toml::table* t = section("filter")) {
    table_reader r(*t, file, "[filter]");
    // The same order as `jsift filter`, so dispositions match.
    if (r.has("bytes")) spec.filter.push_back(r.at("bytes", [&] { return make_bytes(range::parse(r.str("bytes"), "bytes")); }));
    if (r.has("turns")) {
      std::optional<path> tp;
      if (r.has("turns_path")) tp = r.path_of("turns_path");
      spec.filter.push_back(r.at("turns", [&] { return make_turns(range::parse(r.str("turns"), "turns"), tp); }));
    }
    for (auto& x : r.strings("has")) spec.filter.push_back(r.at("has", [&] { return make_has(x); }));
    for (auto& x : r.strings("nonempty")) spec.filter.push_back(r.at("nonempty", [&] { return make_nonempty(x); }));
    for (auto& x : r.strings("len")) spec.filter.push_back(r.at("len", [&] { return make_len(x); }));
    for (auto& x : r.strings("eq")) spec.filter.push_back(r.at("eq", [&] { return make_eq(x, false); }));
    for (auto& x : r.strings("ne")) spec.filter.push_back(r.at("ne", [&] { return make_eq(x, true); }));
    for (auto& x : r.strings("match")) spec.filter.push_back(r.at("match", [&] { return make_match(x); }));
    spec.invert = r.flag("invert", false);
    r.done({"bytes", "turns", "turns_path", "has", "nonempty", "len", "eq", "ne", "match", "invert"});
  }
  if (const toml::table* t = section("dedup")) {
    table_reader r(*t, file, "[dedup]");
    spec.dedup = true;
    for (auto& k : r.strings("key")) spec.dedup_key.paths.push_back(r.at("key", [&] { return path::parse(k); }));
    spec.dedup_key.norm = r.at("normalize", [&] { return normalization::parse(r.str("normalize", "none")); });
    r.done({"key", "normalize"});
  }
  if (const toml::table* t = section("rebalance")) {
    table_reader r(*t, file, "[rebalance]");
    spec.rebalance = true;
    spec.sel.by = r.path_of("by");
    if (r.has("key")) spec.sel.key.paths.push_back(r.path_of("key"));
    spec.sel.seed = r.count("seed").value_or(0);
    using kind = quota_request::kind;
    auto& q = spec.quota;
    int modes = r.has("target") + r.has("cap") + r.has("cap_all") + r.has("equal");
    if (modes != 1) r.fail(nullptr, "give exactly one of target, cap, cap_all, equal");
    if (r.has("target")) {
      q.mode = kind::target;
      q.shares = r.shares("target");
    } else if (r.has("cap")) {
      q.mode = kind::cap;
      q.caps = r.counts_table("cap");
    } else if (r.has("cap_all")) {
      q.mode = kind::cap_all;
      q.cap_all = *r.count("cap_all");
    } else {
      q.mode = kind::equal;
      if (!r.flag("equal", false)) r.fail(r.get("equal"), "'equal' must be true when given");
    }
    q.total = r.count("total");
    std::string others = r.str("others", "drop");
    if (others != "drop" && others != "keep") r.fail(r.get("others"), "'others' must be \"drop\" or \"keep\"");
    q.others = others == "keep" ? others_policy::keep : others_policy::drop;
    q.allow_upsample = r.flag("allow_upsample", false);
    r.done({"by", "key", "seed", "target", "cap", "cap_all", "equal", "total", "others", "allow_upsample"});
  }
  if (const toml::table* t = section("split")) {
    table_reader r(*t, file, "[split]");
    double sum = 0;
    for (auto& [name, share] : r.shares("ratios")) {
      if (name.find('/') != std::string::npos) r.fail(r.get("ratios"), fmt::format("'{}' cannot be a file name", name));
      spec.splits.emplace_back(name, share);
      sum += share;
    }
    if (std::fabs(sum - 1.0) > 1e-6) r.fail(r.get("ratios"), fmt::format("shares sum to {:.6g}; they must sum to 1", sum));
    if (r.has("key")) spec.split_key.paths.push_back(r.path_of("key"));
    spec.split_seed = r.count("seed").value_or(0);
    r.done({"ratios", "key", "seed"});
  }
  if (const toml::table* out = section("output")) {
    table_reader r(*out, file, "[output]");
    spec.out_dir = r.str("dir", "");
    spec.shard = r.flag("shard", false);
    spec.level = int(r.count("level").value_or(3));
    if (spec.level < 1 || spec.level > 19) r.fail(r.get("level"), "'level' must be 1..19");
    spec.max_records = r.count("max_records").value_or(0);
    if (r.has("max_bytes")) spec.max_bytes = r.at("max_bytes", [&] { return parse_size(r.str("max_bytes"), "max_bytes"); });
    r.done({"dir", "shard", "level", "max_records", "max_bytes"});
  }
  if (spec.splits.empty()) spec.splits.emplace_back("data", 1.0);
  if (root.get("check")) load_checks_from(root, file, spec.gate);
  return spec;
}

// ------------------------------------------------------------ the job

namespace {
struct flow_chunk : record_chunk {
  explicit flow_chunk(const flow_spec& s) : dedup_hasher(s.dedup_key), sel_hasher(s.sel.key), split_hasher(s.split_key) {}
  key_hasher dedup_hasher, sel_hasher, split_hasher;
  record_selection scratch;
  string_counter groups;
  struct entry {
    size_t off, len;  // the record and its '\n' in out
    hash128 h;
    bool keyless;
    uint32_t group;
    sel_key key;
    uint32_t bucket;
  };
  std::vector<entry> entries;
};
}  // namespace

void flow_job::setup_names() {
  cuts_ = split_cuts(spec_.splits);
  for (const auto& p : spec_.filter) filtered_ids_.push_back(names().add("filtered:" + p->name()));
  if (spec_.invert) invert_id_ = names().add("filtered:--invert");
  duplicate_id_ = names().add("duplicate");
  sampled_out_id_ = names().add("sampled_out");
}

flow_job::flow_job(const std::vector<input_file>& files, record_job_options ro, const flow_spec& spec,
                   std::map<std::string, uint64_t> k)
    : record_job(files, std::move(ro)), spec_(spec), emit_(false), k_(std::move(k)) {
  setup_names();
}

flow_job::flow_job(const std::vector<input_file>& files, record_job_options ro, const flow_spec& spec,
                   std::map<std::string, group_plan> plans, std::vector<output_file*> outs)
    : record_job(files, std::move(ro)),
      spec_(spec),
      emit_(true),
      plans_(std::move(plans)),
      outs_(std::move(outs)),
      written_(outs_.size(), 0),
      buffers_(outs_.size()) {
  setup_names();
}

flow_job::~flow_job() = default;

std::unique_ptr<record_chunk> flow_job::make_chunk() const { return std::make_unique<flow_chunk>(spec_); }

void flow_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& fc = static_cast<flow_chunk&>(rc);
  size_t failed = spec_.filter.size();  // the first predicate that does not hold
  for (size_t i = 0; i < spec_.filter.size() && failed == spec_.filter.size(); ++i)
    if (!spec_.filter[i]->test(rec.line, rec.root)) failed = i;
  const bool passed = failed == spec_.filter.size();
  if (passed == spec_.invert) {  // inverted, a record that passes everything is the one dropped
    rc.drop(spec_.invert ? invert_id_ : filtered_ids_[failed]);
    return;
  }
  flow_chunk::entry e{rc.out.size(), rec.line.size() + 1, {}, false, 0, {}, 0};
  if (spec_.dedup) e.keyless = !fc.dedup_hasher.hash(*rec.doc, e.h);
  if (spec_.rebalance) {
    select_record(spec_.sel, fc.sel_hasher, rec, fc.scratch);
    e.group = uint32_t(fc.groups.add(fc.scratch.group));
    e.key = fc.scratch.key;
  }
  if (spec_.splits.size() > 1)
    e.bucket = uint32_t(split_bucket(cuts_, split_hash(fc.split_hasher, spec_.split_key, spec_.split_seed, rec)));
  fc.entries.push_back(e);
  rc.keep(rec.line);
}

void flow_job::on_commit(record_chunk& rc) {
  auto& fc = static_cast<flow_chunk&>(rc);
  const size_t limit = rc.out.size();  // under --on-invalid fail, output stops at the bad line
  for (const auto& e : fc.entries) {
    if (e.off >= limit) break;
    if (spec_.dedup && !e.keyless && !seen_.insert(e.h)) {
      rc.counts.move(disposition_names::kept, duplicate_id_);
      continue;
    }
    uint64_t copies = 1;
    if (spec_.rebalance) {
      const std::string& g = fc.groups.name(e.group);
      if (!emit_) {  // survey: count the survivors, keep each group's k smallest keys
        ++counts_[g];
        auto kk = k_.find(g);
        const uint64_t k = kk == k_.end() ? default_k_ : kk->second;
        if (k == 0) continue;
        auto& heap = heaps_[g];
        if (heap.size() < k) {
          heap.push_back(e.key);
          std::push_heap(heap.begin(), heap.end());
        } else if (e.key < heap.front()) {
          std::pop_heap(heap.begin(), heap.end());
          heap.back() = e.key;
          std::push_heap(heap.begin(), heap.end());
        }
        continue;
      }
      auto p = plans_.find(g);
      copies = p == plans_.end() ? 0 : p->second.all ? 1 : p->second.base + (p->second.threshold && e.key <= *p->second.threshold);
      if (copies == 0) {
        rc.counts.move(disposition_names::kept, sampled_out_id_);
        continue;
      }
    }
    if (!emit_) continue;
    std::string_view line(rc.out.data() + e.off, e.len);
    for (uint64_t c = 0; c < copies; ++c) buffers_[e.bucket].append(line);
    written_[e.bucket] += copies;
  }
  if (!emit_) return;
  for (size_t b = 0; b < outs_.size(); ++b) {
    outs_[b]->write(buffers_[b]);
    buffers_[b].clear();
  }
}

std::map<std::string, sel_key> flow_job::thresholds() const {
  std::map<std::string, sel_key> out;
  for (auto& [g, heap] : heaps_)
    if (!heap.empty()) out[g] = heap.front();
  return out;
}

}  // namespace jsift
