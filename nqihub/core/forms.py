from django import forms

from .records import fold_input


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows who edits: fields the user may not change are removed, typed text is folded
    (full-width, dashes, spaces) before the model validates it, and Tabler classes are applied."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        allowed = self.allowed_fields(user)
        if allowed is not None:
            for name in list(self.fields):
                if name not in allowed:
                    del self.fields[name]
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def allowed_fields(self, user) -> set[str] | None:
        return None

    def clean(self):
        cleaned = super().clean()
        return fold_input(cleaned)

    def changed_or_all_fields(self) -> list[str]:
        return list(self.fields)
