"""The knowledge base as a langchain retriever: hits become Documents with their provenance."""

from __future__ import annotations

from langchain_core.retrievers import BaseRetriever

from knowledge.retriever import KnowledgeRetriever
from knowledge.types import Chunk, Hit


class FakeKnowledge:
    """Answers every search with the same two hits and remembers the queries."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 8) -> list[Hit]:
        self.queries.append((query, k))
        chunks = [
            Chunk("003_7a34e294a18c87e0#faq2", "003_7a34e294a18c87e0", "买方破产的理赔流程", "faq", "买方破产了怎么办？",
                  "买方被宣告破产后，被保险人应及时申报债权。", 120, 141),
            Chunk("000_49362f44c7737228#s4", "000_49362f44c7737228", "了解贸易信用保险", "section", "理赔",
                  "收到完整理赔文件后通常在30-60个工作日内完成审核赔付。", 300, 327),
        ]
        return [Hit(chunks[0], 0.81, 0.9, 3.2), Hit(chunks[1], 0.12, 0.5, 0.0)][:k]


def test_hits_become_documents_with_doc_id_title_and_offsets() -> None:
    kb = FakeKnowledge()
    retriever = KnowledgeRetriever(knowledge=kb, k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("客户破产了")
    assert kb.queries == [("客户破产了", 2)]
    assert [d.page_content for d in docs] == ["买方被宣告破产后，被保险人应及时申报债权。", "收到完整理赔文件后通常在30-60个工作日内完成审核赔付。"]
    assert docs[0].id == "003_7a34e294a18c87e0#faq2"
    assert docs[0].metadata == {
        "doc_id": "003_7a34e294a18c87e0", "title": "买方破产的理赔流程", "chunk_id": "003_7a34e294a18c87e0#faq2",
        "kind": "faq", "heading": "买方破产了怎么办？", "start": 120, "end": 141, "score": 0.81,
    }


def test_min_score_leaves_weak_passages_out() -> None:
    docs = KnowledgeRetriever(knowledge=FakeKnowledge(), k=2, min_score=0.5).invoke("破产")
    assert [d.metadata["doc_id"] for d in docs] == ["003_7a34e294a18c87e0"]


def test_a_key_the_question_nearly_repeats_beats_one_merely_close() -> None:
    import numpy as np

    from knowledge.retrieval import dense_part

    close, repeated, unrelated = dense_part(np.array([0.91, 0.96, 0.70], dtype=np.float32))
    assert repeated > close > unrelated == 0.0
    assert dense_part(np.array([0.90], dtype=np.float32))[0] == dense_part(np.array([0.92], dtype=np.float32))[0]


def test_the_scene_of_a_story_counts_less_than_what_it_asks() -> None:
    from knowledge.lexical import BM25
    from knowledge.questions import core_questions
    from knowledge.retrieval import Retriever
    from knowledge.terms import tokenize

    story = "我们家做宠物粮出口 订单都发往海湾国家 去年出口量翻倍 想知道理赔一般要多久"
    weights = Retriever._scene_weights(story, core_questions(story))
    assert "理赔" not in weights and weights["宠物"] < 1.0
    scene_doc = tokenize("宠物粮订单发往海湾")
    asked_doc = tokenize("出口理赔一般要多久")
    bm25 = BM25([scene_doc, asked_doc])
    plain, weighted = bm25.scores(tokenize(story)), bm25.scores(tokenize(story), weights)
    assert plain[0] > plain[1] and weighted[1] > weighted[0]
    assert bm25.ceiling(tokenize(story), weights) < bm25.ceiling(tokenize(story))
