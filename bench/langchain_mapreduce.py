"""LangChain's map-reduce, for bench/llm_path.py: the LangGraph "Summarize Text"
tutorial's graph as written there (one map call per 1,000-token chunk, sent all at once;
the summaries collapsed group by group while they exceed 1,000 tokens; one final reduce),
with ChatOpenAI pointed at the loopback server. Chunks are cut with the model's own
encoding (o200k_base) rather than the tutorial's default gpt2, which would be downloaded.

Its annotations are evaluated by LangGraph at run time, so this module does not postpone
them (no `from __future__ import annotations`).
"""

import asyncio
import json
import operator
import os
import time
from pathlib import Path
from typing import Annotated, Literal, TypedDict

from langchain_classic.chains.combine_documents.reduce import acollapse_docs, split_list_of_docs
from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI
from langchain_text_splitters import CharacterTextSplitter
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from briefing.llm.tokens import VENDORED_DIR

# The tutorial's number: chunks and collapsed summaries of at most this many tokens.
TOKEN_MAX = 1000

MAP_PROMPT = ChatPromptTemplate.from_messages(
    [("human", "Write a concise summary of the following:\n\n{context}")]
)
REDUCE_PROMPT = ChatPromptTemplate(
    [
        (
            "human",
            (
                "The following is a set of summaries:\n{docs}\nTake these and distill it "
                "into a final, consolidated summary\nof the main themes."
            ),
        )
    ]
)


class OverallState(TypedDict):
    contents: list[str]
    summaries: Annotated[list[str], operator.add]
    collapsed_summaries: list[Document]
    final_summary: str


class SummaryState(TypedDict):
    content: str


def summarize(folder: str, url: str, model: str) -> dict[str, float]:  # noqa: C901 - the tutorial's graph, as one piece
    """Summarize `folder`/articles.jsonl; the times the input was read and the run ended."""
    # tiktoken would download its encodings; briefing ships them under tiktoken's names.
    os.environ["TIKTOKEN_CACHE_DIR"] = str(VENDORED_DIR)
    with Path(folder, "articles.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    documents = [Document(page_content=f"{r['title']}\n\n{r['text']}") for r in records]
    read = time.time()
    splitter = CharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="o200k_base", chunk_size=TOKEN_MAX, chunk_overlap=0
    )
    chunks = splitter.split_documents(documents)
    llm = ChatOpenAI(model=model, base_url=url + "/v1", api_key="bench")

    def length_function(documents: list[Document]) -> int:
        return sum(llm.get_num_tokens(doc.page_content) for doc in documents)

    async def generate_summary(state: SummaryState) -> dict[str, list[str]]:
        response = await llm.ainvoke(MAP_PROMPT.invoke(state["content"]))
        return {"summaries": [str(response.content)]}

    def map_summaries(state: OverallState) -> list[Send]:
        return [Send("generate_summary", {"content": c}) for c in state["contents"]]

    def collect_summaries(state: OverallState) -> dict[str, list[Document]]:
        return {"collapsed_summaries": [Document(s) for s in state["summaries"]]}

    async def _reduce(docs: list[Document]) -> str:
        response = await llm.ainvoke(REDUCE_PROMPT.invoke({"docs": docs}))
        return str(response.content)

    async def collapse_summaries(state: OverallState) -> dict[str, list[Document]]:
        doc_lists = split_list_of_docs(state["collapsed_summaries"], length_function, TOKEN_MAX)
        results = [await acollapse_docs(doc_list, _reduce) for doc_list in doc_lists]
        return {"collapsed_summaries": results}

    def should_collapse(
        state: OverallState,
    ) -> Literal["collapse_summaries", "generate_final_summary"]:
        if length_function(state["collapsed_summaries"]) > TOKEN_MAX:
            return "collapse_summaries"
        return "generate_final_summary"

    async def generate_final_summary(state: OverallState) -> dict[str, str]:
        return {"final_summary": await _reduce(state["collapsed_summaries"])}

    graph = StateGraph(OverallState)
    graph.add_node("generate_summary", generate_summary)
    graph.add_node("collect_summaries", collect_summaries)
    graph.add_node("collapse_summaries", collapse_summaries)
    graph.add_node("generate_final_summary", generate_final_summary)
    graph.add_conditional_edges(START, map_summaries, ["generate_summary"])
    graph.add_edge("generate_summary", "collect_summaries")
    graph.add_conditional_edges("collect_summaries", should_collapse)
    graph.add_conditional_edges("collapse_summaries", should_collapse)
    graph.add_edge("generate_final_summary", END)
    app = graph.compile()
    contents = [chunk.page_content for chunk in chunks]
    final = asyncio.run(app.ainvoke({"contents": contents}, {"recursion_limit": 1000}))
    if not final["final_summary"]:
        raise SystemExit("LangChain's map-reduce wrote no summary")
    return {"read": read, "ended": time.time()}
