from django import forms

from .models import SCOPES


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True, help_text="Where you will use it, e.g. “my editor” or “CI script”.")
    scope = forms.ChoiceField(choices=list(SCOPES.items()), initial="read", widget=forms.RadioSelect,
                              help_text="Read lists exercises and your progress; read and submit also sends answers and resets.")
