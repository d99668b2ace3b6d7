"""Outreach: strictly opt-in contact beyond the loan itself. One module per part:

- ``newsletters``: subscriptions (double opt-in, members and others), issues and their deliveries;
- ``interests``: what a member chose to hear about (only with the interests consent);
- ``contests``: campaigns, their entries and draws;
- ``panel``: the research panel's surveys, invitations and anonymous answers;
- ``statistics``: anonymous daily counts the staff statistics page reads.
"""

from kaft.outreach.models.contests import *  # noqa: F403
from kaft.outreach.models.interests import *  # noqa: F403
from kaft.outreach.models.newsletters import *  # noqa: F403
from kaft.outreach.models.panel import *  # noqa: F403
from kaft.outreach.models.statistics import *  # noqa: F403
