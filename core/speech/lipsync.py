"""Mouth timelines for the avatar: which mouth shape (viseme) to show when.

A timeline is a list of ``(t_start_ms, t_end_ms, viseme)`` tuples, times in integer
milliseconds from the start of the audio, sorted, non-overlapping, consecutive equal
visemes merged. The five visemes are the mouth frames drawn in ``assets/avatar/``:

- ``closed``: silence and the bilabials m, b, p;
- ``slight``: quiet or consonant-heavy speech (t, d, s, n, l, k, g, f, v ...);
- ``open``: mid vowels (e, ɛ, ə, a in unstressed use);
- ``wide``: open vowels (a, æ, ɑ, aɪ) and loud speech;
- ``round``: rounded vowels (o, u, ɔ, ʊ, w, у, о, ю).

Two sources, best first: phoneme timings when the engine gives them (festival's segment
file, piper's alignments), mapped through :data:`PHONEME_VISEMES` (a reduced form of the
Preston Blair mouth chart used in hand animation and by Rhubarb Lip Sync); otherwise the
audio's loudness envelope: RMS in 20 ms frames, thresholds relative to the utterance's
own loudness, and a low zero-crossing rate with high energy taken as a rounded vowel.
"""

from __future__ import annotations

import io
import wave

import numpy as np

__all__ = [
    "PHONEME_VISEMES",
    "VISEMES",
    "Timeline",
    "read_wav",
    "timeline_from_envelope",
    "timeline_from_phonemes",
    "timeline_from_text",
    "viseme_at",
]

VISEMES = ("closed", "slight", "open", "wide", "round")
Timeline = list[tuple[int, int, str]]

PHONEME_VISEMES: dict[str, str] = {}
for _v, _phones in {
    "closed": "pau sil _ # h# m mm b bb p pp",
    "wide": "a aa a1 a0 ae æ ɑ ɐ aɪ aʊ ay aw ah ah1",
    "open": "e ee e1 e0 i ii i1 i0 y yy ɛ ə ɪ eh er ih iy ey ax ɜ ɚ eɪ ye",
    "round": "o oo o1 o0 u uu u1 u0 ɔ ʊ w ow ao uh uw oy ɒ oʊ ɔɪ yu",
}.items():
    for _p in _phones.split():
        PHONEME_VISEMES[_p] = _v


def read_wav(wav: bytes) -> tuple[np.ndarray, int]:
    """Decode 16-bit PCM WAV bytes.

    Returns:
        ``(samples, sample_rate)``: float32 mono samples in [-1, 1] (channels averaged), Hz.

    Raises:
        ValueError: not a 16-bit PCM WAV.
    """
    with wave.open(io.BytesIO(wav), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("only 16-bit PCM WAV is supported")
        sr, ch = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    if ch > 1:
        data = data.reshape(-1, ch).mean(axis=1)
    return data, sr


def _merge(items: list[tuple[int, int, str]], min_ms: int = 40) -> Timeline:
    """Merge equal neighbours and fold segments shorter than ``min_ms`` into the previous one."""
    def equal_runs(seq: list[tuple[int, int, str]]) -> Timeline:
        runs: Timeline = []
        for s, e, v in seq:
            if e <= s:
                continue
            if runs and runs[-1][2] == v:
                runs[-1] = (runs[-1][0], e, v)
            else:
                runs.append((s, e, v))
        return runs

    folded: Timeline = []
    for s, e, v in equal_runs(items):
        if folded and e - s < min_ms:
            folded[-1] = (folded[-1][0], e, folded[-1][2])
        else:
            folded.append((s, e, v))
    merged = equal_runs(folded)
    return merged


def _phone_viseme(phone: str) -> str:
    p = phone.lower().strip("ˈˌː'0123456789") or phone.lower()
    if p in PHONEME_VISEMES:
        return PHONEME_VISEMES[p]
    if p[:2] in PHONEME_VISEMES and p[:1] in "aeiouɑɔəɛɪʊæ":
        return PHONEME_VISEMES[p[:2]]
    if p[:1] in PHONEME_VISEMES and p[:1] in "aeiouyɑɔəɛɪʊæɐ":
        return PHONEME_VISEMES[p[:1]]
    return "slight"


def timeline_from_phonemes(phones: list[tuple[int, int, str]]) -> Timeline:
    """Map phoneme timings to visemes.

    Args:
        phones: ``(t_start_ms, t_end_ms, phoneme)``; festival (``pau``, ``aa``, ``o``) and
            IPA/espeak symbols are both understood; unknown consonants map to ``slight``.

    Returns:
        A merged timeline (see module docstring).
    """
    return _merge([(int(s), int(e), _phone_viseme(p)) for s, e, p in phones])


def timeline_from_envelope(samples: np.ndarray, sample_rate: int, frame_ms: int = 20) -> Timeline:
    """Mouth timeline from the loudness envelope of mono audio.

    Args:
        samples: float mono samples in [-1, 1], shape ``(n,)``.
        sample_rate: Hz.
        frame_ms: analysis frame length in ms.

    Returns:
        A merged timeline covering the whole audio (``[]`` for empty audio).
    """
    n = int(sample_rate * frame_ms / 1000)
    if n <= 0 or samples.size < n:
        return [(0, max(1, int(samples.size * 1000 / max(sample_rate, 1))), "closed")] if samples.size else []
    frames = samples[: samples.size // n * n].reshape(-1, n)
    rms = np.sqrt(np.mean(frames**2, axis=1))
    zcr = np.mean(np.abs(np.diff(np.signbit(frames).astype(np.int8), axis=1)), axis=1)
    # Smooth over 3 frames (60 ms) so the mouth does not flicker.
    rms = np.convolve(rms, np.ones(3) / 3, mode="same")
    loud = float(np.percentile(rms, 95)) or 1e-9
    voiced = rms[rms > 0.1 * loud]
    zmed = float(np.median(zcr[rms > 0.1 * loud])) if voiced.size else 0.1
    items: list[tuple[int, int, str]] = []
    for i, (r, z) in enumerate(zip(rms / loud, zcr, strict=True)):
        if r < 0.08:
            v = "closed"
        elif r < 0.3:
            v = "slight"
        elif z < 0.6 * zmed and r < 0.8:
            v = "round"
        elif r < 0.65:
            v = "open"
        else:
            v = "wide"
        items.append((i * frame_ms, (i + 1) * frame_ms, v))
    tail_ms = int(samples.size * 1000 / sample_rate)
    if items and tail_ms > items[-1][1]:
        items.append((items[-1][1], tail_ms, "closed"))
    return _merge(items)


_TEXT_VISEME = {c: "wide" for c in "aаяæ"} | {c: "round" for c in "oouоуюёw"} | {
    c: "open" for c in "eiyеиыэй"
} | {c: "closed" for c in "mbpмбп"}


def timeline_from_text(text: str, duration_ms: int) -> Timeline:
    """A plausible timeline from letters alone, spread evenly over ``duration_ms``.

    Used when there is no audio at all (no TTS engine): the avatar still "reads" the
    subtitle. Spaces and punctuation close the mouth.
    """
    letters = list(text.lower())
    if not letters or duration_ms <= 0:
        return []
    step = duration_ms / len(letters)
    items = []
    for i, ch in enumerate(letters):
        v = "closed" if not ch.isalpha() else _TEXT_VISEME.get(ch, "slight")
        items.append((int(i * step), int((i + 1) * step), v))
    return _merge(items, min_ms=60)


def viseme_at(timeline: Timeline, t_ms: float) -> str:
    """The viseme shown at ``t_ms`` ("closed" outside the timeline)."""
    for s, e, v in timeline:
        if s <= t_ms < e:
            return v
    return "closed"
