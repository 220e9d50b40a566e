"""Quality work in Celery workers (autodiscovered): making member record packets."""

from __future__ import annotations

import logging

from cares.base.toolkit import task
from cares.program.quality.packets.build import make_packet

logger = logging.getLogger(__name__)

# The task's name: a worker finds it by it; never rename it.
MAKE_RECORD_PACKET = "quality.make_record_packet"


@task(MAKE_RECORD_PACKET)
def make_record_packet(packet_id: int) -> str | None:
    """Make the record packet ``packet_id`` (at least once: a second run does nothing). The
    argument is checked like form input: anything but an integer is refused with a warning
    that names the problem, never the value."""
    if type(packet_id) is not int:
        logger.warning("quality.make_record_packet refused: packet id is not an integer")
        return None
    return make_packet(packet_id)
