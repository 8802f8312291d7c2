"""Creating a store's tables when several server workers start at once."""

from __future__ import annotations

import logging
import time

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)


def create_tables(metadata: MetaData, engine: Engine, *, attempts: int = 5) -> None:
    """Create ``metadata``'s missing tables; a worker that loses the race to another one retries.

    ``create_all`` checks, then creates: two processes can both see a table missing, and the second
    ``CREATE TABLE`` fails with "already exists". On the retry the check finds the table and skips it.
    """
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            logger.info("tables are being created by another process; retrying")
            time.sleep(0.5 * (attempt + 1))
