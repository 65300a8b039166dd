"""Sphinx configuration for analoglinalg.

The build is offline by default: intersphinx links to Python, NumPy, SciPy and
scikit-learn are only enabled when ``ANALOGLINALG_DOCS_ONLINE=1`` is set, so that
``make docs`` with ``-W`` does not depend on network access.
"""

import os

import matplotlib

# Gallery scripts run inside the build; they must never open a window.
matplotlib.use("Agg")

import analoglinalg  # noqa: E402

project = "analoglinalg"
author = "analoglinalg developers"
copyright = "2025, analoglinalg developers"
version = analoglinalg.__version__
release = analoglinalg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build"]
templates_path = []

autosummary_generate = True
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_validation_checks = set()

if os.environ.get("ANALOGLINALG_DOCS_ONLINE") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }
else:
    intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
}

html_theme = "pydata_sphinx_theme"
html_title = f"analoglinalg {release}"
html_theme_options = {
    "navigation_with_keys": False,
}
