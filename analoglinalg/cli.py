"""The ``analoglinalg`` command line: ``devices``, ``demo`` and ``bench``.

This is the only module of the package that prints; everything it shows comes
from the library's public functions.
"""

import argparse
import math
import subprocess
import sys
from pathlib import Path

import analoglinalg

__all__ = ["main"]

_BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
_SI_PREFIXES = ((1e-18, "a"), (1e-15, "f"), (1e-12, "p"), (1e-9, "n"), (1e-6, "u"),
                (1e-3, "m"), (1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "G"))


def main(argv=None):
    """Run the ``analoglinalg`` command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name. Default: ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success, 1 if a benchmark script failed, 2 for a
        usage error or when the benchmarks are not available.

    Examples
    --------
    >>> from analoglinalg.cli import main
    >>> main(["--version"])  # doctest: +SKIP
    analoglinalg 0.1.0
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    return args.handler(args, parser)


def _build_parser():
    from analoglinalg._demo import section_names

    parser = argparse.ArgumentParser(
        prog="analoglinalg",
        description="Analog linear algebra on simulated crossbars of programmable resistors.",
    )
    parser.add_argument("--version", action="version",
                        version=f"analoglinalg {analoglinalg.__version__}")
    sub = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    devices = sub.add_parser("devices", help="list the device presets")
    devices.set_defaults(handler=_cmd_devices)

    demo = sub.add_parser("demo", help="run the showcase and write a report")
    demo.add_argument("--quick", action="store_true", help="short version of every section")
    demo.add_argument("--section", dest="sections", action="extend", nargs="+",
                      choices=section_names(), metavar="NAME",
                      help=f"run only these sections (from: {', '.join(section_names())})")
    demo.add_argument("--outdir", type=Path, default=Path("analoglinalg-demo"),
                      help="output folder (default: %(default)s)")
    demo.add_argument("--seed", type=_non_negative_int, default=0,
                      help="seed of the run (default: %(default)s)")
    demo.set_defaults(handler=_cmd_demo)

    bench = sub.add_parser("bench", help="run the benchmark scripts of a source checkout")
    bench.add_argument("--only", metavar="NAME", help="run only benchmarks/bench_NAME.py")
    bench.set_defaults(handler=_cmd_bench)
    return parser


def _non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def _si(value, unit):
    """Format ``value`` with an SI prefix and three significant digits."""
    if value is None or not math.isfinite(value):
        return "-"
    if value == 0:
        return f"0 {unit}"
    scale, prefix = _SI_PREFIXES[0]
    for candidate, candidate_prefix in _SI_PREFIXES:
        if abs(value) >= candidate:
            scale, prefix = candidate, candidate_prefix
    return f"{value / scale:.3g} {prefix}{unit}"


def _table(rows, headers):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _cmd_devices(args, parser):
    from analoglinalg.devices import get_device, list_devices

    rows = []
    for name in list_devices():
        device = get_device(name)
        rows.append((
            device.name,
            device.n_states,
            f"{_si(device.g_min, 'S')} - {_si(device.g_max, 'S')}",
            f"{device.asymmetry:+.3f}",
            _si(device.pulse_width, "s"),
            _si(device.pulse_energy, "J"),
            device.citation,
        ))
    headers = ("name", "states", "conductance", "asymmetry", "pulse", "energy/pulse", "source")
    print(_table(rows, headers))
    return 0


def _cmd_demo(args, parser):
    from analoglinalg._demo import run_demo

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        parser.error("the demo draws figures and needs matplotlib: pip install matplotlib")
    from analoglinalg._demo.summary import ratio, summary_rows

    report, results = run_demo(args.outdir, sections=args.sections, quick=args.quick,
                               seed=args.seed)
    rows = [(r.name, f"{r.seconds:.1f} s", f"{r.cpu_seconds:.1f} s", len(r.figures))
            for r in results]
    rows.append(("total", f"{sum(r.seconds for r in results):.1f} s",
                 f"{sum(r.cpu_seconds for r in results):.1f} s",
                 sum(len(r.figures) for r in results)))
    print(_table(rows, ("section", "time", "cpu time", "figures")))
    if any(r.name == "summary" for r in results):
        energy = summary_rows({r.name: r.ledgers for r in results if r.ledgers})
        if energy:
            print()
            print(_table([(row["workload"], _si(row["energy"], "J"), _si(row["latency"], "s"),
                           _si(row["gpu"], "J"), ratio(row["gpu"], row["energy"]))
                          for row in energy],
                         ("workload", "analog energy", "analog latency", "GPU energy",
                          "GPU / analog")))
    print(f"report: {report}")
    print(f"outdir: {report.parent.resolve()}")
    return 0


def _cmd_bench(args, parser):
    # _common.py marks this repository's folder, not some other package's "benchmarks".
    if not (_BENCH_DIR / "_common.py").is_file():
        print(f"analoglinalg bench: no benchmarks folder at {_BENCH_DIR}; the benchmarks "
              "ship with the source repository only, run this command from a source checkout",
              file=sys.stderr)
        return 2
    scripts = sorted(_BENCH_DIR.glob("bench_*.py"))
    if args.only is not None:
        available = [script.stem.removeprefix("bench_") for script in scripts]
        if args.only not in available:
            print(f"analoglinalg bench: --only must be one of {available}, got {args.only!r}",
                  file=sys.stderr)
            return 2
        scripts = [_BENCH_DIR / f"bench_{args.only}.py"]
    if not scripts:
        print(f"no benchmark scripts (bench_*.py) in {_BENCH_DIR}")
        return 0
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        # A fresh interpreter per script keeps numba caches and BLAS thread pools
        # of one benchmark from influencing the next one's timings.
        if subprocess.run([sys.executable, str(script)], cwd=_BENCH_DIR.parent).returncode:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
