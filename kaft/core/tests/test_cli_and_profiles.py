"""The `kaft` console command and the production profile, run as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
KAFT = Path(sys.executable).with_name("kaft")


def _env(**extra: str) -> dict[str, str]:
    left_out = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFT_") and k not in left_out}
    env.update(extra)
    return env


def _rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def _production(tmp_path: Path, **leave_out: bool) -> dict[str, str]:
    """Everything production asks for, less what ``leave_out`` names."""
    given = {
        "KAFT_ENV": "production",
        "KAFT_SECRET_KEY": "p9Vx2!kq7Lm4Zr8Tw1Yb6Nc3Hd5Jf0Gs-x7Qe2Ua9Io4Pl6Kj-vR3tB8nM",
        "KAFT_ALLOWED_HOSTS": "bibliotheek.example.org",
        "KAFT_VAR_DIR": str(tmp_path),
        "KAFT_FIELD_KEYS": "6b1vQx3Kq0dWm2cJ8yZ5pT7rL4nH9sF1aE3uG6iO0kM=",
        "KAFT_OIDC_RSA_PRIVATE_KEY": _rsa_pem(),
        "KAFT_OIDC_PAIRWISE_SECRET": "q3Jr8Tz1Wm5Kc9Vb2Nx7Hd4Lf6Ps0Gy",
        "KAFT_NEWSLETTER_SECRET": "Vn4Rt8Kq2Ws6Yb0Xe3Mj7Hc1Lp5Gd9Zf",
        "KAFT_PANEL_SECRET": "Tb6Wq1Zr9Kx3Mc7Vn2Hj5Lp8Gd0Ys4Fe",
    }
    return _env(**{name: value for name, value in given.items() if not leave_out.get(name)})


def test_production_profile_passes_the_deploy_check(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "KAFT_FIELD_KEYS",
        "KAFT_OIDC_RSA_PRIVATE_KEY",
        "KAFT_OIDC_PAIRWISE_SECRET",
        "KAFT_NEWSLETTER_SECRET",
        "KAFT_PANEL_SECRET",
    ],
)
def test_production_profile_refuses_to_start_without_its_keys(tmp_path: Path, missing: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production(tmp_path, **{missing: True}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert missing in result.stderr
    assert not (tmp_path / "oidc").exists()  # no key of its own made up in production


def test_production_refuses_to_start_without_its_own_secret_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_env(KAFT_ENV="production", KAFT_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "KAFT_SECRET_KEY" in result.stderr


def test_kaft_command_maps_dashes_to_management_commands(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(KAFT), "compile-translations"],
        cwd=ROOT,
        env=_env(KAFT_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "translation file(s)" in result.stdout


def test_make_test_fails_rather_than_skips_when_postgres_is_unreachable() -> None:
    # Port 9 (discard) has no PostgreSQL: the PostgreSQL pass must fail before running pytest.
    result = subprocess.run(
        ["make", "--no-print-directory", "test-postgres"],
        cwd=ROOT,
        env=_env(KAFT_TEST_POSTGRES="postgresql://postgres@127.0.0.1:9/test"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "unreachable: failing, not skipping" in result.stdout + result.stderr


def test_production_names_its_own_issuer_whatever_host_is_asked(tmp_path: Path) -> None:
    """The ID tokens' and the discovery document's issuer is the site's own address in
    production (``KAFT_SITE_URL``), never taken from a request's Host header."""
    env = _production(tmp_path)
    env["KAFT_SITE_URL"] = "https://bibliotheek.example.org"
    env["DJANGO_SETTINGS_MODULE"] = "kaft.settings"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup();"
            "from oauth2_provider.settings import oauth2_settings as s;"
            "print(s.OIDC_ISS_ENDPOINT)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://bibliotheek.example.org/oauth"
