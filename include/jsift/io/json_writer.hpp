// jsift/io/json_writer.hpp — a small writer for reports: pretty-printed JSON
// with keys in the order they are written (stable report schemas), correct
// string escaping, and shortest round-trip doubles. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jsift {

class json_writer {
 public:
  explicit json_writer(int indent = 2) : indent_(indent) {}
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  json_writer& value(uint64_t n);
  json_writer& value(int64_t n);
  json_writer& value(int n) { return value(int64_t(n)); }
  json_writer& value(unsigned n) { return value(uint64_t(n)); }
  json_writer& value(double d);
  json_writer& value(bool b);
  json_writer& null();
  // Appends already-serialised JSON as a value.
  json_writer& raw(std::string_view json);
  // The document, with a final newline.
  std::string str() const { return out_ + "\n"; }

  static void escape(std::string& out, std::string_view s);

 private:
  void before_value();
  void newline();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool after_key_ = false;
  int indent_;
};

}  // namespace jsift
