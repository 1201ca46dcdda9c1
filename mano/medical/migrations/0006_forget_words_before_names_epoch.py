"""The consultations' day words written before the persons' names epoch (or after it, by code rolled back to before
it) cannot tell which persons were renamed meanwhile: every shard is emptied, both ways, and the next reader of a
day writes it again (mano.medical.words)."""

from django.db import migrations


def forget(apps, schema_editor):
    apps.get_model("medical", "ConsultationWordsShard").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("medical", "0005_consultation_day_cover"),
        ("persons", "0011_names_epoch"),
    ]

    operations = [migrations.RunPython(forget, forget)]
