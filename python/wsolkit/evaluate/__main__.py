"""`python -m wsolkit.evaluate …`: see wsolkit/evaluate/cli.py."""
from .cli import main

main()
