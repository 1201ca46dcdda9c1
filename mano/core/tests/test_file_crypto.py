"""File encryption properties: any bytes round-trip; a flipped bit, a cut, a reorder or a swap fails to open."""

from __future__ import annotations

import io
import pickle
import uuid

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mano.core import crypto
from mano.core.crypto import FILE_CHUNK_BYTES, DecryptionError

FAST = hypothesis_settings(max_examples=40, deadline=None)
# Sizes around the chunk boundaries matter most: 0, 1, one chunk, one chunk ± 1, several chunks.
sizes = st.one_of(
    st.integers(min_value=0, max_value=300),
    st.sampled_from([FILE_CHUNK_BYTES - 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 2 * FILE_CHUNK_BYTES]),
    st.integers(min_value=FILE_CHUNK_BYTES, max_value=3 * FILE_CHUNK_BYTES + 17),
)
DOC, ORG = uuid.uuid4(), uuid.uuid4()


def _bytes(size: int, seed: int) -> bytes:
    return (seed.to_bytes(4, "big") * (size // 4 + 1))[:size]


def encrypt(data: bytes, key: bytes, *, doc: object = DOC, org: object = ORG, pieces: int = 1) -> bytes:
    step = max(1, len(data) // pieces)
    chunks = [data[i : i + step] for i in range(0, len(data), step)]
    return b"".join(crypto.encrypt_file(key, chunks, document_id=doc, org_id=org))


def decrypt(blob: bytes, key: bytes, *, doc: object = DOC, org: object = ORG) -> bytes:
    return b"".join(crypto.decrypt_file(key, io.BytesIO(blob), document_id=doc, org_id=org))


@FAST
@given(size=sizes, seed=st.integers(min_value=0, max_value=2**32 - 1), pieces=st.integers(min_value=1, max_value=7))
def test_any_bytes_round_trip_whatever_the_upload_chunking(size, seed, pieces):
    """What goes in comes out, whether the bytes arrive in one piece or in uneven pieces."""
    key, data = crypto.new_file_key(), _bytes(size, seed)
    blob = encrypt(data, key, pieces=pieces)
    assert decrypt(blob, key) == data


@FAST
@given(data=st.binary(max_size=2000))
def test_arbitrary_small_files_round_trip(data):
    key = crypto.new_file_key()
    assert decrypt(encrypt(data, key), key) == data


def test_large_files_are_produced_chunk_by_chunk():
    """The encryptor never holds more than a chunk: each update returns the ciphertext of full chunks."""
    key = crypto.new_file_key()
    encryptor = crypto.FileEncryptor(key, document_id=DOC, org_id=ORG)
    header = encryptor.start()
    outputs = [encryptor.update(b"a" * 10_000) for _ in range(30)]
    tail = encryptor.finish()
    assert max(len(o) for o in outputs) <= 2 * (FILE_CHUNK_BYTES + 17)
    assert sum(1 for o in outputs if o) >= 3
    assert decrypt(header + b"".join(outputs) + tail, key) == b"a" * 300_000


@FAST
@given(size=sizes, data=st.data())
def test_a_flipped_bit_anywhere_fails(size, data):
    key = crypto.new_file_key()
    blob = bytearray(encrypt(_bytes(size, 7), key))
    position = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    blob[position] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
    with pytest.raises(DecryptionError):
        decrypt(bytes(blob), key)


@FAST
@given(size=sizes, data=st.data())
def test_a_truncated_file_fails(size, data):
    """Cutting the file anywhere, even exactly at a chunk boundary, is detected (the final tag is missing)."""
    key = crypto.new_file_key()
    blob = encrypt(_bytes(size, 3), key)
    cut = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    with pytest.raises(DecryptionError):
        decrypt(blob[:cut], key)


def test_a_file_cut_at_a_chunk_boundary_fails():
    key = crypto.new_file_key()
    blob = encrypt(_bytes(3 * FILE_CHUNK_BYTES, 5), key)
    header = len(crypto.FILE_MAGIC) + 24
    for chunks in (1, 2):
        with pytest.raises(DecryptionError):
            decrypt(blob[: header + chunks * (FILE_CHUNK_BYTES + 17)], key)


def test_reordered_chunks_or_appended_bytes_fail():
    key = crypto.new_file_key()
    blob = encrypt(_bytes(3 * FILE_CHUNK_BYTES, 9), key)
    header, size = len(crypto.FILE_MAGIC) + 24, FILE_CHUNK_BYTES + 17
    first, second = blob[header : header + size], blob[header + size : header + 2 * size]
    swapped = blob[:header] + second + first + blob[header + 2 * size :]
    for tampered in (swapped, blob + b"\x00", blob + blob[header : header + size]):
        with pytest.raises(DecryptionError):
            decrypt(tampered, key)


def test_a_file_swapped_between_two_documents_fails():
    """Even with the right key, a file read as another document or organisation does not open."""
    key = crypto.new_file_key()
    blob = encrypt(b"attestation CAF", key, doc="doc-1", org="org-1")
    assert decrypt(blob, key, doc="doc-1", org="org-1") == b"attestation CAF"
    for doc, org in (("doc-2", "org-1"), ("doc-1", "org-2")):
        with pytest.raises(DecryptionError):
            decrypt(blob, key, doc=doc, org=org)


def test_another_key_or_a_foreign_header_fails():
    key, other = crypto.new_file_key(), crypto.new_file_key()
    blob = encrypt(b"x" * 1000, key)
    with pytest.raises(DecryptionError):
        decrypt(blob, other)
    with pytest.raises(DecryptionError):
        decrypt(b"NOTMANO" + blob[7:], key)
    with pytest.raises(DecryptionError):
        decrypt(b"", key)


def test_each_file_gets_its_own_key_and_no_plaintext_shows():
    key_a, key_b = crypto.new_file_key(), crypto.new_file_key()
    assert key_a != key_b and len(key_a) == 32
    data = b"CANARY-file-content " * 100
    assert encrypt(data, key_a) != encrypt(data, key_a)  # a fresh stream header every time
    assert b"CANARY" not in encrypt(data, key_a)


def test_secrets_never_show_in_reprs_or_pickles():
    key = crypto.new_file_key()
    encryptor = crypto.FileEncryptor(key, document_id=DOC, org_id=ORG)
    assert key.hex() not in repr(encryptor)
    with pytest.raises(TypeError):
        pickle.dumps(encryptor)
