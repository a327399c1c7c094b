#include "jsift/jobs/dedup_job.hpp"

#include <cstring>

#include <fmt/format.h>

#include "jsift/engine/pass.hpp"
#include "jsift/sets/key_index.hpp"

namespace jsift {
namespace {

struct dedup_chunk : record_chunk {
  explicit dedup_chunk(const key_spec& s, const near_seen* near = nullptr) : hasher(s) {
    if (near) items = std::make_unique<near_seen::chunk_items>(*near);
  }
  key_hasher hasher;
  struct entry {
    hash128 h;
    uint64_t offset;  // of the line in its file (record_ref::offset)
    size_t len;       // without its ending
    uint32_t index;
    bool keyless;
    bool lf;  // record_ref::lf
  };
  std::vector<entry> entries;
  first_seen::chunk_keys keys;  // dedup_job: the entries' keys, decided on the worker
  std::unique_ptr<near_seen::chunk_items> items;  // with --near: instead of keys
  std::string text;                               // with --near: a record's texts joined
};

// Hashes the records of reference files into a key_set (--against FILE.jsonl).
class key_collect_job final : public record_job {
 public:
  key_collect_job(const std::vector<input_file>& files, record_job_options ro, const key_spec& spec, key_set& into)
      : record_job(files, std::move(ro)), spec_(spec), into_(into) {}
  uint64_t collected = 0;

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override { return std::make_unique<dedup_chunk>(spec_); }
  void on_record(record_chunk& rc, const record_ref& rec) const override {
    auto& dc = static_cast<dedup_chunk&>(rc);
    hash128 h;
    if (dc.hasher.hash(*rec.doc, h)) dc.entries.push_back({h, 0, 0, rec.index, false, false});
    rc.counts.add(disposition_names::kept);
  }
  void on_commit(record_chunk& rc) override {
    for (auto& e : static_cast<dedup_chunk&>(rc).entries) collected += into_.insert(e.h);
  }

 private:
  const key_spec& spec_;
  key_set& into_;
};

// The band keys of reference files' records (dedup --near --against FILE.jsonl).
class band_collect_job final : public record_job {
 public:
  band_collect_job(const std::vector<input_file>& files, record_job_options ro, const near_seen& near,
                   const std::vector<text_source>& key, key_set& into)
      : record_job(files, std::move(ro)), near_(near), key_(key), into_(into) {}
  uint64_t collected = 0;

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override { return std::make_unique<dedup_chunk>(key_spec{}, &near_); }
  void on_record(record_chunk& rc, const record_ref& rec) const override {
    auto& dc = static_cast<dedup_chunk&>(rc);
    joined_texts(key_, rec.root, dc.text);
    dc.items->add(dc.text, rec.index);
    rc.counts.add(disposition_names::kept);
  }
  void on_commit(record_chunk& rc) override {
    static_cast<dedup_chunk&>(rc).items->for_each_key([&](const hash128& h) { collected += into_.insert(h); });
  }

 private:
  const near_seen& near_;
  const std::vector<text_source>& key_;
  key_set& into_;
};

}  // namespace

std::vector<uint64_t> load_reference_bands(const std::vector<std::string>& paths, const near_seen& near,
                                           const std::vector<text_source>& key, const record_job_options& ro, unsigned threads,
                                           key_set& into) {
  std::vector<uint64_t> n;
  for (const auto& p : paths) {
    if (looks_like_key_index(p)) {
      n.push_back(read_key_index(p, near.index_spec(), into, 0));
      continue;
    }
    std::vector<input_file> files = expand_inputs({p});
    band_collect_job job(files, ro, near, key, into);
    run_pass(files, {chunk_options{size_t(4) << 20, ro.max_line_bytes, false}, threads, {}}, job);
    n.push_back(job.collected);
  }
  return n;
}

std::vector<uint64_t> load_reference_keys(const std::vector<std::string>& paths, const key_spec& spec,
                                          const record_job_options& ro, unsigned threads, key_set& into) {
  std::vector<uint64_t> n;
  for (const auto& p : paths) {
    if (looks_like_key_index(p)) {
      n.push_back(read_key_index(p, spec.text(), into, 0));
      continue;
    }
    std::vector<input_file> files = expand_inputs({p});
    key_collect_job job(files, ro, spec, into);
    run_pass(files, {chunk_options{size_t(4) << 20, ro.max_line_bytes, false}, threads, {}}, job);
    n.push_back(job.collected);
  }
  return n;
}

std::vector<uint64_t> load_near_references(const std::vector<std::string>& paths, const minhash_params& params,
                                           const std::vector<text_source>& key, const record_job_options& ro, unsigned threads,
                                           key_set& into) {
  near_seen_options o;  // a stage for its parameters and index spec only
  o.params = params;
  o.key_text = names_of(key);
  static const std::vector<input_file> no_inputs;
  memory_budget none;
  near_seen bands(o, no_inputs, none);
  return load_reference_bands(paths, bands, key, ro, threads, into);
}

std::string empty_reference_warnings(const std::vector<std::string>& paths, const std::vector<uint64_t>& keys) {
  std::string out;
  for (size_t i = 0; i < paths.size() && i < keys.size(); ++i)
    if (keys[i] == 0)
      out += fmt::format("jsift: warning: --against '{}' gave no reference keys (no record of it has a value at the key; "
                         "another schema?)\n",
                         paths[i]);
  return out;
}

dedup_job::dedup_job(const std::vector<input_file>& files, record_job_options ro, first_seen& seen, output_file* out)
    : record_job(files, std::move(ro)), seen_(&seen), out_(out), writer_(write_behind_bytes) {
  duplicate_id_ = names().add("duplicate");
}

dedup_job::dedup_job(const std::vector<input_file>& files, record_job_options ro, near_seen& near, std::vector<text_source> near_key,
                     output_file* out)
    : record_job(files, std::move(ro)), near_(&near), near_key_(std::move(near_key)), out_(out), writer_(write_behind_bytes) {
  duplicate_id_ = names().add("duplicate:near");
}

std::unique_ptr<record_chunk> dedup_job::make_chunk() const {
  static const key_spec whole;
  return std::make_unique<dedup_chunk>(seen_ ? seen_->options().key : whole, near_);
}

void dedup_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& dc = static_cast<dedup_chunk&>(rc);
  if (near_) {
    dc.entries.push_back({{}, rec.offset, rec.line.size(), rec.index, false, rec.lf});
    joined_texts(near_key_, rec.root, dc.text);
    dc.items->add(dc.text, rec.index);
    rc.counts.add(disposition_names::kept);
    return;
  }
  hash128 h{};
  bool has_key = dc.hasher.hash(*rec.doc, h);
  dc.entries.push_back({h, rec.offset, rec.line.size(), rec.index, !has_key, rec.lf});
  dc.keys.add(h, !has_key, rec.index);
  rc.counts.add(disposition_names::kept);
}

void dedup_job::on_chunk_end(record_chunk& rc, const chunk& c) const {
  auto& dc = static_cast<dedup_chunk&>(rc);
  if (near_) return near_->resolve(c.seq, *dc.items);
  seen_->resolve(c.seq, dc.keys, c.seq == 0 ? expected_records(rc, c) : 0);
}

void dedup_job::on_commit(record_chunk& rc) {
  auto& dc = static_cast<dedup_chunk&>(rc);
  // Kept records leave straight from the chunk's input bytes (writev), as
  // runs of consecutive lines that end in \n: no copy in the workers. A
  // CRLF or unterminated line is copied with a \n into `ended`, where
  // consecutive ones form one run too (a piece for each line and another
  // for its \n made short CRLF lines 20 % slower than copying them). The
  // writes happen behind (writer_), holding the chunk's bytes and `ended`.
  const chunk& c = commit_chunk();
  if (seen_) seen_->begin_chunk(c.seq, commit_file(), commit_line(0));
  else near_->begin_chunk(c.seq, commit_file(), commit_line(0));
  std::vector<iovec> pieces;
  std::shared_ptr<std::string> ended;
  const char* run_start = nullptr;
  const char* run_end = nullptr;
  bool run_in_ended = false;  // the run is in `ended`, not the input
  auto flush = [&] {
    if (run_end != run_start) pieces.push_back({const_cast<char*>(run_start), size_t(run_end - run_start)});
  };
  for (size_t k = 0; k < dc.entries.size(); ++k) {
    const auto& e = dc.entries[k];
    if (e.index >= rc.emit_end) break;
    const bool keep = seen_ ? seen_->take(dc.keys, k) == first_seen::verdict::kept : near_->take(*dc.items, k) == near_seen::verdict::kept;
    if (keep) {
      if (!out_) continue;
      const char* line = c.data.data() + (e.offset - c.offset);
      // `ended` is sized for the whole chunk before its first line: it never
      // moves while pieces point into it.
      if (!e.lf && !ended) {
        ended = std::make_shared<std::string>();
        ended->reserve(c.data.size() + 1);
      }
      const char* from = e.lf ? line : ended->data() + ended->size();
      if (from != run_end || run_in_ended == e.lf) {
        flush();
        run_start = from;
        run_in_ended = !e.lf;
      }
      if (e.lf) {
        run_end = line + e.len + 1;
      } else {
        ended->append(line, e.len);
        ended->push_back('\n');
        run_end = ended->data() + ended->size();
      }
      continue;
    }
    rc.counts.move(disposition_names::kept, duplicate_id_);
  }
  flush();
  // Counted as the memory it holds (the whole chunk), not the bytes kept:
  // a chunk of duplicates must not let the queue hold many chunks.
  if (out_ && !pieces.empty())
    writer_.post(c.data.size() + (ended ? ended->capacity() : 0),
                 [out = out_, pieces = std::move(pieces), keep = c.keep_alive, ended = std::move(ended)]() mutable {
                   out->write_pieces(pieces);
                 });
  seen_ ? seen_->flush() : near_->flush();
}

}  // namespace jsift
