"""Loading the shared taxonomies from fixtures/taxonomies.json.

Called from data migrations with the historical app registry, so it only uses
`apps.get_model` and plain field names (modeltranslation's name_<lang> columns).
"""

import json

from django.conf import settings

TAXONOMIES_PATH = settings.BASE_DIR / "fixtures" / "taxonomies.json"
MODELS = {
    "fields_of_activity": "FieldOfActivity",
    "target_groups": "TargetGroup",
    "need_kinds": "NeedKind",
}


def taxonomies_load(apps, *, path=TAXONOMIES_PATH):
    """Create or update every taxonomy entry by slug; returns how many were written."""
    data = json.loads(path.read_text(encoding="utf-8"))
    written = 0
    for key, model_name in MODELS.items():
        model = apps.get_model("orgs", model_name)
        translated = [f for f in ("name", "description") if hasattr(model, f"{f}_en")]
        for position, entry in enumerate(data[key]):
            defaults = {"position": position}
            for field in translated:
                texts = entry.get(field, {})
                defaults[field] = texts.get(settings.LANGUAGE_CODE, "")
                for code, _name in settings.LANGUAGES:
                    defaults[f"{field}_{code}"] = texts.get(code, "")
            model.objects.update_or_create(slug=entry["slug"], defaults=defaults)
            written += 1
    return written
