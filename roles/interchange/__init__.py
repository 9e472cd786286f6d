"""Matrix interchange: a track's matrix in and out of CareerFit as YAML, JSON or CSV
(docs/interchange.md). Import everything from here; each step of the pipeline is one module:

    read        files and text (YAML, JSON, CSV) -> data, with the line of every place
    validate    data -> a matrix document, or every problem with its place (checks, problems)
    csv_form    the CSV long form: requirements only, read onto a stored version, and written
    diff        two documents -> the changes, each one readable line
    apply       a document -> the track's draft in the database (import, publish)
    export      a stored version -> a document -> YAML, JSON or CSV text

The document itself (its shape, canonical order and content hash) is `roles.document`.
"""

from roles.document import MatrixDocument, document_hash
from roles.interchange.apply import (
    CREATED,
    PUBLISHED_DRAFT,
    REPLACED,
    UNCHANGED,
    ImportResult,
    import_document,
    replace_draft_content,
)
from roles.interchange.checks import FILE_MAX_BYTES
from roles.interchange.csv_form import CSV_HEADER, parse_csv
from roles.interchange.diff import Change, MatrixDiff, diff
from roles.interchange.export import FORMATS, content_hash, dump, export_version, to_file_form
from roles.interchange.problems import InterchangeError
from roles.interchange.read import parse_document, read_document
from roles.interchange.validate import validate_document

__all__ = [
    "CREATED",
    "CSV_HEADER",
    "FILE_MAX_BYTES",
    "FORMATS",
    "PUBLISHED_DRAFT",
    "REPLACED",
    "UNCHANGED",
    "Change",
    "ImportResult",
    "InterchangeError",
    "MatrixDiff",
    "MatrixDocument",
    "content_hash",
    "diff",
    "document_hash",
    "dump",
    "export_version",
    "import_document",
    "parse_csv",
    "parse_document",
    "read_document",
    "replace_draft_content",
    "to_file_form",
    "validate_document",
]
