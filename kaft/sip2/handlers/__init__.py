"""The SIP2 message handlers, one module per subject; importing this package registers them.

Each module registers its functions with :func:`kaft.sip2.protocol.handles`; add a new module to
the import list below.
"""

from kaft.sip2.handlers import blocks as blocks  # noqa: F401  01 block, 25 enable
from kaft.sip2.handlers import circulation as circulation  # noqa: F401  11, 09, 29, 65
from kaft.sip2.handlers import fees as fees  # noqa: F401  37 fee paid
from kaft.sip2.handlers import holds as holds  # noqa: F401  15 hold
from kaft.sip2.handlers import items as items  # noqa: F401  17 information, 19 status update
from kaft.sip2.handlers import patron as patron  # noqa: F401  23 status, 63 information
from kaft.sip2.handlers import session as session  # noqa: F401  93 login, 99 status, 35 end
