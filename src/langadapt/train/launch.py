"""Running a training stage's training in ``accelerate launch`` worker processes.

``langadapt run`` stays one coordinator process: it owns caching, manifests and moving folders.
A training stage with ``launch:`` (or the recipe's default) writes its job to
``WORK/.launch/job.json`` and starts ``accelerate launch ... -m langadapt.train.worker JOB``; every
rank trains (DDP, DeepSpeed or FSDP as the accelerate config says), rank 0 alone saves
``WORK/model`` and writes the metrics, and the coordinator reads them back. Checkpoints stay in
``WORK/checkpoints``, so a killed launch resumes like a single-process run.

Without a GPU, N ranks run on the CPU over gloo (``--multi_gpu`` makes accelerate start torchrun
ranks; the engine keeps them on the CPU because no accelerator is found).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from langadapt.artifacts import write_json_atomic
from langadapt.errors import UserError
from langadapt.stage import InputPath

LAUNCH_DIR = ".launch"
JOB_FILE = "job.json"
METRICS_FILE = "metrics.json"
LOG_FILE = "workers.log"


class LaunchConfig(BaseModel):
    """``launch:`` — how many worker processes train, and with which accelerate config."""

    model_config = ConfigDict(extra="forbid")

    num_processes: int = Field(1, ge=1, description="worker processes (one per GPU)")
    config: InputPath | None = Field(
        None, description="accelerate config file (recipes/accelerate/*.yaml: DeepSpeed ZeRO-2/3, "
                          "FSDP, DDP); its num_processes is overridden by ours")
    main_process_port: int | None = Field(
        None, ge=1, le=65535, description="rendezvous port (default: accelerate's, 29500)")

    @property
    def in_workers(self) -> bool:
        return self.num_processes > 1 or self.config is not None


def launch_command(launch: LaunchConfig, job_file: Path) -> list[str]:
    import torch

    command = [sys.executable, "-m", "accelerate.commands.launch"]
    if launch.config is not None:
        command += ["--config_file", str(launch.config)]
    elif launch.num_processes > 1:
        command += ["--multi_gpu"]  # DDP: torchrun ranks, on GPUs or (without any) the CPU
    command += ["--num_processes", str(launch.num_processes), "--num_machines", "1"]
    if not torch.cuda.is_available():
        command += ["--mixed_precision", "no"]
    if launch.main_process_port is not None:
        command += ["--main_process_port", str(launch.main_process_port)]
    return command + ["-m", "langadapt.train.worker", str(job_file)]


def run_in_workers(launch: LaunchConfig, job: dict, work_dir: Path) -> dict:
    """Run ``job`` (see ``worker``) in launched processes; return rank 0's metrics."""
    folder = Path(work_dir) / LAUNCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / METRICS_FILE).unlink(missing_ok=True)
    write_json_atomic(folder / JOB_FILE, job)
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    with open(folder / LOG_FILE, "w", encoding="utf-8") as log:
        result = subprocess.run(launch_command(launch, folder / JOB_FILE), stdout=log,
                                stderr=subprocess.STDOUT, env=env, check=False)
    if result.returncode != 0 or not (folder / METRICS_FILE).is_file():
        tail = (folder / LOG_FILE).read_text(encoding="utf-8", errors="replace").strip()
        user_error = [line for line in tail.splitlines() if "langadapt: error:" in line]
        if user_error:  # a worker refused its input: that one line is the whole story
            raise UserError(user_error[-1].split("langadapt: error:", 1)[1].strip())
        last = tail.splitlines()[-1] if tail else "no output"
        raise RuntimeError(f"launched training failed (exit {result.returncode}): {last} "
                           f"— full log: {folder / LOG_FILE}")
    return json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
