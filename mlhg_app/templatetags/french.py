"""`{% load french %}`: `{{ seance.date|long_date }}`, `{{ seance.heure_debut|clock_time }}`, `{{ total|euros }}`,
`{{ ami.date_limite|deadline }}`, `{{ entry.when|date_at }}`, `{{ n|number }}`, `{{ title|css_string }}`."""

from django import template
from django.utils.safestring import mark_safe

from mlhg_app import french

register = template.Library()

register.filter("day_date", french.day_date)
register.filter("day_month", french.day_month)
register.filter("long_date", french.long_date)
register.filter("clock_time", french.clock_time)
register.filter("precise_time", french.precise_time)
register.filter("date_at", french.date_at)
register.filter("deadline", french.deadline_text)
register.filter("number", french.number)
register.filter("euros", french.euros)


@register.filter
def css_string(value) -> str:
    """Escape text for the inside of a CSS string (`content: "…"`): not HTML entities but CSS escapes.

    `"` and `\\` would end or break the string, a newline is not allowed in it, and `<` could close the
    `<style>` element: each becomes a CSS hexadecimal escape followed by a space (« \\22 »)."""
    out = []
    for char in str(value):
        if char in '"\\<>' or char in "\n\r\f" or ord(char) < 0x20:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return mark_safe("".join(out))  # nosec B703 B308 # " \\ < > and controls are CSS-escaped above
