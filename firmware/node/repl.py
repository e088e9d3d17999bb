# A small asyncio REPL, in the manner of micropython-lib's aiorepl (not on
# PyPI): one line at a time, evaluated while the control loop keeps running.
# An expression's value is printed; a statement is executed; an error is
# printed, never raised.

import asyncio
import sys

PROMPT = "--> "


def run_line(line, namespace, out=sys.stdout):
    """Evaluates or executes one line in namespace; prints the result or the error."""
    try:
        try:
            code = compile(line, "<repl>", "eval")
        except SyntaxError:
            exec(compile(line, "<repl>", "exec"), namespace)
            return
        result = eval(code, namespace)
        if result is not None:
            out.write(repr(result) + "\n")
    except Exception as error:
        out.write("%s: %s\n" % (type(error).__name__, error))


async def repl(namespace, stream=None, out=sys.stdout):
    reader = asyncio.StreamReader(stream or sys.stdin)
    while True:
        out.write(PROMPT)
        line = await reader.readline()
        if not line:
            return
        if isinstance(line, bytes):
            line = line.decode()
        line = line.strip()
        if line:
            run_line(line, namespace, out)
