"""The catalogue of finding codes and the `Finding` record.

Codes are stable: users silence, grep and document them. A code is never reused for another meaning.
P0xx: reading the file; P1xx: shape, ids and references; P2xx: the meaning of targets and dates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A kind of finding: its stable code, a short name, its severity and what it means."""

    code: str
    name: str
    severity: Severity
    summary: str


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. `line` and `column` are 1-based (None when the file as a whole is meant)."""

    file: str
    line: int | None
    column: int | None
    code: str
    severity: Severity
    message: str

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    def as_dict(self) -> dict:
        """The finding as JSON output: code, severity, message, file, line, column."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return {key: data[key] for key in ("code", "severity", "message", "file", "line", "column")}


@dataclass(frozen=True)
class CheckResult:
    """What `mubiao check` found: every file it read and every finding, sorted by file and position."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)


_E, _W = Severity.ERROR, Severity.WARNING

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("P001", "toml-syntax", _E, "TOML 语法错误(位置取自解析器)"),
        Rule("P002", "unreadable", _E, "文件无法读取,或不是 UTF-8 编码"),
        Rule("P003", "utf8-bom", _W, "文件以 UTF-8 BOM 开头;TOML 工具多不接受,应另存为无 BOM 的 UTF-8"),
        Rule("P101", "unknown-key", _E, "未知的键(附拼写建议)"),
        Rule("P102", "missing-key", _E, "缺少必填键"),
        Rule("P103", "wrong-type", _E, "值的类型不对(如数字加了引号、日期写成字符串)"),
        Rule("P104", "bad-id", _E, "编号不符合编号规则"),
        Rule("P105", "bad-value", _E, "值不在允许范围内(如 kind、direction、pace、scope、language、scale)"),
        Rule("P106", "duplicate-id", _E, "编号或县名称重复(任务、全计划的指标、县、处室)"),
        Rule("P107", "plan-id-mismatch", _E, "plan.id 与文件名不一致"),
        Rule("P108", "unknown-owner", _E, "引用了未声明的责任处室"),
        Rule("P109", "unknown-county", _E, "引用了未声明的县(allocation、baselines、counties)"),
        Rule("P110", "reserved-county", _E, "县编号 city 保留给市本级,不能声明为县"),
        Rule("P201", "period-reversed", _E, "计划开始日期不早于结束日期"),
        Rule("P202", "outside-period", _E, "完成时限或阶段性目标日期在计划期之外"),
        Rule("P203", "milestone-order", _E, "阶段性目标的日期未递增,或不早于完成时限"),
        Rule("P204", "milestone-away", _E, "阶段性目标背离目标值方向(比前一节点离目标更远)"),
        Rule("P205", "target-not-beyond-baseline", _W, "目标值未按指标方向超过基期值"),
        Rule("P206", "ratio-without-scale", _E, "ratio 指标缺少 scale"),
        Rule("P207", "percent-above-100", _E, "百分比指标的目标值(或阶段值、分县值)超过 100"),
        Rule("P208", "allocation-and-per-county", _E, "同时给出 allocation 和 per_county"),
        Rule("P209", "allocation-sum", _W, "count 指标的分县目标之和不等于全市目标"),
        Rule("P210", "milestone-target", _E, "milestone 指标的目标值不是 1"),
        Rule("P211", "no-owner", _W, "指标没有责任处室(自身和所属任务都未指定)"),
        Rule("P212", "no-unit", _W, "非 milestone 指标没有计量单位"),
        Rule("P213", "empty-goal", _W, "任务下没有指标"),
        Rule("P214", "scale-not-ratio", _W, "scale 只对 ratio 指标有意义"),
        Rule("P215", "county-keys-on-city-scope", _W, "scope = \"city\" 的指标带有分县设置,不会被使用"),
        Rule("P216", "thresholds-reversed", _E, "[plan.status] 中 behind 小于 at_risk"),
        Rule("P217", "no-counties", _W, "有按县报送的指标,但计划没有声明任何县"),
    )
}
