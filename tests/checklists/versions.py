"""Newer template versions for tests: changes to the published file (publish_version)."""

import copy


def checkpoint_of(data, code):
    return next(c for step in data["steps"] for c in step["checkpoints"] if c["code"] == code)


def version_two(data):
    """1.2 worded anew, 2.3 (the municipality form's) removed, 2.7 added to both forms."""
    for form in ("municipality", "community"):
        checkpoint_of(data, "1.2")["statement"][form]["lv"] = "Aprakstiet problēmu, ko risināt"
        checkpoint_of(data, "1.2")["statement"][form]["en"] = "Describe the problem you solve"
    step_two = data["steps"][1]
    step_two["checkpoints"] = [c for c in step_two["checkpoints"] if c["code"] != "2.3"]
    added = copy.deepcopy(checkpoint_of(data, "1.2"))
    added["code"] = "2.7"
    for form in ("municipality", "community"):
        added["statement"][form]["en"] = "Agree who reports to whom"
    step_two["checkpoints"].append(added)
