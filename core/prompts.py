"""Every prompt sent to the optional LLM, in one module.

Each feature keeps its prompts here as module-level constants named
``<FEATURE>_<PURPOSE>`` (``READER_ANSWER_SYSTEM``, ``INTERVIEW_CRITIQUE_SYSTEM``,
``CHANNELS_ANSWER_SYSTEM``, ...), with ``str.format`` fields for the parts that vary.
Document and post text always goes inside delimiters and is described to the model as
data, never as instructions.
"""

from __future__ import annotations
