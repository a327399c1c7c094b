#include <catch2/catch.hpp>

#include "jsift/jobs/stats_job.hpp"

using namespace jsift;

namespace {
const char* records[] = {
    R"({"record_type":"chat","turns":[1,2,3],"out":"a"})",
    R"({"record_type":"chat","turns":[1,2,3,4,5],"out":"a"})",
    R"({"record_type":"qa","messages":[1,2],"out":"b","extra":1})",
    R"({"record_type":"chat","turns":[],"out":"c"})",
    R"({"out":"a"})",
    R"({"record_type":"qa","conversations":[1,2],"out":"b"})",
};

stats_options opts() {
  stats_options o;
  o.by = path::parse(".record_type");
  o.unique.push_back(path::parse(".out"));
  return o;
}

void add(stats_partial& p, const stats_options& o, const char* json) {
  simdjson::dom::parser parser;
  std::string s(json);
  parser.parse(s);
  p.add(o, s, parser.doc);
}
}  // namespace

TEST_CASE("stats partials merge to the same result however the input is chunked") {
  auto o = opts();
  stats_accumulator whole(o), split(o);
  stats_partial all(o);
  for (auto r : records) add(all, o, r);
  whole.merge(all);
  stats_partial a(o), b(o), c(o);
  add(a, o, records[0]);
  add(a, o, records[1]);
  add(b, o, records[2]);
  for (int i = 3; i < 6; ++i) add(c, o, records[i]);
  split.merge(a);
  split.merge(b);
  split.merge(c);
  for (auto* acc : {&whole, &split}) {
    CHECK(acc->records() == 6);
    auto groups = acc->groups_sorted();
    REQUIRE(groups.size() == 3);
    CHECK(groups[0]->name == "chat");
    CHECK(groups[0]->records == 3);
    CHECK(groups[1]->name == "qa");
    CHECK(groups[2]->name == "(missing)");
    CHECK(acc->turns().at(0) == 1);
    CHECK(acc->turns().at(2) == 2);
    CHECK(acc->turns().at(3) == 1);
    CHECK(acc->turns().at(5) == 1);
    CHECK(acc->no_conversation() == 1);
    const auto& u = acc->unique()[0];
    CHECK(u.total == 6);
    CHECK(u.distinct.count() == 3);
    CHECK(u.total == 6);
    CHECK(groups[0]->unique[0].distinct.count() == 2);  // chat: a, c
    CHECK(groups[1]->unique[0].distinct.count() == 1);  // qa: b
    auto keys = acc->keys_sorted();
    CHECK(keys[0].first == "out");
    CHECK(keys[0].second == 6);
    CHECK(acc->lengths().max() == std::string(records[2]).size());
  }
}

TEST_CASE("groups beyond max_groups are counted under (other)") {
  auto o = opts();
  o.max_groups = 2;
  stats_accumulator acc(o);
  stats_partial p(o);
  for (auto r : records) add(p, o, r);
  acc.merge(p);
  uint64_t total = 0;
  bool other = false;
  for (auto* g : acc.groups_sorted()) total += g->records, other = other || g->name == "(other)";
  CHECK(total == 6);
  CHECK(other);
}

TEST_CASE("keys beyond max_keys are counted under (other keys)") {
  auto o = opts();
  o.max_keys = 2;
  stats_accumulator acc(o);
  stats_partial p(o);
  for (auto r : records) add(p, o, r);
  acc.merge(p);
  uint64_t total = 0;
  bool other = false;
  for (auto& [k, n] : acc.keys_sorted()) total += n, other = other || k == "(other keys)";
  CHECK(other);
  CHECK(total == 17);  // every key occurrence of the six records
}
