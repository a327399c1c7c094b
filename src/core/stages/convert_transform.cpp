// `jsift convert --to openai|sharegpt|alpaca|jsonl`: a record's conversation
// rewritten in another schema, on the record's own text (json/raw_edit), so
// that every member and message field it does not rename keeps its bytes.
#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/json/conversation.hpp"
#include "jsift/json/raw_edit.hpp"
#include "jsift/stages/record_transform.hpp"

namespace jsift {
namespace {

// The tally's counters: the shapes converted from, then why a record was not.
enum counter : size_t {
  from_role_content,
  from_from_value,
  from_pairs,
  from_text,
  from_alpaca,
  unchanged,
  why_no_conversation,
  why_not_message,
  why_ambiguous,
  why_pair_fields,
  why_parts,
  why_no_text,
  why_alpaca_turns,
  why_alpaca_fields,
  why_alpaca_types,
  why_key_taken,
  counter_end
};
constexpr size_t first_reason = why_no_conversation;
constexpr std::string_view counter_names[counter_end] = {
    "role/content",
    "from/value",
    "pairs",
    "text",
    "alpaca",
    "unchanged",
    "no conversation",
    "a conversation element that is not a message",
    "a message with two role fields or two text fields",
    "a {user, bot} pair with other fields",
    "content with parts other than text",
    "a message without text",
    "not an optional system message then user/assistant turns ending with the assistant (Alpaca)",
    "message fields other than role and text (Alpaca cannot hold them)",
    "an Alpaca field of the wrong type",
    "the record already has a field the target schema writes",
};

// One message: its members in order, as the record wrote them; the role
// and text members are renamed (and the role mapped) on the way out.
struct message_parts {
  enum kind : uint8_t { role_member, text_member, other_member };
  struct member {
    kind k;
    std::string_view raw;  // role, text: the value; other: "key": value
  };
  std::vector<member> members;
  std::string built_role, built_text;  // messages jsift cuts out (pairs, text dialogues, Alpaca)
  role r = role::other;
  std::string_view role_key, text_key;  // as found ("role"/"from", "content"/"value"/"text"), empty when built
  bool has_text = false, has_other = false;
};

std::string_view role_word(chat_schema to, role r) {
  switch (r) {
    case role::user: return to == chat_schema::sharegpt ? "human" : "user";
    case role::assistant: return to == chat_schema::sharegpt ? "gpt" : "assistant";
    case role::system: return "system";
    case role::tool: return to == chat_schema::sharegpt ? "observation" : "tool";
    default: return {};
  }
}

std::string_view schema_name(chat_schema s) {
  switch (s) {
    case chat_schema::openai: return "openai";
    case chat_schema::sharegpt: return "sharegpt";
    case chat_schema::alpaca: return "alpaca";
    default: return "jsonl";
  }
}

class convert_transform final : public record_transform {
 public:
  convert_transform(chat_schema to, const std::string& turns_path) : to_(to) {
    if (turns_path.empty()) return;
    path p = for_option("turns_path", [&] { return path::parse(turns_path); });
    if (p.steps().size() != 1 || p.steps()[0].kind != path::op::key)
      throw option_error("turns_path", fmt::format("convert replaces a top-level member: give .NAME, not '{}'", turns_path));
    conversation_key_ = p.steps()[0].name;
  }
  std::string name() const override { return "convert"; }

  std::optional<size_t> apply(const record_ref& rec, std::string& out, transform_tally& tally) const override {
    if (to_ == chat_schema::jsonl) {
      out += minify_json(rec.line);
      out += '\n';
      return 1;
    }
    thread_local std::string built;
    built.clear();
    const counter c = convert(rec, built);
    tally.add(c);
    if (c >= first_reason) return std::nullopt;
    if (c == unchanged) out += rec.line;
    else out += built;
    out += '\n';
    return 1;
  }

  void write_report(json_writer& w, const transform_tally& t) const override {
    w.key("to").value(schema_name(to_));
    record_transform::write_report(w, t);
    w.key("converted").begin_object();
    for (size_t i = 0; i < unchanged; ++i) w.key(counter_names[i]).value(t.at(i));
    w.end_object();
    w.key("unchanged").value(t.at(unchanged));
    w.key("not_converted").begin_object();
    for (size_t i = first_reason; i < counter_end; ++i)
      if (t.at(i)) w.key(counter_names[i]).value(t.at(i));
    w.end_object();
  }

  std::string summary(const transform_tally& t) const override {
    std::string from, why;
    for (size_t i = 0; i < unchanged; ++i)
      if (t.at(i)) from += fmt::format("{}{} {}", from.empty() ? "" : ", ", counter_names[i], t.at(i));
    for (size_t i = first_reason; i < counter_end; ++i)
      if (t.at(i)) why += fmt::format("    {}: {}\n", counter_names[i], t.at(i));
    std::string s;
    if (!from.empty()) s += fmt::format("  converted to {} from {}\n", schema_name(to_), from);
    if (t.at(unchanged)) s += fmt::format("  already {}: {} (written unchanged)\n", schema_name(to_), t.at(unchanged));
    if (!why.empty()) s += "  not converted (filtered:convert):\n" + why;
    return s;
  }

 private:
  counter convert(const record_ref& rec, std::string& out) const {
    const std::string_view s = rec.line;
    if (rec.root.type() != simdjson::dom::element_type::OBJECT) return why_no_conversation;  // records are objects; said for safety
    size_t open = 0;
    while (open < s.size() && (s[open] == ' ' || s[open] == '\t' || s[open] == '\r' || s[open] == '\n')) ++open;
    const std::vector<raw_item> top = raw_items(s, open);
    std::vector<std::string> names;
    names.reserve(top.size());
    for (const auto& m : top) names.push_back(raw_key_name(s, m.key));

    // Where the conversation is, as find_conversation() finds it.
    size_t conv = top.size();
    if (!conversation_key_.empty()) {
      for (size_t i = 0; i < top.size() && conv == top.size(); ++i)
        if (names[i] == conversation_key_) conv = i;
    } else if (!is_alpaca(names)) {  // an Alpaca record's "history" is part of it
      int best = no_conversation_rank;
      for (size_t i = 0; i < top.size(); ++i) {
        const int r = conversation_rank(names[i]);
        if (r >= best) continue;
        if (r == 6) {
          std::string_view v = top[i].value.of(s);
          if (v[0] != '"' || !is_text_dialogue(unescape_json_string(v.substr(1, v.size() - 2)))) continue;
        }
        best = r, conv = i;
      }
    }

    std::vector<message_parts> msgs;
    std::vector<size_t> replaced;  // top members the new conversation replaces (the first keeps its place)
    counter shape;
    if (conv < top.size()) {
      replaced.push_back(conv);
      if (auto why = read_conversation(s, top[conv].value, msgs, shape)) return *why;
    } else {
      if (auto why = read_alpaca(s, top, names, msgs, replaced)) return *why;
      shape = from_alpaca;
    }
    if (to_ == chat_schema::alpaca && shape == from_alpaca) return unchanged;

    // Members the target writes must not be there already.
    static constexpr std::string_view openai_keys[] = {"messages"}, sharegpt_keys[] = {"conversations"},
                                      alpaca_keys[] = {"instruction", "input", "output", "system", "history"};
    std::span<const std::string_view> writes = to_ == chat_schema::openai     ? std::span<const std::string_view>(openai_keys)
                                               : to_ == chat_schema::sharegpt ? std::span<const std::string_view>(sharegpt_keys)
                                                                              : std::span<const std::string_view>(alpaca_keys);
    for (size_t i = 0; i < top.size(); ++i)
      if (std::find(replaced.begin(), replaced.end(), i) == replaced.end() &&
          std::find(writes.begin(), writes.end(), names[i]) != writes.end())
        return why_key_taken;

    std::string member;
    if (to_ == chat_schema::alpaca) {
      if (auto why = write_alpaca(msgs, member)) return *why;
    } else {
      if (shape != from_alpaca && names[conv] == writes[0] && already_target(msgs)) return unchanged;
      member = json_string(writes[0]) + ":[";
      for (size_t k = 0; k < msgs.size(); ++k) {
        if (k) member += ',';
        if (auto why = write_message(msgs[k], member)) return *why;
      }
      member += ']';
    }

    // The record with the replaced members gone and the new one in the first's place.
    out += '{';
    bool first = true;
    for (size_t i = 0; i < top.size(); ++i) {
      const bool is_first_replaced = !replaced.empty() && i == replaced[0];
      if (!is_first_replaced && std::find(replaced.begin(), replaced.end(), i) != replaced.end()) continue;
      if (!first) out += ',';
      first = false;
      if (is_first_replaced) out += member;
      else out += s.substr(top[i].key.begin, top[i].value.end - top[i].key.begin);
    }
    out += '}';
    return shape;
  }

  // The messages of a conversation value; the shape of its first message.
  static std::optional<counter> read_conversation(std::string_view s, raw_span v, std::vector<message_parts>& msgs,
                                                  counter& shape) {
    if (s[v.begin] == '"') {  // a text-marked dialogue
      const std::string text = unescape_json_string(s.substr(v.begin + 1, v.end - v.begin - 2));
      if (!is_text_dialogue(text)) return why_not_message;
      thread_local simdjson::dom::parser parser;
      thread_local std::vector<message> cut;
      std::string quoted = json_string(text);
      simdjson::dom::element e;
      if (parser.parse(quoted).get(e) || !messages_of(e, cut)) return why_not_message;
      for (auto& m : cut) msgs.push_back(built_message(m.role, m.text));
      shape = from_text;
      return std::nullopt;
    }
    if (s[v.begin] != '[') return why_not_message;
    shape = from_role_content;
    bool first = true;
    for (const raw_item& el : raw_items(s, v.begin)) {
      counter this_shape;
      if (s[el.value.begin] == '[') {  // [user, bot]
        auto pair = raw_items(s, el.value.begin);
        if (pair.size() != 2) return why_not_message;
        msgs.push_back(raw_built(role::user, pair[0].value.of(s)));
        msgs.push_back(raw_built(role::assistant, pair[1].value.of(s)));
        this_shape = from_pairs;
      } else if (s[el.value.begin] == '{') {
        auto members = raw_items(s, el.value.begin);
        message_parts m;
        std::optional<std::string_view> user, bot;
        bool pair_other = false;
        for (const raw_item& f : members) {
          const std::string key = raw_key_name(s, f.key);
          if (key == "role" || key == "from") {
            if (!m.role_key.empty()) return why_ambiguous;
            m.role_key = key == "role" ? "role" : "from";
            m.members.push_back({message_parts::role_member, f.value.of(s)});
            std::string_view rv = f.value.of(s);
            m.r = rv[0] == '"' ? role_of_name(unescape_json_string(rv.substr(1, rv.size() - 2))).value_or(role::other)
                               : role::other;
          } else if (key == "content" || key == "value" || key == "text") {
            if (m.has_text) return why_ambiguous;
            m.has_text = true;
            m.text_key = key == "content" ? "content" : key == "value" ? "value" : "text";
            m.members.push_back({message_parts::text_member, f.value.of(s)});
          } else {
            if (key == "user") user = f.value.of(s);
            else if (key == "bot") bot = f.value.of(s);
            else pair_other = true;
            m.has_other = true;
            m.members.push_back({message_parts::other_member, s.substr(f.key.begin, f.value.end - f.key.begin)});
          }
        }
        if (!m.role_key.empty()) {
          this_shape = m.role_key == "role" ? from_role_content : from_from_value;
          msgs.push_back(std::move(m));
        } else if (user || bot) {
          if (pair_other || m.has_text) return why_pair_fields;
          if (user) msgs.push_back(raw_built(role::user, *user));
          if (bot) msgs.push_back(raw_built(role::assistant, *bot));
          this_shape = from_pairs;
        } else {
          return why_not_message;
        }
      } else {
        return why_not_message;
      }
      if (first) shape = this_shape, first = false;
    }
    return std::nullopt;
  }

  static bool is_alpaca(const std::vector<std::string>& names) {
    return std::find(names.begin(), names.end(), "instruction") != names.end() &&
           std::find(names.begin(), names.end(), "output") != names.end();
  }

  // An Alpaca record: instruction and output strings, optional input and
  // system strings and history of [user, assistant] string pairs. The user
  // message is the instruction, then a newline and the input when there is
  // one (as LLaMA-Factory joins them).
  static std::optional<counter> read_alpaca(std::string_view s, const std::vector<raw_item>& top,
                                            const std::vector<std::string>& names, std::vector<message_parts>& msgs,
                                            std::vector<size_t>& replaced) {
    std::optional<std::string_view> field[5];  // instruction, input, output, system, history
    static constexpr std::string_view keys[] = {"instruction", "input", "output", "system", "history"};
    for (size_t i = 0; i < top.size(); ++i)
      for (size_t k = 0; k < 5; ++k)
        if (names[i] == keys[k] && !field[k]) field[k] = top[i].value.of(s), replaced.push_back(i);
    if (!field[0] || !field[2]) return why_no_conversation;
    auto is_string = [](std::optional<std::string_view> v) { return !v || (*v)[0] == '"'; };
    if (!is_string(field[0]) || !is_string(field[1]) || !is_string(field[2]) || !is_string(field[3])) return why_alpaca_types;
    auto text = [](std::string_view v) { return unescape_json_string(v.substr(1, v.size() - 2)); };
    if (field[3]) msgs.push_back(built_message(role::system, text(*field[3])));
    if (field[4]) {
      std::string_view h = *field[4];
      if (h[0] != '[') return why_alpaca_types;
      const size_t base = size_t(h.data() - s.data());
      for (const raw_item& pair : raw_items(s, base)) {
        if (s[pair.value.begin] != '[') return why_alpaca_types;
        auto two = raw_items(s, pair.value.begin);
        if (two.size() != 2 || s[two[0].value.begin] != '"' || s[two[1].value.begin] != '"') return why_alpaca_types;
        msgs.push_back(raw_built(role::user, two[0].value.of(s)));
        msgs.push_back(raw_built(role::assistant, two[1].value.of(s)));
      }
    }
    std::string user = text(*field[0]);
    if (field[1]) {
      std::string input = text(*field[1]);
      if (!input.empty()) user += "\n" + input;
    }
    msgs.push_back(built_message(role::user, user));
    msgs.push_back(raw_built(role::assistant, *field[2]));
    return std::nullopt;
  }

  static message_parts built_message(role r, std::string_view text) {
    message_parts m;
    m.r = r;
    m.built_text = json_string(text);
    m.has_text = true;
    m.members = {{message_parts::role_member, {}}, {message_parts::text_member, {}}};
    return m;
  }
  // A message whose text is a value of the record, as written.
  static message_parts raw_built(role r, std::string_view text_value) {
    message_parts m;
    m.r = r;
    m.has_text = true;
    m.members = {{message_parts::role_member, {}}, {message_parts::text_member, text_value}};
    return m;
  }

  // Whether the messages already are in the target's words (same member
  // names, role names the target's or unknown to jsift).
  bool already_target(const std::vector<message_parts>& msgs) const {
    const std::string_view rk = to_ == chat_schema::openai ? "role" : "from", tk = to_ == chat_schema::openai ? "content" : "value";
    for (const auto& m : msgs) {
      if (m.role_key != rk || (m.has_text && m.text_key != tk)) return false;
      if (to_ == chat_schema::sharegpt && !text_value_is_string(m)) return false;
      const std::string_view rv = role_value(m);
      if (m.r != role::other && rv != json_string(role_word(to_, m.r))) return false;
    }
    return true;
  }
  static std::string_view role_value(const message_parts& m) {
    for (const auto& f : m.members)
      if (f.k == message_parts::role_member) return f.raw;
    return {};
  }
  static bool text_value_is_string(const message_parts& m) {
    for (const auto& f : m.members)
      if (f.k == message_parts::text_member) return f.raw.empty() || f.raw[0] == '"';
    return false;
  }

  // The text member's value for a target that holds strings only: a string
  // as written, a list of text parts joined by newlines.
  static std::optional<counter> string_text(std::string_view raw, std::string& into) {
    if (raw[0] == '"') {
      into += raw;
      return std::nullopt;
    }
    if (raw[0] != '[') return why_no_text;
    std::string joined;
    bool first = true;
    const std::string whole(raw);
    for (const raw_item& p : raw_items(whole, 0)) {
      std::string_view part = p.value.of(whole), t;
      if (part[0] == '"') {
        t = part;
      } else if (part[0] == '{') {
        for (const raw_item& f : raw_items(whole, p.value.begin)) {
          const std::string key = raw_key_name(whole, f.key);
          const std::string_view v = f.value.of(whole);
          if (key == "type") {
            if (v != "\"text\"") return why_parts;
          } else if (key == "text" && v[0] == '"') {
            t = v;
          } else {
            return why_parts;
          }
        }
      }
      if (t.empty()) return why_parts;
      if (!first) joined += '\n';
      first = false;
      joined += unescape_json_string(t.substr(1, t.size() - 2));
    }
    into += json_string(joined);
    return std::nullopt;
  }

  std::optional<counter> write_message(const message_parts& m, std::string& out) const {
    const bool openai = to_ == chat_schema::openai;
    out += '{';
    bool first = true;
    for (const auto& f : m.members) {
      if (!first) out += ',';
      first = false;
      switch (f.k) {
        case message_parts::role_member:
          out += openai ? "\"role\":" : "\"from\":";
          if (m.r != role::other) out += json_string(role_word(to_, m.r));
          else out += f.raw;
          break;
        case message_parts::text_member: {
          out += openai ? "\"content\":" : "\"value\":";
          const std::string_view raw = f.raw.empty() ? std::string_view(m.built_text) : f.raw;
          if (openai) out += raw;
          else if (auto why = string_text(raw, out)) return why;
          break;
        }
        case message_parts::other_member: out += f.raw; break;
      }
    }
    if (!openai && !m.has_text) return why_no_text;
    out += '}';
    return std::nullopt;
  }

  static std::optional<counter> write_alpaca(const std::vector<message_parts>& msgs, std::string& out) {
    size_t k = 0;
    std::string system;
    auto text_of = [](const message_parts& m, std::string& into) -> std::optional<counter> {
      if (m.has_other) return why_alpaca_fields;
      if (!m.has_text) return why_no_text;
      for (const auto& f : m.members)
        if (f.k == message_parts::text_member) return string_text(f.raw.empty() ? std::string_view(m.built_text) : f.raw, into);
      return why_no_text;
    };
    if (!msgs.empty() && msgs[0].r == role::system) {
      if (auto why = text_of(msgs[0], system)) return why;
      k = 1;
    }
    if (msgs.size() < k + 2 || (msgs.size() - k) % 2) return why_alpaca_turns;
    std::vector<std::pair<std::string, std::string>> turns;
    for (; k < msgs.size(); k += 2) {
      if (msgs[k].r != role::user || msgs[k + 1].r != role::assistant) return why_alpaca_turns;
      auto& t = turns.emplace_back();
      if (auto why = text_of(msgs[k], t.first)) return why;
      if (auto why = text_of(msgs[k + 1], t.second)) return why;
    }
    out += "\"instruction\":" + turns.back().first + ",\"input\":\"\",\"output\":" + turns.back().second;
    if (!system.empty()) out += ",\"system\":" + system;
    if (turns.size() > 1) {
      out += ",\"history\":[";
      for (size_t t = 0; t + 1 < turns.size(); ++t)
        out += fmt::format("{}[{},{}]", t ? "," : "", turns[t].first, turns[t].second);
      out += ']';
    }
    return std::nullopt;
  }

  chat_schema to_;
  std::string conversation_key_;  // --turns-path .NAME
};

}  // namespace

std::unique_ptr<record_transform> make_convert_transform(chat_schema to, const std::string& turns_path) {
  return std::make_unique<convert_transform>(to, turns_path);
}

}  // namespace jsift
