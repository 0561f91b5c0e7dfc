"""Validation: every finding is a `Finding(code, severity, file, line, column, message)`."""

from mubiao.checks.findings import RULES, CheckResult, Finding, Rule, Severity

__all__ = ["RULES", "CheckResult", "Finding", "Rule", "Severity"]
