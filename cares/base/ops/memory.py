"""The peak memory of this process, for the benchmarks and the operators' figures."""

from __future__ import annotations

import resource
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
