from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The commands that measure the whole site (``make bench``): they build a data set
    across every app, so they sit above all of them, and nothing imports them."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
