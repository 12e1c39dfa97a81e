"""Benchmarks of NQI Hub: one package per benchmark (`bench/<name>/`), each with a `run.py` whose `main(argv)`
returns an exit status. `python -m bench` runs them all with their defaults; `python -m bench NAME ARGS…` one."""
