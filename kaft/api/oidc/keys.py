"""The RSA key that signs ID tokens (RS256).

``KAFT_OIDC_RSA_PRIVATE_KEY`` (PEM) in production, where it is required. Elsewhere (development,
tests, the demo) a key is generated once into ``<KAFT_VAR_DIR>/oidc/rsa_private_key.pem`` and
read from there afterwards; ``var/`` is never committed. Read by ``kaft/settings.py``: no Django
import here.
"""

from __future__ import annotations

import os
from pathlib import Path

KEY_FILE = Path("oidc") / "rsa_private_key.pem"


def _generated(path: Path) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and moved into place, so that two processes starting at
    # once both end up reading one whole key (the last move wins; each reads what it wrote or
    # the other's, never half a file). Readable by the owner only.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(pem)
    os.replace(temporary, path)
    return path.read_text(encoding="ascii")


def oidc_rsa_private_key(*, environ: dict[str, str], var_dir: Path, production: bool) -> str:
    """The PEM of the signing key: from the environment, else (not in production) from
    ``var_dir``, generated there when absent."""
    given = environ.get("KAFT_OIDC_RSA_PRIVATE_KEY", "").strip()
    if given:
        return given.replace("\\n", "\n") + "\n"
    if production:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Set KAFT_OIDC_RSA_PRIVATE_KEY: production signs ID tokens with its own RSA key "
            "(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072)."
        )
    path = var_dir / KEY_FILE
    if path.is_file():
        return path.read_text(encoding="ascii")
    return _generated(path)
