"""How well briefing.stories groups a day's sources into stories, and how fast.

The 11 dev clusters (../shared/evaldata/clusters) are read as one day through the real
ingest (each cluster file gives several sources, their origins `FILE#N`); the cluster
files are the labels. Prints BCubed precision, recall and F1 of `group_stories` and of a
baseline (plain TF-IDF, agglomerative clustering, cosine, average link) whose threshold
is tuned on that same mix, then the checks that tell whether the method generalises:

- random sub-mixes of the dev clusters, and leave-clusters-out: the baseline tuned on
  some clusters and scored on the others (our constants are fixed, never re-tuned);
- the dev clusters among the 234 feed items of ../shared/evaldata/feeds (BCubed over the
  dev articles: a feed item in a dev story costs precision);
- the 8 HTML pages: the 4 plague pages are one story, the other 4 one each;
- one group per cluster file read alone;
- each clustering constant scaled by 2/3 and 3/2;
- the feeds alone: every group of two or more, to read by eye;
- the time to group 1,000 articles, against the 5 s target.

Run: python bench/stories.py [PATH_TO_SHARED]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from briefing.pipeline import load_sources
from briefing.stories import clustering, group_stories

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from briefing.models import Source

TARGET_SECONDS = 5.0
PLAGUE = ("nypost", "express", "smithsonianmag", "thesun")


def bcubed(
    truth: Sequence[str], predicted: Sequence[int], scored: int | None = None
) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 over the first `scored` items (all by default)."""
    scored = len(truth) if scored is None else scored
    precision = recall = 0.0
    for i in range(scored):
        same_group = {j for j, p in enumerate(predicted) if p == predicted[i]}
        same_label = {j for j, t in enumerate(truth) if t == truth[i]}
        both = len(same_group & same_label)
        precision += both / len(same_group)
        recall += both / len(same_label)
    precision, recall = precision / scored, recall / scored
    return precision, recall, 2 * precision * recall / (precision + recall)


def ours(sources: Sequence[Source]) -> list[int]:
    label = {}
    for number, group in enumerate(group_stories(sources)):
        label.update(dict.fromkeys(group.source_ids, number))
    return [label[s.id] for s in sources]


def baseline(threshold: float) -> Callable[[Sequence[Source]], list[int]]:
    def group(sources: Sequence[Source]) -> list[int]:
        if len(sources) < 2:
            return [0] * len(sources)
        texts = [s.title + "\n" + " ".join(p.text for p in s.passages) for s in sources]
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
        model = AgglomerativeClustering(
            n_clusters=None, distance_threshold=threshold, metric="cosine", linkage="average"
        )
        return [int(x) for x in model.fit_predict(matrix.toarray())]

    return group


def with_vectors(sources: Sequence[Source]) -> list[int]:
    """`group_stories` given vectors: 100-dimension LSA of TF-IDF, standing in for the
    embeddings of a model server (none is reachable here)."""
    texts = [s.title + "\n" + " ".join(p.text for p in s.passages) for s in sources]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    dims = min(100, matrix.shape[1] - 1, len(sources) - 1)
    vectors = TruncatedSVD(dims, random_state=0).fit_transform(matrix)
    label = {}
    for number, group in enumerate(group_stories(sources, vectors)):
        label.update(dict.fromkeys(group.source_ids, number))
    return [label[s.id] for s in sources]


def tuned(sources: Sequence[Source], truth: Sequence[str]) -> float:
    grid = [round(t, 2) for t in np.arange(0.30, 1.0, 0.01)]
    return max(grid, key=lambda t: (bcubed(truth, baseline(t)(sources))[2], -t))


def cluster_file(source: Source) -> str:
    return Path(source.origin.split("#")[0]).name


def f1(group: Callable[[Sequence[Source]], list[int]], sources: Sequence[Source]) -> float:
    return bcubed([cluster_file(s) for s in sources], group(sources))[2]


def pick(sources: Sequence[Source], files: set[str]) -> list[Source]:
    return [s for s in sources if cluster_file(s) in files]


def report(name: str, scores: tuple[float, float, float]) -> None:
    p, r, f = scores
    print(f"  {name:44} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")


CONSTANTS = ("SAME_STORY", "SHARED_WEIGHT", "SHARED_NAMES")


@contextmanager
def scaled(name: str, factor: float) -> Iterator[None]:
    saved = getattr(clustering, name)
    setattr(clustering, name, saved * factor)
    try:
        yield
    finally:
        setattr(clustering, name, saved)


def renumbered(sources: Sequence[Source], prefix: str) -> list[Source]:
    """Sources read in separate runs, with ids that stay unique once they are mixed."""
    return [s.model_copy(update={"id": f"{prefix}{s.id}"}) for s in sources]


def shuffled_copy(source: Source, number: int, rng: random.Random) -> Source:
    passages = []
    for passage in source.passages:
        words = passage.text.split()
        rng.shuffle(words)
        passages.append(passage.model_copy(update={"text": " ".join(words)}))
    return source.model_copy(update={"id": f"S{number}", "passages": passages})


@dataclass(frozen=True)
class Day:
    """The labelled inputs every check draws on."""

    dev: list[Source]
    truth: list[str]
    feeds: list[Source]
    pages: list[Source]
    page_truth: list[str]
    threshold: float  # the baseline's, tuned on the dev mix

    @property
    def files(self) -> list[str]:
        return sorted(set(self.truth))

    @property
    def mixed(self) -> tuple[list[Source], list[str]]:
        feeds = [f"feed {i}" for i in range(len(self.feeds))]
        return [*self.dev, *self.feeds], [*self.truth, *feeds]


def read_day(data: Path) -> Day:
    _, dev, _ = load_sources([str(data / "clusters")])
    truth = [cluster_file(s) for s in dev]
    _, feeds, _ = load_sources([str(data / "feeds")])
    _, pages, _ = load_sources(sorted(str(p) for p in (data / "pages").glob("*.html")))
    page_truth = [
        "plague" if Path(s.origin).name.startswith(PLAGUE) else Path(s.origin).name for s in pages
    ]
    return Day(
        dev, truth, renumbered(feeds, "F"), renumbered(pages, "P"), page_truth, tuned(dev, truth)
    )


def dev_mix(day: Day) -> None:
    print(f"dev mix: {len(day.dev)} articles from {len(day.files)} cluster files, as one day")
    report("group_stories", bcubed(day.truth, ours(day.dev)))
    report(
        f"baseline TF-IDF average link, tuned: {day.threshold:.2f}",
        bcubed(day.truth, baseline(day.threshold)(day.dev)),
    )


def sub_mixes(day: Day, rng: random.Random) -> None:
    print("\nrandom sub-mixes of 3 to 8 dev clusters (30 draws), F1 mean / min")
    mine, base = [], []
    for _ in range(30):
        chosen = pick(day.dev, set(rng.sample(day.files, rng.randint(3, 8))))
        mine.append(f1(ours, chosen))
        base.append(f1(baseline(day.threshold), chosen))
    print(f"  group_stories {statistics.mean(mine):.3f} / {min(mine):.3f}")
    print(f"  baseline      {statistics.mean(base):.3f} / {min(base):.3f}"
          " (threshold tuned on all 11)")  # fmt: skip


def clusters_left_out(day: Day, rng: random.Random) -> None:
    print("\nleave-clusters-out (20 splits, 6 clusters to tune the baseline, 5 held out)")
    mine, base, thresholds = [], [], []
    for _ in range(20):
        held = set(rng.sample(day.files, 5))
        train = [s for s in day.dev if cluster_file(s) not in held]
        test = pick(day.dev, held)
        threshold = tuned(train, [cluster_file(s) for s in train])
        thresholds.append(threshold)
        mine.append(f1(ours, test))
        base.append(f1(baseline(threshold), test))
    print(f"  group_stories on the held-out mix  {statistics.mean(mine):.3f} / {min(mine):.3f}")
    print(f"  baseline on the held-out mix       {statistics.mean(base):.3f} / {min(base):.3f}"
          f" (thresholds tuned: {min(thresholds):.2f} to {max(thresholds):.2f})")  # fmt: skip


def among_feeds_and_pages(day: Day) -> None:
    mixed, mixed_truth = day.mixed
    print(f"\ndev clusters among {len(day.feeds)} feed items (scored on the dev articles)")
    report("group_stories", bcubed(mixed_truth, ours(mixed), len(day.dev)))
    report("baseline", bcubed(mixed_truth, baseline(day.threshold)(mixed), len(day.dev)))
    print(f"\n{len(day.pages)} HTML pages: the 4 plague pages one story, the others one each")
    report("group_stories", bcubed(day.page_truth, ours(day.pages)))
    report("baseline", bcubed(day.page_truth, baseline(day.threshold)(day.pages)))


def site_headlines(day: Day) -> None:
    """Four of the submarine cluster's five pages are headed "The Japan Times Online".
    Each other cluster is mixed with it, its pages given that same headline, as if the
    site had covered that story too: the headline must not join the two."""
    site = next(f for f in day.files if "chinese-submarine" in f)
    scores, base = [], []
    for other in day.files:
        if other != site:
            retitled = [
                s.model_copy(update={"title": "The Japan Times Online"})
                for s in pick(day.dev, {other})
            ]
            both = [*pick(day.dev, {site}), *retitled]
            scores.append(f1(ours, both))
            base.append(f1(baseline(day.threshold), both))
    print("\neach cluster beside the Japan Times one, under its headline (10 mixes), F1")
    print(f"  group_stories {statistics.mean(scores):.3f} mean, {min(scores):.3f} worst")
    print(f"  baseline      {statistics.mean(base):.3f} mean, {min(base):.3f} worst")


def given_vectors(day: Day) -> None:
    mixed, mixed_truth = day.mixed
    print("\ngroup_stories given vectors (LSA of TF-IDF standing in for embeddings)")
    report("dev mix", bcubed(day.truth, with_vectors(day.dev)))
    report("dev among the feed items", bcubed(mixed_truth, with_vectors(mixed), len(day.dev)))
    report("pages", bcubed(day.page_truth, with_vectors(day.pages)))


def one_file_alone(day: Day) -> None:
    print("\none cluster file alone: groups per file (1 is right)")
    counts = {name: len(set(ours(pick(day.dev, {name})))) for name in day.files}
    base = [len(set(baseline(day.threshold)(pick(day.dev, {n})))) for n in day.files]
    print("  group_stories", " ".join(str(c) for c in counts.values()))
    print("  baseline     ", " ".join(str(c) for c in base))
    for name, count in counts.items():
        if count > 1:
            print(f"  {name}: {count} groups")


def sensitivity(day: Day) -> None:
    mixed, mixed_truth = day.mixed
    print("\nclustering constants scaled by 2/3 and 3/2: F1 dev / dev among feeds / pages")
    for name in CONSTANTS:
        for factor in (2 / 3, 1, 3 / 2):
            with scaled(name, factor):
                scores = (
                    bcubed(day.truth, ours(day.dev))[2],
                    bcubed(mixed_truth, ours(mixed), len(day.dev))[2],
                    bcubed(day.page_truth, ours(day.pages))[2],
                )
            print(f"  {name} x{factor:.2f}: " + " / ".join(f"{s:.3f}" for s in scores))


def feeds_by_eye(day: Day) -> None:
    print(f"\nfeeds alone ({len(day.feeds)} items): groups of two or more, to read by eye")
    groups = group_stories(day.feeds)
    by_id = {s.id: s for s in day.feeds}
    singles = sum(1 for g in groups if len(g.source_ids) == 1)
    print(f"  {len(groups)} groups, {singles} of one item")
    for group in groups:
        if len(group.source_ids) > 1:
            print(f"  {group.id} ({group.outlets} outlets)")
            for source in (by_id[sid] for sid in group.source_ids):
                print(f"    {source.label()[:12]:12} {source.title[:80]}")


def speed(day: Day, rng: random.Random) -> None:
    corpus = [*day.dev, *day.feeds, *day.pages]
    copies = 1000 - len(corpus)
    corpus += [
        shuffled_copy(corpus[i % len(corpus)], len(corpus) + i + 1, rng) for i in range(copies)
    ]
    group_stories(corpus[:50])  # word lists and caches loaded once per process
    started, cpu = time.perf_counter(), time.process_time()
    groups = group_stories(corpus)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"\n1,000 articles: the {len(day.dev)} dev, {len(day.feeds)} feed and"
          f" {len(day.pages)} page sources, and {copies} copies of them with the words of"
          " each paragraph shuffled")  # fmt: skip
    print(f"  grouped in {seconds:.2f} s ({cpu:.2f} s of CPU) into {len(groups)} groups;"
          f" ratio to the {TARGET_SECONDS:.0f} s target"
          f" {seconds / TARGET_SECONDS:.2f}")  # fmt: skip


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared"
    data = shared / "evaldata"
    if not (data / "clusters").is_dir():
        sys.exit(f"no clusters under {data}")
    day = read_day(data)
    rng = random.Random(8)  # noqa: S311 - reproducible mixes, not secrets
    dev_mix(day)
    sub_mixes(day, rng)
    clusters_left_out(day, rng)
    among_feeds_and_pages(day)
    site_headlines(day)
    given_vectors(day)
    one_file_alone(day)
    sensitivity(day)
    feeds_by_eye(day)
    speed(day, rng)


if __name__ == "__main__":
    main()
