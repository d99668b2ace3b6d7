"""The SIP2 message handlers, one module per subject; importing this package registers them.

Each module registers its functions with :func:`kaft.sip2.protocol.handles`; add a new module to
the import list below.
"""

from kaft.sip2.handlers import session as session  # noqa: F401  93 login, 99 status, 35 end
