"""The roles of docs/design.md and the permissions each gets.

Role names are data shown to users, so they are the Russian names. Views declare which roles may
use them (`role_access`), next to their own definition; `sync_roles` turns that into FAB
permissions, idempotently."""
from __future__ import annotations

ADMIN = "Администратор"
MINISTRY = "Министерство"
MONITORING = "Мониторинг"
METHODIST = "Методист"
MUNICIPAL = "Муниципальный координатор"
SCHOOL_ADMIN = "Администрация школы"
SECRETARY = "Секретарь"
TEACHER = "Учитель"
PARENT = "Родитель"
PUPIL = "Ученик"
VENDOR = "Поставщик системы"

ALL_ROLES = (ADMIN, MINISTRY, MONITORING, METHODIST, MUNICIPAL, SCHOOL_ADMIN, SECRETARY, TEACHER, PARENT, PUPIL, VENDOR)
REGION_ROLES = (ADMIN, MINISTRY, MONITORING, METHODIST)
SCHOOL_ROLES = (SCHOOL_ADMIN, SECRETARY)
FAMILY_ROLES = (PARENT, PUPIL)

# Demo login per role (README); the vendor is an API account.
DEMO_LOGINS = {
    "admin": ADMIN,
    "ministry": MINISTRY,
    "monitor": MONITORING,
    "methodist": METHODIST,
    "municipal": MUNICIPAL,
    "director": SCHOOL_ADMIN,
    "secretary": SECRETARY,
    "teacher": TEACHER,
    "parent": PARENT,
    "pupil": PUPIL,
    "vendor": VENDOR,
}

READ = ("can_list", "can_show")
EXPORT = READ + ("can_download",)
EDIT = READ + ("can_add", "can_edit", "can_delete")
UPDATE = READ + ("can_edit",)

# Every logged-in user may manage own profile and password.
PROFILE_PERMISSIONS = (
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("userinfoedit", "UserDBModelView"),
)


def view_permissions(appbuilder) -> dict[str, set[tuple[str, str]]]:
    """Role name -> {(permission, view menu)} collected from the `role_access` of registered views.

    A role that may use a view also gets the view's menu entry and the entry's category."""
    grants: dict[str, set[tuple[str, str]]] = {
        role: set(PROFILE_PERMISSIONS) for role in ALL_ROLES if role != ADMIN
    }
    for view in appbuilder.baseviews:
        for role, permissions in (getattr(view, "role_access", None) or {}).items():
            grants[role].update((p, view.class_permission_name) for p in permissions)
    for category in appbuilder.menu.get_list():
        for item in [category, *category.childs]:
            access = getattr(item.baseview, "role_access", None) or {}
            for role in access:
                grants[role].add(("menu_access", item.name))
                if item is not category:
                    grants[role].add(("menu_access", category.name))
    return grants


def sync_roles(appbuilder) -> dict[str, int]:
    """Create the roles and give each exactly the permissions the views declare. Idempotent.

    Returns the number of permissions per role."""
    sm = appbuilder.sm
    # FAB grants every new permission to AUTH_ROLE_ADMIN while adding it: the role must exist first,
    # or each view gets only its first permission (and FAB logs an error per view).
    admin = sm.find_role(ADMIN) or sm.add_role(ADMIN)
    appbuilder.add_permissions(update_perms=True)
    admin.permissions = sm.session.query(sm.permissionview_model).all()
    counts = {ADMIN: len(admin.permissions)}
    for role_name, wanted in view_permissions(appbuilder).items():
        role = sm.find_role(role_name) or sm.add_role(role_name)
        role.permissions = [
            sm.find_permission_view_menu(p, v) or sm.add_permission_view_menu(p, v)
            for p, v in sorted(wanted)
        ]
        counts[role_name] = len(role.permissions)
    sm.session.commit()
    return counts
