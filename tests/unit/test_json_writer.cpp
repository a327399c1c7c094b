#include <catch2/catch.hpp>

#include "jsift/io/json_writer.hpp"

using jsift::json_writer;

TEST_CASE("json_writer keeps key order and escapes strings") {
  json_writer w(0);
  w.begin_object();
  w.key("z").value(uint64_t(1));
  w.key("a").begin_array().value("x\"y\\\n\x01").value(true).null().end_array();
  w.key("e").begin_object().end_object();
  w.key("d").value(0.5);
  w.end_object();
  CHECK(w.str() == "{\"z\":1,\"a\":[\"x\\\"y\\\\\\n\\u0001\",true,null],\"e\":{},\"d\":0.5}\n");
}

TEST_CASE("json_writer pretty prints") {
  json_writer w;
  w.begin_object().key("a").begin_array().value(1).end_array().end_object();
  CHECK(w.str() == "{\n  \"a\": [\n    1\n  ]\n}\n");
}
