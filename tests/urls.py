"""Every named URL pattern, found through the URL resolver, for the sweeps over all routes
(tests/test_portal_isolation.py, tests/test_permission_matrix.py)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver


def routes():
    """(name, pattern) of every named URL pattern, with namespaces, from the resolver."""

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if namespace and entry.namespace:
                    inner = f"{namespace}:{entry.namespace}"
                yield from walk(entry.url_patterns, inner, prefix + [entry.pattern])
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, prefix + [entry.pattern]

    return list(walk(get_resolver().url_patterns, None, []))


# The key `converters` gives an unnamed regex group, followed by its position.
POSITIONAL = "#"


def converters(pattern_chain):
    """{argument: converter name} of a chain of patterns (a regex group counts as "regex")."""
    found = {}
    for pattern in pattern_chain:
        found.update(
            {key: type(value).__name__ for key, value in getattr(pattern, "converters", {}).items()}
        )
        regex = getattr(pattern, "_regex", None)
        if regex and not getattr(pattern, "converters", None):
            found.update(dict.fromkeys(pattern.regex.groupindex, "regex"))
            # Unnamed groups (the admin's history pages) are passed by position.
            unnamed = pattern.regex.groups - len(pattern.regex.groupindex)
            found.update({f"{POSITIONAL}{index}": "regex" for index in range(unnamed)})
    return found


def route_path(pattern_chain):
    """The address as a reader writes it: /meetings/<int:pk>/, /calendar/<token>.ics."""
    path = ""
    for pattern in pattern_chain:
        text = str(pattern)
        if getattr(pattern, "_regex", None) and not getattr(pattern, "converters", None):
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text).strip("^$").replace("\\", "")
        path += text
    return "/" + path
