"""One code per visit: existing visits take their first booking's code."""

from django.db import migrations, models

import luukku.booking.models


def first_booking_codes(apps, schema_editor):
    Visit = apps.get_model("booking", "Visit")
    Booking = apps.get_model("booking", "Booking")
    for visit in Visit.objects.filter(code__isnull=True).iterator():
        first = Booking.objects.filter(visit=visit).order_by("position", "start", "pk").first()
        visit.code = first.code if first else luukku.booking.models.new_booking_code()
        visit.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_deliveries")]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="code",
            field=models.CharField(max_length=12, null=True, verbose_name="booking code"),
        ),
        migrations.RunPython(first_booking_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visit",
            name="code",
            field=models.CharField(
                default=luukku.booking.models.new_booking_code,
                max_length=12,
                unique=True,
                verbose_name="booking code",
            ),
        ),
    ]
