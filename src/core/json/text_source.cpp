#include "jsift/json/text_source.hpp"

#include "jsift/error.hpp"
#include "jsift/json/conversation.hpp"

namespace jsift {

text_source text_source::at(const std::string& path_text, std::string_view field) {
  text_source t;
  t.path_ = for_option(field, [&] { return path::parse(path_text); });
  t.path_text_ = path_text;
  return t;
}

size_t text_source::texts(simdjson::dom::element root, std::vector<std::string_view>& out) const {
  std::string_view s;
  if (path_) {
    path_->visit(root, [&](simdjson::dom::element e) {
      if (!e.get_string().get(s)) out.push_back(s);
    });
    return 0;
  }
  thread_local std::vector<message> msgs;
  if (auto conv = find_conversation(root); conv && messages_of(*conv, msgs)) {
    for (const message& m : msgs)
      if (m.role == role::assistant) out.push_back(m.text);
    if (!out.empty()) return 0;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return 0;
  for (const char* k : {"output", "response", "answer", "chosen", "completion"}) {
    simdjson::dom::element v;
    if (!obj.at_key(k).get(v) && !v.get_string().get(s)) {
      out.push_back(s);
      return 1;
    }
  }
  for (auto field : obj)
    if (!field.value.get_string().get(s)) out.push_back(s);
  return 2;
}

bool joined_texts(const std::vector<text_source>& sources, simdjson::dom::element root, std::string& out) {
  thread_local std::vector<std::string_view> texts;
  out.clear();
  bool any = false;
  for (const auto& s : sources) {
    texts.clear();
    s.texts(root, texts);
    for (std::string_view t : texts) {
      if (any) out += ' ';
      out += t;
      any = true;
    }
  }
  return any;
}

std::string names_of(const std::vector<text_source>& sources) {
  std::string out;
  for (const auto& s : sources) out += (out.empty() ? "" : ",") + s.name();
  return out;
}

}  // namespace jsift
