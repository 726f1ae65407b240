from django import template
from django.utils.safestring import mark_safe

from course.operations.page_cache import page_cut

register = template.Library()


@register.simple_tag(takes_context=True)
def body(context, rendered) -> str:
    """A rendered Markdown body with the reader's code language selected."""
    request = context.get("request")
    language = getattr(request, "code_language", None)
    cut = page_cut(request)  # a kept learner's page shares this body with every other reader's
    return mark_safe(cut + rendered.for_language(language) + cut)  # rendered from our own content/, not user input


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None
