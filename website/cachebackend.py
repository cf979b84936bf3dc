"""Django's Redis cache, made to degrade to a miss when Redis is down.

Django's ``RedisCache`` raises on every connection error, so a Redis outage would turn every
page into a 500. Here a read finds nothing, a write is dropped, and the site goes on from
the database: slower, never broken. What that costs while Redis is away:

- the page cache (website/cache.py) neither serves nor stores pages;
- allauth's rate limits and the forums' posting limits count nothing (``add`` says it
  stored, so allauth's lock is taken at once instead of answering 429 to everyone): they
  fail open for the length of the outage, as a memory cache after a restart would;
- Wagtail reads its site data from the database on each request.

After a failure the cache does not call Redis again for ``RETRY_AFTER`` seconds, so a Redis
that does not answer at all (packets dropped) costs one connect timeout per process and
period, not one per cache call. The outage is logged once, as a warning, and its end once.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Which servers are down, and until when no call is tried: shared by the cache objects of
# every thread of the process (Django makes one per thread).
_down_until = {}
_lock = threading.Lock()
_MISSING = object()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every call, which builds a table of
    some 170 response callbacks each time: a quarter of what a page-cache hit costs. One per
    connection pool is enough (a cache object belongs to one thread)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that answers as an empty cache while Redis cannot be reached."""

    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _call(self, fallback, method, *args, **kwargs):
        server = str(self._servers)
        until = _down_until.get(server)
        if until is not None and time.monotonic() < until:
            return fallback
        try:
            result = method(*args, **kwargs)
        except UNAVAILABLE as error:
            with _lock:
                first = server not in _down_until
                _down_until[server] = time.monotonic() + self.RETRY_AFTER
            if first:
                logger.warning(
                    "Redis cache unavailable (%s: %s): serving without a cache until it is back",
                    type(error).__name__,
                    error,
                )
            return fallback
        if until is not None:
            with _lock:
                back = _down_until.pop(server, None) is not None
            if back:
                logger.warning("Redis cache is back")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as if stored: allauth waits for a lock it takes with ``add``.
        return self._call(True, super().add, key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version=version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version=version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version=version)

    def incr(self, key, delta=1, version=None):
        result = self._call(_MISSING, super().incr, key, delta, version=version)
        if result is _MISSING:
            # What callers already handle for a key that expired: they set it instead.
            raise ValueError(f"Key '{key}' not found (Redis unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call([], super().set_many, data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version=version)

    def clear(self):
        return self._call(False, super().clear)
