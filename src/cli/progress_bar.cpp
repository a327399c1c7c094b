#include "progress_bar.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "jsift/io/units.hpp"

namespace jsift::cli {

progress_bar::progress_bar(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_ - std::chrono::seconds(1)) {}  // the first update draws

progress_bar::~progress_bar() { finish(); }

progress_callback progress_bar::callback() {
  if (!enabled_) return {};
  return [this](uint64_t done, uint64_t total) { update(done, total); };
}

void progress_bar::update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  draw(done, total);
}

void progress_bar::draw(uint64_t done, uint64_t total) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? double(done) / secs : 0;
  std::string line;
  if (total > 0) {
    double frac = std::min(1.0, double(done) / double(total));
    constexpr size_t width = 24;
    size_t fill = size_t(frac * double(width));
    std::string bar(fill, '=');
    if (fill < width) bar += '>';
    bar.resize(width, ' ');
    double eta = rate > 0 ? double(total - std::min(done, total)) / rate : 0;
    line = fmt::format("\r[{}] {:3.0f}% {} / {}  {}/s  ETA {:.0f}s ", bar, frac * 100, human_bytes(done), human_bytes(total),
                       human_bytes(uint64_t(rate)), eta);
  } else {
    line = fmt::format("\r{} read  {}/s ", human_bytes(done), human_bytes(uint64_t(rate)));
  }
  line += "\x1b[K";
  (void)!::write(2, line.data(), line.size());
  drawn_ = true;
}

void progress_bar::finish() {
  if (!drawn_) return;
  static constexpr char clear[] = "\r\x1b[K";
  (void)!::write(2, clear, sizeof clear - 1);
  drawn_ = false;
}

}  // namespace jsift::cli
