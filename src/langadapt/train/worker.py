"""A launched training rank: ``python -m langadapt.train.worker JOB.json`` (see ``launch``).

The job names the training function and its plain inputs (paths, the training config); every rank
runs it; rank 0 writes the metrics next to the job for the coordinator. A user error (bad data)
prints the project's one line and exits 2 on every rank.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from langadapt.artifacts import write_json_atomic
from langadapt.errors import UserError
from langadapt.modeling import LOADING
from langadapt.train.engine import TrainingConfig
from langadapt.train.launch import METRICS_FILE


def run_job(job: dict) -> dict:
    from langadapt.train.inputs import read_conversations, read_texts
    from langadapt.train.pretrain import train_pretrain
    from langadapt.train.sft import train_sft

    LOADING.allow_pickle, LOADING.trust_remote_code = job.get("loading", (False, False))
    training = TrainingConfig.model_validate(job["training"])
    work_dir, seed = Path(job["work_dir"]), job["seed"]
    if job["kind"] == "pretrain":
        validation = {name: read_texts(path) for name, path in job["validation"].items()}
        return train_pretrain(job["model"], Path(job["tokens"]), training, work_dir, seed=seed,
                              validation=validation)
    if job["kind"] == "sft":
        sources = {name: read_conversations(path) for name, path in job["sources"].items()}
        validation = {name: read_conversations(path) for name, path in job["validation"].items()}
        return train_sft(job["model"], sources, training, work_dir, seed=seed,
                         chat_template=job["chat_template"], mixture=job["mixture"],
                         validation=validation, where=job["where"])
    raise ValueError(f"unknown job kind {job['kind']!r}")


def main(argv: list[str]) -> int:
    job_file = Path(argv[0])
    job = json.loads(job_file.read_text(encoding="utf-8"))
    try:
        metrics = run_job(job)
    except UserError as err:
        print(f"langadapt: error: {err}", file=sys.stderr, flush=True)
        return 2
    if int(os.environ.get("RANK", "0")) == 0:
        write_json_atomic(job_file.with_name(METRICS_FILE), metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
