import django.db.models.deletion
from django.db import migrations, models

from mlhg_app.migrations import _structure_mlhg
from mlhg_app.migrations._structure_mlhg import mlhg_structure


STRUCTURE_ROLES = ("staff", "evaluateur", "responsable", "conseiller")


def put_rows_in_mlhg(apps, schema_editor):
    """Staff-side accounts (not technical superusers) and the rows without a parent go to `mlhg`."""
    for name in ("User", "HistoricalUser"):
        model = apps.get_model("mlhg_app", name)
        staff_side = model.objects.filter(structure__isnull=True, role__in=STRUCTURE_ROLES, is_superuser=False)
        if staff_side.exists():
            staff_side.update(structure=mlhg_structure(apps))
    _structure_mlhg.put_rows_in_mlhg(
        apps, schema_editor, "mlhg_app", ["Antenne", "OutgoingMessage", "PendingJob", "PeopleImport", "StoredExport"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mlhg_app", "0006_structure"),
        # bilans' exports moved into StoredExport (bilans 0003) before stored exports get their structure
        ("bilans", "0004_exportpdf_delete"),
    ]

    operations = [
        migrations.AddField(
            model_name="antenne",
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
            model_name="historicalantenne",
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
        migrations.AddField(
            model_name="historicaluser",
            name="structure",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AddField(
            model_name="outgoingmessage",
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
            model_name="pendingjob",
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
            model_name="peopleimport",
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
            model_name="storedexport",
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
            model_name="user",
            name="structure",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="users",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AlterField(
            model_name="antenne",
            name="code",
            field=models.SlugField(max_length=40, verbose_name="code"),
        ),
        migrations.AlterField(
            model_name="antenne",
            name="nom",
            field=models.CharField(max_length=120, verbose_name="nom"),
        ),
        migrations.AlterField(
            model_name="historicalantenne",
            name="nom",
            field=models.CharField(max_length=120, verbose_name="nom"),
        ),
        migrations.AddConstraint(
            model_name="antenne",
            constraint=models.UniqueConstraint(fields=("structure", "code"), name="antenne_code_unique_par_structure"),
        ),
        migrations.AddConstraint(
            model_name="antenne",
            constraint=models.UniqueConstraint(fields=("structure", "nom"), name="antenne_nom_unique_par_structure"),
        ),
        migrations.RunPython(put_rows_in_mlhg, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="antenne",
            name="structure",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="structure",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AlterField(
            model_name="pendingjob",
            name="structure",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AlterField(
            model_name="peopleimport",
            name="structure",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mlhg_app.structure",
                verbose_name="structure",
            ),
        ),
        migrations.AlterField(
            model_name="storedexport",
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
