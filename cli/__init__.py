"""CLI wiring: the command groups of `teamlens`, one module each. Holds no logic of its own.

``teamlens.py`` keeps the click group and ``main()`` (the console script) and adds the
commands listed in ``teamlens.COMMANDS`` to it:

* :mod:`cli.demo` — ``demo`` and ``db info``;
* :mod:`cli.imports` — ``import people|teams|assessments|recognitions|defects``;
* :mod:`cli.ingest` — ``ingest github``;
* :mod:`cli.metrics` — ``metrics``;
* :mod:`cli.report` — ``report review|board``.

Each command imports the layer it wires inside its body, so ``teamlens --help`` stays fast.
"""
