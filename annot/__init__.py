"""annot: news articles to a validated, published dataset of who said what, about whom, with which stance."""

__version__ = "0.1.0"
