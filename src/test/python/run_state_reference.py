"""Folds fixtures/run/tiny-run/events.jsonl the way a run's state is defined, for RunStateTest's expectations.

The events are those of a real run of the tiny BERT on the tiny task, written by
  finescope train --base src/test/resources/fixtures/train/tiny --data src/test/resources/fixtures/train/tiny-task \
      --task SST-2 --epochs 2 --batch-size 8 --max-len 32 --lr 1e-3 --score-lr 0.05 --seed 7 --eval-every 2 \
      --plan sparsify-encoder:0.3 --device cpu --out <folder>
The fold: the first terminal event ends the run; steps give the loss curve and the progress (total steps from the
latest step or started event); evaluations on dev give one curve per metric; the time left is the mean time per
step between the first and the last step event, times the steps left.
Run from the repository root: /usr/bin/python3 src/test/python/run_state_reference.py
"""
import json
from datetime import datetime
from pathlib import Path

EVENTS = Path("src/test/resources/fixtures/run/tiny-run/events.jsonl")



def nanos(t):
    whole, frac = t.rstrip("Z").split(".")
    return int(datetime.fromisoformat(whole + "+00:00").timestamp()) * 10**9 + int(frac.ljust(9, "0"))


def fold(lines):
    started = first = last = terminal = None
    total = 0
    loss = []
    dev = {}
    for line in lines:
        e = json.loads(line)
        if terminal is not None:
            continue
        if e["type"] == "started":
            started = started or e
            total = e["totalSteps"]
        elif e["type"] == "step":
            first = first or e
            last = e
            total = e["totalSteps"]
            loss.append([e["step"], e["loss"]])
        elif e["type"] == "evaluation" and e["split"] == "dev":
            for k, v in e["metrics"].items():
                dev.setdefault(k, []).append([e["step"], v])
        elif e["type"] in ("finished", "failed", "cancelled"):
            terminal = e
    print("events", len(lines))
    print("status", terminal["type"] if terminal else "running")
    print("device", started["device"])
    print("step", last["step"], "of", total)
    print("loss", json.dumps(loss))
    print("dev", json.dumps(dev))
    if terminal:
        print("final", json.dumps(terminal.get("metrics")), terminal.get("overlay"))
    steps = last["step"] - first["step"]
    per_step = (nanos(last["time"]) - nanos(first["time"])) // steps
    print("time left (ns)", per_step * (total - last["step"]))


lines = EVENTS.read_text(encoding="utf-8").splitlines()
print("# the whole run")
fold(lines)
print("# its first 7 lines: started, 4 steps, 2 evaluations")
fold(lines[:7])
