"""The XAPI client: transports, connections, the live object cache, tasks. No Qt."""

from __future__ import annotations

from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.cachestate import CacheChange, CacheState
from xapiman.xapi.connection import Connection, MethodProxy
from xapiman.xapi.deadline import Deadline
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    AnswerTooLarge,
    CertificateChanged,
    CertificateRejected,
    ConnectionLost,
    ConnectionRefused,
    EventsLost,
    HandleInvalid,
    HostIsSlave,
    HttpError,
    MalformedResponse,
    NetworkError,
    NotConnected,
    OutcomeUnknown,
    RedirectLoop,
    SessionAuthenticationFailed,
    SessionInvalid,
    TaskCancelled,
    TaskLost,
    Timeout,
    TlsError,
    TransportError,
    UnexpectedContentType,
    XapiClientError,
    XapiError,
)
from xapiman.xapi.refs import NULL_REF, OpaqueRef, is_ref
from xapiman.xapi.state import ConnectionState, Limits, RetryPolicy, StateChange, Timeouts
from xapiman.xapi.tasks import TaskHandle, TaskTracker
from xapiman.xapi.tls import (
    CertificateInfo,
    fetch_certificate,
    fingerprint_of,
    normalize_fingerprint,
    pinned_context,
)
from xapiman.xapi.trust import CertificateQuestion, CertificateTrust

__all__ = [
    "NULL_REF",
    "AnswerTooLarge",
    "Deadline",
    "Limits",
    "CacheChange",
    "CacheState",
    "CertificateChanged",
    "CertificateInfo",
    "CertificateQuestion",
    "CertificateRejected",
    "CertificateTrust",
    "Connection",
    "ConnectionLost",
    "ConnectionRefused",
    "ConnectionState",
    "Endpoint",
    "EventsLost",
    "HandleInvalid",
    "HostIsSlave",
    "HttpError",
    "MalformedResponse",
    "MethodProxy",
    "NetworkError",
    "NotConnected",
    "ObjectCache",
    "OutcomeUnknown",
    "OpaqueRef",
    "RedirectLoop",
    "RetryPolicy",
    "SessionAuthenticationFailed",
    "SessionInvalid",
    "StateChange",
    "TaskCancelled",
    "TaskHandle",
    "TaskLost",
    "TaskTracker",
    "Timeout",
    "Timeouts",
    "TlsError",
    "TransportError",
    "UnexpectedContentType",
    "XapiClientError",
    "XapiError",
    "fetch_certificate",
    "fingerprint_of",
    "is_ref",
    "normalize_fingerprint",
    "pinned_context",
]
