"""Benchmark lectures (#14) and write section "lectures" of docs/BENCHMARKS.md.

Measures, on the real recordings and subtitles in ../shared/data/media (see its README):

1. Cited answers: for the questions in data/lecture_eval/questions.jsonl, whether the first
   cited moment overlaps the gold span (Citation@1), and abstention on the questions the
   lecture does not answer. The same-language abstention threshold is calibrated on the
   ``dev`` half and reported on the ``test`` half. Baselines side by side: BM25 alone over
   the same passages (keyword search in the subtitles, what a user would do with Ctrl+F)
   and dense retrieval alone.
2. Chapters: boundary precision/recall/F1 within ±15 s against the 14-chapter WebVTT
   track of the ableplayer panel video; baselines: uniform chapters (same count as ours,
   and the gold count, an oracle), and NLTK's TextTilingTokenizer (Hearst 1997, word
   counts) over the same sentences.
3. Speech recognition: word error rate against the human text, and real-time factor, for
   the files that have one; our decoding (Silero VAD with 500 ms silences, word times)
   beside core.speech.stt's (no VAD) on the same model.
4. Time from upload to the first key moment for a 10-minute recording, built by
   concatenating the real recordings with ffmpeg in a temp dir (never committed).

Run: ``.venv/bin/python -m scripts.bench_lectures`` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from core.embeddings import get_embedder
from core.lectures import (
    LectureIndex,
    answer_question,
    boundary_f1,
    lecture_from_path,
    parse_subtitles,
)
from core.lectures.chapters import (
    DEPTH_CUTOFF_SD,
    find_boundaries,
    speaker_boundaries,
    summarize_lecture,
    timed_sentences,
    uniform_boundaries,
)
from core.lectures.qa import ABSTAIN_THRESHOLD, ABSTAIN_THRESHOLD_CROSSLINGUAL
from core.lectures.transcribe import transcribe_file
from core.settings import Settings
from scripts.benchlib import ROOT, SHARED_DATA, machine_line, write_section

MEDIA = SHARED_DATA / "media"
QUESTIONS = ROOT / "data" / "lecture_eval" / "questions.jsonl"


def overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 <= b1 and b0 <= a1


# ------------------------------------------------------------------ 1. cited answers
def bench_answers(settings: Settings, embedder) -> tuple[str, float]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    lectures: dict[str, LectureIndex] = {}
    for r in rows:
        if r["file"] not in lectures:
            lectures[r["file"]] = LectureIndex.build(lecture_from_path(str(MEDIA / r["file"]), settings), embedder)
    # Evidence of every question once; then thresholds are applied offline.
    scored = []
    for r in rows:
        lec = lectures[r["file"]]
        order, scores, lang, cross = lec.evidence(r["question"])
        m = lec.sentences[lec.moment(order[0], r["question"])]
        top = (m.start_s, m.end_s)
        bm25 = lec.index.retrieve(r["question"], top_k=1, mode="bm25")
        dense = lec.index.retrieve(r["question"], top_k=1, mode="dense")
        def span(hits, lec=lec, q=r["question"]):
            if not hits:
                return None
            m = lec.sentences[lec.moment(int(hits[0].node.metadata["order"]), q)]
            return m.start_s, m.end_s

        scored.append({**r, "best": scores[0], "cross": cross, "top": top, "bm25": span(bm25), "dense": span(dense)})

    def correct(s, key="top") -> bool:
        sp = s[key]
        return sp is not None and overlaps(sp[0], sp[1], s["start_s"], s["end_s"])

    # Calibrate the same-language threshold on dev: best accuracy of answer/abstain decisions
    # where an answer counts only when its first citation is right.
    dev = [s for s in scored if s["split"] == "dev" and not s["cross"]]

    def decision_acc(items, thr):
        """Balanced accuracy: mean of (answerable: answered with a right first citation) and
        (unanswerable: abstained), so the few unanswerable questions weigh as much as the rest."""
        ans = [s for s in items if s["answerable"]]
        una = [s for s in items if not s["answerable"]]
        a = np.mean([s["best"] >= thr and correct(s) for s in ans]) if ans else 1.0
        u = np.mean([s["best"] < thr for s in una]) if una else 1.0
        return float((a + u) / 2)

    grid = np.round(np.arange(0.20, 0.81, 0.01), 2)
    accs = [decision_acc(dev, t) for t in grid]
    best_acc = max(accs)
    plateau = [float(t) for t, a in zip(grid, accs, strict=True) if a == best_acc]
    calibrated = float(np.median(plateau))
    print("dev decision accuracy by threshold:", dict(zip(grid.tolist(), np.round(accs, 2).tolist(), strict=True)))

    # Full pipeline on test with the shipped thresholds (answer_question, extractive).
    test = [s for s in scored if s["split"] == "test"]
    groups = defaultdict(list)
    for s in scored:
        if not s["answerable"]:
            continue
        kind = "cross-lingual (RU question, EN lecture)" if s["cross"] else ("RU" if s["lang"] == "ru" else "EN")
        groups[(s["split"], kind)].append(s)
    lines = [
        "### Cited answers (Citation@1: the first cited moment overlaps the gold span)",
        "",
        f"{len(rows)} questions written for this benchmark (data/lecture_eval/, {sum(not r['answerable'] for r in rows)} "
        "unanswerable), on the hf_course EN and RU subtitles, the ableplayer captions and two Whisper "
        "transcripts (silero EN lecture, auto-editor video). Passages are consecutive sentences of at least 12 s; "
        "each method cites the best-matching sentence of its top passage (LectureIndex.moment), so all three "
        "are judged on a moment of one sentence.",
        "",
        "| split | questions | n | Margo (hybrid + lexical evidence) | BM25 alone | dense (USE) alone |",
        "|---|---|---|---|---|---|",
    ]
    for split in ("dev", "test"):
        for kind in ("EN", "RU", "cross-lingual (RU question, EN lecture)"):
            items = groups.get((split, kind), [])
            if not items:
                continue
            m = np.mean([correct(s) for s in items])
            b = np.mean([correct(s, "bm25") for s in items])
            d = np.mean([correct(s, "dense") for s in items])
            lines.append(f"| {split} | {kind} | {len(items)} | {m:.2f} | {b:.2f} | {d:.2f} |")
    # Abstention on test with the shipped thresholds.
    ans_t = [s for s in test if s["answerable"]]
    una_t = [s for s in test if not s["answerable"]]

    def thr_of(s):
        return ABSTAIN_THRESHOLD_CROSSLINGUAL if s["cross"] else ABSTAIN_THRESHOLD

    answered_right = np.mean([s["best"] >= thr_of(s) and correct(s) for s in ans_t])
    wrongly_abstained = np.mean([s["best"] < thr_of(s) for s in ans_t])
    abstained_ok = np.mean([s["best"] < thr_of(s) for s in una_t])
    # One end-to-end call through answer_question, to check that the shipped function agrees.
    e2e = []
    for s in test:
        a = answer_question(lectures[s["file"]], s["question"])
        e2e.append(a.abstained == (s["best"] < thr_of(s)))
    lines += [
        "",
        f"Abstention threshold (same language): shipped {ABSTAIN_THRESHOLD:.2f}; calibrated on the dev half "
        f"({len(dev)} same-language questions, {sum(not s['answerable'] for s in dev)} unanswerable; balanced "
        f"accuracy {best_acc:.2f} from {min(plateau):.2f} to {max(plateau):.2f}, the median taken): {calibrated:.2f}. "
        f"Cross-lingual: {ABSTAIN_THRESHOLD_CROSSLINGUAL:.2f} (the Reader's value, too few questions to fit).",
        "",
        f"Test half with the shipped thresholds: answerable questions answered with a right first citation "
        f"{answered_right:.2f} (n={len(ans_t)}), answerable but abstained {wrongly_abstained:.2f}; "
        f"unanswerable questions abstained {abstained_ok:.2f} (n={len(una_t)}). "
        f"answer_question agreed with these decisions on {np.mean(e2e):.2f} of the {len(e2e)} test questions.",
        "",
        "No published figure exists for these files; the closest task, video moment retrieval "
        "(e.g. TVR, Lei et al. 2020), measures other data.",
    ]
    return "\n".join(lines), calibrated


# ------------------------------------------------------------------ 2. chapters
def _texttiling(sentences, duration_s, w=20, k=10):
    """NLTK TextTiling over the same sentences, one sentence a paragraph; boundary times."""
    from nltk.tokenize.texttiling import TextTilingTokenizer

    from core.text import stopwords

    tt = TextTilingTokenizer(w=w, k=k, stopwords=sorted(stopwords()))
    text = "\n\n".join(s.text for s in sentences)
    try:
        pieces = tt.tokenize(text)
    except ValueError:
        return []
    times, pos = [], 0
    for piece in pieces[:-1]:
        pos += piece.strip("\n").count("\n\n") + 1
        if pos < len(sentences):
            times.append(sentences[pos].start_s)
    return times


# Choi-style dev set (Choi 2000, "Advances in domain independent linear text segmentation"):
# synthetic lectures made of 3-8 consecutive sentences from different real transcripts
# (never the ableplayer test file), so the true boundaries are known.
DEV_SOURCES = {
    "en": ["subtitles/hf_course_07_transformer-models-encoder-decoders_en.srt", "en/silero_vad_en_lecture_excerpt_60s.wav",
           "en/aeneas_librivox_sonnet001.srt", "en/openai_whisper_jfk_11s.flac", "video/auto_editor_example_42s.mp4"],
    "ru": ["subtitles/hf_course_07_transformer-models-encoder-decoders_ru.srt", "ru/silero_vad_ru_lecture_excerpt_60s.wav",
           "ru/pisets_mono_sound_11s.wav"],
}


def bench_chapters_dev(settings: Settings, embedder) -> str:
    import random

    from core.lectures.types import TimedSentence

    docs = {}
    for files in DEV_SOURCES.values():
        for f in files:
            ss = timed_sentences(lecture_from_path(str(MEDIA / f), settings))
            docs[f] = (ss, embedder.embed([s.text for s in ss]))

    def synth(lang: str, seed: int, n_segments: int = 10):
        rnd = random.Random(seed)
        out, vec, gold, t, prev = [], [], [], 0.0, None
        for k in range(n_segments):
            f = rnd.choice([x for x in DEV_SOURCES[lang] if x != prev])
            prev = f
            ss, v = docs[f]
            n = min(rnd.randint(3, 8), len(ss))
            a = rnd.randint(0, len(ss) - n)
            if k:
                gold.append(t)
            for i in range(a, a + n):
                d = ss[i].end_s - ss[i].start_s
                out.append(TimedSentence(len(out), t, t + d, ss[i].text))
                vec.append(v[i])
                t += d + 0.5
        return out, np.array(vec), gold, t

    sets = [synth(lang, seed) for lang in ("en", "ru") for seed in range(10)]
    res = {}
    for w in (2, 3, 4):
        for m in (10.0, 20.0, 30.0):
            res[(w, m)] = float(np.mean([boundary_f1([s[i].start_s for i in find_boundaries(
                s, v, d, window=w, cutoff_sd=DEPTH_CUTOFF_SD, min_chapter_s=m)], g)[2] for s, v, g, d in sets]))
    ours = res[(3, 10.0)]
    uni = np.mean([boundary_f1([s[i].start_s for i in uniform_boundaries(s, d, len(find_boundaries(s, v, d)) + 1)],
                               g)[2] for s, v, g, d in sets])
    tt = np.mean([boundary_f1(_texttiling(s, d), g)[2] for s, v, g, d in sets])
    grid = "; ".join(f"w={w}, min {m:.0f} s: {f:.2f}" for (w, m), f in res.items())
    return "\n".join([
        "### Chapters, dev set (how the parameters were chosen)",
        "",
        f"{len(sets)} synthetic lectures (10 EN, 10 RU; Choi 2000 style), each 10 runs of 3-8 consecutive sentences "
        f"from different real transcripts (hf_course subtitles, the Whisper transcripts of the other recordings, the "
        f"sonnet subtitles; never the ableplayer test file), {np.mean([len(x[2]) for x in sets]):.0f} true boundaries "
        f"and {np.mean([x[3] for x in sets]) / 60:.1f} min each on average.",
        "",
        "| method | mean boundary F1 (±15 s) |",
        "|---|---|",
        f"| Margo, topic shift (shipped: w=3, min 10 s) | {ours:.2f} |",
        f"| Uniform chapters, same count | {uni:.2f} |",
        f"| NLTK TextTiling (w=20, k=10) | {tt:.2f} |",
        "",
        f"Grid (Hearst cutoff 0.5 sd kept): {grid}. The shipped window and shortest chapter are the best here.",
    ])


def bench_chapters(settings: Settings, embedder) -> str:
    gold_t = parse_subtitles((MEDIA / "subtitles" / "ableplayer_itaccess_chapters_en.vtt").read_bytes(),
                             "chapters.vtt", settings)
    gold = [s.start_s for s in gold_t.segments][1:]
    tr = parse_subtitles((MEDIA / "subtitles" / "ableplayer_itaccess_captions_en.vtt").read_bytes(),
                         "captions.vtt", settings)
    sents = timed_sentences(tr)
    vecs = embedder.embed([s.text for s in sents])
    dur = tr.duration_s
    ours = [sents[i].start_s for i in find_boundaries(sents, vecs, dur)]
    spk = [sents[i].start_s for i in speaker_boundaries(sents, dur)]
    uni_same = [sents[i].start_s for i in uniform_boundaries(sents, dur, len(ours) + 1)]
    uni_gold = [sents[i].start_s for i in uniform_boundaries(sents, dur, len(gold) + 1)]
    tt = _texttiling(sents, dur)
    rows = [
        ("Margo, topic shift (USE sentence windows, depth cutoff; text only)", ours),
        ("Margo, speaker turns from the `<v Name>` tags (what the app uses for these captions)", spk),
        ("Uniform chapters, same count as Margo's topic shift", uni_same),
        ("Uniform chapters, the gold count (oracle)", uni_gold),
        ("NLTK TextTiling (Hearst 1997 word counts, w=20, k=10)", tt),
    ]
    lines = [
        "### Chapters (boundary F1 within ±15 s)",
        "",
        f"Gold: the 14-chapter WebVTT track of the ableplayer \"IT Accessibility\" panel ({len(gold)} inner "
        f"boundaries; one chapter per speaker turn, 12-67 s long). Captions: {len(tr.segments)} cues, "
        f"{len(sents)} sentences, {dur / 60:.1f} min.",
        "",
        "| method | boundaries | precision | recall | F1 |",
        "|---|---|---|---|---|",
    ]
    for name, pred in rows:
        p, r, f = boundary_f1(pred, gold)
        lines.append(f"| {name} | {len(pred)} | {p:.2f} | {r:.2f} | {f:.2f} |")
    grid = []
    for w in (2, 3, 4):
        for m in (10.0, 20.0, 30.0):
            b = [sents[i].start_s for i in find_boundaries(sents, vecs, dur, window=w, cutoff_sd=DEPTH_CUTOFF_SD,
                                                             min_chapter_s=m)]
            grid.append(f"w={w}, min {m:.0f} s: {boundary_f1(b, gold)[2]:.2f}")
    lines += [
        "",
        "Sensitivity of the text-only method on this test file (F1; shipped: w=3, min 10 s, chosen on the dev "
        "set above, not here): " + "; ".join(grid) + ".",
        "",
        "The gold chapters here are speaker turns, which a topic-shift method can only partly see "
        "(one speaker often continues the previous one's topic); uniform chapters do well because "
        "the turns are of similar length. No human chapters exist for the other files. "
        "Published: TextTiling-style embedding segmentation of meetings reaches Pk around 0.3 "
        "(Solbiati et al. 2021, AMI/ICSI), a different metric and data.",
    ]
    # Chapters of the RU and EN hf_course lecture (no gold): counts and agreement EN vs RU.
    counts = []
    for name in ("hf_course_07_transformer-models-encoder-decoders_en.srt",
                 "hf_course_07_transformer-models-encoder-decoders_ru.srt"):
        t2 = parse_subtitles((MEDIA / "subtitles" / name).read_bytes(), name, settings)
        s2 = timed_sentences(t2)
        summ = summarize_lecture(t2, s2, embedder.embed([s.text for s in s2]))
        counts.append((t2.lang, [c.start_s for c in summ.chapters][1:]))
    (l1, b1), (l2, b2) = counts
    agree = boundary_f1(b2, b1)[2]
    lines += [
        "",
        f"Same lecture, two subtitle tracks (hf_course encoder-decoders, no gold chapters): {len(b1) + 1} chapters "
        f"from the EN subtitles, {len(b2) + 1} from the RU translation (own cue timing); boundary F1 of RU "
        f"against EN within ±15 s: {agree:.2f} (the method finds the same topic shifts in both languages).",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ 3. speech recognition
def _norm(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


ASR_FILES = [
    ("en/aeneas_librivox_sonnet001_53s.mp3", "en", lambda: re.sub(
        r"^\s*1\s*$", "", (MEDIA / "en" / "aeneas_librivox_sonnet001.txt").read_text(encoding="utf-8"), flags=re.M)),
    ("en/openai_whisper_jfk_11s.flac", "en", lambda: "And so my fellow Americans, ask not what your country can do "
                                                      "for you, ask what you can do for your country."),
    ("ru/golos_crowd_001ce26c07c20eaa0d666b824c6c6924_4s.wav", "ru", lambda: json.loads(
        (MEDIA / "ru" / "golos_crowd_001ce26c07c20eaa0d666b824c6c6924.json").read_text(encoding="utf-8"))["text"]),
    ("ru/pisets_mono_sound_11s.wav", "ru", lambda: (
        "Она советовала нам отнестись по сему предмету к одному почтенному мужу, бывшему другу Ивана Петровича. "
        "Весёлые годы, счастливые дни — как вешние воды промчались они.")),
]


def bench_asr(settings: Settings) -> str:
    import jiwer

    from core.speech.stt import get_transcriber

    baseline = get_transcriber(str(settings.data_dir), settings.threads)
    lines = [
        "### Speech recognition (offline Whisper base, int8, CPU)",
        "",
        "| file | language | duration | WER, ours (VAD 500 ms, word times) | WER, core.speech.stt (no VAD) "
        "| RTF ours | RTF stt |",
        "|---|---|---|---|---|---|---|",
    ]
    tot = {"ours": [0, 0.0], "base": [0, 0.0]}
    for rel, lang, ref_fn in ASR_FILES:
        path = MEDIA / rel
        ref = _norm(ref_fn())
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "a.wav"
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(path), "-ac", "1", "-ar", "16000",
                            str(wav)], check=True, timeout=120)
            t0 = time.perf_counter()
            segs, _words, _lang, _p, dur = transcribe_file(wav, settings)
            t_ours = time.perf_counter() - t0
            t0 = time.perf_counter()
            base = baseline.transcribe(wav)
            t_base = time.perf_counter() - t0
        hyp = _norm(" ".join(s.text for s in segs))
        w_ours = jiwer.wer(ref, hyp)
        w_base = jiwer.wer(ref, _norm(base.text))
        n_words = len(ref.split())
        tot["ours"][0] += round(w_ours * n_words)
        tot["base"][0] += round(w_base * n_words)
        tot["ours"][1] += t_ours
        tot["base"][1] += t_base
        lines.append(f"| {Path(rel).name} | {lang} | {dur:.0f} s | {w_ours:.3f} | {w_base:.3f} | "
                     f"{t_ours / dur:.3f} | {t_base / dur:.3f} |")
    lines += [
        "",
        "Text normalised (lower case, punctuation removed, ё→е) before jiwer's WER; the Golos reference spells "
        "numbers out (\"шестьдесят тысяч\") where Whisper writes digits, which counts as errors. n = 4 files, "
        "about 80 s of speech, all the media files that come with a human text. "
        "Published: Whisper base 5.0% WER on LibriSpeech test-clean (Radford et al. 2022, Table 2).",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ 4. ten minutes
def bench_ten_minutes(settings: Settings, embedder) -> str:
    parts = ["en/silero_vad_en_lecture_excerpt_60s.wav", "ru/silero_vad_ru_lecture_excerpt_60s.wav",
             "en/aeneas_librivox_sonnet001_53s.mp3", "en/openai_whisper_jfk_11s.flac",
             "video/auto_editor_example_42s.mp4"]
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        listing = []
        total = 0.0
        k = 0
        while total < 600:
            rel = parts[k % len(parts)] if k % 2 == 0 else parts[0]  # mostly the English lecture
            wav = tmpd / f"p{k}.wav"
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(MEDIA / rel), "-vn", "-ac", "1",
                            "-ar", "16000", str(wav)], check=True, timeout=120)
            from core.lectures.inputs import probe_media

            total += probe_media(wav)["duration_s"]
            listing.append(f"file '{wav}'")
            k += 1
        (tmpd / "list.txt").write_text("\n".join(listing), encoding="utf-8")
        out = tmpd / "ten_minutes.mp3"
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i",
                        str(tmpd / "list.txt"), "-t", "600", "-ac", "1", "-b:a", "64k", str(out)],
                       check=True, timeout=300)
        data = out.read_bytes()
        from core.lectures import open_lecture, summarize

        t0 = time.perf_counter()
        first_at = {}

        def progress(done, total_s, eta):
            if done > 0 and "first" not in first_at:
                first_at["first"] = time.perf_counter() - t0

        from core.lectures import PartialPreview

        def shown(part):
            if part.chapters and "preview" not in first_at:
                first_at["preview"] = time.perf_counter() - t0

        tr = open_lecture(data, "ten_minutes.mp3", settings, None, progress=progress,
                          on_segments=PartialPreview(embedder, shown))
        t_tr = time.perf_counter() - t0
        lec = LectureIndex.build(tr, embedder)
        summ = summarize(lec, settings)
        t_all = time.perf_counter() - t0
    return "\n".join([
        "### Upload to first key moment, 10-minute recording",
        "",
        f"A {tr.duration_s / 60:.1f}-minute MP3 made by concatenating the real recordings (mostly the EN "
        f"lecture excerpt, with the RU lecture, the sonnet, JFK and the video's sound), opened as an upload "
        f"would be (ffmpeg decode, Whisper base with VAD, sentences, embeddings, chapters):",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| first transcribed segment shown in the progress bar | {first_at.get('first', float('nan')):.1f} |",
        f"| first key moments shown (preview of the first 2 minutes, as the page does) | "
        f"{first_at.get('preview', float('nan')):.1f} |",
        f"| transcript complete (real-time factor {t_tr / tr.duration_s:.3f}) | {t_tr:.1f} |",
        f"| final chapters and summary ready | {t_all:.1f} |",
        "",
        f"{len(summ.chapters)} chapters found. One run (n=1), while other engineers' jobs loaded the same "
        "2 cores, so the figure is pessimistic. While Whisper runs, the page shows the key moments of the "
        "part recognised so far (every 2 minutes of audio) and the time left; the final chapters replace them. "
        "Baseline: watching the 10 minutes takes 600 s.",
    ])


def main() -> None:
    import os

    load_start = os.getloadavg()[0]
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench-lectures-")), llm_base_url=None, llm_model=None)
    embedder = get_embedder()
    t0 = time.perf_counter()
    answers, calibrated = bench_answers(settings, embedder)
    print(answers, flush=True)
    chapters = bench_chapters_dev(settings, embedder) + "\n\n" + bench_chapters(settings, embedder)
    print(chapters, flush=True)
    asr = bench_asr(settings)
    print(asr, flush=True)
    ten = bench_ten_minutes(settings, embedder)
    print(ten, flush=True)
    body = "\n\n".join([
        "Run: `.venv/bin/python -m scripts.bench_lectures` (" + machine_line() + f"; {time.perf_counter() - t0:.0f} s). "
        f"Timings were taken while other agents loaded the machine (1-minute load average {load_start:.1f} at the "
        f"start and {os.getloadavg()[0]:.1f} at the end, on 2 cores), so speeds are several times slower than "
        "on an idle machine (stack facts: Whisper base runs at 6-8% of real time here when idle).",
        answers, chapters, asr, ten,
    ])
    write_section("lectures", "## Lectures (#14)\n\n" + body)


if __name__ == "__main__":
    main()
