"""`jsift diversity --html FILE`: one self-contained page (no network
references), user text escaped (a `<script>` in an opening or a label stays
text), and every chart draws: opened in headless Chromium, each
`svg.chart` the page holds has a non-zero rendered size (the page's own
script writes getBBox() into data-rendered-width/-height, which --dump-dom
shows). Chromium missing is a failure (scripts/setup.sh installs it) unless
JSIFT_ALLOW_NO_CHROMIUM=1."""
import html.parser
import json
import os
import re
import shutil
import subprocess
import unittest

from harness import *  # noqa: F401,F403

SCRIPT = "<script>alert(1)</script>"


def chat(text):
    return json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": text}]}) + "\n"


def dataset_a():
    """40 answers from four templates: near-duplicate clusters and a few openings."""
    templates = ["start with a fixed wake-up time even on weekends and keep it for {} days",
                 "many people switch careers in their forties and your experience transfers to {} roles",
                 "list every fixed cost first then decide what is left for {} goals",
                 "spaced repetition means reviewing just before you forget the {} cards"]
    return "".join(chat(templates[i % 4].format(["two", "three", "five", "seven", "ten"][i % 5])) for i in range(40))


def dataset_b():
    """25 answers, the most common opening holding a script tag."""
    texts = [SCRIPT + " is what the page must not run, example {}".format(i) for i in range(10)]
    texts += ["try one small step today and notice how it feels after {} minutes".format(i) for i in range(8)]
    texts += ["a different answer number {} with words of its own".format(i) for i in range(7)]
    return "".join(chat(t) for t in texts)


class svg_sizes(html.parser.HTMLParser):
    """The charts of a page (id -> (width, height) as rendered, or None) and its script tags."""

    def __init__(self, text):
        super().__init__()
        self.charts, self.scripts = {}, 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "svg" and "chart" in (a.get("class") or "").split():
            w, h = a.get("data-rendered-width"), a.get("data-rendered-height")
            self.charts[a.get("id")] = (float(w), float(h)) if w is not None and h is not None else None


class diversity_html(jsift_case):
    def page(self, *inputs):
        out = self.path("page.html")
        r = self.run_jsift("diversity", "--near", "--tokens", "whitespace", "--html", out, "--json", *inputs)
        self.assertEqual(r.rc, 0, r.err)
        json.loads(r.out)  # stdout still carries the JSON report
        return out, slurp(out).decode("utf-8")

    def render(self, page):
        """The page's charts as headless Chromium renders them."""
        browser = shutil.which("chromium")
        if browser is None:
            if os.environ.get("JSIFT_ALLOW_NO_CHROMIUM") == "1":
                raise unittest.SkipTest("chromium is not installed (JSIFT_ALLOW_NO_CHROMIUM=1)")
            self.fail("chromium is not installed: scripts/setup.sh installs it "
                      "(or set JSIFT_ALLOW_NO_CHROMIUM=1 to leave this check out)")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + self.path("profile"),
               "--dump-dom", "file://" + os.path.abspath(page)]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace")[-2000:])
        return svg_sizes(r.stdout.decode("utf-8"))

    def assert_self_contained(self, text):
        self.assertIsNone(re.search(r"https?://", text, re.I), "a network reference")
        for needle in ("<link", " src=", "url(", "@import", "<iframe"):
            self.assertNotIn(needle, text)

    def assert_renders(self, page, text, expected):
        ids = list(svg_sizes(text).charts)
        self.assertEqual(len(ids), len(set(ids)), "chart ids are unique")
        self.assertTrue(set(expected) <= set(ids), (expected, ids))
        dom = self.render(page)
        self.assertEqual(dom.scripts, 1, "only the page's own script is a script element")
        for i in ids:
            self.assertIn(i, dom.charts, "chart %s is in the rendered DOM" % i)
            size = dom.charts[i]
            self.assertIsNotNone(size, "chart %s: the script wrote no size" % i)
            self.assertTrue(size[0] > 0 and size[1] > 0, "chart %s renders %s x %s" % (i, size[0], size[1]))

    def test_two_datasets(self):
        a, b = self.write("a.jsonl", dataset_a()), self.write("b.jsonl", dataset_b())
        page, text = self.page("--label", "ours <b>v1</b>", a, b)
        self.assert_self_contained(text)
        self.assertNotIn(SCRIPT, text)
        self.assertNotIn("<b>v1", text)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", text)
        self.assertIn("ours &lt;b&gt;v1&lt;/b&gt;", text)
        self.assertIn("jsift " + json.loads(self.run_jsift("diversity", "--json", a).out)["jsift_version"], text)
        self.assert_renders(page, text, ["length-c0", "distinct-c0", "openings-c0-d0", "openings-c0-d1", "near-c0-d0",
                                         "near-c0-d1"])

    def test_one_dataset(self):
        page, text = self.page(self.write("a.jsonl", dataset_a()))
        self.assert_self_contained(text)
        self.assertNotIn("-d1\"", text)
        self.assert_renders(page, text, ["length-c0", "distinct-c0", "openings-c0-d0", "near-c0-d0"])

    def test_groups(self):
        lines = [json.loads(l) for l in dataset_a().splitlines()]
        for i, rec in enumerate(lines):
            rec["kind"] = ["chat", "qa", "tool"][i % 3]
        a = self.write("a.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
        page, text = self.page("--by", ".kind", a, self.write("b.jsonl", dataset_b()))
        self.assert_self_contained(text)
        self.assert_renders(page, text, ["length-c0", "distinct-c0", "groups-c0"])

    def test_html_is_an_output(self):
        a = self.write("a.jsonl", dataset_a())
        same = self.path("same.json")
        r = self.run_jsift("diversity", "--json", "--html", same, "--report", same, a)
        self.assertEqual(r.rc, 2, r.err)
        self.assertFalse(os.path.exists(same))


if __name__ == "__main__":
    unittest.main()
