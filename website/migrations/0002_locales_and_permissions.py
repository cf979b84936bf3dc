"""Every install speaks French and English, and editors can maintain the navigation.

Wagtail's own migrations create the French locale (LANGUAGE_CODE), the Editors and
Moderators groups and the "Moderators approval" workflow on the root page: editors
submit, moderators publish. This adds the English locale and lets both groups edit the
main menu and footer; moderators also edit the site settings.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    for code in ("fr", "en"):
        Locale.objects.get_or_create(language_code=code)

    def permissions(model, actions):
        content_type, _ = ContentType.objects.get_or_create(app_label="website", model=model)
        result = []
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            result.append(permission)
        return result

    navigation = permissions("mainmenu", ["add", "change", "delete", "view"]) + permissions(
        "footertext", ["add", "change", "delete", "view"]
    )
    site_settings = permissions("sitesettings", ["change", "view"])
    for name, granted in (("Editors", navigation), ("Moderators", navigation + site_settings)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
