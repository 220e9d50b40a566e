from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import enrolled_member


@pytest.fixture
def member(coordinator):
    """An enrolled member referred 20 days ago, with ``coordinator`` as primary contact."""
    return enrolled_member(coordinator, referral_date=timezone.localdate() - timedelta(days=20),
                           legal_first_name="Minh Anh", legal_last_name="Nguyễn",
                           primary_language="vi", preferred_written_language="vi")
