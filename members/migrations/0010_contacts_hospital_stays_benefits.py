"""Contacts become first-class records (PS VI.B.1.a); hospital stays (PS VI.B.1.i); the family's
chosen contact mode and benefits on the member (PS VI.B.1.h). Each stored contact note is kept:
"face to face" becomes "in person", and it is marked as a contact with the member (the old form
recorded contacts with the member and family)."""

import cares.base.languages
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def forward(apps, schema_editor):
    for name in ("Contact", "HistoricalContact"):
        model = apps.get_model("members", name)
        model.objects.filter(contact_mode="face_to_face").update(contact_mode="in_person")
        model.objects.update(with_member=True)


def backward(apps, schema_editor):
    for name in ("Contact", "HistoricalContact"):
        model = apps.get_model("members", name)
        model.objects.filter(contact_mode="in_person").update(contact_mode="face_to_face")
        model.objects.filter(contact_mode="message").update(contact_mode="phone")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_contact_rename'),
        ('staff', '0005_program_lengths'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalHospitalStay',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('key', models.CharField(blank=True, db_index=True, max_length=64, null=True, verbose_name='import key')),
                ('setting', models.CharField(choices=[('inpatient', 'Inpatient admission'), ('emergency', 'Emergency department visit')], max_length=12, verbose_name='setting')),
                ('admitted_on', models.DateField(verbose_name='admitted or arrived on')),
                ('discharged_on', models.DateField(blank=True, null=True, verbose_name='discharged on')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('discharge_planning', models.BooleanField(default=False, verbose_name='the care team took part in discharge planning')),
                ('team_on_site', models.BooleanField(default=False, verbose_name='a care team member was on site')),
                ('follow_up_on', models.DateField(blank=True, null=True, verbose_name='followed up on')),
                ('follow_up_notes', models.TextField(blank=True, verbose_name='follow-up notes')),
                ('reassessment', models.CharField(blank=True, choices=[('', 'Not decided yet'), ('accepted', 'Reassessment started'), ('dismissed', 'Not needed')], default='', max_length=10, verbose_name='significant-change reassessment')),
                ('reassessment_reason', models.CharField(blank=True, max_length=300, verbose_name='why no reassessment')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical hospital stay',
                'verbose_name_plural': 'historical hospital stays',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HospitalStay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(blank=True, max_length=64, null=True, unique=True, verbose_name='import key')),
                ('setting', models.CharField(choices=[('inpatient', 'Inpatient admission'), ('emergency', 'Emergency department visit')], max_length=12, verbose_name='setting')),
                ('admitted_on', models.DateField(verbose_name='admitted or arrived on')),
                ('discharged_on', models.DateField(blank=True, null=True, verbose_name='discharged on')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('discharge_planning', models.BooleanField(default=False, verbose_name='the care team took part in discharge planning')),
                ('team_on_site', models.BooleanField(default=False, verbose_name='a care team member was on site')),
                ('follow_up_on', models.DateField(blank=True, null=True, verbose_name='followed up on')),
                ('follow_up_notes', models.TextField(blank=True, verbose_name='follow-up notes')),
                ('reassessment', models.CharField(blank=True, choices=[('', 'Not decided yet'), ('accepted', 'Reassessment started'), ('dismissed', 'Not needed')], default='', max_length=10, verbose_name='significant-change reassessment')),
                ('reassessment_reason', models.CharField(blank=True, max_length=300, verbose_name='why no reassessment')),
            ],
            options={
                'ordering': ['member', 'admitted_on', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='historicalcontact',
            options={'get_latest_by': ('history_date', 'history_id'), 'ordering': ('-history_date', '-history_id'), 'verbose_name': 'historical contact', 'verbose_name_plural': 'historical contacts'},
        ),
        migrations.AddField(
            model_name='contact',
            name='duration_minutes',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='duration (minutes)'),
        ),
        migrations.AddField(
            model_name='contact',
            name='interpreter_language',
            field=models.CharField(blank=True, max_length=35, validators=[cares.base.languages.validate_language_tag], verbose_name='interpreted language'),
        ),
        migrations.AddField(
            model_name='contact',
            name='interpreter_used',
            field=models.BooleanField(default=False, verbose_name='interpreter used'),
        ),
        migrations.AddField(
            model_name='contact',
            name='staff',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='staff.staffprofile', verbose_name='staff member'),
        ),
        migrations.AddField(
            model_name='contact',
            name='with_agency',
            field=models.BooleanField(default=False, verbose_name='with a state or community agency'),
        ),
        migrations.AddField(
            model_name='contact',
            name='with_guardian',
            field=models.BooleanField(default=False, verbose_name='with a parent or guardian'),
        ),
        migrations.AddField(
            model_name='contact',
            name='with_member',
            field=models.BooleanField(default=False, verbose_name='with the member'),
        ),
        migrations.AddField(
            model_name='contact',
            name='with_provider',
            field=models.BooleanField(default=False, verbose_name='with a provider'),
        ),
        migrations.AddField(
            model_name='contact',
            name='with_school',
            field=models.BooleanField(default=False, verbose_name='with the school'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='duration_minutes',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='duration (minutes)'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='interpreter_language',
            field=models.CharField(blank=True, max_length=35, validators=[cares.base.languages.validate_language_tag], verbose_name='interpreted language'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='interpreter_used',
            field=models.BooleanField(default=False, verbose_name='interpreter used'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='staff',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='staff.staffprofile', verbose_name='staff member'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='with_agency',
            field=models.BooleanField(default=False, verbose_name='with a state or community agency'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='with_guardian',
            field=models.BooleanField(default=False, verbose_name='with a parent or guardian'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='with_member',
            field=models.BooleanField(default=False, verbose_name='with the member'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='with_provider',
            field=models.BooleanField(default=False, verbose_name='with a provider'),
        ),
        migrations.AddField(
            model_name='historicalcontact',
            name='with_school',
            field=models.BooleanField(default=False, verbose_name='with the school'),
        ),
        migrations.AddField(
            model_name='historicalmember',
            name='contact_preference',
            field=models.CharField(blank=True, choices=[('in_person', 'Face to face (in person)'), ('telehealth', 'Telehealth (video)')], help_text="The family's choice for regular contact (PS VI.B.1.a).", max_length=12, verbose_name='chosen mode for regular contact'),
        ),
        migrations.AddField(
            model_name='historicalmember',
            name='health_plan',
            field=models.CharField(blank=True, help_text='e.g. the MassHealth ACO or MCO.', max_length=200, verbose_name='health plan'),
        ),
        migrations.AddField(
            model_name='historicalmember',
            name='masshealth_renewal_date',
            field=models.DateField(blank=True, null=True, verbose_name='MassHealth renewal date'),
        ),
        migrations.AddField(
            model_name='historicalmember',
            name='state_agencies',
            field=models.JSONField(blank=True, default=list, help_text='The state agencies the member receives services from.', verbose_name='state-agency services'),
        ),
        migrations.AddField(
            model_name='historicalmember',
            name='third_party_insurance',
            field=models.CharField(blank=True, max_length=200, verbose_name='third-party insurance'),
        ),
        migrations.AddField(
            model_name='member',
            name='contact_preference',
            field=models.CharField(blank=True, choices=[('in_person', 'Face to face (in person)'), ('telehealth', 'Telehealth (video)')], help_text="The family's choice for regular contact (PS VI.B.1.a).", max_length=12, verbose_name='chosen mode for regular contact'),
        ),
        migrations.AddField(
            model_name='member',
            name='health_plan',
            field=models.CharField(blank=True, help_text='e.g. the MassHealth ACO or MCO.', max_length=200, verbose_name='health plan'),
        ),
        migrations.AddField(
            model_name='member',
            name='masshealth_renewal_date',
            field=models.DateField(blank=True, null=True, verbose_name='MassHealth renewal date'),
        ),
        migrations.AddField(
            model_name='member',
            name='state_agencies',
            field=models.JSONField(blank=True, default=list, help_text='The state agencies the member receives services from.', verbose_name='state-agency services'),
        ),
        migrations.AddField(
            model_name='member',
            name='third_party_insurance',
            field=models.CharField(blank=True, max_length=200, verbose_name='third-party insurance'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='contact_mode',
            field=models.CharField(choices=[('in_person', 'In person (face to face)'), ('telehealth', 'Telehealth (video)'), ('phone', 'Phone'), ('message', 'Message (text, e-mail, portal)')], max_length=16, verbose_name='how'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contact_records', to='members.member'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='participants',
            field=models.CharField(blank=True, max_length=300, verbose_name='names of who took part'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='summary',
            field=models.TextField(blank=True, verbose_name='what happened'),
        ),
        migrations.AlterField(
            model_name='historicalcontact',
            name='contact_mode',
            field=models.CharField(choices=[('in_person', 'In person (face to face)'), ('telehealth', 'Telehealth (video)'), ('phone', 'Phone'), ('message', 'Message (text, e-mail, portal)')], max_length=16, verbose_name='how'),
        ),
        migrations.AlterField(
            model_name='historicalcontact',
            name='participants',
            field=models.CharField(blank=True, max_length=300, verbose_name='names of who took part'),
        ),
        migrations.AlterField(
            model_name='historicalcontact',
            name='summary',
            field=models.TextField(blank=True, verbose_name='what happened'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['member', 'contact_at'], name='members_con_member__7d5857_idx'),
        ),
        migrations.AddField(
            model_name='historicalhospitalstay',
            name='facility',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.provider', verbose_name='facility'),
        ),
        migrations.AddField(
            model_name='historicalhospitalstay',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalhospitalstay',
            name='member',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.member'),
        ),
        migrations.AddField(
            model_name='historicalhospitalstay',
            name='recorded_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='hospitalstay',
            name='facility',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.provider', verbose_name='facility'),
        ),
        migrations.AddField(
            model_name='hospitalstay',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='hospital_stays', to='members.member'),
        ),
        migrations.AddField(
            model_name='hospitalstay',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='hospitalstay',
            constraint=models.CheckConstraint(condition=models.Q(('discharged_on__isnull', True), ('discharged_on__gte', models.F('admitted_on')), _connector='OR'), name='stay_discharged_after_admission'),
        ),
        migrations.AddConstraint(
            model_name='hospitalstay',
            constraint=models.CheckConstraint(condition=models.Q(('follow_up_on__isnull', True), models.Q(('discharged_on__isnull', False), ('follow_up_on__gte', models.F('discharged_on'))), _connector='OR'), name='stay_follow_up_after_discharge'),
        ),
        migrations.RunPython(forward, backward),
    ]
