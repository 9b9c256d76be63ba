"""Helpers for the speech tests: a fake gTTS batchexecute server on loopback, WAV checks."""

from __future__ import annotations

import base64
import io
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np


def assert_valid_wav(wav: bytes, min_ms: int = 200) -> None:
    """A RIFF/WAVE, 16-bit, with at least ``min_ms`` of audio that is not silence."""
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        assert w.getnframes() * 1000 / w.getframerate() >= min_ms
    assert np.abs(np.frombuffer(frames, dtype="<i2")).max() > 300


def mp3_of(samples: np.ndarray, sample_rate: int) -> bytes:
    """Encode float mono samples to MP3 with PyAV's libmp3lame (what Google's TTS returns)."""
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=sample_rate)
        stream.layout = "mono"
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = sample_rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def batchexecute_reply(mp3: bytes) -> bytes:
    """A reply shaped like Google Translate's batchexecute answer to the ``jQ1olc`` RPC:
    an XSSI prefix, a length line, then a JSON envelope whose payload string holds the
    base64 MP3 (gTTS 2.2.4 extracts it with ``jQ1olc","\\[\\"(.*)\\"]``)."""
    b64 = base64.b64encode(mp3).decode("ascii")
    envelope = f'[["wrb.fr","jQ1olc","[\\"{b64}\\"]",null,null,null,"generic"],["di",52],["af.httprm",51,"-1",7]]'
    return f")]}}'\n\n{len(envelope)}\n{envelope}\n25\n[[\"e\",4,null,null,{len(envelope) + 60}]]\n".encode()


class FakeGTTSServer:
    """Answers every POST with :func:`batchexecute_reply` and records the request bodies."""

    def __init__(self, mp3: bytes):
        self.bodies: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length", 0))
                outer.bodies.append(self.rfile.read(n).decode("utf-8"))
                body = batchexecute_reply(mp3)
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/_/TranslateWebserverUi/data/batchexecute"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGTTSServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
