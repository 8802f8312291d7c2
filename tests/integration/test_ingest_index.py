"""Ingest the real articles into real chromadb + BM25 and search them with the real model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from knowledge.index import KnowledgeBase

pytestmark = pytest.mark.integration

ARTICLES = Path(__file__).resolve().parents[2] / "knowledge" / "articles"


def _copy(prefixes: list[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for prefix in prefixes:
        src = next(ARTICLES.glob(f"{prefix}_*.txt"))
        shutil.copy(src, folder / src.name)
    return folder


@pytest.mark.parametrize(
    ("question", "prefix"),
    [
        ("理赔一般要多长时间才能拿到钱？", "000"),
        ("坏账保护跟传统的催收有什么区别？", "001"),
        ("客户逾期以后我们第一步应该做什么？", "002"),
        ("先买后付的交易怎么防坏账？", "003"),
        ("信用险有哪些情况是不赔的？", "004"),
        ("壞帳保護跟傳統催收有什麼不一樣？", "001"),
    ],
)
def test_search_finds_the_article_that_answers(kb_data_dir: Path, question: str, prefix: str) -> None:
    hits = KnowledgeBase(kb_data_dir).search(question, k=3)
    assert len(hits) == 3
    assert hits[0].score >= hits[1].score >= hits[2].score
    assert any(h.chunk.doc_id.startswith(prefix) for h in hits), [h.chunk.chunk_id for h in hits]


def test_search_faq_paraphrase_meets_its_faq(kb_data_dir: Path) -> None:
    hit = KnowledgeBase(kb_data_dir).search("买方倒闭之后多少天内得提交索赔材料？", k=1)[0]
    assert hit.chunk.kind == "faq" and hit.chunk.doc_id.startswith("004")
    assert "30天内提交索赔文件" in hit.chunk.text
    assert 0.0 < hit.dense <= 1.0 and hit.lexical > 0.0


def test_off_topic_questions_score_below_on_topic_ones(kb_data_dir: Path) -> None:
    kb = KnowledgeBase(kb_data_dir)
    off = max(kb.search(q, k=1)[0].score for q in ["今天天气怎么样", "推荐几只股票", "车险怎么买", "给我讲个笑话"])
    on = min(kb.search(q, k=1)[0].score for q in ["理赔要多久？", "贸易信用保险保障哪些风险？", "应收账款逾期了怎么办？"])
    assert on > off + 0.1


def test_no_chunk_carries_teaser_or_debris(kb_data_dir: Path) -> None:
    chunks = KnowledgeBase(kb_data_dir).chunks()
    assert len(chunks) > 40
    assert {c.doc_id[:3] for c in chunks} == {"000", "001", "002", "003", "004"}
    for chunk in chunks:
        for needle in ("넶", "平均DSO为94天", "平均DSO为9", "浏览量", "您的姓名", "作者声明", "LJ", "1.5至2之间"):
            assert needle not in chunk.text and needle not in chunk.heading, (needle, chunk.chunk_id)


def test_reingest_changes_nothing(kb_data_dir: Path) -> None:
    kb = KnowledgeBase(kb_data_dir)
    before = [c.chunk_id for c in kb.chunks()]
    report = ingest_paths(kb)
    assert report.unchanged and not (report.added or report.updated or report.removed or report.failed)
    assert sorted(report.unchanged) == sorted({c[:20] for c in before})
    assert [c.chunk_id for c in KnowledgeBase(kb_data_dir).chunks()] == before
    assert "0 added, 0 updated, 5 unchanged, 0 removed" in report.summary()


def test_removed_and_changed_files_are_followed(tmp_path: Path) -> None:
    folder = _copy(["002", "003"], tmp_path / "articles")
    kb = KnowledgeBase(tmp_path / "data")
    first = ingest_paths(kb, [folder])
    assert sorted(d[:3] for d in first.added) == ["002", "003"]

    removed = next(folder.glob("003_*.txt"))
    removed.unlink()
    changed = next(folder.glob("002_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("几个关键环节", "四个关键环节"), encoding="utf-8")
    second = ingest_paths(kb, [folder])
    assert [d[:3] for d in second.removed] == ["003"]
    assert [d[:3] for d in second.updated] == ["002"]

    fresh = KnowledgeBase(tmp_path / "data")  # a new process reads the persisted index
    assert {c.doc_id[:3] for c in fresh.chunks()} == {"002"}
    assert all(not h.chunk.doc_id.startswith("003") for h in fresh.search("先买后付怎么避免坏账", k=8))
    assert any("四个关键环节" in c.text for c in fresh.chunks())
    # facts live with the chunks: the removed article's went with it, and they are rebuilt on re-ingest
    steps = [f for f in fresh.facts() if f.kind == "step"]
    assert steps and {f.doc_id[:3] for f in fresh.facts()} == {"002"}
    table = tmp_path / "data" / "index" / "chunks.json"
    stored = json.loads(table.read_text(encoding="utf-8"))
    for entry in stored["chunks"]:
        entry["facts"] = []
    table.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    assert not KnowledgeBase(tmp_path / "data").facts()
    third = ingest_paths(kb, [folder])
    assert third.unchanged and not third.updated
    assert [f.detail for f in KnowledgeBase(tmp_path / "data").facts() if f.kind == "step"] == [f.detail for f in steps]


def test_unreadable_file_is_reported_and_the_rest_ingest(tmp_path: Path) -> None:
    folder = _copy(["001"], tmp_path / "articles")
    (folder / "broken.txt").write_bytes("信用保险".encode("gbk") + b"\xff\xfe\x00")
    (folder / "notes.md").write_text(
        "# 信用额度调整说明\n\n当买方付款记录恶化时，应**立即**下调信用额度。\n\nFAQ:\n额度多久复核一次？\n建议每季度复核一次信用额度。\n",
        encoding="utf-8",
    )
    (folder / "page.html").write_text(
        "<html><head><title>x</title><script>var a=1;</script></head><body><h1>账期设置指南</h1>"
        "<p>新客户的账期一般不超过30天。</p><ul><li>优质客户可放宽</li></ul></body></html>",
        encoding="utf-8",
    )
    kb = KnowledgeBase(tmp_path / "data")
    report = ingest_paths(kb, [folder])
    assert [Path(p).name for p, _ in report.failed] == ["broken.txt"]
    assert "UTF-8" in report.failed[0][1] and "broken.txt" in report.summary()
    assert sorted(report.added) == sorted(["notes", "page", next(folder.glob("001_*.txt")).stem])
    chunks = {c.chunk_id: c for c in kb.chunks()}
    assert chunks["notes#faq0"].heading == "额度多久复核一次？"
    assert chunks["notes#s0"].heading == "" and "立即下调信用额度" in chunks["notes#s0"].text
    page = [c for c in chunks.values() if c.doc_id == "page"]
    assert page[0].title == "账期设置指南" and "var a" not in page[0].text
    assert ingest_paths(kb, [folder]).failed  # still reported on the next run, nothing else changes


def test_empty_data_dir_is_not_ready(tmp_path: Path) -> None:
    from knowledge.errors import RetrievalError

    kb = KnowledgeBase(tmp_path / "empty")
    assert not kb.ready()
    with pytest.raises(RetrievalError):
        kb.search("理赔要多久")


def test_search_reads_the_key_file_and_rebuilds_it_from_the_vector_store(kb_data_dir: Path, tmp_path: Path) -> None:
    question = "出货以后买家一直拖着不付钱该怎么处理？"
    expected = [(h.chunk.chunk_id, round(h.score, 5)) for h in KnowledgeBase(kb_data_dir).search(question, k=5)]
    without_chroma = tmp_path / "no-chroma"
    shutil.copytree(kb_data_dir, without_chroma)
    shutil.rmtree(without_chroma / "chroma")
    kb = KnowledgeBase(without_chroma)
    assert [(h.chunk.chunk_id, round(h.score, 5)) for h in kb.search(question, k=5)] == expected
    assert not (without_chroma / "chroma").exists()  # the chat path never opened the vector store

    without_keys = tmp_path / "no-keys"
    shutil.copytree(kb_data_dir, without_keys)
    (without_keys / "index" / "keys.npz").unlink()  # an index older than the key file
    kb = KnowledgeBase(without_keys)
    assert [(h.chunk.chunk_id, round(h.score, 5)) for h in kb.search(question, k=5)] == expected
    assert (without_keys / "index" / "keys.npz").is_file()
