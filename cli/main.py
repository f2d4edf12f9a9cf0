"""The ``catallaxy`` command line: list, show, run and reproduce scenarios."""

import argparse
import inspect
import sys
import warnings
from pathlib import Path

import pandas as pd

from model.params import ParameterError, RenamedParameter, parse_assignment
from scenarios.registry import SCENARIOS, get_scenario
from experiments.runner import check_output_path, check_seed, simulate, summarize, write_table
from experiments.grid import check_grid, parse_grid
from reproductions import REPRODUCTIONS


class UsageError(Exception):
    """A command line argparse could not read."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line instead of usage + message
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of every catallaxy command and its options."""
    parser = _Parser(prog="catallaxy", description="Market-based coordination of agent fleets on Mesa.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("list", help="list the scenarios, one per line")

    show = commands.add_parser("show", help="show a scenario's parameters")
    show.add_argument("scenario")

    go = commands.add_parser("run", help="run a scenario and write one row per step")
    go.add_argument("scenario")
    go.add_argument("--steps", type=int, default=None, help="steps to run (default: the scenario's)")
    go.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    go.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                    help="set a scenario parameter; repeat for several")
    go.add_argument("--out", type=Path, help="write the rows to this .csv or .parquet file")

    sw = commands.add_parser("sweep", help="run a scenario over a grid of parameters and seeds")
    sw.add_argument("scenario")
    sw.add_argument("--grid", action="append", default=[], metavar="NAME=VALUES",
                    help="a,b,c or start:stop:count; repeat for several parameters")
    sw.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE",
                    help="fix a parameter for every run")
    sw.add_argument("--seeds", type=int, default=1, help="runs per grid point (default 1)")
    sw.add_argument("--seed", type=int, default=0, help="base seed every run's seed derives from")
    sw.add_argument("--paired", default="", metavar="NAMES",
                    help="comma-separated grid parameters whose values share seeds (common random numbers)")
    sw.add_argument("--steps", type=int, default=None)
    sw.add_argument("--out", type=Path, required=True, help="the .parquet file for one row per run")
    sw.add_argument("--per-step", action="store_true", help="also write every step to <out>.steps.parquet")
    sw.add_argument("--resume", action="store_true", help="finish an interrupted sweep")
    sw.add_argument("--workers", type=int, default=1, help="processes on this machine (Dask LocalCluster)")
    sw.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://host:8786")
    sw.add_argument("--yes", action="store_true", help="confirm a sweep of more than 100,000 runs")

    su = commands.add_parser("summarize", help="mean and 95%% CI of each metric per grid point")
    su.add_argument("table", type=Path)
    su.add_argument("--by", required=True, help="comma-separated grid columns")
    su.add_argument("--metrics", help="comma-separated metric columns (default: all mean:/final:)")
    su.add_argument("--out", type=Path, help="also write the summary to .csv or .parquet")

    par = commands.add_parser("pareto", help="the non-dominated grid points of a sweep, printed and drawn")
    par.add_argument("table", type=Path, help="a sweep's .parquet (or any .csv/.parquet table)")
    par.add_argument("--maximize", action="append", default=[], metavar="COLUMN", help="an objective to maximise")
    par.add_argument("--minimize", action="append", default=[], metavar="COLUMN", help="an objective to minimise")
    par.add_argument("--by", help="comma-separated columns naming a point (default: a sweep's grid columns; "
                                  "'' for the rows as they are)")
    par.add_argument("--out", type=Path, help="also write the frontier to .csv or .parquet")
    par.add_argument("--figure", type=Path, help="draw the frontier to this .png")

    ag = commands.add_parser("agency", help="economic agency of each participant against a baseline, same seed")
    ag.add_argument("scenario")
    ag.add_argument("--baseline", action="append", default=[], metavar="NAME=VALUE", required=True,
                    help="what the baseline changes, e.g. mechanism=planner; repeat for several")
    ag.add_argument("--set", dest="assignments", action="append", default=[], metavar="NAME=VALUE")
    ag.add_argument("--steps", type=int, default=None)
    ag.add_argument("--seed", type=int, default=0)
    ag.add_argument("--discount", type=float, default=1.0, help="delta, each step's weight is delta^t (default 1)")
    ag.add_argument("--out", type=Path, help="write the per-participant table to .csv or .parquet")

    rep = commands.add_parser("reproduce", help="regenerate a published figure (PNG + CSV)")
    rep.add_argument("figure", choices=sorted(REPRODUCTIONS))
    rep.add_argument("--out", type=Path, required=True, help="folder for the figure and its data")
    rep.add_argument("--seed", type=int, default=0)
    rep.add_argument("--trials", type=int, default=None,
                     help="instances (or seeds) per point; default: the figure's own (200 for seed 000, 20 for 001)")
    rep.add_argument("--workers", type=int, default=1, help="processes for figures built from sweeps (Dask)")
    rep.add_argument("--quick", action="store_true", help="a smaller run, where the figure offers one")
    return parser


def cmd_list(args) -> None:
    """catallaxy list: each scenario's name and one-line summary."""
    width = max(map(len, SCENARIOS))
    for name, model in SCENARIOS.items():
        print(f"{name:<{width}}  {model.summary}")


def cmd_show(args) -> None:
    """catallaxy show NAME: the scenario's parameters, defaults, allowed values and meanings."""
    model = get_scenario(args.scenario)
    print(f"{model.name}: {model.summary}\n")
    rows = [(p.name, repr(p.default), p.allowed(), p.help) for p in model.params]
    print(pd.DataFrame(rows, columns=["parameter", "default", "allowed", "meaning"]).to_string(index=False))


def cmd_run(args) -> None:
    """catallaxy run NAME: run it, print a summary of the rows (timings on stderr), write them with --out."""
    params = dict(parse_assignment(a) for a in args.assignments)
    if args.out is not None:
        check_output_path(args.out)
    model = simulate(args.scenario, steps=args.steps, seed=args.seed, progress=sys.stderr.isatty(), **params)
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    print(f"{args.scenario}: {len(frame)} steps, seed {args.seed}")
    print(summarize(frame).to_string(float_format=lambda x: f"{x:.4g}"))
    for name, seconds in model.timings().items():   # wall time is not a result: stderr, not the rows
        print(f"timing: {name}: {seconds:.3f} s", file=sys.stderr)
    if args.out is not None:
        print(f"wrote {write_table(frame, args.out)}")


def cmd_sweep(args) -> int:
    """catallaxy sweep NAME: a grid of parameters x seeds; returns the exit code (1 when some runs failed)."""
    from experiments.sweeps import MAX_RUNS, sweep  # Dask and pyarrow load only for sweeps

    model = get_scenario(args.scenario)
    grid = parse_grid(model.params, args.grid, args.scenario)
    fixed = dict(parse_assignment(a) for a in args.assignments)
    both = sorted(set(fixed) & set(grid))
    if both:
        raise ParameterError(f"{', '.join(both)} is given both by --grid and by --set; use one")
    grid.update(check_grid(model.params, {name: [value] for name, value in fixed.items()}, args.scenario))
    table = sweep(args.scenario, grid, seeds=args.seeds, steps=args.steps, base_seed=args.seed, out=args.out,
                  per_step=args.per_step, resume=args.resume, workers=args.workers, scheduler=args.scheduler,
                  progress=True, paired=tuple(n.strip() for n in args.paired.split(",") if n.strip()),
                  max_runs=None if args.yes else MAX_RUNS)
    failed = int((table.status != "ok").sum())
    print(f"wrote {args.out}: {len(table)} runs, {failed} failed")
    if failed:
        first = table[table.status != "ok"].iloc[0]
        print(f"catallaxy: {failed} of {len(table)} runs failed; first: run {first.run_id}: {first.error}",
              file=sys.stderr)
    return 1 if failed else 0


def cmd_summarize(args) -> None:
    """catallaxy summarize TABLE: means and 95% intervals of a sweep's metrics, grouped by --by."""
    from experiments.summary import read_sweep, summarize_sweep

    table = read_sweep(args.table)
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    summary = summarize_sweep(table, [c.strip() for c in args.by.split(",") if c.strip()], metrics)
    print(summary.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    if args.out is not None:
        print(f"wrote {write_table(summary, args.out)}")


def cmd_pareto(args) -> None:
    """catallaxy pareto TABLE: the non-dominated points of a sweep for the objectives given, as a table and a
    figure."""
    from experiments.pareto import front_of, pareto_points, plot_pareto
    from experiments.summary import read_sweep
    from reproductions.output import save_figure

    for path, suffixes in ((args.out, (".csv", ".parquet")), (args.figure, (".png",))):
        if path is not None and path.suffix not in suffixes:
            raise ParameterError(f"{str(path)!r} must end in {' or '.join(suffixes)}")
    if args.out is not None:
        check_output_path(args.out)
    if args.figure is not None:
        check_output_path(args.figure.with_suffix(".csv"))   # the folder can be written
    by = None if args.by is None else [c.strip() for c in args.by.split(",") if c.strip()]
    points = pareto_points(read_sweep(args.table), args.maximize, args.minimize, by)
    front = front_of(points)
    dropped = f" ({points.attrs['dropped']} left out for a missing value)" if points.attrs["dropped"] else ""
    print(f"{len(front)} of {len(points)} points are non-dominated{dropped}")
    print(front.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    if args.out is not None:
        print(f"wrote {write_table(front, args.out)}")
    if args.figure is not None:
        print(f"wrote {save_figure(plot_pareto(points), args.figure)}")


def cmd_agency(args) -> None:
    """catallaxy agency NAME: economic agency against a baseline run from the same seed (experiments.agency).
    """
    from experiments.agency import agency

    params = dict(parse_assignment(a) for a in args.assignments)
    baseline = dict(parse_assignment(a) for a in args.baseline)
    if args.out is not None:
        check_output_path(args.out)
    table = agency(args.scenario, baseline, steps=args.steps, seed=args.seed, discount=args.discount, **params)
    print(f"{args.scenario} against {', '.join(f'{k}={v}' for k, v in baseline.items())}: "
          f"agency mean {table.agency.mean():.4g}, {int((table.agency < 0).sum())} of {len(table)} participants "
          f"lose ({(table.agency < 0).mean():.1%})")
    if args.out is not None:
        print(f"wrote {write_table(table, args.out)}")


def cmd_reproduce(args) -> None:
    """catallaxy reproduce NAME: run a registered reproduction and write its files under --out."""
    if args.trials is not None and args.trials < 2:
        raise ParameterError(f"--trials must be at least 2; got {args.trials}")
    if args.workers < 1:
        raise ParameterError(f"--workers must be at least 1; got {args.workers}")
    check_seed(args.seed)
    make = REPRODUCTIONS[args.figure]
    options = {"seed": args.seed}
    if args.trials is not None:
        options["trials"] = args.trials
    if args.workers > 1:
        if "workers" not in inspect.signature(make).parameters:
            raise ParameterError(f"{args.figure} runs in one process; --workers does not apply to it")
        options["workers"] = args.workers
    if args.quick:
        if "quick" not in inspect.signature(make).parameters:
            raise ParameterError(f"{args.figure} has no quick version; --quick does not apply to it")
        options["quick"] = True
    if "progress" in inspect.signature(make).parameters:
        options["progress"] = sys.stderr.isatty()
    check_output_path(args.out / f"{args.figure}.csv")  # fail before the work, not after
    for path in make(args.out, **options):
        print(f"wrote {path}")


COMMANDS = {"list": cmd_list, "show": cmd_show, "run": cmd_run, "sweep": cmd_sweep,
            "summarize": cmd_summarize, "pareto": cmd_pareto, "reproduce": cmd_reproduce, "agency": cmd_agency}


#: Exit codes: 0 done; 1 some sweep runs failed (they are in the table); 2 the input was
#: refused and nothing ran; 3 results could not be stored (finished runs kept: --resume);
#: 130 interrupted (--resume finishes a sweep).
EXIT_RUNS_FAILED, EXIT_INPUT, EXIT_STORAGE, EXIT_INTERRUPTED = 1, 2, 3, 130


def _note_renamed(message, category, filename, lineno, file=None, line=None):
    """A renamed parameter is one line on stderr, not Python's two-line warning."""
    if issubclass(category, RenamedParameter):
        print(f"catallaxy: note: {message}", file=sys.stderr)
    else:
        _show_warning(message, category, filename, lineno, file, line)


_show_warning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (see EXIT_*)."""
    warnings.showwarning = _note_renamed
    try:
        args = build_parser().parse_args(argv)
        code = COMMANDS[args.command](args)
    except (UsageError, ValueError) as err:
        print(f"catallaxy: error: {err}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as err:   # StorageError, or a file that vanished under us
        print(f"catallaxy: error: {err}", file=sys.stderr)
        return EXIT_STORAGE
    except KeyboardInterrupt:
        print("catallaxy: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
