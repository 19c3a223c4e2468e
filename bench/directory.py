"""Benchmark of the directory page: 200 varied searches and filters, server time and queries.

Fill a PostgreSQL database first (see docs/performance.md), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/roadmap_bench \
        .venv/bin/python bench/directory.py [--queries 200] [--seed 7]

Each request goes through the whole Django stack (middleware, view, search, template) with
the production settings (DEBUG off), in this process: the figure is server time without the
network. Every query runs once to warm the caches, then once measured.
"""

import argparse
import os
import random
import statistics
import sys
import time
import unicodedata
from urllib.parse import urlencode

from production_django import setup

# The search's own time: a page served from the page cache (lib/pagecache.py) would
# measure the cache instead.
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from orgs.models import (  # noqa: E402
    FieldOfActivity,
    Municipality,
    NeedKind,
    Organization,
    SearchWord,
    TargetGroup,
)

COMMON_WORDS = [
    "jauniešu", "sporta", "jaunimo", "sporto", "ungdom", "idrott", "jovens", "desporto",
    "νεολαίας", "αθλητικές", "biedrība", "associação", "kopienas", "föreningen",
]  # fmt: skip


def strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def typo(rng, word):
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "swap", "replace"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourst") + word[i + 1 :]


def build_queries(rng, total):
    published = Organization.objects.published()
    sample_names = list(published.order_by("?").values_list("name", flat=True)[: total // 4])
    long_words = list(
        SearchWord.objects.filter(word__regex=r"^[a-z]{7,}$")
        .order_by("?")
        .values_list("word", flat=True)[:100]
    )
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    countries = sorted({str(c) for c in Municipality.objects.values_list("country", flat=True)})
    fields = list(FieldOfActivity.objects.values_list("pk", flat=True))
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    needs = list(NeedKind.objects.values_list("pk", flat=True))
    types = list(Organization.Type.values)

    def random_filter():
        choice = rng.choice(["country", "municipality", "type", "field", "target_group", "offers"])
        value = {
            "country": lambda: rng.choice(countries),
            "municipality": lambda: rng.choice(municipalities),
            "type": lambda: rng.choice(types),
            "field": lambda: rng.choice(fields),
            "target_group": lambda: rng.choice(groups),
            "offers": lambda: rng.choice(needs),
        }[choice]()
        return {choice: value}

    queries = []
    for _ in range(total * 20 // 100):  # words that match a large share of the rows
        params = {"q": rng.choice(COMMON_WORDS)}
        if rng.random() < 0.3:
            params["page"] = rng.randint(2, 5)
        if rng.random() < 0.3:
            params["sort"] = rng.choice(["name", "updated"])
        queries.append(("common word", params))
    for name in sample_names[: total * 20 // 100]:  # rare: a real name, as typed
        words = name.replace("„", " ").replace("”", " ").replace("“", " ").split()
        queries.append(("rare name", {"q": " ".join(words[-2:])}))
    for name in sample_names[total * 20 // 100 :][: total * 5 // 100]:
        queries.append(("name without accents", {"q": strip_accents(name.split()[-1])}))
    for word in long_words[: total * 15 // 100]:  # one typo in a known word
        queries.append(("typo", {"q": typo(rng, word)}))
    for _ in range(total * 5 // 100):  # no words, no filters: browsing
        params = {}
        if rng.random() < 0.5:
            params["sort"] = rng.choice(["name", "updated"])
        if rng.random() < 0.5:
            params["page"] = rng.randint(2, 5)
        queries.append(("browse everything", params))
    for _ in range(total * 20 // 100):  # filters with no text
        params = random_filter()
        if rng.random() < 0.4:
            params |= random_filter()
        if rng.random() < 0.2:
            params["social_enterprise"] = "on"
        if rng.random() < 0.3:
            params["sort"] = rng.choice(["name", "updated"])
        if rng.random() < 0.2:
            params["page"] = rng.randint(2, 5)
        queries.append(("filters only", params))
    while len(queries) < total:  # words and filters together
        params = {"q": rng.choice(COMMON_WORDS + long_words[:20])} | random_filter()
        queries.append(("words and filters", params))
    return queries[:total]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--language", default="lv")
    parser.add_argument("--show-slowest", type=int, default=5)
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("The benchmark measures PostgreSQL: set DATABASE_URL.")
    call_command("collectstatic", interactive=False, verbosity=0)
    total = Organization.objects.count()
    published = Organization.objects.published().count()
    rng = random.Random(args.seed)  # noqa: S311
    queries = build_queries(rng, args.queries)
    client = Client(SERVER_NAME="localhost")
    url = f"/{args.language}/organizations/"

    for _kind, params in queries:  # warm-up
        client.get(url, params)

    timings, query_counts, by_kind, slowest = [], [], {}, []
    for kind, params in queries:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            sys.exit(f"{url}?{urlencode(params)} answered {response.status_code}")
        timings.append(elapsed)
        query_counts.append(len(captured))
        by_kind.setdefault(kind, []).append(elapsed)
        slowest.append((elapsed, kind, urlencode(params)))

    print(f"Directory benchmark: {total:,} organizations ({published:,} published)")
    print(f"PostgreSQL {connection.pg_version // 10000}, {len(queries)} requests to {url}")
    print(
        f"server time  p50 {statistics.median(timings):6.1f} ms   "
        f"p95 {percentile(timings, 0.95):6.1f} ms   max {max(timings):6.1f} ms"
    )
    print(f"queries per page  min {min(query_counts)}  max {max(query_counts)}")
    for kind, values in by_kind.items():
        print(
            f"  {kind:<22} n={len(values):3}  p50 {statistics.median(values):6.1f} ms"
            f"  p95 {percentile(values, 0.95):6.1f} ms  max {max(values):6.1f} ms"
        )
    print("slowest:")
    for elapsed, kind, params in sorted(slowest, reverse=True)[: args.show_slowest]:
        print(f"  {elapsed:6.1f} ms  {kind:<22} ?{params}")


if __name__ == "__main__":
    main()
