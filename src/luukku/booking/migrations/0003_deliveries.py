# Each message to a customer is a Delivery with a unique key (booking/tasks.py); it
# replaces Notification, whose (booking, kind) could not tell a rescheduled
# booking's reminder, nor a visit's confirmation, from another.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_staff_cancel_and_anonymised"),
    ]

    operations = [
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=120, unique=True)),
                ("kind", models.CharField(max_length=20)),
                ("booking_ids", models.JSONField(default=list)),
                ("secret", models.CharField(blank=True, editable=False, max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("claimed_by", models.CharField(blank=True, max_length=64)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("outcome", models.CharField(blank=True, max_length=40)),
                ("channel", models.CharField(blank=True, max_length=10)),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="booking.visit",
                    ),
                ),
            ],
            options={
                "verbose_name": "message to a customer",
                "verbose_name_plural": "messages to customers",
                "indexes": [
                    models.Index(
                        condition=models.Q(("outcome", "")),
                        fields=["created_at"],
                        name="delivery_pending",
                    )
                ],
            },
        ),
        migrations.DeleteModel(name="Notification"),
    ]
