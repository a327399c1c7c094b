#include "jsift/report/selection_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "jsift/io/units.hpp"

namespace jsift {

void write_selection_json(json_writer& w, const selector& sel, const std::map<std::string, quota>& quotas,
                          uint64_t upsampled_copies, bool stdin_spooled) {
  w.key("selection").begin_object();
  w.key("seed").value(sel.seed);
  w.key("by");
  if (sel.by) w.value(sel.by->text());
  else w.null();
  w.key("key").value(sel.key.paths.empty() ? std::string("record") : sel.key.paths[0].text());
  uint64_t total = 0;
  for (auto& [g, q] : quotas) total += q.keep;
  w.key("selected").value(total);
  w.key("upsampled_copies").value(upsampled_copies);
  w.key("stdin_spooled").value(stdin_spooled);
  w.key("groups").begin_object();
  for (auto& [g, q] : quotas) {
    w.key(g).begin_object();
    w.key("available").value(q.available);
    w.key("selected").value(q.keep);
    w.key("sampled_out").value(q.available - std::min(q.available, q.keep));
    w.key("share").value(total ? std::round(double(q.keep) / double(total) * 1e6) / 1e6 : 0.0);
    w.key("target");
    if (q.share) w.value(*q.share);
    else w.null();
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

std::string selection_table(const std::map<std::string, quota>& quotas) {
  uint64_t total = 0;
  for (auto& [g, q] : quotas) total += q.keep;
  std::string o = fmt::format("  {:<24}{:>12}{:>12}{:>9}{:>9}\n", "group", "available", "selected", "share", "target");
  for (auto& [g, q] : quotas)
    o += fmt::format("  {:<24}{:>12}{:>12}{:>8.1f}%{:>9}\n", fit(g, 23), with_commas(q.available), with_commas(q.keep),
                     total ? 100.0 * double(q.keep) / double(total) : 0.0, q.share ? fmt::format("{:.1f}%", *q.share * 100) : "-");
  return o;
}

}  // namespace jsift
