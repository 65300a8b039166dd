"""Every public module's doctests run, and every public name documents an example.

The doctests are collected the way ``pytest --doctest-modules`` collects them: every module
of the package (private ``_x.py`` modules included, since they hold the public names'
docstrings), except the private showcase ``analoglinalg._demo`` and ``__main__`` (which runs
the command line when imported).
"""

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import numpy as np
import pytest

import analoglinalg

OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
SUBPACKAGES = ("devices", "crossbar", "sketch", "streaming", "nn", "optimize", "linalg",
               "distributed", "io")
EXAMPLES = re.compile(r"^Examples\n-{3,}\n(?:.*\n)*?\s*>>> ", re.MULTILINE)


def _module_names():
    names = []
    for info in pkgutil.walk_packages(analoglinalg.__path__, prefix="analoglinalg."):
        if info.name.startswith("analoglinalg._demo") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("module_name", ["analoglinalg", *_module_names()])
def test_module_doctests(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=OPTIONFLAGS)
    failures = []
    # Like pytest, each docstring runs in a copy of its module's namespace.
    with np.printoptions(legacy=False):
        for test in finder.find(module, module_name):
            # Only the module's own objects: re-exports are tested where they are defined.
            if test.filename and module.__file__ and test.filename != module.__file__:
                continue
            runner.run(test, out=failures.append)
    assert not failures, "".join(failures)


def test_doctest_finder_sees_the_crossbar_examples():
    # The collection must reach names defined in private modules, or the test above is empty.
    module = importlib.import_module("analoglinalg.crossbar._crossbar")
    names = {t.name for t in doctest.DocTestFinder().find(module) if t.examples}
    assert "analoglinalg.crossbar._crossbar.Crossbar" in names


def _missing_examples(package):
    module = importlib.import_module(f"analoglinalg.{package}" if package else "analoglinalg")
    missing = []
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        doc = inspect.getdoc(obj) or ""
        if not EXAMPLES.search(doc + "\n"):
            missing.append(name)
    return missing


def test_examples_regex():
    good = "Summary.\n\nExamples\n--------\n>>> 1 + 1\n2\n"
    assert EXAMPLES.search(good)
    assert not EXAMPLES.search("Summary.\n\nExamples\n--------\nNone yet.\n")
    assert not EXAMPLES.search("Summary.\n\n>>> 1 + 1\n2\n")


@pytest.mark.parametrize("package", ("", *SUBPACKAGES))
def test_public_names_have_examples(package):
    missing = _missing_examples(package)
    assert not missing, (f"public names of analoglinalg.{package} without an Examples section "
                         f"holding a doctest: {missing}")


ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = ("README.md", "docs/index.rst", "docs/getting_started.rst")


@pytest.mark.parametrize("path", DOC_FILES)
def test_documentation_examples(path):
    """The examples of the landing pages run and print what the pages show."""
    with np.printoptions(legacy=False):
        result = doctest.testfile(str(ROOT / path), module_relative=False, name=path,
                                  optionflags=OPTIONFLAGS, report=False, verbose=False)
    assert result.attempted > 5
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {path} fail"
