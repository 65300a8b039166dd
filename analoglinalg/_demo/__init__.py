"""The showcase behind ``analoglinalg demo`` (private).

Each demo section is a module exposing ``run(outdir, quick, rng)``: it saves
PNG figures into ``outdir`` (a :class:`pathlib.Path`, shared by all sections, so
file names should start with the section name) and returns the Markdown body of
its part of the report, either alone (a ``str``) or as ``(body, ledgers)`` where
``ledgers`` maps a workload's name to the :class:`~analoglinalg.CostLedger` of
the work (or to a list of ledgers, which are added up). The runner writes the
section heading itself, so the body should start below it (``###`` and deeper).
A section whose ``run`` also takes a ``ledgers`` keyword receives the ledgers of
the sections that ran before it, keyed by section name; the last section,
``summary``, uses them to compare every workload with the digital baselines.

:data:`SECTIONS` fixes the order of the sections. Every section draws from its
own random stream, spawned from the run's seed by the section's position in
:data:`SECTIONS`, so a section gives the same result alone or with the others.
"""

import importlib
import inspect
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from analoglinalg._lib._random import as_generator
from analoglinalg.crossbar import CostLedger

__all__ = ["SECTIONS", "SectionResult", "section_names", "run_demo"]

SECTIONS = (
    ("devices", "analoglinalg._demo.devices"),
    ("crossbar", "analoglinalg._demo.crossbar"),
    ("sketch", "analoglinalg._demo.sketch"),
    ("streaming", "analoglinalg._demo.streaming"),
    ("optimize", "analoglinalg._demo.optimize"),
    ("nn", "analoglinalg._demo.nn"),
    ("summary", "analoglinalg._demo.summary"),
)


@dataclass(frozen=True)
class SectionResult:
    """What one section did.

    Its name, wall time in seconds, the figures it wrote, the cost ledgers it returned
    (workload name to :class:`~analoglinalg.CostLedger`) and the CPU time of the process
    (all threads) in seconds, which unlike the wall time does not grow on a busy machine.
    """

    name: str
    seconds: float
    figures: tuple
    ledgers: Mapping = field(default_factory=dict)
    cpu_seconds: float = float("nan")


def section_names():
    """Names of the demo sections, in the order they run."""
    return tuple(name for name, _ in SECTIONS)


def run_demo(outdir, *, sections=None, quick=False, seed=0, progress=True):
    """Run demo sections and write ``report.md`` into ``outdir``.

    Parameters
    ----------
    outdir : str or path-like
        Output folder; created if missing.
    sections : sequence of str, optional
        Names of the sections to run, in any order (they always run in the order
        of :data:`SECTIONS`). Default: all of them.
    quick : bool, default False
        Ask every section for its short version.
    seed : int, default 0
        Seed of the run.
    progress : bool, default True
        Show a progress bar over the sections.

    Returns
    -------
    report : pathlib.Path
        Path of the written report.
    results : list of SectionResult
        One entry per section that ran.

    Raises
    ------
    ValueError
        If a name in ``sections`` is not a demo section, or ``seed`` is negative.
    """
    valid = section_names()
    wanted = valid if sections is None else tuple(sections)
    unknown = [name for name in wanted if name not in valid]
    if unknown:
        raise ValueError(f"sections must be among {list(valid)}, got unknown {unknown}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    # Agg before any section imports pyplot: the demo only writes files and must
    # also run where no display exists.
    import matplotlib

    matplotlib.use("Agg")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return _run_demo(outdir, wanted, bool(quick), int(seed), progress)


def _run_demo(outdir, wanted, quick, seed, progress):
    seeds = np.random.SeedSequence(seed).spawn(len(SECTIONS))
    streams = dict(zip(section_names(), seeds, strict=True))
    todo = [(name, module) for name, module in SECTIONS if name in wanted]
    parts = [
        "# analoglinalg demo report\n",
        f"Seed {seed}, {'quick' if quick else 'full'} run, sections: "
        + ", ".join(name for name, _ in todo)
        + ".\n",
    ]
    results = []
    bar = tqdm(todo, desc="demo", unit="section", disable=not progress)
    for name, module_path in bar:
        bar.set_postfix_str(name)
        before = _stamps(outdir)
        start, start_cpu = time.perf_counter(), time.process_time()
        run = importlib.import_module(module_path).run
        kwargs = {}
        if "ledgers" in inspect.signature(run).parameters:
            kwargs["ledgers"] = {r.name: r.ledgers for r in results if r.ledgers}
        body, ledgers = _split(name, run(outdir, quick, as_generator(streams[name]), **kwargs))
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - start_cpu
        # New or rewritten files: a rerun into the same folder still finds its figures.
        figures = tuple(sorted(name for name, stamp in _stamps(outdir).items()
                               if before.get(name) != stamp))
        # A figure the section saved but did not show would be lost to a reader of the report.
        unshown = [f"![{fig}]({fig})\n" for fig in figures if fig not in body]
        parts.append(f"## {name}\n\n{body.strip()}\n\n" + "\n".join(unshown))
        results.append(SectionResult(name, seconds, figures, ledgers, cpu_seconds))
    report = outdir / "report.md"
    report.write_text("\n".join(parts), encoding="utf-8")
    return report, results


def _stamps(outdir):
    return {p.name: p.stat().st_mtime_ns for p in outdir.glob("*.png")}


def _split(name, returned):
    """``(body, {workload: CostLedger})`` from what a section's ``run`` returned."""
    if isinstance(returned, str):
        return returned, {}
    if not (isinstance(returned, tuple) and len(returned) == 2
            and isinstance(returned[0], str) and isinstance(returned[1], Mapping)):
        raise TypeError(f"demo section {name!r} must return a str or a (str, dict) pair, "
                        f"got {type(returned).__name__}")
    body, raw = returned
    ledgers = {}
    for workload, value in raw.items():
        parts = [value] if isinstance(value, CostLedger) else value
        if (not isinstance(parts, (list, tuple)) or not parts
                or not all(isinstance(p, CostLedger) for p in parts)):
            raise TypeError(f"demo section {name!r}: ledgers[{workload!r}] must be a "
                            f"CostLedger or a non-empty list of them, got {value!r}")
        total = parts[0].copy()
        for part in parts[1:]:
            total.merge(part)
        ledgers[str(workload)] = total
    return body, ledgers
