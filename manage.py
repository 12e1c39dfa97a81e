#!/usr/bin/env python
"""Django's command-line utility; the installed console script `nqihub` does the same and more."""

from nqihub.cli import main

if __name__ == "__main__":
    main()
