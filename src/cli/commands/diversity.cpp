// `jsift diversity`: how repetitive datasets are, side by side: each INPUT
// one dataset, one pass each, then a table, JSON or Markdown.
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "../diversity_merge.hpp"
#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/task_part.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/diversity_job.hpp"
#include "jsift/report/diversity_html.hpp"
#include "jsift/report/run_report.hpp"

namespace jsift::cli {
namespace {

enum class diversity_format { auto_, table, json, md };

struct dataset_result {
  std::string label;
  std::vector<std::string> files;
  std::vector<input_file> inputs;  // a merge's: the files, for its job
  uint64_t lines = 0;
  std::string dispositions;  // JSON
  std::vector<std::unique_ptr<diversity_column>> columns;
  std::vector<const diversity_column*> borrowed;  // a view's columns (a group's), instead of `columns`
  const diversity_column& column(size_t i) const { return borrowed.empty() ? *columns[i] : *borrowed[i]; }
};

class diversity_command final : public command {
 public:
  command_info info() const override {
    return {"diversity",
            "How repetitive datasets are, side by side: uniqueness, distinct-n, compression ratio, self-repetition, self-BLEU, "
            "openings, near-duplicates",
            "Every INPUT (a file, a directory, -) is one dataset, shown as its own column; the first is the reference. "
            "This is the one command where several inputs are not one stream.\n"
            "Memory per text: its key in the uniqueness set (20-30 bytes per distinct text), its opening in the openings "
            "table (per distinct opening: its bytes + ~40), 4 bytes at most of length histogram; per distinct n-gram 20-30 "
            "bytes up to --max-memory, then 16 KiB per n (HyperLogLog, 0.8 % error, said in the report); per distinct 4-gram "
            "16 bytes more for self-repetition (none past --max-memory: said as null); the compression sample: --cr-sample; "
            "the self-BLEU sample: --sample texts. Example: jsift diversity --label ours build/data.jsonl --label oasst oasst.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::none);
    f.texts("--text", "PATH", texts_,
            "Measure the strings at PATH (repeatable, each its own column; [] gives one text per element). Default: auto, "
            "the assistant messages, else .output .response .answer .chosen .completion, else every top-level string")
        .paths();
    f.text("--by", "PATH", by_,
           "The same figures per group of the value at PATH (record type, persona...), with each group's share, the "
           "normalised entropy of the shares and, between datasets, their Jensen-Shannon divergence from the first's "
           "(each group keeps sets of its own)")
        .paths();
    f.texts("--label", "NAME", labels_, "The next dataset's name in the report (repeatable, in INPUT order; default: its path)");
    f.text("--tokens", "MODE", tokens_,
           "words (Unicode words, lowercased; each CJK ideograph, kana and Hangul syllable a token; n-grams within a text) or "
           "whitespace (texts joined by a space, split on the space character: the Python diversity package's rule)")
        .shows_default("words");
    f.text("--normalize", "LIST", normalize_, "Compare texts for uniqueness after normalising: none, or a list of nfkc, fold, punct, ws, case")
        .shows_default("none");
    f.text("--cr-sample", "SIZE", cr_sample_, "Text compressed for the compression ratio, a seeded sample (0: all of it)")
        .shows_default("64MiB");
    f.count("--seed", "N", seed_, "Seed of the compression and self-BLEU samples").shows_default("0");
    f.text("--max-memory", "SIZE", max_memory_, "Memory per dataset for exact distinct n-gram counts (HyperLogLog past it) and self-repetition's 4-gram counts (none past "
           "it); each --by group has as much again")
        .shows_default("256MiB");
    f.count("--top", "N", top_, "How many openings (first 5 tokens) to list").shows_default("10");
    f.count("--sample", "N", bleu_sample_, "Texts of the seeded self-BLEU sample (BLEU-3 of each against the others; 0: no self-BLEU)")
        .shows_default("1000");
    f.choice("--format", format_,
             {{"auto", diversity_format::auto_}, {"table", diversity_format::table}, {"json", diversity_format::json}, {"md", diversity_format::md}},
             "auto (table on a terminal, JSON otherwise), table, json or md")
        .shows_default("auto");
    f.toggle("--near", near_,
             "Near-duplicates too: MinHash LSH as dedup --near (word 5-grams, 14 x 8 bands): the share of texts with an "
             "earlier near-duplicate and the largest clusters (about 350 bytes per distinct text more)");
    near_flags_.define(f);
    f.toggle("--json", json_, "Same as --format json");
    f.toggle("--md", md_, "Same as --format md");
    f.text("--html", "FILE", html_,
           "Also write the report as one self-contained HTML page (charts per text column, datasets side by side) to FILE")
        .files();
    define_tasks(f, common_);
    f.text("--partial", "FILE", partial_,
           "Write this run's counts, sets and samples to FILE instead of the report, for `jsift merge` (with --tasks: one "
           "task's part of every dataset; with --near, about 300 bytes per text: the merge decides them)")
        .files();
  }

  int run(const invocation&) override {
    if (common_.inputs.empty()) common_.inputs.push_back("-");
    if (!partial_.empty() && (!html_.empty() || !common_.report.empty()))
      throw usage_error("diversity --partial writes no report: give --report and --html to jsift merge");
    if (labels_.size() > common_.inputs.size())
      throw usage_error(fmt::format("diversity: {} --label for {} datasets", labels_.size(), common_.inputs.size()));
    run_settings s = make_settings(common_);
    if (s.records.invalid.action == on_invalid::quarantine && common_.inputs.size() > 1)
      throw usage_error("diversity: --on-invalid quarantine:FILE takes one dataset (use skip to compare several)");
    opts_.tokens = parse_token_mode(tokens_, "tokens");
    opts_.normalize = normalization::parse(normalize_);
    opts_.cr_sample = parse_size(cr_sample_, "cr_sample");
    opts_.seed = seed_;
    opts_.top_openings = size_t(top_);
    opts_.near = near_;
    if (!by_.empty()) opts_.by = for_option("by", [&] { return path::parse(by_); });
    opts_.near_clusters = near_;
    if (near_) opts_.near_params = near_flags_.params();
    else if (near_flags_.threshold || near_flags_.bands || near_flags_.rows || near_flags_.ngram != 5)
      throw option_error("threshold", "--threshold, --bands, --rows and --ngram go with --near");
    opts_.threads = s.pass.threads ? s.pass.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<text_source> sources;
    for (const auto& t : texts_) sources.push_back(text_source::at(t));
    if (sources.empty()) sources.push_back(text_source::automatic());
    opts_.fit_memory(parse_size(max_memory_, "max_memory"), sources.size());
    opts_.bleu_sample = size_t(bleu_sample_);
    const bool json = json_ || format_ == diversity_format::json || (format_ == diversity_format::auto_ && !md_ && !is_terminal(1));
    const bool md = md_ || format_ == diversity_format::md;
    if (partial_.empty()) check_outputs(s, {{"stdout", "-"}, {"--html", html_}});
    else check_outputs(s, {{"--partial", partial_}});
    sources_ = sources;

    std::vector<dataset_result> results;
    std::vector<skipped_input> skipped;
    partial_writer part;  // with --partial
    std::string bodies;
    if (!partial_.empty()) {
      std::vector<std::vector<std::string>> names;
      for (size_t d = 0; d < common_.inputs.size(); ++d) {
        names.emplace_back();
        for (const auto& f : expand_inputs({common_.inputs[d]}, nullptr, common_.globs)) names.back().push_back(f.name());
      }
      write_head(part, common_.task_count(), common_.task_index(), names);
    }
    for (size_t d = 0; d < common_.inputs.size(); ++d) {
      dataset_result r;
      r.label = d < labels_.size() ? labels_[d] : common_.inputs[d];
      std::vector<input_file> files = expand_inputs({common_.inputs[d]}, &skipped, common_.globs);
      for (const auto& f : files) r.files.push_back(f.name());
      for (size_t i = 0; i < files.size(); ++i) files[i].whole_index = uint32_t(i);
      if (common_.tasks) files = task_part(files, *common_.tasks, common_.task_index(), common_.format);  // each dataset divided alike
      std::vector<diversity_column*> cols;
      for (const auto& src : sources) {
        r.columns.push_back(std::make_unique<diversity_column>(src, opts_));
        r.columns.back()->set_inputs(files);
        if (!partial_.empty()) r.columns.back()->for_partial();
        cols.push_back(r.columns.back().get());
      }
      diversity_job job(files, s.records, cols);
      run_with_progress(s, files, job);
      job.finish();
      if (!partial_.empty()) {  // the task's counts; the figures come from jsift merge, a dataset at a time
        partial_writer block;
        job.write_summary(block);
        block.u64(job.lines_by_file().size());  // the merge numbers near-duplicates' lines from them
        for (const auto& [f, n] : job.lines_by_file()) block.u64(f), block.u64(n);
        for (auto* c : cols) c->write_partial(block);
        part.str(block.finish());
        if (!s.quiet) print_err(invalid_warnings(job) + summary_line("diversity " + r.label, job));
        continue;
      }
      for (auto* c : cols) c->finish();
      r.lines = job.tally().lines;
      json_writer dw(0);
      job.counts().write_json(dw, job.names());
      r.dispositions = dw.str();
      if (!s.quiet) print_err(invalid_warnings(job) + (job.invalid_total() ? summary_line("diversity " + r.label, job) : ""));
      results.push_back(std::move(r));
    }

    if (!partial_.empty()) {
      write_skipped(part, skipped);
      write_file_atomic(partial_, part.finish());
      if (!s.quiet) print_err(skipped_warnings(skipped));
      return 0;
    }
    return output(results, json, md, s.report, s.quiet, skipped);
  }

  // The report of finished datasets: stdout, --report, --html.
  int output(const std::vector<dataset_result>& results, bool json, bool md, const std::string& report_path, bool quiet,
             const std::vector<skipped_input>& skipped) const {
    std::string report = json_report(results, sources_);
    if (!html_.empty()) write_file_atomic(html_, diversity_html(report));
    std::string shown = json ? report : md ? markdown(results, sources_) : table(results, sources_);
    sys::write_all(1, shown.data(), shown.size(), "to stdout");
    if (!report_path.empty()) write_file_atomic(report_path, report);
    if (!quiet) print_err(skipped_warnings(skipped) + warnings(results));
    return 0;
  }

  // A partial's head: the options that make the figures, the sources, the datasets.
  void write_head(partial_writer& w, uint64_t tasks, uint64_t task, const std::vector<std::vector<std::string>>& datasets) const {
    w.str("diversity");
    write_task_of(w, tasks, task);
    w.str(fingerprint());
    w.str(token_mode_name(opts_.tokens));
    w.str(opts_.normalize.text());
    for (uint64_t v : {opts_.cr_sample, opts_.seed, uint64_t(opts_.top_openings), uint64_t(opts_.bleu_sample), opts_.max_exact, opts_.max_counted})
      w.u64(v);
    w.str(opts_.by ? opts_.by->text() : "");
    w.u64(opts_.near);
    for (uint64_t v : {opts_.near_params.ngram, opts_.near_params.bands, opts_.near_params.rows}) w.u64(v);
    w.u64(sources_.size());
    for (const auto& src : sources_) w.str(src.name());
    w.u64(datasets.size());
    for (size_t d = 0; d < datasets.size(); ++d) {
      w.str(d < labels_.size() ? labels_[d] : common_.inputs[d]);
      w.u64(datasets[d].size());
      for (const auto& f : datasets[d]) w.str(f);
    }
  }
  std::string fingerprint() const {
    std::string f = fmt::format("tokens={} normalize={} cr_sample={} seed={} top={} sample={} max_exact={} max_counted={} by={}",
                                token_mode_name(opts_.tokens), opts_.normalize.text(), opts_.cr_sample, opts_.seed, opts_.top_openings,
                                opts_.bleu_sample, opts_.max_exact, opts_.max_counted, opts_.by ? opts_.by->text() : "-");
    if (opts_.near) f += " near=" + opts_.near_params.text();
    f += " texts=";
    for (const auto& src : sources_) f += src.name() + ";";
    return f;
  }

 public:
  // jsift merge: the head read back into this command's options and datasets.
  std::vector<dataset_result> read_head(partial_reader& r, diversity_partial_head& h) {
    std::tie(h.tasks, h.task) = read_task_of(r);
    h.fingerprint = r.str();
    try {
      opts_.tokens = parse_token_mode(r.str(), "tokens");
      opts_.normalize = normalization::parse(r.str());
    } catch (const usage_error& e) {
      r.fail(e.what());
    }
    opts_.cr_sample = r.u64(), opts_.seed = r.u64(), opts_.top_openings = size_t(r.u64()), opts_.bleu_sample = size_t(r.u64());
    opts_.max_exact = r.u64(), opts_.max_counted = r.u64();
    sources_.clear();
    try {
      if (std::string by = r.str(); !by.empty()) opts_.by = path::parse(by);
      opts_.near = opts_.near_clusters = r.u64() != 0;
      const uint64_t ngram = r.u64(), bands = r.u64(), band_rows = r.u64();
      if (ngram > 64 || bands > 256 || band_rows > 256) r.fail("MinHash parameters out of range");
      opts_.near_params.ngram = unsigned(ngram), opts_.near_params.bands = unsigned(bands), opts_.near_params.rows = unsigned(band_rows);
      if (opts_.near) opts_.near_params.check();
      for (uint64_t n = r.u64(); n > 0; --n) {
        if (r.remaining() < 8) r.fail("fewer texts than it counts");
        const std::string t = r.str();
        sources_.push_back(t == "auto" ? text_source::automatic() : text_source::at(t));
      }
    } catch (const usage_error& e) {
      r.fail(e.what());
    }
    if (sources_.empty() || fingerprint() != h.fingerprint) r.fail("options that do not match their fingerprint");
    std::vector<dataset_result> out;
    for (uint64_t d = r.u64(); d > 0; --d) {
      if (r.remaining() < 16) r.fail("fewer datasets than it counts");
      dataset_result ds;
      ds.label = r.str();
      h.inputs.push_back("label " + ds.label);  // the tasks of one run name their datasets alike
      for (uint64_t n = r.u64(); n > 0; --n) {
        if (r.remaining() < 8) r.fail("fewer files than it counts");
        ds.files.push_back(r.str());
        h.inputs.push_back(ds.files.back());
      }
      h.inputs.push_back("");  // between datasets
      out.push_back(std::move(ds));
    }
    return out;
  }

  int merge(const std::vector<std::string>& partials, const std::string& format, const std::string& report, const std::string& html) {
    html_ = html;
    std::vector<dataset_result> results;
    {
      diversity_partial_head h;
      partial_reader first = partial_reader::open(partials.front());
      first.str();
      results = read_head(first, h);
    }
    // A dataset at a time, its columns finished (their sets freed) before the next: memory as one run's.
    std::vector<skipped_input> skipped;
    for (size_t d = 0; d < results.size(); ++d) {
      dataset_result& ds = results[d];
      for (const auto& f : ds.files)
        ds.inputs.push_back(input_file{f == "<stdin>" ? "-" : f, {}, 0, UINT64_MAX, true, uint32_t(ds.inputs.size())});
      std::vector<diversity_column*> cols;
      for (const auto& src : sources_) {
        ds.columns.push_back(std::make_unique<diversity_column>(src, opts_));
        ds.columns.back()->set_inputs(ds.inputs);  // with near: the clusters' files
        cols.push_back(ds.columns.back().get());
      }
      std::map<uint64_t, uint64_t> lines_before;  // per file: the lines of the tasks merged so far
      diversity_job job(ds.inputs, record_job_options{}, cols);
      for (const auto& path : partials) {  // in task order
        partial_reader r = partial_reader::open(path);
        r.str();
        diversity_partial_head again;
        diversity_command().read_head(r, again);  // past the head (its options were checked alike by jsift merge)
        for (size_t k = 0; k < d; ++k) r.str();  // the datasets before
        partial_reader block(r.str(), path);
        job.read_summary(block);
        std::map<uint64_t, uint64_t> lines;
        const uint64_t files = block.u64();
        if (files > block.remaining() / 16) block.fail("more files than bytes");
        for (uint64_t i = 0; i < files; ++i) {
          const uint64_t f = block.u64(), n = block.u64();
          if (f >= ds.files.size() || !lines.emplace(f, n).second) block.fail("lines of a file that is not among the inputs");
          if (n >= (uint64_t(1) << 40) - lines_before[f]) block.fail("more lines in a file than places can number");
        }
        for (auto* c : cols) c->set_line_bases(lines_before), c->read_merge(block);
        for (const auto& [f, n] : lines) lines_before[f] += n;
        block.end();
        if (d + 1 < results.size()) continue;
        skipped = read_skipped(r);
        r.end();
      }
      for (auto* c : cols) c->finish();
      ds.lines = job.tally().lines;
      json_writer dw(0);
      job.counts().write_json(dw, job.names());
      ds.dispositions = dw.str();
      if (job.invalid_total()) print_err(invalid_warnings(job) + summary_line("diversity " + ds.label, job));
    }
    const bool json = format == "json" || (format == "auto" && !is_terminal(1));
    return output(results, json, format == "md", report, false, skipped);
  }

 private:

 private:
  std::string json_report(const std::vector<dataset_result>& results, const std::vector<text_source>& sources) const {
    json_writer w;
    w.begin_object();
    w.key("jsift_version").value(JSIFT_VERSION);
    w.key("command").value("diversity");
    w.key("tokens").value(token_mode_name(opts_.tokens));
    w.key("normalize").value(opts_.normalize.text());
    w.key("cr_sample").value(opts_.cr_sample);
    w.key("seed").value(opts_.seed);
    w.key("texts").begin_array();
    for (const auto& src : sources) w.value(src.name());
    w.end_array();
    w.key("datasets").begin_array();
    for (const auto& r : results) {
      w.begin_object();
      w.key("label").value(r.label);
      w.key("inputs").begin_array();
      for (const auto& f : r.files) w.value(f);
      w.end_array();
      w.key("lines").value(r.lines);
      w.key("dispositions").raw(std::string_view(r.dispositions).substr(0, r.dispositions.size() - 1));
      w.key("columns").begin_array();
      for (size_t i = 0; i < r.columns.size(); ++i)
        r.columns[i]->write_json(w, opts_.by && &r != &results[0] ? results[0].columns[i].get() : nullptr);
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
  }

  // Rows of (name, value per dataset) for one column.
  using rows = std::vector<std::pair<std::string, std::vector<std::string>>>;
  static rows figures(const std::vector<dataset_result>& results, size_t col) {
    rows out;
    auto row = [&](std::string name, auto f) {
      std::vector<std::string> v;
      for (const auto& r : results) v.push_back(f(r.column(col)));
      out.emplace_back(std::move(name), std::move(v));
    };
    auto num = [](double x) { return fmt::format("{:.4f}", x); };
    row("texts", [](const diversity_column& c) { return with_commas(c.texts()); });
    row("tokens p10/p50/p90", [](const diversity_column& c) {
      return fmt::format("{}/{}/{}", c.token_percentile(0.1), c.token_percentile(0.5), c.token_percentile(0.9));
    });
    row("tokens mean", [](const diversity_column& c) { return fmt::format("{:.1f}", c.tokens_mean()); });
    row("uniqueness", [&](const diversity_column& c) { return num(c.uniqueness()); });
    for (size_t n = 1; n <= diversity_options::max_n; ++n)
      row(fmt::format("distinct-{}", n), [&](const diversity_column& c) { return num(c.distinct(n)) + (c.exact() ? "" : "~"); });
    row("NGD (sum)", [&](const diversity_column& c) { return num(c.ngd()) + (c.exact() ? "" : "~"); });
    row("compression ratio", [](const diversity_column& c) { return fmt::format("{:.3f}", c.compression_ratio()); });
    auto maybe = [](std::optional<double> x) { return x ? fmt::format("{:.4f}", *x) : std::string("-"); };
    row("self-repetition", [&](const diversity_column& c) { return maybe(c.self_repetition()); });
    row("self-BLEU", [&](const diversity_column& c) { return maybe(c.self_bleu()); });
    row("top-10 openings", [](const diversity_column& c) { return fmt::format("{:.1f} %", 100 * c.top_openings_share()); });
    if (results[0].column(col).near()) {
      row("near-dup rate", [&](const diversity_column& c) { return num(c.near()->rate()); });
      row("near-dup clusters", [](const diversity_column& c) { return with_commas(c.near()->clusters()); });
      row("largest cluster", [](const diversity_column& c) {
        return c.near()->largest().empty() ? std::string("-") : with_commas(c.near()->largest()[0].size);
      });
    }
    row("top opening", [](const diversity_column& c) {
      auto top = c.top_openings();
      if (top.empty()) return std::string("-");
      std::string t = top[0].first.size() > 28 ? top[0].first.substr(0, 27) + "~" : top[0].first;
      return fmt::format("\"{}\" {:.1f} %", t, 100.0 * double(top[0].second) / double(std::max<uint64_t>(1, c.texts())));
    });
    return out;
  }

  std::string table(const std::vector<dataset_result>& results, const std::vector<text_source>& sources) const {
    std::string out;
    for (size_t col = 0; col < sources.size(); ++col) {
      out += fmt::format("{}text: {} ({} tokens)\n", col ? "\n" : "", sources[col].name(), token_mode_name(opts_.tokens));
      out += table_rows(results, figures(results, col));
      if (!opts_.by) continue;
      out += fmt::format("\nby {}\n", opts_.by->text());
      out += table_rows(results, balance(results, col));
      for (const auto& g : group_names(results, col)) {
        out += fmt::format("\ntext: {}, {} = {}\n", sources[col].name(), opts_.by->text(), g);
        out += table_rows(results, figures(group_results(results, col, g), 0));
      }
    }
    return out;
  }

  // Every group of a column in any dataset, in byte order.
  static std::vector<std::string> group_names(const std::vector<dataset_result>& results, size_t col) {
    std::set<std::string> names;
    for (const auto& r : results)
      for (const auto& [name, c] : r.columns[col]->groups()) names.insert(name);
    return {names.begin(), names.end()};
  }
  // Stand-ins for the datasets holding only group `g`'s column (an empty
  // column where a dataset has no such group).
  std::vector<dataset_result> group_results(const std::vector<dataset_result>& results, size_t col, const std::string& g) const {
    std::vector<dataset_result> out;
    for (const auto& r : results) {
      dataset_result d;
      d.label = r.label;
      auto it = r.columns[col]->groups().find(g);
      d.borrowed.push_back(it != r.columns[col]->groups().end() ? it->second.get() : empty_column());
      out.push_back(std::move(d));
    }
    return out;
  }
  // A column without texts, for a dataset that lacks a group.
  const diversity_column* empty_column() const {
    if (!empty_) {
      empty_options_ = opts_;
      empty_options_.by.reset();
      empty_options_.near = false;
      empty_ = std::make_unique<diversity_column>(text_source::automatic(), empty_options_);
      empty_->finish();
    }
    return empty_.get();
  }
  // Rows of each group's share, the entropy and the divergence from the first dataset.
  static rows balance(const std::vector<dataset_result>& results, size_t col) {
    rows out;
    for (const auto& g : group_names(results, col)) {
      std::vector<std::string> v;
      for (const auto& r : results) {
        const auto& c = *r.columns[col];
        auto it = c.groups().find(g);
        const uint64_t n = it == c.groups().end() ? 0 : it->second->records();
        v.push_back(fmt::format("{} ({:.1f} %)", with_commas(n), c.records() ? 100.0 * double(n) / double(c.records()) : 0.0));
      }
      out.emplace_back(g, std::move(v));
    }
    std::vector<std::string> e, j;
    for (const auto& r : results) {
      e.push_back(fmt::format("{:.4f}", r.columns[col]->group_entropy()));
      j.push_back(&r == &results[0] ? std::string("-") : fmt::format("{:.4f}", r.columns[col]->group_jsd(*results[0].columns[col])));
    }
    if (results[0].column(col).near())
      for (const auto& g : group_names(results, col)) {
        std::vector<std::string> v;
        for (const auto& r : results) {
          auto rate = r.column(col).group_near_rate(g);
          v.push_back(rate ? fmt::format("{:.4f}", *rate) : std::string("-"));
        }
        out.emplace_back("near-dups: " + g, std::move(v));
      }
    out.emplace_back("entropy (normalised)", std::move(e));
    out.emplace_back("JSD vs first", std::move(j));
    return out;
  }

  static std::string table_rows(const std::vector<dataset_result>& results, const rows& r) {
    std::string out;
    {
      std::vector<size_t> width;
      for (const auto& d : results) width.push_back(std::max<size_t>(12, display_width(d.label)));
      for (const auto& [name, v] : r)
        for (size_t i = 0; i < v.size(); ++i) width[i] = std::max(width[i], display_width(v[i]));
      out += fmt::format("{:<20}", "");
      for (size_t i = 0; i < results.size(); ++i) out += "  " + pad_left(results[i].label, width[i]);
      out += '\n';
      for (const auto& [name, v] : r) {
        out += fmt::format("{:<20}", name);
        for (size_t i = 0; i < v.size(); ++i) out += "  " + pad_left(v[i], width[i]);
        out += '\n';
      }
    }
    return out;
  }

  std::string markdown(const std::vector<dataset_result>& results, const std::vector<text_source>& sources) const {
    std::string out = "# jsift diversity\n";
    auto cell = [](std::string s) {
      for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
      return s;
    };
    for (size_t col = 0; col < sources.size(); ++col) {
      out += fmt::format("\n## text: `{}` ({} tokens)\n\n| |", sources[col].name(), token_mode_name(opts_.tokens));
      for (const auto& d : results) out += " " + cell(d.label) + " |";
      out += "\n|---|";
      for (size_t i = 0; i < results.size(); ++i) out += "---:|";
      out += '\n';
      auto section = [&](const rows& r) {
        for (const auto& [name, v] : r) {
          out += "| " + cell(name) + " |";
          for (const auto& x : v) out += " " + cell(x) + " |";
          out += '\n';
        }
      };
      section(figures(results, col));
      if (!opts_.by) continue;
      auto header = [&](const std::string& title) {
        out += fmt::format("\n### {}\n\n| |", title);
        for (const auto& d : results) out += " " + cell(d.label) + " |";
        out += "\n|---|";
        for (size_t i = 0; i < results.size(); ++i) out += "---:|";
        out += '\n';
      };
      header(fmt::format("by `{}`", opts_.by->text()));
      section(balance(results, col));
      for (const auto& g : group_names(results, col)) {
        header(fmt::format("`{}` = {}", opts_.by->text(), cell(g)));
        section(figures(group_results(results, col, g), 0));
      }
    }
    return out;
  }

  static std::string pad_left(const std::string& s, size_t width) {
    const size_t w = display_width(s);
    return w >= width ? s : std::string(width - w, ' ') + s;
  }
  // Columns of a terminal: UTF-8 continuation bytes take none.
  static size_t display_width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  static std::string warnings(const std::vector<dataset_result>& results) {
    std::string out;
    for (const auto& r : results)
      for (const auto& c : r.columns) {
        if (!c->exact())
          out += fmt::format("jsift: note: {} {}: distinct n-grams counted with HyperLogLog past --max-memory (~, 0.8 % error)\n",
                             r.label, c->source().name());
        if (c->texts() == 0)
          out += fmt::format("jsift: warning: {} {}: no texts{}\n", r.label, c->source().name(),
                             c->source().is_auto() ? "" : " at that path (is it a string, or an array of them with []?)");
      }
    return out;
  }

  common_args common_;
  std::vector<std::string> texts_, labels_;
  std::string by_, tokens_ = "words", normalize_ = "none", cr_sample_ = "64MiB", max_memory_ = "256MiB";
  std::string html_, partial_;
  std::vector<text_source> sources_;
  uint64_t seed_ = 0, top_ = 10, bleu_sample_ = 1000;
  diversity_format format_ = diversity_format::auto_;
  bool json_ = false, md_ = false, near_ = false;
  near_flags near_flags_;
  diversity_options opts_;
  mutable diversity_options empty_options_;  // empty_column()'s, which keeps a reference to them
  mutable std::unique_ptr<diversity_column> empty_;
};

}  // namespace

std::unique_ptr<command> make_diversity_command() { return std::make_unique<diversity_command>(); }

diversity_partial_head read_diversity_head(partial_reader& r) {
  diversity_partial_head h;
  diversity_command().read_head(r, h);
  return h;
}

int merge_diversity(const std::vector<std::string>& partials, const std::string& format, const std::string& report,
                    const std::string& html) {
  return diversity_command().merge(partials, format, report, html);
}

}  // namespace jsift::cli
