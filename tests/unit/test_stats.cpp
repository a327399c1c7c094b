#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

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
  stats_accumulator whole(o, nullptr), split(o, nullptr);
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
    CHECK(u.count() == 3);
    CHECK(u.total == 6);
    CHECK(groups[0]->unique[0].count() == 2);  // chat: a, c
    CHECK(groups[1]->unique[0].count() == 1);  // qa: b
    auto keys = acc->keys_sorted();
    CHECK(keys[0].first == "out");
    CHECK(keys[0].second == 6);
    CHECK(acc->lengths().max() == std::string(records[2]).size());
  }
}

TEST_CASE("groups beyond max_groups are counted under (other)") {
  auto o = opts();
  o.max_groups = 2;
  stats_accumulator acc(o, nullptr);
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
  stats_accumulator acc(o, nullptr);
  stats_partial p(o);
  for (auto r : records) add(p, o, r);
  acc.merge(p);
  uint64_t total = 0;
  bool other = false;
  for (auto& [k, n] : acc.keys_sorted()) total += n, other = other || k == "(other keys)";
  CHECK(other);
  CHECK(total == 17);  // every key occurrence of the six records
}

namespace {
// Records with repeats within and across groups, many groups (some past
// max_groups), and --unique values that repeat.
std::vector<std::string> repetitive_records(size_t n) {
  std::vector<std::string> out;
  std::mt19937 rng(7);
  for (size_t i = 0; i < n; ++i) {
    uint64_t g = rng() % 40, v = rng() % 300, w = rng() % 3;
    // Some records are exact repeats (same group, same everything).
    out.push_back(fmt::format(R"({{"record_type":"t{}","out":"v{}","w":{},"turns":[{}]}})", g, v, w, v % 4));
  }
  return out;
}

struct counted {
  uint64_t distinct, total, whole_distinct;
  std::vector<std::tuple<std::string, uint64_t, uint64_t, uint64_t>> groups;  // name, records, distinct, duplicates
  bool operator==(const counted&) const = default;
};

counted count_of(const stats_accumulator& acc) {
  counted c{acc.unique()[0].count(), acc.unique()[0].total, acc.whole().count(), {}};
  for (auto* g : acc.groups_sorted()) c.groups.emplace_back(g->name, g->records, g->unique[0].count(), g->duplicate_count());
  return c;
}

// The committing thread's counts, and the workers' (chunks closed on
// several threads at once, in any order, then merged in input order).
std::pair<counted, counted> both_ways(const stats_options& o, const std::vector<std::string>& recs, size_t per_chunk) {
  stats_accumulator serial(o, nullptr);
  stats_sets sets(o);
  sets.reserve(recs.size() / 4);  // too small on purpose: the sets still grow
  stats_accumulator shared(o, &sets);
  std::vector<std::unique_ptr<stats_partial>> a, b;
  for (size_t i = 0; i < recs.size(); i += per_chunk) {
    a.push_back(std::make_unique<stats_partial>(o));
    b.push_back(std::make_unique<stats_partial>(o));
    for (size_t k = i; k < std::min(recs.size(), i + per_chunk); ++k) add(*a.back(), o, recs[k].c_str()), add(*b.back(), o, recs[k].c_str());
  }
  std::vector<size_t> order(b.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = t; i < order.size(); i += 4) b[order[i]]->close(o, sets);
    });
  for (auto& t : threads) t.join();
  for (auto& p : a) serial.merge(*p);
  for (auto& p : b) shared.merge(*p);
  return {count_of(serial), count_of(shared)};
}
}  // namespace

TEST_CASE("distinct counts made on the workers equal the committing thread's, per group too") {
  auto recs = repetitive_records(5000);
  auto o = opts();
  SECTION("groups") {
    auto [serial, shared] = both_ways(o, recs, 97);
    CHECK(serial.whole_distinct < serial.total);  // the records do repeat
    CHECK(serial.groups.size() == 40);
    CHECK(serial == shared);
  }
  SECTION("past max_groups, where (other) merges names") {
    o.max_groups = 10;
    auto [serial, shared] = both_ways(o, recs, 131);
    REQUIRE(std::any_of(serial.groups.begin(), serial.groups.end(), [](auto& g) { return std::get<0>(g) == "(other)"; }));
    CHECK(serial == shared);
  }
  SECTION("no groups") {
    o.by.reset();
    auto [serial, shared] = both_ways(o, recs, 64);
    CHECK(serial == shared);
  }
  SECTION("duplicates by bytes") {
    o.duplicates_by_bytes = true;
    auto [serial, shared] = both_ways(o, recs, 200);
    CHECK(serial == shared);
  }
}

TEST_CASE("a chunk where the --unique path reaches nothing still merges (grouped, on the workers)") {
  auto o = opts();
  stats_sets sets(o);
  stats_accumulator acc(o, &sets);
  stats_partial none(o), some(o);
  add(none, o, R"({"record_type":"chat"})");  // no .out
  add(some, o, R"({"record_type":"chat","out":"a"})");
  none.close(o, sets);
  some.close(o, sets);
  acc.merge(none);
  acc.merge(some);
  REQUIRE(acc.groups_sorted().size() == 1);
  CHECK(acc.groups_sorted()[0]->unique[0].count() == 1);
  CHECK(acc.groups_sorted()[0]->unique[0].total == 1);
  CHECK(acc.unique()[0].missing == 1);
}

TEST_CASE("groups named by objects, equal records in two of them: counts do not depend on which chunk closes first") {
  auto o = opts();
  o.by = path::parse(".meta");  // group text keeps key order; record keys do not
  std::vector<std::string> recs = {R"({"meta":{"a":1,"b":2},"out":"x"})", R"({"meta":{"b":2,"a":1},"out":"x"})"};
  for (bool reverse : {false, true}) {
    stats_sets sets(o);
    stats_accumulator acc(o, &sets);
    stats_partial p0(o), p1(o);
    add(p0, o, recs[0].c_str());
    add(p1, o, recs[1].c_str());
    if (reverse) p1.close(o, sets), p0.close(o, sets);
    else p0.close(o, sets), p1.close(o, sets);
    acc.merge(p0);
    acc.merge(p1);
    CHECK(acc.whole().count() == 1);  // one record value
    REQUIRE(acc.groups_sorted().size() == 2);
    for (auto* g : acc.groups_sorted()) CHECK(g->duplicate_count() == 0);  // no repeat within a group
  }
}

TEST_CASE("with --normalize, a group's repeats are of records of that group, whatever the order") {
  // "T1" and "t1" groups hold records equal once case is folded.
  auto o = opts();
  o.record_key.norm = normalization::parse("case");
  std::vector<std::string> recs = {R"({"record_type":"t1","out":"x"})", R"({"record_type":"T1","out":"X"})",
                                   R"({"record_type":"t1","out":"X"})", R"({"record_type":"T1","out":"x"})"};
  for (size_t per_chunk : {1, 2, 4}) {
    stats_sets sets(o);
    stats_accumulator acc(o, &sets);
    std::vector<std::unique_ptr<stats_partial>> parts;
    for (size_t i = 0; i < recs.size(); i += per_chunk) {
      parts.push_back(std::make_unique<stats_partial>(o));
      for (size_t k = i; k < i + per_chunk; ++k) add(*parts.back(), o, recs[k].c_str());
    }
    for (size_t i = parts.size(); i-- > 0;) parts[i]->close(o, sets);  // last chunk first
    for (auto& p : parts) acc.merge(*p);
    CHECK(acc.whole().count() == 1);
    for (auto* g : acc.groups_sorted()) CHECK(g->duplicate_count() == 1);  // each group: 2 records, 1 repeat
  }
}
