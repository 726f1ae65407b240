"""JSON log lines for everything: our own structlog events and Django's stdlib logging alike."""

from __future__ import annotations

import logging

import structlog

SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure(level: str = "INFO") -> dict:
    """Configure structlog and return the LOGGING dict Django should use."""
    logging.captureWarnings(True)  # Python warnings become JSON lines (logger "py.warnings") like the rest
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": SHARED,
                "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                               structlog.processors.format_exc_info, structlog.processors.JSONRenderer()],
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Our access log line replaces Django's and the dev server's own request lines.
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
        },
    }


def gunicorn_logconfig(level: str = "INFO") -> dict:
    """gunicorn's own loggers (master, workers, signals) writing the same JSON lines to stderr."""
    config = configure(level)
    config["handlers"] = {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}}
    config["loggers"] = {
        "gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    }
    return config
