"""The only module that touches keys.

Everything personal is stored as an AEAD envelope whose additional data binds it to its
table, row, organisation and key version, so a blob copied elsewhere fails to open.
Secrets never appear in exception messages or reprs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import struct
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from nacl import bindings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
FORMAT_V1 = 1
_HEADER = struct.Struct(">BBI")  # format, key kind, key version


class KeyKind(StrEnum):
    GENERAL = "general"
    HEALTH = "health"


_KIND_CODES = {KeyKind.GENERAL: 1, KeyKind.HEALTH: 2}
_CODE_KINDS = {code: kind for kind, code in _KIND_CODES.items()}


class DecryptionError(Exception):
    """A ciphertext did not open. The message never carries data or key material."""

    def __init__(self, what: str = "record") -> None:
        super().__init__(f"Unable to decrypt {what}")


class MissingKeyError(DecryptionError):
    def __init__(self, kind: str) -> None:
        Exception.__init__(self, f"No {kind} key in this session")


def random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _aead_encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, nonce, key)


def _aead_decrypt(key: bytes, blob: bytes, aad: bytes, what: str) -> bytes:
    nonce, ciphertext = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        return bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, aad, nonce, key)
    except (CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError(what) from exc


# --- Passwords -------------------------------------------------------------------------


def pepper() -> bytes:
    try:
        value = base64.b64decode(settings.MANO_PEPPER, validate=True)
    except ValueError as exc:
        raise ValueError("MANO_PEPPER must be base64") from exc
    if len(value) < KEY_BYTES:
        raise ValueError("MANO_PEPPER must hold at least 32 bytes")
    return value


@dataclass(frozen=True, repr=False)
class LoginSecrets:
    verifier: bytes
    kek: bytes


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def derive_login_secrets(password: str, salt: bytes) -> LoginSecrets:
    """One Argon2id call gives the stored verifier and the key-encryption key.

    The pepper keys an HMAC of the password before Argon2id, so a stolen database
    without the pepper cannot be attacked offline.
    """
    peppered = hmac.new(pepper(), password.encode(), hashlib.sha256).digest()
    raw = hash_secret_raw(
        secret=peppered,
        salt=salt,
        time_cost=settings.MANO_KDF_TIME_COST,
        memory_cost=settings.MANO_KDF_MEMORY_KIB,
        parallelism=settings.MANO_KDF_PARALLELISM,
        hash_len=64,
        type=Type.ID,
    )
    return LoginSecrets(verifier=raw[:32], kek=raw[32:])


def verifier_matches(stored: bytes, candidate: bytes) -> bool:
    return hmac.compare_digest(stored, candidate)


# --- User key pairs and grants ---------------------------------------------------------


@dataclass(frozen=True, repr=False)
class UserKeyPair:
    public_key: bytes
    wrapped_private_key: bytes


def _user_key_aad(user_id: object) -> bytes:
    return f"mano/v1|user-key|{user_id}".encode()


def new_user_key_pair(*, user_id: object, kek: bytes) -> UserKeyPair:
    """Create an X25519 pair; the private half is stored only wrapped by the user's KEK."""
    private = PrivateKey.generate()
    wrapped = _aead_encrypt(kek, bytes(private), _user_key_aad(user_id))
    return UserKeyPair(bytes(private.public_key), wrapped)


def rewrap_private_key(*, user_id: object, wrapped: bytes, old_kek: bytes, new_kek: bytes) -> bytes:
    private = _aead_decrypt(old_kek, wrapped, _user_key_aad(user_id), "private key")
    return _aead_encrypt(new_kek, private, _user_key_aad(user_id))


def unwrap_private_key(*, user_id: object, wrapped: bytes, kek: bytes) -> bytes:
    return _aead_decrypt(kek, wrapped, _user_key_aad(user_id), "private key")


def seal_key(public_key: bytes, key: bytes) -> bytes:
    """Seal an organisation key to a public key (anonymous sender)."""
    return SealedBox(PublicKey(public_key)).encrypt(key)


def unseal_key(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(sealed)
    except (CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("key grant") from exc


# --- Recovery code ---------------------------------------------------------------------


def new_recovery_code() -> tuple[str, bytes]:
    """Return (code shown once, recovery public key). The code is the private key."""
    private = PrivateKey.generate()
    text = base64.b32encode(bytes(private)).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4)), bytes(private.public_key)


def recovery_private_key(code: str) -> bytes:
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as exc:
        raise DecryptionError("recovery code") from exc
    if len(raw) != KEY_BYTES:
        raise DecryptionError("recovery code")
    return raw


# --- Keyring: the organisation keys open for one request --------------------------------


class Keyring:
    """Organisation keys by (kind, version). Never printed, never pickled to disk in clear."""

    __slots__ = ("_keys",)

    def __init__(self, keys: dict[tuple[KeyKind, int], bytes] | None = None) -> None:
        self._keys: dict[tuple[KeyKind, int], bytes] = dict(keys or {})

    def __repr__(self) -> str:
        return f"<Keyring {sorted((k.value, v) for k, v in self._keys)}>"

    def __bool__(self) -> bool:
        return bool(self._keys)

    def __reduce__(self) -> Any:  # refuse pickle/copy: no cache, file or serializer ever gets the keys in clear
        raise TypeError("A Keyring cannot be pickled")

    def add(self, kind: KeyKind, version: int, key: bytes) -> None:
        self._keys[(kind, version)] = key

    def has(self, kind: KeyKind) -> bool:
        return any(k == kind for k, _ in self._keys)

    def current(self, kind: KeyKind) -> tuple[int, bytes]:
        versions = [v for k, v in self._keys if k == kind]
        if not versions:
            raise MissingKeyError(kind)
        version = max(versions)
        return version, self._keys[(kind, version)]

    def get(self, kind: KeyKind, version: int) -> bytes:
        try:
            return self._keys[(kind, version)]
        except KeyError:
            raise MissingKeyError(kind) from None

    def items(self) -> list[tuple[KeyKind, int, bytes]]:
        return [(k, v, key) for (k, v), key in self._keys.items()]

    def seal_for_session(self, session_secret: bytes, session_aad: str) -> str:
        """Encrypt the keys under the cookie-only secret, for the server-side session."""
        plain = json.dumps([[k.value, v, base64.b64encode(key).decode()] for k, v, key in self.items()]).encode()
        return base64.b64encode(_aead_encrypt(session_secret, plain, session_aad.encode())).decode()

    @classmethod
    def open_from_session(cls, sealed: str, session_secret: bytes, session_aad: str) -> Keyring:
        try:
            blob = base64.b64decode(sealed)
        except ValueError as exc:
            raise DecryptionError("session keys") from exc
        plain = _aead_decrypt(session_secret, blob, session_aad.encode(), "session keys")
        return cls({(KeyKind(k), v): base64.b64decode(key) for k, v, key in json.loads(plain)})


def new_session_secret() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


# --- Records ---------------------------------------------------------------------------


def record_aad(*, table: str, row_id: object, org_id: object, kind: KeyKind, version: int) -> bytes:
    return f"mano/v1|{table}|{row_id}|{org_id}|{kind.value}|{version}".encode()


def encrypt_record(
    keyring: Keyring, *, kind: KeyKind, table: str, row_id: object, org_id: object, data: dict[str, Any]
) -> tuple[bytes, int]:
    """Encrypt a JSON payload under the current key of `kind`; returns (envelope, key version)."""
    version, key = keyring.current(kind)
    aad = record_aad(table=table, row_id=row_id, org_id=org_id, kind=kind, version=version)
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    header = _HEADER.pack(FORMAT_V1, _KIND_CODES[kind], version)
    return header + _aead_encrypt(key, plain, header + aad), version


def decrypt_record(keyring: Keyring, *, table: str, row_id: object, org_id: object, envelope: bytes) -> dict[str, Any]:
    """Open an envelope made by `encrypt_record` for exactly this table, row and organisation."""
    envelope = bytes(envelope)
    if len(envelope) < _HEADER.size + NONCE_BYTES:
        raise DecryptionError()
    fmt, code, version = _HEADER.unpack_from(envelope)
    if fmt != FORMAT_V1 or code not in _CODE_KINDS:
        raise DecryptionError()
    kind = _CODE_KINDS[code]
    header = envelope[: _HEADER.size]
    aad = record_aad(table=table, row_id=row_id, org_id=org_id, kind=kind, version=version)
    plain = _aead_decrypt(keyring.get(kind, version), envelope[_HEADER.size :], header + aad, "record")
    result: dict[str, Any] = json.loads(plain)
    return result


def envelope_key_kind(envelope: bytes) -> KeyKind:
    _, code, _ = _HEADER.unpack_from(bytes(envelope))
    return _CODE_KINDS[code]


# --- Tokens ----------------------------------------------------------------------------


def new_token() -> str:
    """A 256-bit URL-safe token; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
