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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, BinaryIO

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from nacl import bindings
from nacl._sodium import ffi, lib  # the C functions that nacl.bindings wraps (see _aead_decrypt)
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES
FORMAT_V1 = 1
_HEADER = struct.Struct(">BBI")  # format, key kind, key version


class KeyKind(StrEnum):
    GENERAL = "general"
    HEALTH = "health"


_KIND_CODES = {KeyKind.GENERAL: 1, KeyKind.HEALTH: 2}
_CODE_KINDS = {code: kind for kind, code in _KIND_CODES.items()}

# What a BinaryField reads back: bytes, or a memoryview from some database drivers. Opened with bytes().
Envelope = bytes | memoryview


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


# Past this size, an envelope is read in place (a search opens 64 shards of ~400 KB: slicing off the header and
# the nonce copied each twice); below it, two small slices cost less than a view of the buffer.
_IN_PLACE_BYTES = 4096
# libsodium writes every byte of the plaintext that is returned: clearing the buffer first was one more pass.
_UNCLEARED = ffi.new_allocator(should_clear_after_alloc=False)


def _aead_decrypt(key: bytes, blob: bytes, aad: bytes, what: str, start: int = 0) -> bytes:
    """libsodium's XChaCha20-Poly1305 decryption of the nonce and ciphertext that `blob` holds from `start`, called
    directly: nacl.bindings checks its arguments with messages formatted on every call, which cost as much as the
    cipher itself on the small envelopes that lists and agenda windows open by thousands (11 → 5.5 µs each). The
    same checks are made here, once: the key and nonce lengths that the C function trusts, and a ciphertext at
    least as long as its tag."""
    if not isinstance(key, bytes) or len(key) != KEY_BYTES or not isinstance(blob, bytes):
        raise DecryptionError(what)
    length = len(blob) - start - NONCE_BYTES  # of the ciphertext
    if start < 0 or length < TAG_BYTES:
        raise DecryptionError(what)
    if length > _IN_PLACE_BYTES:
        at = ffi.from_buffer(blob) + start
        nonce, ciphertext = at, at + NONCE_BYTES
    else:
        nonce, ciphertext = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
    plain = _UNCLEARED("unsigned char[]", length - TAG_BYTES + 1)  # +1: a zero-length array is refused
    size = ffi.new("unsigned long long *")
    opened = lib.crypto_aead_xchacha20poly1305_ietf_decrypt(
        plain, size, ffi.NULL, ciphertext, length, aad, len(aad), nonce, key
    )
    if opened != 0:
        raise DecryptionError(what)
    return ffi.buffer(plain, size[0])[:]


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
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return encrypt_record_text(keyring, kind=kind, table=table, row_id=row_id, org_id=org_id, text=text)


def encrypt_record_text(
    keyring: Keyring, *, kind: KeyKind, table: str, row_id: object, org_id: object, text: str
) -> tuple[bytes, int]:
    """Encrypt a text under the current key of `kind`, bound to table, row and organisation."""
    version, key = keyring.current(kind)
    aad = record_aad(table=table, row_id=row_id, org_id=org_id, kind=kind, version=version)
    header = _HEADER.pack(FORMAT_V1, _KIND_CODES[kind], version)
    return header + _aead_encrypt(key, text.encode(), header + aad), version


def decrypt_record(
    keyring: Keyring, *, table: str, row_id: object, org_id: object, envelope: Envelope
) -> dict[str, Any]:
    """Open an envelope made by `encrypt_record` for exactly this table, row and organisation."""
    result: dict[str, Any] = json.loads(
        decrypt_record_text(keyring, table=table, row_id=row_id, org_id=org_id, envelope=envelope)
    )
    return result


def decrypt_record_text(keyring: Keyring, *, table: str, row_id: object, org_id: object, envelope: Envelope) -> str:
    """The JSON text inside an envelope, unparsed: search rejects most rows on it before parsing any."""
    return decrypt_record_bytes(keyring, table=table, row_id=row_id, org_id=org_id, envelope=envelope).decode()


def decrypt_record_bytes(keyring: Keyring, *, table: str, row_id: object, org_id: object, envelope: Envelope) -> bytes:
    """The UTF-8 bytes inside an envelope, undecoded: a shard of 250 KB is searched as bytes (a UTF-8 word found in
    UTF-8 text starts on a character), and decoding it would double its size in memory for nothing."""
    envelope = bytes(envelope)
    if len(envelope) < _HEADER.size + NONCE_BYTES:
        raise DecryptionError()
    fmt, code, version = _HEADER.unpack_from(envelope)
    if fmt != FORMAT_V1 or code not in _CODE_KINDS:
        raise DecryptionError()
    kind = _CODE_KINDS[code]
    header = envelope[: _HEADER.size]
    aad = record_aad(table=table, row_id=row_id, org_id=org_id, kind=kind, version=version)
    return _aead_decrypt(keyring.get(kind, version), envelope, header + aad, "record", start=_HEADER.size)


def envelope_key_kind(envelope: Envelope) -> KeyKind:
    _, code, _ = _HEADER.unpack_from(bytes(envelope))
    return _CODE_KINDS[code]


# --- Keyed links (no plaintext join between tables) --------------------------------------


def keyed_link(keyring: Keyring, kind: KeyKind, *, purpose: str, value: object) -> str:
    """A hex HMAC-SHA256 of `value` under a subkey of the current `kind` key, one subkey per `purpose`.

    Stored instead of a plaintext id where a column must not join two tables in a dump (a referral and its
    action, a health row and its person): only a session holding the key can compute it again. A key rotation
    must recompute these columns, like it re-encrypts the records.
    """
    version, key = keyring.current(kind)
    subkey = hashlib.blake2b(purpose.encode(), key=key, digest_size=KEY_BYTES, person=b"mano-link").digest()
    return hmac.new(subkey, f"{version}|{value}".encode(), hashlib.sha256).hexdigest()


# --- Tokens ----------------------------------------------------------------------------


def new_token() -> str:
    """A 256-bit URL-safe token; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Texts sealed for a URL (searches) -------------------------------------------------

_URL_TEXT_HEADER = struct.Struct(">I")  # general key version
URL_TEXT_BLOCK = 16
URL_TOKEN_MAX_CHARS = 1024


def url_text_aad(*, purpose: str, org_id: object, user_id: object, session_key: str, version: int) -> bytes:
    return f"mano/v1|url-text|{purpose}|{org_id}|{user_id}|{session_key}|{version}".encode()


def seal_url_text(
    keyring: Keyring, *, text: str, purpose: str, org_id: object, user_id: object, session_key: str
) -> str:
    """An opaque URL-safe token (base64 without padding) holding `text`, for links instead of the text.

    Sealed under the current general key; the additional data names the purpose, organisation, user and
    session, so the token opens nowhere else. The text is padded to a multiple of URL_TEXT_BLOCK bytes, so
    its exact length does not show either.
    """
    if not session_key:
        raise DecryptionError("url text")  # without a session to bind to, no token
    version, key = keyring.current(KeyKind.GENERAL)
    plain = text.encode() + b"\x80"  # ISO/IEC 7816-4 padding: 0x80 then zeros
    plain += b"\0" * (-len(plain) % URL_TEXT_BLOCK)
    header = _URL_TEXT_HEADER.pack(version)
    aad = url_text_aad(purpose=purpose, org_id=org_id, user_id=user_id, session_key=session_key, version=version)
    blob = header + _aead_encrypt(key, plain, aad)
    return base64.urlsafe_b64encode(blob).decode().rstrip("=")


def open_url_text(
    keyring: Keyring, *, token: str, purpose: str, org_id: object, user_id: object, session_key: str
) -> str:
    """The text inside a token made by `seal_url_text` for exactly this purpose, user and session.

    Anything else (garbage, a flipped character, another session, a key this session does not hold)
    raises DecryptionError.
    """
    if not session_key or not token or len(token) > URL_TOKEN_MAX_CHARS:
        raise DecryptionError("url text")
    try:
        blob = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
    except ValueError as exc:
        raise DecryptionError("url text") from exc
    if len(blob) < _URL_TEXT_HEADER.size + NONCE_BYTES:
        raise DecryptionError("url text")
    (version,) = _URL_TEXT_HEADER.unpack_from(blob)
    aad = url_text_aad(purpose=purpose, org_id=org_id, user_id=user_id, session_key=session_key, version=version)
    key = keyring.get(KeyKind.GENERAL, version)
    plain = _aead_decrypt(key, blob, aad, "url text", start=_URL_TEXT_HEADER.size).rstrip(b"\0")
    if not plain.endswith(b"\x80"):
        raise DecryptionError("url text")
    try:
        return plain[:-1].decode()
    except UnicodeDecodeError as exc:
        raise DecryptionError("url text") from exc


# --- Files -----------------------------------------------------------------------------

FILE_CHUNK_BYTES = 64 * 1024
FILE_MAGIC = b"MANOF1"
_STREAM_ABYTES = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
_STREAM_HEADER_BYTES = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_TAG_MESSAGE = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def new_file_key() -> bytes:
    """A fresh key for one file. It is stored only inside its document's encrypted payload."""
    return bindings.crypto_secretstream_xchacha20poly1305_keygen()


def file_aad(*, document_id: object, org_id: object) -> bytes:
    return f"mano/v1|document-file|{document_id}|{org_id}".encode()


class FileEncryptor:
    """Encrypts one document's bytes as a libsodium secretstream, a chunk at a time.

    Layout: FILE_MAGIC, the stream header, then chunks of FILE_CHUNK_BYTES of plaintext; the last
    chunk (0 to FILE_CHUNK_BYTES bytes) carries TAG_FINAL, so a truncated file fails to open. Every
    chunk's additional data names the document and organisation, so a file put under another
    document fails too. At most two chunks of plaintext are held in memory.
    """

    __slots__ = ("_aad", "_buffer", "_finished", "_header", "_state")

    def __init__(self, key: bytes, *, document_id: object, org_id: object) -> None:
        self._state = bindings.crypto_secretstream_xchacha20poly1305_state()
        self._header = bindings.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        self._aad = file_aad(document_id=document_id, org_id=org_id)
        self._buffer = bytearray()
        self._finished = False

    def __repr__(self) -> str:
        return "<FileEncryptor>"

    def __reduce__(self) -> Any:
        raise TypeError("A FileEncryptor cannot be pickled")

    def start(self) -> bytes:
        """The bytes that open the file: write them first."""
        return FILE_MAGIC + self._header

    def update(self, data: bytes) -> bytes:
        """Ciphertext for every full chunk now available (possibly empty)."""
        if self._finished:
            raise ValueError("FileEncryptor already finished")
        self._buffer += data
        out = bytearray()
        # Keep at least one byte back: the last chunk must be the one marked final.
        while len(self._buffer) > FILE_CHUNK_BYTES:
            out += self._push(bytes(self._buffer[:FILE_CHUNK_BYTES]), _TAG_MESSAGE)
            del self._buffer[:FILE_CHUNK_BYTES]
        return bytes(out)

    def finish(self) -> bytes:
        """The final chunk (what is left, possibly nothing) marked TAG_FINAL."""
        if self._finished:
            raise ValueError("FileEncryptor already finished")
        self._finished = True
        last = self._push(bytes(self._buffer), _TAG_FINAL)
        self._buffer.clear()
        return last

    def _push(self, chunk: bytes, tag: int) -> bytes:
        return bindings.crypto_secretstream_xchacha20poly1305_push(self._state, chunk, self._aad, tag)


def encrypt_file(key: bytes, chunks: Iterable[bytes], *, document_id: object, org_id: object) -> Iterator[bytes]:
    """Ciphertext of `chunks` (any sizes) as `FileEncryptor` lays it out, produced lazily."""
    encryptor = FileEncryptor(key, document_id=document_id, org_id=org_id)
    yield encryptor.start()
    for chunk in chunks:
        out = encryptor.update(chunk)
        if out:
            yield out
    yield encryptor.finish()


def decrypt_file(key: bytes, source: BinaryIO, *, document_id: object, org_id: object) -> Iterator[bytes]:
    """Plaintext chunks of a file made by `FileEncryptor` for exactly this document and organisation.

    A generator, usable by StreamingHttpResponse. Each chunk is authenticated before it is yielded;
    a flipped bit, a wrong key or document, reordered chunks, a missing final tag (truncation) or
    bytes after it raise DecryptionError. Callers that must not send a partial file read it once
    to the end first (see the documents selector).
    """
    head = source.read(len(FILE_MAGIC) + _STREAM_HEADER_BYTES)
    if len(head) != len(FILE_MAGIC) + _STREAM_HEADER_BYTES or not head.startswith(FILE_MAGIC):
        raise DecryptionError("file")
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    try:
        bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, head[len(FILE_MAGIC) :], key)
    except (CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("file") from exc
    aad = file_aad(document_id=document_id, org_id=org_id)
    while True:
        block = source.read(FILE_CHUNK_BYTES + _STREAM_ABYTES)
        if len(block) < _STREAM_ABYTES:
            raise DecryptionError("file")  # ended before the final tag: truncated
        try:
            plain, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(state, block, aad)
        except (CryptoError, ValueError, TypeError) as exc:
            raise DecryptionError("file") from exc
        if tag == _TAG_FINAL:
            if source.read(1):
                raise DecryptionError("file")  # bytes appended after the end
            if plain:
                yield plain
            return
        if tag != _TAG_MESSAGE or len(block) != FILE_CHUNK_BYTES + _STREAM_ABYTES:
            raise DecryptionError("file")
        yield plain


def decrypt_record_texts(
    keyring: Keyring, *, table: str, org_id: object, rows: Iterable[tuple[object, Envelope]]
) -> Iterator[tuple[object, str]]:
    """`decrypt_record_text` over many rows of one table and organisation (lists and search).

    Same envelope checks and AAD binding; the per-row work is cut to the AEAD call so that opening
    20,000 small envelopes stays near the cost of libsodium itself.
    """
    suffix = f"|{org_id}|"
    for row_id, envelope in rows:
        envelope = bytes(envelope)
        if len(envelope) < _HEADER.size + NONCE_BYTES:
            raise DecryptionError()
        fmt, code, version = _HEADER.unpack_from(envelope)
        kind = _CODE_KINDS.get(code)
        if fmt != FORMAT_V1 or kind is None:
            raise DecryptionError()
        header = envelope[: _HEADER.size]
        aad = header + f"mano/v1|{table}|{row_id}{suffix}{kind.value}|{version}".encode()
        yield row_id, _aead_decrypt(keyring.get(kind, version), envelope, aad, "record", start=_HEADER.size).decode()
