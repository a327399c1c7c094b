// Rendering of `jsift diversity --html`: the JSON report read into a small
// view (only what the page shows, every key optional), then the page: a
// header, the datasets, and per text column a summary table and SVG charts.
// Text widths are estimated (no font metrics here): labels are cut to fit
// with an ellipsis and the full text is kept in a tooltip.
#include "jsift/report/diversity_html.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"

namespace jsift {
namespace {
namespace dom = simdjson::dom;

using maybe = std::optional<double>;

// ---- The report, as the page reads it -------------------------------------

struct opening {
  std::string text;
  double share = 0;
  maybe texts;
};

struct cluster {
  double size = 0;
  std::string excerpt, where;
};

struct group_share {
  std::string name;
  double share = 0;
};

struct column_view {
  std::string text;
  maybe texts, uniqueness, ngd, compression_ratio, tokens_p50, self_repetition, self_bleu, self_bleu_sample;
  std::array<maybe, 4> distinct;
  std::vector<double> edges, counts;  // the length histogram; empty when absent
  bool has_openings = false, has_near = false, has_groups = false;
  std::vector<opening> openings;
  maybe opening_tokens, top_share;
  maybe near_rate, near_clusters;
  std::vector<cluster> largest;
  std::string group_by;
  std::vector<group_share> groups;
  maybe entropy, group_jsd;
};

struct dataset_view {
  std::string label, dispositions;  // dispositions: "kept 240 · invalid:json 2"
  std::vector<std::string> inputs;
  maybe lines, jsd;
  std::vector<column_view> columns;
};

struct report_view {
  std::string version, tokens, normalize;
  maybe cr_sample, seed;
  std::vector<std::string> texts;
  std::vector<dataset_view> datasets;
};

maybe number(dom::element e, std::string_view key) {
  double v = 0;
  if (e[key].get(v) || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string text(dom::element e, std::string_view key) {
  std::string_view v;
  if (e[key].get(v)) return {};
  return std::string(v);
}

std::vector<double> numbers(dom::element e, std::string_view key) {
  std::vector<double> out;
  dom::array a;
  if (e[key].get(a)) return out;
  for (dom::element x : a) {
    double v = 0;
    out.push_back(x.get(v) ? 0.0 : v);
  }
  return out;
}

void read_tokens(dom::element c, column_view& v) {
  dom::element t;
  if (c["tokens"].get(t)) return;
  v.tokens_p50 = number(t, "p50");
  if (dom::element h; !t["histogram"].get(h)) {
    v.edges = numbers(h, "edges");
    v.counts = numbers(h, "counts");
  }
  if (v.counts.size() != v.edges.size()) v.edges.clear(), v.counts.clear();
}

void read_openings(dom::element c, column_view& v) {
  dom::element o;
  dom::array top;
  if (c["openings"].get(o) || o["top"].get(top)) return;
  v.has_openings = true;
  v.opening_tokens = number(o, "tokens");
  v.top_share = number(o, "top_share");
  for (dom::element x : top) v.openings.push_back({text(x, "opening"), number(x, "share").value_or(0), number(x, "texts")});
}

void read_near(dom::element c, column_view& v) {
  dom::element n;
  if (c["near_duplicates"].get(n) || n.type() != dom::element_type::OBJECT) return;
  v.has_near = true;
  v.near_rate = number(n, "rate");
  v.near_clusters = number(n, "clusters");
  dom::array largest;
  if (n["largest"].get(largest)) return;
  for (dom::element x : largest) {
    cluster k{number(x, "size").value_or(0), text(x, "excerpt"), {}};
    if (dom::element first; !x["first"].get(first)) {
      k.where = text(first, "file");
      if (maybe line = number(first, "line")) k.where += fmt::format(":{}", uint64_t(*line));
    }
    v.largest.push_back(std::move(k));
  }
}

// `groups`: {"by": path, "entropy", "jsd", "groups": [{"group", "records",
// "share"}]}; an object of name -> {"records", "share"} is read too.
void read_groups(dom::element c, column_view& v) {
  dom::element g, list;
  if (c["groups"].get(g) || g["groups"].get(list)) return;
  v.has_groups = true;
  v.group_by = text(g, "by");
  v.entropy = number(g, "entropy");
  v.group_jsd = number(g, "jsd");
  if (dom::array a; !list.get(a))
    for (dom::element x : a) v.groups.push_back({text(x, "group"), number(x, "share").value_or(0)});
  else if (dom::object o; !list.get(o))
    for (auto f : o) v.groups.push_back({std::string(f.key), number(f.value, "share").value_or(0)});
}

column_view read_column(dom::element c, const std::string& fallback_name) {
  column_view v;
  v.text = text(c, "text");
  if (v.text.empty()) v.text = fallback_name;
  v.texts = number(c, "texts");
  v.uniqueness = number(c, "uniqueness");
  v.ngd = number(c, "ngd");
  v.compression_ratio = number(c, "compression_ratio");
  v.self_repetition = number(c, "self_repetition");
  if (dom::element d; !c["distinct_n"].get(d))
    for (size_t n = 1; n <= 4; ++n) v.distinct[n - 1] = number(d, std::to_string(n));
  if (dom::element b; !c["self_bleu"].get(b)) {
    v.self_bleu = b.type() == dom::element_type::OBJECT ? number(b, "value") : number(c, "self_bleu");
    v.self_bleu_sample = number(b, "sample");
  }
  read_tokens(c, v);
  read_openings(c, v);
  read_near(c, v);
  read_groups(c, v);
  return v;
}

std::string dispositions_text(dom::element d) {
  std::string out;
  dom::object o;
  if (d["dispositions"].get(o)) return out;
  for (auto f : o) {
    uint64_t n = 0;
    if (f.key == "total" || f.value.get(n) || (n == 0 && f.key != "kept")) continue;
    out += fmt::format("{}{} {}", out.empty() ? "" : " · ", f.key, with_commas(n));
  }
  return out;
}

dataset_view read_dataset(dom::element d, const std::vector<std::string>& texts) {
  dataset_view v;
  v.label = text(d, "label");
  v.lines = number(d, "lines");
  v.jsd = number(d, "jsd");
  v.dispositions = dispositions_text(d);
  if (dom::array a; !d["inputs"].get(a))
    for (dom::element x : a)
      if (std::string_view s; !x.get(s)) v.inputs.emplace_back(s);
  if (dom::array a; !d["columns"].get(a))
    for (dom::element c : a) {
      const size_t i = v.columns.size();
      v.columns.push_back(read_column(c, i < texts.size() ? texts[i] : fmt::format("text {}", i + 1)));
    }
  if (v.label.empty()) v.label = v.inputs.empty() ? "dataset" : v.inputs[0];
  return v;
}

report_view read_report(std::string_view json) {
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root))
    throw data_error(fmt::format("diversity --html: the report is not JSON: {}", simdjson::error_message(err)));
  if (root.type() != dom::element_type::OBJECT) throw data_error("diversity --html: the report is not a JSON object");
  report_view r;
  r.version = text(root, "jsift_version");
  r.tokens = text(root, "tokens");
  r.normalize = text(root, "normalize");
  r.cr_sample = number(root, "cr_sample");
  r.seed = number(root, "seed");
  if (dom::array a; !root["texts"].get(a))
    for (dom::element x : a)
      if (std::string_view s; !x.get(s)) r.texts.emplace_back(s);
  if (dom::array a; !root["datasets"].get(a))
    for (dom::element d : a) r.datasets.push_back(read_dataset(d, r.texts));
  return r;
}

// ---- Text: escaping, widths, cutting to fit --------------------------------

// For HTML text and attribute values alike; control characters become spaces.
std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    }
  }
  return out;
}

// The code point starting at s[i] and its length (s is valid UTF-8: simdjson checked it).
char32_t code_point(std::string_view s, size_t i, size_t& len) {
  const auto b = static_cast<unsigned char>(s[i]);
  len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  len = std::min(len, s.size() - i);
  char32_t c = len == 1 ? b : b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return c;
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD);
}

// A code point's advance in ems, generous for wide sans-serif fonts (DejaVu).
double char_em(char32_t c) {
  if (is_wide(c)) return 1.0;
  if (c == ' ' || c == 'i' || c == 'l' || c == 'j' || c == '.' || c == ',' || c == ':' || c == ';' || c == '\'' || c == '|' ||
      c == '!')
    return 0.32;
  if ((c >= 'A' && c <= 'Z') || c == 'm' || c == 'w' || c == '%') return 0.76;
  return 0.6;
}

double text_width(std::string_view s, double px) {
  double em = 0;
  for (size_t i = 0, len = 0; i < s.size(); i += len) em += char_em(code_point(s, i, len));
  return em * px;
}

// `s` cut to at most `max_px` wide, an ellipsis at the cut: at the end, or
// at the start when `keep_tail` (paths, whose file name is at the end).
std::string fit_width(std::string_view s, double max_px, double px, bool keep_tail = false) {
  if (text_width(s, px) <= max_px) return std::string(s);
  struct point {
    size_t at;
    double em;
  };
  std::vector<point> points;
  for (size_t i = 0, len = 0; i < s.size(); i += len) points.push_back({i, char_em(code_point(s, i, len))});
  double budget = max_px - px;  // room for the ellipsis
  size_t kept = 0;
  while (kept < points.size() && (budget -= points[keep_tail ? points.size() - 1 - kept : kept].em * px) >= 0) ++kept;
  if (keep_tail) return "…" + std::string(s.substr(kept ? points[points.size() - kept].at : s.size()));
  return std::string(s.substr(0, points[kept].at)) + "…";
}

template <class... Args>
void put(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
}

// ---- Numbers ---------------------------------------------------------------

enum class scale { share, ratio, count };

std::string value_text(double v, scale k) {
  switch (k) {
    case scale::share: return fmt::format("{:.{}f} %", 100 * v, v > 0 && v < 0.001 ? 2 : 1);
    case scale::ratio: return fmt::format("{:.3f}", v);
    case scale::count: break;
  }
  return with_commas(uint64_t(std::llround(std::max(0.0, v))));
}

std::string figure_or_dash(const maybe& v, int decimals) {
  return v ? fmt::format("{:.{}f}", *v, decimals) : std::string("–");
}

struct axis {
  double top = 1, step = 0.25;
};

// Four or five gridlines at round values (1, 2, 2.5, 5 x 10^k) covering `high`.
axis nice_axis(double high, scale k) {
  if (!(high > 0)) high = k == scale::count ? 4 : 1;
  const double raw = high / 4;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  if (k == scale::count) step = std::max(1.0, std::ceil(step));
  return {std::ceil(high / step - 1e-9) * step, step};
}

std::string tick_text(double v, double step, scale k) {
  const double unit = k == scale::share ? 100 : 1;
  int decimals = 0;
  while (decimals < 6 && std::abs(step * unit * std::pow(10, decimals) - std::round(step * unit * std::pow(10, decimals))) > 1e-6)
    ++decimals;
  if (k == scale::count) return with_commas(uint64_t(std::llround(v)));
  return k == scale::share ? fmt::format("{:.{}f} %", v * unit, decimals) : fmt::format("{:.{}f}", v, decimals);
}

// ---- Charts ----------------------------------------------------------------

// Tableau 10: tells ten datasets apart, and most of them under colour blindness.
constexpr std::array<const char*, 10> palette{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                              "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string colour(size_t dataset) { return palette[dataset % palette.size()]; }

struct bar_series {
  std::string name, colour;
  std::vector<double> values;       // one per category
  std::vector<std::string> labels;  // a bar's text (tooltip; shown beside horizontal bars); "" -> its value
};

struct chart {
  std::string id, title;
  std::vector<std::string> categories, tips;  // tips: a category's full text, when it may be cut
  std::vector<bar_series> series;
  scale kind = scale::share;
  maybe top;  // the scale's top, when several charts share one
  std::string x_title, y_title;
  bool value_labels = false;  // vertical bars: the value above each bar, where it fits
  bool legend = true;         // false when the figure's caption names the one dataset
};

constexpr double chart_width = 540, font_px = 11;

std::string bar_label(const bar_series& s, size_t i, scale k) {
  return i < s.labels.size() && !s.labels[i].empty() ? s.labels[i] : value_text(s.values[i], k);
}

double highest(const chart& c) {
  double m = 0;
  for (const auto& s : c.series)
    for (double v : s.values) m = std::max(m, v);
  return m;
}

// A swatch and a name per series, in rows that wrap at the chart's width;
// returns the y below it.
double legend(std::string& out, const std::vector<bar_series>& ss) {
  double x = 8, y = 14;
  put(out, R"(<g class="legend">)");
  for (const auto& s : ss) {
    const std::string name = fit_width(s.name, 300, 12, true);
    const double w = 14 + text_width(name, 12) + 18;
    if (x > 8 && x + w > chart_width) x = 8, y += 18;
    put(out, R"(<rect x="{}" y="{}" width="10" height="10" rx="2" fill="{}"/><text x="{}" y="{}" class="key">{}<title>{}</title></text>)",
        x, y - 9, s.colour, x + 14, y, esc(name), esc(s.name));
    x += w;
  }
  put(out, "</g>");
  return y + 12;
}

std::string svg(const chart& c, double height, const std::string& body) {
  return fmt::format(R"(<svg class="chart" id="{}" viewBox="0 0 {} {:.0f}" width="{}" height="{:.0f}" role="img" aria-label="{}">{}</svg>)",
                     esc(c.id), chart_width, height, chart_width, height, esc(c.title), body);
}

void y_grid(std::string& out, const chart& c, const axis& a, double left, double top, double plot_h) {
  put(out, R"(<g class="grid">)");
  for (double t = 0; t <= a.top + a.step * 1e-6; t += a.step) {
    const double y = top + plot_h - t / a.top * plot_h;
    put(out, R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/><text x="{}" y="{:.1f}" text-anchor="end">{}</text>)", left,
        chart_width - 10, y, y, left - 6, y + 4, tick_text(t, a.step, c.kind));
  }
  put(out, "</g>");
  if (!c.y_title.empty())
    put(out, R"~(<text class="axis-title" transform="translate(11 {:.1f}) rotate(-90)" text-anchor="middle">{}</text>)~",
        top + plot_h / 2, esc(c.y_title));
}

void x_labels(std::string& out, const chart& c, double left, double band, double y, bool rotate) {
  for (size_t i = 0; i < c.categories.size(); ++i) {
    const double x = left + (double(i) + 0.5) * band;
    if (rotate)
      put(out, R"~(<text transform="translate({:.1f} {:.1f}) rotate(-40)" text-anchor="end">{}</text>)~", x + 3, y + 10,
          esc(c.categories[i]));
    else
      put(out, R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x, y + 14, esc(c.categories[i]));
  }
}

// Categories along x, one bar per series in each (grouped bars).
std::string vertical_bars(const chart& c) {
  std::string body;
  const double top = (c.legend ? legend(body, c.series) : 0) + 8, left = 58, plot_h = 190;
  const double band = (chart_width - left - 10) / double(std::max<size_t>(1, c.categories.size()));
  double label_w = 0;
  for (const auto& cat : c.categories) label_w = std::max(label_w, text_width(cat, font_px));
  const bool rotate = label_w > band - 6;
  const double bottom = (rotate ? label_w * 0.65 + 18 : 22) + (c.x_title.empty() ? 0 : 20);
  const axis a = nice_axis(c.top.value_or(highest(c)), c.kind);
  y_grid(body, c, a, left, top, plot_h);
  const double bar_w = band * 0.8 / double(std::max<size_t>(1, c.series.size()));
  for (size_t j = 0; j < c.series.size(); ++j) {
    const bar_series& s = c.series[j];
    put(body, R"(<g fill="{}">)", s.colour);
    for (size_t i = 0; i < s.values.size() && i < c.categories.size(); ++i) {
      const double h = std::max(0.0, s.values[i]) / a.top * plot_h, x = left + double(i) * band + band * 0.1 + double(j) * bar_w;
      put(body, R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{} · {}: {}</title></rect>)", x,
          top + plot_h - h, std::max(1.0, bar_w - 1.5), h, esc(s.name), esc(c.categories[i]), esc(bar_label(s, i, c.kind)));
      const std::string v = value_text(s.values[i], c.kind);
      if (c.value_labels && text_width(v, 10) <= bar_w + 2)
        put(body, R"(<text class="value" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x + bar_w / 2 - 0.75,
            top + plot_h - h - 4, v);
    }
    put(body, "</g>");
  }
  put(body, R"(<line class="baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>)", left, chart_width - 10, top + plot_h, top + plot_h);
  x_labels(body, c, left, band, top + plot_h, rotate);
  if (!c.x_title.empty())
    put(body, R"(<text class="axis-title" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", left + (chart_width - left - 10) / 2,
        top + plot_h + bottom - 4, esc(c.x_title));
  return svg(c, top + plot_h + bottom + 4, body);
}

// One row per category, its label at the left, one bar per series, the
// bar's text at its end.
std::string horizontal_bars(const chart& c) {
  std::string body;
  const double top = (c.legend ? legend(body, c.series) : 0) + 6;
  double label_w = 0, value_w = 0;
  for (const auto& cat : c.categories) label_w = std::max(label_w, text_width(cat, 12));
  for (const auto& s : c.series)
    for (size_t i = 0; i < s.values.size(); ++i) value_w = std::max(value_w, text_width(bar_label(s, i, c.kind), font_px));
  label_w = std::min(label_w, chart_width * 0.5);
  const double x0 = 8 + label_w + 8, plot_w = chart_width - x0 - value_w - 14;
  const double bar_h = c.series.size() == 1 ? 16 : 10, row_h = double(c.series.size()) * bar_h + 8;
  const double high = c.top.value_or(highest(c)) > 0 ? c.top.value_or(highest(c)) : 1;
  for (size_t i = 0; i < c.categories.size(); ++i) {
    const double y = top + double(i) * row_h;
    const std::string tip = i < c.tips.size() ? c.tips[i] : c.categories[i];
    put(body, R"(<text class="row" x="{:.1f}" y="{:.1f}" text-anchor="end">{}<title>{}</title></text>)", x0 - 8,
        y + double(c.series.size()) * bar_h / 2 + 4, esc(fit_width(c.categories[i], label_w, 12)), esc(tip));
    for (size_t j = 0; j < c.series.size(); ++j) {
      const bar_series& s = c.series[j];
      if (i >= s.values.size()) continue;
      const double w = s.values[i] > 0 ? std::max(1.0, s.values[i] / high * plot_w) : 0, by = y + double(j) * bar_h;
      put(body, R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{} · {}: {}</title></rect>)", x0, by,
          w, bar_h - 2, s.colour, esc(s.name), esc(tip), esc(bar_label(s, i, c.kind)));
      if (s.values[i] > 0 || c.series.size() == 1)  // a group a dataset lacks: no "0.0 %" beside nothing
        put(body, R"(<text class="value" x="{:.1f}" y="{:.1f}">{}</text>)", x0 + w + 4, by + bar_h / 2 + 3, esc(bar_label(s, i, c.kind)));
    }
  }
  const double bottom = top + double(c.categories.size()) * row_h;
  put(body, R"(<line class="baseline" x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}"/>)", x0, x0, top - 3, bottom - 5);
  if (c.categories.empty()) put(body, R"(<text class="empty" x="8" y="{:.1f}">none</text>)", top + 14);
  return svg(c, std::max(bottom, top + 24) + 4, body);
}

// caption: HTML; tip: its full text when the caption may be cut; sub: HTML.
std::string figure(const std::string& caption, const std::string& tip, const std::string& sub, const std::string& svg_text) {
  return fmt::format(R"(<figure><figcaption><div class="title" title="{}">{}</div>{}</figcaption>{}</figure>)", esc(tip), caption,
                     sub.empty() ? std::string() : fmt::format(R"(<div class="sub">{}</div>)", sub), svg_text);
}

// ---- The page ----------------------------------------------------------------

// The datasets that have column `col`, with their index (their colour).
struct member {
  size_t index;
  const dataset_view* dataset;
  const column_view* column;
};

std::vector<member> members(const report_view& r, size_t col) {
  std::vector<member> out;
  for (size_t d = 0; d < r.datasets.size(); ++d)
    if (col < r.datasets[d].columns.size()) out.push_back({d, &r.datasets[d], &r.datasets[d].columns[col]});
  return out;
}

std::string swatch(size_t d) { return fmt::format(R"(<span class="swatch" style="background:{}"></span>)", colour(d)); }

std::string label_cell(size_t d, const std::string& label) {
  return fmt::format(R"({}<span class="name" title="{}">{}</span>)", swatch(d), esc(label), esc(label));
}

std::string bucket_text(const std::vector<double>& edges, size_t i) {
  const auto lo = uint64_t(edges[i]);
  const uint64_t hi = i + 1 < edges.size() ? uint64_t(edges[i + 1]) - 1 : (lo ? lo * 2 - 1 : 0);
  return hi > lo ? fmt::format("{}–{}", lo, hi) : fmt::to_string(lo);
}

std::string length_chart(const std::vector<member>& ms, size_t col) {
  std::vector<double> edges;
  for (const auto& m : ms)
    if (m.column->edges.size() > edges.size()) edges = m.column->edges;
  if (edges.empty()) return {};
  chart c;
  c.id = fmt::format("length-c{}", col);
  c.title = "Length distribution";
  c.kind = scale::share;
  c.x_title = "tokens per text";
  c.y_title = "share of texts";
  for (size_t i = 0; i < edges.size(); ++i) c.categories.push_back(bucket_text(edges, i));
  for (const auto& m : ms) {
    if (m.column->edges.empty()) continue;
    double total = 0;
    for (double n : m.column->counts) total += n;
    bar_series s;
    s.name = m.dataset->label;
    s.colour = colour(m.index);
    s.values = std::vector<double>(edges.size(), 0);
    s.labels = std::vector<std::string>(edges.size());
    for (size_t i = 0; i < m.column->edges.size(); ++i) {
      const auto at = std::find(edges.begin(), edges.end(), m.column->edges[i]);
      if (at == edges.end()) continue;
      const auto k = size_t(at - edges.begin());
      s.values[k] = total > 0 ? m.column->counts[i] / total : 0;
      s.labels[k] = fmt::format("{} ({} texts)", value_text(s.values[k], scale::share), with_commas(uint64_t(m.column->counts[i])));
    }
    c.series.push_back(std::move(s));
  }
  return figure("Length distribution", "", "Share of each dataset's texts per token-count bucket.", vertical_bars(c));
}

std::string distinct_chart(const std::vector<member>& ms, size_t col) {
  chart c;
  c.id = fmt::format("distinct-c{}", col);
  c.title = "Distinct-n";
  c.categories = {"distinct-1", "distinct-2", "distinct-3", "distinct-4"};
  c.kind = scale::ratio;
  c.y_title = "distinct / all n-grams";
  c.value_labels = true;
  for (const auto& m : ms) {
    const auto& d = m.column->distinct;
    if (std::none_of(d.begin(), d.end(), [](const maybe& v) { return v.has_value(); })) continue;
    bar_series s;
    s.name = m.dataset->label;
    s.colour = colour(m.index);
    for (const auto& v : d) s.values.push_back(v.value_or(0));
    c.series.push_back(std::move(s));
  }
  if (c.series.empty()) return {};
  return figure("Distinct-n", "", "Distinct n-grams over all n-grams, n = 1 to 4: higher is more varied.", vertical_bars(c));
}

// A per-dataset figure's caption: the dataset, in its colour (the legend).
std::string caption_for(const member& m) {
  return swatch(m.index) + esc(m.dataset->label);
}

std::string openings_charts(const std::vector<member>& ms, size_t col) {
  double high = 0;
  for (const auto& m : ms)
    for (const auto& o : m.column->openings) high = std::max(high, o.share);
  std::string out;
  for (const auto& m : ms) {
    const column_view& v = *m.column;
    if (!v.has_openings) continue;
    chart c;
    c.id = fmt::format("openings-c{}-d{}", col, m.index);
    c.title = "Top openings: " + m.dataset->label;
    c.kind = scale::share;
    c.top = high;
    c.legend = false;
    bar_series s;
    s.name = m.dataset->label;
    s.colour = colour(m.index);
    for (const auto& o : v.openings) {
      c.categories.push_back(o.text.empty() ? "(no tokens)" : o.text);
      c.tips.push_back(o.text);
      s.values.push_back(o.share);
      s.labels.push_back(o.texts ? fmt::format("{} · {}", with_commas(uint64_t(*o.texts)), value_text(o.share, scale::share)) : "");
    }
    c.series.push_back(std::move(s));
    std::string sub = v.opening_tokens ? fmt::format("The first {} tokens of each text.", uint64_t(*v.opening_tokens)) : "";
    if (v.top_share) sub += fmt::format(" These {} cover {} of the texts.", v.openings.size(), value_text(*v.top_share, scale::share));
    out += figure(caption_for(m), m.dataset->label, esc(sub), horizontal_bars(c));
  }
  return out;
}

std::string near_chart(const member& m, size_t col, maybe high) {
  const column_view& v = *m.column;
  const double texts = v.texts.value_or(0);
  chart c;
  c.id = fmt::format("near-c{}-d{}", col, m.index);
  c.title = "Largest near-duplicate clusters: " + m.dataset->label;
  c.kind = texts > 0 ? scale::share : scale::count;
  c.top = high;
  c.legend = false;
  bar_series s;
  s.name = m.dataset->label;
  s.colour = colour(m.index);
  for (const auto& k : v.largest) {
    c.categories.push_back(k.excerpt.empty() ? "(empty text)" : k.excerpt);
    c.tips.push_back(k.where.empty() ? k.excerpt : fmt::format("{} (first at {})", k.excerpt, k.where));
    s.values.push_back(texts > 0 ? k.size / texts : k.size);
    s.labels.push_back(texts > 0 ? fmt::format("{} · {}", with_commas(uint64_t(k.size)), value_text(k.size / texts, scale::share))
                                 : with_commas(uint64_t(k.size)));
  }
  c.series.push_back(std::move(s));
  std::string sub;
  if (v.near_rate) sub = fmt::format("Near-duplicate rate {}", value_text(*v.near_rate, scale::share));
  if (v.near_clusters) sub += fmt::format("{}{} clusters", sub.empty() ? "" : ", ", with_commas(uint64_t(*v.near_clusters)));
  if (!sub.empty()) sub += ". ";
  sub += "Bars: texts in the cluster and their share; hover for the whole text.";
  return figure(caption_for(m), m.dataset->label, esc(sub), horizontal_bars(c));
}

std::string near_charts(const std::vector<member>& ms, size_t col) {
  double high = 0;
  bool all_shares = true;
  for (const auto& m : ms)
    if (m.column->has_near) all_shares = all_shares && m.column->texts.value_or(0) > 0;
  for (const auto& m : ms)
    for (const auto& k : m.column->largest) high = std::max(high, all_shares ? k.size / m.column->texts.value_or(1) : 0.0);
  std::string out;
  for (const auto& m : ms)
    if (m.column->has_near) out += near_chart(m, col, all_shares ? maybe(high) : std::nullopt);
  return out;
}

// Every group of the column, those with the largest share in any dataset first.
std::vector<std::string> group_names(const std::vector<member>& ms) {
  std::vector<std::pair<std::string, double>> all;
  for (const auto& m : ms)
    for (const auto& g : m.column->groups) {
      auto at = std::find_if(all.begin(), all.end(), [&](const auto& a) { return a.first == g.name; });
      if (at == all.end()) all.emplace_back(g.name, g.share);
      else at->second = std::max(at->second, g.share);
    }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> names;
  for (auto& a : all) names.push_back(std::move(a.first));
  return names;
}

std::string groups_chart(const std::vector<member>& ms, size_t col) {
  const auto with = size_t(std::count_if(ms.begin(), ms.end(), [](const member& m) { return m.column->has_groups; }));
  if (!with) return {};
  std::vector<std::string> names = group_names(ms);
  // About 70 bars at most: a chart taller than a screen compares nothing.
  const size_t hidden = names.size() - std::min(names.size(), std::clamp<size_t>(72 / with, 8, 24));
  names.resize(names.size() - hidden);
  chart c;
  c.id = fmt::format("groups-c{}", col);
  c.title = "Group shares";
  c.categories = names;
  c.tips = names;
  c.kind = scale::share;
  std::string sub = "Share of each dataset's records per group.";
  for (const auto& m : ms) {
    if (!m.column->has_groups) continue;
    if (!m.column->group_by.empty() && c.series.empty()) sub = fmt::format("Share of each dataset's records per value of {}.", m.column->group_by);
    bar_series s;
    s.name = m.dataset->label;
    s.colour = colour(m.index);
    s.values = std::vector<double>(names.size(), 0);
    for (const auto& g : m.column->groups) {
      const auto at = std::find(names.begin(), names.end(), g.name);
      if (at != names.end()) s.values[size_t(at - names.begin())] = g.share;
    }
    c.series.push_back(std::move(s));
  }
  if (hidden) sub += fmt::format(" {} smaller {} not shown.", hidden, hidden == 1 ? "group is" : "groups are");
  return figure("Group shares", "", esc(sub), horizontal_bars(c));
}

// A column heading that may wrap between its words, never at a hyphen ("distinct-2").
std::string header_words(std::string_view name) {
  std::string out;
  for (size_t at = 0; at <= name.size();) {
    const size_t end = std::min(name.find(' ', at), name.size());
    put(out, "{}<span>{}</span>", at ? " " : "", esc(name.substr(at, end - at)));
    at = end + 1;
  }
  return out;
}

// The headline figures, one row per dataset; a figure no dataset has is left out.
std::string summary_table(const std::vector<member>& ms) {
  struct metric {
    const char *name, *tip;
    maybe (*get)(const column_view&);
    int decimals;                               // -1: a count
    maybe (*sample)(const column_view&) = nullptr;  // texts the figure is of, for its tooltip
  };
  static const metric metrics[] = {
      {"texts", "Texts measured", [](const column_view& v) { return v.texts; }, -1, nullptr},
      {"tokens p50", "Median tokens per text", [](const column_view& v) { return v.tokens_p50; }, -1, nullptr},
      {"uniqueness", "Distinct texts / texts", [](const column_view& v) { return v.uniqueness; }, 4, nullptr},
      {"distinct-2", "Distinct bigrams / bigrams", [](const column_view& v) { return v.distinct[1]; }, 4, nullptr},
      {"NGD", "N-gram diversity: distinct-1 + ... + distinct-4", [](const column_view& v) { return v.ngd; }, 4, nullptr},
      {"compression ratio", "Text bytes / gzip bytes: higher is more repetitive",
       [](const column_view& v) { return v.compression_ratio; }, 3, nullptr},
      {"near-dup rate", "Texts with an earlier near-duplicate / texts", [](const column_view& v) { return v.near_rate; }, 4, nullptr},
      {"self-repetition", "Self-repetition (Salkar et al. 2022): higher is more repetitive",
       [](const column_view& v) { return v.self_repetition; }, 4, nullptr},
      {"self-BLEU", "Self-BLEU over a sample of texts: higher is more alike", [](const column_view& v) { return v.self_bleu; }, 4,
       [](const column_view& v) { return v.self_bleu_sample; }},
      {"group entropy", "Normalised entropy of the group shares: 1 even, 0 one group", [](const column_view& v) { return v.entropy; }, 3,
       nullptr},
      {"group JSD", "Jensen-Shannon divergence of the group shares from the first dataset's",
       [](const column_view& v) { return v.group_jsd; }, 4, nullptr},
  };
  std::vector<const metric*> shown;
  for (const auto& mt : metrics)
    if (std::any_of(ms.begin(), ms.end(), [&](const member& m) { return mt.get(*m.column).has_value(); })) shown.push_back(&mt);
  std::string out = R"(<div class="scroll"><table class="summary"><thead><tr><th>dataset</th>)";
  for (const auto* mt : shown) put(out, R"(<th title="{}">{}</th>)", mt->tip, header_words(mt->name));
  out += "</tr></thead><tbody>";
  for (const auto& m : ms) {
    put(out, "<tr><td>{}</td>", label_cell(m.index, m.dataset->label));
    for (const auto* mt : shown) {
      const maybe v = mt->get(*m.column);
      std::string cell = mt->decimals < 0 ? (v ? with_commas(uint64_t(*v)) : "–") : figure_or_dash(v, mt->decimals);
      if (const maybe n = mt->sample && v ? mt->sample(*m.column) : std::nullopt)
        cell = fmt::format(R"(<span title="of {} texts">{}</span>)", with_commas(uint64_t(*n)), cell);
      put(out, "<td>{}</td>", cell);
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

std::string column_section(const report_view& r, size_t col) {
  const std::vector<member> ms = members(r, col);
  if (ms.empty()) return {};
  const std::string& name = ms[0].column->text;
  std::string out = fmt::format(R"(<section id="c{}"><h2>Text <code>{}</code></h2>)", col, esc(name));
  out += summary_table(ms);
  out += R"(<div class="grid">)" + length_chart(ms, col) + distinct_chart(ms, col) + "</div>";
  auto block = [&](const char* heading, std::string figures) {
    if (!figures.empty()) out += fmt::format(R"(<h3>{}</h3><div class="grid">{}</div>)", heading, figures);
  };
  block("Openings", openings_charts(ms, col));
  block("Near-duplicates", near_charts(ms, col));
  block("Groups", groups_chart(ms, col));
  return out + "</section>";
}

std::string inputs_cell(const dataset_view& d) {
  if (d.inputs.empty()) return "–";
  std::string all;
  for (const auto& f : d.inputs) all += (all.empty() ? "" : "\n") + f;
  std::string shown = fit_width(d.inputs[0], 320, 14, true);
  if (d.inputs.size() > 1) shown += fmt::format(" and {} more", d.inputs.size() - 1);
  return fmt::format(R"(<span class="name" title="{}">{}</span>)", esc(all), esc(shown));
}

// The datasets: inputs (unless each is its own label), lines, dispositions
// and, when the report has it, the JSD of the group shares.
std::string datasets_table(const report_view& r) {
  const auto& ds = r.datasets;
  const bool jsd = std::any_of(ds.begin(), ds.end(), [](const dataset_view& d) { return d.jsd.has_value(); });
  const bool inputs = std::any_of(ds.begin(), ds.end(), [](const dataset_view& d) { return d.inputs != std::vector{d.label}; });
  std::string out = R"(<section id="datasets"><h2>Datasets</h2><div class="scroll"><table><thead><tr><th>dataset</th>)";
  if (inputs) out += R"(<th class="text">inputs</th>)";
  out += R"(<th>lines</th><th class="text">dispositions</th>)";
  if (jsd) out += R"(<th title="Jensen-Shannon divergence of the group shares from the first dataset's">JSD vs first</th>)";
  out += "</tr></thead><tbody>";
  for (size_t d = 0; d < ds.size(); ++d) {
    put(out, "<tr><td>{}</td>", label_cell(d, ds[d].label));
    if (inputs) put(out, R"(<td class="text">{}</td>)", inputs_cell(ds[d]));
    put(out, R"(<td>{}</td><td class="text">{}</td>)", ds[d].lines ? with_commas(uint64_t(*ds[d].lines)) : "–", esc(ds[d].dispositions));
    if (jsd) put(out, "<td>{}</td>", figure_or_dash(ds[d].jsd, 4));
    out += "</tr>";
  }
  return out + "</tbody></table></div></section>";
}

constexpr const char* style = R"(
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 40px; }
header h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
.meta { color: var(--muted); margin: 0; }
.meta span + span::before { content: "·"; margin: 0 8px; color: var(--line); }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 28px 0 10px; }
code { font: 0.95em ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  background: var(--soft); padding: 1px 5px; border-radius: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 4px 0 20px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { white-space: normal; vertical-align: bottom; }
th span { white-space: nowrap; }
.summary .name { max-width: 240px; }
th:first-child, td:first-child, .text { text-align: left; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
th[title] { cursor: help; text-decoration: underline dotted var(--line); }
tbody tr:hover { background: var(--soft); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 8px; }
.name { display: inline-block; max-width: 300px; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(480px, 100%), 1fr)); gap: 16px; }
figure { margin: 0; min-width: 0; padding: 14px 16px 10px; border: 1px solid var(--line); border-radius: 8px; }
figcaption { margin-bottom: 8px; }
figcaption .title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
figcaption .sub { font-size: 12px; color: var(--muted); }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { font-size: 11px; fill: #3d444d; }
svg.chart text.row { font-size: 12px; fill: var(--ink); }
svg.chart text.key { font-size: 12px; fill: var(--ink); }
svg.chart text.value { font-size: 10px; fill: var(--muted); }
svg.chart text.axis-title { fill: var(--muted); }
svg.chart .grid line { stroke: #eaeef2; }
svg.chart .baseline { stroke: #8c959f; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
)";

// Writes each chart's rendered size into it, for checks in a headless browser.
constexpr const char* script = R"(<script>
for (const svg of document.querySelectorAll("svg.chart")) {
  const box = svg.getBBox();
  svg.setAttribute("data-rendered-width", box.width.toFixed(1));
  svg.setAttribute("data-rendered-height", box.height.toFixed(1));
}
</script>)";

std::string header(const report_view& r) {
  std::string meta;
  if (!r.tokens.empty()) put(meta, "<span>tokens: {}</span>", esc(r.tokens));
  if (!r.normalize.empty()) put(meta, "<span>normalize: {}</span>", esc(r.normalize));
  if (r.cr_sample) put(meta, "<span>compression sample: {}</span>", *r.cr_sample > 0 ? human_bytes(uint64_t(*r.cr_sample)) : "all");
  if (r.seed) put(meta, "<span>seed {}</span>", uint64_t(*r.seed));
  std::string out = R"(<header><h1>Diversity report</h1><p class="meta">)";
  put(out, "<span>{} dataset{}</span>", r.datasets.size(), r.datasets.size() == 1 ? "" : "s");
  put(out, "{}<span>jsift {}</span></p></header>", meta, esc(r.version.empty() ? "?" : r.version));
  return out;
}

}  // namespace

std::string diversity_html(std::string_view report_json) {
  const report_view r = read_report(report_json);
  std::string title = "Diversity report";
  if (!r.datasets.empty()) title += ": " + r.datasets[0].label + (r.datasets.size() > 1 ? fmt::format(" and {} more", r.datasets.size() - 1) : "");
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\"><meta name=\"generator\" content=\"jsift {}\"><title>{}</title><style>{}</style></head><body><main>\n",
      esc(r.version), esc(title), style);
  out += header(r) + "\n" + datasets_table(r) + "\n";
  size_t columns = r.texts.size();
  for (const auto& d : r.datasets) columns = std::max(columns, d.columns.size());
  for (size_t c = 0; c < columns; ++c) out += column_section(r, c) + "\n";
  put(out, "<footer>Made by <code>jsift diversity --html</code>, jsift {}. Self-contained: no network access, no external files.</footer>\n",
      esc(r.version));
  return out + "</main>\n" + script + "\n</body></html>\n";
}

}  // namespace jsift
