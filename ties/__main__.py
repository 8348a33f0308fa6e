"""`python -m ties` runs the command line."""

from ties.cli import main

main()
