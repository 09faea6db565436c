"""The package's version, in a module of its own so that the modules that report it (the
CLI, SARIF, the feed, the fetcher's User-Agent) need not import the package's API."""

__version__ = "0.1.0"
