from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_panel(context, panel):
    """A home-page panel (recordsportal/desk.py) rendered by its app's template with its context."""
    return render_to_string(panel.template, {**panel.context, "user": context.get("user")},
                            request=context.get("request"))
