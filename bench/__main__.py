"""Run a benchmark suite: ``python -m bench [SUITE] [OPTIONS]`` (the API suite by default).

A suite is a module of this package with ``main(argv: list[str]) -> int``; ``--help`` after
the suite's name lists its options.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from typing import Any

SUITES = {
    "api": "bench.api",
    "delivery": "bench.delivery",
    "groups": "bench.groups",
    "loyalty": "bench.loyalty",
    "search": "bench.search",
}
DEFAULT_SUITE = "api"


def _usage() -> str:
    return f"usage: python -m bench [{'|'.join(SUITES)}] [options]  (default: {DEFAULT_SUITE})"


def main(argv: list[str]) -> int:
    """Dispatch to the named suite."""
    args = list(argv)
    name = args.pop(0) if args and not args[0].startswith("-") else DEFAULT_SUITE
    module_name = SUITES.get(name)
    if module_name is None:
        print(f"unknown suite {name!r}\n{_usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"the {name} suite is not written yet ({module_name})", file=sys.stderr)
        return 2
    run: Callable[..., Any] = module.main
    if inspect.signature(run).parameters:
        return int(run(args) or 0)
    # A suite that reads sys.argv itself.
    sys.argv = [f"python -m bench {name}", *args]
    return int(run() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
