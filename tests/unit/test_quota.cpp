#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/stages/quota.hpp"

using namespace jsift;
using kind = quota_request::kind;

namespace {
const std::map<std::string, uint64_t> counts{{"chat", 600}, {"qa", 300}, {"pref", 100}};
uint64_t total_keep(const std::map<std::string, quota>& q) {
  uint64_t t = 0;
  for (auto& [g, x] : q) t += x.keep;
  return t;
}
}  // namespace

TEST_CASE("target shares: the largest total the data allows, exact counts") {
  quota_request r;
  r.mode = kind::target;
  r.shares = parse_shares("chat=0.5,qa=0.3,pref=0.2", "--target");
  auto q = plan_quotas(counts, r);
  // pref limits: 100 / 0.2 = 500 records in all
  CHECK(total_keep(q) == 500);
  CHECK(q["chat"].keep == 250);
  CHECK(q["qa"].keep == 150);
  CHECK(q["pref"].keep == 100);
}

TEST_CASE("target with --total apportions by largest remainder") {
  quota_request r;
  r.mode = kind::target;
  r.shares = parse_shares("chat=0.34,qa=0.33,pref=0.33", "--target");
  r.total = 100;
  auto q = plan_quotas(counts, r);
  CHECK(total_keep(q) == 100);
  CHECK(q["chat"].keep == 34);
  CHECK(q["pref"].keep == 33);
  CHECK(q["qa"].keep == 33);
}

TEST_CASE("infeasible targets are clear errors, upsampling is explicit") {
  quota_request r;
  r.mode = kind::target;
  r.shares = parse_shares("chat=0.5,pref=0.5", "--target");
  r.total = 400;  // pref has 100
  CHECK_THROWS_WITH(plan_quotas(counts, r), Catch::Contains("cannot keep 200 records of group 'pref': it has 100"));
  r.allow_upsample = true;
  auto q = plan_quotas(counts, r);
  CHECK(q["pref"].keep == 200);
  CHECK(q["qa"].keep == 0);  // not named, --others drop
  r.shares = parse_shares("chat=0.5,nope=0.5", "--target");
  CHECK_THROWS_WITH(plan_quotas(counts, r), Catch::Contains("no record has group 'nope'"));
  r.shares = parse_shares("chat=0.5,qa=0.3", "--target");
  CHECK_THROWS_WITH(plan_quotas(counts, r), Catch::Contains("sum to 0.8"));
}

TEST_CASE("others keep: unnamed groups kept whole and fill the rest") {
  quota_request r;
  r.mode = kind::target;
  r.shares = parse_shares("chat=0.5", "--target");
  r.others = others_policy::keep;
  auto q = plan_quotas(counts, r);  // others = 400 records = 50 %: total 800, chat 400
  CHECK(q["chat"].keep == 400);
  CHECK(q["qa"].keep == 300);
  CHECK(q["pref"].keep == 100);
}

TEST_CASE("caps, cap-all and equal") {
  quota_request r;
  r.mode = kind::cap;
  r.caps = parse_counts("chat=200,pref=500", "--cap");
  auto q = plan_quotas(counts, r);
  CHECK(q["chat"].keep == 200);
  CHECK(q["pref"].keep == 100);
  CHECK(q["qa"].keep == 0);
  r.others = others_policy::keep;
  CHECK(plan_quotas(counts, r)["qa"].keep == 300);
  r = {};
  r.mode = kind::cap_all;
  r.cap_all = 150;
  q = plan_quotas(counts, r);
  CHECK(q["chat"].keep == 150);
  CHECK(q["pref"].keep == 100);
  r = {};
  r.mode = kind::equal;
  q = plan_quotas(counts, r);
  CHECK(q["chat"].keep == 100);
  CHECK(q["qa"].keep == 100);
  CHECK(q["pref"].keep == 100);
  r.total = 200;
  q = plan_quotas(counts, r);
  CHECK(total_keep(q) == 200);
}

TEST_CASE("share and count parsing") {
  CHECK_THROWS_AS(parse_shares("chat", "--target"), usage_error);
  CHECK_THROWS_AS(parse_shares("chat=x", "--target"), usage_error);
  CHECK_THROWS_AS(parse_shares("chat=1.5", "--target"), usage_error);
  CHECK_THROWS_AS(parse_shares("a=0.5,a=0.5", "--target"), usage_error);
  CHECK_THROWS_AS(parse_counts("chat=-1", "--cap"), usage_error);
  CHECK(parse_counts("a=1,b=2", "--cap").at("b") == 2);
}

TEST_CASE("empty input plans nothing") {
  quota_request r;
  r.mode = kind::equal;
  CHECK(plan_quotas({}, r).empty());
  r.mode = kind::cap_all;
  r.cap_all = 5;
  CHECK(plan_quotas({}, r).empty());
}

TEST_CASE("quota spec: exactly one mode; total only with target or equal") {
  quota_spec none;
  CHECK_THROWS_AS(none.request(), option_error);
  quota_spec two;
  two.equal = true;
  two.cap_all = 5;
  CHECK_THROWS_AS(two.request(), option_error);
  quota_spec cap_total;
  cap_total.cap_all = 5;
  cap_total.total = 10;
  try {
    cap_total.request();
    FAIL("accepted --total with --cap-all");
  } catch (const option_error& e) {
    CHECK(e.field == "total");
    CHECK(std::string(e.what()) == "--total: goes with --target or --equal");
    CHECK(option_error::as_keys(e.problem) == "goes with target or equal");
  }
  quota_spec zero;
  zero.cap_all = 0;
  CHECK_THROWS_AS(zero.request(), option_error);
  quota_spec ok;
  ok.target = std::map<std::string, double>{{"a", 1.0}};
  ok.total = 10;
  ok.others = others_policy::keep;
  quota_request r = ok.request();
  CHECK(r.mode == kind::target);
  CHECK(r.total == 10u);
  CHECK(r.others == others_policy::keep);
}

TEST_CASE("shares: nan and inf are not shares") {
  CHECK_THROWS_AS(parse_shares("a=nan", "--target"), option_error);
  CHECK_THROWS_AS(parse_shares("a=inf", "--target"), option_error);
  CHECK_THROWS_AS(parse_shares("a=-0.5", "--target"), option_error);
}
