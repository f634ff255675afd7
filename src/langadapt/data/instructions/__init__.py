"""Instruction data: seed tasks and chat/Alpaca files gathered into one conversations file
(``instructions`` stage, ``stage.py``)."""
