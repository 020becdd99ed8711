"""Running the report notebook: one papermill execution in a real kernel, and one line saying why a run failed.

The kernel's stderr reaches the user's terminal (papermill's progress bar is on this process's
stderr) minus ipykernel's start-up noise; a failed, hung or dead kernel becomes a
:class:`~lks_audit.errors.ReportFailed` naming the cell, with the partly executed notebook to keep.
papermill and jupyter_client are imported on first use: the command checks its arguments first.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import ReportFailed
from ..files import EXECUTED, PRIVATE

#: ipykernel logs this at start-up for every local kernel (ipykernel/kernelapp.py, init_sockets);
#: the kernel only listens on localhost, so it tells a school user nothing they can act on.
TCP_WARNING = b"running over TCP without encryption"

#: Set once the run is interrupted: what a kernel says while it is being stopped is noise.
_QUIET = threading.Event()


def _forward_stderr(pipe, sink) -> None:
    for line in iter(pipe.readline, b""):
        if TCP_WARNING not in line and not _QUIET.is_set():
            sink.write(line)
            sink.flush()
    pipe.close()


def _kernel_manager_class(on_launch=None):
    """A kernel manager whose kernel's stderr is passed through minus the TCP warning, and whose end is noticed
    at once.

    ``on_launch`` is called once the kernel process has started (this process's imports are done).

    Built on first use so this module imports without jupyter_client's start-up cost.
    """
    from jupyter_client.manager import AsyncKernelManager

    class FilteredStderrKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw["stderr"] = subprocess.PIPE
            # Known before it starts: a Ctrl-C arriving while it starts still finds it to stop.
            _KERNELS.append(self)
            await super()._async_launch_kernel(kernel_cmd, **kw)
            process = self.provisioner.process
            sink = getattr(sys.stderr, "buffer", None) or sys.__stderr__.buffer
            threading.Thread(
                target=_forward_stderr, args=(process.stderr, sink), daemon=True, name="kernel-stderr"
            ).start()
            if on_launch:
                on_launch()

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            # Once the last cell has replied the kernel is killed, and jupyter_client then checks every 0.1 s
            # whether it has gone: one wasted 0.1 s per report for a process that is gone within milliseconds.
            await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    return FilteredStderrKernelManager


#: Kernel managers this process started, so an interrupted run can stop its kernel.
_KERNELS: list = []


def stop_kernels() -> None:
    """Kill the kernels this process started and still runs.

    Papermill cannot shut its kernel down once KeyboardInterrupt has broken out of its event loop,
    and jupyter_client starts kernels in their own session, so the user's Ctrl-C never reaches them.
    (After a SIGKILL of this process, ipykernel's parent poller ends the kernel within a second.)
    """
    _QUIET.set()
    # A cell's task still pending in papermill's event loop fails with DeadKernelError once its kernel is killed,
    # and asyncio would print that as "Task exception was never retrieved" with a traceback: noise, like the
    # kernel's own last words above.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    while _KERNELS:
        manager = _KERNELS.pop()
        process = getattr(getattr(manager, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        manager.cleanup_connection_file()


def _engine_saving_at_the_end():
    """papermill's nbclient engine, writing the executed notebook once rather than before and after every cell.

    Papermill rewrites the whole notebook (some 200 KB once the detail's cells have run) twice per cell, between
    the cells, where the kernel waits for it: a tenth of the report's time. The report reads the notebook only
    when the run is over, so it is written then: papermill writes it after the last cell (or with the failing
    cell marked), and on a timeout or a dead kernel this engine writes it as it stood, with the cell that was
    running marked as started.

    Built on first use so this module imports without papermill's start-up cost.
    """
    from papermill.engines import NBClientEngine
    from papermill.iorw import write_ipynb

    class EngineSavingAtTheEnd(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, **kwargs):
            try:
                return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
            except Exception:
                if output_path:
                    write_ipynb(nb, output_path)
                raise

    return EngineSavingAtTheEnd


ENGINE = "lks-audit"


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""


def _running_cell(path: Path) -> int | None:
    """Execution count of the last cell papermill started: the one running when it stopped (a timeout,
    a dead kernel). Papermill marks it completed either way, so the start time is what tells."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return None
    started = [c for c in nb.cells if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1].get("execution_count") if started else None


def execute_notebook(
    notebook: Path, parameters: dict, out_dir: Path, timeout: int | None, on_launch: Callable[[], None] | None = None
) -> Path:
    """Run ``notebook`` with papermill into ``out_dir`` (the private staging folder); returns its path.

    ``on_launch`` is called once the kernel has started. Raises ReportFailed, naming the cell.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError

    papermill_engines.register(ENGINE, _engine_saving_at_the_end())

    executed = out_dir / EXECUTED
    os.close(os.open(executed, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE))  # papermill keeps the mode
    try:
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            progress_bar=True,
            execution_timeout=timeout,
            cwd=str(notebook.parent),
            # The kernel has nothing left to save once the last cell has replied, and after a timeout
            # a graceful shutdown would make the hung kernel print a traceback (and wait up to 5 s).
            shutdown_kernel="immediate",
            kernel_manager_class=_kernel_manager_class(on_launch),
            engine_name=ENGINE,
        )
    except PapermillExecutionError as exc:
        reason = f"{exc.ename}: {_first_line(exc.evalue)}" if _first_line(exc.evalue) else exc.ename
        raise ReportFailed(f"the report notebook failed in cell {exc.exec_count}: {reason}", executed) from None
    except CellTimeoutError:
        cell = _running_cell(executed)
        where = f" (cell {cell})" if cell else ""
        raise ReportFailed(
            f"a cell ran longer than {timeout} s{where}, so the report was stopped and nothing "
            f"was published (see --timeout)",
            executed,
        ) from None
    except Exception as exc:  # a dead kernel, no kernel at all
        reason = f"{type(exc).__name__}: {_first_line(exc)}"
        if executed.stat().st_size == 0:
            raise ReportFailed(f"the report notebook could not run: {reason}") from None
        cell = _running_cell(executed)
        where = f" in cell {cell}" if cell else ""
        raise ReportFailed(f"the report notebook failed{where}: {reason}", executed) from None
    return executed
