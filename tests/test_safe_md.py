"""Post and document text renders as text, never as Markdown or HTML (#11)."""

from __future__ import annotations

from core.safe_md import md_link, md_text, safe_url


def test_links_images_and_html_in_post_text_are_inert():
    out = md_text("- see ![x](http://evil/x.png) and [click](http://phish) <img src=x> **b**\n- second")
    assert "](" not in out.replace("\\](", "").replace("\\]\\(", "")
    assert "\\!\\[x\\]\\(" in out and "\\<img" in out and "\\*\\*b" in out
    assert out.startswith("- see") and "\n- second" in out  # bullets of the answer stay bullets


def test_only_plain_http_urls_are_linked():
    assert md_link("post 5", "https://t.me/ai_newz/3502") == "[post 5](https://t.me/ai_newz/3502)"
    assert md_link("post 5", "https://t.me/a)![i](http://evil/x.png") == "post 5"
    assert safe_url("javascript:alert(1)") is None and safe_url(None) is None


def test_a_bare_url_in_text_renders_without_backslashes():
    """A post's "(https://t.me/ai_newz/3502)" in a channel answer: GFM links a bare URL but does not
    unescape it; it becomes an autolink with nothing escaped inside, the brackets stay text (#10u)."""
    out = md_text("ChatGPT Pro за 200 баксов (https://t.me/ai_newz/3502) — анлим. See https://x.org/a_b.")
    assert "\\(<https://t.me/ai_newz/3502>\\)" in out
    assert "<https://x.org/a_b>." in out  # the sentence's full stop stays outside the link
    assert "ai\\_newz" not in out
    hostile = md_text("https://t.me/a)![i](http://evil/x.png)")
    assert "\\!\\[i\\]\\(" in hostile and "](" not in hostile  # still no image and no [label](url)
