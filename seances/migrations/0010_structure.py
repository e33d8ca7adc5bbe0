import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from mlhg_app.migrations import _structure_mlhg


def put_rows_in_mlhg(apps, schema_editor):
    _structure_mlhg.put_rows_in_mlhg(apps, schema_editor, "seances", ["Programme", "Theme", "CalendarFeed", "Releve"])


class Migration(migrations.Migration):
    dependencies = [
        ("ami", "0010_structure"),
        ("mlhg_app", "0007_structure"),
        ("seances", "0009_invoice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
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
            model_name="historicalprogramme",
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
            model_name="historicalreleve",
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
            model_name="programme",
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
            model_name="releve",
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
            model_name="theme",
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
        migrations.AlterField(
            model_name="historicalprogramme",
            name="annee_debut",
            field=models.PositiveSmallIntegerField(verbose_name="année de début"),
        ),
        migrations.AlterField(
            model_name="historicalreleve",
            name="numero",
            field=models.CharField(max_length=30, verbose_name="numéro"),
        ),
        migrations.AlterField(
            model_name="historicalreleve",
            name="sequence",
            field=models.PositiveIntegerField(verbose_name="rang"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="annee_debut",
            field=models.PositiveSmallIntegerField(verbose_name="année de début"),
        ),
        migrations.AlterField(
            model_name="releve",
            name="numero",
            field=models.CharField(max_length=30, verbose_name="numéro"),
        ),
        migrations.AlterField(
            model_name="releve",
            name="sequence",
            field=models.PositiveIntegerField(verbose_name="rang"),
        ),
        migrations.AlterField(
            model_name="theme",
            name="libelle",
            field=models.CharField(max_length=120, verbose_name="libellé"),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.UniqueConstraint(
                fields=("structure", "annee_debut"), name="programme_annee_unique_par_structure"
            ),
        ),
        migrations.AddConstraint(
            model_name="releve",
            constraint=models.UniqueConstraint(
                fields=("structure", "numero"), name="releve_numero_unique_par_structure"
            ),
        ),
        migrations.AddConstraint(
            model_name="releve",
            constraint=models.UniqueConstraint(
                fields=("structure", "sequence"), name="releve_rang_unique_par_structure"
            ),
        ),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.UniqueConstraint(fields=("structure", "libelle"), name="theme_unique_par_structure"),
        ),
        migrations.RunPython(put_rows_in_mlhg, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="calendarfeed",
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
            model_name="programme",
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
            model_name="releve",
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
            model_name="theme",
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
