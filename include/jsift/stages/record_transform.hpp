// jsift/stages/record_transform.hpp — the record transforms (`jsift set`,
// `cut`, `explode`, `window`, `convert`, and `run`'s [[transform]] tables):
// one record's text in, its new text (or records, or a row) out, built
// once from the options as the user wrote them and shared read-only by the
// workers. Values a transform does not touch keep their bytes
// (json/raw_edit.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/json/path.hpp"

namespace jsift {

class json_writer;

// What a transform counted over the records a worker saw; tallies merge by
// adding, so the totals do not depend on the threads.
struct transform_tally {
  uint64_t made = 0;             // records written (the caller counts them)
  uint64_t skipped = 0;          // parts left out (explode's elements that are not objects)
  std::vector<uint64_t> counts;  // the transform's own counters (convert: sources, reasons)
  void add(size_t i, uint64_t n = 1) {
    if (counts.size() <= i) counts.resize(i + 1);
    counts[i] += n;
  }
  uint64_t at(size_t i) const { return i < counts.size() ? counts[i] : 0; }
  void merge(const transform_tally& o) {
    made += o.made;
    skipped += o.skipped;
    for (size_t i = 0; i < o.counts.size(); ++i) add(i, o.counts[i]);
  }
};

class record_transform {
 public:
  virtual ~record_transform() = default;
  // "set", "cut": the disposition of a record it cannot transform is
  // "filtered:<name>".
  virtual std::string name() const = 0;
  // Appends the transformed record(s) (lines, each with its '\n') to `out`
  // and returns how many; nullopt, with nothing appended, when the record
  // cannot be transformed. Counts go to the worker's `tally`.
  virtual std::optional<size_t> apply(const record_ref& rec, std::string& out, transform_tally& tally) const = 0;
  // Whether a record may become more (or fewer) than one (explode, window).
  virtual bool one_to_one() const { return true; }
  // Its report members (inside its own object: "records_out" and what the
  // transform adds) and summary lines (each "  ...\n") from the run's tally.
  virtual void write_report(json_writer& w, const transform_tally& t) const;
  virtual std::string summary(const transform_tally&) const { return {}; }
  // Written once before the records (a CSV header); empty for JSONL.
  virtual std::string header() const { return {}; }
  // Once the run is over: warnings about what it measured nothing of
  // ("jsift: warning: ...\n" lines; a cut field no record has).
  virtual std::string warnings() const { return {}; }
};

// `jsift set PATH=VALUE... --del PATH...`: assignments first, in order, then
// deletions. VALUE is JSON when it parses as JSON, else a string. A record
// where a path meets a value of the wrong type (a key into a string, an
// index into an object) cannot be transformed; a path that reaches nothing
// and cannot be created (an index out of range) changes nothing.
std::unique_ptr<record_transform> make_set_transform(const std::vector<std::string>& assignments,
                                                     const std::vector<std::string>& deletions);

// Whether a command-line argument is a PATH=VALUE assignment (it starts
// with '.', and has '=' outside brackets and quotes).
bool looks_like_assignment(std::string_view arg);

// `jsift explode PATH --inherit SRC=DEST... --index DEST`: one record per
// object element of the array at PATH, as its bytes, with the parent's
// values at SRC set at DEST (relative to the element) and the element's
// index at the --index path. A record whose PATH is not an array with an
// object element yields nothing and cannot be transformed.
std::unique_ptr<record_transform> make_explode_transform(const std::string& array_path, const std::vector<std::string>& inherit,
                                                         const std::string& index_path);

// `jsift window --history LO..HI --format text|messages`: one record per
// assistant message that has at least LO messages before it:
// {"id": "<parent id>#<k>", "parent_id": <parent id as written>, "turn": k,
//  "input": the previous up-to-HI messages, "output": its text}, k the
// message's 0-based position in the conversation (id and parent_id only when
// the parent has an "id"). text: "User: ...\nAssistant: ..." lines (System:,
// Tool:, Other: for the other roles); messages: [{"role", "content"}].
enum class window_format { text, messages };
std::unique_ptr<record_transform> make_window_transform(const std::string& history, window_format format,
                                                        const std::string& turns_path);

enum class cut_format { csv, tsv, jsonl };

// `jsift cut -f PATH[=NAME],...`: one row (or smaller record) per record.
// CSV (RFC 4180: quoted when needed, "" inside quotes, CRLF line ends) and
// TSV (\t \n \r \\ escaped) cells: a string's text, a number or boolean as
// written, null and a missing path empty, an object or array as minified
// JSON; a path with [] gives a JSON array of its values. JSONL rows are
// {"NAME": value as written, ...} with missing paths left out.
std::unique_ptr<record_transform> make_cut_transform(const std::vector<std::string>& fields, cut_format format);

// `jsift convert --to SCHEMA`: the record's conversation (found as --turns
// finds it, or the top-level member --turns-path names) rewritten as
// OpenAI "messages" [{role, content}], ShareGPT "conversations"
// [{from, value}] (roles human, gpt, system, observation) or Alpaca
// instruction/input/output/system/history members, in the conversation's
// place; the record's other members keep their bytes, and so do a
// message's other fields (name, tool_calls, weight...) and its text as
// written. Sources: role/content and from/value messages, {user, bot} and
// [user, bot] pairs, text-marked dialogues, Alpaca records. A record the
// target cannot hold is not converted (see the reasons in the tally).
// jsonl: every record with the whitespace outside its strings removed.
enum class chat_schema { openai, sharegpt, alpaca, jsonl };
std::unique_ptr<record_transform> make_convert_transform(chat_schema to, const std::string& turns_path);

}  // namespace jsift
