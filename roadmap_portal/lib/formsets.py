"""Formsets of rows that buttons add, remove and move ("add another"), without JavaScript.

Every button is a submit button of the page's form: name `<prefix>-row`, value `add`,
`remove-<i>`, `up-<i>` or `down-<i>`. Pressing one posts everything typed so far; the view
asks `with_row_action` first and, when a row button was pressed, renders the page again
with the change made and saves nothing:

    services = ServiceFormSet.with_row_action(request.POST, prefix="services")
    if services is not None:
        form = unbound_copy(OrganizationForm, request.POST)  # the rest, unjudged (below)
    elif request.method == "POST":
        services = ServiceFormSet(request.POST, prefix="services")
        ...

The changed formset is unbound (nothing was submitted, so no errors yet) and shows what was
typed, hidden fields (a row's id) included, so a row keeps its identity when it moves. The
buttons come from includes/formset_row_buttons.html and includes/formset_add_row.html.
Each posts to the page's own address with a fragment: the id of what should have the focus
afterwards (the new row's first field, the moved row's same button, the row taking the
place of a removed one). Browsers scroll to a fragment's element and focus it, with no
script; `autofocus` would not do, as browsers ignore it on a page opened at a fragment.

For formsets saved as a whole list of rows, in their order (programmes and services, an
action plan's rows); a model formset would need its INITIAL_FORMS rows kept in place.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

ROW_ACTION = "row"


@dataclass(frozen=True)
class Row:
    """One row as the templates show it: its form, 1-based number, anchor and buttons."""

    formset: "RowFormSet"
    form: forms.Form
    index: int

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def anchor(self) -> str:
        return self.formset.row_anchor(self.index)

    @property
    def heading(self) -> str:
        return self.formset.row_heading % {"number": self.number}

    def buttons(self):
        """The row's buttons that do something here (none moves the first row up), each
        with the id of what has the focus after it: the same button of the moved row, the
        row taking the place of a removed one."""
        formset, last = self.formset, self.formset.total_form_count() - 1
        buttons = []
        if formset.can_move_rows and self.index > 0:
            to = self.index - 1
            target = formset.button_id(to, "up" if to > 0 else "down")
            buttons.append(("up", formset.move_up_label, target))
        if formset.can_move_rows and self.index < last:
            to = self.index + 1
            target = formset.button_id(to, "down" if to < last else "up")
            buttons.append(("down", formset.move_down_label, target))
        if formset.can_remove_rows:
            if self.index < last:
                target = formset.row_anchor(self.index)  # the next row, moved up
            elif self.index > 0:
                target = formset.row_anchor(self.index - 1)
            else:
                target = formset.rows_anchor
            buttons.append(("remove", formset.remove_row_label, target))
        # A short visible label, and the row's name for screen readers (MOJ's add another).
        hidden = formset.row_name % {"number": self.number}
        return [
            {
                "id": formset.button_id(self.index, action),
                "value": f"{action}-{self.index}",
                "label": label,
                "hidden": hidden,
                "target": target,
            }
            for action, label, target in buttons
        ]


class RowFormSet(forms.BaseFormSet):
    """A formset whose rows are added, removed and moved by buttons (see the module's
    docstring). Subclass it for the labels, and pass it to formset_factory as `formset`,
    with max_num and absolute_max set (the add button stops at max_num)."""

    can_remove_rows = True
    can_move_rows = True
    row_heading = _("Row %(number)s")
    # Read after a button's label by screen readers: "Remove" "row 2".
    row_name = _("row %(number)s")
    add_row_label = _("Add another row")
    remove_row_label = _("Remove")
    move_up_label = _("Move up")
    move_down_label = _("Move down")

    _initial_count = None
    _total_count = None

    @property
    def row_action_name(self) -> str:
        return self.add_prefix(ROW_ACTION)

    def row_anchor(self, index) -> str:
        return f"{self.prefix}-row-{index}"

    @property
    def rows_anchor(self) -> str:
        """The element around all rows: where the page lands when the last one is gone."""
        return f"{self.prefix}-rows"

    @property
    def rows(self) -> list[Row]:
        return [Row(self, form, index) for index, form in enumerate(self.forms)]

    @property
    def can_add_row(self) -> bool:
        return self.total_form_count() < self.max_num

    def button_id(self, index, action) -> str:
        return f"{self.prefix}-row-{index}-{action}"

    @property
    def add_row_target(self) -> str:
        """The id of the first field of the row "add" makes, which gets the focus."""
        first = next(iter(self.empty_form.visible_fields()), None)
        if first is None:
            return self.row_anchor(self.total_form_count())
        return first.id_for_label.replace("__prefix__", str(self.total_form_count()))

    def initial_form_count(self):
        if self._initial_count is not None:
            return self._initial_count
        return super().initial_form_count()

    def total_form_count(self):
        if self._total_count is not None:
            return self._total_count
        return super().total_form_count()

    @classmethod
    def with_row_action(cls, data, *, prefix, **kwargs):
        """The formset with the change the pressed row button asks for, unbound, or None
        when data holds no press of one (a GET, or a form submitted to be saved)."""
        action = data.get(f"{prefix}-{ROW_ACTION}") if data else None
        if not action:
            return None
        probe = cls(prefix=prefix, **kwargs)
        rows, initial_count = probe._posted_rows(data)
        verb, _dash, position = str(action).partition("-")
        index = int(position) if position.isdigit() else -1
        if verb == "add" and len(rows) < probe.max_num:
            rows.append({})
        elif verb == "remove" and probe.can_remove_rows and 0 <= index < len(rows):
            del rows[index]
            initial_count -= index < initial_count
        elif verb == "up" and probe.can_move_rows and 0 < index < len(rows):
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif verb == "down" and probe.can_move_rows and 0 <= index < len(rows) - 1:
            rows[index], rows[index + 1] = rows[index + 1], rows[index]
        # Anything else (a stale or edited button) shows the rows as they were.
        changed = cls(prefix=prefix, initial=rows, **kwargs)
        changed._initial_count = min(initial_count, len(rows))
        changed._total_count = len(rows)
        return changed

    def _posted_rows(self, data):
        """The rows' values as typed, and the posted INITIAL_FORMS: all in bounds."""

        def count(name):
            try:
                return max(0, int(data.get(self.add_prefix(name), 0)))
            except (TypeError, ValueError):
                return 0

        total = min(count(forms.formsets.TOTAL_FORM_COUNT), self.absolute_max, self.max_num)
        initial_count = min(count(forms.formsets.INITIAL_FORM_COUNT), total)
        fields = self.empty_form.fields
        rows = [
            {
                name: field.widget.value_from_datadict(data, {}, f"{self.add_prefix(i)}-{name}")
                for name, field in fields.items()
            }
            for i in range(total)
        ]
        return rows, initial_count


def unbound_copy(form_class, data, **kwargs):
    """A form that shows what was typed without judging it: the rest of a page reloaded
    for a row's button, not submitted, so no errors yet."""
    probe = form_class(**kwargs)
    initial = {
        name: field.widget.value_from_datadict(data, {}, probe.add_prefix(name))
        for name, field in probe.fields.items()
    }
    return form_class(initial=initial, **kwargs)
