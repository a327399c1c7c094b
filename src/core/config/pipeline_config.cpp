#include "jsift/config/pipeline_config.hpp"

#include <algorithm>
#include <sstream>

#include "jsift/io/units.hpp"
#include "table_reader.hpp"

namespace jsift {
namespace config {
namespace {

void read_filter(table_reader& r, pipeline_spec& spec) {
  filter_spec f;
  if (r.has("bytes")) f.bytes = r.str("bytes");
  if (r.has("turns")) f.turns = r.str("turns");
  if (r.has("turns_path")) f.turns_path = r.str("turns_path");
  if (r.has("turns_count")) f.turns_count = r.str("turns_count");
  f.has = r.strings("has");
  f.nonempty = r.strings("nonempty");
  f.len = r.strings("len");
  f.eq = r.strings("eq");
  f.ne = r.strings("ne");
  f.match = r.strings("match");
  f.invert = r.flag("invert", false);
  r.done({"bytes", "turns", "turns_path", "turns_count", "has", "nonempty", "len", "eq", "ne", "match", "invert"});
  spec.filter.emplace(r.located([&] { return predicate_chain(f); }));
}

void read_dedup(table_reader& r, pipeline_spec& spec) {
  pipeline_dedup d;
  std::vector<std::string> keys = r.strings("key");
  std::string norm = r.str("normalize", "none");
  d.seen.key = r.located([&] { return key_spec::parse(keys, norm); });
  d.seen.index_path = r.str("index", "");
  d.seen.dups_path = r.str("dups", "");
  d.against = r.strings("against");
  if (r.has("max_memory")) {
    std::string mm = r.str("max_memory");
    d.max_memory = r.located([&] { return parse_size(mm, "max_memory"); });
  }
  if (r.flag("near", false)) {  // dedup --near: key paths are texts
    if (norm != "none") r.fail("normalize", "does not apply to near = true: its shingles are already normalised");
    near_seen_options o;
    std::optional<double> threshold;
    if (r.has("threshold")) threshold = r.num("threshold");
    const auto bands = r.count("bands"), rows = r.count("rows");
    const uint64_t ngram = r.count("ngram").value_or(5);
    o.params = r.located([&] { return minhash_params::from(threshold, bands, rows, ngram); });
    for (const auto& k : keys) d.near_key.push_back(r.located([&] { return text_source::at(k, "key"); }));
    if (d.near_key.empty()) d.near_key.push_back(text_source::automatic());
    o.key_text = names_of(d.near_key);
    o.index_path = d.seen.index_path;
    o.dups_path = d.seen.dups_path;
    d.near = o;
  } else {
    for (const char* k : {"threshold", "bands", "rows", "ngram"})
      if (r.has(k)) r.fail(k, "goes with near = true");
  }
  r.done({"key", "normalize", "index", "dups", "against", "max_memory", "near", "threshold", "bands", "rows", "ngram"});
  spec.dedup = std::move(d);
}

void read_rebalance(table_reader& r, pipeline_spec& spec) {
  pipeline_rebalance b;
  std::string by = r.str("by");
  std::vector<std::string> key = r.string_or_strings("key");
  uint64_t seed = r.count("seed").value_or(0);
  b.sel = r.located([&] { return selector::parse(by, key, seed); });
  quota_spec q;
  if (r.has("target")) q.target = r.shares("target");
  if (r.has("cap")) q.cap = r.counts_table("cap");
  q.cap_all = r.count("cap_all");
  if (r.has("equal")) {
    q.equal = r.flag("equal", false);
    if (!q.equal) r.fail("equal", "'equal' must be true when given");
  }
  q.total = r.count("total");
  std::string others = r.str("others", "drop");
  if (others != "drop" && others != "keep") r.fail("others", "'others' must be \"drop\" or \"keep\"");
  q.others = others == "keep" ? others_policy::keep : others_policy::drop;
  q.allow_upsample = r.flag("allow_upsample", false);
  r.done({"by", "key", "seed", "target", "cap", "cap_all", "equal", "total", "others", "allow_upsample"});
  b.quota = r.located([&] { return q.request(); });
  spec.rebalance = std::move(b);
}

void read_split(table_reader& r, pipeline_spec& spec) {
  std::map<std::string, double> shares = r.shares("ratios");
  std::vector<std::string> key = r.string_or_strings("key");
  uint64_t seed = r.count("seed").value_or(0);
  std::string keyless = r.str("keyless", "fail");
  if (keyless != "fail" && keyless != "skip") r.fail("keyless", "'keyless' must be \"fail\" or \"skip\"");
  r.done({"ratios", "key", "seed", "keyless"});
  spec.split = r.located([&] {
    return split_router({shares.begin(), shares.end()}, key_spec::parse(key, "none"), seed,
                        keyless == "skip" ? keyless_policy::skip : keyless_policy::fail);
  });
}

// One [[transform]] table: the command's name as the key that holds its
// main argument, the command's options as the other keys.
void read_transform(table_reader& r, pipeline_spec& spec) {
  static const char* kinds[] = {"set", "explode", "window", "convert", "cut"};
  std::string kind;
  for (const char* k : kinds)
    if (r.has(k) || (std::string_view(k) == "set" && r.has("del"))) {
      if (!kind.empty()) r.fail(k, fmt::format("one transform per [[transform]] table: this one has {} and {}", kind, k));
      kind = k;
    }
  if (kind.empty()) r.fail("", "a [[transform]] names its transform: set (with del), explode, window, convert or cut");
  std::unique_ptr<record_transform> t;
  if (kind == "set") {
    std::vector<std::string> sets = r.has("set") ? r.string_or_strings("set") : std::vector<std::string>{};
    std::vector<std::string> dels = r.has("del") ? r.string_or_strings("del") : std::vector<std::string>{};
    r.done({"set", "del"});
    t = r.located([&] { return make_set_transform(sets, dels); });
  } else if (kind == "explode") {
    std::string array = r.str("explode"), index = r.str("index", "");
    std::vector<std::string> inherit = r.has("inherit") ? r.string_or_strings("inherit") : std::vector<std::string>{};
    r.done({"explode", "inherit", "index"});
    t = r.located([&] {
      try {
        return make_explode_transform(array, inherit, index);
      } catch (const option_error& e) {  // the command's positional PATH is this table's 'explode'
        if (e.field == "path") throw option_error("explode", e.problem);
        throw;
      }
    });
  } else if (kind == "window") {
    std::string history = r.str("window"), format = r.str("format", "text"), turns_path = r.str("turns_path", "");
    if (format != "text" && format != "messages") r.fail("format", "'format' must be \"text\" or \"messages\"");
    r.done({"window", "format", "turns_path"});
    t = r.located([&] {
      try {
        return make_window_transform(history, format == "text" ? window_format::text : window_format::messages, turns_path);
      } catch (const option_error& e) {
        if (e.field == "history") throw option_error("window", e.problem);
        throw;
      }
    });
  } else if (kind == "convert") {
    std::string to = r.str("convert"), turns_path = r.str("turns_path", "");
    static const std::pair<const char*, chat_schema> schemas[] = {
        {"openai", chat_schema::openai}, {"sharegpt", chat_schema::sharegpt}, {"alpaca", chat_schema::alpaca}, {"jsonl", chat_schema::jsonl}};
    auto it = std::find_if(std::begin(schemas), std::end(schemas), [&](const auto& x) { return to == x.first; });
    if (it == std::end(schemas)) r.fail("convert", "'convert' must be \"openai\", \"sharegpt\", \"alpaca\" or \"jsonl\"");
    r.done({"convert", "turns_path"});
    t = r.located([&] { return make_convert_transform(it->second, turns_path); });
  } else {  // cut: smaller JSONL records (a run writes JSONL)
    std::vector<std::string> fields = r.string_or_strings("cut");
    r.done({"cut"});
    t = r.located([&] {
      try {
        return make_cut_transform(fields, cut_format::jsonl);
      } catch (const option_error& e) {
        if (e.field == "fields") throw option_error("cut", e.problem);
        throw;
      }
    });
  }
  if (!t->one_to_one())
    for (const auto& earlier : spec.transforms)
      if (!earlier->one_to_one())
        r.fail(kind, fmt::format("one transform that makes several records per line ({} is the second, after {}): chain "
                                 "another run or command with a pipe",
                                 kind, earlier->name()));
  spec.transforms.push_back(std::move(t));
}

void read_output(table_reader& r, pipeline_spec& spec) {
  pipeline_output& o = spec.output;
  o.dir = r.str("dir", "");
  o.shard = r.flag("shard", false);
  uint64_t level = r.count("level").value_or(3);
  o.shards.level = level > 100 ? 100 : int(level);
  o.shards.max_records = r.count("max_records");
  if (r.has("max_bytes")) {
    std::string mb = r.str("max_bytes");
    o.shards.max_bytes = r.located([&] { return parse_size(mb, "max_bytes"); });
  }
  r.done({"dir", "shard", "level", "max_records", "max_bytes"});
  r.located([&] { o.shards.validate(); });
}

}  // namespace
}  // namespace config

pipeline_spec load_pipeline(const std::string& file) {
  using config::place;
  pipeline_spec spec;
  spec.path = file;
  spec.gate.path = file;
  toml::table root = config::parse_file(file);
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    static const char* known[] = {"name", "transform", "filter", "dedup", "rebalance", "split", "output", "check"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char* x) { return key == x; }))
      throw usage_error(fmt::format("{}unknown key '{}' (a pipeline has name, [[transform]], [filter], [dedup], "
                                    "[rebalance], [split], [output] and [[check]])",
                                    place(file, &v), key));
    if (key != "name") spec.sections.push_back(key);
  }
  if (const toml::node* n = root.get("name")) {
    if (!n->is_string()) throw usage_error(fmt::format("{}'name' must be a string", place(file, n)));
    spec.name = spec.gate.name = std::string(*n->value<std::string_view>());
  }
  if (const toml::node* n = root.get("transform")) {
    const toml::array* list = n->as_array();
    if (!list || !list->is_array_of_tables())
      throw usage_error(fmt::format("{}transforms are [[transform]] tables, applied in file order", place(file, n)));
    for (size_t i = 0; i < list->size(); ++i) {
      config::table_reader r(*list->get(i)->as_table(), file, fmt::format("[[transform]] {}", i + 1));
      config::read_transform(r, spec);
    }
  }
  using reader_fn = void (*)(config::table_reader&, pipeline_spec&);
  static const std::pair<const char*, reader_fn> tables[] = {{"filter", config::read_filter},
                                                             {"dedup", config::read_dedup},
                                                             {"rebalance", config::read_rebalance},
                                                             {"split", config::read_split},
                                                             {"output", config::read_output}};
  for (const auto& [name, read] : tables) {
    const toml::node* n = root.get(name);
    if (!n) continue;
    if (!n->is_table()) throw usage_error(fmt::format("{}[{}] must be a table", place(file, n), name));
    config::table_reader r(*n->as_table(), file, fmt::format("[{}]", name));
    read(r, spec);
  }
  if (root.get("check")) config::load_checks(root, file, spec.gate);
  return spec;
}

pipeline_parts cut_pipeline(const std::string& file) {
  const toml::table root = config::parse_file(file);
  auto part = [&](std::initializer_list<const char*> keys) {
    toml::table t;
    bool any = false;
    for (const char* k : keys)
      if (const toml::node* n = root.get(k)) {
        t.insert(k, *n);
        any = true;
      }
    if (!any) return std::string();
    if (const toml::node* n = root.get("name")) t.insert("name", *n);
    std::ostringstream os;  // a config file, not a hot path
    os << toml::toml_formatter(t) << "\n";
    return os.str();
  };
  return {part({"transform", "filter"}),
          part({"dedup"}),
          part({"rebalance"}),
          part({"split", "output"}),
          part({"transform", "filter", "split", "output"}),
          part({"check"})};
}

void require_across_tasks(const pipeline_spec& spec, const std::string& path) {
  if (spec.dedup) {
    const pipeline_dedup& d = *spec.dedup;
    if (!d.seen.index_path.empty()) throw usage_error(fmt::format("{}: [dedup] across tasks does not take index yet", path));
    if (!d.seen.dups_path.empty() && (!spec.transforms.empty() || spec.filter))
      throw usage_error(fmt::format("{}: [dedup] dups after [[transform]] or [filter] across tasks is not built yet (the duplicates "
                                    "would be named by their place in the filtered stream)",
                                    path));
  }
  if (spec.rebalance && spec.rebalance->quota.allow_upsample && spec.split.keyless() == keyless_policy::skip)
    throw usage_error(fmt::format("{}: [split] keyless = \"skip\" after an upsampling [rebalance] across tasks is not built yet (the "
                                  "post stage would count each copy as a line)",
                                  path));
  if ((spec.dedup || spec.rebalance) && std::any_of(spec.transforms.begin(), spec.transforms.end(), [](const auto& t) { return !t->one_to_one(); }))
    throw usage_error(fmt::format("{}: explode or window before [dedup] or [rebalance] across tasks is not built yet", path));
}

}  // namespace jsift
