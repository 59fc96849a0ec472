"""Create the role groups with their permissions (see prm/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here: later changes to the roles get a migration of their own.
ROLE_PERMISSIONS = {'Account manager': ['distributors.view_distributor', 'distributors.add_distributor',
                     'distributors.change_distributor', 'distributors.view_contact',
                     'distributors.add_contact', 'distributors.change_contact',
                     'distributors.view_feedback', 'distributors.add_feedback',
                     'distributors.change_feedback', 'distributors.view_feedbackreply',
                     'distributors.add_feedbackreply', 'distributors.change_feedbackreply',
                     'distributors.view_sharedplan', 'distributors.add_sharedplan',
                     'distributors.change_sharedplan',
                     'distributors.view_sharedplanacknowledgement',
                     'distributors.add_sharedplanacknowledgement',
                     'distributors.change_sharedplanacknowledgement',
                     'meetings.view_touchpoint', 'meetings.add_touchpoint',
                     'meetings.change_touchpoint', 'meetings.view_alignmentmeeting',
                     'meetings.add_alignmentmeeting', 'meetings.change_alignmentmeeting',
                     'meetings.view_agendaitem', 'meetings.add_agendaitem',
                     'meetings.change_agendaitem', 'meetings.view_actionitem',
                     'meetings.add_actionitem', 'meetings.change_actionitem',
                     'meetings.view_cadence', 'meetings.add_cadence', 'meetings.change_cadence',
                     'meetings.view_reminder', 'meetings.add_reminder',
                     'meetings.change_reminder', 'milestones.view_goal', 'milestones.add_goal',
                     'milestones.change_goal', 'milestones.view_goalagreement',
                     'milestones.add_goalagreement', 'milestones.change_goalagreement',
                     'milestones.view_milestone', 'milestones.add_milestone',
                     'milestones.change_milestone', 'milestones.view_milestoneevaluation',
                     'milestones.add_milestoneevaluation',
                     'milestones.change_milestoneevaluation', 'distributors.view_prefecture',
                     'distributors.view_productcategory'],
 'Distributor user': [],
 'Executive': ['distributors.view_distributor', 'distributors.view_contact',
               'distributors.view_feedback', 'distributors.view_feedbackreply',
               'distributors.view_sharedplan', 'distributors.view_sharedplanacknowledgement',
               'meetings.view_touchpoint', 'meetings.view_alignmentmeeting',
               'meetings.view_agendaitem', 'meetings.view_actionitem', 'meetings.view_cadence',
               'meetings.view_reminder', 'milestones.view_goal',
               'milestones.view_goalagreement', 'milestones.view_milestone',
               'milestones.view_milestoneevaluation', 'distributors.view_prefecture',
               'distributors.view_productcategory']}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("prm", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("distributors", "0003_prefectures"),
        ("meetings", "0002_initial"),
        ("milestones", "0002_initial"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
