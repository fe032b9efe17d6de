"""The demo organization: seeded into moto, then collected by the real collectors.

``seed`` creates a fixed, realistic organization (OUs, accounts, SCPs, RCPs, a tag
policy, IAM principals with known weaknesses) inside an active ``moto.mock_aws``;
``build`` runs the real collection against it into a snapshot file and caches it.
Nothing here needs AWS credentials or network. moto is an optional dependency
(the ``demo`` extra) and is imported only when a demo is built.
"""

from __future__ import annotations

DEMO_EXTRA_HINT = 'the demo needs moto: install the demo extra with pip install -e ".[demo]"'


class DemoUnavailable(Exception):
    """The demo cannot be built here (moto is not installed)."""


class DemoBuildError(Exception):
    """Building the demo snapshot failed or was cancelled; the message is one line for the user."""
