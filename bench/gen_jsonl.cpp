// bench/gen_jsonl.cpp — jsift_gen: deterministic, realistic LLM-training JSONL
// for the benchmarks.
//
//   jsift_gen --bytes SIZE [--seed N] [-o FILE]
//
// Writes records until the line that crosses SIZE bytes (K/M/G/T suffixes,
// powers of 1024), to FILE (via FILE.tmp, renamed when complete) or stdout.
//
// Promises:
//  - Same --seed and --bytes give byte-identical output on every machine: the
//    PRNG (splitmix64) and every distribution are integer-only; no libm, no
//    std:: distributions (their algorithms are unspecified), no clock.
//    A shorter --bytes with the same seed yields a prefix of a longer one.
//  - Every line is one valid JSON object. Strings are assembled from
//    pre-escaped fragments (gen_vocabulary.hpp), so nothing is escaped at run
//    time; non-ASCII is raw UTF-8.
//  - The data has the shape jsift's jobs care about: a record_type mix of
//    chat/qa/preference/knowledge/memory/trajectory = 6:3:3:2:2:2, chat turn
//    counts 1-14 peaking at 6, outcome success/failure 60/40, nested metadata
//    with floats, booleans and nulls, ~8 % exact duplicate lines, ~5 % near
//    duplicates (case/whitespace edits inside content strings), and long-tail
//    line lengths (mean ~1.6 kB, ~1.6 % over 10 KiB, ~1 in 2000 over 100 KiB).
//
// Record i of the fresh (non-duplicate) stream is a pure function of its own
// 64-bit seed, so a duplicate is made by regenerating an earlier record from
// its seed: no history is kept and memory stays flat whatever SIZE is.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <fcntl.h>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "gen_vocabulary.hpp"

namespace jsift_gen {
namespace {

using namespace std::string_view_literals;

// ---------------------------------------------------------------------------
// Randomness: integer-only, so output never depends on libm or libstdc++.

constexpr uint64_t mix64(uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class prng {
 public:
  explicit prng(uint64_t seed = 0) : state_(seed) {}
  uint64_t next() { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  // Lemire's multiply-shift: uniform enough for data generation, and exact
  // integer arithmetic everywhere.
  uint64_t below(uint64_t n) { return uint64_t(static_cast<unsigned __int128>(next()) * n >> 64); }
  uint32_t between(uint32_t lo, uint32_t hi) { return lo + uint32_t(below(hi - lo + 1)); }
  bool per_mille(uint32_t p) { return below(1000) < p; }

 private:
  uint64_t state_;
};

// Scales 16 random bits to an index in [0, n): lets one next() feed several picks.
constexpr size_t scale16(uint64_t bits, size_t n) { return size_t(((bits & 0xffff) * n) >> 16); }

template <class T, size_t N>
const T& pick(prng& r, const T (&items)[N]) {
  return items[r.below(N)];
}

template <size_t N>
class weight_table {
 public:
  constexpr explicit weight_table(const std::array<uint32_t, N>& weights) {
    uint32_t sum = 0;
    for (size_t i = 0; i < N; ++i) cum_[i] = sum += weights[i];
  }
  size_t pick(prng& r) const {
    uint32_t x = uint32_t(r.below(cum_[N - 1]));
    size_t i = 0;
    while (x >= cum_[i]) ++i;
    return i;
  }

 private:
  std::array<uint32_t, N> cum_{};
};

// ---------------------------------------------------------------------------
// The distributions the bench data is meant to have.

enum class record_type { chat, qa, preference, knowledge, memory, trajectory };
constexpr std::string_view record_type_names[] = {"chat", "qa", "preference", "knowledge", "memory", "trajectory"};
constexpr weight_table<6> record_type_mix({6, 3, 3, 2, 2, 2});

// Chat turns 1..14: 88 % within 3..10, mode 6.
constexpr weight_table<14> chat_turns({1, 3, 6, 10, 14, 17, 15, 12, 8, 6, 3, 2, 2, 1});

// Target line length in bytes, piecewise uniform (weights per 100,000).
// Measured on 200 MiB (seed 42): mean 1.58 kB, median 979 B, 1.6 % of lines
// over 10 KiB, 1 in 1900 over 100 KiB. Metadata alone is ~600 B and every
// message holds at least a short sentence, so small targets are floors, not
// sizes: hence the heavy head.
struct size_bucket {
  uint32_t lo, hi;
};
constexpr size_bucket size_buckets[] = {
    {300, 500},     {500, 800},       {800, 1200},       {1200, 2000},
    {2000, 3500},   {3500, 6000},     {6000, 10000},     {10000, 15000},
    {15000, 40000}, {40000, 100000},  {100000, 200000},
};
constexpr weight_table<11> size_mix({32195, 35000, 18000, 8000, 2800, 1600, 710, 1300, 300, 40, 55});

enum class language { en, zh, fr };
constexpr std::string_view language_names[] = {"en", "zh", "fr"};
constexpr weight_table<3> language_mix({920, 50, 30});

// Per-line choice between a fresh record and a re-emitted one (per 10,000).
constexpr uint64_t exact_duplicate_per_10k = 800;
constexpr uint64_t near_duplicate_per_10k = 500;

// Approximate bytes of a record that are not content text (envelope and
// metadata), so content budgets land lines near their target size.
constexpr size_t metadata_bytes = 620;
constexpr size_t message_wrapper_bytes = 36;  // {"role":"assistant","content":""},

// ---------------------------------------------------------------------------
// Number formatting by hand: a dozen calls per record, all on the hot path.

void put_uint(std::string& out, uint64_t v) {
  char buf[20];
  char* p = buf + sizeof buf;
  do *--p = char('0' + v % 10); while (v /= 10);
  out.append(p, size_t(buf + sizeof buf - p));
}

void put_2digits(std::string& out, uint32_t v) {
  out.push_back(char('0' + v / 10));
  out.push_back(char('0' + v % 10));
}

void put_hex64(std::string& out, uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(digits[(v >> shift) & 15]);
}

// A score in [0, 1] the way Python's json.dumps prints floats: 0.87, 0.9, 1.0,
// sometimes four decimals, and now and then a binary-rounding artefact such as
// 0.8700000000000001 (real pipelines emit those; parsers must cope).
void put_score(std::string& out, prng& r, uint32_t lo_percent) {
  uint32_t v = r.between(lo_percent, 100);
  uint32_t style = uint32_t(r.below(100));
  if (v == 100) {
    out.append("1.0"sv);
  } else if (v % 10 == 0 && style < 90) {
    out.append("0."sv);
    out.push_back(char('0' + v / 10));
  } else {
    out.append("0."sv);
    put_2digits(out, v);
    if (style >= 99) out.append("00000000000001"sv);
    else if (style >= 93) put_2digits(out, r.between(1, 99));
  }
}

// ---------------------------------------------------------------------------
// Prose: appends JSON string *content* (no quotes) of a given rough size.

class text_writer {
 public:
  text_writer(std::string& out, prng& rng) : out_(out), rng_(rng) {}

  // Sentences until about `budget` bytes (at least one). `rich` text
  // (assistant replies, articles) also gets bullet lists and code blocks.
  void prose(size_t budget, language lang, bool rich) {
    size_t start = out_.size();
    uint32_t list_items_left = 0;
    for (bool first = true; first || out_.size() - start < budget; first = false) {
      if (!first) separator(lang, rich, list_items_left);
      // The last sentence is cut to what is left of the budget (~6 bytes a
      // word): short budgets give short turns instead of overshooting by half
      // a sentence per message, which put lines at 1.4x their target.
      size_t left = budget - std::min(budget, out_.size() - start);
      sentence(lang, std::clamp<size_t>(left / 6, 2, sentence_words()), true);
    }
  }

  // One sentence; quotes=false keeps it free of \" so it can sit inside a
  // JSON document that is itself a string (tool results).
  void sentence(language lang, size_t words, bool quotes) {
    switch (lang) {
      case language::en: return latin_sentence(vocab::english, words, quotes);
      case language::fr: return latin_sentence(vocab::french, words, quotes);
      case language::zh: return cjk_sentence(words);
    }
  }

  void title(size_t words) {
    for (size_t i = 0; i < words; ++i) {
      if (i) out_.push_back(' ');
      size_t at = out_.size();
      out_.append(pick(rng_, vocab::english));
      out_[at] = char(out_[at] - 'a' + 'A');  // english entries are lowercase ASCII
    }
  }

  size_t sentence_words() {
    uint64_t r = rng_.next();
    size_t n = 3 + scale16(r, 8) + scale16(r >> 16, 8);
    if (scale16(r >> 32, 100) < 5) n += scale16(r >> 48, 20);  // the odd run-on sentence
    return n;
  }

 private:
  void separator(language lang, bool rich, uint32_t& list_items_left) {
    if (list_items_left > 0) {
      --list_items_left;
      out_.append(list_items_left > 0 ? "\\n- "sv : "\\n\\n"sv);
      return;
    }
    uint32_t r = uint32_t(rng_.below(1000));
    if (rich && r < 12) {
      out_.append("\\n\\n"sv);
      out_.append(pick(rng_, vocab::code_blocks));
      out_.append("\\n\\n"sv);
    } else if (rich && r < 30) {
      list_items_left = rng_.between(2, 5);
      out_.append("\\n\\n- "sv);
    } else if (r < 100) {
      out_.append("\\n\\n"sv);
    } else if (r < 115) {
      out_.append("\\n"sv);
    } else if (lang != language::zh) {
      out_.push_back(' ');
    }
  }

  template <size_t N>
  void latin_sentence(const std::string_view (&words)[N], size_t count, bool quotes) {
    size_t first = out_.size();
    for (size_t i = 0; i < count; ++i) {
      uint64_t r = rng_.next();
      if (i > 0) out_.append(scale16(r >> 48, 100) < 6 ? ", "sv : " "sv);
      // One draw per word (the generator's hot loop): 16 bits pick the word,
      // 10 bits its kind, 16 bits the separator. Plain words first.
      uint32_t kind = uint32_t((r >> 16) & 1023);
      if (kind >= 64) {
        out_.append(words[scale16(r, N)]);
      } else if (kind < 20) {
        out_.append(vocab::accented[scale16(r, std::size(vocab::accented))]);
      } else if (kind < 28) {
        out_.append(vocab::emoji[scale16(r, std::size(vocab::emoji))]);
      } else if (kind < 34) {
        out_.append(vocab::cjk[scale16(r, std::size(vocab::cjk))]);
      } else if (kind < 56) {
        number();
      } else if (quotes) {
        out_.append("\\\""sv);
        out_.append(words[scale16(r, N)]);
        out_.append("\\\""sv);
      } else {
        out_.append(words[scale16(r, N)]);
      }
    }
    char& c = out_[first];
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    uint64_t end = scale16(rng_.next(), 100);
    out_.append(end < 80 ? "."sv : end < 90 ? "?"sv : end < 97 ? "!"sv : "..."sv);
  }

  void cjk_sentence(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      uint64_t r = rng_.next();
      if (i > 0 && scale16(r >> 48, 100) < 20) out_.append("，"sv);
      uint32_t kind = uint32_t((r >> 16) & 1023);
      if (kind < 30) out_.append(vocab::emoji[scale16(r, std::size(vocab::emoji))]);
      else if (kind < 60) number();
      else out_.append(vocab::cjk[scale16(r, std::size(vocab::cjk))]);
    }
    uint64_t end = scale16(rng_.next(), 100);
    out_.append(end < 85 ? "。"sv : end < 95 ? "？"sv : "！"sv);
  }

  void number() {
    uint64_t r = rng_.next();
    uint32_t style = uint32_t(scale16(r >> 32, 10));
    if (style < 4) {
      put_uint(out_, scale16(r >> 48, 100));
    } else if (style < 6) {
      put_uint(out_, 1990 + scale16(r >> 48, 36));  // a year
    } else if (style < 8) {
      put_uint(out_, scale16(r >> 48, 101));
      out_.push_back('%');
    } else {
      put_uint(out_, scale16(r >> 48, 50));
      out_.push_back('.');
      put_uint(out_, scale16(r, 10));
    }
  }

  std::string& out_;
  prng& rng_;
};

// ---------------------------------------------------------------------------
// Records: one JSON object per call, a pure function of its seed.

// Where one content string's characters sit in the output, so near
// duplicates can edit them: [begin, end) excludes the quotes.
struct text_span {
  size_t begin, end;
};

class record_writer {
 public:
  explicit record_writer(std::string& out) : out_(out), text_(out, rng_) {}

  // Appends the record (without '\n'); content_spans() then lists its
  // content strings, valid until the next write.
  void write(uint64_t seed) {
    rng_ = prng(seed);
    spans_.clear();
    auto type = record_type(record_type_mix.pick(rng_));
    lang_ = language(language_mix.pick(rng_));
    const size_bucket& b = size_buckets[size_mix.pick(rng_)];
    size_t target = rng_.between(b.lo, b.hi - 1);
    size_t budget = target > metadata_bytes ? target - metadata_bytes : 0;

    std::string_view type_name = record_type_names[size_t(type)];
    out_.append(R"({"id":")"sv);
    out_.append(type_name);
    out_.push_back('_');
    put_hex64(out_, seed);
    out_.append(R"(","record_type":")"sv);
    out_.append(type_name);
    out_.append(R"(",)"sv);
    switch (type) {
      case record_type::chat: chat(budget); break;
      case record_type::qa: qa(budget); break;
      case record_type::preference: preference(budget); break;
      case record_type::knowledge: knowledge(budget); break;
      case record_type::memory: memory(budget); break;
      case record_type::trajectory: trajectory(budget); break;
    }
    metadata();
    out_.push_back('}');
  }

  std::span<const text_span> content_spans() const { return spans_; }

 private:
  // "content" strings: tracked for near-duplicate edits.
  void content(size_t budget, bool rich) {
    out_.push_back('"');
    size_t begin = out_.size();
    text_.prose(budget, lang_, rich);
    spans_.push_back({begin, out_.size()});
    out_.push_back('"');
  }

  void canned(std::string_view text) {
    out_.push_back('"');
    size_t begin = out_.size();
    out_.append(text);
    spans_.push_back({begin, out_.size()});
    out_.push_back('"');
  }

  // A copy of an earlier content string of this record.
  void repeat(text_span s) {
    out_.reserve(out_.size() + (s.end - s.begin) + 2);  // self-append must not reallocate
    out_.push_back('"');
    size_t begin = out_.size();
    out_.append(out_.data() + s.begin, s.end - s.begin);
    spans_.push_back({begin, out_.size()});
    out_.push_back('"');
  }

  void message(std::string_view role, size_t budget) {
    bool assistant = role == "assistant"sv;
    out_.append(R"({"role":")"sv);
    out_.append(role);
    out_.append(R"(","content":)"sv);
    if (assistant && rng_.per_mille(20)) canned(pick(rng_, vocab::canned_replies));
    else content(budget, assistant);
    out_.push_back('}');
  }

  // Alternating user/assistant messages; assistant replies get 2.5x the text.
  void dialogue(std::string_view key, size_t turns, size_t budget) {
    size_t users = (turns + 1) / 2, assistants = turns / 2;
    size_t weight = users * 2 + assistants * 5;
    budget -= std::min(budget, turns * message_wrapper_bytes);
    out_.push_back('"');
    out_.append(key);
    out_.append(R"(":[)"sv);
    for (size_t i = 0; i < turns; ++i) {
      if (i) out_.push_back(',');
      bool user = i % 2 == 0;
      message(user ? "user"sv : "assistant"sv, budget * (user ? 2 : 5) / weight);
    }
    out_.append("],"sv);
  }

  void chat(size_t budget) { dialogue("turns"sv, chat_turns.pick(rng_) + 1, budget); }

  void qa(size_t budget) {
    bool with_turns = rng_.per_mille(350);
    if (with_turns) budget /= 2;  // the pair is written twice
    out_.append(R"("question":)"sv);
    content(budget / 4, false);
    text_span question = spans_.back();
    out_.append(R"(,"answer":)"sv);
    content(budget - budget / 4, true);
    text_span answer = spans_.back();
    if (with_turns) {
      out_.append(R"(,"turns":[{"role":"user","content":)"sv);
      repeat(question);
      out_.append(R"(},{"role":"assistant","content":)"sv);
      repeat(answer);
      out_.append("}]"sv);
    }
    static constexpr std::string_view difficulty[] = {"easy", "medium", "hard"};
    static constexpr std::string_view sources[] = {"synthetic", "forum", "textbook", "exam"};
    out_.append(R"(,"difficulty":")"sv);
    out_.append(pick(rng_, difficulty));
    out_.append(R"(","source":")"sv);
    out_.append(pick(rng_, sources));
    out_.append(R"(",)"sv);
  }

  void preference(size_t budget) {
    out_.append(R"("prompt":)"sv);
    content(budget / 5, false);
    out_.append(R"(,"chosen":)"sv);
    content(budget * 2 / 5, true);
    out_.append(R"(,"rejected":)"sv);
    if (rng_.per_mille(100)) canned(pick(rng_, vocab::canned_replies));
    else content(budget * 2 / 5, true);
    out_.append(R"(,"margin":)"sv);
    put_score(out_, rng_, 5);
    out_.push_back(',');
  }

  void knowledge(size_t budget) {
    const vocab::topic& t = pick(rng_, vocab::topics);
    out_.append(R"("title":")"sv);
    size_t begin = out_.size();
    text_.title(rng_.between(3, 8));
    spans_.push_back({begin, out_.size()});
    out_.append(R"(","text":)"sv);
    content(budget, true);
    out_.append(R"(,"source_url":"https://example.org/wiki/)"sv);
    out_.append(t.key);
    out_.push_back('_');
    put_uint(out_, rng_.below(100000));
    out_.append(R"(","license":"CC-BY-SA-4.0",)"sv);
  }

  void memory(size_t budget) {
    size_t facts = rng_.between(1, 5);
    dialogue("messages"sv, 2 * rng_.between(1, 5), budget * 9 / 10);
    out_.append(R"("memory_facts":[)"sv);
    for (size_t i = 0; i < facts; ++i) {
      if (i) out_.push_back(',');
      out_.push_back('"');
      size_t begin = out_.size();
      text_.sentence(lang_, rng_.between(4, 12), true);
      spans_.push_back({begin, out_.size()});
      out_.push_back('"');
    }
    out_.append("],"sv);
  }

  // system, user, then per tool step an assistant message, the tool's reply
  // (a JSON document escaped inside a string), and a final answer. The calls
  // themselves are listed in a top-level "tool_calls" array.
  void trajectory(size_t budget) {
    size_t steps = rng_.between(1, 4);
    std::array<std::string_view, 4> names{};
    size_t unit = budget / (2 + 3 * steps + 3);
    out_.append(R"("messages":[{"role":"system","content":)"sv);
    canned(pick(rng_, vocab::system_prompts));
    out_.append(R"(},{"role":"user","content":)"sv);
    content(unit * 2, false);
    for (size_t i = 0; i < steps; ++i) {
      names[i] = pick(rng_, vocab::tools);
      out_.append(R"(},{"role":"assistant","content":)"sv);
      content(unit, true);
      out_.append(R"(,"tool_call_id":"call_)"sv);
      put_uint(out_, i + 1);
      out_.append(R"("},{"role":"tool","tool_call_id":"call_)"sv);
      put_uint(out_, i + 1);
      out_.append(R"(","name":")"sv);
      out_.append(names[i]);
      out_.append(R"(","content":")"sv);
      tool_result(unit * 2);
      out_.push_back('"');
    }
    out_.append(R"(},{"role":"assistant","content":)"sv);
    content(unit * 3, true);
    out_.append(R"(}],"tool_calls":[)"sv);
    for (size_t i = 0; i < steps; ++i) {
      if (i) out_.push_back(',');
      out_.append(R"({"id":"call_)"sv);
      put_uint(out_, i + 1);
      out_.append(R"(","name":")"sv);
      out_.append(names[i]);
      out_.append(R"(","arguments":{"query":")"sv);
      text_.sentence(lang_, rng_.between(3, 8), false);
      out_.append(R"(","top_k":)"sv);
      put_uint(out_, rng_.between(1, 10));
      out_.append("}}"sv);
    }
    out_.append("],"sv);
  }

  void tool_result(size_t budget) {
    bool ok = !rng_.per_mille(80);
    out_.append(ok ? R"({\"status\":\"ok\",\"results\":[)"sv : R"({\"status\":\"error\",\"results\":[)"sv);
    size_t start = out_.size();
    for (bool first = true; first || out_.size() - start < budget; first = false) {
      if (!first) out_.push_back(',');
      out_.append(R"(\")"sv);
      text_.sentence(lang_, text_.sentence_words(), false);
      out_.append(R"(\")"sv);
    }
    out_.append(R"(],\"elapsed_ms\":)"sv);
    put_uint(out_, rng_.between(3, 4000));
    out_.append("}"sv);
  }

  void metadata() {
    const vocab::topic& t = pick(rng_, vocab::topics);
    out_.append(R"("input_parameters":{"persona_key":")"sv);
    out_.append(pick(rng_, vocab::personas));
    out_.append(R"(","emotional_arc":")"sv);
    out_.append(pick(rng_, vocab::emotional_arcs));
    out_.append(R"(","training_topic_key":")"sv);
    out_.append(t.key);
    out_.append(R"(","topic_name":")"sv);
    out_.append(t.name);
    out_.append(R"(","language":")"sv);
    out_.append(language_names[size_t(lang_)]);
    static constexpr std::string_view temperatures[] = {"0.2", "0.5", "0.7", "0.7", "0.9", "1.0", "1.2"};
    out_.append(R"(","temperature":)"sv);
    out_.append(pick(rng_, temperatures));
    out_.append(R"(,"max_turns":)"sv);
    put_uint(out_, rng_.between(4, 16));
    out_.append("},"sv);

    if (rng_.per_mille(20)) {
      out_.append(R"("quality":null,)"sv);
    } else {
      out_.append(R"("quality":{"overall":)"sv);
      put_score(out_, rng_, 40);
      out_.append(R"(,"coherence":)"sv);
      put_score(out_, rng_, 50);
      out_.append(R"(,"helpfulness":)"sv);
      put_score(out_, rng_, 30);
      out_.append(R"(,"safety":)"sv);
      put_score(out_, rng_, 85);
      out_.append(rng_.per_mille(30) ? R"(,"flagged":true},)"sv : R"(,"flagged":false},)"sv);
    }

    out_.append(rng_.per_mille(600) ? R"("outcome":"success",)"sv : R"("outcome":"failure",)"sv);
    bool reviewed = rng_.per_mille(150);
    out_.append(R"("is_synthetic":true,"human_reviewed":)"sv);
    if (reviewed) {
      out_.append(R"(true,"reviewer":"annotator_)"sv);
      put_2digits(out_, rng_.between(1, 40));
      out_.append(R"(",)"sv);
    } else {
      out_.append(R"(false,"reviewer":null,)"sv);
    }

    out_.append(R"("generator":{"model":")"sv);
    out_.append(pick(rng_, vocab::models));
    out_.append(R"(","seed":)"sv);
    put_uint(out_, rng_.below(uint64_t(1) << 31));
    out_.append(R"(,"latency_ms":)"sv);
    put_uint(out_, rng_.between(120, 30000));
    out_.append(R"(,"mean_logprob":-0.)"sv);  // negative numbers
    put_2digits(out_, rng_.between(1, 99));
    put_2digits(out_, rng_.between(0, 99));
    out_.append(R"(,"kl":)"sv);  // exponent notation, as Python prints small floats
    put_uint(out_, rng_.between(1, 9));
    out_.push_back('.');
    put_uint(out_, rng_.between(0, 9));
    out_.append("e-0"sv);
    put_uint(out_, rng_.between(5, 9));
    out_.append(R"(},"created_at":"20)"sv);
    put_2digits(out_, rng_.between(23, 25));
    out_.push_back('-');
    put_2digits(out_, rng_.between(1, 12));
    out_.push_back('-');
    put_2digits(out_, rng_.between(1, 28));
    out_.push_back('T');
    put_2digits(out_, rng_.between(0, 23));
    out_.push_back(':');
    put_2digits(out_, rng_.between(0, 59));
    out_.push_back(':');
    put_2digits(out_, rng_.between(0, 59));
    out_.append(R"(Z","tags":[)"sv);
    for (uint32_t i = 0, n = rng_.between(0, 3); i < n; ++i) {
      if (i) out_.push_back(',');
      out_.push_back('"');
      out_.append(pick(rng_, vocab::tags));
      out_.push_back('"');
    }
    out_.append(R"(],"parent_id":null)"sv);
  }

  std::string& out_;
  prng rng_;
  text_writer text_;
  language lang_ = language::en;
  std::vector<text_span> spans_;
};

// ---------------------------------------------------------------------------
// Near duplicates: the same record after 1-3 edits that a normalising dedup
// (case-fold, collapse whitespace) undoes and an exact one does not.

bool flip_case_at_word_start(std::string& out, text_span s, prng& r) {
  size_t n = s.end - s.begin;
  size_t from = size_t(r.below(n));
  for (size_t k = 0; k < n; ++k) {
    size_t i = s.begin + (from + k) % n;
    // A letter after a space is never part of an escape sequence, and ASCII
    // case flips cannot break UTF-8.
    char c = out[i];
    if (i > s.begin && out[i - 1] == ' ' && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
      out[i] = char(c ^ 0x20);
      return true;
    }
  }
  return false;
}

bool double_a_space(std::string& out, text_span s, prng& r) {
  size_t n = s.end - s.begin;
  size_t from = size_t(r.below(n));
  for (size_t k = 0; k < n; ++k) {
    size_t i = s.begin + (from + k) % n;
    if (out[i] == ' ') {
      out.insert(i, 1, ' ');
      return true;
    }
  }
  return false;
}

void perturb(std::string& out, std::span<const text_span> spans, prng& r) {
  std::array<size_t, 3> picks{};
  size_t edits = r.between(1, 3);
  for (size_t i = 0; i < edits; ++i) picks[i] = size_t(r.below(spans.size()));
  // Back to front, so an insertion never shifts a span still to be edited.
  std::sort(picks.begin(), picks.begin() + edits, std::greater<>());
  for (size_t i = 0; i < edits; ++i) {
    if (i > 0 && picks[i] == picks[i - 1]) continue;
    text_span s = spans[picks[i]];
    uint64_t how = r.below(3);
    if (s.end > s.begin) {
      if (how == 0 && flip_case_at_word_start(out, s, r)) continue;
      if (how == 1 && double_a_space(out, s, r)) continue;
    }
    out.insert(s.end, 1, ' ');  // trailing whitespace: always possible
  }
}

// ---------------------------------------------------------------------------
// The line stream: fresh records, exact duplicates and near duplicates.

class corpus {
 public:
  // Lines are appended to `out`, which the caller drains between calls.
  // The seed is mixed first so that nearby --seed values give unrelated
  // streams rather than the same records shifted by one.
  corpus(uint64_t seed, std::string& out)
      : base_(mix64(seed)), choice_(mix64(seed ^ 0x6a09e667f3bcc909ULL)), out_(out), writer_(out) {}

  void next_line() {
    uint64_t roll = choice_.below(10000);
    if (fresh_ == 0 || roll >= exact_duplicate_per_10k + near_duplicate_per_10k) {
      writer_.write(record_seed(fresh_++));
    } else {
      // Uniform over all history, so a dedup set must really keep every key.
      writer_.write(record_seed(choice_.below(fresh_)));
      if (roll >= exact_duplicate_per_10k) perturb(out_, writer_.content_spans(), choice_);
    }
    out_.push_back('\n');
  }

 private:
  uint64_t record_seed(uint64_t index) const { return mix64(base_ + (index + 1) * 0x9e3779b97f4a7c15ULL); }

  uint64_t base_;
  prng choice_;  // fresh vs duplicate, which one, and the near-duplicate edits
  std::string& out_;
  record_writer writer_;
  uint64_t fresh_ = 0;
};

// ---------------------------------------------------------------------------
// Output and command line.

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct closed_pipe {};

// FILE is written as FILE.tmp and renamed by commit(), so an interrupted run
// never leaves a truncated file under the final name.
class output {
 public:
  explicit output(std::string path) : path_(std::move(path)) {
    if (path_.empty()) {
      if (isatty(STDOUT_FILENO)) throw usage_error("refusing to write JSONL to a terminal; use -o FILE or a pipe");
      fd_ = STDOUT_FILENO;
      return;
    }
    tmp_ = path_ + ".tmp";
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw fmt::system_error(errno, "cannot create '{}'", tmp_);
  }
  ~output() {
    if (!tmp_.empty()) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }
  output(const output&) = delete;
  output& operator=(const output&) = delete;

  void write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EPIPE) throw closed_pipe{};
        throw fmt::system_error(errno, "cannot write '{}'", path_.empty() ? "<stdout>" : path_);
      }
      data.remove_prefix(size_t(n));
    }
  }

  void commit() {
    if (tmp_.empty()) return;
    if (::close(fd_) != 0) throw fmt::system_error(errno, "cannot write '{}'", tmp_);
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) throw fmt::system_error(errno, "cannot rename '{}' to '{}'", tmp_, path_);
    tmp_.clear();
  }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};

struct options {
  uint64_t bytes = 0;
  uint64_t seed = 42;
  std::string output;  // empty: stdout
  bool help = false;
};

constexpr std::string_view usage =
    "usage: jsift_gen --bytes SIZE [--seed N] [-o FILE]\n"
    "\n"
    "Writes deterministic synthetic LLM-training JSONL (chat, qa, preference,\n"
    "knowledge, memory, trajectory records) until the line that crosses SIZE.\n"
    "\n"
    "  --bytes SIZE   output size; suffixes K, M, G, T (powers of 1024)\n"
    "  --seed N       seed (default 42); same seed and SIZE, same bytes\n"
    "  -o FILE        write FILE (atomically) instead of stdout\n";

uint64_t parse_uint(std::string_view text, std::string_view what, std::string_view* rest = nullptr) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (v > (UINT64_MAX - 9) / 10) throw usage_error(fmt::format("{} '{}' is too large", what, text));
    v = v * 10 + uint64_t(text[i] - '0');
  }
  if (i == 0 || (!rest && i != text.size())) throw usage_error(fmt::format("invalid {} '{}'", what, text));
  if (rest) *rest = text.substr(i);
  return v;
}

uint64_t parse_size(std::string_view text) {
  std::string_view suffix;
  uint64_t v = parse_uint(text, "--bytes", &suffix);
  int shift = 0;
  if (!suffix.empty()) {
    switch (suffix[0] | 0x20) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      default: throw usage_error(fmt::format("invalid --bytes '{}' (suffixes: K, M, G, T)", text));
    }
    suffix.remove_prefix(1);
    if (suffix == "iB" || suffix == "B" || suffix == "b") suffix = {};
    if (!suffix.empty()) throw usage_error(fmt::format("invalid --bytes '{}' (suffixes: K, M, G, T)", text));
  }
  if (v > (UINT64_MAX >> shift)) throw usage_error(fmt::format("--bytes '{}' is too large", text));
  return v << shift;
}

options parse_args(int argc, char** argv) {
  options o;
  bool have_bytes = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw usage_error(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") o.help = true;
    else if (arg == "--bytes") o.bytes = parse_size(value()), have_bytes = true;
    else if (arg == "--seed") o.seed = parse_uint(value(), "--seed");
    else if (arg == "-o" || arg == "--output") o.output = value();
    else throw usage_error(fmt::format("unknown argument '{}'", arg));
  }
  if (!o.help && !have_bytes) throw usage_error("--bytes SIZE is required");
  return o;
}

void generate(const options& o) {
  output out(o.output);
  // Big writes: one syscall per 4 MiB. Records are built straight into the
  // batch, so nothing is copied between generation and write().
  constexpr size_t flush_bytes = size_t(4) << 20;
  std::string batch;
  batch.reserve(2 * flush_bytes);
  corpus lines(o.seed, batch);
  uint64_t written = 0;
  while (written < o.bytes) {
    size_t before = batch.size();
    lines.next_line();
    written += batch.size() - before;
    if (batch.size() >= flush_bytes) {
      out.write(batch);
      batch.clear();
    }
  }
  out.write(batch);
  out.commit();
}

}  // namespace
}  // namespace jsift_gen

int main(int argc, char** argv) {
  using namespace jsift_gen;
  std::signal(SIGPIPE, SIG_IGN);  // a closed reader shows up as EPIPE: a normal end
  try {
    options o = parse_args(argc, argv);
    if (o.help) {
      std::fwrite(usage.data(), 1, usage.size(), stdout);
      return 0;
    }
    generate(o);
    return 0;
  } catch (const usage_error& e) {
    fmt::print(stderr, "jsift_gen: {}\n{}(--help for details)\n", e.what(), usage.substr(0, usage.find('\n') + 1));
    return 2;
  } catch (const closed_pipe&) {
    return 0;  // `| head`: the reader has what it wanted
  } catch (const std::system_error& e) {
    fmt::print(stderr, "jsift_gen: {}\n", e.what());
    return 4;
  }
}
