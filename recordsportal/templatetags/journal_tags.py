"""`{% record_journal record %}`: the record's audit journal on its page (recordsportal/journal.py).
The page itself is reached only by those who may see the record (its `_get_for_user` path)."""

from django import template

from recordsportal import journal

register = template.Library()


@register.inclusion_tag("includes/journal.html")
def record_journal(record, limit=30):
    return {"entries": journal.entries_for(record, limit=limit), "limit": limit}
