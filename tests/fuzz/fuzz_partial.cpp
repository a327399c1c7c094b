// Partial files (stats and gate --partial, read by jsift merge): any body, sealed with
// a valid header and checksum so the fuzzer gets past them, either merges
// (and then writes a partial that reads back to the same report) or is a
// data_error naming the file. A changed byte of a sealed file is refused.
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "jsift/error.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/config/gate_config.hpp"
#include "jsift/jobs/gate_job.hpp"
#include "jsift/jobs/stats_job.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/report/gate_report.hpp"
#include "jsift/stages/diversity.hpp"
#include "jsift/report/stats_report.hpp"

namespace {

std::string seal(std::string_view body) {
  jsift::partial_writer w;
  w.bytes(body.data(), body.size());
  return w.finish();
}

// The report of one merged partial, or "" when it is refused.
std::string merged(const std::string& file, std::string* again) {
  try {
    jsift::partial_reader r(file, "fuzz.partial");
    const std::string kind = r.str();
    if (kind == "gate") {  // the gate file it carries, then the checks' counts
      jsift::gate_partial_head h = jsift::gate_partial_head::read(r);
      jsift::gate_config cfg;
      try {
        cfg = jsift::load_gate_config_text(h.config_text, h.config_path);
      } catch (const jsift::usage_error&) {  // a gate file with a mistake: said as one, naming it
        return "";
      }
      std::vector<jsift::input_file> files;
      for (const auto& name : h.inputs) files.push_back(jsift::input_file{"/nonexistent/" + name, name, 0, UINT64_MAX, true});
      jsift::gate_job job(files, jsift::record_job_options{}, cfg);
      job.merge_partial(r);
      r.end();
      // Near-duplicates are decided by the merge (their texts are not kept to write again): no round trip.
      bool near = false;
      for (const auto& c : cfg.checks) near |= c->type() == "near_duplicates";
      if (again && !near) *again = job.partial(h.tasks, h.task, files, h.skipped);
      return jsift::gate_json(job.results(), job);
    }
    if (kind == "column") {  // a diversity column's counts, sets and samples (diversity --partial's body)
      jsift::diversity_options o;
      o.fit_memory(1 << 20);
      o.cr_sample = 4096;
      o.bleu_sample = 8;
      auto column = [&] { return std::make_unique<jsift::diversity_column>(jsift::text_source::automatic(), o); };
      auto c = column();
      c->read_merge(r);
      r.end();
      if (again) {
        jsift::partial_writer w;
        w.str("column");
        c->write_partial(w);
        *again = w.finish();
      }
      c->finish();
      jsift::json_writer j;
      c->write_json(j);
      return j.str();
    }
    if (kind != "stats") return "";
    jsift::stats_partial_head h = jsift::stats_partial_head::read(r);
    std::vector<jsift::input_file> files;
    for (const auto& name : h.inputs) files.push_back(jsift::input_file{"/nonexistent/" + name, name, 0, UINT64_MAX, true});
    jsift::stats_job job(files, jsift::record_job_options{}, h.options, jsift::stats_mode::merged);
    job.merge_partial(r);
    r.end();
    if (again) *again = job.partial(h.tasks, h.task, files);
    return jsift::stats_json(job);
  } catch (const jsift::data_error& e) {
    FUZZ_CHECK(std::string(e.what()).find("fuzz.partial") != std::string::npos);
    return "";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string file = seal(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string again;
  const std::string report = merged(file, &again);
  if (!report.empty() && !again.empty()) FUZZ_CHECK(merged(again, nullptr) == report);  // what it writes, it reads back alike
  if (size > 0) {
    std::string altered = file;
    altered[12 + size / 2] ^= 0x01;  // a body byte: the checksum no longer matches
    try {
      jsift::partial_reader r(altered, "fuzz.partial");
      FUZZ_CHECK(false);
    } catch (const jsift::data_error&) {
    }
  }
  return 0;
}
