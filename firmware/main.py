# The node's entry point (MicroPython runs main.py after boot.py).
from node.startup import main

main()
