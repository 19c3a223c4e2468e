import sys
import types

import pytest
from django.test import RequestFactory, override_settings

from roadmap_portal.lib.panels import Due, Panel, collect

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"panel.html": "<section>{{ name }} for {{ request.path }}</section>"},
                )
            ],
        },
    }
]


@pytest.fixture
def panels_module():
    """A module of panel functions, as an app's panels.py would be."""
    module = types.ModuleType("panels_for_test")
    module.first = lambda request: Panel("panel.html", {"name": "first"}, due=[Due("Do", "/a/")])
    module.nothing = lambda request: None
    module.second = lambda request: Panel("panel.html", {"name": "<b>second</b>"})
    module.of_object = lambda request, obj: Panel("panel.html", {"name": obj}) if obj else None
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_it_keeps_the_order_of_the_paths_and_leaves_out_the_panels_with_nothing(panels_module):
    request = RequestFactory().get("/my-work/")
    paths = ["panels_for_test.second", "panels_for_test.nothing", "panels_for_test.first"]
    assert [p.context["name"] for p in collect(request, paths)] == ["<b>second</b>", "first"]


@override_settings(TEMPLATES=TEMPLATES)
def test_a_panel_renders_its_template_with_the_request_and_escapes_its_context(panels_module):
    request = RequestFactory().get("/my-work/")
    first, second = collect(request, ["panels_for_test.first", "panels_for_test.second"])
    assert first.render(request) == "<section>first for /my-work/</section>"
    assert second.render(request) == "<section>&lt;b&gt;second&lt;/b&gt; for /my-work/</section>"
    assert list(first.due) == [Due("Do", "/a/")]
    assert list(second.due) == []


def test_an_unknown_path_is_an_error_not_a_silent_gap():
    with pytest.raises(ImportError):
        collect(RequestFactory().get("/"), ["panels_for_test_missing.nothing"])


def test_the_extra_arguments_go_to_each_function(panels_module):
    # As the partnership's page passes its partnership (settings.PARTNERSHIP_PANELS).
    request = RequestFactory().get("/")
    assert [p.context["name"] for p in collect(request, ["panels_for_test.of_object"], "P")] == [
        "P"
    ]
    assert collect(request, ["panels_for_test.of_object"], "") == []
