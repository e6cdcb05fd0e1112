"""Which documented responses the run observed: operation x status code.

Every response the suite receives (Schemathesis' calls and the scenarios'
HTTP clients) is attributed to the documented operation it answered. The
table shows, per operation, each documented status as observed or not, and
any undocumented status that came back, and how many positive (valid)
cases were sent, reached a documented 2xx, or were withheld by the
read-only policy. Written as Markdown and JSON.

:meth:`Observations.verdict` is what makes a vacuous pass impossible: a
service whose operations were exercised but never answered a documented
2xx did not show that it works, whatever the checks said about its errors.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from conformance.specs import Operation, OperationIndex, ServiceSpec

__all__ = ["Observations", "Outcome", "Verdict"]


def is_documented_2xx(operation: Operation, status: int) -> bool:
    return 200 <= status < 300 and str(status) in operation.statuses


class Outcome(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"  # read-only run without data: nothing could succeed
    NOT_RUN = "NOT RUN"  # nothing of the service was exercised in this run


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one service showed, in this run, that its operations can succeed."""

    service: str
    outcome: Outcome
    problems: tuple[str, ...] = ()


@dataclass
class Observations:
    """Status codes seen per operation during one run."""

    services: tuple[ServiceSpec, ...]
    counts: dict[tuple[str, str], Counter[int]] = field(default_factory=dict)
    #: First request seen per undocumented (operation, status), for triage.
    examples: dict[tuple[str, str, int], str] = field(default_factory=dict)
    #: Positive (schema-valid) generated cases sent, and how many got a documented 2xx.
    positive: Counter[tuple[str, str]] = field(default_factory=Counter)
    positive_2xx: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Generated cases the read-only policy did not send (they would change state).
    withheld: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._index = OperationIndex(self.services)

    def record(self, operation: Operation, status: int, request: str | None = None) -> None:
        key = (operation.service, operation.operation_id)
        self.counts.setdefault(key, Counter())[status] += 1
        if request and str(status) not in operation.statuses:
            self.examples.setdefault((*key, status), request)

    def record_positive(self, operation: Operation, status: int) -> None:
        """A positive generated case was sent and answered ``status``."""
        key = (operation.service, operation.operation_id)
        self.positive[key] += 1
        if is_documented_2xx(operation, status):
            self.positive_2xx[key] += 1

    def withhold(self, operation: Operation) -> None:
        """A generated case was not sent: it would change state at a read-only target."""
        self.withheld[(operation.service, operation.operation_id)] += 1

    def verdict(self, service: ServiceSpec, *, inconclusive: bool) -> Verdict:
        """Did the run see ``service`` succeed? (``inconclusive``: a read-only run without
        data, where missing 2xx answers are INCONCLUSIVE rather than FAIL.)"""
        problems = []
        calls = reached = 0
        for operation in service.operations:
            key = (service.name, operation.operation_id)
            seen = self.counts.get(key, Counter())
            calls += sum(seen.values())
            successes = sum(n for code, n in seen.items() if is_documented_2xx(operation, code))
            reached += successes
            if self.positive[key] and not successes:
                problems.append(
                    f"{operation.operation_id} ({operation.label}): {self.positive[key]} "
                    f"positive cases sent, none answered a documented 2xx "
                    f"(seen: {_statuses(seen)})")
        if calls and not reached:
            problems.append(f"{service.name}: {calls} responses, not one documented 2xx")
        if not calls and not problems:
            withheld = sum(self.withheld[(service.name, op.operation_id)]
                           for op in service.operations)
            return Verdict(service.name, Outcome.NOT_RUN, (
                f"{withheld} cases withheld by the read-only policy",) if withheld else ())
        if not problems:
            return Verdict(service.name, Outcome.PASS)
        return Verdict(service.name, Outcome.INCONCLUSIVE if inconclusive else Outcome.FAIL,
                       tuple(problems))

    def record_response(self, response: httpx.Response) -> None:
        """Attribute a raw HTTP response to its operation, if it answered one."""
        operation = self._index.match(response.request.method, response.request.url.path)
        if operation is not None:
            request = response.request
            self.record(operation, response.status_code, f"{request.method} {request.url}")

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for service in self.services:
            for operation in service.operations:
                seen = self.counts.get((service.name, operation.operation_id), Counter())
                documented = [code for code in operation.statuses if code != "default"]
                rows.append({
                    "service": service.name, "operation_id": operation.operation_id,
                    "operation": operation.label,
                    "documented": {code: seen.get(int(code), 0) for code in documented
                                   if code.isdigit()},
                    "undocumented": {str(code): count for code, count in sorted(seen.items())
                                     if str(code) not in documented},
                    "undocumented_examples": {
                        str(code): self.examples[(service.name, operation.operation_id, code)]
                        for code in seen if (service.name, operation.operation_id, code)
                        in self.examples},
                    "calls": sum(seen.values()),
                    "positive": self.positive[(service.name, operation.operation_id)],
                    "positive_2xx": self.positive_2xx[(service.name, operation.operation_id)],
                    "withheld": self.withheld[(service.name, operation.operation_id)],
                })
        return rows

    def summary(self) -> tuple[int, int]:
        """(documented responses observed, documented responses) over all operations."""
        rows = self.rows()
        total = sum(len(row["documented"]) for row in rows)
        observed = sum(1 for row in rows for count in row["documented"].values() if count)
        return observed, total

    def markdown(self) -> str:
        observed, total = self.summary()
        lines = [
            "# Conformance coverage: documented responses observed",
            "",
            f"{observed} of {total} documented (operation, status) pairs were observed. "
            "`200 ✓12` = documented and seen 12 times; `404 ·` = documented, never seen; "
            "**undocumented** statuses are listed separately.",
            "",
            "`positive → 2xx` counts the schema-valid generated cases sent and those that got "
            "a documented 2xx; `withheld` the cases a read-only run did not send.",
            "",
            "| service | operation | calls | positive → 2xx | withheld | documented statuses "
            "| undocumented |",
            "|---|---|---:|---:|---:|---|---|",
        ]
        for row in self.rows():
            statuses = " ".join(f"{code} ✓{count}" if count else f"{code} ·"
                                for code, count in row["documented"].items())
            extra = ", ".join(f"**{code}** x{count}" for code, count in row["undocumented"].items())
            lines.append(f"| {row['service']} | `{row['operation_id']}` {row['operation']} | "
                         f"{row['calls']} | {row['positive']} → {row['positive_2xx']} | "
                         f"{row['withheld']} | {statuses} | {extra} |")
        return "\n".join(lines) + "\n"

    def terminal_lines(self) -> list[str]:
        observed, total = self.summary()
        lines = [f"documented responses observed: {observed}/{total}"]
        for row in self.rows():
            seen = [code for code, count in row["documented"].items() if count]
            missing = [code for code, count in row["documented"].items() if not count]
            text = f"  {row['service']:<8} {row['operation_id']:<20} {row['calls']:>5} calls  "
            text += f"positive {row['positive']:>3} → 2xx {row['positive_2xx']:>3}  "
            if row["withheld"]:
                text += f"withheld {row['withheld']}  "
            text += f"seen {','.join(seen) or '-'}"
            if missing:
                text += f"  never {','.join(missing)}"
            if row["undocumented"]:
                text += f"  UNDOCUMENTED {','.join(row['undocumented'])}"
            lines.append(text)
        return lines

    def write(self, markdown_path: Path) -> tuple[Path, Path]:
        """Write the Markdown table and a JSON twin beside it."""
        markdown_path.parent.mkdir(parents=True, exist_ok=True)
        markdown_path.write_text(self.markdown(), encoding="utf-8")
        json_path = markdown_path.with_suffix(".json")
        observed, total = self.summary()
        json_path.write_text(json.dumps({"observed": observed, "documented": total,
                                         "operations": self.rows()}, indent=1) + "\n",
                             encoding="utf-8")
        return markdown_path, json_path


def _statuses(seen: Counter[int]) -> str:
    return ", ".join(f"{code} x{count}" for code, count in sorted(seen.items())) or "nothing"
