#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/stages/first_seen.hpp"
#include "temp_dir.hpp"

using namespace jsift;
using verdict = first_seen::verdict;

namespace {
hash128 k(uint64_t n) { return hash128{n * 0x9E3779B97F4A7C15ull, n}; }
}  // namespace

TEST_CASE("first seen: the first occurrence is kept, later ones are duplicates") {
  std::vector<input_file> files{{"a.jsonl"}};
  memory_budget budget;
  first_seen s({}, files, budget);
  CHECK(s.decide(k(1), false, 0, 1) == verdict::kept);
  CHECK(s.decide(k(2), false, 0, 2) == verdict::kept);
  CHECK(s.decide(k(1), false, 0, 3) == verdict::duplicate);
  CHECK(s.decide(k(0), true, 0, 4) == verdict::kept);  // keyless: kept, never compared
  CHECK(s.decide(k(0), true, 0, 5) == verdict::kept);
  CHECK(s.duplicates() == 1);
  CHECK(s.distinct() == 2);
  CHECK(s.keyless() == 2);
  CHECK(s.summary("dedup").find("5 records, 1 duplicate (") != std::string::npos);
}

TEST_CASE("first seen: reference keys drop records as 'against'") {
  std::vector<input_file> files{{"a.jsonl"}};
  memory_budget budget;
  key_set reference(false, &budget);
  reference.insert(k(7));
  first_seen s({}, files, budget, &reference);
  CHECK(s.decide(k(7), false, 0, 1) == verdict::against);
  CHECK(s.decide(k(8), false, 0, 2) == verdict::kept);
  CHECK(s.against_hits() == 1);
  CHECK(s.duplicates() == 1);
  CHECK(s.reference_keys() == 1);
}

TEST_CASE("first seen: --dups lines name the occurrence repeated; the index carries keys to the next run") {
  temp_dir t;
  std::vector<input_file> files{{"a.jsonl"}, {"b.jsonl"}};
  first_seen_options o;
  o.dups_path = (t.path / "dups.jsonl").string();
  o.index_path = (t.path / "seen.idx").string();
  {
    memory_budget budget;
    first_seen s(o, files, budget);
    CHECK(s.decide(k(1), false, 0, 3) == verdict::kept);
    CHECK(s.decide(k(1), false, 1, 9) == verdict::duplicate);
    s.flush();
    s.finish();
  }
  std::string dups = temp_dir::read(o.dups_path);
  CHECK(dups.find(R"("file":"b.jsonl","line":9)") != std::string::npos);
  CHECK(dups.find(R"("duplicate_of":{"file":"a.jsonl","line":3})") != std::string::npos);
  // A second run: the index knows key 1.
  memory_budget budget;
  first_seen again(o, files, budget);
  CHECK(again.index_loaded() == 1);
  CHECK(again.decide(k(1), false, 0, 1) == verdict::duplicate);
  CHECK(again.decide(k(2), false, 0, 2) == verdict::kept);
}

TEST_CASE("first seen: an index built with another key is refused") {
  temp_dir t;
  std::vector<input_file> files{{"a.jsonl"}};
  first_seen_options o;
  o.index_path = (t.path / "seen.idx").string();
  {
    memory_budget budget;
    first_seen s(o, files, budget);
    s.decide(k(1), false, 0, 1);
    s.finish();
  }
  o.key = key_spec::parse({".prompt"}, "ws");
  memory_budget budget;
  CHECK_THROWS_AS(first_seen(o, files, budget), data_error);
}
