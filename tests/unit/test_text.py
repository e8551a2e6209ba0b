"""Tokenization: the domain dictionary's effect, stopwords, the HMM decision, the cache."""

from pathlib import Path

from zwgk.analyses.evaluation import EVALUATION_DIR
from zwgk.analyses.segmentation_eval import read_segmented_sample, score_segmentation
from zwgk.analyses.tokens import load_lexicon, segment, tokenize, tokenize_texts


def test_the_domain_dictionary_keeps_field_terms_whole() -> None:
    text = "进一步规范依申请公开工作，全面实施“双随机、一公开”监管，推动政务服务“一网通办”，用好“两微一端”"
    default = segment(text, use_lexicon=False)
    domain = segment(text)
    for term in ["依申请公开", "一网通办", "两微一端"]:
        assert term not in default
        assert term in domain
    assert default[2:5] == ["依", "申请", "公开"]
    assert "双随机一公开" in domain  # written with 、 in the text, kept as one word


def test_tokens_drop_boilerplate_numbers_and_single_characters() -> None:
    tokens = tokenize("进一步加强和推进政府网站集约化建设，2021年底前完成12345热线整合")
    assert {"进一步", "加强", "推进", "和", "2021"}.isdisjoint(tokens)
    assert {"政府网站", "集约化", "12345"} <= set(tokens)


def test_hmm_setting_is_the_better_one_on_the_hand_segmented_sample() -> None:
    sample = read_segmented_sample(EVALUATION_DIR / "segmentation_sample.txt")
    on, off = score_segmentation(sample, hmm=True), score_segmentation(sample, hmm=False)
    assert load_lexicon().hmm == (on.f1 > off.f1)
    assert max(on.f1, off.f1) >= 0.92
    assert on.n_words >= 250


def test_tokens_are_cached_by_content_hash(tmp_path: Path) -> None:
    texts = ["推进政府网站集约化建设", "规范依申请公开工作"]
    first = tokenize_texts(texts, cache_dir=tmp_path)
    cache = next(tmp_path.glob("tokens-*.parquet"))
    stamp = cache.stat().st_mtime_ns
    assert tokenize_texts(texts, cache_dir=str(tmp_path)) == first  # a folder given as a string reads the same cache
    assert cache.stat().st_mtime_ns == stamp  # nothing new: nothing written
    tokenize_texts([*texts, "优化12345政务热线"], cache_dir=tmp_path)
    assert cache.stat().st_mtime_ns != stamp


def test_tokenizing_over_two_processes_gives_the_same_tokens_in_the_same_order(tmp_path: Path, monkeypatch) -> None:
    from zwgk import parallel
    from zwgk.analyses import tokens as text_module

    texts = [f"{i}年底前推进政府网站集约化建设，规范依申请公开工作，优化12345政务热线{'公开' * (i % 7)}" for i in range(60)]
    serial = tokenize_texts(texts, cache_dir=tmp_path / "serial", workers=1)
    monkeypatch.setattr(text_module, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(parallel, "count_workers", lambda: 2)
    started = []
    real_pool = parallel.ProcessPoolExecutor
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", lambda *a, **k: started.append(a) or real_pool(*a, **k))
    parallel_tokens = tokenize_texts(texts, cache_dir=tmp_path / "parallel")
    assert started == [(2,)]  # the pool really ran
    assert parallel_tokens == serial
    assert [tokenize(t) for t in texts] == serial


def test_cutting_clause_by_clause_gives_the_words_of_cutting_the_whole_text() -> None:
    # segment() cuts each clause once and remembers it; that must not change a single word on
    # any line of the seed and reference plans (tables, prose, full-width digits, brackets).
    from tests.helpers.datadir import REPO_RAW
    from zwgk.analyses.tokens import _WORD_CHARS, _tokenizer

    lexicon = load_lexicon()
    whole = _tokenizer(lexicon)
    lines = [line for path in sorted(REPO_RAW.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 1000
    for line in lines:
        text = line
        for phrase, bare in lexicon.rewrites:
            text = text.replace(phrase, bare)
        expected = [word for word in whole.cut(text, HMM=lexicon.hmm) if _WORD_CHARS.search(word)]
        assert segment(line) == expected, line
