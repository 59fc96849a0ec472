def navigation(request):
    """The role flags the base template needs to draw the navigation meant for this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_account_manager": user.is_account_manager,
        "nav_executive": user.is_executive,
        "nav_portal": user.is_distributor_user,
        "nav_admin": user.is_superuser,
    }
