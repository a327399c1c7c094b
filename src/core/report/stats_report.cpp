// Rendering of `jsift stats` results: the JSON report (schema documented in
// README.md; keys always in this order) and the table for terminals.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "jsift/io/json_writer.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/report/stats_report.hpp"
#include "jsift/io/units.hpp"

namespace jsift {
namespace {

double share(uint64_t part, uint64_t whole) {
  if (whole == 0) return 0.0;
  return std::round(double(part) / double(whole) * 1e6) / 1e6;
}

// distinct/total, or null when no record had a value
void ratio(json_writer& w, uint64_t distinct, uint64_t total) {
  w.key("ratio");
  if (total) w.value(share(distinct, total));
  else w.null();
}

std::string ratio_text(uint64_t distinct, uint64_t total) {
  return total ? fmt::format("{:.3f}", share(distinct, total)) : std::string("-");
}

bool show_by(const stats_accumulator& a) {
  return a.options().by && (!a.options().by_is_default || a.any_group_value());
}

std::string turns_label(const stats_accumulator& a) {
  std::string label = a.options().turns_path ? a.options().turns_path->text() : std::string("auto");
  if (a.options().turns_count != turn_unit::elements) label += fmt::format(", {}", turn_unit_name(a.options().turns_count));
  return label;
}


// One writer per section of the report (README.md, "jsift stats"), in order.
void write_record_bytes(json_writer& w, const stats_accumulator& a) {
  const auto& L = a.lengths();
  w.key("record_bytes").begin_object();
  w.key("total").value(L.sum());
  w.key("min").value(L.min());
  w.key("p50").value(L.percentile(0.5));
  w.key("p90").value(L.percentile(0.9));
  w.key("p99").value(L.percentile(0.99));
  w.key("max").value(L.max());
  w.key("mean").value(std::round(L.mean() * 10) / 10);
  w.end_object();
}

void write_by(json_writer& w, const stats_accumulator& a) {
  w.key("by");
  if (!show_by(a)) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("path").value(a.options().by->text());
  w.key("groups").begin_object();
  for (const auto* g : a.groups_sorted()) {
    w.key(g->name).begin_object();
    w.key("records").value(g->records);
    w.key("share").value(share(g->records, a.records()));
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

void write_turns(json_writer& w, const stats_accumulator& a) {
  w.key("turns").begin_object();
  w.key("path").value(a.options().turns_path ? a.options().turns_path->text() : std::string("auto"));
  w.key("count").value(turn_unit_name(a.options().turns_count));
  uint64_t with = a.records() - a.no_conversation();
  w.key("records").value(with);
  w.key("without").value(a.no_conversation());
  w.key("any_conversation").value(with > 0);
  uint64_t tsum = 0;
  for (auto& [n, c] : a.turns()) tsum += n * c;
  w.key("min").value(a.turns().empty() ? uint64_t(0) : a.turns().begin()->first);
  w.key("max").value(a.turns().empty() ? uint64_t(0) : a.turns().rbegin()->first);
  w.key("mean").value(with ? std::round(double(tsum) / double(with) * 100) / 100 : 0.0);
  w.key("histogram").begin_object();
  for (auto& [n, c] : a.turns()) w.key(std::to_string(n)).value(c);
  w.end_object();
  w.end_object();
}

void write_keys(json_writer& w, const stats_accumulator& a) {
  w.key("keys").begin_object();
  for (auto& [k, c] : a.keys_sorted()) {
    w.key(k).begin_object();
    w.key("records").value(c);
    w.key("share").value(share(c, a.records()));
    w.end_object();
  }
  w.end_object();
}

void write_unique(json_writer& w, const stats_accumulator& a) {
  w.key("unique").begin_array();
  for (size_t i = 0; i < a.unique().size(); ++i) {
    const auto& u = a.unique()[i];
    w.begin_object();
    w.key("path").value(a.options().unique[i].text());
    w.key("normalize").value(a.options().record_key.norm.text());
    w.key("approx").value(a.options().approx);
    w.key("records").value(u.total);
    w.key("missing").value(u.missing);
    w.key("distinct").value(uint64_t(u.count()));
    ratio(w, u.count(), u.total);
    w.key("by_group");
    if (show_by(a)) {
      w.begin_object();
      for (const auto* g : a.groups_sorted()) {
        const auto& gu = g->unique[i];
        w.key(g->name).begin_object();
        w.key("records").value(gu.total);
        w.key("distinct").value(uint64_t(gu.count()));
        ratio(w, gu.count(), gu.total);
        w.end_object();
      }
      w.end_object();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
}

void write_duplicates(json_writer& w, const stats_accumulator& a) {
  w.key("duplicates");
  if (!a.options().duplicates) {
    w.null();
    return;
  }
  const auto& d = a.whole();
  uint64_t distinct = std::min(d.count(), d.total);
  w.begin_object();
  w.key("compare").value(a.options().duplicates_by_bytes ? "bytes" : "value");
  w.key("normalize").value(a.options().record_key.norm.text());
  w.key("approx").value(a.options().approx);
  w.key("records").value(d.total);
  w.key("distinct").value(distinct);
  w.key("duplicates").value(d.total - distinct);
  w.key("rate").value(share(d.total - distinct, d.total));
  w.key("by_group");
  if (show_by(a)) {
    w.begin_object();
    for (const auto* g : a.groups_sorted()) {
      w.key(g->name).begin_object();
      w.key("records").value(g->records);
      w.key("duplicates").value(g->duplicate_count());
      w.key("rate").value(share(g->duplicate_count(), g->records));
      w.end_object();
    }
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
}

}  // namespace

std::string stats_json(const stats_job& job, const std::vector<skipped_input>& skipped) {
  const stats_accumulator& a = job.stats();
  json_writer w;
  w.begin_object();
  w.key("jsift_version").value(JSIFT_VERSION);
  write_inputs_json(w, job);
  write_skipped_inputs_json(w, skipped);
  w.key("lines").value(job.tally().lines);
  w.key("records").value(a.records());
  w.key("blank").value(job.counts().get(disposition_names::blank));
  w.key("invalid");
  write_invalid_json(w, job);
  w.key("input_bytes").value(job.tally().bytes);
  write_line_endings_json(w, job);
  write_record_bytes(w, a);
  write_by(w, a);
  write_turns(w, a);
  write_keys(w, a);
  write_unique(w, a);
  write_duplicates(w, a);
  w.key("dispositions");
  write_dispositions_json(w, job);
  w.end_object();
  return w.str();
}

std::string stats_table(const stats_job& job) {
  const stats_accumulator& a = job.stats();
  const auto& t = job.tally();
  const auto& counts = job.counts();
  std::string o;
  auto line = [&]<class... A>(fmt::format_string<A...> f, A&&... args) {
    fmt::format_to(std::back_inserter(o), f, std::forward<A>(args)...);
    o += '\n';
  };
  const size_t nfiles = job.files().size();
  line("jsift stats: {} input{}, {} read", nfiles, nfiles == 1 ? "" : "s", human_bytes(t.bytes));
  o += '\n';
  line("  {:<22}{:>14}", "lines", with_commas(t.lines));
  line("  {:<22}{:>14}", "records", with_commas(a.records()));
  line("  {:<22}{:>14}", "blank", with_commas(counts.get(disposition_names::blank)));
  line("  {:<22}{:>14}", "invalid", with_commas(job.invalid_total()));
  if (t.crlf || t.bom || t.no_final_newline)
    line("  {:<22}{:>14}", "crlf / bom / no final \\n", fmt::format("{} / {} / {}", t.crlf, t.bom, t.no_final_newline));
  const auto& L = a.lengths();
  o += '\n';
  line("record bytes    min {}  p50 {}  p90 {}  p99 {}  max {}  mean {:.0f}", L.min(), L.percentile(0.5), L.percentile(0.9),
       L.percentile(0.99), L.max(), L.mean());

  if (show_by(a)) {
    o += '\n';
    line("{:<30}{:>12}{:>9}", fmt::format("by {}", a.options().by->text()), "records", "share");
    for (const auto* g : a.groups_sorted())
      line("  {:<28}{:>12}{:>8.1f}%", fit(g->name, 27), with_commas(g->records), 100.0 * share(g->records, a.records()));
  }

  o += '\n';
  uint64_t with = a.records() - a.no_conversation();
  line("{:<30}{:>12}", fmt::format("turns ({})", turns_label(a)), "records");
  uint64_t peak = 0;
  for (auto& [n, c] : a.turns()) peak = std::max(peak, c);
  for (auto& [n, c] : a.turns())
    line("  {:<28}{:>12}  {}", n, with_commas(c), std::string(size_t(peak ? (c * 30 + peak - 1) / peak : 0), '#'));
  if (a.no_conversation()) line("  {:<28}{:>12}", with ? "(no conversation)" : "(no record has a conversation)", with_commas(a.no_conversation()));

  o += '\n';
  line("{:<30}{:>12}{:>9}", "keys", "records", "share");
  for (auto& [k, c] : a.keys_sorted()) line("  {:<28}{:>12}{:>8.1f}%", fit(k, 27), with_commas(c), 100.0 * share(c, a.records()));

  for (size_t i = 0; i < a.unique().size(); ++i) {
    const auto& u = a.unique()[i];
    o += '\n';
    line("{:<30}{:>12}{:>12}{:>9}", fmt::format("unique {}", a.options().unique[i].text()), "distinct", "records", "ratio");
    line("  {:<28}{:>12}{:>12}{:>9}", "(all)", with_commas(u.count()), with_commas(u.total), ratio_text(u.count(), u.total));
    if (show_by(a))
      for (const auto* g : a.groups_sorted()) {
        const auto& gu = g->unique[i];
        line("  {:<28}{:>12}{:>12}{:>9}", fit(g->name, 27), with_commas(gu.count()), with_commas(gu.total),
             ratio_text(gu.count(), gu.total));
      }
  }

  if (a.options().duplicates) {
    const auto& d = a.whole();
    uint64_t distinct = std::min(d.count(), d.total);
    o += '\n';
    line("{:<30}{:>12}{:>12}{:>9}", fmt::format("duplicates ({}{}){}", a.options().duplicates_by_bytes ? "bytes" : "values",
                                                a.options().record_key.norm.any() ? ", normalize " + a.options().record_key.norm.text() : "",
                                                a.options().approx ? " ~" : ""),
         "duplicates", "records", "rate");
    line("  {:<28}{:>12}{:>12}{:>8.2f}%", "(all)", with_commas(d.total - distinct), with_commas(d.total), 100.0 * share(d.total - distinct, d.total));
    if (show_by(a))
      for (const auto* g : a.groups_sorted())
        line("  {:<28}{:>12}{:>12}{:>8.2f}%", fit(g->name, 27), with_commas(g->duplicate_count()), with_commas(g->records),
             100.0 * share(g->duplicate_count(), g->records));
  }

  if (job.invalid_total()) {
    o += '\n';
    line("invalid lines (first {} of {})", job.first_invalid().size(), job.invalid_total());
    for (const auto& l : job.first_invalid()) line("  {}", job.locate(l));
  }
  return o;
}

}  // namespace jsift
