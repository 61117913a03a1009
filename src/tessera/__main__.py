"""`python -m tessera` runs the same command line as the `tessera` script."""

from tessera.cli import main

main()
