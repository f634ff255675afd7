"""The pretraining corpus: read sources, filter, dedup, mix languages to a token budget, write shards.

``stage.py`` holds the config and the ``corpus`` stage; ``pipeline.py`` the datatrove pipelines;
``documents.py`` reads a finished corpus folder back.
"""
