"""The names the API and the CLI accept. A module of constants only: the CLI reads them
when it starts, before anything heavy is imported."""

from __future__ import annotations

ENGINES = ("auto", "extractive", "openai")
JUDGES = ("openai",)
DEFAULT_MODEL = "gpt-4.1-mini"
CI_CHOICES = ("auto", "github", "none")
REPORTS = ("md", "json", "sarif")  # verify's report formats
