#include "jsift/json/raw_edit.hpp"

#include <algorithm>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

#include "jsift/io/json_writer.hpp"
#include "jsift/json/conversation.hpp"

namespace jsift {
namespace {

using op = path::op;

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_ws(std::string_view s, size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

// s[i] == '"': the index after the closing quote. The first 16 bytes in
// one compare (most keys and many values end there), then memchr to each
// quote; a quote after an odd run of backslashes is escaped. (A byte loop
// and a memchr call per string were 40 % of `explode`.)
size_t string_end(std::string_view s, size_t i) {
#ifdef __SSE2__
  if (i + 17 <= s.size()) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + 1));
    const unsigned q = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8('"'))));
    const unsigned b = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8('\\'))));
    if (q && (!b || __builtin_ctz(q) < __builtin_ctz(b))) return i + 1 + unsigned(__builtin_ctz(q)) + 1;
  }
#endif
  for (size_t from = i + 1;;) {
    const void* q = std::memchr(s.data() + from, '"', s.size() - from);
    if (!q) return s.size();
    size_t at = size_t(static_cast<const char*>(q) - s.data());
    size_t slashes = 0;
    while (at - slashes > i + 1 && s[at - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return at + 1;
    from = at + 1;
  }
}

// The index after the value that starts at s[i] (strings skipped whole;
// a 16-bytes-at-a-time bracket scan measured slower on chat records, whose
// structure is dense).
size_t value_end(std::string_view s, size_t i) {
  const char c = s[i];
  if (c == '"') return string_end(s, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    for (; i < s.size(); ++i) {
      const char d = s[i];
      if (d == '"') i = string_end(s, i) - 1;
      else if (d == '{' || d == '[') ++depth;
      else if ((d == '}' || d == ']') && --depth == 0) return i + 1;
    }
    return s.size();
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_ws(s[i])) ++i;
  return i;
}

// Where the record's one value ends: before its trailing whitespace (the
// text holds one validated value; scanning it to find its end, as
// value_end() would, was half the time of `cut`).
size_t root_end(std::string_view s) {
  size_t end = s.size();
  while (end > 0 && is_ws(s[end - 1])) --end;
  return end;
}

struct item {
  size_t begin;     // the member's key (its quote) or the element
  raw_span key;     // the key with its quotes (objects only)
  raw_span value;
};

// Calls f(item) for the members of the object, or the elements of the
// array, at s[i], until f returns false.
template <class F>
void for_each_item(std::string_view s, size_t i, F&& f) {
  const bool object = s[i] == '{';
  i = skip_ws(s, i + 1);
  while (i < s.size() && s[i] != '}' && s[i] != ']') {
    item it{i, {}, {}};
    if (object) {
      it.key = {i, string_end(s, i)};
      i = skip_ws(s, skip_ws(s, it.key.end) + 1);  // past ':'
    }
    it.value = {i, value_end(s, i)};
    if (!f(it)) return;
    i = skip_ws(s, it.value.end);
    if (i < s.size() && s[i] == ',') i = skip_ws(s, i + 1);
  }
}

std::vector<item> items(std::string_view s, size_t i) {
  std::vector<item> out;
  for_each_item(s, i, [&](const item& it) {
    out.push_back(it);
    return true;
  });
  return out;
}

bool key_is(std::string_view s, const raw_span& key, std::string_view name) {
  std::string_view content = s.substr(key.begin + 1, key.end - key.begin - 2);
  if (content.find('\\') == std::string_view::npos) return content == name;
  return unescape_json_string(content) == name;
}

uint8_t raw_role(std::string_view s, const raw_span& v) {
  if (s[v.begin] != '{') return uint8_t(role::other);
  // As role_of(): the first "role" member if it is a string, else the first
  // "from" member if it is one.
  std::optional<raw_span> role_value, from_value;
  for_each_item(s, v.begin, [&](const item& m) {
    if (!role_value && key_is(s, m.key, "role")) role_value = m.value;
    else if (!from_value && key_is(s, m.key, "from")) from_value = m.value;
    return !(role_value && s[role_value->begin] == '"');  // a string role settles it
  });
  auto is_string = [&](const std::optional<raw_span>& x) { return x && s[x->begin] == '"'; };
  std::optional<raw_span> name = is_string(role_value) ? role_value : is_string(from_value) ? from_value : std::nullopt;
  if (!name) return uint8_t(role::other);
  std::string text = unescape_json_string(s.substr(name->begin + 1, name->end - name->begin - 2));
  return uint8_t(role_of_name(text).value_or(role::other));
}

// Where a walk ends: a value (with its item in the parent, for deletes) or,
// for set, an object that lacks the key at `step` (and all steps after it
// are keys: the members can be created).
struct target {
  raw_span value;
  size_t item_begin = 0;  // == value.begin at the root
  bool missing = false;   // value is the object to add to, from step `step`
  size_t step = 0;
};

struct walker {
  std::string_view s;
  const std::vector<path::step>& steps;
  bool create;  // set: missing keys become targets, wrong types conflicts
  std::vector<target> out;
  std::string conflict;
  bool every_member = false;  // del: every member of a repeated key, not only the first

  bool only_keys_from(size_t i) const {
    for (; i < steps.size(); ++i)
      if (steps[i].kind != op::key) return false;
    return true;
  }

  void fail(size_t i, std::string_view what) {
    if (conflict.empty()) conflict = fmt::format("step {} of the path: {}", i + 1, what);
  }

  void walk(raw_span v, size_t item_begin, size_t i) {
    if (i == steps.size()) {
      out.push_back({v, item_begin, false, 0});
      return;
    }
    const path::step& st = steps[i];
    const char c = s[v.begin];
    if (st.kind == op::key) {
      if (c == 'n' && create && only_keys_from(i)) {  // null becomes the object the keys create
        out.push_back({v, item_begin, true, i});
        return;
      }
      if (c != '{') return create ? fail(i, fmt::format("'{}' is not in an object", st.name)) : void();
      std::optional<item> found;  // the first member of that name: stop there
      std::vector<item> more;     // del: the repeats too, or a reader would see one of them next
      for_each_item(s, v.begin, [&](const item& m) {
        if (key_is(s, m.key, st.name)) {
          if (!found) found = m;
          else more.push_back(m);
        }
        return !found || every_member;
      });
      for (const item& m : more) walk(m.value, m.begin, i + 1);
      if (found) return walk(found->value, found->begin, i + 1);
      if (create && only_keys_from(i)) out.push_back({v, item_begin, true, i});
      return;  // missing, and an index after it: nothing to set there
    }
    if (c != '[' && !(st.kind == op::each && c == '{')) return create ? fail(i, "an index into a value that is not an array") : void();
    std::vector<item> els = items(s, v.begin);
    if (st.kind == op::each) {
      for (const item& e : els) walk(e.value, e.begin, i + 1);
      return;
    }
    if (st.kind == op::role) {
      std::vector<const item*> match;
      for (const item& e : els)
        if (raw_role(s, e.value) == st.role) match.push_back(&e);
      if (!st.has_index) {
        for (const item* e : match) walk(e->value, e->begin, i + 1);
        return;
      }
      int64_t k = st.index < 0 ? int64_t(match.size()) + st.index : st.index;
      if (k < 0 || k >= int64_t(match.size())) return;  // no such message: nothing to set
      return walk(match[size_t(k)]->value, match[size_t(k)]->begin, i + 1);
    }
    int64_t k = st.index < 0 ? int64_t(els.size()) + st.index : st.index;
    if (k < 0 || k >= int64_t(els.size())) return;  // no such element: nothing to set
    walk(els[size_t(k)].value, els[size_t(k)].begin, i + 1);
  }
};


}  // namespace

std::vector<raw_span> raw_values(std::string_view json, const path& p) {
  walker w{json, p.steps(), false, {}, {}};
  const size_t at = skip_ws(json, 0);
  if (at < json.size()) w.walk({at, root_end(json)}, at, 0);
  std::vector<raw_span> out;
  for (const target& t : w.out) out.push_back(t.value);
  return out;
}

std::vector<raw_item> raw_items(std::string_view json, size_t at) {
  std::vector<raw_item> out;
  for_each_item(json, at, [&](const item& it) {
    out.push_back({it.key, it.value});
    return true;
  });
  return out;
}

std::string raw_key_name(std::string_view json, const raw_span& key) {
  return unescape_json_string(json.substr(key.begin + 1, key.end - key.begin - 2));
}

std::string json_string(std::string_view text) {
  std::string out;
  json_writer::escape(out, text);
  return out;
}

std::string unescape_json_string(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  auto hex4 = [&](size_t at) {
    unsigned v = 0;
    for (size_t k = at; k < at + 4 && k < in.size(); ++k) {
      const char h = in[k];
      v = v * 16 + unsigned(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
    }
    return v;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 >= in.size()) {
      out += in[i];
      continue;
    }
    const char e = in[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        unsigned cp = hex4(i + 1);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < in.size() && in[i + 1] == '\\' && in[i + 2] == 'u') {
          const unsigned lo = hex4(i + 3);
          if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), i += 6;
        }
        if (cp < 0x80) {
          out += char(cp);
        } else if (cp < 0x800) {
          out += char(0xC0 | (cp >> 6)), out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          out += char(0xE0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
        } else {
          out += char(0xF0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3F)), out += char(0x80 | ((cp >> 6) & 0x3F)),
              out += char(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: out += e;  // \" \\ \/
    }
  }
  return out;
}

std::string minify_json(std::string_view json) {
  std::string out(json.size() + simdjson::SIMDJSON_PADDING, '\0');  // room the SIMD kernels may touch
  size_t n = 0;
  if (simdjson::minify(json.data(), json.size(), out.data(), n)) return std::string(json);
  out.resize(n);
  return out;
}

std::string json_value_text(std::string_view text) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (!parser.parse(std::string(text)).get(e)) return minify_json(text);
  return json_string(text);
}

namespace {
// Adds `member` ("key":value) as the last member of the object at `obj`.
void insert_last(std::string& json, raw_span obj, const std::string& member) {
  size_t last = obj.end - 1;  // the object's '}'
  while (last > obj.begin && is_ws(json[last - 1])) --last;
  const bool empty = json[last - 1] == '{';
  json.insert(last, (empty ? "" : ",") + member);
}
}  // namespace

edit_result raw_set(std::string& json, const path& p, std::string_view value, std::string& why) {
  walker w{json, p.steps(), true, {}, {}};
  const size_t at = skip_ws(json, 0);
  w.walk({at, root_end(json)}, at, 0);
  if (!w.conflict.empty()) {
    why = w.conflict;
    return edit_result::conflict;
  }
  if (w.out.empty()) return edit_result::unchanged;
  // From the end, so earlier spans stay valid.
  std::sort(w.out.begin(), w.out.end(), [](const target& a, const target& b) { return a.value.begin > b.value.begin; });
  bool changed = false;
  for (const target& t : w.out) {
    if (!t.missing) {
      if (t.value.of(json) == value) continue;
      json.replace(t.value.begin, t.value.end - t.value.begin, value);
      changed = true;
      continue;
    }
    // Add "key": {"key2": ... value} as the object's last member (or as
    // the only member of an object that replaces a null).
    std::string add = json_string(p.steps()[t.step].name) + ":";
    std::string close;
    for (size_t k = t.step + 1; k < p.steps().size(); ++k) add += "{" + json_string(p.steps()[k].name) + ":", close += "}";
    add += std::string(value) + close;
    if (json[t.value.begin] == 'n') {
      json.replace(t.value.begin, t.value.end - t.value.begin, "{" + add + "}");
      changed = true;
      continue;
    }
    insert_last(json, t.value, add);
    changed = true;
  }
  return changed ? edit_result::changed : edit_result::unchanged;
}

void raw_append_member(std::string& json, std::string_view key, std::string_view value) {
  const size_t at = skip_ws(json, 0);
  insert_last(json, {at, root_end(json)}, json_string(key) + ":" + std::string(value));
}

edit_result raw_del(std::string& json, const path& p) {
  if (p.steps().empty()) return edit_result::unchanged;  // `.`: the record itself stays
  walker w{json, p.steps(), false, {}, {}, true};
  const size_t at = skip_ws(json, 0);
  w.walk({at, root_end(json)}, at, 0);
  if (w.out.empty()) return edit_result::unchanged;
  std::sort(w.out.begin(), w.out.end(), [](const target& a, const target& b) { return a.value.begin > b.value.begin; });
  for (const target& t : w.out) {
    size_t from = t.item_begin, to = t.value.end;
    const size_t next = skip_ws(json, to);
    if (next < json.size() && json[next] == ',') {
      to = skip_ws(json, next + 1);  // "item, " before the next one
    } else {
      size_t prev = from;
      while (prev > 0 && is_ws(json[prev - 1])) --prev;
      if (prev > 0 && json[prev - 1] == ',') {  // " , item" at the end, from the value before
        from = prev - 1;
        while (from > 0 && is_ws(json[from - 1])) --from;
      }
    }
    json.erase(from, to - from);
  }
  return edit_result::changed;
}

}  // namespace jsift
