"""annot's exceptions, one tree; the CLI prints any of them as one line and exits 1.

AnnotError
 ├── ConfigError               annot.toml, environment, or saved connection is wrong or missing
 ├── SchemaError               a schema file does not load or does not describe a usable schema
 ├── ArticleError              an article file cannot be read or parsed
 ├── LabelStudioError          the Label Studio server failed, refused, or could not be reached (.status: HTTP or None)
 │    ├── AuthError            the API key was refused (401, 403)
 │    ├── NotFoundError        what was asked for is not there (404; also a project no listing has)
 │    └── AddressBlockedError  it refused to reach a private or loopback address (its SSRF guard, 403)
 ├── StudioError               the managed local Label Studio could not be started or stopped
 ├── ExportError               a file is not a readable Label Studio export or gold file (missing, not JSON, not tasks)
 ├── ValidationFailed          annotations do not fit the schema (and the caller asked to stop)
 ├── PublishError              the dataset could not be built, written or uploaded
 ├── ModelError                a model could not be trained, found or loaded
 ├── ServeError                annot serve (the ML backend) could not listen
 └── BusyError                 another annot run holds the lock on this project

Statuses are mapped to these classes once, where annot meets the server (`labelstudio.Server._translate`):
callers catch a class or read `.status`, never the message.
"""

from __future__ import annotations


class AnnotError(Exception):
    "Base of every error annot reports to a user."


class ConfigError(AnnotError):
    "Configuration or saved connection is wrong or missing."


class SchemaError(AnnotError):
    "A schema file does not load or does not describe a usable schema."


class ArticleError(AnnotError):
    "An article file cannot be read or parsed."


class LabelStudioError(AnnotError):
    """The Label Studio server failed, refused, or could not be reached.

    `status` is the HTTP status of the answer, None when there was none (no connection, a timeout).
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthError(LabelStudioError):
    "Label Studio refused the API key."


class NotFoundError(LabelStudioError):
    "Label Studio has no such project, task or page (404)."

    def __init__(self, message: str, status: int | None = 404) -> None:
        super().__init__(message, status)


class AddressBlockedError(LabelStudioError):
    "Label Studio refused to reach a private or loopback address (its SSRF guard answers 403; the key is fine)."


class StudioError(AnnotError):
    "The managed local Label Studio could not be started or stopped."


class ExportError(AnnotError):
    "A file is not a readable Label Studio export or gold file: missing, not JSON, or not shaped like tasks."


class ValidationFailed(AnnotError):
    "Annotations do not fit the schema."


class PublishError(AnnotError):
    "The dataset could not be built, written or uploaded."


class ModelError(AnnotError):
    "A model could not be trained (too few articles), found, or loaded."


class ServeError(AnnotError):
    "annot serve, the ML backend, could not listen on its host and port."


class BusyError(AnnotError):
    "Another annot run holds the lock on this project."
