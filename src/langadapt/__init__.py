"""langadapt: adapt an English-centric open LLM to a new language (Llammas and LEP recipes)."""

__version__ = "0.1.0"
