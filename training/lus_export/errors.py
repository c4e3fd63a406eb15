"""Errors the exporter raises: each says what is wrong and what the user can do about it."""


class ExportError(Exception):
    """A problem with the user's model, checkpoint or options; the message is meant to be shown as is."""


class UnsupportedArchitectureError(ExportError):
    pass


class UnsupportedLayerError(ExportError):
    pass


class CheckpointError(ExportError):
    pass


class ClassCountMismatchError(CheckpointError):
    pass


class ParityError(ExportError):
    """The emitted graph does not compute what the PyTorch model computes."""
