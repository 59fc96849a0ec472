"""Ids as they arrive in an address or a form."""

import re

# At most 18 digits: every key fits in a 64-bit integer, and int() of a longer string
# (past 4,300 digits) raises.
_ID = re.compile(r"[0-9]{1,18}")


def is_id(value):
    """Whether `value` (a query or form value) can be a row's id. Not str.isdigit(), which
    also takes "²" and "٣": int() refuses the first, and neither is what anybody meant."""
    return bool(_ID.fullmatch(str(value)))
