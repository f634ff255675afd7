"""Instruction data: importers (``readers.py``, OASST trees in ``oasst.py``) and the mix with
limits, weights, dedup and a validation split (``build.py``) for the ``instructions`` stage
(``stage.py``)."""
