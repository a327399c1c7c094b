// The record parser and the error locator on arbitrary lines: simdjson and the
// locator agree on what is valid JSON, a rejected line always gets a reason,
// a column inside the line and words, and nothing crashes. A parsed record's
// conversation counts agree with each other in every unit, the raw-text
// walker (json/raw_edit) reaches the values the DOM walk reaches, and set,
// del and convert (to every schema) leave valid JSON objects. The diversity
// tokenizer takes any bytes (the line as text): a token per space-separated
// piece in whitespace mode, at most one per byte in word mode; so does
// MinHash: its shingle words are the tokenizer's words, one space between
// them and none empty; a text with words signs, the same text signs the
// same, and its b-bit estimate against itself is 1.
#include <algorithm>
#include <cstdint>
#include <string>

#include <simdjson.h>

#include "fuzz_check.hpp"
#include "jsift/engine/error_locator.hpp"
#include "jsift/engine/record_parser.hpp"
#include "jsift/json/conversation.hpp"
#include "jsift/json/minhash.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/raw_edit.hpp"
#include "jsift/json/tokens.hpp"
#include "jsift/stages/record_transform.hpp"

namespace {
simdjson::dom::element& v_any() {
  static simdjson::dom::element e;
  return e;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  line.reserve(size + simdjson::SIMDJSON_PADDING);
  static jsift::record_parser parser(size_t(1) << 20);
  simdjson::dom::element root;
  jsift::line_problem problem;
  {
    std::vector<uint64_t> hashes;
    std::string opening;
    size_t opened = 0;
    const size_t words = jsift::tokenize(line, jsift::token_mode::words, hashes, &opening, &opened, 5);
    FUZZ_CHECK(words == hashes.size() && words <= size && opened <= 5 && opened <= words);
    hashes.clear();
    const size_t pieces = jsift::tokenize(line, jsift::token_mode::whitespace, hashes);
    FUZZ_CHECK(pieces == hashes.size() && pieces == size_t(std::count(line.begin(), line.end(), ' ')) + 1);
    std::string joined;
    std::vector<uint32_t> ends;
    const size_t n = jsift::split_words(line, true, joined, ends);
    FUZZ_CHECK(n == ends.size() && n == words && (n == 0 ? joined.empty() : ends.back() == joined.size()));
    for (size_t i = 0; i < n; ++i) {
      const size_t from = i ? ends[i - 1] + 1 : 0;
      FUZZ_CHECK(ends[i] > from && (i == 0 || joined[ends[i - 1]] == ' '));
      FUZZ_CHECK(joined.find(' ', from) >= ends[i]);
    }
    static jsift::minhasher mh({});
    jsift::hash128 a[14], b[14];
    uint8_t la[112], lb[112];
    const bool signed_a = mh.sign(line, a, la);
    FUZZ_CHECK(signed_a == (n > 0));
    if (signed_a) {
      FUZZ_CHECK(mh.sign(line, b, lb));
      FUZZ_CHECK(std::equal(a, a + 14, b) && jsift::minhasher::estimate(la, lb, 112) == 1.0);
    }
  }
  const bool ok = parser.parse(line, root, problem);
  if (!ok) {
    FUZZ_CHECK(!problem.message.empty());
    FUZZ_CHECK(problem.column >= 1 && problem.column <= size + 1);
    FUZZ_CHECK(problem.reason < jsift::invalid_reason::count_);
    FUZZ_CHECK(!jsift::reason_key(problem.reason).empty());
  }
  // The oracle: simdjson accepts a value exactly when the locator finds no problem.
  static simdjson::dom::parser plain(size_t(1) << 20);
  simdjson::dom::element any;
  const bool valid = !plain.parse(line.data(), line.size(), false).get(any);
  auto located = jsift::find_json_problem(line);
  FUZZ_CHECK(valid == !located.has_value());
  if (located) FUZZ_CHECK(located->offset <= size);
  FUZZ_CHECK(ok == (valid && any.type() == simdjson::dom::element_type::OBJECT));
  if (ok) {
    static const char* paths[] = {".a", ".turns", ".turns[-1].content", ".turns[role=assistant].content", ".a[]", ".a[0].b", ".[]"};
    for (const char* text : paths) {
      jsift::path p = jsift::path::parse(text);
      std::vector<std::string> dom;
      p.visit(root, [&](simdjson::dom::element e) { dom.push_back(simdjson::minify(e)); });
      std::vector<jsift::raw_span> raw = jsift::raw_values(line, p);
      FUZZ_CHECK(raw.size() == dom.size());
      for (size_t i = 0; i < raw.size() && i < dom.size(); ++i) {
        simdjson::dom::element v;
        std::string bytes(raw[i].of(line));
        FUZZ_CHECK(!plain.parse(bytes).get(v));
        FUZZ_CHECK(simdjson::minify(v) == dom[i]);
      }
      std::string edited(line), why;
      if (jsift::raw_set(edited, jsift::path::parse(std::string(text) == ".[]" ? ".z" : text), "[1,\"x\"]", why) !=
          jsift::edit_result::conflict)
        FUZZ_CHECK(!plain.parse(edited).get(v_any()));
      edited.assign(line);
      jsift::raw_del(edited, p);
      FUZZ_CHECK(!plain.parse(edited).get(v_any()));
    }
    static const std::unique_ptr<jsift::record_transform> converts[] = {
        jsift::make_convert_transform(jsift::chat_schema::openai, ""), jsift::make_convert_transform(jsift::chat_schema::sharegpt, ""),
        jsift::make_convert_transform(jsift::chat_schema::alpaca, ""), jsift::make_convert_transform(jsift::chat_schema::jsonl, "")};
    for (size_t k = 0; k < 4; ++k) {
      const auto& t = converts[k];
      std::string out;
      jsift::transform_tally tally;
      const jsift::record_ref rec{line, root, nullptr, 0, 0, 0, false};
      if (auto n = t->apply(rec, out, tally)) {
        FUZZ_CHECK(*n == 1 && !out.empty() && out.back() == '\n');
        out.pop_back();
        simdjson::dom::element converted;
        FUZZ_CHECK(!plain.parse(out).get(converted) && converted.type() == simdjson::dom::element_type::OBJECT);
      }
      uint64_t counted = 0;  // one source shape or one reason per record (jsonl counts nothing)
      for (uint64_t c : tally.counts) counted += c;
      FUZZ_CHECK(counted == (k == 3 ? 0 : 1));
    }
    if (auto conv = jsift::find_conversation(root)) {
      using jsift::turn_unit;
      auto n = [&](turn_unit u) { return jsift::count_turns(*conv, u); };
      auto messages = n(turn_unit::messages);
      FUZZ_CHECK(messages.has_value() == n(turn_unit::elements).has_value());
      if (messages) {
        const uint64_t user = *n(turn_unit::user), assistant = *n(turn_unit::assistant), exchanges = *n(turn_unit::exchanges);
        FUZZ_CHECK(user + assistant <= *messages);
        FUZZ_CHECK(exchanges <= user && exchanges <= assistant);
      }
    }
  }
  return 0;
}
