"""Command line of the host simulator.

python -m host_sim demo [--hours H]
"""

import argparse

import host_sim  # noqa: F401  (puts firmware/ on the path)
from host_sim import demo


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m host_sim", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo_parser = commands.add_parser(
        "demo", help="closed-loop demo of the control core on a small greenhouse bay"
    )
    demo_parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args(argv)
    if args.command == "demo":
        if not 1 <= args.hours <= 24 * 14:
            parser.error(f"--hours must be 1..336, got {args.hours}")
        print(demo.report(demo.run(hours=args.hours)))


if __name__ == "__main__":
    main()
