"""Self-instruct in the target language (Alpaca-est for any language): ``self_instruct`` stage
(``stage.py``), the run loop (``generate.py``), generator backends, response cache, filters, and
a fast ROUGE-L (``rouge.py``)."""
