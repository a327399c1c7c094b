#include "jsift/stages/record_transform.hpp"

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/units.hpp"
#include "jsift/json/conversation.hpp"
#include "jsift/json/predicate.hpp"
#include "jsift/json/raw_edit.hpp"

namespace jsift {

void record_transform::write_report(json_writer& w, const transform_tally& t) const { w.key("records_out").value(t.made); }

namespace {

// The index of the first `sep` outside quotes and brackets, or npos.
size_t find_outside(std::string_view s, char sep, bool last = false) {
  bool quoted = false;
  int depth = 0;
  size_t found = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted && c == '\\') ++i;
    else if (c == '"') quoted = !quoted;
    else if (!quoted && c == '[') ++depth;
    else if (!quoted && c == ']' && depth > 0) --depth;
    else if (!quoted && depth == 0 && c == sep) {
      found = i;
      if (!last) return i;
    }
  }
  return found;
}

class set_transform final : public record_transform {
 public:
  set_transform(const std::vector<std::string>& assignments, const std::vector<std::string>& deletions) {
    for (const auto& a : assignments) {
      const size_t eq = find_outside(a, '=');
      if (eq == std::string::npos) throw option_error("set", fmt::format("expected PATH=VALUE, got '{}'", a));
      path p = for_option("set", [&] { return path::parse(std::string_view(a).substr(0, eq)); });
      if (p.steps().empty()) throw option_error("set", "a path below the record: `.` itself cannot be set");
      sets_.emplace_back(std::move(p), json_value_text(std::string_view(a).substr(eq + 1)));
    }
    for (const auto& d : deletions) {
      path p = for_option("del", [&] { return path::parse(d); });
      if (p.steps().empty()) throw option_error("del", "a path below the record: `.` itself cannot be deleted");
      dels_.push_back(std::move(p));
    }
    if (sets_.empty() && dels_.empty()) throw usage_error("set: give at least one PATH=VALUE or --del PATH");
  }
  std::string name() const override { return "set"; }
  std::optional<size_t> apply(const record_ref& rec, std::string& out, transform_tally&) const override {
    thread_local std::string text, why;
    text.assign(rec.line);
    // A top-level key the record lacks (the parsed record says so) is
    // added, or skipped by --del, without walking the text; unless an
    // earlier assignment of this record made it.
    simdjson::dom::object root;
    const bool object = !rec.root.get_object().get(root);
    auto absent = [&](const path& p, size_t before) {
      if (!object || p.steps().size() != 1 || p.steps()[0].kind != path::op::key) return false;
      simdjson::dom::element v;
      if (!root.at_key(p.steps()[0].name).get(v)) return false;
      for (size_t j = 0; j < before; ++j)
        if (sets_[j].first.steps()[0].name == p.steps()[0].name) return false;
      return true;
    };
    for (size_t i = 0; i < sets_.size(); ++i) {
      const auto& [p, v] = sets_[i];
      if (absent(p, i)) raw_append_member(text, p.steps()[0].name, v);
      else if (raw_set(text, p, v, why) == edit_result::conflict) return std::nullopt;
    }
    for (const auto& p : dels_)
      if (!absent(p, sets_.size())) raw_del(text, p);
    out += text;
    out += '\n';
    return 1;
  }

 private:
  std::vector<std::pair<path, std::string>> sets_;
  std::vector<path> dels_;
};

struct field {
  path p;
  std::string name;
  std::unique_ptr<std::atomic<bool>> reached = std::make_unique<std::atomic<bool>>(false);  // by some record
  void seen() const {
    if (!reached->load(std::memory_order_relaxed)) reached->store(true, std::memory_order_relaxed);
  }
};

void csv_cell(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void tsv_cell(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
}

class cut_transform final : public record_transform {
 public:
  cut_transform(const std::vector<std::string>& specs, cut_format format) : format_(format) {
    for (const auto& spec : specs) {
      std::string_view rest = spec;
      while (!rest.empty()) {
        const size_t comma = find_outside(rest, ',');
        std::string_view one = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (one.empty()) throw option_error("fields", fmt::format("an empty field in '{}'", spec));
        const size_t eq = find_outside(one, '=');
        path p = for_option("fields", [&] { return path::parse(one.substr(0, eq)); });
        std::string name;
        if (eq != std::string_view::npos) name = std::string(one.substr(eq + 1));
        else if (!p.steps().empty() && p.steps().back().kind == path::op::key) name = p.steps().back().name;
        else name = p.text();
        if (name.empty()) throw option_error("fields", fmt::format("an empty name in '{}'", one));
        for (const field& f : fields_)
          if (f.name == name) throw option_error("fields", fmt::format("two fields named '{}' (rename one: PATH=NAME)", name));
        fields_.push_back({std::move(p), std::move(name)});
      }
    }
    if (fields_.empty()) throw option_error("fields", "give at least one PATH (-f .id,.record_type)");
  }
  std::string name() const override { return "cut"; }

  std::string warnings() const override {
    std::string out;
    for (const field& f : fields_)
      if (!f.reached->load())
        out += fmt::format("jsift: warning: cut: no record has a value at {} (its column is empty)\n", f.p.text());
    return out;
  }

  std::string header() const override {
    if (format_ == cut_format::jsonl) return {};
    std::string h;
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i) h += format_ == cut_format::csv ? ',' : '\t';
      if (format_ == cut_format::csv) csv_cell(h, fields_[i].name);
      else tsv_cell(h, fields_[i].name);
    }
    return h + (format_ == cut_format::csv ? "\r\n" : "\n");
  }

  std::optional<size_t> apply(const record_ref& rec, std::string& out, transform_tally&) const override {
    if (format_ == cut_format::jsonl) {
      out += '{';
      bool first = true;
      for (const field& f : fields_) {
        std::vector<raw_span> vs = raw_values(rec.line, f.p);
        if (vs.empty()) continue;
        f.seen();
        if (!first) out += ',';
        first = false;
        out += json_string(f.name);
        out += ':';
        append_value(out, rec.line, vs, f.p.is_multi(), false);
      }
      out += "}\n";
      return 1;
    }
    thread_local std::string cell;
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (i) out += format_ == cut_format::csv ? ',' : '\t';
      std::vector<raw_span> vs = raw_values(rec.line, fields_[i].p);
      if (!vs.empty()) fields_[i].seen();
      cell.clear();
      if (!vs.empty()) append_value(cell, rec.line, vs, fields_[i].p.is_multi(), true);
      if (format_ == cut_format::csv) csv_cell(out, cell);
      else tsv_cell(out, cell);
    }
    out += format_ == cut_format::csv ? "\r\n" : "\n";
    return 1;
  }

 private:
  // One cell or JSONL value: for a cell, a single string's text, null as
  // nothing, containers minified; several values as a JSON array.
  static void append_value(std::string& out, std::string_view line, const std::vector<raw_span>& vs, bool multi, bool cell) {
    if (multi) {
      out += '[';
      for (size_t i = 0; i < vs.size(); ++i) {
        if (i) out += ',';
        out += cell ? minify_json(vs[i].of(line)) : std::string(vs[i].of(line));
      }
      out += ']';
      return;
    }
    std::string_view v = vs[0].of(line);
    if (!cell) out += v;
    else if (v[0] == '"') out += unescape_json_string(v.substr(1, v.size() - 2));
    else if (v == "null") return;
    else if (v[0] == '{' || v[0] == '[') out += minify_json(v);
    else out += v;
  }

  std::vector<field> fields_;
  cut_format format_;
};

class explode_transform final : public record_transform {
 public:
  explode_transform(const std::string& array_path, const std::vector<std::string>& inherit, const std::string& index_path)
      : array_(for_option("path", [&] { return path::parse(array_path); })), array_text_(array_path) {
    if (array_.is_multi()) throw option_error("path", "a path to one array (no [] or [role=...] without an index)");
    for (const auto& spec : inherit) {
      const size_t eq = find_outside(spec, '=');
      if (eq == std::string::npos) throw option_error("inherit", fmt::format("expected SRC=DEST, got '{}'", spec));
      path src = for_option("inherit", [&] { return path::parse(std::string_view(spec).substr(0, eq)); });
      path dest = for_option("inherit", [&] { return path::parse(std::string_view(spec).substr(eq + 1)); });
      if (dest.steps().empty() || dest.is_multi()) throw option_error("inherit", fmt::format("DEST names one place in the new record: '{}'", spec));
      inherit_.emplace_back(std::move(src), std::move(dest));
    }
    if (!index_path.empty()) {
      index_ = for_option("index", [&] { return path::parse(index_path); });
      if (index_->steps().empty() || index_->is_multi()) throw option_error("index", "a path to one place in the new record");
    }
  }
  std::string name() const override { return "explode"; }
  void write_report(json_writer& w, const transform_tally& t) const override {
    w.key("path").value(array_text_);
    record_transform::write_report(w, t);
    w.key("elements_left_out").value(t.skipped);
  }
  std::string summary(const transform_tally& t) const override {
    return fmt::format("  -> {} records{}\n", with_commas(t.made),
                       t.skipped ? fmt::format(" ({} elements left out: not objects, or a DEST of the wrong type)", with_commas(t.skipped))
                                 : "");
  }
  bool one_to_one() const override { return false; }

  std::optional<size_t> apply(const record_ref& rec, std::string& out, transform_tally& tally) const override {
    std::vector<raw_span> at = raw_values(rec.line, array_);
    if (at.empty() || rec.line[at[0].begin] != '[') return std::nullopt;
    // The parent's values to inherit, once per record.
    thread_local std::vector<std::pair<const path*, std::string>> values;
    values.clear();
    for (const auto& [src, dest] : inherit_) {
      std::vector<raw_span> v = raw_values(rec.line, src);
      if (v.empty()) continue;  // nothing to inherit
      std::string text;
      if (src.is_multi()) {
        text = "[";
        for (size_t i = 0; i < v.size(); ++i) text += (i ? "," : "") + std::string(v[i].of(rec.line));
        text += "]";
      } else {
        text = v[0].of(rec.line);
      }
      values.emplace_back(&dest, std::move(text));
    }
    const std::string_view array = at[0].of(rec.line);
    static const path each = path::parse(".[]");
    const std::vector<raw_span> elements = raw_values(array, each);
    size_t made = 0;
    thread_local std::string text, why;
    for (size_t i = 0; i < elements.size(); ++i) {
      std::string_view e = elements[i].of(array);
      if (e[0] != '{') {
        ++tally.skipped;
        continue;
      }
      text.assign(e);
      bool ok = true;
      for (const auto& [dest, v] : values) ok = ok && raw_set(text, *dest, v, why) != edit_result::conflict;
      if (index_) ok = ok && raw_set(text, *index_, std::to_string(i), why) != edit_result::conflict;
      if (!ok) {
        ++tally.skipped;
        continue;
      }
      out += text;
      out += '\n';
      ++made;
    }
    if (made == 0) return std::nullopt;
    return made;
  }

 private:
  path array_;
  std::string array_text_;
  std::vector<std::pair<path, path>> inherit_;
  std::optional<path> index_;
};


std::string_view role_label(role r) {
  switch (r) {
    case role::user: return "User";
    case role::assistant: return "Assistant";
    case role::system: return "System";
    case role::tool: return "Tool";
    default: return "Other";
  }
}

class window_transform final : public record_transform {
 public:
  window_transform(const std::string& history, window_format format, const std::string& turns_path)
      : history_(range::parse(history, "history")), format_(format) {
    if (!history_.hi) throw option_error("history", "give an upper bound (1..3): how many messages before the answer at most");
    if (*history_.hi == 0) throw option_error("history", "at least one message of history (1..3)");
    if (!turns_path.empty()) turns_path_ = for_option("turns_path", [&] { return path::parse(turns_path); });
  }
  std::string name() const override { return "window"; }
  std::string summary(const transform_tally& t) const override { return fmt::format("  -> {} records\n", with_commas(t.made)); }
  bool one_to_one() const override { return false; }

  std::optional<size_t> apply(const record_ref& rec, std::string& out, transform_tally&) const override {
    auto conv = turns_path_ ? turns_path_->first(rec.root) : find_conversation(rec.root);
    thread_local std::vector<message> msgs;
    if (!conv || !messages_of(*conv, msgs)) return std::nullopt;
    std::vector<raw_span> id = raw_values(rec.line, id_path());
    std::string parent_id;
    bool has_id = false;
    if (!id.empty()) {
      std::string_view raw = id[0].of(rec.line);
      has_id = raw[0] == '"' || (raw[0] != '{' && raw[0] != '[' && raw != "null");
      if (raw[0] == '"') parent_id = unescape_json_string(raw.substr(1, raw.size() - 2));
      else if (has_id) parent_id = raw;
    }
    const uint64_t lo = history_.lo.value_or(1), hi = *history_.hi;
    size_t made = 0;
    thread_local std::string text;  // reused: an allocation per message was a tenth of the time
    for (size_t k = 0; k < msgs.size(); ++k) {
      if (msgs[k].role != role::assistant || k < lo) continue;
      const size_t from = k - std::min<uint64_t>(hi, k);
      out += '{';
      if (has_id) {
        out += "\"id\":";
        text.assign(parent_id).append("#").append(std::to_string(k));
        json_writer::escape(out, text);
        out += ",\"parent_id\":";
        out += id[0].of(rec.line);
        out += ',';
      }
      out += "\"turn\":";
      out += std::to_string(k);
      out += ",\"input\":";
      if (format_ == window_format::text) {
        text.clear();
        for (size_t j = from; j < k; ++j) {
          if (j > from) text += '\n';
          text += role_label(msgs[j].role);
          text += ": ";
          text += msgs[j].text;
        }
        json_writer::escape(out, text);
      } else {
        out += '[';
        for (size_t j = from; j < k; ++j) {
          if (j > from) out += ',';
          out += "{\"role\":\"";
          out += role_name(msgs[j].role);  // plain ASCII names
          out += "\",\"content\":";
          json_writer::escape(out, msgs[j].text);
          out += '}';
        }
        out += ']';
      }
      out += ",\"output\":";
      json_writer::escape(out, msgs[k].text);
      out += "}\n";
      ++made;
    }
    if (made == 0) return std::nullopt;
    return made;
  }

 private:
  static const path& id_path() {
    static const path p = path::parse(".id");
    return p;
  }
  range history_;
  window_format format_;
  std::optional<path> turns_path_;
};

}  // namespace

std::unique_ptr<record_transform> make_window_transform(const std::string& history, window_format format,
                                                        const std::string& turns_path) {
  return std::make_unique<window_transform>(history, format, turns_path);
}

std::unique_ptr<record_transform> make_explode_transform(const std::string& array_path, const std::vector<std::string>& inherit,
                                                         const std::string& index_path) {
  return std::make_unique<explode_transform>(array_path, inherit, index_path);
}

bool looks_like_assignment(std::string_view arg) {
  return !arg.empty() && arg[0] == '.' && find_outside(arg, '=') != std::string_view::npos;
}

std::unique_ptr<record_transform> make_set_transform(const std::vector<std::string>& assignments,
                                                     const std::vector<std::string>& deletions) {
  return std::make_unique<set_transform>(assignments, deletions);
}

std::unique_ptr<record_transform> make_cut_transform(const std::vector<std::string>& fields, cut_format format) {
  return std::make_unique<cut_transform>(fields, format);
}

}  // namespace jsift
