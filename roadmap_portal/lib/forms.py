def forms_with_errors(*forms):
    """The bound forms and formsets among these that have errors, for the error summary."""

    def has_errors(form):
        if form is None or not form.is_bound:
            return False
        if hasattr(form, "total_error_count"):  # a formset: its .errors is a list of dicts
            return form.total_error_count() > 0
        return bool(form.errors)

    return [form for form in forms if has_errors(form)]
