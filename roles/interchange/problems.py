"""Problems found in a file, each with its place: `file:line: path: message`."""

from __future__ import annotations

# A place inside a document: keys and list indexes from the top, e.g. ("roles", 2, "rank").
Where = tuple[str | int, ...]


class InterchangeError(Exception):
    """A file that cannot be imported, with every problem found in it."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def report(self) -> str:
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        return f"{heading}; nothing was imported.\n" + "\n".join(self.problems)


class Problems:
    """Problems with their place: `file:line: path: message` (line where the file has one)."""

    def __init__(self, source: str, lines: dict[Where, int] | None = None):
        self.source = source
        self.lines = lines or {}
        self.messages: list[str] = []

    def add(self, where: Where, message: str, *, at: Where | None = None) -> None:
        line = self._line(where if at is None else at)
        place = self.source if line is None else f"{self.source}:{line}"
        path = path_text(where)
        self.messages.append(f"{place}: {path}: {message}" if path else f"{place}: {message}")

    def _line(self, where: Where) -> int | None:
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return None

    def raise_if_any(self) -> None:
        if self.messages:
            raise InterchangeError(self.messages)


def path_text(where: Where) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
