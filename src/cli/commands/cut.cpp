// `jsift cut`: chosen fields of every record, as CSV, TSV or smaller JSONL records.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/jobs/transform_job.hpp"

namespace jsift::cli {
namespace {

class cut_command final : public command {
 public:
  command_info info() const override {
    return {"cut", "Project fields of every record: CSV, TSV or smaller JSONL records with renamed fields",
            "-f takes PATH[=NAME] items, comma-separated or repeated; NAME defaults to the path's last key. CSV is RFC 4180 "
            "with a header row; strings as their text, nested values as minified JSON, null and missing paths empty. "
            "Example: jsift cut -f .id,.record_type,.input_parameters.persona_key=persona data/ -o summary.csv"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.texts("-f,--fields", "PATH[=NAME],...", fields_, "Fields to keep, in this order (repeatable)");
    f.choice("--format", format_, {{"csv", cut_format::csv}, {"tsv", cut_format::tsv}, {"jsonl", cut_format::jsonl}},
             "csv (RFC 4180, CRLF), tsv (\\t \\n \\r \\\\ escaped) or jsonl ({\"NAME\": value as written})")
        .shows_default("csv");
  }
  int run(const invocation&) override {
    auto t = make_cut_transform(fields_, format_);
    run_transform(common_, *t);
    return 0;
  }

 private:
  common_args common_;
  std::vector<std::string> fields_;
  cut_format format_ = cut_format::csv;
};

}  // namespace

std::unique_ptr<command> make_cut_command() { return std::make_unique<cut_command>(); }

}  // namespace jsift::cli
