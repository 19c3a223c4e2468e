from modeltranslation.translator import TranslationOptions, register

from .models import FieldOfActivity, NeedKind, TargetGroup


@register(FieldOfActivity)
class FieldOfActivityTranslation(TranslationOptions):
    fields = ["name"]


@register(TargetGroup)
class TargetGroupTranslation(TranslationOptions):
    fields = ["name"]


@register(NeedKind)
class NeedKindTranslation(TranslationOptions):
    fields = ["name", "description"]
