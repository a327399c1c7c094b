// A parsed record for stage tests: the line, its DOM and a record_ref to it
// (file 0, at `offset`), as record_job hands them to on_record().
#pragma once

#include <memory>
#include <string>

#include <simdjson.h>

#include "jsift/engine/record_job.hpp"

struct test_record {
  std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
  std::string text;
  simdjson::dom::element root;
  jsift::record_ref ref;
  explicit test_record(std::string t, uint64_t offset = 0, uint32_t index = 0) : text(std::move(t)) {
    text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    root = parser->parse(text.data(), text.size(), false);
    ref = jsift::record_ref{text, root, &parser->doc, index, 0, offset, true};
  }
  test_record(test_record&&) = delete;
};
