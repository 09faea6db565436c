"""The LLM path's speed and tokens against a loopback server, beside LangChain's map-reduce.

Real articles (every feed and cluster in ../shared/evaldata, about 290) are replicated to
N (each copy made distinct by a first line of its own, or the duplicate filter would drop
it) and summarized against bench/loopback.py, an OpenAI-compatible server that answers in
LATENCY seconds, CONCURRENCY requests at a time, with competent replies. For each N it
prints, for a cold run of `briefing` (empty cache), a warm rerun (same inputs, same cache)
and, when installed (`pip install -e '.[bench]'`), LangChain's map-reduce (the LangGraph
"Summarize Text" tutorial's graph: one map call per 1,000-token chunk, collapse while the
summaries exceed 1,000 tokens, one final reduce; ChatOpenAI pointed at the same server):

- requests, and rounds: the longest chain of calls each waiting on the one before (a map
  reply, the merge made of it, a merge of merges ...);
- wall: seconds from the process start (imports included) to the written output, and
  wall over floor, the floor being max(rounds, requests / CONCURRENCY) x LATENCY, the
  least any client could take against this server;
- time to first request, from the inputs read (and split into sentences, for briefing);
- the client's own CPU seconds, which a machine shared with other jobs stretches least;
- prompt tokens over the unique source tokens (every article's title and text counted
  once), the response format's schema apart (its own ratio), and the share of prompt
  tokens the provider's prompt cache would have served.

Each run is its own process, so the client's CPU is not shared with the server's. The
LangChain/briefing wall ratio is printed per N.

Run: python bench/llm_path.py [--sizes 200,1000] [--latency 0.5] [--concurrency 4]
                               [--shared PATH] [--no-langchain]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODEL = "gpt-4.1-mini"


# --- the inputs ---------------------------------------------------------------------


def real_articles(shared: Path) -> list[dict[str, str]]:
    from briefing.ingest import ingest  # noqa: PLC0415 - the driver processes need none of it

    evaldata = shared / "evaldata"
    files = [
        *sorted((evaldata / "feeds").glob("*.rss")),
        *sorted((evaldata / "feeds").glob("*.atom")),
        *sorted((evaldata / "clusters").glob("*.json")),
    ]
    if not files:
        sys.exit(f"no inputs under {evaldata}; pass --shared PATH")
    articles = ingest([str(f) for f in files]).articles
    return [{"title": a.title, "text": "\n".join(a.paragraphs())} for a in articles]


def replicated(articles: list[dict[str, str]], count: int) -> list[dict[str, str]]:
    """`count` articles: the real ones, then copies, each copy's text opened by a line of
    its own so that no two are the same."""
    out = []
    for n in range(count):
        article = articles[n % len(articles)]
        copy = n // len(articles)
        text = article["text"]
        if copy:
            text = f"Edition {copy} of this report.\n{text}"
        out.append({"title": article["title"], "text": text})
    return out


def source_tokens(articles: list[dict[str, str]]) -> int:
    from briefing.llm.tokens import TokenCounter  # noqa: PLC0415

    counter = TokenCounter(MODEL)
    return sum(counter.count(f"{a['title']}\n{a['text']}") for a in articles)


# --- the server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(latency: float, concurrency: int) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, str(HERE / "loopback.py"), str(port), str(latency), str(concurrency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    assert server.stdout.readline().strip() == "ready"
    return server, f"http://127.0.0.1:{port}"


def server_call(url: str, path: str, post: bool = False) -> dict[str, Any]:
    request = urllib.request.Request(url + path, data=b"{}" if post else None)  # noqa: S310
    with urllib.request.urlopen(request) as reply:  # noqa: S310 - loopback
        answer: dict[str, Any] = json.loads(reply.read())
        return answer


# --- the clients, each in a process of its own ----------------------------------------


def cpu_seconds() -> float:
    """The client process's own CPU time: what a loaded machine stretches least."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def drive_briefing(folder: str, url: str, cache: str, out: str) -> dict[str, float]:
    started = time.time()
    import briefing  # noqa: PLC0415 - imports are part of the run
    from briefing.progress import reporting  # noqa: PLC0415

    marks: dict[str, float] = {}

    class Marks:
        def started(self, stage: str, total: int | None) -> None:
            pass

        def advanced(self, stage: str, steps: int) -> None:
            pass

        def finished(self, stage: str, done: int, seconds: float) -> None:  # noqa: ARG002
            marks[stage] = time.time()

    with reporting(Marks()):
        brief = briefing.generate(
            [folder],
            engine="openai",
            model=MODEL,
            base_url=url + "/v1",
            api_key="bench",
            cache_dir=Path(cache),
        )
        Path(out).write_text(briefing.render(brief, "json"), encoding="utf-8")
    return {
        "started": started,
        # A rerun answered by a kept brief of the same files splits nothing: no mark.
        "read": marks.get("splitting sentences", math.nan),
        "ended": time.time(),
        "cpu": cpu_seconds(),
    }


def drive_langchain(folder: str, url: str) -> dict[str, float]:
    started = time.time()
    from langchain_mapreduce import summarize  # noqa: PLC0415 - imports are part of the run

    return {"started": started, **summarize(folder, url, MODEL), "cpu": cpu_seconds()}


def run_client(args: list[str]) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    times: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return times


# --- measuring -------------------------------------------------------------------------


def measured(
    times: dict[str, float], stats: dict[str, Any], tokens: int, options: argparse.Namespace
) -> dict[str, Any]:
    requests = stats["requests"]
    rounds = max(stats["rounds"], default=0)
    floor = max(rounds, math.ceil(requests / options.concurrency)) * options.latency
    wall = times["ended"] - times["started"]
    prompt = stats["prompt_tokens"]
    return {
        "requests": requests,
        "rounds": rounds,
        "wall": wall,
        "floor": floor,
        "first": stats["first"] - times["read"] if stats["first"] else None,
        "read": times["read"] - times["started"],
        "cpu": times.get("cpu", math.nan),
        "prompt": prompt / tokens,
        "schema": stats["schema_tokens"] / tokens,
        "cached": stats["cached_tokens"] / (prompt + stats["schema_tokens"]) if prompt else 0.0,
    }


def row(name: str, m: dict[str, Any]) -> str:
    over = f"{m['wall'] / m['floor']:.2f}" if m["floor"] else "-"
    first = f"{m['first']:.2f}" if m["first"] is not None else "-"
    read = "-" if math.isnan(m["read"]) else f"{m['read']:.2f}"
    return (
        f"{name:<22} {m['requests']:>8} {m['rounds']:>6} {m['wall']:>8.2f} {over:>10} "
        f"{read:>6} {first:>8} {m['cpu']:>6.2f} {m['prompt']:>8.2f} {m['schema']:>7.2f} "
        f"{m['cached']:>7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000")
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    parser.add_argument("--no-langchain", action="store_true")
    options = parser.parse_args()
    try:
        import langchain_classic  # noqa: F401, PLC0415
        import langchain_openai  # noqa: F401, PLC0415
        import langgraph  # noqa: F401, PLC0415

        with_langchain = not options.no_langchain
    except ImportError:
        print("LangChain not installed (pip install -e '.[bench]'): briefing alone")
        with_langchain = False
    articles = real_articles(options.shared)
    print(
        f"{len(articles)} real articles from {options.shared}/evaldata; server: "
        f"{options.latency} s a reply, {options.concurrency} at a time"
    )
    server, url = start_server(options.latency, options.concurrency)
    try:
        for size in (int(s) for s in options.sizes.split(",")):
            day = replicated(articles, size)
            tokens = source_tokens(day)
            print(f"\nN={size}: {tokens:,} unique source tokens")
            print(
                f"{'':<22} {'requests':>8} {'rounds':>6} {'wall s':>8} {'wall/floor':>10} "
                f"{'read s':>6} {'first s':>8} {'cpu s':>6} {'prompt':>8} {'schema':>7} "
                f"{'cached':>7}"
            )
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp, "in")
                folder.mkdir()
                with Path(folder, "articles.jsonl").open("w", encoding="utf-8") as out:
                    out.writelines(json.dumps(a) + "\n" for a in day)
                walls = {}
                for name in ("briefing cold", "briefing warm rerun"):
                    server_call(url, "/reset", post=True)
                    args = ["--drive-briefing", str(folder), url, f"{tmp}/cache", f"{tmp}/b.json"]
                    m = measured(run_client(args), server_call(url, "/stats"), tokens, options)
                    walls[name] = m["wall"]
                    print(row(name, m))
                if with_langchain:
                    server_call(url, "/reset", post=True)
                    times = run_client(["--drive-langchain", str(folder), url])
                    m = measured(times, server_call(url, "/stats"), tokens, options)
                    print(row("LangChain map-reduce", m))
                    ratio = m["wall"] / walls["briefing cold"]
                    print(f"LangChain/briefing wall: {ratio:.2f}x")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--drive-briefing":
        print(json.dumps(drive_briefing(*sys.argv[2:6])))
    elif len(sys.argv) > 1 and sys.argv[1] == "--drive-langchain":
        print(json.dumps(drive_langchain(*sys.argv[2:4])))
    else:
        main()
