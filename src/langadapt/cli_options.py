"""Command-line options every command group shares, worded once."""

from __future__ import annotations

import argparse


def add_overwrite_option(parser: argparse.ArgumentParser) -> None:
    """``--overwrite``: the output policy's one way to replace an existing output."""
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the files this command writes if --out already holds them "
                        "(other files there are kept); without it an existing, non-empty --out is "
                        "refused")
