"""`briefing daily`: one day's brief from a TOML config, written into an output folder
that also holds latest.*, an index and an Atom feed of every day's brief.

`run_day` (run.py) calls the pipeline's public functions (generate, render) once for the
day; the other modules only decide what the day is (day.py), what the settings are
(config.py) and what goes into the folder (writer.py, index.py, feed.py). Nothing is
imported here, so the CLI can build its options from config.py and still start fast.
"""
