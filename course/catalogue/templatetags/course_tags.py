from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def body(context, rendered) -> str:
    """A rendered Markdown body with the reader's code language selected."""
    request = context.get("request")
    language = getattr(request, "code_language", None)
    return mark_safe(rendered.for_language(language))  # rendered from our own content/, not user input


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None
