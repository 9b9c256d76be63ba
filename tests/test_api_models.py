"""The API's channel shapes come from the core's row types (#11): one source, no repeated fields."""

from __future__ import annotations

import dataclasses

from core.api.models import ChannelInfoOut, PostOut, model_of
from core.channels.search import PostHit
from core.channels.store import ChannelInfo


def test_channel_model_is_the_store_row():
    assert list(ChannelInfoOut.model_fields) == [f.name for f in dataclasses.fields(ChannelInfo)]
    info = ChannelInfo(3, "ml-news", None, "published: json", 12, "2024-01-01", "2024-02-01", True)
    out = ChannelInfoOut.model_validate(dataclasses.asdict(info))
    assert out.model_dump() == dataclasses.asdict(info)
    assert ChannelInfoOut.model_fields["published"].default is False
    assert "administrator" in ChannelInfoOut.model_fields["published"].description  # from the docstring


def test_post_model_is_what_as_json_returns():
    hit = PostHit("c", 7, "2024-01-01", None, "text", 0.123456789, 0.5, "text")
    assert list(PostOut.model_fields) == list(hit.as_json())
    assert PostOut.model_validate(hit.as_json()).post_id == 7
    assert PostOut.model_fields["url"].description.startswith("``https://t.me/")


def test_a_new_row_field_reaches_the_model():
    @dataclasses.dataclass
    class Row:
        """A row.

        Attributes:
            a / b: two numbers.
            c: a word,
                continued here.
        """

        a: int
        b: int
        c: str = "x"

    model = model_of(Row, "RowOut")
    assert list(model.model_fields) == ["a", "b", "c"]
    assert model.model_fields["b"].description == "two numbers."
    assert model.model_fields["c"].description == "a word, continued here."
    assert model(a=1, b=2).c == "x"
