"""WeChat message encryption, shared by the Official Account's safe mode and WeCom.

The scheme (the same on both platforms; only the receive id differs — AppID or CorpID):

* key = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with iv = key[:16];
* plaintext = random(16) + len(msg) as 4 bytes big-endian + msg + receive_id, PKCS#7-padded to 32 bytes;
* ``msg_signature`` = SHA1 of the sorted, concatenated token, timestamp, nonce and ``Encrypt`` value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 32


class CryptoError(ValueError):
    """A callback's signature or ciphertext does not check out."""


def sha1_signature(*parts: str) -> str:
    """SHA1 hex digest of the parts sorted and concatenated (WeChat's signature)."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signature_matches(expected: str, *parts: str) -> bool:
    """Constant-time check of a received signature against the parts."""
    return hmac.compare_digest(sha1_signature(*parts), (expected or "").lower())


def _pad(data: bytes) -> bytes:
    n = _BLOCK - len(data) % _BLOCK
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    if not data:
        raise CryptoError("empty plaintext")
    n = data[-1]
    if not 1 <= n <= _BLOCK or data[-n:] != bytes([n]) * n:
        raise CryptoError("bad padding")
    return data[:-n]


class MessageCrypto:
    """Encrypt, decrypt and sign callback messages for one account.

    Args:
        token: The callback token configured on the platform.
        encoding_aes_key: The 43-character EncodingAESKey.
        receive_id: The AppID (Official Account) or CorpID (WeCom) carried inside each message.
    """

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise CryptoError("EncodingAESKey must be 43 characters")
        try:
            self._key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as e:
            raise CryptoError("EncodingAESKey is not base64") from e
        self.token = token
        self.receive_id = receive_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, *, random16: bytes | None = None) -> str:
        """The base64 ``Encrypt`` value for a message."""
        body = message.encode()
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(_pad(plain)) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        """The message inside an ``Encrypt`` value; :class:`CryptoError` when it is not ours."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as e:
            raise CryptoError("ciphertext is not base64") from e
        if not raw or len(raw) % 16:
            raise CryptoError("ciphertext length is not a multiple of the block size")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(raw) + decryptor.finalize())
        if len(plain) < 20:
            raise CryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        body, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(body) != length:
            raise CryptoError("message length field is wrong")
        if receive_id.decode(errors="replace") != self.receive_id:
            raise CryptoError("message is for another receive id")
        try:
            return body.decode()
        except UnicodeDecodeError as e:
            raise CryptoError("message is not UTF-8") from e

    def sign(self, timestamp: str, nonce: str, encrypted: str) -> str:
        """``msg_signature`` for an encrypted message."""
        return sha1_signature(self.token, timestamp, nonce, encrypted)

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bool:
        """True when ``msg_signature`` matches."""
        return signature_matches(msg_signature, self.token, timestamp, nonce, encrypted)
