"""The ``catallaxy`` command line: list, show, run, sweep, summarize and reproduce (:mod:`cli.main`)."""
