"""Which documented responses the run observed: operation x status code.

Every response the suite receives (Schemathesis' calls and the scenarios'
HTTP clients) is attributed to the documented operation it answered. The
table shows, per operation, each documented status as observed or not, and
any undocumented status that came back. Written as Markdown and JSON.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from conformance.specs import Operation, OperationIndex, ServiceSpec

__all__ = ["Observations"]


@dataclass
class Observations:
    """Status codes seen per operation during one run."""

    services: tuple[ServiceSpec, ...]
    counts: dict[tuple[str, str], Counter[int]] = field(default_factory=dict)
    #: First request seen per undocumented (operation, status), for triage.
    examples: dict[tuple[str, str, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index = OperationIndex(self.services)

    def record(self, operation: Operation, status: int, request: str | None = None) -> None:
        key = (operation.service, operation.operation_id)
        self.counts.setdefault(key, Counter())[status] += 1
        if request and str(status) not in operation.statuses:
            self.examples.setdefault((*key, status), request)

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
            "| service | operation | calls | documented statuses | undocumented |",
            "|---|---|---:|---|---|",
        ]
        for row in self.rows():
            statuses = " ".join(f"{code} ✓{count}" if count else f"{code} ·"
                                for code, count in row["documented"].items())
            extra = ", ".join(f"**{code}** x{count}" for code, count in row["undocumented"].items())
            lines.append(f"| {row['service']} | `{row['operation_id']}` {row['operation']} | "
                         f"{row['calls']} | {statuses} | {extra} |")
        return "\n".join(lines) + "\n"

    def terminal_lines(self) -> list[str]:
        observed, total = self.summary()
        lines = [f"documented responses observed: {observed}/{total}"]
        for row in self.rows():
            seen = [code for code, count in row["documented"].items() if count]
            missing = [code for code, count in row["documented"].items() if not count]
            text = f"  {row['service']:<8} {row['operation_id']:<20} {row['calls']:>5} calls  "
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
