"""A day's sources grouped into stories (one event or development each)."""
