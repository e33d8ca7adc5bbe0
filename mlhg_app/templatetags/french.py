"""`{% load french %}`: `{{ seance.date|long_date }}`, `{{ seance.heure_debut|clock_time }}`, `{{ total|euros }}`."""

from django import template

from mlhg_app import french

register = template.Library()

register.filter("long_date", french.long_date)
register.filter("clock_time", french.clock_time)
register.filter("euros", french.euros)
