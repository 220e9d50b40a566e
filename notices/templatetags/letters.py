"""``{% member_letters member as letters %}`` for the member page's Letters section."""

from django import template

from notices.selectors import member_letters as select_member_letters

register = template.Library()


@register.simple_tag
def member_letters(member):
    return select_member_letters(member)
