"""The JSON Schema (draft-07) of the plan TOML: the one description of its shape.

`mubiao check` validates with it (and maps each schema error to a stable finding code), `mubiao schema`
prints it, and `targets/plan.schema.json` is a committed copy that editors use through the `#:schema` line.
Rules that a schema cannot say (references, dates against the plan period, sums) live in `checks/plan.py`.
"""

from __future__ import annotations

import json
from typing import Any

PLAN_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
COUNTY_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
OWNER_ID_PATTERN = COUNTY_ID_PATTERN  # the contract is silent; owners are referenced like counties
GOAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
INDICATOR_ID_PATTERN = GOAL_ID_PATTERN

SCHEMA_ID = "https://mubiao.invalid/plan.schema.json"

_DATE = {"type": "string", "format": "date"}
_NUMBER = {"type": "number"}
_NUMBER_BY_COUNTY = {"type": "object", "additionalProperties": _NUMBER}


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _table(description: str, properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **extra,
    }


MILESTONE = _table(
    "阶段性目标(interim target)。",
    {
        "date": {**_DATE, "description": "到期日期,TOML 日期,不加引号,如 2021-06-30。"},
        "target": {**_NUMBER, "description": "该日期应达到的值。"},
    },
    ["date", "target"],
)

INDICATOR = _table(
    "指标:一个可衡量的目标。",
    {
        "id": _string("指标编号,全计划唯一,如 G03-centres。", pattern=INDICATOR_ID_PATTERN),
        "name": _string("指标名称。"),
        "kind": _string(
            "类型:count 累计数(全市求和)、level 水平值(全市取最差县)、ratio 比率(Σ分子/Σ分母)、milestone 节点任务(完成与否)。",
            enum=["count", "level", "ratio", "milestone"],
        ),
        "unit": _string("计量单位,如 家、元/年、%;milestone 可省略。"),
        "target": {**_NUMBER, "description": "目标值(全市);milestone 为 1。"},
        "direction": _string("increase 越大越好(默认),decrease 越小越好。", enum=["increase", "decrease"]),
        "baseline": {**_NUMBER, "description": "基期值(计划开始时的值),默认 0。"},
        "deadline": {**_DATE, "description": "完成时限,默认计划结束日期。"},
        "pace": _string(
            "序时进度:linear 按日线性(count/ratio 默认),step 到节点才要求(level/milestone 默认);扩展:none 只看期限"
            "(一次性、时间自定的工作,如四季度的省级评估),quarterly 按季度末的序时要求,profile 按 profile 给出的各月"
            "累计比例(季节性工作)。",
            enum=["linear", "step", "none", "quarterly", "profile"],
        ),
        "form": _string("扩展:目标的形式:reach 从基期值达到目标(默认);keep 始终保持在目标或更好(不低于、不超过、保持),"
                        "目标可以等于或低于现有水平(level 和 ratio)。", enum=["reach", "keep"]),
        "profile": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100},
                    "description": "扩展:pace = \"profile\" 时,从计划开始起每月月底应完成的累计比例(%),"
                                   "最后一项为期限所在的月,应为 100。"},
        "stretch": {**_NUMBER, "description": "扩展:力争目标(全市),与 target(确保完成的目标)并列报告,如“确保10个、"
                                             "力争15个”;与 range = true 一起表示区间的上限(“10-15个”)。"},
        "range": {"type": "boolean", "description": "扩展:目标是区间(“10-15个”):target 为下限(达到即完成),"
                                                   "stretch 为上限。"},
        "own_counts": {"type": "boolean", "description": "扩展:按县报送的 count 或 ratio 指标,市本级自己的数也计入全市"
                                                        "(市本级在 city.csv 报送):全市数 = 各县 + 市本级。"},
        "stock": {"type": "boolean", "description": "扩展:仅 count:报的是现有总数(含计划开始前已有的,如“全市居家养老服务站"
                                                   "达到400个”),不是计划开始以来的累计数;可以减少,分县基数写在 baselines。"},
        "growth": {**_NUMBER, "description": "扩展:目标写成比上年增长的百分数(“增长5%”写 5),代替 target:目标 = "
                                            "last_year(不写则为 baseline)×(1 + growth/100);写了 baselines 的,各县各按自己的基数。"},
        "last_year": {**_NUMBER, "description": "扩展:与 growth 一起用:上年的数(count 必填,如上年募集善款 1200 万元)。"},
        "departments": {"type": "array", "items": {"type": "string", "pattern": OWNER_ID_PATTERN}, "minItems": 1,
                        "description": "扩展:每个处室都要完成的指标(如“业务处室信息被录用数不少于4条”):target 是每个处室的"
                                       "目标,由市本级按处室分行报送,指标编号为 <编号>.<处室编号>。"},
        "owner": _string("责任处室编号,默认所属任务的责任处室。", pattern=OWNER_ID_PATTERN),
        "scope": _string("county 各县(市、区)报送(默认);city 由市本级报送一次。", enum=["county", "city"]),
        "source": _string("计划原文。"),
        "milestones": {
            "type": "array",
            "description": "阶段性目标,日期递增。",
            "items": MILESTONE,
        },
        "allocation": {**_NUMBER_BY_COUNTY, "description": "分县目标,键为县编号。"},
        "per_county": {**_NUMBER, "description": "每个县相同的目标。"},
        "baselines": {**_NUMBER_BY_COUNTY, "description": "分县基期值,键为县编号。"},
        "scale": {
            **_NUMBER,
            "exclusiveMinimum": 0,
            "description": "仅 ratio:100 表示百分比,10000 表示每万…,1 表示普通比值。",
        },
        "counties": {
            "type": ["array", "string"],
            "description": "扩展:只由这些县报送(默认全部县);\"allocated\" 表示只由 allocation 中列出的县报送。",
            "items": {"type": "string"},
            "pattern": "^allocated$",
        },
        "summary": _string("扩展:年度工作总结初稿中该指标的句子,jinja2 模板,如 "
                           "\"{{ area }}{{ name }}提高至{{ actual }}{{ unit }}。\"(变量见 docs/summary.md)。"),
    },
    ["id", "name", "kind"],
    **{"if": {"properties": {"kind": {"const": "milestone"}}},
       "else": {"if": {"required": ["growth"]}, "else": {"required": ["target"]}}},
)

NODE = _table(
    "督办事项的节点:到某日应达到的阶段。",
    {
        "date": {**_DATE, "description": "节点日期,TOML 日期,不加引号,如 2022-06-30。"},
        "stage": _string("到该日期应达到的阶段(状态词),如 完成方案;不在 stages 中的,按日期顺序排在 推进中 与 已完成 之间。",
                         minLength=1),
    },
    ["date", "stage"],
)

TASK = _table(
    "扩展:督办事项,没有数字的工作任务(推进…建设、深化…改革):按状态词(未启动、推进中、已完成)报送进展。",
    {
        "id": _string("事项编号,与指标编号一起全计划唯一,如 G01-dajiuzhu。", pattern=INDICATOR_ID_PATTERN),
        "name": _string("事项名称,如 构建“1+8+X”大救助体系。"),
        "owner": _string("责任处室编号,默认所属任务的责任处室。", pattern=OWNER_ID_PATTERN),
        "deadline": {**_DATE, "description": "完成时限,默认计划结束日期。"},
        "source": _string("计划原文。"),
        "milestones": {"type": "array", "description": "节点,日期递增。", "items": NODE},
        "stages": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 1},
                   "description": "状态词,从未开始到完成依次排列;默认 未启动、推进中、各节点的阶段、已完成。"},
        "counties": {
            "type": ["array", "string"],
            "description": "承担该事项的县(各自报送);\"all\" 表示所有县;不写则由市本级报送一次。",
            "items": {"type": "string"},
            "pattern": "^all$",
        },
        "summary": _string("年度工作总结初稿中该事项的句子,jinja2 模板(变量见 docs/summary.md)。"),
    },
    ["id", "name"],
)

GOAL = _table(
    "主要任务。",
    {
        "id": _string("任务编号,全计划唯一,如 G02。", pattern=GOAL_ID_PATTERN),
        "title": _string("任务标题(计划原文)。"),
        "owner": _string("牵头处室编号。", pattern=OWNER_ID_PATTERN),
        "indicators": {"type": "array", "description": "该任务的指标。", "items": INDICATOR},
        "tasks": {"type": "array", "description": "扩展:该任务的督办事项(没有数字的工作)。", "items": TASK},
    },
    ["id", "title"],
)

STATUS = _table(
    "状态阈值。",
    {
        "at_risk": {**_NUMBER, "minimum": 0, "description": "低于序时进度超过该百分点数即为有风险,默认 0。"},
        "behind": {**_NUMBER, "minimum": 0, "description": "低于序时进度超过该百分点数即为滞后,默认 20。"},
        "due_soon_days": {
            "type": "integer",
            "minimum": 0,
            "description": "按节点推进的指标距时限不足该天数且未完成即为有风险,默认 30。",
        },
    },
    [],
)

LEVELS = _table(
    "各级的称谓,用于所有输出;不写则按发文机关推定(…区民政局:全区、乡镇(街道)、镇街、区本级)。",
    {
        "whole": _string("全域的称谓:全市、全区、全县、全省。"),
        "units": _string("报送单位作标题或列名时的称谓:县(市、区)、乡镇(街道)、市(州)。"),
        "unit": _string("报送单位在句中的称谓:县、镇街、乡镇、市(如“滞后的县”“6/10 县完成”)。"),
        "own": _string("本级的称谓:市本级、区本级、县本级、省本级。"),
        "unit_bureaus": {"type": "boolean",
                         "description": "各报送单位是否有自己的民政局(县有,乡镇街道没有);决定分地区总结的标题和署名。"},
        "office": _string("本单位内设机构的称谓:处室(市、省),科室(区、县)。用于“责任处室”“分处室情况”。"),
        "middle": {"type": "array", "items": {"type": "string", "minLength": 1},
                   "description": "多级计划中间各级区域在句中的称谓,自上而下,如省级计划的 [\"市\"]。"},
    },
    [],
)

PLAN = _table(
    "计划本身。",
    {
        "id": _string("计划编号,与文件名相同,如 jinhua-2021。", pattern=PLAN_ID_PATTERN),
        "title": _string("计划标题,如 2021年全市民政工作要点。"),
        "organization": _string("发文机关,如 金华市民政局。"),
        "start": {**_DATE, "description": "计划开始日期。"},
        "end": {**_DATE, "description": "计划结束日期。"},
        "source": _string("计划出处(文号、发文日期)。"),
        "language": _string("报告与总结的语言。", enum=["zh", "en"]),
        "status": STATUS,
        "levels": LEVELS,
        "first_issue": {"type": "integer", "minimum": 1,
                        "description": "扩展:计划第一个月的通报期号;此后每月加一(first_issue = 1:6月的通报为第6期)。"
                                       "mubiao report --issue N 可临时指定。"},
        "due_day": {"type": "integer", "minimum": 1, "maximum": 28,
                    "description": "扩展:每月报表的报送截止日,次月的第几天(如 5:3月的报表 4月5日前报送);"
                                   "通报据 mubiao intake 记下的收到时间计算按时报送率。"},
    },
    ["id", "title", "organization", "start", "end"],
)

COUNTY = _table(
    "报送单位(县/市/区,或乡镇街道)。",
    {
        "id": {
            **_string("县编号;city 保留给市本级。", pattern=COUNTY_ID_PATTERN),
            "not": {"const": "city"},
        },
        "name": _string("县名称,如 婺城区。"),
        "parent": _string("扩展:所属的上级区域编号(省级计划中县所属的市);被其他区域引用为 parent 的区域不报送,"
                          "数据由其下级汇总。", pattern=COUNTY_ID_PATTERN),
    },
    ["id", "name"],
)

OWNER = _table(
    "责任处室(牵头处室/责任单位)。",
    {
        "id": _string("处室编号。", pattern=OWNER_ID_PATTERN),
        "name": _string("处室名称,如 社会救助处。"),
    },
    ["id", "name"],
)

THEME = _table(
    "扩展:年度总结的一个部分,把若干任务(和个别指标)归入总结用的标题下。",
    {
        "title": _string("部分标题,如 民生兜底保障水平持续提升;其下各项都完成时使用。"),
        "plain": _string("其下有未完成的事项时使用的标题,如 民生兜底保障(标题不说数字不支持的话)。"),
        "goals": {"type": "array", "description": "归入的任务编号。",
                  "items": {"type": "string", "pattern": GOAL_ID_PATTERN}},
        "indicators": {"type": "array", "description": "从其他任务归入的指标编号。",
                       "items": {"type": "string", "pattern": INDICATOR_ID_PATTERN}},
    },
    ["title"],
)

RULE = _table(
    "扩展:跨指标的校验规则(仿 DHIS2 的 validation rules),逐个地区、逐月检查报送的数字。",
    {
        "id": _string("规则编号,全计划唯一,如 R01。", pattern=GOAL_ID_PATTERN),
        "name": _string("规则的意思,如 低保户数不超过低保人数。"),
        "rule": _string("比较式:{指标编号}、数字、+ - * / 和括号,一个比较符号(<=、>=、==、!=、<、>),"
                        "如 \"{G02-dibao-hu} <= {G02-dibao-ren}\";比率的分子、分母写 {编号.numerator}、{编号.denominator}。"),
    },
    ["id", "rule"],
)

PLAN_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": SCHEMA_ID,
    "title": "mubiao plan",
    "description": "mubiao 计划文件(工作要点或规划)。见 docs/plan-format.md。",
    "type": "object",
    "properties": {
        "plan": PLAN,
        "counties": {"type": "array", "description": "报送单位。", "items": COUNTY},
        "owners": {"type": "array", "description": "责任处室。", "items": OWNER},
        "goals": {"type": "array", "description": "主要任务。", "items": GOAL},
        "themes": {"type": "array", "description": "扩展:年度总结的部分(见 docs/plan-format.md Themes)。",
                   "items": THEME},
        "rules": {"type": "array", "description": "扩展:跨指标的校验规则(见 docs/plan-format.md Validation rules)。",
                  "items": RULE},
    },
    "required": ["plan"],
    "additionalProperties": False,
}


def schema_json() -> str:
    """The schema as the text of `targets/plan.schema.json` (stable key order, trailing newline)."""
    return json.dumps(PLAN_SCHEMA, ensure_ascii=False, indent=2) + "\n"
