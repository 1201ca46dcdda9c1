"""Crypto properties: envelopes round-trip, and anything out of place fails to open, without leaking."""

from __future__ import annotations

import base64
import copy
import json
import pickle
import secrets
import traceback
import uuid

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from nacl import bindings
from nacl.public import PrivateKey

from mano.core import crypto
from mano.core.crypto import DecryptionError, KeyKind, Keyring, MissingKeyError

FAST = hypothesis_settings(max_examples=50, deadline=None)
FEWER = hypothesis_settings(max_examples=20, deadline=None)
TABLE = "persons_person"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=20,
)
payloads = st.dictionaries(st.text(), json_values, max_size=10)
kinds = st.sampled_from(list(KeyKind))
ids = st.uuids().map(str)
keys = st.binary(min_size=32, max_size=32)


def full_keyring(version: int = 1) -> Keyring:
    return Keyring({(kind, version): crypto.random_key() for kind in KeyKind})


def seal(keyring: Keyring, data: dict, *, kind: KeyKind = KeyKind.GENERAL, row: str = "r1", org: str = "o1") -> bytes:
    envelope, _ = crypto.encrypt_record(keyring, kind=kind, table=TABLE, row_id=row, org_id=org, data=data)
    return envelope


def open_(keyring: Keyring, envelope: bytes, *, row: str = "r1", org: str = "o1", table: str = TABLE) -> dict:
    return crypto.decrypt_record(keyring, table=table, row_id=row, org_id=org, envelope=envelope)


# --- Records ---------------------------------------------------------------------------


@FAST
@given(data=payloads, kind=kinds, row=ids, org=ids)
def test_any_json_payload_round_trips(data, kind, row, org):
    """What goes in comes out, for any JSON-able text, under either key kind."""
    keyring = full_keyring()
    envelope = seal(keyring, data, kind=kind, row=row, org=org)
    assert open_(keyring, envelope, row=row, org=org) == data
    assert crypto.envelope_key_kind(envelope) == kind


def test_unicode_empty_and_long_text_round_trip():
    """Empty strings, control characters, emoji, right-to-left text and a megabyte of text all survive."""
    keyring = full_keyring()
    data = {
        "": "",
        "name": "Zoë Ñúñez 🌍 中文 عربى \u200f\x00\n\t\"'\\",
        "description": "é" * 500_000,
        "other_names": "",
    }
    assert open_(keyring, seal(keyring, data)) == data


@FAST
@given(data=payloads)
def test_the_same_payload_never_gives_the_same_envelope(data):
    """A fresh nonce each time: equal plaintexts are not recognisable in the database."""
    keyring = full_keyring()
    assert seal(keyring, data) != seal(keyring, data)


@FAST
@given(data=payloads, kind=kinds, choice=st.data())
def test_a_flipped_bit_anywhere_in_the_envelope_fails(data, kind, choice):
    """Header, nonce or ciphertext: one flipped bit and the envelope no longer opens."""
    keyring = full_keyring()
    envelope = bytearray(seal(keyring, data, kind=kind))
    bit = choice.draw(st.integers(0, len(envelope) * 8 - 1))
    envelope[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DecryptionError):
        open_(keyring, bytes(envelope))


@FAST
@given(data=payloads, choice=st.data())
def test_a_truncated_or_extended_envelope_fails(data, choice):
    keyring = full_keyring()
    envelope = seal(keyring, data)
    cut = choice.draw(st.integers(0, len(envelope) - 1))
    with pytest.raises(DecryptionError):
        open_(keyring, envelope[:cut])
    with pytest.raises(DecryptionError):
        open_(keyring, envelope + choice.draw(st.binary(min_size=1, max_size=32)))


@FAST
@given(plain=st.binary(max_size=600), aad=st.binary(max_size=120), choice=st.data())
def test_the_direct_libsodium_call_opens_exactly_what_pynacl_opens(plain, aad, choice):
    """_aead_decrypt calls libsodium without nacl.bindings' wrapper: it opens what the wrapper seals, and refuses
    (with DecryptionError) every blob, additional data or key that the wrapper refuses, short blobs included."""
    key, nonce = secrets.token_bytes(32), secrets.token_bytes(crypto.NONCE_BYTES)
    blob = nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, aad, nonce, key)
    assert crypto._aead_decrypt(key, blob, aad, "test") == plain
    cut = choice.draw(st.integers(0, len(blob) - 1))
    for bad_key, bad_blob, bad_aad in ((key, blob[:cut], aad), (key, blob, aad + b"x"), (key[:31], blob, aad)):
        with pytest.raises(DecryptionError):
            crypto._aead_decrypt(bad_key, bad_blob, bad_aad, "test")


@FEWER
@given(
    size=st.sampled_from([0, 1, 2_000, crypto._IN_PLACE_BYTES - crypto.TAG_BYTES, crypto._IN_PLACE_BYTES, 400_000]),
    prefix=st.binary(max_size=12),
    choice=st.data(),
)
def test_a_blob_read_in_place_or_sliced_opens_and_refuses_alike(size, prefix, choice):
    """A large blob (a search shard) is read in place from `start`, a small one sliced: both open to the plaintext,
    and a flipped bit in nonce, ciphertext or tag, a cut, or a start off by one refuse to open."""
    key, nonce, aad = secrets.token_bytes(32), secrets.token_bytes(crypto.NONCE_BYTES), b"header and aad"
    plain = secrets.token_bytes(size)
    sealed = nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, aad, nonce, key)
    blob, start = prefix + sealed, len(prefix)
    assert crypto._aead_decrypt(key, blob, aad, "test", start=start) == plain
    bit = choice.draw(st.integers(0, len(sealed) * 8 - 1))
    flipped = bytearray(blob)
    flipped[start + bit // 8] ^= 1 << (bit % 8)
    for bad_blob, bad_start in ((bytes(flipped), start), (blob[:-1], start), (blob, start + 1), (blob, start - 1)):
        with pytest.raises(DecryptionError):
            crypto._aead_decrypt(key, bad_blob, aad, "test", start=bad_start)


@FAST
@given(blob=st.binary(max_size=300))
def test_random_bytes_only_ever_raise_decryption_error(blob):
    """Garbage in the payload column gives DecryptionError (a clean error page), never another exception."""
    with pytest.raises(DecryptionError):
        open_(full_keyring(), blob)


@FAST
@given(data=payloads, row=ids, org=ids, other=ids, field=st.sampled_from(["row", "org", "table"]))
def test_another_row_org_or_table_in_the_aad_fails(data, row, org, other, field):
    """The envelope is bound to its table, row and organisation: opened anywhere else, it fails."""
    keyring = full_keyring()
    envelope = seal(keyring, data, row=row, org=org)
    place = {"row": row, "org": org, "table": TABLE}
    place[field] = other if other != place[field] else other + "x"
    with pytest.raises(DecryptionError):
        open_(keyring, envelope, row=place["row"], org=place["org"], table=place["table"])


@FAST
@given(first=payloads, second=payloads, org=ids)
def test_swapping_blobs_between_two_rows_fails(first, second, org):
    """Copying one row's payload onto another row of the same organisation does not open."""
    keyring = full_keyring()
    row_a, row_b = str(uuid.uuid4()), str(uuid.uuid4())
    envelope_a = seal(keyring, first, row=row_a, org=org)
    envelope_b = seal(keyring, second, row=row_b, org=org)
    with pytest.raises(DecryptionError):
        open_(keyring, envelope_a, row=row_b, org=org)
    with pytest.raises(DecryptionError):
        open_(keyring, envelope_b, row=row_a, org=org)
    assert open_(keyring, envelope_a, row=row_a, org=org) == first


def test_another_organisations_keyring_cannot_open_an_envelope():
    envelope = seal(full_keyring(), {"name": "Zoë"})
    with pytest.raises(DecryptionError):
        open_(full_keyring(), envelope)


def test_a_health_envelope_cannot_be_opened_with_only_the_general_key():
    """Health isolation is cryptographic: a keyring without K_health cannot open health rows."""
    everything = full_keyring()
    envelope = seal(everything, {"note": "diabète"}, kind=KeyKind.HEALTH)
    general_only = Keyring({(KeyKind.GENERAL, 1): everything.get(KeyKind.GENERAL, 1)})
    with pytest.raises(MissingKeyError):
        open_(general_only, envelope)
    assert open_(everything, envelope) == {"note": "diabète"}


def test_relabelling_a_health_envelope_as_general_does_not_open_it():
    """The key kind in the header is authenticated: rewriting it to 'general' fails."""
    everything = full_keyring()
    envelope = bytearray(seal(everything, {"note": "diabète"}, kind=KeyKind.HEALTH))
    envelope[1] = 1  # the header's kind code for GENERAL
    assert crypto.envelope_key_kind(bytes(envelope)) == KeyKind.GENERAL
    general_only = Keyring({(KeyKind.GENERAL, 1): everything.get(KeyKind.GENERAL, 1)})
    for keyring in (general_only, everything):
        with pytest.raises(DecryptionError):
            open_(keyring, bytes(envelope))


def test_a_v1_envelope_still_opens_after_v2_is_added_and_new_ones_use_v2():
    """Rotation: reads accept both versions, writes use the newest."""
    keyring = full_keyring(version=1)
    old = seal(keyring, {"name": "avant"})
    keyring.add(KeyKind.GENERAL, 2, crypto.random_key())
    new, version = crypto.encrypt_record(keyring, kind=KeyKind.GENERAL, table=TABLE, row_id="r1", org_id="o1", data={})
    assert version == 2
    assert open_(keyring, old) == {"name": "avant"}
    assert open_(keyring, new) == {}
    only_v2 = Keyring({(KeyKind.GENERAL, 2): keyring.get(KeyKind.GENERAL, 2)})
    with pytest.raises(MissingKeyError):
        open_(only_v2, old)


def test_relabelling_the_key_version_does_not_open_the_envelope():
    keyring = full_keyring(version=1)
    keyring.add(KeyKind.GENERAL, 2, crypto.random_key())
    envelope = bytearray(seal(keyring, {"name": "x"}))
    envelope[2:6] = (1).to_bytes(4, "big")
    with pytest.raises(DecryptionError):
        open_(keyring, bytes(envelope))


def test_an_empty_keyring_raises_missing_key_on_encrypt():
    with pytest.raises(MissingKeyError):
        seal(Keyring(), {"name": "x"})


@FEWER
@given(rows=st.lists(st.tuples(ids, payloads), min_size=1, max_size=5, unique_by=lambda r: r[0]), org=ids)
def test_the_batch_decryption_agrees_with_the_single_one_and_keeps_the_aad(rows, org):
    """decrypt_record_texts (lists, search) opens exactly what decrypt_record opens, and nothing moved."""
    keyring = full_keyring()
    sealed = [(row, seal(keyring, data, row=row, org=org)) for row, data in rows]
    opened = dict(crypto.decrypt_record_texts(keyring, table=TABLE, org_id=org, rows=sealed))
    assert {row: json.loads(text) for row, text in opened.items()} == dict(rows)
    moved = [("another-row", sealed[0][1])]
    with pytest.raises(DecryptionError):
        list(crypto.decrypt_record_texts(keyring, table=TABLE, org_id=org, rows=moved))
    with pytest.raises(DecryptionError):
        list(crypto.decrypt_record_texts(keyring, table=TABLE, org_id=org + "x", rows=sealed))
    with pytest.raises(DecryptionError):
        list(crypto.decrypt_record_texts(keyring, table="other_table", org_id=org, rows=sealed))


# --- Grants, private keys, sessions ------------------------------------------------------


@FEWER
@given(key=keys)
def test_a_sealed_key_grant_opens_only_with_the_right_private_key(key):
    mine, theirs = PrivateKey.generate(), PrivateKey.generate()
    sealed = crypto.seal_key(bytes(mine.public_key), key)
    assert crypto.unseal_key(bytes(mine), sealed) == key
    with pytest.raises(DecryptionError):
        crypto.unseal_key(bytes(theirs), sealed)
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(DecryptionError):
        crypto.unseal_key(bytes(mine), bytes(tampered))


@FEWER
@given(kek=keys, wrong=keys, user_id=ids)
def test_a_wrapped_private_key_opens_only_with_the_right_kek_and_user(kek, wrong, user_id):
    pair = crypto.new_user_key_pair(user_id=user_id, kek=kek)
    private = crypto.unwrap_private_key(user_id=user_id, wrapped=pair.wrapped_private_key, kek=kek)
    assert bytes(PrivateKey(private).public_key) == pair.public_key
    if wrong != kek:
        with pytest.raises(DecryptionError):
            crypto.unwrap_private_key(user_id=user_id, wrapped=pair.wrapped_private_key, kek=wrong)
    with pytest.raises(DecryptionError):
        crypto.unwrap_private_key(user_id=user_id + "x", wrapped=pair.wrapped_private_key, kek=kek)


def test_rewrapping_moves_the_private_key_to_the_new_kek_only():
    old, new = crypto.random_key(), crypto.random_key()
    pair = crypto.new_user_key_pair(user_id="u1", kek=old)
    rewrapped = crypto.rewrap_private_key(user_id="u1", wrapped=pair.wrapped_private_key, old_kek=old, new_kek=new)
    private = crypto.unwrap_private_key(user_id="u1", wrapped=rewrapped, kek=new)
    assert bytes(PrivateKey(private).public_key) == pair.public_key
    with pytest.raises(DecryptionError):
        crypto.unwrap_private_key(user_id="u1", wrapped=rewrapped, kek=old)
    with pytest.raises(DecryptionError):
        crypto.rewrap_private_key(user_id="u1", wrapped=pair.wrapped_private_key, old_kek=new, new_kek=new)


def test_session_keys_open_only_with_their_secret_and_aad():
    keyring = full_keyring()
    secret = crypto.new_session_secret()
    sealed = keyring.seal_for_session(secret, "mano/v1|session|u1|k1")
    opened = Keyring.open_from_session(sealed, secret, "mano/v1|session|u1|k1")
    assert sorted(opened.items()) == sorted(keyring.items())
    for other_secret, aad in [
        (crypto.new_session_secret(), "mano/v1|session|u1|k1"),
        (b"", "mano/v1|session|u1|k1"),
        (secret, "mano/v1|session|u2|k1"),
        (secret, "mano/v1|session|u1|k2"),
    ]:
        with pytest.raises(DecryptionError):
            Keyring.open_from_session(sealed, other_secret, aad)
    with pytest.raises(DecryptionError):
        Keyring.open_from_session("not base64 ☃", secret, "mano/v1|session|u1|k1")


# --- Passwords ---------------------------------------------------------------------------


@FEWER
@given(password=st.text(max_size=128), salt=st.binary(min_size=16, max_size=16))
def test_the_same_password_and_salt_give_the_same_secrets(password, salt):
    first = crypto.derive_login_secrets(password, salt)
    second = crypto.derive_login_secrets(password, salt)
    assert first.verifier == second.verifier and first.kek == second.kek
    assert len(first.verifier) == len(first.kek) == 32 and first.verifier != first.kek
    assert crypto.verifier_matches(first.verifier, second.verifier)


@FEWER
@given(password=st.text(max_size=128), salt=st.binary(min_size=16, max_size=16), other=st.binary(min_size=16))
def test_another_salt_gives_another_verifier(password, salt, other):
    if other == salt:
        other = other + b"\x00"
    assert crypto.derive_login_secrets(password, salt).verifier != crypto.derive_login_secrets(password, other).verifier


def test_another_pepper_gives_another_verifier_and_kek():
    """Without the pepper, a stolen database does not even allow checking a password guess."""
    salt = crypto.new_salt()
    usual = crypto.derive_login_secrets("correct horse battery staple", salt)
    with override_settings(MANO_PEPPER=base64.b64encode(secrets.token_bytes(32)).decode()):
        other = crypto.derive_login_secrets("correct horse battery staple", salt)
    assert usual.verifier != other.verifier
    assert usual.kek != other.kek
    assert not crypto.verifier_matches(usual.verifier, other.verifier)


@pytest.mark.parametrize("pepper", ["", "not base64!", base64.b64encode(b"x" * 31).decode()])
def test_a_missing_malformed_or_short_pepper_is_refused(pepper):
    with override_settings(MANO_PEPPER=pepper), pytest.raises(ValueError, match="MANO_PEPPER"):
        crypto.derive_login_secrets("correct horse battery staple", crypto.new_salt())


# --- Recovery code -------------------------------------------------------------------------


def test_the_recovery_code_round_trips_however_it_is_typed():
    """Upper or lower case, with or without dashes or spaces: the code gives back the recovery key."""
    code, public = crypto.new_recovery_code()
    key = crypto.random_key()
    sealed = crypto.seal_key(public, key)
    variants = [code, code.lower(), code.replace("-", ""), code.lower().replace("-", " "), f"  {code}\n"]
    for typed in variants:
        private = crypto.recovery_private_key(typed)
        assert bytes(PrivateKey(private).public_key) == public
        assert crypto.unseal_key(private, sealed) == key


def test_a_mistyped_recovery_code_does_not_open_the_keys():
    code, public = crypto.new_recovery_code()
    sealed = crypto.seal_key(public, crypto.random_key())
    typo = ("B" if code[0] != "B" else "C") + code[1:]
    with pytest.raises(DecryptionError):
        crypto.unseal_key(crypto.recovery_private_key(typo), sealed)
    with pytest.raises(DecryptionError):
        crypto.recovery_private_key(code[:-5])


@FAST
@given(text=st.text(max_size=80))
def test_any_typed_recovery_code_gives_32_bytes_or_decryption_error(text):
    """Whatever is typed, the answer is a 32-byte key or DecryptionError (the form shows an error, never a 500)."""
    try:
        key = crypto.recovery_private_key(text)
    except DecryptionError:
        return
    assert len(key) == 32


# --- Nothing leaks through reprs, messages or pickles --------------------------------------------


def _forms(key: bytes) -> list[str]:
    return [
        key.hex(),
        key.hex().upper(),
        base64.b64encode(key).decode()[:40],
        base64.urlsafe_b64encode(key).decode()[:40],
        repr(key)[2:-1],
    ]


@FAST
@given(general=keys, health=keys)
def test_a_keyring_repr_never_shows_key_bytes(general, health):
    keyring = Keyring({(KeyKind.GENERAL, 1): general, (KeyKind.HEALTH, 3): health})
    shown = " ".join([repr(keyring), str(keyring), f"{keyring}", repr([keyring]), repr({"k": keyring})])
    for key in (general, health):
        for form in _forms(key):
            assert form not in shown
    assert "general" in shown  # the kinds and versions are shown, which is fine


def test_a_keyring_refuses_to_be_pickled_or_copied():
    """No cache backend, session serializer or file can ever receive the keys in clear."""
    keyring = full_keyring()
    with pytest.raises(TypeError):
        pickle.dumps(keyring)
    with pytest.raises(TypeError):
        copy.deepcopy(keyring)


def test_login_secrets_and_key_pairs_hide_their_bytes_in_repr():
    secrets_ = crypto.derive_login_secrets("correct horse battery staple", crypto.new_salt())
    pair = crypto.new_user_key_pair(user_id="u1", kek=secrets_.kek)
    shown = repr(secrets_) + repr(pair)
    for value in (secrets_.verifier, secrets_.kek, pair.wrapped_private_key):
        for form in _forms(value):
            assert form not in shown


def _messages(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(exc.args)


@FAST
@given(text=st.text(min_size=1), choice=st.data())
def test_decryption_errors_never_carry_the_plaintext(text, choice):
    """The exception, its chained cause and its traceback hold no plaintext and no key."""
    marker = f"CANARY-{text}"
    keyring = full_keyring()
    envelope = bytearray(seal(keyring, {"name": marker}))
    bit = choice.draw(st.integers(0, len(envelope) * 8 - 1))
    envelope[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(DecryptionError) as caught:
        open_(keyring, bytes(envelope))
    shown = _messages(caught.value)
    assert "CANARY" not in shown
    for _, _, key in keyring.items():
        for form in _forms(key):
            assert form not in shown


def test_a_wrong_kek_error_carries_no_key_material():
    kek, wrong = crypto.random_key(), crypto.random_key()
    pair = crypto.new_user_key_pair(user_id="u1", kek=kek)
    with pytest.raises(DecryptionError) as caught:
        crypto.unwrap_private_key(user_id="u1", wrapped=pair.wrapped_private_key, kek=wrong)
    shown = _messages(caught.value)
    for value in (kek, wrong):
        for form in _forms(value):
            assert form not in shown
