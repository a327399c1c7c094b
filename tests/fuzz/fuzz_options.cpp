// The small parsers behind flags and config values: jq paths (then walked on
// a record), ranges, sizes, numbers, share lists, normalisation (checked
// against itself), and the predicates built from PATH=VALUE text. Bad text
// may only ever be a usage_error.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include <simdjson.h>

#include "fuzz_check.hpp"
#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/json/normalize.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/predicate.hpp"
#include "jsift/stages/quota.hpp"

namespace {
const char* record_text = R"({"id":7,"record_type":"chat","a":{"b":[1,"x",{"c":null}],"":true},"turns":[{"role":"user","content":"hi  There!"},{"role":"assistant","content":"ok"}],"n":[[],{}],"s":"é"})";

simdjson::dom::element record() {
  static simdjson::dom::parser p;
  static simdjson::dom::element root = p.parse(record_text, std::strlen(record_text));
  return root;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] % 8;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (mode) {
      case 0: {
        jsift::path p = jsift::path::parse(text);
        size_t n = 0;
        p.visit(record(), [&](simdjson::dom::element) { ++n; });
        FUZZ_CHECK(p.first(record()).has_value() == (n > 0));
        FUZZ_CHECK(p.is_multi() || n <= 1);
        break;
      }
      case 1: {
        jsift::range r = jsift::range::parse(text, "turns");
        FUZZ_CHECK(!r.lo || !r.hi || *r.lo <= *r.hi);
        FUZZ_CHECK(jsift::range::parse(r.text(), "turns").text() == r.text());
        break;
      }
      case 2: (void)jsift::parse_size(text, "max_bytes"); break;
      case 3: {
        double v = jsift::parse_number(text, "fraction");
        FUZZ_CHECK(std::isfinite(v));
        break;
      }
      case 4: (void)jsift::parse_shares(text, "target"), (void)jsift::parse_counts(text, "cap"); break;
      case 5: {
        // The first line of the text names the modes; the rest is normalised.
        size_t nl = text.find('\n');
        jsift::normalization n = jsift::normalization::parse(text.substr(0, nl == std::string::npos ? 0 : nl));
        std::string in = nl == std::string::npos ? text : text.substr(nl + 1), out;
        jsift::normalize_text(in, n, out);
        if (!n.unicode()) FUZZ_CHECK(out.size() <= in.size() + 1);  // NFKC can lengthen text
        std::string again;
        jsift::normalize_text(out, n, again);
        // The ASCII modes are idempotent (NFKC followed by case folding need not be).
        if (!n.unicode() && (n.ws || n.case_ || n.punct)) FUZZ_CHECK(again == out);
        break;
      }
      case 6: {
        auto preds = {jsift::make_eq(text, false), jsift::make_len(text)};
        for (const auto& p : preds) (void)p->test(record_text, record());
        break;
      }
      default: {
        auto m = jsift::make_match(text);
        (void)m->test(record_text, record());
        (void)jsift::make_has(text)->test(record_text, record());
        (void)jsift::make_nonempty(text)->test(record_text, record());
        break;
      }
    }
  } catch (const jsift::usage_error&) {
  }
  return 0;
}
