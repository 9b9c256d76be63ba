"""The avatar panel as one self-contained HTML document (no Streamlit here).

The page embeds it with ``st.iframe`` (``pages/_avatar.py``). Inside: Margo's layered SVG
(``assets/avatar/margo.svg``) and a script with one Play control that plays the sentences in
turn as :mod:`core.speech.stream` writes their audio to Streamlit's static folder (sound
starts after the first sentence, not the whole text). On every animation frame it reads the
playing audio's ``currentTime`` and sets the SVG's ``data-viseme`` from the sentence's mouth
timeline (see :mod:`core.speech.lipsync`); it blinks at random 2-6 s intervals, shows the
sentence being spoken as a subtitle, and has stop, mute and speed controls. A sentence
without audio (no TTS engine) follows an estimated reading time and the panel says why it
is silent.

For measurement the script keeps ``window.margoStats``: animation frames while speaking,
the time of the first sound, and for each mouth change the audio time it was applied at and
the timeline time it was due (their difference is the mouth-to-sound offset).
"""

from __future__ import annotations

import html
import json
from functools import lru_cache

from ..settings import PROJECT_ROOT

__all__ = ["EXPRESSIONS", "avatar_stream_html", "avatar_svg"]

EXPRESSIONS = ("neutral", "thinking", "pleased", "concerned")
AVATAR_SVG = PROJECT_ROOT / "assets" / "avatar" / "margo.svg"


@lru_cache(maxsize=1)
def avatar_svg() -> str:
    """Margo's layered SVG markup (read once)."""
    return AVATAR_SVG.read_text(encoding="utf-8")


_CSS = """
body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:transparent}
.panel{display:flex;gap:14px;align-items:center;padding:6px 4px}
.face{flex:0 0 auto;width:150px;height:165px}
.face svg{width:150px;height:165px}
.side{flex:1 1 auto;min-width:0}
.sub{min-height:3.2em;font-size:15px;line-height:1.45;color:#2b2340;background:#F3EEFF;
     border-left:4px solid #7C4DFF;border-radius:8px;padding:8px 10px}
.controls{display:flex;gap:8px;align-items:center;margin-top:8px;flex-wrap:wrap}
button,select{font:inherit;font-size:13px;border:1px solid #CBBEFF;background:#fff;color:#4a3a8a;
     border-radius:8px;padding:4px 10px;cursor:pointer}
button:hover{background:#F3EEFF}
.note{font-size:12px;color:#6b6480;margin-top:6px}
"""

# --- Streaming player (#10): one Play control, sound after the first sentence ---------------

_STREAM_CSS = _CSS + """
.sub{max-height:96px;overflow-y:auto}
label{font-size:13px;color:#4a3a8a}
@media (max-width: 480px){
  .panel{gap:8px;padding:2px}
  .face{width:84px;height:92px}
  .face svg{width:84px;height:92px}
  .sub{font-size:14px;line-height:1.35;max-height:84px;padding:6px 8px}
  .controls{gap:6px;margin-top:6px}
  button,select{font-size:12px;padding:3px 8px}
  .note{font-size:11px}
}
"""

_STREAM_JS = r"""
(function(){
  const D = JSON.parse(document.getElementById('margo-data').textContent);
  const svg = document.getElementById('margo');
  const sub = document.getElementById('sub');
  const btn = document.getElementById('play');
  const mute = document.getElementById('mute');
  const speed = document.getElementById('speed');
  const audio = new Audio();
  const stats = window.margoStats = {frames: 0, t0: null, firstSound: null, t1: null, segment: -1,
                                     playing: false, ended: false, errors: [], changes: []};
  let idx = -1, playing = false, meta = null, silentStart = 0, lastVis = 'closed', raf = null, run = 0;
  const cache = {};
  svg.setAttribute('data-expr', D.expression);
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  function rate(){ return parseFloat(speed.value) || 1; }
  function setVis(v, t, due){ if (v !== lastVis){ svg.setAttribute('data-viseme', v); lastVis = v;
      if (t !== undefined && due !== null) stats.changes.push([t, due, v, performance.now()]); } }
  function visAt(tl, t){ for (const s of (tl || [])){ if (s[0] <= t && t < s[1]) return [s[2], s[0]]; }
                         return ['closed', null]; }
  async function getMeta(i, token){
    if (cache[i]) return cache[i];
    while (playing && token === run){
      try { const r = await fetch(D.base + i + '.json', {cache: 'no-store'});
            if (r.ok){ cache[i] = await r.json(); return cache[i]; } } catch (e) {}
      sub.textContent = D.sentences[i]; btn.textContent = D.labels.wait;
      await sleep(60);
    }
    return null;
  }
  function tick(){
    if (!playing) return;
    stats.frames++;
    let t;
    if (meta && !meta.silent){ t = audio.currentTime * 1000; }
    else { t = (performance.now() - silentStart) * rate();
           if (meta && t >= meta.duration_ms){ next(); return; } }
    const [v, due] = visAt(meta && meta.timeline, t);
    setVis(v, (meta && !meta.silent) ? t : undefined, due);
    raf = requestAnimationFrame(tick);
  }
  async function next(){
    const token = run;
    idx++; stats.segment = idx;
    if (idx >= D.sentences.length){ stop(true); return; }
    sub.textContent = D.sentences[idx];
    meta = await getMeta(idx, token);
    if (!playing || token !== run || !meta) return;
    btn.textContent = D.labels.stop;
    if (idx + 1 < D.sentences.length) getMeta(idx + 1, token);  // fetch ahead
    if (meta.silent){ silentStart = performance.now(); }
    else {
      audio.src = D.base + idx + '.wav'; audio.muted = mute.dataset.on === '1'; audio.playbackRate = rate();
      const p = audio.play();
      if (p && p.catch) p.catch(e => { stats.errors.push(String(e)); stop(false); sub.textContent = D.labels.blocked; });
    }
    cancelAnimationFrame(raf); raf = requestAnimationFrame(tick);
  }
  audio.addEventListener('playing', () => { if (stats.firstSound === null) stats.firstSound = performance.now(); });
  audio.onended = () => { if (playing) next(); };
  function start(){
    if (!D.sentences.length) return;
    run++; playing = true; stats.playing = true; stats.ended = false; stats.t0 = performance.now();
    stats.firstSound = null; btn.textContent = D.labels.stop; idx = -1; next();
  }
  function stop(done){
    run++; playing = false; stats.playing = false; stats.t1 = performance.now(); stats.ended = !!done;
    audio.pause(); setVis('closed'); btn.textContent = D.labels.play;
  }
  btn.onclick = () => playing ? stop(false) : start();
  mute.onclick = () => { const on = mute.dataset.on !== '1'; mute.dataset.on = on ? '1' : '0';
    mute.textContent = on ? D.labels.unmute : D.labels.mute; audio.muted = on; };
  speed.onchange = () => { audio.playbackRate = rate(); };
  (function blink(){ setTimeout(() => { svg.setAttribute('data-blink', '1');
      setTimeout(() => { svg.setAttribute('data-blink', '0'); blink(); }, 130); },
      2000 + Math.random() * 4000); })();
  window.margoPlay = start; window.margoStop = () => stop(false);
  if (D.autoplay) setTimeout(start, 150);
})();
"""


def avatar_stream_html(sentences: list[str], base_url: str, lang: str, expression: str = "neutral",
                       note: str = "", autoplay: bool = False) -> str:
    """The avatar panel with a streaming player: sentence ``i`` plays from ``{base_url}{i}.wav``.

    The player fetches ``{base_url}{i}.json`` (written by :class:`core.speech.stream.SpeechStreamer`
    after the WAV) every 60 ms until it exists, plays it, and fetches the next one while the
    current sentence plays; one Play/Stop button, mute and speed. Without audio for a
    sentence (``"silent": true``) the mouth and subtitle follow its estimated duration.

    Args:
        sentences: subtitles, one per sentence, in order.
        base_url: URL prefix of the sentence files, ending in "/" (e.g. ``/app/static/speech/<digest>/``).
        lang: "ru" or "en" (labels of the controls).
        expression: one of :data:`EXPRESSIONS`.
        note: one line under the controls (which voice speaks).
        autoplay: start at once (browsers may ask for a click first).

    Returns:
        A complete HTML document (a few kB: audio is fetched, not embedded).
    """
    from ..i18n import t

    labels = {k: t(f"avatar.{k}", lang) for k in ("play", "stop", "mute", "unmute", "speed", "blocked", "wait")}
    expression = expression if expression in EXPRESSIONS else "neutral"
    data = {"sentences": sentences, "base": base_url, "expression": expression, "autoplay": bool(autoplay),
            "labels": labels}
    data_json = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    first = html.escape(sentences[0]) if sentences else ""
    speeds = "".join(
        f'<option value="{v}"{" selected" if v == "1" else ""}>{v}×</option>' for v in ("0.75", "1", "1.25", "1.5")
    )
    disabled = "" if sentences else " disabled"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STREAM_CSS}</style></head><body>
<div class="panel"><div class="face">{avatar_svg()}</div>
<div class="side"><div class="sub" id="sub" aria-live="polite">{first}</div>
<div class="controls"><button id="play" type="button"{disabled}>{labels['play']}</button>
<button id="mute" type="button" data-on="0">{labels['mute']}</button>
<label>{labels['speed']} <select id="speed">{speeds}</select></label></div>
<div class="note" id="note">{html.escape(note)}</div></div></div>
<script type="application/json" id="margo-data">{data_json}</script>
<script>{_STREAM_JS}</script></body></html>"""
