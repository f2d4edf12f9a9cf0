"""task-auction's panel: tasks delivered and waiting."""

from dashboard.panels.base import Panel, history, lines, series


def _flow(model):
    return {"flow": series(history(model), ["throughput", "backlog"])}


def task_auction_panels():
    """Throughput and backlog, step by step."""
    return [Panel("Tasks delivered and waiting", _flow, lambda: lines("flow", "throughput and backlog", "tasks"))]
