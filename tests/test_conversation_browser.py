"""Live talk on the Reader in a real browser (#10v): Debian's chromium with a fake microphone.

Chromium's fake media devices (``--use-fake-device-for-media-stream --use-fake-ui-for-media-stream
--use-file-for-fake-audio-capture=<wav>``) play a WAV that the test synthesizes offline (Piper
for English, festival for Russian): a spoken request, then silence; Chromium loops the file, so
the request comes again while Margo answers (a barge-in). Through ``streamlit run app.py`` with
an empty ICE server list (nothing leaves the machine) the test checks that the request is heard
(offline Whisper), answered in the chat, spoken by the avatar at once, and that Margo's
playback is stopped before its end when the user speaks over her. Screenshots at 1440×900 and
390×844 go to ``artifacts/conversation/`` (git-ignored).
"""

from __future__ import annotations

import pytest

from core.settings import PROJECT_ROOT
from tests.conversation_browser import CASES, run_live_talk
from tests.speech_browser import browser_missing_reason, demo_server

pytestmark = [pytest.mark.browser, pytest.mark.shared,
              pytest.mark.skipif(bool(browser_missing_reason()), reason=browser_missing_reason() or "ok")]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    with demo_server(tmp, tmp / "data", script=PROJECT_ROOT / "app.py") as url:
        yield url


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_live_talk_on_the_reader(tmp_path, shared_data, app_url, lang):
    if not CASES[lang][2]().available():
        pytest.skip(CASES[lang][2]().unavailable_reason())
    r = run_live_talk(app_url, lang, tmp_path, shared_data)
    assert r["heard"], f"the spoken request was never heard as said (heard: {r['heard_all']})"
    assert r["n_msgs"] >= 2  # the request and Margo's answer in the chat
    assert r["spoke"], "Margo did not start speaking her answer by herself"
    assert r["stopped_early"], "Margo's playback was not stopped when the request came again over her answer"
    assert r["overflow"] <= 2
