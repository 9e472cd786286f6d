"""The "Matrix editors" group, holding the permission to use the matrix editor."""

from django.db import migrations

GROUP = "Matrix editors"


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; this one is needed now, and
    # the same row is found then.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="roles", model="matrixversion")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="edit_matrix",
        defaults={"name": "Can edit matrices in the matrix editor"},
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0004_editor_audit_and_resources"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
