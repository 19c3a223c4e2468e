from modeltranslation.translator import TranslationOptions, register

from .models import Checkpoint, Step, TemplateVersion


@register(TemplateVersion)
class TemplateVersionTranslation(TranslationOptions):
    fields = ["title"]


@register(Step)
class StepTranslation(TranslationOptions):
    fields = ["title", "summary"]


@register(Checkpoint)
class CheckpointTranslation(TranslationOptions):
    fields = ["statement", "hint", "guidance", "methods", "examples"]
