import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from mlhg_app.migrations import _structure_mlhg


def put_rows_in_mlhg(apps, schema_editor):
    _structure_mlhg.put_rows_in_mlhg(apps, schema_editor, "ami", ["AMI"])


class Migration(migrations.Migration):
    dependencies = [
        ("ami", "0009_avenant_prolongation"),
        ("mlhg_app", "0007_structure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ami",
            name="structure",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AddField(
            model_name="historicalami",
            name="structure",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AlterField(
            model_name="ami",
            name="reference",
            field=models.SlugField(max_length=40, verbose_name="référence"),
        ),
        migrations.AddConstraint(
            model_name="ami",
            constraint=models.UniqueConstraint(
                fields=("structure", "reference"), name="ami_reference_unique_par_structure"
            ),
        ),
        migrations.RunPython(put_rows_in_mlhg, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ami",
            name="structure",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
    ]
