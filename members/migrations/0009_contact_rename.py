"""Contact notes become contacts, a first-class record (PS VI.B.1.a, issue 15): renamed, so
every stored note and its history are kept."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0008_episode_closed_before_enrollment"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("ContactNote", "Contact"),
        migrations.RenameModel("HistoricalContactNote", "HistoricalContact"),
    ]
