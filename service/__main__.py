"""`python -m service`: start the HTTP server. Flags override the SUMMARIZER_* env vars."""

from __future__ import annotations

import argparse
import logging
import os
import sys

import uvicorn
from pydantic import ValidationError

from service.api.requestid import RequestIdFilter
from service.settings import Settings


def main(argv: list[str] | None = None, prog: str = "python -m service") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve the news summarizer. Every setting is also an env var SUMMARIZER_<NAME>.",
    )
    parser.add_argument("--host", help="bind address (SUMMARIZER_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (SUMMARIZER_PORT, default 8000)")
    parser.add_argument("--model", help="seq2seq checkpoint: hub id or directory (SUMMARIZER_MODEL)")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)
    overrides = {
        k: v
        for k, v in {
            "host": args.host,
            "port": args.port,
            "model": args.model,
            "log_level": args.log_level,
        }.items()
        if v is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        parser.error(
            "invalid settings:\n"
            + "\n".join(f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        )
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
    )
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    from service.api.app import create_app

    try:
        app = create_app(settings)
    except ImportError as exc:
        # The engine the settings ask for is not installed (build_engine says which and what to do).
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        # In-flight requests get this long to finish after SIGTERM.
        timeout_graceful_shutdown=30,
        # The app writes its own access lines, with the request id (service.api.requestid).
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
