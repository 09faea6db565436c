"""briefing: cited situation briefs from a day's source articles."""

__version__ = "0.1.0"
