"""``make_pdf``: chunked, deterministic, with progress, writes atomically."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.pdf.cli as cli
from simulator.pdf.decode import decode_pdf


def test_chunks_and_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "CHUNK", 3)
    calls: list[tuple[int, int]] = []
    out = tmp_path / "tickets.pdf"
    cli.make_pdf(7, "SeatGeek", 42, out, lambda done, total: calls.append((done, total)))
    assert calls == [(3, 7), (6, 7), (7, 7)]
    tickets = decode_pdf(out.read_bytes())
    assert len(tickets) == 7
    assert {t.producer for t in tickets} == {"SeatGeek"}
    assert all(t.barcodes for t in tickets)
    assert not list(tmp_path.glob("*.part"))


def test_same_seed_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "CHUNK", 2)
    cli.make_pdf(5, None, 7, tmp_path / "a.pdf", None)
    cli.make_pdf(5, None, 7, tmp_path / "b.pdf", None)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_a_single_chunk_is_written_directly(tmp_path: Path) -> None:
    cli.make_pdf(2, "axs", 1, tmp_path / "one.pdf", None)
    assert [t.producer for t in decode_pdf((tmp_path / "one.pdf").read_bytes())] == ["AXS", "AXS"]


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        cli.make_pdf(0, None, 1, tmp_path / "x.pdf", None)
    with pytest.raises(ValueError, match="unknown producer"):
        cli.make_pdf(1, "Nobody", 1, tmp_path / "x.pdf", None)
    assert not (tmp_path / "x.pdf").exists()
