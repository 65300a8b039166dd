"""Tests of the ``analoglinalg`` command line and the demo runner."""

import subprocess
import sys
import types

import numpy as np
import pytest

import analoglinalg._demo as demo
from analoglinalg import cli

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_module_help_lists_commands():
    proc = subprocess.run([sys.executable, "-m", "analoglinalg", "--help"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    for command in ("devices", "demo", "bench"):
        assert command in proc.stdout


def test_devices_lists_every_preset(capsys):
    from analoglinalg.devices import get_device, list_devices

    assert cli.main(["devices"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    names = list(list_devices())
    assert names
    assert sorted(rows) == sorted(names)
    for name in names:
        assert str(get_device(name).n_states) in rows[name].split()


def test_demo_devices_quick_writes_report_and_figure(tmp_path, capsys):
    outdir = tmp_path / "out"
    assert cli.main(["demo", "--quick", "--section", "devices", "--outdir", str(outdir)]) == 0
    report = (outdir / "report.md").read_text(encoding="utf-8")
    assert "## devices" in report
    pngs = sorted(outdir.glob("*.png"))
    assert pngs
    for png in pngs:
        assert png.read_bytes()[:8] == PNG_MAGIC
    assert str(outdir.resolve()) in capsys.readouterr().out


def test_demo_unknown_section_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["demo", "--section", "no_such_section"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "no_such_section" in err
    for name in demo.section_names():
        assert name in err


def test_demo_negative_seed_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        cli.main(["demo", "--seed", "-1"])
    assert exc.value.code == 2


@pytest.fixture
def fake_sections(monkeypatch):
    """Two stand-in sections: each reports one draw from its rng; ``beta`` saves a figure."""

    def make(name, figure):
        def run(outdir, quick, rng):
            if figure:
                import matplotlib.pyplot as plt

                fig, ax = plt.subplots()
                ax.plot([0, 1], [0, 1])
                fig.savefig(outdir / f"{name}_line.png")
                plt.close(fig)
            return f"draw={rng.random()!r} quick={quick}"

        module = types.ModuleType(f"fake_demo_{name}")
        module.run = run
        monkeypatch.setitem(sys.modules, module.__name__, module)
        return name, module.__name__

    monkeypatch.setattr(demo, "SECTIONS", (make("alpha", False), make("beta", True)))


def test_run_demo_streams_are_per_section(fake_sections, tmp_path):
    expected = [np.random.default_rng(s).random() for s in np.random.SeedSequence(7).spawn(2)]
    report, results = demo.run_demo(tmp_path / "all", seed=7, quick=True, progress=False)
    text = report.read_text(encoding="utf-8")
    assert f"draw={expected[0]!r} quick=True" in text
    assert f"draw={expected[1]!r} quick=True" in text
    assert [r.name for r in results] == ["alpha", "beta"]
    assert results[0].figures == ()
    assert results[1].figures == ("beta_line.png",)
    # the section did not show its figure, so the runner links it
    assert "![beta_line.png](beta_line.png)" in text

    report, _ = demo.run_demo(tmp_path / "beta", sections=["beta"], seed=7, progress=False)
    assert f"draw={expected[1]!r} quick=False" in report.read_text(encoding="utf-8")


def test_run_demo_rejects_unknown_section(fake_sections, tmp_path):
    with pytest.raises(ValueError, match=r"sections must be among \['alpha', 'beta'\]"):
        demo.run_demo(tmp_path, sections=["gamma"])
    assert not any(tmp_path.iterdir())


def test_bench_without_benchmarks_folder(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "_BENCH_DIR", tmp_path / "benchmarks")
    assert cli.main(["bench"]) == 2
    assert "source checkout" in capsys.readouterr().err


def test_bench_runs_scripts_and_reports_failures(monkeypatch, tmp_path, capfd):
    bench_dir = tmp_path / "benchmarks"
    bench_dir.mkdir()
    (bench_dir / "_common.py").write_text("")
    (bench_dir / "bench_ok.py").write_text("print('ok ran')\n")
    (bench_dir / "bench_bad.py").write_text("raise SystemExit(3)\n")
    monkeypatch.setattr(cli, "_BENCH_DIR", bench_dir)

    assert cli.main(["bench"]) == 1
    captured = capfd.readouterr()
    assert "ok ran" in captured.out
    assert "bench_bad.py" in captured.err

    assert cli.main(["bench", "--only", "ok"]) == 0
    assert cli.main(["bench", "--only", "missing"]) == 2
    assert "['bad', 'ok']" in capfd.readouterr().err


def _ledger_of_reads(n_reads, shape=(3, 2)):
    """A ledger holding ``n_reads`` matvecs of an ideal ``shape`` crossbar."""
    from analoglinalg import Crossbar

    xb = Crossbar(shape, device="ideal", periphery="ideal", rng=0)
    for _ in range(n_reads):
        xb.matvec(np.ones(shape[1]))
    return xb.cost


@pytest.fixture
def ledger_sections(monkeypatch):
    """``one`` returns a ledger, ``two`` a list of ledgers, ``last`` collects what came before."""
    seen = {}

    def module(name, run):
        mod = types.ModuleType(f"fake_demo_{name}")
        mod.run = run
        monkeypatch.setitem(sys.modules, mod.__name__, mod)
        return name, mod.__name__

    def last(outdir, quick, rng, ledgers=None):
        seen.update(ledgers)
        return "collected"

    monkeypatch.setattr(demo, "SECTIONS", (
        module("plain", lambda outdir, quick, rng: "no ledgers"),
        module("one", lambda outdir, quick, rng: ("one", {"w1": _ledger_of_reads(2)})),
        module("two", lambda outdir, quick, rng: (
            "two", {"w2": [_ledger_of_reads(1), _ledger_of_reads(3)]})),
        module("last", last),
    ))
    return seen


def test_run_demo_passes_ledgers_to_later_sections(ledger_sections, tmp_path):
    report, results = demo.run_demo(tmp_path, progress=False)
    assert [r.name for r in results] == ["plain", "one", "two", "last"]
    assert results[0].ledgers == {} and results[3].ledgers == {}
    assert sorted(ledger_sections) == ["one", "two"]
    # 3 x 2 array: 6 MACs per matvec; a list of ledgers is added up (1 + 3 reads).
    assert ledger_sections["one"]["w1"].n_macs == 2 * 6
    assert ledger_sections["two"]["w2"].n_reads == 4
    assert ledger_sections["two"]["w2"].n_macs == 4 * 6
    assert "collected" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("returned", [42, ("body",), ("body", {"w": "not a ledger"}),
                                      ("body", {"w": []})])
def test_run_demo_rejects_malformed_section_returns(monkeypatch, tmp_path, returned):
    mod = types.ModuleType("fake_demo_bad")
    mod.run = lambda outdir, quick, rng: returned
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setattr(demo, "SECTIONS", (("bad", mod.__name__),))
    with pytest.raises(TypeError, match="demo section 'bad'"):
        demo.run_demo(tmp_path, progress=False)


def test_summary_rows_use_the_gokmen_vlasov_baselines():
    from analoglinalg._demo.summary import ratio, summary_rows

    ledger = _ledger_of_reads(5)
    rows = summary_rows({"sec": {"work": ledger}})
    assert [r["workload"] for r in rows] == ["work", "total"]
    macs = 5 * 6
    # GV16 Table 1: K40 at 17.8 GOPS/W and Power8 at 2.7 GOPS/W, one MAC = 2 operations.
    np.testing.assert_allclose(rows[0]["gpu"], macs * 2 / 17.8e9, rtol=1e-12)
    np.testing.assert_allclose(rows[0]["cpu"], macs * 2 / 2.7e9, rtol=1e-12)
    np.testing.assert_allclose(rows[0]["asic"], macs * 2 / 10e12, rtol=1e-12)
    assert rows[1]["energy"] == rows[0]["energy"] == ledger.energy > 0
    assert ratio(2.0, 1.0) == "2x" and ratio(1234.0, 1.0) == "1,234x" and ratio(1.0, 0.0) == "-"
    assert summary_rows({}) == []


def test_summary_section_writes_table_and_figure(tmp_path):
    from analoglinalg._demo import summary

    text = summary.run(tmp_path, True, np.random.default_rng(0),
                       ledgers={"sec": {"work": _ledger_of_reads(2)}})
    assert "| sec | work |" in text and "**total**" in text
    assert (tmp_path / "summary_energy.png").read_bytes()[:8] == PNG_MAGIC
    assert "nothing to compare" in summary.run(tmp_path, True, None, ledgers={})


def test_run_demo_rerun_into_same_folder_finds_figures(fake_sections, tmp_path):
    demo.run_demo(tmp_path, seed=1, progress=False)
    _, results = demo.run_demo(tmp_path, seed=1, progress=False)
    assert results[1].figures == ("beta_line.png",)
    assert all(r.cpu_seconds >= 0 for r in results)
