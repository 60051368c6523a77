"""``python -m delibe.cli …`` = ``delibe …`` (used to start the demo's worker with the same Python)."""

from delibe.cli import main

main()
