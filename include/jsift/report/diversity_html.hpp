// jsift/report/diversity_html.hpp — renders `jsift diversity --html`: one
// self-contained HTML page (inline CSS, inline SVG charts, a few lines of
// inline script; nothing is fetched, no fonts, no external files) from the
// JSON report that `jsift diversity --json` prints. It reads the report, not
// the job, so a saved --report file renders the same page.
//
// Per text column: a summary table, the length distribution, distinct-1..4,
// the top openings, the largest near-duplicate clusters and the group shares,
// each dataset in its own colour. Every key of the report is optional: a
// figure whose data is absent is left out, keys the page does not know are
// ignored. All text from the data (labels, openings, excerpts, group names)
// is HTML-escaped. Each chart is an `<svg class="chart">` with a unique id;
// the script writes its rendered size into `data-rendered-width` and
// `data-rendered-height` (what a headless browser's --dump-dom shows).
// A pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace jsift {

// The page for `report_json`. Throws data_error when it is not a JSON object.
std::string diversity_html(std::string_view report_json);

}  // namespace jsift
