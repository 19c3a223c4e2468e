from django import forms


def forms_with_errors(*forms):
    """The bound forms and formsets among these that have errors, for the error summary."""

    def has_errors(form):
        if form is None or not form.is_bound:
            return False
        if hasattr(form, "total_error_count"):  # a formset: its .errors is a list of dicts
            return form.total_error_count() > 0
        return bool(form.errors)

    return [form for form in forms if has_errors(form)]


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it needs (a localized value would
    leave it empty)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FirstRadioSelect(forms.RadioSelect):
    """Radios whose field is labelled by a legend: the error summary links to the first."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class FirstCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose field is labelled by a legend: the error summary links to the first."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)
