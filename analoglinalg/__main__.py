"""``python -m analoglinalg``: the same program as the ``analoglinalg`` command."""

from analoglinalg.cli import main

raise SystemExit(main())
