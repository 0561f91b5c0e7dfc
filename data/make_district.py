"""Writes the district sample `data/wucheng-2022/` (see data/README.md): a year (2022-01 … 2022-12) of monthly
returns of the 18 乡镇(街道) of `targets/wucheng-2022.toml` (金华市婺城区民政局 2022年工作思路, seed 004 part 二)
and of 区本级. The plan's targets are the document's; **every figure below is invented**, for illustration: the
tables are the figures, and nothing is drawn at random, so running it twice writes byte-identical files.

    .venv/bin/python data/make_district.py

The files are the filled-in monthly form as `mubiao form` writes it for this plan (header `乡镇(街道),月份,…,
本镇街目标,…`, the reference columns 本镇街目标/上次填报/填报说明 exactly as the form shows them), UTF-8 with BOM,
`\\r\\n` line ends. Storylines: most townships on pace; 琅琊镇 (langya) and 汤溪镇 (tangxi) behind on several
counts, with notes giving the cause and the measure; 长山乡 (changshan) never sent its 2022-08 return.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "cli"))

from mubiao.forms import headers, instructions, period_label  # noqa: E402
from mubiao.models import Indicator, Kind, Scope  # noqa: E402
from mubiao.numbers import format_number  # noqa: E402
from mubiao.readers.plan import load_plan  # noqa: E402

PLAN_PATH = REPO / "targets" / "wucheng-2022.toml"
ROOT = REPO / "data" / "wucheng-2022"
YEAR = 2022
MONTHS = range(1, 13)
CITY = "city"

BEHIND = ("langya", "tangxi")
#: 长山乡 never sent its August return.
NOT_SENT = {("changshan", 8)}

D = dt.date

# ------------------------------------------------------------------------------------------------ the figures
#: Counts whose target is 1 per township: the month the one is done (cumulative 0 before, 1 from then on);
#: None: not done by December.
DONE_MONTH: dict[str, dict[str, int | None]] = {
    "G01-ertongzhijia": {"chengbei": 4, "xinshi": 5, "yafan": 3, "andi": 6, "langya": None, "tangxi": 10,
                         "luobu": 5, "changshan": 7},
    "G04-qinglian-shiji": {"chengdong": 6, "chengzhong": 9, "jiangnan": 5, "xiguan": 11},
    "G04-qinglian-quji": {"chengxi": 6, "chengbei": 5, "sanjiang": 7, "xinshi": 6, "luodian": 4, "tangxi": 12},
    "G04-shegongzhan": {"chengxi": 3, "chengbei": 4, "xinshi": 5, "yafan": 4, "andi": 6, "langya": 11,
                        "jiangtang": 5, "tangxi": 9, "luobu": 6, "yangbu": 7, "changshan": 6},
}
#: 新增认知障碍照护专区床位, cumulative, January to December.
RENZHI = {
    "chengdong": [0, 0, 0, 0, 6, 6, 6, 12, 12, 12, 12, 12],
    "jiangnan": [0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    "sanjiang": [0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8],
    "bailongqiao": [0, 0, 0, 0, 0, 5, 5, 10, 10, 10, 10, 12],
    "tangxi": [0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4],
}
#: 新增持证社工: the 2022 exam's results came out in September; (September, December), cumulative, with the
#: months between stepping evenly (certificates registered late) and nothing before September.
CHIZHENG = {
    "chengdong": (46, 53), "chengzhong": (44, 47), "chengxi": (40, 45), "chengbei": (41, 46),
    "jiangnan": (58, 64), "xiguan": (36, 41), "sanjiang": (43, 45), "xinshi": (37, 42), "luodian": (27, 31),
    "yafan": (23, 26), "andi": (18, 20), "bailongqiao": (32, 36), "langya": (10, 12), "jiangtang": (22, 25),
    "tangxi": (18, 22), "luobu": (19, 21), "yangbu": (12, 14), "changshan": (8, 10),
}
#: 每万老年人持证养老护理员: 老年人口 (60周岁以上) per township. Caregivers are certified in two batches (the
#: spring class in April, the autumn class in September): by default enough for 18, 19.2 and 20.2 per 10,000
#: (rounded up) in January–March, April–August and September–December.
ELDERLY = {
    "chengdong": 11200, "chengzhong": 8400, "chengxi": 7500, "chengbei": 9100, "jiangnan": 12600, "xiguan": 6500,
    "sanjiang": 6900, "xinshi": 5800, "luodian": 5100, "yafan": 4600, "andi": 3500, "bailongqiao": 6200,
    "langya": 4100, "jiangtang": 4900, "tangxi": 7900, "luobu": 4300, "yangbu": 3700, "changshan": 2600,
}
HULI_RATES = (18, 19.2, 20.2)
#: Townships whose caregivers are not the default: (January–March, April–August, September–December).
HULIYUAN = {"langya": (7, 7, 7), "yangbu": (7, 7, 7)}


def caregivers(cid: str, m: int) -> int:
    batches = HULIYUAN.get(cid) or tuple(-(-ELDERLY[cid] * round(rate * 10) // 100000) for rate in HULI_RATES)
    return batches[0 if m < 4 else 1 if m < 9 else 2]


#: 建有节地生态安葬点: the day it was done; the 13 built before 2022 report 是 with that date from January.
ANZANGDIAN: dict[str, D | None] = {
    "chengdong": D(2019, 11, 20), "chengzhong": D(2019, 11, 20), "chengxi": D(2020, 6, 18),
    "chengbei": D(2020, 6, 18), "jiangnan": D(2019, 4, 2), "xiguan": D(2020, 10, 29), "sanjiang": D(2021, 3, 25),
    "xinshi": D(2022, 6, 17), "luodian": D(2020, 12, 8), "yafan": D(2022, 9, 8), "andi": D(2021, 4, 1),
    "bailongqiao": D(2021, 9, 16), "langya": None, "jiangtang": D(2020, 11, 12), "tangxi": D(2022, 12, 20),
    "luobu": D(2021, 11, 3), "yangbu": D(2021, 6, 10), "changshan": D(2022, 5, 26),
}
#: 集中补领婚姻登记证巡回咨询服务点: the bureau's rotation, a township every two weeks from 蒋堂镇 (the 2021 pilot).
BULING = dict(zip(
    ["jiangtang", "luodian", "andi", "yafan", "langya", "tangxi", "luobu", "yangbu", "changshan", "bailongqiao",
     "chengdong", "chengzhong", "chengxi", "chengbei", "jiangnan", "xiguan", "sanjiang", "xinshi"],
    [D(2022, 2, 23), D(2022, 3, 9), D(2022, 3, 23), D(2022, 4, 6), D(2022, 4, 20), D(2022, 5, 11),
     D(2022, 5, 25), D(2022, 6, 8), D(2022, 6, 22), D(2022, 7, 6), D(2022, 7, 20), D(2022, 8, 3),
     D(2022, 8, 17), D(2022, 8, 31), D(2022, 9, 14), D(2022, 9, 28), D(2022, 10, 19), D(2022, 11, 2)]))

#: 区本级 milestones: the day each was done (None: not done in 2022).
CITY_DONE: dict[str, D | None] = {
    "G01-tekun": D(2022, 7, 1), "G01-canbu": D(2022, 4, 1), "G02-zhihui-yanglaoyuan": D(2022, 11, 25),
    "G02-fuliyuan": D(2022, 12, 16), "G03-jidi": D(2022, 9, 5), "G03-fenhui": D(2022, 10, 20),
    "G04-shiyanqu": D(2022, 6, 28), "G04-dangqun": None, "G05-zhuanxiangzhai": D(2022, 12, 28),
    "G05-anzang-zhidu": D(2022, 8, 15), "G05-binzang-xitong": D(2022, 10, 31), "G05-gongfu": D(2022, 5, 20),
    "G05-hunyin5a": D(2022, 11, 18), "G05-quhua": D(2022, 6, 30), "G05-diming": D(2022, 9, 30),
}
#: 区本级 counts and levels, January to December.
CITY_SERIES = {
    "G01-dibao": [10800] * 6 + [11000] * 6,  # raised from 1 July
    "G01-guer": [22524] * 12,  # 1877元/月 × 12, the 2021 standard, already above 21000
    "G04-huiketing": [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2],
    "G04-chuangtou": [0, 0, 0, 12, 12, 12, 12, 12, 12, 12, 12, 12],
}
#: 移民项目产业转型升级资金 / 项目扶持资金 (万元): none before the projects were set in April, a second batch in September.
YIMIN = [None, None, None, (1236, 2310), (1236, 2310), (1236, 2310), (1236, 2310), (1236, 2310), (1498, 2786),
         (1498, 2786), (1498, 2786), (1498, 2786)]

# ------------------------------------------------------------------------------------------------ the notes
#: (area, indicator) -> {month: note}; a note given for a range of months is repeated in each.
def _span(first: int, last: int, text: str) -> dict[int, str]:
    return {m: text for m in range(first, last + 1)}


NOTES: dict[tuple[str, str], dict[int, str]] = {
    # 琅琊镇: behind
    ("langya", "G01-ertongzhijia"): {
        **_span(6, 8, "原选址村因场地产权问题无法使用,正在重新选址;已与镇中心村对接新场地"),
        **_span(9, 11, "新址场地已落实,正在装修,计划12月建成"),
        12: "装修因设备采购延后未完工,未完成年度任务;已督促施工方加快进度,计划2023年1月建成投用"},
    ("langya", "G04-shegongzhan"): {
        **_span(6, 10, "专职社工两次招聘均未招满,站点暂缓挂牌;已委托区社工机构派驻社工"),
        11: "区社工机构派驻2名社工到岗,社会工作站11月挂牌运行"},
    ("langya", "G04-chizheng"): {
        9: "本镇报考23人,通过10人,落后于20人任务:报考人数少;已动员村社干部报名2023年考试",
        12: "全年新增持证12人,未完成20人任务;2023年组织考前辅导班"},
    ("langya", "G02-huliyuan"): {
        6: "春季培训班本镇报名2人均未通过等级认定;已组织报名秋季班",
        12: "秋季班通过1人、离职1人,持证护理员仍为7人,未达每万老年人20人;2023年春季班已报名3人"},
    ("langya", "G05-anzangdian"): {
        **_span(4, 11, "原选址涉及林地,需调整选址;新址用地报批中"),
        12: "新址用地预审已通过,未能年内建成;计划2023年6月前建成投用"},
    # 汤溪镇: behind
    ("tangxi", "G01-ertongzhijia"): {
        **_span(6, 9, "所选村社活动中心改造与文化礼堂项目同步施工,工期顺延;已明确10月底前完工"),
        10: "示范型儿童之家建成并投入使用"},
    ("tangxi", "G02-renzhi"): {
        **_span(6, 9, "镇中心敬老院改造受疫情影响停工两个月,进度滞后;已调整施工计划"),
        10: "首批4张认知障碍照护床位投入使用,其余6张待消防验收",
        12: "6张床位消防验收未通过,未完成10张任务;整改后2023年一季度投用"},
    ("tangxi", "G04-shegongzhan"): {
        **_span(6, 8, "站点用房与镇便民服务中心改造同步,工程延期"),
        9: "社会工作站挂牌运行"},
    ("tangxi", "G04-qinglian-quji"): {
        **_span(9, 11, "创建材料按区里反馈意见整改中,计划12月验收"),
        12: "通过区级清廉社区示范点验收"},
    ("tangxi", "G04-chizheng"): {
        9: "通过考试18人,落后于30人任务:村社干部报考率低",
        12: "全年新增持证22人,未完成30人任务;2023年组织考前培训、落实考试奖励"},
    ("tangxi", "G05-anzangdian"): {
        **_span(6, 11, "安葬点二期工程施工中,计划年底完工"),
        12: "节地生态安葬点12月20日建成投用"},
    # 长山乡: the missing August return
    ("changshan", "G01-ertongzhijia"): {9: "8月报表因经办人员调整未报送,本月一并更新"},
    # others: a few progress notes
    ("chengdong", "G02-renzhi"): {5: "区社会福利院认知障碍照护专区一期6张床位投入使用",
                                  8: "二期6张床位投入使用,完成12张任务"},
    ("jiangnan", "G02-renzhi"): {4: "辖区养老机构认知障碍照护专区10张床位投入使用"},
    ("bailongqiao", "G02-renzhi"): {12: "镇敬老院新增2张,全年新增12张,超额完成"},
    ("chengzhong", "G04-qinglian-shiji"): {_m: "创建材料已报市里,待验收" for _m in (6, 7, 8)},
    ("xiguan", "G04-qinglian-shiji"): {_m: "示范点阵地建设中,计划11月迎接市级验收" for _m in (8, 9, 10)},
    ("yangbu", "G04-chizheng"): {12: "全年新增持证14人,差1人完成任务"},
    ("yangbu", "G02-huliyuan"): {12: "持证护理员7人,每万老年人18.9人,未达20人;2023年春季班已报名2人"},
}
#: What a count row says in the month its figure rises, when no other note is given.
DONE_NOTE = {
    "G01-ertongzhijia": "示范型儿童之家建成并通过验收",
    "G04-qinglian-shiji": "通过市级清廉社区示范点验收",
    "G04-qinglian-quji": "通过区级清廉社区示范点验收",
    "G04-shegongzhan": "社会工作站挂牌运行,配备专职社工2名",
}
CITY_NOTES: dict[str, dict[int, str]] = {
    "G01-dibao": {7: "自7月1日起全区低保标准提高至11000元/年"},
    "G01-tekun": {7: "自7月1日起城乡特困人员基本生活标准统一执行"},
    "G01-guer": {1: "机构养育孤儿基本生活费1877元/月(2021年标准),折合22524元/年,已高于21000元"},
    "G01-canbu": {4: "残疾人两项补贴发放职能4月1日起承接到位,首月发放无差错"},
    "G02-zhihui-yanglaoyuan": {**_span(8, 10, "智慧化设备安装调试中,计划11月投用"), 11: "智慧公办养老院11月25日投用"},
    "G02-fuliyuan": {**_span(5, 11, "环境改造工程施工中"), 12: "改造工程12月16日通过竣工验收"},
    "G03-jidi": {9: "中华慈善日当天区慈善文化基地获评全省示范性慈善基地"},
    "G03-fenhui": {10: "罗店镇慈善分会获评省级示范型慈善分会"},
    "G04-shiyanqu": {6: "市级社区治理和服务实验区中期评估完成"},
    "G04-huiketing": {5: "首个城乡社区“居民会客厅”建成", 10: "第二个“居民会客厅”建成"},
    "G04-chuangtou": {4: "2022年度公益创投立项12个服务项目"},
    "G04-dangqun": {**_span(9, 11, "已向省里申报,评审结果待公布"),
                    12: "省级评审未入选;对照评审意见完善阵地和制度,2023年继续争创"},
    "G05-zhuanxiangzhai": {**_span(4, 10, "主体工程施工中"), 11: "工程进入扫尾阶段", 12: "12月28日完成竣工验收"},
    "G05-anzang-zhidu": {8: "印发安葬点管理制度"},
    "G05-binzang-xitong": {10: "殡葬领域设施管理服务系统上线运行"},
    "G05-yimin-chanye": {4: "下达2022年度移民项目,产业转型升级资金1236万元,占53.5%",
                         9: "下达第二批项目,累计产业转型升级资金1498万元,占53.8%"},
    "G05-gongfu": {5: "已申报省级共同富裕示范项目1个"},
    "G05-hunyin5a": {**_span(6, 10, "婚姻登记中心改造施工中"), 11: "11月18日通过国家5A级婚姻登记机关评定"},
    "G05-quhua": {6: "岭上乡撤销后续工作全部完成"},
    "G05-diming": {9: "标准地名地址库数据采集完成并入库"},
}


#: 区本级 tasks (督办事项): the month the work started and the day it was done (None: not done in 2022), and what
#: the bureau wrote under 进展情况 (备注) in some months. Before the start the task is 未启动, then 推进中, 已完成.
TASKS: dict[str, tuple[int, D | None, dict[int, str]]] = {
    "G01-dajiuzhu": (1, D(2022, 11, 30), {3: "制定“1+8+X”大救助体系建设方案,明确8个部门职责",
                                          11: "“1+8+X”大救助体系运行,部门联审联办"}),
    "G01-fuhe": (1, D(2022, 12, 20), {6: "上半年完成低保、特困对象复核,动态调整", 12: "全年定期复核全部完成"}),
    "G01-xinmoshi": (2, D(2022, 10, 31), {10: "“物质+服务”救助覆盖全部镇街,“幸福码”场景上线"}),
    "G01-shehui-liliang": (3, D(2022, 12, 15), {12: "购买社会救助服务项目3个,覆盖调查核实和精神慰藉"}),
    "G01-ertong-guanai": (1, D(2022, 12, 31), {12: "全年走访留守儿童和困境儿童,建档立卡全覆盖"}),
    "G02-pingtai": (1, D(2022, 9, 30), {9: "区级智慧养老服务平台升级完成,接入居家养老服务中心运行数据"}),
    "G02-jigou-guifan": (2, D(2022, 8, 31), {8: "印发养老机构管理制度汇编,开展服务质量检查"}),
    "G02-zhongxin-kaohe": (3, D(2022, 11, 30), {11: "居家养老服务中心运行考核细则印发,山区乡镇中心纳入考核"}),
    "G02-guozi": (4, None, {**_span(4, 11, "与区属国企对接城区居家养老服务中心运营事宜"),
                           12: "国资运营方案已拟定,待区政府研究;2023年上半年推动落地"}),
    "G02-shifan-zhongxin": (3, D(2022, 10, 31), {10: "区级示范型居家养老照料中心改造提升完工"}),
    "G02-shilaohua": (1, D(2022, 12, 31), {12: "全年完成困难老年人家庭适老化改造,常态化开展"}),
    "G02-peixun": (3, D(2022, 11, 30), {11: "举办养老护理员培训班4期,组织等级认定"}),
    "G03-duoyuan": (1, D(2022, 12, 31), {12: "镇街慈善分会18家、村社慈善工作站全覆盖,三级网络建成"}),
    "G03-yunzuo": (2, D(2022, 12, 31), {12: "孵化慈善组织5家,包装品牌项目8个"}),
    "G03-zhuxue": (1, D(2022, 9, 30), {9: "低保家庭助学慈善项目资助学生全部发放到位"}),
    "G03-xintuo": (3, D(2022, 9, 5), {9: "中华慈善日“幸福婺城”慈善信托设立"}),
    "G03-xuanchuan": (8, D(2022, 9, 30), {9: "中华慈善日、“慈善一日捐”期间推广“婺城慈善”小程序"}),
    "G03-pingtai": (4, D(2022, 12, 31), {12: "区慈善文化基地服务功能提升,综合平台运行"}),
    "G03-wushe": (5, D(2022, 12, 31), {12: "慈善+“五社”联动机制在全部镇街运行"}),
    "G04-houchen": (1, D(2022, 12, 31), {12: "村(居)务公开目录规范,全区村社按季公开"}),
    "G04-sheshi": (3, D(2022, 12, 31), {12: "社区配套用房空间布局优化方案完成"}),
    "G04-yizhanyitese": (4, D(2022, 12, 31), {12: "社会工作站全覆盖,形成“一站一特色”服务品牌"}),
    "G04-fuhua": (2, D(2022, 12, 31), {12: "社会组织培育孵化中心全年孵化项目12个,示范平台建成"}),
    "G04-kaoshi": (4, D(2022, 9, 30), {6: "考试报名组织完成", 9: "2022年社会工作者职业水平考试组织完成"}),
    "G05-huimin-binzang": (1, D(2022, 12, 31), {12: "惠民殡葬提标扩面落实,殡葬领域巡查全年开展"}),
    "G05-binzang-changjing": (6, D(2022, 11, 30), {11: "殡葬服务设施审批、年检年审应用场景上线"}),
    "G05-meili-jiayuan": (2, D(2022, 12, 31), {12: "水库移民美丽家园建设完成年度任务,“飞地抱团”项目2个"}),
    "G05-chuangye": (3, D(2022, 10, 31), {10: "物业经济实施细则印发"}),
    "G05-hunsu": (3, D(2022, 12, 31), {12: "婚俗改革宣传进村社,补领证试点覆盖全部镇街"}),
    "G05-diming-guihua": (5, D(2022, 12, 31), {12: "地名规划修编完成,与金华市区一体化衔接"}),
}


def task(task_id: str, m: int) -> Rec:
    start, done, _ = TASKS[task_id]
    if done is not None and (done.year, done.month) <= (YEAR, m):
        return Rec("已完成", done_on=done)
    return Rec("推进中" if m >= start else "未启动")


# ------------------------------------------------------------------------------------------------ the records
class Rec:
    """One row's figures: value (a number or 是/否), numerator and denominator, done date, note."""

    def __init__(self, value=None, num=None, den=None, done_on=None, note=""):
        self.value, self.num, self.den, self.done_on, self.note = value, num, den, done_on, note

    @property
    def blank(self) -> bool:
        return self.value is None and self.num is None and self.den is None


def step(first: int, last: int, n: int, months: int) -> int:
    """Evenly from `first` (month 0) to `last` (month `months`), rounding down: integer steps that never fall."""
    return first + (last - first) * n // months


def milestone(done: D | None, m: int) -> Rec:
    if done is not None and (done.year, done.month) <= (YEAR, m):
        return Rec("是", done_on=done)
    return Rec("否")


def township(cid: str, ind: Indicator, m: int) -> Rec:
    if ind.id in DONE_MONTH:
        month = DONE_MONTH[ind.id][cid]
        return Rec(1 if month is not None and m >= month else 0)
    if ind.id == "G02-renzhi":
        return Rec(RENZHI[cid][m - 1])
    if ind.id == "G04-chizheng":
        sep, dec = CHIZHENG[cid]
        return Rec(0 if m < 9 else step(sep, dec, m - 9, 3))
    if ind.id == "G02-huliyuan":
        return Rec(num=caregivers(cid, m), den=ELDERLY[cid])
    if ind.id == "G05-anzangdian":
        return milestone(ANZANGDIAN[cid], m)
    if ind.id == "G05-buling":
        return milestone(BULING[cid], m)
    raise KeyError(ind.id)


def district(ind: Indicator, m: int) -> Rec:
    if ind.is_task:
        return task(ind.id, m)
    if ind.kind is Kind.MILESTONE:
        return milestone(CITY_DONE[ind.id], m)
    if ind.id == "G05-yimin-chanye":
        pair = YIMIN[m - 1]
        return Rec() if pair is None else Rec(num=pair[0], den=pair[1])
    return Rec(CITY_SERIES[ind.id][m - 1])


def series(plan) -> dict[tuple[str, str], dict[int, Rec]]:
    """(area, indicator) -> {month: record}, for every area and indicator it reports, every month."""
    out: dict[tuple[str, str], dict[int, Rec]] = {}
    for ind in plan.indicators:
        if ind.scope is Scope.CITY:
            out[(CITY, ind.id)] = {m: district(ind, m) for m in MONTHS}
            for m, text in (TASKS[ind.id][2] if ind.is_task else CITY_NOTES.get(ind.id, {})).items():
                out[(CITY, ind.id)][m].note = text
            continue
        for county in plan.reporting_counties(ind):
            recs = {m: township(county.id, ind, m) for m in MONTHS}
            notes = NOTES.get((county.id, ind.id), {})
            for m in MONTHS:
                prev = recs.get(m - 1)
                if m in notes:
                    recs[m].note = notes[m]
                elif ind.kind is Kind.COUNT and ind.id in DONE_NOTE and prev and recs[m].value > prev.value:
                    recs[m].note = DONE_NOTE[ind.id]
                elif ind.id == "G04-chizheng" and m == 9:
                    recs[m].note = f"2022年社会工作者职业水平考试成绩公布,新增持证{recs[m].value}人"
                elif ind.kind is Kind.MILESTONE and recs[m].value == "是" and recs[m].done_on.year == YEAR \
                        and recs[m].done_on.month == m:
                    recs[m].note = ("节地生态安葬点建成投用" if ind.id == "G05-anzangdian"
                                    else "巡回咨询服务点已设置,开展集中宣讲和现场补证")
                elif ind.id == "G05-anzangdian" and m == 1 and recs[m].value == "是":
                    recs[m].note = f"{recs[m].done_on.year}年已建成"
            out[(county.id, ind.id)] = recs
    return out


# ------------------------------------------------------------------------------------------------ the files
def fmt(value) -> str:
    return "" if value is None else format_number(value)


def last_reported(recs: dict[int, Rec], m: int, kind: Kind, sent: set[int]) -> str:
    """What `mubiao form` shows in 上次填报: the last figure sent before month m, with its month."""
    for earlier in range(m - 1, 0, -1):
        rec = recs[earlier]
        if earlier not in sent or rec.blank:
            continue
        if kind is Kind.MILESTONE:
            text = f"是 {rec.done_on.isoformat()}" if rec.value == "是" else "否"
        elif kind is Kind.TASK:
            text = rec.value
        elif kind is Kind.RATIO:
            text = f"{fmt(rec.num)}/{fmt(rec.den)}"
        else:
            text = fmt(rec.value)
        return f"{text}({period_label(f'{YEAR}-{earlier:02d}')})"
    return ""


def validate(plan, data: dict[tuple[str, str], dict[int, Rec]]) -> None:
    """The rules `mubiao check` holds progress files to, and the storylines data/README.md promises."""
    problems = []
    for (cid, ind_id), recs in data.items():
        ind = plan.indicator(ind_id)
        target = ind.target if cid == CITY else ind.county_target(cid)
        previous = 0.0
        for m, rec in recs.items():
            where = f"{cid} {YEAR}-{m:02d} {ind_id}"
            if rec.note and rec.note[0] in "=+-@":
                problems.append(f"{where}: note starts with a formula character")
            if rec.blank:
                continue
            if ind.is_task:
                if (rec.value == "已完成") != (rec.done_on is not None) or rec.value not in ind.stages:
                    problems.append(f"{where}: task {rec.value} {rec.done_on}")
                continue
            if ind.kind is Kind.MILESTONE:
                if (rec.value == "是") != (rec.done_on is not None) or (
                        rec.done_on and (rec.done_on.year, rec.done_on.month) > (YEAR, m)):
                    problems.append(f"{where}: milestone {rec.value} {rec.done_on}")
                continue
            if ind.kind is Kind.RATIO:
                if not rec.den or rec.num < 0 or (ind.scale == 100 and rec.num > rec.den):
                    problems.append(f"{where}: ratio {rec.num}/{rec.den}")
                continue
            if rec.value < 0 or rec.value > 10 * (target or 0):
                problems.append(f"{where}: {rec.value} against target {target}")
            if ind.kind is Kind.COUNT:
                if rec.value < previous:
                    problems.append(f"{where}: cumulative count went down")
                previous = rec.value
    for cid in BEHIND:  # short at year-end on at least two counts
        short = [i.id for i in plan.indicators if i.kind is Kind.COUNT and (cid, i.id) in data
                 and data[(cid, i.id)][12].value < (i.county_target(cid) or 0)]
        if len(short) < 2:
            problems.append(f"{cid} should end 2022 behind on several counts, is short on {short}")
    if problems:
        raise SystemExit("make_district: the data breaks the rules:\n  " + "\n  ".join(problems))


def render(plan) -> dict[Path, bytes]:
    data = series(plan)
    validate(plan, data)
    # the form as mubiao wrote it in 2022, before 存在问题 and 下步措施 (the townships' returns are on that form)
    header = [h for h in headers(plan) if h not in ("存在问题", "下步措施")]
    names = {c.id: c.name for c in plan.counties} | {CITY: plan.levels.own}
    areas = [c.id for c in plan.counties] + [CITY]
    sent = {cid: {m for m in MONTHS if (cid, m) not in NOT_SENT} for cid in areas}
    out: dict[Path, bytes] = {}
    for m in MONTHS:
        period = f"{YEAR}-{m:02d}"
        for cid in areas:
            if m not in sent[cid]:
                continue
            rows = [header]
            for ind in plan.indicators:
                if (cid, ind.id) not in data:
                    continue
                recs = data[(cid, ind.id)]
                rec = recs[m]
                target = ind.target if cid == CITY else ind.county_target(cid)
                rows.append([
                    names[cid], period_label(period), ind.id, ind.name, ind.unit or "",
                    "完成" if ind.kind is Kind.MILESTONE else ind.stages[-1] if ind.is_task else fmt(target),
                    last_reported(recs, m, ind.kind, sent[cid]), instructions(plan, ind),
                    "" if ind.kind is Kind.RATIO else rec.value if isinstance(rec.value, str) else fmt(rec.value),
                    fmt(rec.num), fmt(rec.den), rec.done_on.isoformat() if rec.done_on else "", rec.note,
                ])
            text = io.StringIO(newline="")
            csv.writer(text, lineterminator="\r\n").writerows(rows)
            out[Path(period, f"{cid}.csv")] = text.getvalue().encode("utf-8-sig")
    return out


#: Townships whose file came after the due day (the 5th of the next month), by month, and the day it came.
LATE = {("langya", 3): 8, ("langya", 6): 9, ("langya", 9): 7, ("tangxi", 6): 10, ("tangxi", 11): 8,
        ("changshan", 9): 12}


def receipts(plan, files: dict[Path, bytes]) -> list:
    """When each file came in (invented, as `mubiao intake` writes them down): by the 1st to 5th of the next
    month, the LATE ones later."""
    import datetime as dt

    from mubiao.analysis.timeliness import Receipt

    order = {c.id: n for n, c in enumerate(plan.counties)} | {CITY: len(plan.counties)}
    out = []
    for relative in sorted(files):
        cid, m = relative.stem, int(relative.parent.name[5:])
        year, month = (YEAR + 1, 1) if m == 12 else (YEAR, m + 1)
        day = LATE.get((cid, m), (order[cid] * 7 + m) % 5 + 1)
        when = dt.datetime(year, month, day, 8 + (order[cid] + m) % 9, (order[cid] * 13) % 60)
        out.append(Receipt(relative.as_posix(), when, f"{plan.area_name(cid) if cid != CITY else '区本级'}"
                                                      f"{m}月报表{relative.suffix}"))
    return out


def main() -> None:
    from mubiao.analysis.timeliness import write_receipts

    plan = load_plan(PLAN_PATH)
    files = render(plan)
    ROOT.mkdir(parents=True, exist_ok=True)
    for child in sorted(ROOT.iterdir()):
        if child.is_dir() and re.fullmatch(r"\d{4}-\d{2}", child.name):
            shutil.rmtree(child)
    for relative, content in sorted(files.items()):
        path = ROOT / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    write_receipts(plan, ROOT.parent.parent, receipts(plan, files))
    print(f"wrote {len(files)} files and their receipts to {ROOT}")


if __name__ == "__main__":
    main()
