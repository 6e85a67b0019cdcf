"""The ``tinygrad-scalar`` command (also ``python -m tinygrad_scalar``).

::

    tinygrad-scalar graph "tanh(x*w + b)" x=2 w=-3 b=6.88 -o neuron.png --grad-flow
    tinygrad-scalar graph "tanh(x*w + b)" x=2 w=-3 b=6.88 --html neuron.html
    tinygrad-scalar compare "(x*y + x)*(x*y + y)" x=0.5 y=2
    tinygrad-scalar demo alpha_vs_beta --quick

A mistake (a syntax error, an unknown name or function, a missing or malformed value, an
unwritable file, no ``dot`` program) prints one line on stderr and exits with status 2.

Each subcommand is one row of ``COMMANDS``: its name, a one-line help, a function that
adds its arguments to a parser and a function that runs it and returns the exit status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, NoReturn, Optional, Sequence

from ..see.select import TooBig, within
from .scripts import ScriptParser, UsageError, available_demos, benchmarks_folder, demos_folder, run_script

__all__ = ["Command", "COMMANDS", "main", "demos_folder", "available_demos",
           "benchmarks_folder", "ScriptParser"]

PROG = "tinygrad-scalar"


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports mistakes on one line instead of printing usage,
    and knows which of its options take a value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.takes_value: Dict[str, bool] = {}
        self.commands: Dict[str, "_Parser"] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """``argparse``'s ``add_argument``, noting each option string and its arity."""
        action = super().add_argument(*args, **kwargs)
        for option in action.option_strings:
            self.takes_value[option] = action.nargs != 0
        return action

    def error(self, message: str) -> NoReturn:
        """Raise ``UsageError``: the command prints it on one line."""
        raise UsageError(f"{self.prog}: {message}")


def _take_late_values(args: argparse.Namespace, extra: List[str]) -> None:
    """``NAME=VALUE`` words after an option (``graph EXPR --html p.html x=1``) join the
    values, as they would before it; any other leftover word is refused by name."""
    values = getattr(args, "values", None)
    late = [t for t in extra if values is not None and "=" in t and not t.startswith("-")]
    values = values if values is not None else []
    values += late
    rest = [t for t in extra if t not in late]
    if rest:
        raise UsageError(f"{PROG}: unrecognized arguments: {' '.join(rest)}")


#: commands whose first argument is an expression, which may start with "-" (-x*y)
_EXPRESSION_FIRST = ("graph", "compare")


def _expression_first(parser: _Parser, argv: List[str]) -> List[str]:
    """``argv`` with an expression that starts with ``-`` (``graph "-x*y" x=1``) marked as
    the expression rather than an unknown option: it gets a leading space, which the
    expression reader ignores. Options before it are skipped with their values."""
    if not argv or argv[0] not in _EXPRESSION_FIRST or argv[0] not in parser.commands:
        return argv
    options = parser.commands[argv[0]].takes_value
    i = 1
    while i < len(argv):
        token = argv[i]
        if token == "--":
            return argv
        name = token.split("=", 1)[0] if token.startswith("--") else token[:2]
        if token.startswith("--"):
            matches = [o for o in options if o.startswith(name)]
            if name not in options and len(matches) != 1:
                return argv  # unknown or ambiguous: argparse reports it
            name = name if name in options else matches[0]
        if name in options:
            i += 2 if options[name] and (token == name or token.startswith("--")
                                         and "=" not in token) else 1
            continue
        if token.startswith("-") and len(token) > 1:
            return argv[:i] + [" " + token] + argv[i + 1:]
        return argv
    return argv


class Command(NamedTuple):
    """A subcommand: name, one-line help, argument setup, and the function that runs it."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# ------------------------------------------------------------------ graph
def _graph_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("expr", metavar="EXPR", help='an expression, such as "tanh(x*w + b)"')
    p.add_argument("values", metavar="NAME=VALUE", nargs="*",
                   help="a value for each variable, such as x=2")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="write the picture here (.png, .svg or .pdf; needs the dot program)")
    p.add_argument("--html", metavar="PATH",
                   help="write a page that plays the backward sweep step by step (needs dot)")
    p.add_argument("--grad-flow", action="store_true",
                   help="label edges with local derivatives and what they add to gradients")
    p.add_argument("--rankdir", default="LR", choices=("LR", "TB", "RL", "BT"),
                   help="direction of the drawing (default LR: left to right)")
    p.add_argument("--collapse-sums", action="store_true",
                   help="draw chains of + as one sum, and wide sums by their first terms")
    p.add_argument("--focus", metavar="NAME",
                   help="draw only the part of the graph around this variable")
    p.add_argument("--radius", type=_count, default=2, metavar="N",
                   help="with --focus: draw the values at most N edges away (default 2)")
    p.add_argument("--no-legend", action="store_true", help="leave out the colour legend")
    p.add_argument("--dot", action="store_true", help="print the DOT source (needs no dot)")
    p.add_argument("--listing", action="store_true",
                   help="print the forward and backward passes as straight-line code")
    p.add_argument("--trace", action="store_true", help="print the backward sweep step by step")


def _graph(args: argparse.Namespace) -> int:
    from ..cli import expr
    from ..see import adjoint, viz

    if args.output is not None:
        viz.picture_format(args.output, "-o")
    for flag, target in (("-o", args.output), ("--html", args.html)):
        folder = None if target is None else Path(target).resolve().parent
        if folder is not None and not folder.is_dir():
            raise UsageError(f"{PROG} graph: {flag} {target}: folder {folder} does not exist")
    out, leaves = expr.build(args.expr, expr.parse_values(args.values))
    if args.focus is not None and args.focus not in leaves:
        raise UsageError(f"{PROG} graph: --focus {args.focus}: not a variable of the "
                         f"expression ({', '.join(leaves)})")
    if args.trace:
        print("backward, step by step:")
        adjoint.trace_backward(out, file=sys.stdout)
        print()
    else:
        out.backward()
    text = " ".join(args.expr.split())
    print(f"{text if len(text) <= 80 else text[:76] + ' ...'} = {out.data:.6g}")
    width = max(len(n) for n in leaves)
    for name, leaf in leaves.items():
        print(f"  d/d{name.ljust(width)} = {leaf.grad:.6g}")
    if args.listing:
        print()
        print(adjoint.listing(out))
    options = {"grad_flow": args.grad_flow, "rankdir": args.rankdir,
               "collapse_sums": args.collapse_sums, "legend": not args.no_legend,
               "focus": None if args.focus is None else leaves[args.focus],
               "radius": args.radius}
    try:
        if args.dot:
            print(viz.to_dot(out, **options).source, end="")
        if args.output is not None:
            path = viz.render(out, args.output, **options)
            print(f"wrote {path}")
        if args.html is not None:
            page = {k: v for k, v in options.items() if k not in ("grad_flow", "legend")}
            path = viz.to_html(out, args.html, title=text, **page)
            print(f"wrote {path}")
    except TooBig as e:
        raise UsageError(_too_big(e, args.focus)) from None
    return 0


def _too_big(e: TooBig, focus: Optional[str]) -> str:
    """The drawing's refusal, with the command's own options as the ways out."""
    if focus is not None:
        return f"{PROG} graph: {e.what}; use --radius {e.radius}"
    hints = [] if e.collapsed is None else [f"pass --collapse-sums (it draws {e.collapsed:,} "
                                            f"nodes)"]
    hints.append(f"draw the part around one variable with --focus NAME --radius {e.radius} "
                 f"(at most {within(e.radius):,} nodes)")
    return f"{PROG} graph: {e.what}; {' or '.join(hints)}"


# ------------------------------------------------------------------ compare
def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("expr", metavar="EXPR", help='an expression, such as "(x*y + x) * y"')
    p.add_argument("values", metavar="NAME=VALUE", nargs="*",
                   help="a value for each variable, such as x=2")
    p.add_argument("--wrt", metavar="NAMES",
                   help="comma-separated variables to differentiate for (default: all)")
    p.add_argument("--repeats", type=_bounded(MAX_REPEATS), default=3,
                   help=f"timing runs (median; at most {MAX_REPEATS})")
    p.add_argument("--max-calls", type=_bounded(MAX_CALLS), default=1_000_000,
                   help=f"skip Beta beyond this many recursive calls (default 1000000, "
                        f"at most {MAX_CALLS})")
    p.add_argument("--explain", metavar="NAME",
                   help="also list the paths to this variable with their products")
    p.add_argument("--limit", type=_positive, default=20, help="paths to list (default 20)")


def _compare(args: argparse.Namespace) -> int:
    from ..cli import expr
    from ..see import alphabeta

    out, leaves = expr.build(args.expr, expr.parse_values(args.values))
    wrt = list(leaves)
    if args.wrt is not None:
        wrt = [w.strip() for w in args.wrt.split(",")]
        unknown = [w for w in wrt if w not in leaves]
        if unknown:
            raise UsageError(f"{PROG} compare: --wrt names {', '.join(unknown)}, "
                             f"not a variable of the expression ({', '.join(leaves)})")
    if args.explain is not None and args.explain not in leaves:
        raise UsageError(f"{PROG} compare: --explain {args.explain}: not a variable of the "
                         f"expression ({', '.join(leaves)})")
    table = alphabeta.compare(out, [leaves[w] for w in wrt], repeats=args.repeats,
                            max_calls=args.max_calls)
    print(table)
    if args.explain is not None:
        print()
        print(alphabeta.explain(out, leaves[args.explain], limit=args.limit))
    return 0


MAX_REPEATS = 1000
MAX_CALLS = 10_000_000  # Beta's own default budget (naive.DEFAULT_MAX_CALLS)


def _bounded(top: int) -> Callable[[str], int]:
    """An argument type: a whole number from 1 to ``top``."""
    def whole(text: str) -> int:
        n = _positive(text)
        if n > top:
            raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {top}, "
                                             f"got {text!r}")
        return n
    return whole


def _whole(text: str, minimum: int, wanted: str) -> int:
    """``text`` as an int ``>= minimum``, or the argument error saying what was wanted."""
    try:
        n = int(text)
    except ValueError:
        n = minimum - 1
    if n < minimum:
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
    return n


def _count(text: str) -> int:
    """An argument type: a whole number from 0 up."""
    return _whole(text, 0, "a whole number >= 0")


def _positive(text: str) -> int:
    """An argument type: a whole number from 1 up."""
    return _whole(text, 1, "a positive whole number")


# ------------------------------------------------------------------ demo
def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", nargs="?", help="which demo (see --list)")
    p.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER,
                   help="passed on to the demo (try: demo NAME --help)")
    p.add_argument("--list", action="store_true", help="list the demos and exit")


def _demo(args: argparse.Namespace) -> int:
    folder = demos_folder()
    names = available_demos(folder)
    if not names:
        raise UsageError(f"{PROG} demo: no demos found (looked in {folder}); the demos "
                         f"come with a source checkout of tinygrad_scalar")
    if args.list:
        print("\n".join(names))
        return 0
    if args.name is None:
        raise UsageError(f"{PROG} demo: name a demo: {', '.join(names)}")
    if args.name not in names:
        raise UsageError(f"{PROG} demo: unknown demo {args.name!r}; available: "
                         f"{', '.join(names)}")
    status = run_script(folder / f"{args.name}.py", args.args, f"{PROG} demo {args.name}")
    return status if isinstance(status, int) else 0


# ------------------------------------------------------------------ bench
def _bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER,
                   help="options of the benchmark suite (see: bench --help)")


def _bench(args: argparse.Namespace) -> int:
    script = benchmarks_folder() / "run.py"
    if not script.is_file():
        raise UsageError(f"{PROG} bench: the benchmark suite was not found (looked for "
                         f"{script}); it comes with a source checkout of tinygrad_scalar")
    run_script(script, args.args, f"{PROG} bench")
    return 0


# ------------------------------------------------------------------ the table
COMMANDS: List[Command] = [
    Command("graph", "build an expression, print its gradients and draw its graph",
            _graph_args, _graph),
    Command("compare", "compare Alpha (backward) and Beta (naive.grad) on an expression",
            _compare_args, _compare),
    Command("demo", "run a demo from the demos folder", _demo_args, _demo),
    Command("bench", "time this engine against micrograd and plain floats", _bench_args, _bench),
]


def _parser(commands: Sequence[Command]) -> _Parser:
    from .. import __version__

    parser = _Parser(prog=PROG, description="A scalar autodiff engine you can read, draw "
                     "and train with.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in commands:
        p = sub.add_parser(c.name, help=c.help, description=c.help)
        parser.commands[c.name] = p
        c.configure(p)
        p.set_defaults(run=c.run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    >>> main(["graph", "x * x + y", "x=3", "y=1"])
    x * x + y = 10
      d/dx = 6
      d/dy = 1
    0
    """
    from ..cli.expr import ExpressionError
    from ..see.viz import DotError, GraphvizNotFound

    parser = _parser(COMMANDS)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = ""
    try:
        if argv[:1] == ["bench"]:  # the suite parses its own options, --help included
            command = "bench"
            args = argparse.Namespace(command=command, run=_bench, args=argv[1:])
        else:
            args, extra = parser.parse_known_args(_expression_first(parser, argv))
            _take_late_values(args, extra)
        command = args.command or ""
        if not command:
            raise UsageError(f"{PROG}: choose a command: "
                             f"{', '.join(c.name for c in COMMANDS)} (or --help)")
        return args.run(args)
    except SystemExit as e:  # --help, --version, or a demo's own argument parser
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        return _fail(f"{PROG} {command}: {e.code}".replace("  ", " "))
    except UsageError as e:
        return _fail(str(e))
    except (ExpressionError, ArithmeticError, ValueError, OSError, GraphvizNotFound, DotError,
            ImportError) as e:
        where = f"{PROG} {command}".strip()
        return _fail(f"{where}: {_one_line(e)}")
    except KeyboardInterrupt:
        return _fail(f"{PROG}: interrupted", 130)


def _one_line(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    if isinstance(e, OSError) and e.filename is not None:
        text = f"{e.strerror or text}: {e.filename}"
    return " ".join(text.split())


def _fail(message: str, status: int = 2) -> int:
    print(message, file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
