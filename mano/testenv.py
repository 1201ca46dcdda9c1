"""Loaded by pytest (-p mano.testenv) before Django settings: production-like, but fast.

Tests run with DEBUG=False so cookie flags and headers are the production ones; only the
Argon2id cost is lowered (a test asserting the real cost reads settings separately).
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mano.settings")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG")
os.environ.setdefault("MANO_PEPPER", "dGVzdC1wZXBwZXItdGhpcnR5LXR3by1ieXRlcy1sb25nIQ==")
os.environ.setdefault("MANO_KDF_TIME_COST", "1")
os.environ.setdefault("MANO_KDF_MEMORY_KIB", "64")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("MANO_STATIC_MANIFEST", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Encrypted document files written by tests (the matrix builds some) go to a throwaway folder.
os.environ.setdefault("MANO_DOCUMENTS_DIR", tempfile.mkdtemp(prefix="mano-test-documents-"))
