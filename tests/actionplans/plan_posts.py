"""POST bodies of the plans' pages, as a browser sends them."""

ACTION_FIELDS = (
    "id",
    "activity",
    "responsible_user",
    "responsible_name",
    "responsible_member",
    "goals",
    "starts_on",
    "deadline",
    "ongoing",
    "status",
    "blocked_reason",
    "depends_on",
)


def action_row(**values):
    """One action row's fields as typed: a name and the status by default."""
    row = dict.fromkeys(ACTION_FIELDS, "")
    row.update(activity="Tikšanās", responsible_name="Anna Bērziņa", status="not_started")
    row.pop("ongoing")
    row.update(values)
    if row.get("ongoing") is False:
        del row["ongoing"]  # an unticked checkbox is not sent
    return row


def plan_post(rows, *, version, prefix="actions", initial=None, button=None):
    data = {
        "version": str(version),
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(
            initial if initial is not None else sum(1 for row in rows if row.get("id"))
        ),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
    if button:
        data[f"{prefix}-row"] = button
    return data


def saved_action_row(action, **changes):
    """A saved action as its page shows it, with `changes` typed over it."""
    row = action_row(
        id=action.pk,
        activity=action.activity,
        responsible_user=action.responsible_user_id or "",
        responsible_name=action.responsible_name,
        responsible_member=action.responsible_member_id or "",
        goals=action.goals,
        starts_on=action.starts_on.isoformat() if action.starts_on else "",
        deadline=action.deadline.isoformat() if action.deadline else "",
        status=action.status,
        blocked_reason=action.blocked_reason,
        depends_on=action.depends_on_id or "",
        ongoing="on" if action.ongoing else False,
    )
    row.update(changes)
    if row.get("ongoing") is False:
        row.pop("ongoing", None)
    return row
