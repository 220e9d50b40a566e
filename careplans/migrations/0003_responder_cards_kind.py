from django.db import migrations


def mark_responder_cards(apps, schema_editor):
    """Stored cards that print a responder link get their own document kind, so the download
    view refuses them to break-glass readers without asking the care-plan app."""
    Document = apps.get_model("documents", "Document")
    Link = apps.get_model("careplans", "EmergencyAccessLink")
    cards = Link.objects.filter(card__isnull=False).values("card_id")
    Document.objects.filter(pk__in=cards).update(kind="emergency_card")


class Migration(migrations.Migration):

    dependencies = [
        ("careplans", "0002_assessment_sections_icp_parts_emergency_links"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(mark_responder_cards, migrations.RunPython.noop),
    ]
