"""Machine-translation metrics: BLEU and chrF++ from sacrebleu, COMET as an optional extra.

BLEU and chrF++ are computed by sacrebleu itself (never re-implemented) with its defaults, so the
numbers equal the ``sacrebleu`` command line on the same files; the signature of each metric is
returned with the score so a table can say exactly what was measured. Files are read as the
sacrebleu CLI reads them: split on ``\\n`` only, trailing whitespace stripped from each line.

COMET (``unbabel-comet``) is not a dependency: it pins an older transformers and downloads its
checkpoint from the hub. ``comet_score`` raises a clear ``UserError`` when it is not installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langadapt.errors import UserError, located

DEFAULT_COMET_MODEL = "Unbabel/wmt22-comet-da"
COMET_INSTALL_HINT = (
    "COMET needs the optional package unbabel-comet, which is not installed. Install it in a "
    "separate environment (it pins its own transformers version): "
    "pip install 'unbabel-comet>=2.2', and make sure its checkpoint (default "
    f"{DEFAULT_COMET_MODEL}) can be downloaded or is given as a local path"
)


def check_bleu_tokenizer(name: str | None, option: str = "--tokenize") -> None:
    """Refuse a BLEU tokenizer sacrebleu does not have, naming the option that chose it."""
    from sacrebleu.metrics.bleu import BLEU

    if name is not None and name not in BLEU.TOKENIZERS:
        raise UserError(f"{option} {name}: unknown BLEU tokenizer; sacrebleu has "
                        f"{', '.join(BLEU.TOKENIZERS)}")


def read_lines(path: str | Path) -> list[str]:
    """Lines of a text file as sacrebleu reads them (``\\n`` separated, right-stripped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise located(path, "file not found") from None
    except UnicodeDecodeError as err:
        raise located(path, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]


def _check_aligned(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
                   names: Sequence[str] | None = None) -> None:
    if not references:
        raise UserError("at least one reference is needed")
    if not hypotheses:
        raise UserError("the hypothesis file is empty")
    for index, ref in enumerate(references):
        if len(ref) != len(hypotheses):
            name = names[index] if names else f"reference {index + 1}"
            raise UserError(f"line count mismatch: {name} has {len(ref)} lines but the hypotheses "
                            f"have {len(hypotheses)}")


def bleu_chrf(hypotheses: Sequence[str], references: Sequence[Sequence[str]],
              tokenize: str | None = None, lowercase: bool = False) -> dict[str, Any]:
    """Corpus BLEU and chrF++ (sacrebleu), with their signatures.

    ``references`` is a list of reference *streams*, each as long as ``hypotheses`` (one stream
    for the usual single reference). ``tokenize`` is a sacrebleu BLEU tokenizer name (default
    ``13a``, as the sacrebleu CLI uses for non-CJK targets).
    """
    import sacrebleu

    _check_aligned(hypotheses, references)
    bleu_options: dict[str, Any] = {"lowercase": lowercase}
    if tokenize is not None:
        bleu_options["tokenize"] = tokenize
    try:
        bleu = sacrebleu.BLEU(**bleu_options)
    except Exception as err:  # sacrebleu rejects unknown tokenizers with various exception types
        raise UserError(f"sacrebleu BLEU options {bleu_options}: {err}") from None
    chrf = sacrebleu.CHRF(word_order=2, lowercase=lowercase)
    hyps, refs = list(hypotheses), [list(r) for r in references]
    bleu_score = bleu.corpus_score(hyps, refs)
    chrf_score = chrf.corpus_score(hyps, refs)
    return {
        "bleu": bleu_score.score,
        "chrf++": chrf_score.score,
        "signatures": {"bleu": str(bleu.get_signature()), "chrf++": str(chrf.get_signature())},
        "bleu_details": {
            "precisions": list(bleu_score.precisions),
            "bp": bleu_score.bp,
            "sys_len": bleu_score.sys_len,
            "ref_len": bleu_score.ref_len,
        },
        "sentences": len(hyps),
    }


def comet_score(sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str],
                model: str = DEFAULT_COMET_MODEL, batch_size: int = 16,
                gpus: int | None = None) -> dict[str, Any]:
    """System-level COMET (mean of segment scores); needs ``unbabel-comet``."""
    try:
        import comet  # noqa: F401  (the package of unbabel-comet)
        from comet import download_model, load_from_checkpoint
    except ImportError:
        raise UserError(COMET_INSTALL_HINT) from None
    if not len(sources) == len(hypotheses) == len(references):
        raise UserError(f"COMET needs aligned inputs: {len(sources)} sources, {len(hypotheses)} "
                        f"hypotheses, {len(references)} references")
    checkpoint = model if Path(model).is_file() else download_model(model)
    scorer = load_from_checkpoint(checkpoint)
    if gpus is None:
        import torch

        gpus = 1 if torch.cuda.is_available() else 0
    data = [{"src": s, "mt": h, "ref": r} for s, h, r in zip(sources, hypotheses, references)]
    output = scorer.predict(data, batch_size=batch_size, gpus=gpus, progress_bar=False)
    return {"comet": float(output.system_score), "comet_model": model,
            "comet_segments": [float(x) for x in output.scores]}


def score_mt_files(ref_paths: Sequence[str | Path], hyp_path: str | Path,
                   tokenize: str | None = None, lowercase: bool = False,
                   src_path: str | Path | None = None, comet_model: str | None = None,
                   ) -> dict[str, Any]:
    """BLEU/chrF++ (and COMET when ``comet_model`` is given) of a hypothesis file."""
    hypotheses = read_lines(hyp_path)
    references = [read_lines(p) for p in ref_paths]
    if not hypotheses:
        raise located(hyp_path, "empty hypothesis file")
    for path, ref in zip(ref_paths, references):
        if len(ref) != len(hypotheses):
            raise UserError(f"line count mismatch: {path} has {len(ref)} lines, {hyp_path} has "
                            f"{len(hypotheses)}")
    result = bleu_chrf(hypotheses, references, tokenize=tokenize, lowercase=lowercase)
    if comet_model is not None:
        if src_path is None:
            raise UserError("COMET needs the source sentences (--src)")
        sources = read_lines(src_path)
        comet = comet_score(sources, hypotheses, references[0], model=comet_model)
        result["comet"] = comet["comet"]
        result["signatures"]["comet"] = f"model:{comet_model}"
    return result
