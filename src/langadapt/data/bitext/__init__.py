"""Parallel text: read, dedup, decontaminate, filter (``bitext`` stage), and translation-task
instructions made from it (``translation_tasks`` stage). Both stage configs are in ``stage.py``.
"""
