"""The catalogue of finding codes and the `Finding` record.

Codes are stable: users silence, grep and document them. A code is never reused for another meaning.
Plans (P): P0xx reading the file; P1xx shape, ids and references; P2xx the meaning of targets and dates.
Progress files (D): D0xx reading the file; D1xx columns, keys and cells; D2xx records read together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable

from mubiao.errors import MubiaoError


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


@dataclass(frozen=True)
class Finding:
    """One problem at one place. `line` and `column` are 1-based (None when the file as a whole is meant)."""

    file: str
    line: int | None
    column: int | None
    code: str
    severity: Severity
    message: str

    def sort_key(self) -> tuple:
        """File, then position (a whole-file finding first), then code."""
        return (self.file, self.line or 0, self.column or 0, self.code, self.message)

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    def as_dict(self) -> dict:
        """The finding as JSON output: code, severity, message, file, line, column."""
        return {"code": self.code, "severity": self.severity.value, "message": self.message, "file": self.file,
                "line": self.line, "column": self.column}


@dataclass(frozen=True)
class CheckResult:
    """What `mubiao check` found: every file it read and every finding, sorted by file and position."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    others: int = 0
    """Tables outside any `data/` folder that a folder held and were not checked (mubiao's own outputs)."""

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)


def raise_first_error(findings: Iterable[Finding], error: type[MubiaoError], checked: object) -> None:
    """Raise `error` at the first error-level finding, if any, saying how many there are in all and which
    `mubiao check` lists them (`checked`: the file or folder to name). Warnings never raise."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        more = f";共 {len(errors)} 个错误,运行 mubiao check {checked} 查看全部" if len(errors) > 1 else ""
        raise error(f"{first.code} {first.message}{more}", file=first.file, line=first.line, column=first.column,
                    code=first.code)


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
        Rule("P218", "summary-template", _E, "指标的 summary 模板有语法错误或用了未知变量"),
        Rule("P219", "area-loop", _E, "区域的上级区域 (parent) 形成循环"),
        Rule("P220", "unknown-theme-item", _E, "[[themes]] 引用了未声明的任务或指标,或同一项归入两个部分"),
        Rule("P221", "bad-profile", _E, "pace = \"profile\" 的 profile 缺失、月数不对、下降或最后不是 100"),
        Rule("P222", "keep-not-level-or-ratio", _E, "form = \"keep\" 用在 level 和 ratio 以外的指标上,或带有 milestones"),
        Rule("P223", "bad-task-stage", _E, "督办事项的状态词重复,或节点的阶段不在 stages 中、是未开始的状态、比上一节点靠前"),
        Rule("P224", "bad-stretch", _E, "力争目标 (stretch) 不比目标更进一步,用在 milestone 上,或 range = true 没有 stretch"),
        Rule("P225", "bad-rule", _E, "[[rules]] 的规则不是一个比较式,引用了未声明的指标、milestone 或督办事项,或比较的指标没有共同报送的地区"),
        Rule("P226", "bad-departments", _E, "departments(每个处室的目标)用在按县报送的指标上"),
        Rule("P227", "bad-growth-or-stock", _E, "growth 与 target 并用、用在 milestone 上或累计数缺 last_year,last_year 没有 growth,stock 用在 count 以外,own_counts 用在按县报送的 count、ratio 以外"),
        Rule("D001", "unreadable", _E, "文件无法读取(不存在、为空、含 NUL 字节、CSV 格式错误或 xlsx 损坏)"),
        Rule("D002", "unknown-encoding", _E, "无法识别编码(可读:UTF-8、带 BOM 的 UTF-8/UTF-16、GB18030/GBK)"),
        Rule("D003", "no-plan", _E, "找不到文件所属的计划(应在 data/<计划编号>/ 下,且有 targets/<计划编号>.toml)"),
        Rule("D004", "plan-invalid", _E, "所属计划有错误,未检查这个进度文件"),
        Rule("D005", "archive-too-large", _E, "xlsx 解压后过大或压缩比异常,拒绝读取"),
        Rule("D007", "unreadable-format", _E, "无法读取的文件格式(WPS .et、Numbers、设置了密码的工作簿等),需另存为 xlsx 或 CSV"),
        Rule("D008", "not-a-table", _W, "数据目录中不是报表的文件(说明文档、图片等),未读取"),
        Rule("D009", "sheets-unread", _W, "工作簿中有多个带表头的工作表,只读取了第一个"),
        Rule("D006", "passed-over", _E, "未读取的文件:断开或循环的链接、指向工作区外的链接、链接的文件夹、管道或设备"),
        Rule("D101", "no-header", _E, "找不到表头:前 10 行没有指标编号列"),
        Rule("D102", "no-figure-column", _E, "没有完成值、分子、分母或完成日期列"),
        Rule("D103", "unknown-column", _W, "未知的列名,像是某个已知列名写错了(附建议),或文件没有完成值列时的任何未知列"),
        Rule("D104", "duplicate-column", _E, "两列对应同一字段,只读取第一列"),
        Rule("D105", "no-county", _E, "无法确定填报单位(没有县列,文件名也不是县的编号或名称)"),
        Rule("D106", "no-period", _E, "无法确定报告期(不在 YYYY-MM 目录下,也没有月份列)"),
        Rule("D107", "ragged-row", _E, "一行在表头之外还有单元格(多半是数字中的逗号把一格拆成了两格),这一行未读取"),
        Rule("D110", "unknown-indicator", _E, "计划中没有这个指标编号,或有数字的行缺少指标编号"),
        Rule("D111", "unknown-county", _E, "计划中没有这个县"),
        Rule("D112", "bad-period", _E, "月份无法识别"),
        Rule("D113", "period-outside-plan", _E, "月份不在计划期内"),
        Rule("D114", "path-disagrees", _E, "表内的县或月份与文件名、所在目录不一致"),
        Rule("D115", "county-reports-city-indicator", _E, "县报送了由市本级报送的指标(scope = \"city\")"),
        Rule("D116", "city-reports-county-indicator", _W, "市本级报送了按县报送的指标,不计入全市"),
        Rule("D117", "county-not-listed", _W, "县报送了只由其他县报送的指标(counties),不会被使用"),
        Rule("D120", "not-a-number", _E, "应为数字的单元格不是数字"),
        Rule("D121", "negative", _E, "累计数、分子或分母为负"),
        Rule("D122", "zero-denominator", _E, "分母为 0"),
        Rule("D123", "numerator-above-denominator", _W, "百分比指标的分子大于分母"),
        Rule("D124", "bare-ratio", _W, "比例指标只填了完成值,没有分子、分母,无法汇总到全市"),
        Rule("D125", "bad-done-flag", _E, "完成类指标的完成值不是完成标志(是/否、1/0)"),
        Rule("D130", "bad-task-stage", _E, "督办事项的完成值不是它的状态词之一(未启动、推进中、已完成等)"),
        Rule("D126", "bad-date", _E, "完成日期无法识别"),
        Rule("D127", "far-above-target", _W, "数值超过本县目标的 10 倍"),
        Rule("D128", "incomplete-ratio", _W, "比例指标只填了分子或分母中的一个"),
        Rule("D129", "number-read-leniently", _W, "完成值是约数(约30、30左右)或月数额(元/月,指标为元/年),已按说明读取"),
        Rule("D201", "conflicting-records", _E, "同一县、同一月份、同一指标有两条数字不同的记录"),
        Rule("D202", "repeated-record", _W, "同一县、同一月份、同一指标的记录重复出现"),
        Rule("D203", "cumulative-decrease", _W, "累计数比之前月份的少"),
        Rule("D205", "outlier", _W, "数字与本单位其他月份相差悬殊(稳健 z 分数大于 3.5,或是其他月份中位数的 10 倍)"),
        Rule("D206", "month-copied", _W, "一个单位某月的所有数字和备注与上月完全相同(可能是把上月的表改了月份)"),
        Rule("D207", "rule-broken", _W, "一个地区某月的数字不符合计划的校验规则 ([[rules]])"),
        Rule("D204", "two-files", _E, "同一单位同一月份有两个文件(如 婺城区.xlsx 和 wucheng.csv)"),
    )
}
