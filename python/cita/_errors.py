"""The exceptions cita raises. Each carries the library's one-line message,
the line the ``cita`` command prints after ``cita:``."""


class CitaError(Exception):
    """Base class of every error cita raises."""


class QueryError(CitaError, ValueError):
    """The query could not be read (``invalid query: …``, saying what and where)."""


class OptionError(CitaError, ValueError):
    """An option's value is invalid: a date, a year range, a language code,
    a sort order, a period, a snippet length of 0."""


class IndexNotFoundError(CitaError, FileNotFoundError):
    """No index exists at the path given (run :func:`cita.index` first)."""


class CorpusNotFoundError(CitaError, FileNotFoundError):
    """The corpus folder given to :func:`cita.index` does not exist or is not a folder."""


class IncompatibleIndexError(CitaError):
    """The folder holds an index built by an incompatible version of cita
    (rebuild it with ``cita.index(..., rebuild=True)``), or files that are
    not a cita index at all."""


class IndexLockedError(CitaError):
    """Another build (``cita index`` or :func:`cita.index`, in any process)
    is writing to the index: wait for it to finish."""


class DamagedIndexError(CitaError):
    """The index's files are damaged: rebuild it with ``rebuild=True``."""


class UnfinishedRunWarning(UserWarning):
    """Warned when an index is opened whose last build stopped before it
    finished (killed, interrupted) and none runs now: the index holds part
    of the corpus until a build finishes (``Stats.last_run_unfinished``)."""


class FileSystemError(CitaError, OSError):
    """Reading or writing a file failed, not because of cita's index: the
    index path is a file, a folder cannot be created or read, the disk is
    full. The message names the path and the system's reason."""


class ShardError(CitaError):
    """A search over shards (:mod:`cita.dist`) failed because shards
    failed or did not answer in time; ``shards`` lists their numbers and
    the message names each with its reason. Pass ``partial=True`` to get
    the answering shards' results instead."""

    def __init__(self, message: str, shards: "list[int]") -> None:
        super().__init__(message)
        #: The numbers of the shards that failed, ascending.
        self.shards = shards

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.args[0], self.shards))
