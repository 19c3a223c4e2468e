"""Admin building blocks shared by the apps."""


class ReadOnly:
    """For records that never change once written (published content, history): the
    admin shows them, nobody adds, edits or deletes them there, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
