"""What an import reports: a line per row (new, updated, unchanged or refused, with its
messages and, for an update, each field before and after), the counts, and notes about
the whole file. Kept on the ImportRecord as JSON for the preview and the result page."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from orgs.templatetags.orgs_history import field_label

STATUS_LABELS = {
    "new": gettext_lazy("New"),
    "updated": gettext_lazy("Updated"),
    "unchanged": gettext_lazy("Unchanged"),
    "error": gettext_lazy("Error"),
}


@dataclass
class RowReport:
    number: int
    status: str  # new, updated, unchanged, error
    name: str
    messages: list
    changes: list = field(default_factory=list)  # [[field, before, after]] of an update

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    def as_json(self):
        return [self.number, self.status, self.name, self.messages, self.changes]


@dataclass
class ImportReport:
    rows: list
    counts: dict
    written: bool = False
    notes: list = field(default_factory=list)  # about the whole file, not one row
    failed: bool = False  # the database refused the write, or lost it: worth another try

    @property
    def has_errors(self):
        return self.counts.get("error", 0) > 0

    @property
    def every_row_refused(self):
        return bool(self.rows) and self.counts.get("error", 0) == len(self.rows)

    @property
    def labelled_counts(self):
        return [
            (STATUS_LABELS[key], self.counts[key]) for key in STATUS_LABELS if key in self.counts
        ]

    def as_json(self):
        return {
            "rows": [row.as_json() for row in self.rows],
            "counts": self.counts,
            "written": self.written,
            "notes": self.notes,
            "failed": self.failed,
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            rows=[RowReport(*row) for row in data["rows"]],
            counts=data["counts"],
            written=data["written"],
            notes=data["notes"],
            failed=data.get("failed", False),  # not kept by reports before it
        )


STATUS = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "updated",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}


def column_label(column):
    # As the history names them: "Programmes and services", not the column's "services".
    return "" if column == "__all__" else str(field_label(column))


def row_messages(row_result):
    messages = []
    error = row_result.validation_error
    if error is not None:
        if hasattr(error, "error_dict"):
            for column, errors in error.message_dict.items():
                label = column_label(column)
                messages += [
                    f"{label}: {text}" if label and not text.startswith(label) else text
                    for text in errors
                ]
        else:
            messages += list(error.messages)
    for error in row_result.errors:
        messages.append(str(error.error))
    return messages
