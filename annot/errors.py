"""annot's exceptions, one tree; the CLI prints any of them as one line and exits 1.

AnnotError
 ├── ConfigError        annot.toml, environment, or saved connection is wrong or missing
 ├── SchemaError        a schema file does not load or does not describe a usable schema
 ├── ArticleError       an article file cannot be read or parsed
 ├── LabelStudioError   the Label Studio server failed, refused, or could not be reached
 │    └── AuthError     the API key was refused
 ├── StudioError        the managed local Label Studio could not be started or stopped
 ├── ValidationFailed   annotations do not fit the schema (and the caller asked to stop)
 ├── PublishError       the dataset could not be built, written or uploaded
 └── BusyError          another annot run holds the lock on this project
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
    "The Label Studio server failed, refused, or could not be reached."


class AuthError(LabelStudioError):
    "Label Studio refused the API key."


class StudioError(AnnotError):
    "The managed local Label Studio could not be started or stopped."


class ValidationFailed(AnnotError):
    "Annotations do not fit the schema."


class PublishError(AnnotError):
    "The dataset could not be built, written or uploaded."


class BusyError(AnnotError):
    "Another annot run holds the lock on this project."
