"""What a published response never carries: e-mail addresses and IP addresses.

Shared by the ``responses`` directive (which refuses a response carrying
them) and the WordPress importer (which drops or redacts them before an
essay is written), so both apply the same rule.
"""

from __future__ import annotations

import ipaddress
import re

#: What replaces an e-mail address or IP address in redacted text.
REMOVED = "[removed]"

EMAIL = re.compile(r"(?:mailto:)?[\w.+%-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\w)")
IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")


def private_data(text: str) -> list[str]:
    """E-mail addresses and IP addresses in ``text``: a response never carries them."""
    found = [match.group(0) for match in EMAIL.finditer(text)]
    for pattern in (IPV4, IPV6):
        for match in pattern.finditer(text):
            try:
                ipaddress.ip_address(match.group(0))
            except ValueError:
                continue
            found.append(match.group(0))
    return found


def redact(text: str) -> str:
    """``text`` with every e-mail address and IP address replaced by ``[removed]``."""
    for found in sorted(set(private_data(text)), key=len, reverse=True):
        text = text.replace(found, REMOVED)
    return text


def web_link(link: str) -> bool:
    """Whether a response's link is a web address (``http``/``https``), the only kind kept."""
    return re.match(r"^https?://[^\s/]", link, re.IGNORECASE) is not None
