"""The peak memory of this process, for the benchmarks and the operators' figures, and the
cyclic garbage collector paused around a batch."""

from __future__ import annotations

import gc
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def peak_rss_mb() -> float:
    """The process's peak resident memory in MiB: ``VmHWM`` of /proc/self/status (reset by
    exec, unlike ``ru_maxrss``, which Linux carries over from the process that started this
    one), else ``getrusage``."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (back as it was at the end): for a batch that makes
    tens of thousands of objects living until it ends, none of them in reference cycles (the
    import, the compliance report), which the collector, run every few hundred allocations,
    would walk again and again for nothing. What the batch leaves in cycles is collected
    once the collector is back."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
