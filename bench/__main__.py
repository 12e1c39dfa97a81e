"""`python -m bench` runs every benchmark with its defaults (what `make bench` does);
`python -m bench NAME [ARGS…]` runs one, e.g. `python -m bench search --n 1000000`."""

import importlib
import pkgutil
import sys
from pathlib import Path


def benchmarks() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(here)])
        if info.ispkg and (here / info.name / "run.py").exists()
    )


def main(argv: list[str]) -> int:
    names = benchmarks()
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(names))
        return 0
    if argv:
        if argv[0] not in names:
            print(f"unknown benchmark {argv[0]!r}; known: {', '.join(names)}", file=sys.stderr)
            return 2
        return importlib.import_module(f"bench.{argv[0]}.run").main(argv[1:])
    status = 0
    for name in names:
        print(f"== bench {name}", flush=True)
        status = max(status, importlib.import_module(f"bench.{name}.run").main([]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
