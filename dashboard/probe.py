"""A timing probe for the dashboard's server side, off unless CATALLAXY_DASHBOARD_PROBE names a
file (``python -m benchmarks.dashboard --profile`` sets it for the server it starts).

It wraps the functions a step's round trip goes through and writes one JSON line per outermost
call in a thread (a message from the page, a Play step in the runner's thread, a report of the
runner) with its wall-clock start and end (``time.time()``, comparable to the browser's
``performance.timeOrigin + performance.now()`` on the same machine) and the time spent in each
part, exclusive of the parts nested in it:

* ``step`` — the model's step; ``datasets`` — the panels' rows and headings; ``ledger`` — the
  ledger table's HTML;
* ``render`` — reacton running the components and reconciling the widgets (the rest of
  the render, once the parts above and below are taken out);
* ``encode`` — JSON-encoding the websocket messages (with their count and bytes, by kind);
* ``send`` — handing the encoded messages to the websocket;
* ``message`` — the rest of handling a message from the page (deserialising, the widget
  manager, the event handler).

Nothing here changes what the page does; the wrappers only add the clock readings.
"""

import functools
import json
import threading
import time

_local = threading.local()
_write_lock = threading.Lock()
_installed: list[str] = []


class _Span:
    __slots__ = ("name", "start", "cpu", "child", "parts", "messages", "bytes", "kinds", "calls", "info")

    def __init__(self, name, info=None):
        self.name, self.info = name, info or {}
        self.start, self.cpu, self.child = time.time(), time.thread_time(), 0.0
        self.calls: dict[str, int] = {}
        self.parts: dict[str, float] = {}
        self.messages, self.bytes = 0, 0
        self.kinds: dict[str, int] = {}


def install(path: str) -> None:
    """Wrap the dashboard's and solara's functions; append the records to ``path`` (once per
    process, however often app.py runs)."""
    if _installed:
        return
    _installed.append(path)
    out = open(path, "a", buffering=1)

    def write(record):
        with _write_lock:
            out.write(json.dumps(record) + "\n")

    def timed(name, info=None):
        def decorate(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                stack = getattr(_local, "stack", None)
                if stack is None:
                    stack = _local.stack = []
                span = _Span(name, info(*args, **kwargs) if info else None)
                stack.append(span)
                try:
                    return fn(*args, **kwargs)
                finally:
                    stack.pop()
                    end = time.time()
                    total = end - span.start
                    own = total - span.child
                    if stack:   # fold into the enclosing call
                        parent = stack[0]
                        stack[-1].child += total
                        parent.parts[name] = parent.parts.get(name, 0.0) + own
                        parent.calls[name] = parent.calls.get(name, 0) + 1
                        for part, seconds in span.parts.items():
                            parent.parts[part] = parent.parts.get(part, 0.0) + seconds
                    else:
                        span.parts[name] = span.parts.get(name, 0.0) + own
                        write({"span": name, "start": span.start, "end": end, "cpu": time.thread_time() - span.cpu,
                               "parts": span.parts, "calls": span.calls, "messages": span.messages,
                               "bytes": span.bytes, "kinds": span.kinds, **span.info})
            return wrapper
        return decorate

    import reacton.core
    import solara.server.kernel as kernel
    import solara.server.server as server

    import dashboard.components as components
    from dashboard.panels.base import Panel
    from dashboard.runner import ModelRunner

    def message_info(kernel_, msg):
        data = msg.get("content", {}).get("data", {})
        event = data.get("event") if isinstance(data, dict) else None
        return {"msg_type": msg.get("header", {}).get("msg_type"), "event": event}

    server.process_kernel_messages = timed("message", message_info)(server.process_kernel_messages)
    reacton.core._RenderContext.render = timed("render")(reacton.core._RenderContext.render)
    Panel.records = timed("datasets")(Panel.records)
    Panel.datasets = timed("datasets")(Panel.datasets)
    Panel.heading = timed("datasets")(Panel.heading)
    components.ledger_entries = timed("ledger")(components.ledger_entries)

    dumps = kernel.json_dumps

    def json_dumps(data):
        text = timed("encode")(dumps)(data)
        stack = getattr(_local, "stack", None)
        if stack:
            span = stack[0]
            span.messages += 1
            span.bytes += len(text)
            kind = data.get("msg_type", "?") if isinstance(data, dict) else "?"
            if kind == "comm_msg":
                content = data.get("content", {}).get("data", {})
                kind = f"comm_msg:{content.get('method')}:{','.join(sorted(content.get('state', {})))}"
            span.kinds[kind] = span.kinds.get(kind, 0) + 1
        return text

    kernel.json_dumps = json_dumps
    kernel.send_websockets = timed("send")(kernel.send_websockets)

    init = ModelRunner.__init__

    def runner_init(self, model, *args, **kwargs):
        init(self, model, *args, **kwargs)
        model.step = timed("step", lambda: {"steps": model.steps})(model.step)
        self.on_change = timed("report", lambda: {"good_steps": self.good_steps})(self.on_change)

    ModelRunner.__init__ = runner_init
