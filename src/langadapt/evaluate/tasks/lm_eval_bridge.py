"""Run lm-evaluation-harness tasks on an already loaded model and keep their scores.

``lm_eval.simple_evaluate`` with the ``hf`` model class wrapped around our model and tokenizer,
so the harness's own tasks, or task YAMLs of a local folder (``include_path``; offline they read
local files with ``dataset_path: json``), are scored exactly as the harness scores them. The
package is optional (``pip install 'langadapt[lmeval]'``).
"""

from __future__ import annotations

from typing import Any

from langadapt.errors import UserError


def run_lm_eval(model, tokenizer, tasks: list[str], include_path: str | None = None,
                num_fewshot: int | None = None, limit: int | None = None, batch_size: int = 8,
                seed: int = 0) -> dict[str, Any]:
    """Metrics ``{"TASK/METRIC": value}`` and the harness's version and task configs."""
    try:
        import lm_eval
        from lm_eval.models.huggingface import HFLM
        from lm_eval.tasks import TaskManager
    except ImportError:
        raise UserError("lm_eval tasks need lm-evaluation-harness: "
                        "pip install 'langadapt[lmeval]'") from None
    manager = None
    if include_path:  # indexing the harness's thousands of built-in tasks takes seconds: skip
        manager = TaskManager(include_path=include_path, include_defaults=False)  # when unneeded
        if not all(t in manager.all_tasks for t in tasks):
            manager = None
    manager = manager or TaskManager(include_path=include_path)
    unknown = [t for t in tasks if t not in manager.all_tasks]
    if unknown:
        raise UserError(f"lm-eval knows no task {', '.join(unknown)}"
                        + (f" (looked in {include_path} too)" if include_path else ""))
    lm = HFLM(pretrained=model, tokenizer=tokenizer, batch_size=batch_size,
              device=str(next(model.parameters()).device))
    out = lm_eval.simple_evaluate(model=lm, tasks=tasks, num_fewshot=num_fewshot, limit=limit,
                                  task_manager=manager, random_seed=seed, numpy_random_seed=seed,
                                  torch_random_seed=seed, fewshot_random_seed=seed)
    metrics = {f"{task}/{name.split(',')[0]}": value
               for task, scores in out["results"].items() for name, value in scores.items()
               if isinstance(value, (int, float)) and not name.startswith("alias")
               and "_stderr" not in name and name != "sample_len"}
    return {"metrics": metrics, "lm_eval_version": out.get("lm_eval_version", lm_eval.__version__),
            "n_samples": out.get("n-samples", {}), "configs": {
                t: {k: str(v) for k, v in c.items() if k in ("doc_to_text", "doc_to_choice",
                                                              "output_type", "num_fewshot")}
                for t, c in out.get("configs", {}).items()}}
