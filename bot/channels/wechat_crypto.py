"""WeChat message encryption, XML and callback plumbing, shared by the Official Account and WeCom.

Both channels import this module and never each other.

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
import logging
import os
import secrets
import struct
import time
from collections.abc import Awaitable, Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree as SafeET
from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from bot.channels.wechat_reply import WeChatRejected, text_reply_xml

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

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


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The child elements of a WeChat ``<xml>`` document as a flat dict.

    Raises:
        WeChatRejected: (400) for malformed XML, DTDs, entities or a non-``xml`` root.
    """
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception as e:  # ParseError and every defusedxml refusal
        raise WeChatRejected(400, "malformed XML") from e
    if root.tag != "xml":
        raise WeChatRejected(400, "root element is not <xml>")
    return {child.tag: (child.text or "").strip() for child in root}


def check_timestamp(timestamp: str, window_s: int) -> None:
    """Reject a missing, malformed or replayed (outside the window) timestamp with 403."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError) as e:
        raise WeChatRejected(403, "bad timestamp") from e
    if abs(time.time() - sent) > window_s:
        raise WeChatRejected(403, "timestamp outside the replay window")


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, refusing (413) anything above ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise WeChatRejected(413, "body too large")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise WeChatRejected(413, "body too large")
    return bytes(body)


def encrypted_envelope(crypto: MessageCrypto, xml: str, nonce: str | None = None) -> str:
    """A passive reply wrapped for safe mode: ``Encrypt``, ``MsgSignature``, ``TimeStamp``, ``Nonce``."""
    timestamp = str(int(time.time()))
    nonce = nonce or secrets.token_hex(8)
    encrypted = crypto.encrypt(xml)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{crypto.sign(timestamp, nonce, encrypted)}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def reply_response(fields: dict[str, str], content: str | None, crypto: MessageCrypto | None) -> Response:
    """The HTTP response for a message: ``success`` when there is nothing to say now, else passive XML."""
    if content is None:
        return PlainTextResponse("success")
    xml = text_reply_xml(fields.get("FromUserName", ""), fields.get("ToUserName", ""), content)
    if crypto is not None:
        xml = encrypted_envelope(crypto, xml)
    return Response(xml, media_type="application/xml")


def rejecting(handler: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """Turn :class:`WeChatRejected` into its 4xx response (no answer is computed)."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except WeChatRejected as e:
            logger.warning("rejected %s %s: %s", request.method, request.url.path, e.reason)
            return PlainTextResponse(e.reason, status_code=e.status)

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped
