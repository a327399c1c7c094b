#include "jsift/engine/record_job.hpp"

#include "jsift/io/byte_reader.hpp"

#include <algorithm>
#include <map>
#include <cstring>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/input_list.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/units.hpp"

namespace jsift {

std::string invalid_policy::reasons_path() const {
  // A quarantine written to a device or a descriptor (/dev/null, /dev/stderr)
  // has no sidecar: there is no file to put one beside.
  if (quarantine_path.empty() || quarantine_path == "-" || resolve_output(quarantine_path).what != output_target::kind::file) return "";
  return quarantine_path + ".errors.jsonl";
}

invalid_policy invalid_policy::parse(std::string_view text) {
  invalid_policy p;
  if (text == "fail") return p;
  if (text == "skip") {
    p.action = on_invalid::skip;
    return p;
  }
  constexpr std::string_view q = "quarantine:";
  if (text.substr(0, q.size()) == q && text.size() > q.size()) {
    p.action = on_invalid::quarantine;
    p.quarantine_path = std::string(text.substr(q.size()));
    return p;
  }
  throw option_error("on_invalid", fmt::format("expected fail, skip or quarantine:FILE, got '{}'", text));
}

void line_tally::merge(const line_tally& o) {
  lines += o.lines;
  bytes += o.bytes;
  crlf += o.crlf;
  bom += o.bom;
  no_final_newline += o.no_final_newline;
}

record_job::record_job(const std::vector<input_file>& files, record_job_options opts)
    : files_(files), input_bytes_(input_size(files)), opts_(std::move(opts)) {
  by_offset_ = std::any_of(files_.begin(), files_.end(), [](const input_file& f) { return f.in_task; });
  if (opts_.invalid.action == on_invalid::quarantine) {
    quarantine_ = std::make_unique<output_file>(opts_.invalid.quarantine_path);
    if (std::string why = opts_.invalid.reasons_path(); !why.empty()) quarantine_why_ = std::make_unique<output_file>(why);
  }
}

record_job::~record_job() = default;

namespace {

thread_local std::unique_ptr<record_parser> tl_parser;

record_parser& parser_for(size_t max_line_bytes) {
  if (!tl_parser || tl_parser->max_line_bytes() != max_line_bytes)
    tl_parser = std::make_unique<record_parser>(max_line_bytes);
  return *tl_parser;
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t') return false;
  return true;
}

}  // namespace

std::unique_ptr<chunk_job::result> record_job::process(const chunk& c) {
  std::unique_ptr<record_chunk> rc = make_chunk();
  rc->counts = disposition_counts(names_.size());
  auto bad = [&](uint32_t index, std::string_view raw, line_problem&& p, size_t col_shift) {
    invalid_line l;
    l.column = p.column + col_shift;
    l.reason = p.reason;
    l.message = std::move(p.message);
    l.raw = std::string(raw);
    l.offset = c.offset + uint64_t(raw.data() - c.data.data()) - col_shift;  // a BOM's bytes belong to the first line
    l.index = index;
    l.out_pos = rc->out.size();
    rc->invalid.push_back(std::move(l));
    rc->counts.add(disposition_names::invalid(p.reason));
  };

  if (c.oversized) {
    rc->tally.lines = 1;
    rc->tally.bytes = c.oversized + (c.oversized_newline ? 1 : 0);
    std::string_view data = c.data;
    size_t bom = 0;
    if (c.file_start && data.size() >= 3 && std::memcmp(data.data(), "\xEF\xBB\xBF", 3) == 0) {
      data.remove_prefix(3);
      rc->tally.bom = 1;
      bom = 3;
    }
    line_problem p;
    p.reason = invalid_reason::line_too_long;
    p.column = opts_.max_line_bytes + 1;
    p.message = fmt::format("line exceeds --max-line-bytes ({}): {} bytes", human_bytes(opts_.max_line_bytes), c.oversized - bom);
    // At most --max-line-bytes of it is kept (the quarantine gets that
    // prefix, whatever the input and the chunk size): the point of the limit
    // is not to hold the line.
    bad(0, data.substr(0, std::min(data.size(), opts_.max_line_bytes)), std::move(p), bom);
    if (c.file_end && !c.oversized_newline) rc->tally.no_final_newline = 1;
    on_chunk_end(*rc, c);  // every chunk ends, records or not (a job may count chunks)
    return rc;
  }

  record_parser& parser = parser_for(opts_.max_line_bytes);
  const char* p = c.data.data();
  const char* end = p + c.data.size();
  size_t bom_shift = 0;
  if (c.file_start && c.data.size() >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
    p += 3;
    rc->tally.bom = 1;
    bom_shift = 3;
  }
  rc->tally.bytes = c.data.size();
  if (emits_records()) rc->out.reserve(c.data.size() + 1);
  uint32_t index = 0;
  simdjson::dom::element root;
  line_problem problem;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
    const char* le = nl ? nl : end;
    std::string_view line(p, size_t(le - p));
    if (!nl) rc->tally.no_final_newline = 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
      ++rc->tally.crlf;
    }
    if (is_blank(line)) {
      rc->counts.add(disposition_names::blank);
    } else if (parser.parse(line, root, problem)) {
      on_record(*rc, record_ref{line, root, &parser.document(), index, c.file_index,
                                c.offset + uint64_t(line.data() - c.data.data()), line.data() + line.size() == nl});
    } else {
      // An over-long line keeps only its first --max-line-bytes, as above.
      if (problem.reason == invalid_reason::line_too_long) line = line.substr(0, opts_.max_line_bytes);
      bad(index, line, std::move(problem), index == 0 ? bom_shift : 0);
      problem = line_problem{};
    }
    ++index;
    p = le + 1;
  }
  rc->tally.lines = index;
  on_chunk_end(*rc, c);
  return rc;
}

uint64_t record_job::expected_records(const record_chunk& rc, const chunk& c) const {
  if (c.data.empty()) return 0;
  return uint64_t(double(rc.tally.lines) * double(std::max<uint64_t>(input_bytes_, c.data.size())) / double(c.data.size()));
}

std::string record_job::locate(const invalid_line& l) const {
  if (!l.element && by_offset_) return fmt::format("{}@{}:{}: {}", files_[l.file_index].name(), l.offset, l.column, l.message);
  if (!l.element) return fmt::format("{}:{}:{}: {}", files_[l.file_index].name(), l.line, l.column, l.message);
  if (l.source_line)
    return fmt::format("{}:{}:{}: element {}: {}", files_[l.file_index].name(), l.source_line, l.source_column, l.line, l.message);
  return fmt::format("{}: element {}, byte {} of its minified text: {}", files_[l.file_index].name(), l.line, l.column, l.message);
}

// The places in their files of records read from JSON text (read again:
// only for the lines messages name, one reading per file).
void record_job::find_sources(std::vector<invalid_line>& lines) const {
  std::map<uint32_t, std::vector<invalid_line*>> by_file;
  for (auto& l : lines)
    if (l.element && !l.source_line && files_[l.file_index].label.empty()) by_file[l.file_index].push_back(&l);  // not a spooled stdin
  for (auto& [file, ls] : by_file) {
    std::sort(ls.begin(), ls.end(), [](const invalid_line* a, const invalid_line* b) { return a->line < b->line; });
    std::vector<std::pair<uint64_t, uint64_t>> wanted;
    for (const invalid_line* l : ls) wanted.emplace_back(l->line, l->column);
    auto at = json_text_positions(files_[file].path, wanted);
    for (size_t i = 0; i < ls.size(); ++i)
      if (at[i]) ls[i]->source_line = at[i]->line, ls[i]->source_column = at[i]->column;
  }
}

void record_job::commit(const chunk& c, result& r) {
  auto& rc = static_cast<record_chunk&>(r);
  cur_chunk_ = &c;
  (c.json_text ? saw_elements_ : saw_lines_) = true;
  if (c.file_index != cur_file_) {
    cur_file_ = c.file_index;
    line_base_ = 0;
  }
  for (auto& l : rc.invalid) {
    l.file_index = c.file_index;
    l.line = line_base_ + l.index + 1;
    l.element = c.json_text;
  }
  if (!rc.invalid.empty() && opts_.invalid.action == on_invalid::fail) {
    // Emit what came before the bad line, then stop.
    std::vector<invalid_line> first_only{rc.invalid.front()};
    find_sources(first_only);
    const invalid_line& first = first_only.front();
    rc.out.resize(first.out_pos);
    rc.emit_end = first.index;
    on_commit(rc);
    drain_outputs();
    throw invalid_line_error(locate(first));
  }
  std::string why;
  for (auto& l : rc.invalid) {
    if (quarantine_) {
      l.raw.push_back('\n');
      quarantine_->write(l.raw);
      l.raw.pop_back();
      // The sidecar: where each quarantined line came from, and why, in order.
      why += "{\"file\":";
      json_writer::escape(why, files_[l.file_index].name());
      if (by_offset_ && !l.element) why += fmt::format(",\"line\":null,\"offset\":{}", l.offset);
      else why += fmt::format(",\"line\":{}", l.line);
      why += fmt::format(",\"column\":{},\"reason\":\"{}\",\"message\":", l.column, reason_key(l.reason));
      json_writer::escape(why, l.message);
      why += "}\n";
    }
    if (first_invalid_.size() < opts_.keep_invalid) {  // reports need the place, not the bytes
      first_invalid_.push_back(invalid_line{l.file_index, l.line, l.offset, l.column, l.reason, l.message, {}, l.index, l.out_pos, l.element});
    }
  }
  if (quarantine_why_) quarantine_why_->write(why);
  on_commit(rc);  // may move records between dispositions (kept -> duplicate)
  invalid_total_ += rc.invalid.size();
  counts_.merge(rc.counts);
  tally_.merge(rc.tally);
  line_base_ += rc.tally.lines;
}

void record_job::finish() {
  find_sources(first_invalid_);  // for the messages and reports that follow
  finish_records();
  if (quarantine_) quarantine_->commit();
  if (quarantine_why_) quarantine_why_->commit();
  finish_outputs();
}

void record_job::write_summary(partial_writer& w) const {
  for (uint64_t v : {tally_.lines, tally_.bytes, tally_.crlf, tally_.bom, tally_.no_final_newline}) w.u64(v);
  const auto listed = counts_.listed(names_);
  w.u64(listed.size());
  for (const auto& [name, n] : listed) w.str(name), w.u64(n);
  w.u64(invalid_total_);
  w.u64(saw_lines_);
  w.u64(saw_elements_);
  w.u64(first_invalid_.size());
  for (const auto& l : first_invalid_) {
    w.str(files_[l.file_index].name());
    for (uint64_t v : {l.line, l.offset, uint64_t(l.column), uint64_t(l.reason), uint64_t(l.element), l.source_line, l.source_column}) w.u64(v);
    w.str(l.message);
  }
}

void record_job::read_summary(partial_reader& r) {
  by_offset_ = true;
  line_tally t;
  for (uint64_t* v : {&t.lines, &t.bytes, &t.crlf, &t.bom, &t.no_final_newline}) *v = r.u64();
  tally_.merge(t);
  std::vector<std::pair<size_t, uint64_t>> counted;
  const uint64_t listed = r.u64();
  if (listed > 4096) r.fail("more dispositions than any run has");  // names are looked up one by one
  for (uint64_t n = listed; n > 0; --n) {
    std::string name = r.str();
    const size_t id = names_.add(std::move(name));
    counted.emplace_back(id, r.u64());
  }
  disposition_counts c(names_.size());
  for (const auto& [id, n] : counted) c.add(id, n);
  counts_.merge(c);
  invalid_total_ += r.u64();
  saw_lines_ |= r.u64() != 0;
  saw_elements_ |= r.u64() != 0;
  for (uint64_t n = r.u64(); n > 0; --n) {
    invalid_line l;
    const std::string file = r.str();
    const auto it = std::find_if(files_.begin(), files_.end(), [&](const input_file& f) { return f.name() == file; });
    if (it == files_.end()) r.fail("an invalid line of a file that is not among the inputs");
    l.file_index = uint32_t(it - files_.begin());
    l.line = r.u64();
    l.offset = r.u64();
    l.column = size_t(r.u64());
    const uint64_t reason = r.u64();
    if (reason >= uint64_t(invalid_reason::count_)) r.fail("an unknown invalid-line reason");
    l.reason = invalid_reason(reason);
    l.element = r.u64() != 0;
    l.source_line = r.u64();
    l.source_column = r.u64();
    l.message = r.str();
    if (first_invalid_.size() < opts_.keep_invalid) first_invalid_.push_back(std::move(l));
  }
}

record_job_options record_job_options::for_survey() const {
  record_job_options o = *this;
  if (o.invalid.action == on_invalid::quarantine) o.invalid = invalid_policy{on_invalid::skip, {}};
  return o;
}

}  // namespace jsift
