#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>

#include "jsift/error.hpp"
#include "jsift/json/record_key.hpp"

#include <xxhash.h>

using namespace jsift;

namespace {
hash128 key_of(const key_spec& spec, const std::string& json, bool* has = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  key_hasher kh(spec);
  hash128 h{};
  bool ok = kh.hash(root, h);
  if (has) *has = ok;
  return h;
}
bool same(const key_spec& s, const std::string& a, const std::string& b) { return key_of(s, a) == key_of(s, b); }
}  // namespace

TEST_CASE("whole records compare as JSON values") {
  key_spec s;
  CHECK(same(s, R"({"a":1,"b":[1,2]})", R"({ "b" : [ 1 , 2 ] , "a" : 1 })"));  // key order, whitespace
  CHECK(same(s, R"({"t":"\u00e9\n"})", "{\"t\":\"\xc3\xa9\\n\"}"));              // escapes
  CHECK(same(s, R"({"n":1})", R"({"n":1.0})"));                                 // integral double == integer
  CHECK(same(s, R"({"n":100})", R"({"n":1e2})"));
  CHECK(same(s, R"({"n":0})", R"({"n":-0.0})"));
  CHECK_FALSE(same(s, R"({"n":1})", R"({"n":1.5})"));
  CHECK_FALSE(same(s, R"({"n":1})", R"({"n":"1"})"));                           // types differ
  CHECK_FALSE(same(s, R"({"a":[1,2]})", R"({"a":[2,1]})"));                     // arrays keep order
  CHECK_FALSE(same(s, R"({"a":{"b":1}})", R"({"a":{"B":1}})"));                 // keys exact
  CHECK_FALSE(same(s, R"({"a":"x","b":"y"})", R"({"a":"xb","":"y"})"));         // no aliasing
  CHECK_FALSE(same(s, R"({"a":null})", R"({"a":false})"));
  CHECK(same(s, R"({"o":{"y":[{"q":1,"p":2}],"x":true}})", R"({"o":{"x":true,"y":[{"p":2,"q":1}]}})"));  // nested
}

TEST_CASE("normalisation applies to string values only") {
  key_spec s;
  s.norm = normalization::parse("ws,case");
  CHECK(same(s, R"({"t":"Hello   World "})", R"({"t":" hello world"})"));
  CHECK_FALSE(same(s, R"({"T":"x"})", R"({"t":"x"})"));
  CHECK_FALSE(same(s, R"({"t":"hello, world"})", R"({"t":"hello world"})"));
  s.norm = normalization::parse("punct,ws,case");
  CHECK(same(s, R"({"t":"Hello, world!"})", R"({"t":"hello world"})"));
  std::string out;
  normalize_text("  A\t\tB\n", normalization::parse("ws"), out);
  CHECK(out == "A B");
  normalize_text("It's-OK", normalization::parse("punct,case"), out);
  CHECK(out == "itsok");
  CHECK(normalization::parse("case,ws").text() == "ws,case");
  CHECK(normalization::parse("none").text() == "none");
  CHECK_THROWS_AS(normalization::parse("ws,loud"), usage_error);
}

TEST_CASE("Unicode normalisation: nfkc composes compatibility forms, fold folds case; ASCII text keeps the ASCII rules") {
  auto norm = [](const std::string& in, const char* modes) {
    std::string out;
    normalize_text(in, normalization::parse(modes), out);
    return out;
  };
  CHECK(norm("你好，世界！", "nfkc") == "你好,世界!");          // full-width punctuation to ASCII
  CHECK(norm("你好，世界！", "nfkc,punct") == "你好世界");      // ... which punct then drops
  CHECK(norm("你好，世界！", "punct") == "你好，世界！");       // the ASCII rule alone leaves it
  CHECK(norm("\xEF\xAC\x81le", "nfkc") == "file");            // the ligature U+FB01
  CHECK(norm("Ｈｅｌｌｏ", "nfkc,fold") == "hello");
  CHECK(norm("ÉCOLE", "fold") == "école");
  CHECK(norm("E\xCC\x81" "COLE", "fold") == "école");          // E + combining acute composes first
  CHECK(norm("Straße", "fold") == norm("STRASSE", "fold"));    // full folding: ß is ss
  CHECK(norm("ÉCOLE", "case") == "École");                     // `case` stays ASCII
  CHECK(norm("Hello  World", "fold,ws") == "hello world");     // ASCII text: fold lowercases A-Z
  CHECK(norm("ÀB  c", "nfkc,ws,case") == "Àb c");              // the ASCII modes after the Unicode ones
  // NFKC can lengthen text many times over (U+FDFA is 18 code points).
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += "\xEF\xB7\xBA";
  std::string out = norm(wide, "nfkc");
  CHECK(out.size() > 3 * wide.size());
  CHECK(norm(out, "nfkc") == out);
  // Invalid UTF-8 (no JSON string holds it) is left as it is, then the ASCII rules apply.
  CHECK(norm("A\xFF" "B", "nfkc,case") == "a\xFF" "b");
  CHECK(normalization::parse("case,fold,ws,nfkc").text() == "nfkc,fold,ws,case");
  CHECK(normalization::parse("fold").unicode());
  CHECK_FALSE(normalization::parse("ws,case,punct").unicode());
  char buf[64];
  CHECK_THROWS_AS(normalize_text("x", normalization::parse("fold"), buf), std::logic_error);
  CHECK(unicode_version().find('.') != std::string::npos);

  key_spec s;
  s.norm = normalization::parse("fold");
  CHECK(same(s, R"({"t":"ÉCOLE"})", R"({"t":"école"})"));
  CHECK(same(s, R"({"t":"\u00c9COLE"})", R"({"t":"e\u0301cole"})"));
  CHECK_FALSE(same(s, R"({"T":"x"})", R"({"t":"x"})"));  // keys are never normalised
  std::string longer(60, 'x');                            // past the inline limit: goes in as a hash
  CHECK(same(s, R"({"t":")" + longer + R"(ÉCOLE"})", R"({"t":")" + longer + R"(école"})"));
  s.norm = normalization::parse("case");
  CHECK_FALSE(same(s, R"({"t":"ÉCOLE"})", R"({"t":"école"})"));
  s.norm = normalization::parse("nfkc");
  CHECK(same(s, R"({"t":"你好，世界！"})", R"({"t":"你好,世界!"})"));
  CHECK(s.text() == "record;normalize=nfkc;unicode=" + unicode_version());
  s.norm = normalization::parse("ws,case");
  CHECK(s.text() == "record;normalize=ws,case");  // ASCII-only specs keep their spelling (old indexes stay valid)
}

TEST_CASE("key paths form a tuple, missing paths are marked") {
  key_spec s;
  s.paths = {path::parse(".a"), path::parse(".b")};
  CHECK(same(s, R"({"a":1,"b":2,"c":3})", R"({"b":2,"a":1,"c":4})"));
  CHECK_FALSE(same(s, R"({"a":"x"})", R"({"b":"x"})"));
  bool has = true;
  key_of(s, R"({"c":1})", &has);
  CHECK_FALSE(has);
  s.paths = {path::parse(".turns[].content")};
  CHECK(same(s, R"({"turns":[{"content":"a"},{"content":"b"}],"id":1})", R"({"id":2,"turns":[{"content":"a","role":"x"},{"content":"b"}]})"));
  CHECK_FALSE(same(s, R"({"turns":[{"content":"a"},{"content":"b"}]})", R"({"turns":[{"content":"b"},{"content":"a"}]})"));
}

TEST_CASE("key spec text names paths and normalisation") {
  key_spec s;
  CHECK(s.text() == "record;normalize=none");
  s.paths = {path::parse(".a"), path::parse(".b[]")};
  s.norm.ws = true;
  CHECK(s.text() == ".a,.b[];normalize=ws");
}

namespace {
// A random JSON value as a tree, printed with its object members in a given
// order (shuffled or not) and random insignificant whitespace.
struct jnode {
  enum kind_t { object, array, string, integer, real, boolean, null } kind = null;
  std::vector<std::pair<std::string, jnode>> members;  // object
  std::vector<jnode> items;                             // array
  std::string text;                                     // string, or a number's spelling
};

std::string random_key(std::mt19937& rng) {
  // Keys that share long prefixes (7-byte ties), contain NUL, are empty or long.
  static const char* stems[] = {"persona_", "persona_key", "persona_name", "a", "", "training_topic_key", "id", "\\u0000x", "é"};
  std::string k = stems[rng() % 9];
  for (unsigned i = rng() % 4; i > 0; --i) k += char('a' + rng() % 3);
  return k;
}

jnode random_value(std::mt19937& rng, int depth) {
  jnode n;
  unsigned pick = unsigned(rng() % (depth > 4 ? 5 : 7));
  switch (pick) {
    case 0: n.kind = jnode::string; n.text = std::string(rng() % 3 == 0 ? 40 + rng() % 30 : rng() % 10, char('a' + rng() % 26)); break;
    case 1: n.kind = jnode::integer; n.text = std::to_string(int64_t(rng() % 2000) - 1000); break;
    case 2: n.kind = jnode::real; n.text = std::to_string(rng() % 100) + (rng() % 2 ? ".5" : ".0"); break;
    case 3: n.kind = jnode::boolean; n.text = rng() % 2 ? "true" : "false"; break;
    case 4: n.kind = jnode::null; n.text = "null"; break;
    case 5:
      n.kind = jnode::array;
      for (unsigned i = unsigned(rng() % 5); i > 0; --i) n.items.push_back(random_value(rng, depth + 1));
      break;
    default:
      n.kind = jnode::object;
      for (unsigned i = unsigned(rng() % (rng() % 8 == 0 ? 40 : 8)); i > 0; --i) n.members.emplace_back(random_key(rng), random_value(rng, depth + 1));
      break;
  }
  return n;
}

void print(const jnode& n, std::mt19937* shuffle, std::string& out) {
  auto ws = [&] { if (shuffle && (*shuffle)() % 4 == 0) out += " \t"; };
  switch (n.kind) {
    case jnode::object: {
      std::vector<size_t> order(n.members.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      if (shuffle) {
        // Members with the same key keep their relative order: only distinct keys move.
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          return std::hash<std::string>()(n.members[a].first) < std::hash<std::string>()(n.members[b].first);
        });
      }
      out += '{';
      for (size_t i = 0; i < order.size(); ++i) {
        if (i) out += ',';
        ws();
        out += '"' + n.members[order[i]].first + "\":";
        ws();
        print(n.members[order[i]].second, shuffle, out);
      }
      out += '}';
      break;
    }
    case jnode::array:
      out += '[';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ',';
        ws();
        print(n.items[i], shuffle, out);
      }
      out += ']';
      break;
    case jnode::string: out += '"' + n.text + '"'; break;
    default: out += n.text; break;
  }
}
}  // namespace

TEST_CASE("the tape walk and the element walk give the same keys, and key order never matters") {
  std::mt19937 rng(20261123);
  key_spec whole, ws_case;
  ws_case.norm = normalization::parse("ws,case");
  key_hasher by_tape(whole), by_element(whole), norm_tape(ws_case), norm_element(ws_case);
  simdjson::dom::parser p1, p2;
  size_t differing = 0;
  for (int round = 0; round < 3000; ++round) {
    jnode root;
    root.kind = jnode::object;
    for (unsigned i = unsigned(rng() % 12); i > 0; --i) root.members.emplace_back(random_key(rng), random_value(rng, 1));
    std::string plain, shuffled;
    print(root, nullptr, plain);
    std::mt19937 shuffler(rng());
    print(root, &shuffler, shuffled);
    INFO(plain);
    INFO(shuffled);
    simdjson::dom::element e1 = p1.parse(plain), e2 = p2.parse(shuffled);
    hash128 t1, t2, x1, x2, n1, n2;
    REQUIRE(by_tape.hash(p1.doc, t1));
    REQUIRE(by_element.hash(e1, x1));
    REQUIRE(by_tape.hash(p2.doc, t2));
    REQUIRE(by_element.hash(e2, x2));
    CHECK(t1 == x1);
    CHECK(t2 == x2);
    CHECK(t1 == t2);
    REQUIRE(norm_tape.hash(p1.doc, n1));
    REQUIRE(norm_element.hash(e1, n2));
    CHECK(n1 == n2);
    // Change one scalar: the key must change.
    if (!root.members.empty() && root.members[0].second.kind == jnode::integer) {
      root.members[0].second.text = std::to_string(std::stoll(root.members[0].second.text) + 1);
      std::string changed;
      print(root, nullptr, changed);
      p2.parse(changed);
      hash128 c;
      by_tape.hash(p2.doc, c);
      CHECK_FALSE(c == t1);
      ++differing;
    }
  }
  CHECK(differing > 50);
}

namespace {
// The canonical encoding, built by hand from the README's rules (tag, count
// or length, bytes), of the start of {"K":[ with `count` elements to follow.
void u64_to(std::string& e, uint64_t v) { e.append(reinterpret_cast<const char*>(&v), 8); }
std::string encoding_of_array_member(char key, uint64_t count) {
  std::string e = "{";
  u64_to(e, 1);  // members
  u64_to(e, 1);  // the key's length
  e += 'k';
  e += key;
  e += '[';
  u64_to(e, count);
  return e;
}

// Both walks give `json` the key XXH3-128(`encoding`).
void check_key_is(key_hasher& kh, const std::string& json, const std::string& encoding) {
  XXH128_hash_t want = XXH3_128bits(encoding.data(), encoding.size());
  simdjson::dom::parser p;
  simdjson::dom::element root = p.parse(json);
  hash128 by_tape, by_element;
  REQUIRE(kh.hash(p.doc, by_tape));
  REQUIRE(kh.hash(root, by_element));
  INFO(encoding.size() << " bytes of encoding");
  CHECK(by_tape.lo == want.low64);
  CHECK(by_tape.hi == want.high64);
  CHECK(by_element == by_tape);
}

// {"n":[v0,v1,...]} with small integers.
std::string encoding_of_numbers(const std::vector<int>& values) {
  std::string e = encoding_of_array_member('n', values.size());
  for (int v : values) {
    e += 'i';
    u64_to(e, uint64_t(int64_t(v)));
  }
  return e;
}
}  // namespace

TEST_CASE("keys of records larger than the encoding buffer stream through XXH3 and equal the one-shot hash") {
  // 28 bytes of header and 9 a number: around 7,280 numbers the encoding
  // crosses the 64 KiB buffer; 200,000 numbers spill many times.
  key_spec s;
  key_hasher kh(s);
  for (size_t count : {size_t(100), size_t(7270), size_t(7278), size_t(7279), size_t(7280), size_t(7290), size_t(200000)}) {
    std::vector<int> values(count);
    std::string json = "{\"n\":[";
    for (size_t i = 0; i < count; ++i) {
      values[i] = int(i % 7) - 3;
      if (i) json += ',';
      json += std::to_string(values[i]);
    }
    json += "]}";
    INFO(count << " numbers");
    check_key_is(kh, json, encoding_of_numbers(values));
  }
}

TEST_CASE("member order: long runs of shared prefixes, more than 32 and more than 256 members") {
  key_spec s;
  key_hasher kh(s);
  std::mt19937 rng(3);
  for (size_t members : {size_t(20), size_t(40), size_t(100), size_t(300)}) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < members; ++i) keys.push_back((i % 3 ? "feature_" : "f") + std::to_string(i * 7919 % 1000));
    auto object = [&](const std::vector<size_t>& order) {
      std::string j = "{";
      for (size_t i = 0; i < order.size(); ++i) j += (i ? ",\"" : "\"") + keys[order[i]] + "\":" + std::to_string(order[i]);
      return j + "}";
    };
    std::vector<size_t> order(members);
    for (size_t i = 0; i < members; ++i) order[i] = i;
    simdjson::dom::parser p;
    hash128 first, h;
    p.parse(object(order));
    REQUIRE(kh.hash(p.doc, first));
    for (int round = 0; round < 5; ++round) {
      std::shuffle(order.begin(), order.end(), rng);
      simdjson::dom::element root = p.parse(object(order));
      REQUIRE(kh.hash(p.doc, h));
      CHECK(h == first);
      REQUIRE(kh.hash(root, h));
      CHECK(h == first);
    }
    // Swapping two values (same keys) gives another key.
    std::string swapped = object(order);
    std::swap(order[0], order[1]);
    std::string j = "{";
    for (size_t i = 0; i < members; ++i) {
      size_t value = i < 2 ? order[1 - i] : order[i];
      j += (i ? ",\"" : "\"") + keys[order[i]] + "\":" + std::to_string(value);
    }
    p.parse(j + "}");
    REQUIRE(kh.hash(p.doc, h));
    CHECK_FALSE(h == first);
  }
}

TEST_CASE("an array longer than simdjson's saturating count (2^24 - 1) is counted in full", "[slow]") {
  key_spec s;
  key_hasher kh(s);
  for (size_t count : {size_t(0xFFFFFF), size_t(0xFFFFFF) + 2}) {
    std::string json = "{\"a\":[";
    json.reserve(count * 5 + 16);
    for (size_t i = 0; i < count; ++i) json += i ? ",null" : "null";
    json += "]}";
    // The expected encoding, by hand: the array's true length, then each null.
    std::string e = encoding_of_array_member('a', count);
    e.append(count, 'n');
    INFO(count << " elements");
    check_key_is(kh, json, e);
  }
}

TEST_CASE("normalisation 16 bytes at a time equals the plain rules, on every kind of text") {
  // The rules as the README states them, a character at a time.
  auto reference = [](const std::string& in, const normalization& n) {
    std::string s;
    for (unsigned char c : in)
      if (!(n.punct && ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)))) s += char(c);
    if (n.ws) {
      std::string t;
      bool gap = false;
      for (unsigned char c : s) {
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
          gap = true;
          continue;
        }
        if (gap && !t.empty()) t += ' ';
        gap = false;
        t += char(c);
      }
      s = t;
    }
    if (n.case_)
      for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = char(c + 32);
    return s;
  };
  std::mt19937 rng(7);
  const std::string alphabet = std::string("aZ  \t\n\r\v\f.,!-_~{}[]@`'\"09\xc3\xa9\x80\xff\x00", 30);
  std::vector<normalization> norms;
  for (const char* t : {"ws", "case", "punct", "ws,case", "ws,punct", "case,punct", "ws,case,punct"}) norms.push_back(normalization::parse(t));
  std::string out;
  for (int round = 0; round < 20000; ++round) {
    std::string in;
    const size_t len = rng() % 80;
    const bool plain = rng() % 3 == 0;  // long runs without a decision to make
    for (size_t i = 0; i < len; ++i) in += plain ? char('a' + rng() % 26 - (rng() % 4 == 0 ? 32 : 0)) : alphabet[rng() % alphabet.size()];
    if (plain && len > 3) in[rng() % len] = ' ';
    for (const auto& n : norms) {
      normalize_text(in, n, out);
      INFO(n.text() << " on '" << in << "'");
      REQUIRE(out == reference(in, n));
      // The raw overload in a buffer of exactly the room it asks for (ASan
      // sees any write past it).
      std::unique_ptr<char[]> raw(new char[in.size() + normalize_slack]);
      REQUIRE(std::string(raw.get(), normalize_text(in, n, raw.get())) == out);
    }
  }
}

TEST_CASE("a key hasher does not depend on the spec it was built from staying alive") {
  // run's pipeline built hashers from a temporary spec (`cond ? spec : key_spec{}`
  // is a copy): the hasher now copies its spec.
  simdjson::dom::parser p;
  std::string text = R"({"a":"Hello  World","b":1})";
  simdjson::dom::element root = p.parse(text);
  auto make = [] { return key_hasher(key_spec::parse({".a"}, "ws,case")); };
  key_hasher from_temporary = make();
  key_spec kept = key_spec::parse({".a"}, "ws,case");
  key_hasher from_kept(kept);
  hash128 x, y;
  REQUIRE(from_temporary.hash(root, x));
  REQUIRE(from_kept.hash(root, y));
  CHECK(x == y);
}
