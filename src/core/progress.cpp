#include "jsift/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "jsift/record_parser.hpp"

namespace jsift {

progress_meter::progress_meter(bool enabled, uint64_t total_bytes)
    : enabled_(enabled),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_(start_ - std::chrono::seconds(1)) {}  // the first update draws

progress_meter::~progress_meter() { finish(); }

void progress_meter::update(uint64_t done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  draw(done);
}

void progress_meter::draw(uint64_t done) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? double(done) / secs : 0;
  std::string line;
  if (total_ > 0) {
    double frac = std::min(1.0, double(done) / double(total_));
    int width = 24, fill = int(frac * width);
    std::string bar(size_t(fill), '=');
    if (fill < width) bar += '>';
    bar.resize(size_t(width), ' ');
    double eta = rate > 0 ? double(total_ - std::min(done, total_)) / rate : 0;
    line = fmt::format("\r[{}] {:3.0f}% {} / {}  {}/s  ETA {:.0f}s ", bar, frac * 100, human_bytes(done), human_bytes(total_),
                       human_bytes(uint64_t(rate)), eta);
  } else {
    line = fmt::format("\r{} read  {}/s ", human_bytes(done), human_bytes(uint64_t(rate)));
  }
  line += "\x1b[K";
  (void)!::write(2, line.data(), line.size());
  drawn_ = true;
}

void progress_meter::finish() {
  if (!drawn_) return;
  static constexpr char clear[] = "\r\x1b[K";
  (void)!::write(2, clear, sizeof clear - 1);
  drawn_ = false;
}

}  // namespace jsift
