"""An e-mail backend whose connection fails (a gateway that is down)."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("mail gateway unreachable")
