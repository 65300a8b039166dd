"""The showcase behind ``analoglinalg demo`` (private).

Each demo section is a module exposing ``run(outdir, quick, rng) -> str``: it
saves PNG figures into ``outdir`` (a :class:`pathlib.Path`, shared by all
sections, so file names should start with the section name) and returns the
Markdown body of its part of the report. The runner writes the section heading
itself, so the body should start below it (``###`` and deeper).

:data:`SECTIONS` fixes the order of the sections. Every section draws from its
own random stream, spawned from the run's seed by the section's position in
:data:`SECTIONS`, so a section gives the same result alone or with the others.
"""

import importlib
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from analoglinalg._lib._random import as_generator

__all__ = ["SECTIONS", "SectionResult", "section_names", "run_demo"]

SECTIONS = (
    ("devices", "analoglinalg._demo.devices"),
    ("crossbar", "analoglinalg._demo.crossbar"),
    ("sketch", "analoglinalg._demo.sketch"),
    ("streaming", "analoglinalg._demo.streaming"),
    ("nn", "analoglinalg._demo.nn"),
)


@dataclass(frozen=True)
class SectionResult:
    """What one section did: its name, wall time in seconds and new figures."""

    name: str
    seconds: float
    figures: tuple


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
        before = set(outdir.glob("*.png"))
        start = time.perf_counter()
        body = importlib.import_module(module_path).run(outdir, quick, as_generator(streams[name]))
        seconds = time.perf_counter() - start
        figures = tuple(sorted(p.name for p in set(outdir.glob("*.png")) - before))
        # A figure the section saved but did not show would be lost to a reader of the report.
        unshown = [f"![{fig}]({fig})\n" for fig in figures if fig not in body]
        parts.append(f"## {name}\n\n{body.strip()}\n\n" + "\n".join(unshown))
        results.append(SectionResult(name, seconds, figures))
    report = outdir / "report.md"
    report.write_text("\n".join(parts), encoding="utf-8")
    return report, results
