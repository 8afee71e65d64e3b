"""``python -m botec.cli``: the same as the ``botec`` command."""

from botec.cli import main

main()
