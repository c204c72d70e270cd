"""Every entry of the word list found in a text at once (Aho-Corasick, pyahocorasick)."""

from typing import NamedTuple

import ahocorasick

from .wordlist import Entry


class Match(NamedTuple):
    start: int
    end: int
    entry: Entry


class Matcher:
    """Finds the entries' wrong forms in a text: the leftmost, then longest, never overlapping."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self._automaton = ahocorasick.Automaton()
        for entry in entries:
            self._automaton.add_word(entry.wrong, entry)
        self._empty = not entries
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        if self._empty:
            return []
        found = [(end + 1 - len(entry.wrong), end + 1, entry) for end, entry in self._automaton.iter(text)]
        found.sort(key=lambda match: (match[0], -match[1]))
        matches: list[Match] = []
        for start, end, entry in found:
            if not matches or start >= matches[-1].end:
                matches.append(Match(start, end, entry))
        return matches
