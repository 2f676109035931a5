"""The knowledge base: strict models (``models``), the loader (``loader``, the only module that
reads the data files), cross-record checks (``checks``) and the YAML sources in ``data/``."""
