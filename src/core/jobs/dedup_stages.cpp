#include "jsift/jobs/dedup_stages.hpp"

#include <algorithm>
#include <system_error>
#include <unordered_map>

#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/stages/near_seen.hpp"

namespace jsift {

namespace {

std::string keys_path(const dedup_stage_options& o, uint64_t task, uint64_t range) {
  return fmt::format("{}/keys-{:05}-{:05}.bin", o.dir, task, range);
}
std::string lines_path(const dedup_stage_options& o, uint64_t task) { return fmt::format("{}/lines-{:05}.bin", o.dir, task); }
std::string drop_path(const dedup_stage_options& o, uint64_t range, uint64_t task) {
  return fmt::format("{}/drop-{:05}-{:05}.bin", o.dir, range, task);
}
std::string sigs_path(const dedup_stage_options& o, uint64_t task) { return fmt::format("{}/sigs-{:05}.bin", o.dir, task); }
std::string against_path(const dedup_stage_options& o, uint64_t task) { return fmt::format("{}/against-{:05}.bin", o.dir, task); }

// Every stage file starts so: what it is, and the run it belongs to.
void write_head(partial_writer& w, std::string_view kind, const dedup_stage_options& o, uint64_t part) {
  w.str(kind);
  w.u64(o.tasks);
  w.u64(o.ranges);
  w.u64(part);
  w.str(o.key_text());
}

partial_reader open_stage_file(const std::string& path, std::string_view kind, const dedup_stage_options& o, uint64_t part) {
  partial_reader r = partial_reader::open(path);
  if (r.str() != kind) r.fail(fmt::format("not a dedup {} file", kind));
  const uint64_t tasks = r.u64(), ranges = r.u64(), got = r.u64();
  if (tasks != o.tasks || ranges != o.ranges || got != part)
    r.fail(fmt::format("written for {} tasks and {} ranges (part {}), not {} and {} (part {}): another run's", tasks, ranges, got,
                       o.tasks, o.ranges, part));
  if (std::string key = r.str(); key != o.key_text())
    r.fail(fmt::format("written with the key {}, not {} (give every stage the same --key, --near and --against)", key, o.key_text()));
  return r;
}

struct dedup_keys_chunk : record_chunk {
  explicit dedup_keys_chunk(const dedup_stage_options& o) : hasher(o.key) {
    if (o.near) signer = std::make_unique<minhasher>(*o.near), bands.resize(o.near->bands);
    if (o.near && o.near_dups) low.resize(o.near->permutations());
  }
  key_hasher hasher;
  std::unique_ptr<minhasher> signer;  // with near
  std::vector<hash128> bands;
  std::string text;
  struct entry {
    hash128 key;
    uint64_t offset;
    uint32_t index;
  };
  std::vector<entry> entries, against;  // against: the records the reference set holds
  std::vector<uint8_t> low, lows;  // with near_dups: one record's signature low bytes; every keyed record's
  std::vector<std::pair<uint64_t, uint32_t>> signed_records;  // (offset, index) of those records
  uint64_t keyless = 0;
};

bool key_less(const hash128& a, const hash128& b) { return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo; }

std::string hex(const hash128& h) { return fmt::format("{:016x}{:016x}", h.hi, h.lo); }

}  // namespace

dedup_keys_job::dedup_keys_job(const std::vector<input_file>& files, record_job_options ro, dedup_stage_options o)
    : record_job(files, std::move(ro)), o_(std::move(o)), ranges_(size_t(o_.ranges)) {}

std::string dedup_stage_options::key_text() const {
  if (!near) return key.text() + (against ? ";against" : "");
  std::string text = "near:" + near->text() + ";";
  for (size_t i = 0; i < near_key.size(); ++i) text += (i ? "," : "") + near_key[i].name();
  return text + (against ? ";against" : "");
}

std::unique_ptr<record_chunk> dedup_keys_job::make_chunk() const { return std::make_unique<dedup_keys_chunk>(o_); }

void dedup_keys_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& dc = static_cast<dedup_keys_chunk&>(rc);
  rc.counts.add(disposition_names::kept);
  if (dc.signer) {  // every band key at the record's place; a text without words has none (kept)
    joined_texts(o_.near_key, rec.root, dc.text);
    if (!dc.signer->sign(dc.text, dc.bands.data(), dc.low.empty() ? nullptr : dc.low.data())) return void(++dc.keyless);
    const key_set* ref = o_.reference && o_.reference->size() ? o_.reference : nullptr;
    if (ref && std::any_of(dc.bands.begin(), dc.bands.end(), [&](const hash128& b) { return ref->contains(b); }))
      return void(dc.against.push_back({dc.bands[0], rec.offset, rec.index}));
    for (const hash128& b : dc.bands) dc.entries.push_back({b, rec.offset, rec.index});
    if (!dc.low.empty()) {
      dc.lows.insert(dc.lows.end(), dc.low.begin(), dc.low.end());
      dc.signed_records.emplace_back(rec.offset, rec.index);
    }
    return;
  }
  hash128 h;
  if (!dc.hasher.hash(*rec.doc, h)) ++dc.keyless;
  else if (o_.reference && o_.reference->size() && o_.reference->contains(h)) dc.against.push_back({h, rec.offset, rec.index});
  else dc.entries.push_back({h, rec.offset, rec.index});
}

void dedup_keys_job::on_commit(record_chunk& rc) {
  auto& dc = static_cast<dedup_keys_chunk&>(rc);
  const uint32_t file = files()[commit_file()].whole_index;
  if (lines_.size() <= file) lines_.resize(size_t(file) + 1, 0);
  lines_[file] += rc.tally.lines;
  keyless_ += dc.keyless;
  using wide = unsigned __int128;
  for (const auto& e : dc.entries) {
    if (e.index >= rc.emit_end) break;
    const size_t r = size_t((wide(e.key.hi) * o_.ranges) >> 64);
    ranges_[r].push_back({e.key, file, e.offset, commit_line(e.index)});
  }
  for (const auto& e : dc.against)
    if (e.index < rc.emit_end) against_.push_back({e.key, file, e.offset, commit_line(e.index)});
  const size_t k = dc.low.size();
  for (size_t i = 0; i < dc.signed_records.size() && dc.signed_records[i].second < rc.emit_end; ++i) {
    signed_.push_back({file, dc.signed_records[i].first, commit_line(dc.signed_records[i].second)});
    low_.insert(low_.end(), dc.lows.begin() + ptrdiff_t(i * k), dc.lows.begin() + ptrdiff_t((i + 1) * k));
  }
}

void dedup_keys_job::write() const {
  for (uint64_t r = 0; r < o_.ranges; ++r) {
    auto places = ranges_[r];
    std::sort(places.begin(), places.end(), [](const place& a, const place& b) {
      if (!(a.key == b.key)) return key_less(a.key, b.key);
      return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
    });
    partial_writer w;
    write_head(w, "keys", o_, o_.task * o_.ranges + r);
    w.u64(places.size());
    for (const auto& p : places) {
      w.u64(p.key.lo), w.u64(p.key.hi);
      w.u64(p.file), w.u64(p.offset), w.u64(p.line);
    }
    write_file_atomic(keys_path(o_, o_.task, r), w.finish());
  }
  partial_writer w;  // (file, lines) for the files of this part only: a task reads a few of many files
  write_head(w, "lines", o_, o_.task);
  uint64_t files = 0;
  for (uint64_t n : lines_) files += n > 0;
  w.u64(files);
  for (size_t f = 0; f < lines_.size(); ++f)
    if (lines_[f]) w.u64(f), w.u64(lines_[f]);
  w.u64(keyless_);
  write_file_atomic(lines_path(o_, o_.task), w.finish());
  if (!o_.near || !o_.near_dups) ::unlink(sigs_path(o_, o_.task).c_str());  // an earlier run's must not meet this run's drop lists
  if (o_.against) {  // the records the reference set holds, in input order
    partial_writer aw;
    write_head(aw, "against", o_, o_.task);
    aw.u64(against_.size());
    for (const auto& p : against_) aw.u64(p.key.lo), aw.u64(p.key.hi), aw.u64(p.file), aw.u64(p.offset), aw.u64(p.line);
    write_file_atomic(against_path(o_, o_.task), aw.finish());
  }
  if (!o_.near || !o_.near_dups) return;
  partial_writer sw;  // the keyed records' signatures, in input order
  write_head(sw, "sigs", o_, o_.task);
  const size_t k = o_.near->permutations();
  sw.u64(k);
  sw.u64(signed_.size());
  for (size_t i = 0; i < signed_.size(); ++i) {
    sw.u64(signed_[i].file), sw.u64(signed_[i].offset), sw.u64(signed_[i].line);
    sw.bytes(low_.data() + i * k, k);
  }
  write_file_atomic(sigs_path(o_, o_.task), sw.finish());
}

namespace {

// Where each task's lines of each file start, among all of that file's
// lines: per task, only the files it read.
std::vector<std::unordered_map<uint64_t, uint64_t>> line_bases(const dedup_stage_options& o) {
  std::vector<std::unordered_map<uint64_t, uint64_t>> base(size_t(o.tasks));
  std::unordered_map<uint64_t, uint64_t> sum;
  for (uint64_t t = 0; t < o.tasks; ++t) {
    partial_reader r = open_stage_file(lines_path(o, t), "lines", o, t);
    const uint64_t files = r.u64();
    if (files > r.remaining() / 16) r.fail("more files than bytes");
    for (uint64_t i = 0; i < files; ++i) {
      const uint64_t f = r.u64(), n = r.u64();
      base[t][f] = sum[f];
      sum[f] += n;
    }
    r.u64();  // keyless records
    r.end();
  }
  return base;
}

// A task's records that the reference set holds (keys' against file),
// with their global lines (`base`: the task's line bases).
struct against_place {
  hash128 key;
  uint32_t file;
  uint64_t offset, line;
};
std::vector<against_place> read_against(const dedup_stage_options& o, uint64_t task, const std::unordered_map<uint64_t, uint64_t>& base,
                                        size_t files) {
  partial_reader r = open_stage_file(against_path(o, task), "against", o, task);
  const uint64_t n = r.u64();
  if (n > r.remaining() / 40) r.fail("more places than bytes");
  std::vector<against_place> out;
  out.reserve(size_t(n));
  for (uint64_t i = 0; i < n; ++i) {
    against_place a;
    a.key.lo = r.u64(), a.key.hi = r.u64();
    const uint64_t file = r.u64();
    a.offset = r.u64();
    const auto b = base.find(file);
    if (file >= files || file >= (uint64_t(1) << 24) || b == base.end()) r.fail("a place in a file the task counted no lines of");
    a.file = uint32_t(file);
    const uint64_t local = r.u64();
    if (local >= (uint64_t(1) << 40) || b->second >= (uint64_t(1) << 40) - local) r.fail("a place past what places can number");
    a.line = b->second + local;
    out.push_back(a);
  }
  r.end();
  return out;
}

}  // namespace

uint64_t dedup_find(const dedup_stage_options& o, uint64_t range) {
  const auto base = line_bases(o);
  struct entry {
    hash128 key;
    uint32_t file;
    uint64_t offset, line;  // line: global
    uint32_t task;
  };
  std::vector<entry> all;
  for (uint64_t t = 0; t < o.tasks; ++t) {
    partial_reader r = open_stage_file(keys_path(o, t, range), "keys", o, t * o.ranges + range);
    const uint64_t n = r.u64();
    if (n > r.remaining() / 40) r.fail("more keys than bytes");
    all.reserve(all.size() + size_t(n));
    for (uint64_t i = 0; i < n; ++i) {
      entry e;
      e.key.lo = r.u64();
      e.key.hi = r.u64();
      const uint64_t file = r.u64();
      const auto b = base[t].find(file);
      if (b == base[t].end() || file > UINT32_MAX) r.fail("a place in a file the task counted no lines of");
      e.file = uint32_t(file);
      e.offset = r.u64();
      e.line = b->second + r.u64();
      e.task = uint32_t(t);
      all.push_back(e);
    }
    r.end();
  }
  std::sort(all.begin(), all.end(), [](const entry& a, const entry& b) {
    if (!(a.key == b.key)) return key_less(a.key, b.key);
    return std::tie(a.file, a.offset) < std::tie(b.file, b.offset);
  });
  std::vector<std::vector<const entry*>> drops(size_t(o.tasks));
  std::vector<const entry*> first_of(all.size());
  uint64_t found = 0;
  for (size_t i = 0, first = 0; i < all.size(); ++i) {
    if (i == 0 || !(all[i].key == all[i - 1].key)) {
      first = i;
      continue;
    }
    first_of[i] = &all[first];
    drops[all[i].task].push_back(&all[i]);
    ++found;
  }
  for (uint64_t t = 0; t < o.tasks; ++t) {
    auto& d = drops[t];
    std::sort(d.begin(), d.end(), [](const entry* a, const entry* b) { return std::tie(a->file, a->offset) < std::tie(b->file, b->offset); });
    partial_writer w;
    write_head(w, "drop", o, range * o.tasks + t);
    w.u64(d.size());
    for (const entry* e : d) {
      const entry& f = *first_of[size_t(e - all.data())];
      w.u64(e->file), w.u64(e->offset), w.u64(e->line);
      w.u64(e->key.lo), w.u64(e->key.hi);
      w.u64(f.file), w.u64(f.line);
    }
    write_file_atomic(drop_path(o, range, t), w.finish());
  }
  return found;
}

namespace {

// A record by its place among all the inputs: file << 40 | global line, so
// places order as the input does (as near_seen packs them).
using where = uint64_t;
constexpr uint64_t line_bits = 40;
uint32_t file_of(where w) { return uint32_t(w >> line_bits); }
uint64_t line_of(where w) { return w & ((uint64_t(1) << line_bits) - 1); }
where place_of(const partial_reader& r, uint64_t file, uint64_t line) {
  if (file >= (uint64_t(1) << (64 - line_bits)) || line >= (uint64_t(1) << line_bits)) r.fail("a place past what places can number");
  return (file << line_bits) | line;
}

}  // namespace

uint64_t dedup_cluster(const dedup_stage_options& o, const std::vector<input_file>& all_inputs, output_file& dups) {
  if (!o.near || !o.near_dups) throw usage_error("--stage cluster goes with --near and --dups (it writes the --dups lines)");
  for (uint64_t t = 0; t < o.tasks; ++t)  // said before the drop lists are read
    if (::access(sigs_path(o, t).c_str(), R_OK) != 0) {
      const int e = errno;
      throw std::system_error(e, std::generic_category(), fmt::format("{} (the keys stage writes signatures when it is given --dups too)", sigs_path(o, t)));
    }
  const auto base = line_bases(o);
  // The matches: each near-duplicate and the first place of each band key
  // it repeats, distinct (a record repeats most bands of its match).
  struct match {
    where item, first;
    bool operator<(const match& m) const { return std::tie(item, first) < std::tie(m.item, m.first); }
    bool operator==(const match& m) const { return item == m.item && first == m.first; }
  };
  std::vector<match> matches;
  size_t compact_at = 1 << 16;
  auto compact = [&] {
    std::sort(matches.begin(), matches.end());
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    compact_at = std::max(compact_at, 2 * matches.size());
  };
  for (uint64_t range = 0; range < o.ranges; ++range)
    for (uint64_t t = 0; t < o.tasks; ++t) {
      partial_reader r = open_stage_file(drop_path(o, range, t), "drop", o, range * o.tasks + t);
      const uint64_t n = r.u64();
      if (n > r.remaining() / 56) r.fail("more places than bytes");
      for (uint64_t i = 0; i < n; ++i) {
        const uint64_t file = r.u64();
        r.u64();  // offset
        const uint64_t line = r.u64();
        r.u64(), r.u64();  // the band key
        const uint64_t first_file = r.u64(), first_line = r.u64();
        if (file >= all_inputs.size() || first_file >= all_inputs.size()) r.fail("a place in a file that is not among the inputs");
        matches.push_back({place_of(r, file, line), place_of(r, first_file, first_line)});
        if (matches.back().first >= matches.back().item) r.fail("a match that is not earlier than its record");
      }
      r.end();
      if (matches.size() >= compact_at) compact();
    }
  compact();
  matches.shrink_to_fit();
  // The records named, in input order; union-find over them, the root of
  // a cluster its first member, joined in input order as one run joins them.
  std::vector<where> named;
  for (const auto& m : matches) named.push_back(m.item), named.push_back(m.first);
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  named.shrink_to_fit();
  auto id_of = [&](where w) { return size_t(std::lower_bound(named.begin(), named.end(), w) - named.begin()); };
  std::vector<uint64_t> parent(named.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](uint64_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  struct line {
    uint64_t item, match, root;
  };
  std::vector<line> lines;
  for (size_t i = 0; i < matches.size();) {
    const uint64_t item = id_of(matches[i].item), earliest = id_of(matches[i].first);
    for (; i < matches.size() && matches[i].item == named[item]; ++i) {
      uint64_t a = find(item), b = find(id_of(matches[i].first));
      if (a == b) continue;
      if (b < a) std::swap(a, b);
      parent[b] = a;
    }
    lines.push_back({item, earliest, find(item)});
  }
  std::vector<match>().swap(matches);
  // The signatures of the records named.
  const size_t k = o.near->permutations();
  std::vector<uint8_t> low(named.size() * k);
  std::vector<bool> have(named.size());
  for (uint64_t t = 0; t < o.tasks; ++t) {
    partial_reader r = open_stage_file(sigs_path(o, t), "sigs", o, t);
    if (r.u64() != k) r.fail("signatures of another length");
    const uint64_t n = r.u64();
    if (n > r.remaining() / (24 + k)) r.fail("more signatures than bytes");
    std::vector<uint8_t> one(k);
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t file = r.u64();
      r.u64();  // offset
      const uint64_t local = r.u64();
      r.bytes(one.data(), k);
      const auto b = base[t].find(file);
      if (b == base[t].end()) r.fail("a place in a file the task counted no lines of");
      const where w = place_of(r, file, b->second + local);
      const size_t id = id_of(w);
      if (id == named.size() || named[id] != w) continue;
      std::copy(one.begin(), one.end(), low.begin() + ptrdiff_t(id * k));
      have[id] = true;
    }
    r.end();
  }
  // The records the reference set holds, each a line of its own, in input order among the others.
  std::vector<where> against;
  if (o.against)
    for (uint64_t t = 0; t < o.tasks; ++t)
      for (const auto& a : read_against(o, t, base[size_t(t)], all_inputs.size()))  // places checked: file among the inputs, line < 2^40
        against.push_back((uint64_t(a.file) << line_bits) | a.line);
  std::string out;
  size_t next_against = 0;
  auto against_before = [&](where until) {
    for (; next_against < against.size() && against[next_against] < until; ++next_against) {
      const where a = against[next_against];
      near_seen::append_against_line(out, {all_inputs[file_of(a)].name(), line_of(a)});
    }
  };
  for (const auto& l : lines) {
    against_before(named[l.item]);
    for (uint64_t id : {l.item, l.match})
      if (!have[id])
        throw data_error(fmt::format("{}: no signature for {} line {} (the keys stage's files are another run's)", o.dir,
                                     all_inputs[file_of(named[id])].name(), line_of(named[id])));
    const where item = named[l.item], match = named[l.match], root = named[l.root];
    near_seen::append_dup_line(out, {all_inputs[file_of(item)].name(), line_of(item)}, {all_inputs[file_of(match)].name(), line_of(match)},
                               minhasher::estimate(low.data() + l.item * k, low.data() + l.match * k, k),
                               {all_inputs[file_of(root)].name(), line_of(root)});
    if (out.size() >= (1 << 20)) dups.write(out), out.clear();
  }
  against_before(UINT64_MAX);
  dups.write(out);
  dups.commit();
  return lines.size() + against.size();
}

namespace {
struct drop_chunk : record_chunk {
  std::vector<const void*> dropped;  // the drops met, in order
};
}  // namespace

dedup_drop_job::dedup_drop_job(const std::vector<input_file>& files, record_job_options ro, const dedup_stage_options& o,
                               const std::vector<input_file>& all_inputs, output_file* out, const std::string& dups_path)
    : record_job(files, std::move(ro)), all_(all_inputs), out_(out) {
  duplicate_id_ = names().add(o.near ? "duplicate:near" : "duplicate");  // as dedup and dedup --near name them
  for (uint64_t range = 0; range < o.ranges; ++range) {
    partial_reader r = open_stage_file(drop_path(o, range, o.task), "drop", o, range * o.tasks + o.task);
    const uint64_t n = r.u64();
    if (n > r.remaining() / 56) r.fail("more places than bytes");
    for (uint64_t i = 0; i < n; ++i) {
      drop d;
      const uint64_t file = r.u64();
      d.offset = r.u64();
      d.line = r.u64();
      d.key.lo = r.u64();
      d.key.hi = r.u64();
      const uint64_t first_file = r.u64();
      d.first_line = r.u64();
      if (file >= all_.size() || first_file >= all_.size()) r.fail("a place in a file that is not among the inputs");
      d.file = uint32_t(file);
      d.first_file = uint32_t(first_file);
      drops_.push_back(d);
    }
    r.end();
  }
  if (o.against) {  // the records of this task the reference set holds: duplicates too
    const auto base = line_bases(o);
    for (const auto& a : read_against(o, o.task, base[size_t(o.task)], all_.size()))
      drops_.push_back({a.file, a.offset, a.line, a.key, against_file, 0});
  }
  std::sort(drops_.begin(), drops_.end(), [](const drop& a, const drop& b) { return std::tie(a.file, a.offset) < std::tie(b.file, b.offset); });
  // With near, a record is dropped once whatever number of its band keys came first elsewhere.
  drops_.erase(std::unique(drops_.begin(), drops_.end(), [](const drop& a, const drop& b) { return a.file == b.file && a.offset == b.offset; }),
               drops_.end());
  if (!dups_path.empty()) dups_ = std::make_unique<output_file>(dups_path);
}

std::unique_ptr<record_chunk> dedup_drop_job::make_chunk() const { return std::make_unique<drop_chunk>(); }

const dedup_drop_job::drop* dedup_drop_job::find(uint32_t file, uint64_t offset) const {
  auto it = std::lower_bound(drops_.begin(), drops_.end(), std::make_pair(file, offset),
                             [](const drop& d, const std::pair<uint32_t, uint64_t>& p) { return std::tie(d.file, d.offset) < std::tie(p.first, p.second); });
  return it != drops_.end() && it->file == file && it->offset == offset ? &*it : nullptr;
}

void dedup_drop_job::on_record(record_chunk& rc, const record_ref& rec) const {
  if (const drop* d = find(files()[rec.file].whole_index, rec.offset)) {
    static_cast<drop_chunk&>(rc).dropped.push_back(d);
    rc.drop(duplicate_id_);
    return;
  }
  rc.keep(rec.line);
}

void dedup_drop_job::on_commit(record_chunk& rc) {
  auto& dc = static_cast<drop_chunk&>(rc);
  if (out_) out_->write(rc.out);
  dropped_ += dc.dropped.size();
  if (!dups_) return;
  std::string lines;
  for (const void* p : dc.dropped) {
    const drop& d = *static_cast<const drop*>(p);
    lines += "{\"file\":";
    json_writer::escape(lines, all_[d.file].name());
    lines += fmt::format(",\"line\":{},\"key\":\"{}\",\"duplicate_of\":", d.line, hex(d.key));
    if (d.first_file == against_file) {
      lines += "{\"against\":true}}\n";
      continue;
    }
    lines += "{\"file\":";
    json_writer::escape(lines, all_[d.first_file].name());
    lines += fmt::format(",\"line\":{}}}}}\n", d.first_line);
  }
  dups_->write(lines);
}

void dedup_drop_job::finish_outputs() {
  if (dups_) dups_->commit();
}

}  // namespace jsift
