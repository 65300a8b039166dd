"""``analoglinalg demo --quick`` end to end, in a fresh interpreter."""

import os
import re
import subprocess
import sys

import analoglinalg._demo as demo

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_quick_demo_end_to_end(tmp_path):
    outdir = tmp_path / "demo out"
    proc = subprocess.run(
        [sys.executable, "-m", "analoglinalg", "demo", "--quick", "--outdir", str(outdir)],
        capture_output=True, text=True, check=False, env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = (outdir / "report.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)$", report, flags=re.MULTILINE)
    assert headings == list(demo.section_names())
    assert headings[-1] == "summary"

    pngs = sorted(outdir.glob("*.png"))
    assert len(pngs) >= len(headings)
    for png in pngs:
        assert png.read_bytes()[:8] == PNG_MAGIC, png.name
        assert f"({png.name})" in report, f"{png.name} is not shown in the report"

    # The summary holds one row per workload a section returned a ledger for, and a total.
    summary = report.split("## summary", 1)[1]
    rows = [line for line in summary.splitlines() if line.startswith("| ")][1:]
    sections = {line.split("|")[1].strip() for line in rows}
    assert {"crossbar", "sketch", "nn", "all"} <= sections
    # The printed report names the output folder and lists every section with its time.
    assert str(outdir.resolve()) in proc.stdout
    for name in headings:
        assert re.search(rf"^{name}\s+\d+\.\d s", proc.stdout, flags=re.MULTILINE), name
