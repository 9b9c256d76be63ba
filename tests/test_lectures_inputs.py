"""Lecture input: real subtitle files, real media through ffmpeg, bad files, YouTube over a loopback fake."""

from __future__ import annotations

import http.server
import json
import threading
from html import escape

import pytest
import requests

from core.errors import (
    MalformedSubtitlesError,
    NetworkError,
    NoSpeechError,
    TooLargeError,
    UnsupportedMediaError,
)
from core.lectures import open_lecture, parse_subtitles, youtube_transcript, youtube_video_id
from core.settings import Settings
from core.workspace import local_workspace

SUBS = "media/subtitles/"


def test_srt_with_bom_in_russian(settings, shared_data):
    f = shared_data / SUBS / "hf_course_07_transformer-models-encoder-decoders_ru.srt"
    tr = parse_subtitles(f.read_bytes(), f.name, settings)
    assert tr.lang == "ru" and tr.source == "subtitles"
    assert len(tr.segments) == 65
    assert tr.segments[0].start_s == pytest.approx(4.16)
    assert tr.segments[0].text.startswith("В этом видео")  # no BOM, no tags
    assert tr.duration_s == pytest.approx(409.9, abs=0.1)


def test_vtt_keeps_speakers_and_drops_sound_cues(settings, shared_data):
    f = shared_data / SUBS / "ableplayer_itaccess_captions_en.vtt"
    tr = parse_subtitles(f.read_bytes(), f.name, settings)
    assert tr.segments[0].speaker == "Michael Young"
    assert tr.segments[0].start_s == pytest.approx(0.599)
    assert "<v" not in tr.text
    assert len({s.speaker for s in tr.segments}) >= 6
    en = shared_data / SUBS / "hf_course_07_transformer-models-encoder-decoders_en.srt"
    tr2 = parse_subtitles(en.read_bytes(), en.name, settings)
    assert "(swoosh)" not in tr2.text and not tr2.segments[0].text.startswith("-")


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"1\nnot a time line\nhello\n", "bad.srt", MalformedSubtitlesError),
        (b"this is not webvtt at all", "bad.vtt", MalformedSubtitlesError),
        (b"", "empty.srt", NoSpeechError),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n(music)\n", "sound.vtt", NoSpeechError),
        (b"%PDF-1.7 not media", "paper.mp4", UnsupportedMediaError),
        (b"hello", "notes.txt", UnsupportedMediaError),
    ],
)
def test_bad_files_get_clear_errors(settings, data, name, error):
    with pytest.raises(error) as info:
        open_lecture(data, name, settings)
    assert str(info.value)  # a message the user can read


def test_limits_are_settings(tmp_path, shared_data):
    f = shared_data / SUBS / "hf_course_07_transformer-models-encoder-decoders_en.srt"
    short = Settings(data_dir=tmp_path, lecture_max_duration_s=60)
    with pytest.raises(TooLargeError, match="MARGO_LECTURE_MAX_DURATION_S"):
        parse_subtitles(f.read_bytes(), f.name, short)
    tiny = Settings(data_dir=tmp_path, lecture_max_upload_mb=1)
    with pytest.raises(TooLargeError, match="MARGO_LECTURE_MAX_UPLOAD_MB"):
        open_lecture(b"0" * (2 * 1024 * 1024), "big.mp3", tiny)


def test_embedded_subtitle_track_is_read(settings, shared_data):
    f = shared_data / "media" / "video" / "auto_editor_webvtt_subtrack_2s.mkv"
    tr = open_lecture(f.read_bytes(), f.name, settings)
    assert tr.source == "embedded" and tr.media_kind == "video"
    assert [s.text for s in tr.segments] == ["oop", "boop"]
    assert tr.segments[1].start_s == pytest.approx(1.52, abs=0.05)


def test_transcript_is_cached_by_content_hash(settings, shared_data):
    f = shared_data / "media" / "en" / "openai_whisper_jfk_11s.flac"
    ws = local_workspace(settings)
    tr = open_lecture(f.read_bytes(), f.name, settings, ws)
    assert tr.source == "whisper" and tr.lang == "en" and tr.media_kind == "audio"
    assert "ask not what your country can do for you" in tr.text.lower()
    assert tr.words and tr.words[-1].end_s <= 11.1 and tr.words[0].start_s < 1.0
    cached = ws.path("lectures", tr.doc_id, "transcript.json")
    assert cached.is_file()
    again = open_lecture(f.read_bytes(), "renamed.flac", settings, ws)
    assert again.name == f.name and again.segments == tr.segments  # loaded, not re-recognised


def test_youtube_links():
    assert youtube_video_id("https://www.youtube.com/watch?v=0_4KEb08xrE&t=10s") == "0_4KEb08xrE"
    assert youtube_video_id("https://youtu.be/dhwpLACAls8") == "dhwpLACAls8"
    assert youtube_video_id("https://www.youtube.com/embed/dhwpLACAls8") == "dhwpLACAls8"
    assert youtube_video_id("https://example.com/watch?v=abc") is None


class _Rewrite(requests.Session):
    """Sends YouTube's URLs to a loopback server instead."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def request(self, method, url, **kwargs):
        url = url.replace("https://www.youtube.com", self.base)
        kwargs.setdefault("timeout", 5)
        return super().request(method, url, **kwargs)


@pytest.fixture()
def fake_youtube(shared_data):
    """A loopback server that answers like YouTube's watch page, player API and timedtext,
    with the captions of the real hf_course subtitles (video 0_4KEb08xrE)."""
    import srt

    cues = list(srt.parse((shared_data / SUBS / "hf_course_07_transformer-models-encoder-decoders_en.srt")
                          .read_text(encoding="utf-8-sig")))
    xml = "<transcript>" + "".join(
        f'<text start="{c.start.total_seconds()}" dur="{(c.end - c.start).total_seconds()}">{escape(c.content)}</text>'
        for c in cues) + "</transcript>"

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, body: str, ctype: str):
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            if self.path.startswith("/watch"):
                self._send('<html><script>var c = {"INNERTUBE_API_KEY": "testkey"};</script></html>', "text/html")
            elif self.path.startswith("/api/timedtext"):
                self._send(xml, "text/xml")
            else:
                self.send_error(404)

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            video = json.loads(self.rfile.read(length) or b"{}").get("videoId")
            if video != "0_4KEb08xrE":
                return self._send(json.dumps({"playabilityStatus": {"status": "ERROR",
                                                                     "reason": "This video is unavailable"}}),
                                  "application/json")
            host = f"http://127.0.0.1:{self.server.server_port}"
            body = {"playabilityStatus": {"status": "OK"}, "captions": {"playerCaptionsTracklistRenderer": {
                "captionTracks": [{"baseUrl": f"{host}/api/timedtext?v={video}&lang=en",
                                   "name": {"runs": [{"text": "English"}]}, "languageCode": "en"}]}}}
            self._send(json.dumps(body), "application/json")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_youtube_captions_from_fake_server(settings, fake_youtube):
    tr = youtube_transcript("https://youtu.be/0_4KEb08xrE", settings, http_client=_Rewrite(fake_youtube))
    assert tr.source == "youtube" and tr.lang == "en" and tr.name == "0_4KEb08xrE"
    assert len(tr.segments) > 100
    assert "T5" in tr.text
    with pytest.raises(NoSpeechError, match="unavailable"):
        youtube_transcript("https://youtu.be/AAAAAAAAAAA", settings, http_client=_Rewrite(fake_youtube))


def test_youtube_offline_says_so(settings):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match="offline"):
        youtube_transcript("https://youtu.be/0_4KEb08xrE", settings, http_client=_Rewrite(f"http://127.0.0.1:{port}"))
    with pytest.raises(UnsupportedMediaError):
        youtube_transcript("https://vimeo.com/123", settings)
