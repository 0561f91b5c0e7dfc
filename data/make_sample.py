#!/usr/bin/env python3
"""Generate the sample progress workspace of `targets/jinhua-2021.toml`: data/jinhua-2021/<YYYY-MM>/<county>.csv.

    python data/make_sample.py [--out DIR]        (or: make sample-data)

One file per county per month, 2021-01 to 2021-12, plus `city.csv` (市本级) for the `scope = "city"` indicators
and the plan's tasks (督办事项, `[[goals.tasks]]`: their stages and notes are the `TASKS` table below).
Most files are the filled-in monthly form; a few come as counties really send them (see data/README.md):
yiwu's own English layout, jindong's alias headers, one GBK CSV (lanxi 2021-03), one xlsx (dongyang 2021-06),
a handful of cells typed the way people type them, no file at all from pujiang in 2021-08.

Deterministic: one `random.Random(2021)` consumed in plan order, fixed xlsx timestamps, `\\r\\n` line ends.
Running it twice writes byte-identical files; tests/unit/test_sample_data.py holds the committed files to that.

Every figure is invented, for illustration, except 婺城区's December 2021 figures that the bureau's own
2021 work summary gives (seed 004); see `WUCHENG_DECEMBER` below and data/README.md.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import math
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from random import Random

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "cli"))

from mubiao.forms import HEADERS, instructions, period_label  # noqa: E402
from mubiao.numbers import format_number  # noqa: E402
from mubiao.render.xlsx import stable_xlsx  # noqa: E402
from mubiao.models import Indicator, Kind, Plan, Scope  # noqa: E402
from mubiao.readers.plan import load_plan  # noqa: E402

PLAN_PATH = REPO / "targets" / "jinhua-2021.toml"
SEED = 2021
YEAR = 2021
MONTHS = range(1, 13)
CITY_ID = "city"
CITY_NAME = "市本级"

#: the columns `mubiao form` wrote in 2021, before it gained 存在问题 and 下步措施 (panan's December file has them)
FORM_HEADER = [header for header in HEADERS if header not in ("存在问题", "下步措施")]
ALIAS_HEADER = ["编号", "累计完成", "分子", "分母", "完成日期", "进展情况"]  # jindong
COMPACT_HEADER = ["indicator", "value", "numerator", "denominator", "done_on", "note"]  # yiwu

# ------------------------------------------------------------------------------------------------ storylines
AHEAD, BEHIND = "yiwu", "panan"
MISSING_FILES = {("pujiang", 8)}  # pujiang sent nothing for August
NEVER_REPORTS = ("kaifaqu", "G08-anzangdian")  # never a figure: the row is left out in these months ...
NEVER_REPORTS_ABSENT = {2, 3, 6, 9, 10, 12}  # ... and sent empty in the others
EMPTY_CELLS = {  # rows sent with the figure left empty: not reported, which is not zero
    ("wuyi", 4, "G04-wanshan"): "创建名单待县级初审后填报",
    ("jindong", 2, "G03-huliyuan"): "老年人口数待统计部门反馈后补报",
    ("yongkang", 7, "G02-tekun"): "",
}
GBK_FILE = ("lanxi", 3)  # Excel's "CSV (逗号分隔)" on Chinese Windows
XLSX_FILE = ("dongyang", 6)
#: Cells typed as people type them: (county, month, indicator, column) -> how. Each still reads as its number.
QUIRKS = {
    ("dongyang", 9, "G04-wanshan", "value"): "fullwidth",  # １２
    ("pujiang", 11, "G06-zuzhi", "value"): "fullwidth",
    ("lanxi", 12, "G03-shilaohua", "value"): "unit",  # 230户
    ("wuyi", 10, "G03-zhongxin", "value"): "unit",
    ("jindong", 11, "G02-dibao", "value"): "thousands",  # 10,800
    ("yongkang", 5, "G03-huliyuan", "denominator"): "thousands",
}
EXACT = {("lanxi", "G03-shilaohua")}  # ends exactly on its allocation (so that December reads 230户)

#: 婺城区 December 2021, from its 2021 work summary (seed 004). Counts and levels:
WUCHENG_DECEMBER = {
    "G03-shilaohua": 230,  # 完成230户困难老年人家庭适老化改造
    "G03-zhongxin": 8,  # 8家乡镇(街道)居家养老服务中心
    "G03-kangyang": 1,  # 康养联合体建设试点
    "G04-yinling": 6,  # 创建罗店镇鹿村等省级引领型农村社区6个
    "G04-wanshan": 15,  # 安地镇岩头村等市级完善型农村社区15个
    "G04-shegongzhan": 6,  # 新建6家乡镇(街道)社会工作站并投入运行
    "G07-shengji": 1,  # 新建8家示范型儿童之家 = 省级1 + 市级7 (the plan's split)
    "G07-shiji": 7,
    "G08-shifandian": 1,  # 安地镇雅干村公益性骨灰堂成功申报首批省级公益性节地生态安葬示范点
}
WUCHENG_DIBAO = (850, 900)  # 元/月: 提高至900元/月,增幅5.9% (850 -> 900); ×12 = 10200 -> 10800 元/年
WUCHENG_HULIYUAN = (171, 95000)  # 18 per 10k elderly is the seed's; both counts are invented to give it
WUCHENG_TOWNS_WITH_HOMES_IN_JANUARY = 10  # + 8 new homes = 18/18, 实现乡镇(街道)全覆盖 (invented start)
WUCHENG_DONE = {"G03-zhongxin-fugai", "G04-cunguiminyue", "G06-cishanri", "G09-tongban"}  # 是 by December
WUCHENG_NOT_DONE = {"G02-tekun-yitihua"}  # the seed lists 特困供养标准城乡一体化 among its 2022 aims
WUCHENG_ANZANGDIAN_DECEMBER = 13  # of 18: the seed aims at every town having a site only in 2022 (invented)
WUCHENG_DECEMBER_NOTES = {
    "G02-dibao": "全区最低生活保障标准提高至900元/月,增幅5.9%",
    "G02-tekun-yitihua": "特困供养标准实现城乡一体化列入2022年工作思路",
    "G03-kangyang": "完成康养联合体建设试点建设",
    "G03-shilaohua": "紧盯省市民生实事,完成230户困难老年人家庭适老化改造",
    "G03-zhongxin": "完成8家乡镇(街道)居家养老服务中心建设",
    "G03-zhongxin-fugai": "实现服务中心镇街全覆盖",
    "G03-huliyuan": "开展养老护理员职业技能培训工作,年底全区每万老年人口拥有持证养老护理员达18人",
    "G04-cunguiminyue": "275个村(社)村规民约(社区公约)修订率达100%",
    "G04-yinling": "创建罗店镇鹿村等省级引领型农村社区6个",
    "G04-wanshan": "创建安地镇岩头村等市级完善型农村社区15个",
    "G04-shegongzhan": "新建6家乡镇(街道)社会工作站并投入运行",
    "G06-cishanri": "开展“慈善一日捐”活动,上线“婺城慈善”小程序",
    "G07-fugai": "新建8家示范型儿童之家,实现乡镇(街道)全覆盖",
    "G07-shengji": "新建8家示范型儿童之家,其中省级示范型1家",
    "G07-shiji": "新建8家示范型儿童之家,其中市级示范型7家",
    "G08-shifandian": "安地镇雅干村公益性骨灰堂成功申报首批省级公益性节地生态安葬示范点",
    "G08-anzangdian": "加快推进区节地生态安葬点专项债项目建设",
    "G09-tongban": "全面实施婚姻登记“全省通办”,跨区域办理婚姻登记548件",
    "G09-hunyin3a": "加快推进5A级婚姻登记机关建设",
}

# ------------------------------------------------------------------------------- invented county background
#: Towns (乡镇/街道) of each county, approximately as in 2021; their number is the denominator of the town ratios.
TOWNS = {
    "wucheng": "罗店镇 安地镇 琅琊镇 蒋堂镇 汤溪镇 白龙桥镇 罗埠镇 洋埠镇 雅畈镇 竹马乡 长山乡 箬阳乡 塔石乡 沙畈乡 "
               "莘畈乡 乾西乡 新狮街道 城北街道",
    "jindong": "多湖街道 东孝街道 孝顺镇 傅村镇 曹宅镇 澧浦镇 岭下镇 江东镇 塘雅镇 赤松镇 源东乡",
    "lanxi": "兰江街道 云山街道 上华街道 永昌街道 赤溪街道 女埠街道 游埠镇 诸葛镇 黄店镇 香溪镇 马涧镇 梅江镇 "
             "横溪镇 柏社乡 灵洞乡 水亭畲族乡",
    "dongyang": "吴宁街道 白云街道 江北街道 城东街道 南市街道 六石街道 横店镇 南马镇 画水镇 湖溪镇 马宅镇 千祥镇 "
                "歌山镇 巍山镇 虎鹿镇 佐村镇 东阳江镇 三单乡",
    "yiwu": "稠城街道 北苑街道 稠江街道 江东街道 后宅街道 城西街道 廿三里街道 福田街道 佛堂镇 赤岸镇 义亭镇 "
            "上溪镇 苏溪镇 大陈镇",
    "yongkang": "东城街道 西城街道 江南街道 石柱镇 前仓镇 舟山镇 古山镇 方岩镇 龙山镇 西溪镇 象珠镇 唐先镇 "
                "花街镇 芝英镇",
    "pujiang": "浦阳街道 仙华街道 浦南街道 黄宅镇 岩头镇 郑宅镇 檀溪镇 杭坪镇 白马镇 郑家坞镇 前吴乡 花桥乡 "
               "虞宅乡 大畈乡 中余乡",
    "wuyi": "白洋街道 壶山街道 熟溪街道 履坦镇 桐琴镇 泉溪镇 宣平镇 柳城畲族镇 王宅镇 桃溪镇 茭道镇 新宅镇 "
            "大田乡 白姆乡 俞源乡 坦洪乡 西联乡 三港乡",
    "panan": "安文街道 新渥街道 尖山镇 玉山镇 尚湖镇 方前镇 冷水镇 仁川镇 大盘镇 深泽乡 双峰乡 盘峰乡 维新乡 九和乡",
    "kaifaqu": "秋滨街道 江南街道 西关街道 苏孟乡",
}
ELDERLY = {  # 60岁以上户籍老年人口 (invented): the denominator of G03-huliyuan
    "wucheng": WUCHENG_HULIYUAN[1], "jindong": 78000, "lanxi": 142000, "dongyang": 226000, "yiwu": 248000,
    "yongkang": 168000, "pujiang": 98000, "wuyi": 92000, "panan": 47000, "kaifaqu": 36000,
}
VILLAGES = {  # 村(社) (wucheng's 275 is the seed's; the others are invented)
    "wucheng": 275, "jindong": 226, "lanxi": 341, "dongyang": 356, "yiwu": 417, "yongkang": 362, "pujiang": 290,
    "wuyi": 268, "panan": 146, "kaifaqu": 84,
}
NEIGHBOURS = {
    "wucheng": ["金东区", "兰溪市", "武义县", "龙游县", "遂昌县"], "jindong": ["婺城区", "义乌市", "武义县", "兰溪市"],
    "lanxi": ["建德市", "龙游县", "浦江县", "婺城区"], "dongyang": ["义乌市", "磐安县", "嵊州市", "诸暨市"],
    "yiwu": ["东阳市", "浦江县", "诸暨市", "金东区"], "yongkang": ["武义县", "缙云县", "东阳市", "义乌市"],
    "pujiang": ["义乌市", "兰溪市", "桐庐县", "诸暨市"], "wuyi": ["婺城区", "永康市", "松阳县", "遂昌县"],
    "panan": ["东阳市", "天台县", "仙居县", "新昌县"], "kaifaqu": ["婺城区", "金东区"],
}
MARRIAGE_OFFICES = {"yiwu": 2}  # 婚姻登记机关 per county (1 unless listed)
HUNYIN_3A = {  # (offices at 3A in January, month the next one got there or None)
    "lanxi": (0, 5), "pujiang": (0, 9), "panan": (0, None), "yiwu": (1, 6),
}

#: (lo, hi, mode) of the month each unit of a count is finished, for a county on pace.
COUNT_SHAPE = {
    "G03-kangyang": (3, 12, 8), "G03-shilaohua": (2, 12, 7), "G03-zhongxin": (3, 12, 9),
    "G04-yinling": (6, 12, 11), "G04-wanshan": (5, 12, 10), "G04-shegongzhan": (2, 12, 8),
    "G06-zuzhi": (2, 12, 8), "G07-shengji": (7, 12, 11), "G07-shiji": (4, 12, 10), "G08-shifandian": (8, 12, 11),
}
AHEAD_EXTRA = {"G03-shilaohua": 38, "G03-zhongxin": 1, "G04-wanshan": 3, "G07-shiji": 2, "G06-zuzhi": 2}
AHEAD_LATE = {"G07-shengji", "G08-shifandian"}  # named by the province at year end, even for yiwu
BEHIND_SHORT = {"G03-shilaohua": 26, "G03-zhongxin": 1, "G04-wanshan": 3, "G04-shegongzhan": 1, "G07-shiji": 1}
#: (lo, hi, chance of not being done in 2021) of a county milestone's month.
MILESTONE_WINDOW = {
    "G01-shizhe": (3, 9, 0.0), "G02-yijianshi": (2, 6, 0.0), "G02-tekun-yitihua": (6, 12, 0.2),
    "G02-jizhi": (6, 12, 0.1), "G03-guihua-xian": (5, 12, 0.25), "G03-dangjian": (4, 11, 0.05),
    "G04-xinyongdaima": (3, 7, 0.0), "G04-cunguiminyue": (4, 9, 0.0), "G06-cishanri": (9, 9, 0.0),
    "G07-rexian": (5, 8, 0.0), "G07-yingjianjinjian": (9, 12, 0.0), "G09-jiexian": (5, 11, 0.05),
    "G09-tongban": (3, 7, 0.0), "G10-liliang": (3, 10, 0.1), "G10-shuangsuiji": (5, 11, 0.0),
}
BEHIND_NOT_DONE = {"G07-yingjianjinjian", "G02-tekun-yitihua", "G10-liliang"}
#: City (市本级) milestones: (lo, hi) of the month, or None for not done in 2021.
CITY_WINDOW = {
    "G01-shipei": (4, 10), "G02-dibao-zhengce": (5, 6), "G02-lianheti": (6, 10), "G03-guihua-shiqu": (11, 12),
    "G03-butie": (3, 9), "G04-shiyanqu": (4, 8), "G05-huitoukan": (5, 10), "G05-zaijiaoyu": (3, 9),
    "G06-yijian": (6, 11), "G06-xintuo": (7, 12), "G08-guihua": None, "G08-gongmu": (9, 12), "G09-fucai": (12, 12),
}

# ------------------------------------------------------------------------------------------------ note texts
PROGRESS_NOTES = {  # count went up this month: {1: one unit, 2: several}
    "G03-kangyang": {
        1: ["{town}康养联合体试点挂牌运行,乡镇卫生院与居家养老服务中心签订合作协议",
            "以{town}卫生院为牵头单位组建康养联合体,家庭医生签约服务已进驻",
            "{town}试点通过{lvl}级验收,开展康复护理、健康管理等服务"],
        2: ["{town}等{d}个康养联合体试点通过验收", "本月{d}个试点挂牌运行,累计{v}个"],
    },
    "G03-shilaohua": {
        1: ["{town}1户改造完工"],
        2: ["本月完成{d}户,累计{v}户,主要在{town}、{town2}", "{town}{d}户改造完工,已通过入户验收",
            "新增{d}户,以安装扶手、地面防滑处理、配置坐便椅等基础改造为主", "又一批{d}户施工完成,完成率{pct}%",
            "完成{d}户改造,剩余{r}户已完成入户评估", "对已改造家庭开展回访,满意度较高;本月新增{d}户",
            "{town}、{town2}集中施工,本月完成{d}户", "第三方机构验收{d}户,累计{v}户"],
    },
    "G03-zhongxin": {
        1: ["{town}居家养老服务中心建成投用", "{town}中心通过验收,引入专业机构运营,开设助餐、日间照料服务",
            "{town}中心完成装修和设备配置,已开门运营", "{town}示范型中心投入运行,辐射周边{vil}个村"],
        2: ["本月{d}家中心通过验收,累计{v}家", "{town}等{d}家中心建成,均已引入社会力量运营"],
    },
    "G04-yinling": {
        1: ["{town}1个村通过省级引领型农村社区创建验收", "新增1个省级引领型农村社区({town})"],
        2: ["{d}个村通过省级引领型农村社区验收,累计{v}个", "{town}等{d}个村社通过省级评估"],
    },
    "G04-wanshan": {
        1: ["{town}1个村通过市级完善型农村社区验收", "新增1个,在{town}"],
        2: ["{town}、{town2}等{d}个村通过市级验收", "本月验收{d}个村,累计{v}个,完成率{pct}%",
            "{d}个村完成创建并通过市级复核"],
    },
    "G04-shegongzhan": {
        1: ["{town}社会工作站挂牌运行,配备专职社工{k}名", "{town}社工站引入社会工作服务机构驻站,已开展困难群众走访",
            "{town}社工站建成,开设“一老一小”服务项目"],
        2: ["{town}等{d}个社工站同步挂牌", "本月新建{d}个社工站,均通过购买服务引入社工机构"],
    },
    "G06-zuzhi": {
        1: ["新认定慈善组织1家({town}慈善分会)", "新登记慈善组织1家,为教育类基金会", "1家社会服务机构完成慈善组织认定"],
        2: ["新增慈善组织{d}家,其中基金会1家", "本月认定慈善组织{d}家,累计{v}家"],
    },
    "G07-shengji": {
        1: ["{town}儿童之家通过省级示范型儿童之家评估", "{town}儿童之家获评省级示范型儿童之家"],
        2: ["{town}等{d}家儿童之家通过省级评估"],
    },
    "G07-shiji": {
        1: ["{town}儿童之家完成提升改造,通过市级示范型验收", "{town}儿童之家通过市级验收,配备专职儿童主任"],
        2: ["{town}等{d}家儿童之家通过市级示范型验收", "本月验收{d}家,累计{v}家"],
    },
    "G08-shifandian": {
        1: ["{town}公益性骨灰堂列入省级公益性节地生态安葬示范点", "{town}生态葬区通过省级示范点评审"],
        2: ["{town}等{d}个安葬点通过省级示范点评审"],
    },
}
LAG_CAUSES = {  # a count behind its pace: a cause, and which kind of measure follows it
    "G03-kangyang": [("试点牵头卫生院人手紧张,合作协议尚未签订", "work"), ("试点方案已拟定,待卫健部门会签", "wait")],
    "G03-shilaohua": [("部分困难老年人家庭改造意愿不强,正逐户上门做工作", "work"),
                      ("施工队伍不足,已新增1家施工单位", "build"), ("改造对象名单调整,需重新入户评估", "work"),
                      ("受梅雨天气影响施工进度放缓", "build")],
    "G03-zhongxin": [("受疫情影响,{k}家中心施工延期", "build"), ("{town}中心选址调整,用地手续正在办理", "work"),
                     ("{town}中心装修招标流标,已重新挂网", "work"), ("配套资金尚未到位", "work")],
    "G04-yinling": [("省级验收集中在四季度,目前{k}个村已完成自评", "wait"), ("创建村基础设施项目尚未完工", "build")],
    "G04-wanshan": [("市级验收集中在四季度,{k}个村已提交申报材料", "wait"),
                    ("部分村集体经济薄弱,配套设施建设滞后", "work")],
    "G04-shegongzhan": [("专职社工招聘困难", "work"), ("{town}社工站场地尚未落实", "work"),
                        ("社工机构招标程序未完成", "work")],
    "G06-zuzhi": [("申请认定的组织材料不齐,正在指导完善", "work"), ("拟认定的基金会章程尚在修改", "work")],
    "G07-shengji": [("省级评估安排在四季度", "wait"), ("{town}儿童之家已申报,待省厅评估", "wait")],
    "G07-shiji": [("{town}儿童之家场地改造未完工", "build"), ("市级验收安排在11月", "wait")],
    "G08-shifandian": [("示范点申报材料已报省厅,待评审", "wait"), ("{town}安葬点配套道路未完工", "build")],
}
MEASURES = {
    "build": ["已倒排工期、挂图作战", "已约谈施工单位,要求增加人手", "已督促{mm}月底前完工", "局领导每周到现场督办",
              "已下发督办单"],
    "work": ["已列入下月督查重点", "已向{lvl}政府专题汇报", "确保年底前完成", "争取{mm}月底前完成", "已下发督办单",
             "正逐项协调解决"],
    "wait": ["已主动对接,跟踪进度", "确保年底前完成", "预计{mm}月出结果", "材料已按要求补充完善"],
}
RATIO_LAG = {  # a ratio below its target late in the year
    "G03-huliyuan": ["山区护理员流失较多,持证人数增长慢,已与人社部门联合开班", "护理员参训积极性不高,拟提高持证补贴"],
    "G07-fugai": ["{town}等山区乡镇场地难落实,儿童之家建设滞后"],
    "G08-anzangdian": ["部分乡镇群众对生态安葬接受度不高,选址难", "{town}安葬点用地报批未完成"],
    "G09-hunyin3a": ["婚姻登记处场地面积不足,迁址改造列入2022年计划", "场地改造方案已报县政府,资金待落实"],
}
BEHIND_CAUSES = ["山区乡镇施工条件差,", "受7月台风“烟花”影响,", "山区村点多面广,", "", ""]
BEHIND_DECEMBER = {  # panan's year-end notes on the counts it missed, {v} done, {s} short: its December file is
    # the new form (备注 | 存在问题 | 下步措施, split at "|")
    "G03-shilaohua": "全年完成{v}户,尚有{s}户未完成|部分对象已异地搬迁或住房列入危房改造,调整后的对象需重新评估|"
                     "已列入2022年一季度计划",
    "G03-zhongxin": "完成{v}家|{town}中心因选址调整未能年内建成|预计2022年6月前投用",
    "G04-wanshan": "{v}个村通过市级验收|另{s}个村村级集体经济薄弱、配套设施未达标,未申报验收|"
                   "帮扶薄弱村补齐配套设施,2022年上半年组织验收",
    "G04-shegongzhan": "建成{v}个|{town}社工站因专职社工招聘未到位暂缓挂牌|年后完成专职社工招聘,一季度挂牌",
    "G07-shiji": "{v}家通过验收|{town}儿童之家受疫情防控影响未能组织验收|顺延至明年组织验收",
}
TARGET_REACHED = ["已完成全年任务", "全年目标任务已完成", "完成全年{t}{unit}目标任务", "已完成市局下达任务"]
AHEAD_REACHED = ["提前完成全年目标任务", "{v}{unit},提前完成全年{t}{unit}的目标", "全年任务已提前完成,继续巩固提升"]
AHEAD_DECEMBER = "全年完成{v}{unit},超额完成{t}{unit}的目标任务"
MILESTONE_DONE = {
    "G01-shizhe": ["逝者联办平台已在全{lvl}推广使用,殡仪馆、医院、派出所等部门均已接入",
                   "逝者“身后事”联办已在全部乡镇(街道)便民服务中心上线"],
    "G02-yijianshi": ["社会救助“一件事”联办在全{lvl}{n}个乡镇(街道)推开,“幸福清单”已送达在册对象",
                      "“幸福清单”送达率100%,社会救助“一件事”实现全{lvl}联办"],
    "G02-tekun-yitihua": ["{lvl}政府已发文,城乡特困人员基本生活标准统一", "特困人员基本生活标准实现城乡一体化"],
    "G02-jizhi": ["选择“{mech}”机制创新,出台实施办法并在{town}先行试行", "“{mech}”机制已建立,典型做法被市局推广"],
    "G03-zhongxin-fugai": ["全{lvl}{n}个乡镇(街道)均已建成示范型居家养老服务中心,实现全覆盖"],
    "G03-guihua-xian": ["《{cname}养老服务设施布局专项规划》通过专家评审,报{lvl}政府批复",
                        "养老服务设施布局专项规划已经{lvl}政府批复实施"],
    "G03-dangjian": ["全{lvl}{k}家养老机构均已建立党组织或选派党建指导员", "养老机构党建工作实现全覆盖"],
    "G04-xinyongdaima": ["{n}个村(居)委会统一社会信用代码证书全部换发", "村(居)委会统一社会信用代码证书换发完毕"],
    "G04-cunguiminyue": ["{n}个村(社)完成村规民约(社区公约)修订", "村规民约(社区公约)修订完善工作全面完成"],
    "G06-cishanri": ["9月5日开展“中华慈善日”宣传活动,“慈善一日捐”募集善款{k}万元",
                     "“慈善一日捐”活动圆满完成,机关干部和企业踊跃参与"],
    "G07-rexian": ["未成年人保护热线已开通,与12345政务服务热线联动", "开通未成年人保护热线,专人值守"],
    "G07-yingjianjinjian": ["全县{n}个乡镇(街道)和有需求的村均已建成儿童之家,实现应建尽建"],
    "G09-jiexian": ["完成与{nb}的行政区域界线联合检查,界桩完好", "与{nb}界线联检完成,更换界桩{k}个"],
    "G09-tongban": ["婚姻登记“全省通办”已实施,本月跨区域办理{k}件", "婚姻登记实现全市通办"],
    "G10-liliang": ["乡镇(街道)民政助理员、村社民政联络员已按要求配齐", "三级民政力量配备到位"],
    "G10-shuangsuiji": ["完成“双随机”抽查{k}家社会组织和养老机构,未发现重大问题",
                        "“双随机、一公开”抽查完成,对{k}家单位提出整改意见"],
}
MILESTONE_LAG = {
    "G02-tekun-yitihua": ["城乡一体化方案已起草,待{lvl}政府常务会议审议", "一体化测算已完成,需{lvl}财政配套资金"],
    "G03-guihua-xian": ["规划已完成初稿,正在征求自然资源等部门意见", "规划编制单位已确定,正在开展现状调研"],
    "G07-yingjianjinjian": ["尚有{k}个村儿童之家未建成,主要是山区村场地难落实,计划2022年上半年完成"],
    "G10-liliang": ["{k}个乡镇(街道)民政助理员缺编,已报{lvl}委编办", "村社民政联络员尚有缺口,正在招聘"],
    "G02-jizhi": ["机制创新方案已起草,拟在{town}试点", "正在总结经验,拟报市局评审"],
}
MECHANISMS = ["主动发现", "精准认定", "长效帮扶", "诚信评价", "容错免责"]
HULIYUAN_NOTES = ["本月{k}人通过养老护理员职业技能等级认定", "{lvl}级养老护理员培训班结业,{k}人取得证书",
                  "新增持证养老护理员{k}人"]
FUGAI_NOTES = ["{town}建成示范型儿童之家", "新增{k}个乡镇(街道)建有示范型儿童之家"]
ANZANGDIAN_NOTES = ["{town}生态安葬点建成投用", "{town}树葬、花坛葬区完成建设", "新增{k}个乡镇(街道)建成生态安葬点"]
CITY_DONE = {
    "G01-shipei": "自建业务软件完成新电脑适配改造,已平稳切换",
    "G02-dibao-zhengce": "修订后的全市最低生活保障政策已印发,低保标准与人均消费性支出挂钩动态调整",
    "G02-lianheti": "确定{cname}为县级智慧救助服务联合体试点,试点方案已印发",
    "G03-guihua-shiqu": "《金华市区养老设施布局专项规划(2020-2035)》通过专家评审,报市政府批复",
    "G03-butie": "修订后的养老服务补贴政策已印发,财政支持由“补供方”转向“补需方”",
    "G04-shiyanqu": "市级社区治理和服务创新实验区建设启动,首批确定{k}个实验区",
    "G05-huitoukan": "完成对近三年省级社会组织党群服务中心示范点的“回头看”",
    "G05-zaijiaoyu": "品牌社会组织和领军人物再教育再培训工程启动,首期培训{k}人",
    "G06-yijian": "《关于加快推进金华市慈善事业高质量发展的实施意见》已出台",
    "G06-xintuo": "首单市级慈善信托完成备案,规模{k}万元",
    "G08-gongmu": "全市公墓建设规划已提出,报市政府审定",
    "G09-fucai": "省厅福彩一二类目标考核任务全面完成",
}
CITY_LAG = {
    "G08-guihua": ["会同自然资源部门编制中,已完成现状调查", "规划初稿已形成,待征求各县(市、区)意见",
                   "规划需与国土空间总体规划衔接,进度顺延"],
    "G03-guihua-shiqu": ["规划草案已完成,正在征求部门意见"],
}
CITY_PROGRESS = {
    "G09-yimin": "{d}个新建水库移民安置点落实指导服务,累计{v}个",
    "G10-mashangban": "新增{d}条业务线贯通“码上办”,累计{v}条",
}


# ------------------------------------------------------------------------------------------------ 督办事项
def _span(first: int, last: int, text: str) -> dict[int, str]:
    """The same note in each month first..last (a task whose 进展情况 did not change)."""
    return {m: text for m in range(first, last + 1)}


D = dt.date
#: 市本级 tasks (督办事项, `[[goals.tasks]]`): the month the work started, the day it was done (None: not done in
#: 2021) and what the bureau wrote under 进展情况 (备注) in some months. Before the start a task is 未启动, then
#: 推进中, then 已完成 from its day on. Invented, for illustration; drawn from no random numbers, so that adding a
#: task leaves every county's figures as they were.
TASKS: dict[str, tuple[int, dt.date | None, dict[int, str]]] = {
    "G01-shuzihua": (1, D(2021, 12, 24), {4: "印发民政数字化改革工作方案,梳理应用场景12个",
                                          9: "“一张地图找点位”上线,养老、殡葬等服务设施点位入图",
                                          12: "民政数字驾驶舱上线运行,实现“一个平台管全市”"}),
    "G01-shuzihonggou": (2, D(2021, 9, 30), {9: "民政服务窗口保留线下办理渠道,老年人智能技术培训进社区"}),
    "G01-shuju": (3, D(2021, 11, 30), {11: "建立省厅下发数据分析通报机制,按月向各县(市、区)反馈"}),
    "G02-dajiuzhu": (1, D(2021, 11, 26), {11: "“1+8+X”大救助体系运行,部门联办事项纳入省级社会救助平台"}),
    "G02-zhichuxing": (1, D(2021, 12, 17), {12: "支出型贫困、单人户低保和低保低边渐退政策全年落实,按季开展动态核查"}),
    "G02-linshi": (1, D(2021, 12, 20), {6: "外来人员纳入临时救助范围,急难型救助先行救助",
                                        12: "临时救助与突发事件应对衔接,外来人员救助比例提高"}),
    "G02-tanfang": (2, D(2021, 12, 28), {6: "建立低收入农户定期探访制度,上半年走访全覆盖",
                                         12: "困难群体和返贫风险对象定期探访全年开展,主动发现机制运行"}),
    "G02-shehui-liliang": (3, D(2021, 10, 29), {5: "市级社会救助服务购买项目完成招标",
                                                10: "购买社会救助服务项目落地,“微心愿”认领平台上线"}),
    "G03-ronghe": (1, D(2021, 12, 15), {12: "居家社区机构衔接机制建立,医养康养融合服务在各县(市、区)推开"}),
    "G03-zheliyang": (2, D(2021, 8, 31), {8: "全市养老机构和居家养老服务中心数据接入“浙里养”平台"}),
    "G03-dengji": (4, D(2021, 11, 19), {6: "养老机构等级评定启动,首批机构已提交申报",
                                        11: "年度养老机构等级评定完成,评定结果已公布"}),
    "G03-zhihui-yanglaoyuan": (3, D(2021, 12, 10), {7: "智慧养老院建设指引印发,首批试点机构完成设备安装",
                                                    12: "首批智慧养老院通过验收"}),
    "G04-tixiaonian": (1, D(2021, 12, 27), {3: "印发“精密智管提效年活动”实施方案",
                                            12: "“精密智管提效年活动”全年各项任务完成"}),
    "G04-houchen": (1, D(2021, 11, 30), {11: "新时代“后陈经验”深化提升,村务监督委员会规范化建设完成"}),
    "G04-zhengxian": (2, D(2021, 12, 22), {12: "社会治理争先基层自治行动年度任务完成,开展总结评估"}),
    "G04-xieshang": (3, D(2021, 10, 28), {10: "村(社区)民主协商议事规则修订完成,协商目录在全市推行"}),
    "G04-huiketing": (3, D(2021, 12, 24), {7: "首批未来社区“居民会客厅”建成开放",
                                           12: "“居民会客厅”和社区服务综合体年度建设计划完成"}),
    "G04-shegongzhan-gongneng": (2, D(2021, 11, 30), {5: "民政覆盖到乡镇(街道)的服务职能梳理完成,形成清单",
                                                      11: "社会工作站服务功能清单印发,已建站点按清单开展服务"}),
    "G04-pingtai": (5, None, {6: "乡镇(街道)民政服务统一实体平台建设方案起草中",
                              **_span(9, 11, "在2个乡镇(街道)试点整合民政服务力量和资源"),
                              12: "试点乡镇(街道)统一实体平台已运行,面上推开需与乡镇(街道)便民服务中心改造衔接;"
                                  "2022年总结试点经验后在全市推广"}),
    "G05-funeng": (1, D(2021, 10, 15), {4: "“点亮北斗·金华社会组织聚能计划”启动",
                                        10: "公益创投、聚能计划等载体整合,社会组织赋能体系建成"}),
    "G05-zhifa": (1, D(2021, 12, 20), {12: "全年依法查处社会组织违法违规行为,清理“僵尸型”社会组织"}),
    "G05-dangjian": (2, D(2021, 11, 26), {11: "脱钩行业协会商会党建工作机构明确,各县(市、区)社会组织党建交叉检查完成"}),
    "G05-shoufei": (3, D(2021, 9, 30), {9: "行业协会商会收费专项检查完成,发现问题已督促整改"}),
    "G05-shenhe": (1, D(2021, 6, 30), {6: "社会组织负责人和党组织负责人审核审批制度落实,新任负责人均已审核"}),
    "G05-xinyong": (2, D(2021, 10, 29), {7: "年检结果与信用“红灰黑名单”挂钩",
                                         10: "社会组织信用评价办法印发,评价结果用于“双随机”抽查和等级评估"}),
    "G05-pinpai": (3, D(2021, 12, 17), {12: "认定年度品牌社会组织和社会组织领军人物,枢纽型社会组织覆盖各县(市、区)"}),
    "G06-zhihui": (3, D(2021, 11, 12), {6: "智慧慈善试点方案报省厅",
                                        11: "依托“码上办”的智慧慈善试点上线,慈善资源与需求在线对接"}),
    "G06-hulianwang": (2, D(2021, 12, 23), {9: "中华慈善日期间开展“互联网+微公益”活动",
                                            12: "网络募捐信息监测机制建立,全年社会捐赠稳定增长"}),
    "G06-jidi": (2, D(2021, 11, 30), {11: "市、县两级慈善基地服务能力提升工程完成,入驻慈善组织增加"}),
    "G06-yingji": (4, D(2021, 10, 22), {10: "应急救援类慈善组织完成登记,纳入应急联动"}),
    "G06-wangge": (5, D(2021, 12, 29), {8: "三级慈善组织网格化管理在3个县(市、区)先行",
                                        12: "县、乡、村三级慈善组织网格化管理在全市推行"}),
    "G07-puhui": (1, D(2021, 7, 30), {7: "孤儿和事实无人抚养儿童基本生活保障标准调整到位,应保尽保"}),
    "G07-qianjian": (1, None, {3: "迁建项目前期手续办理中", 6: "完成施工招标,主体工程开工",
                               **_span(9, 11, "主体工程施工中"),
                               12: "主体工程结顶,受材料供应和雨季施工影响未能年内完工;"
                                   "2022年加快内部装修和设备采购,力争年底前投用"}),
    "G07-jigou": (2, D(2021, 12, 14), {6: "县级儿童福利机构归并整合方案已拟定",
                                       12: "县级儿童机构职能归并整合完成,未成年人救助保护中心实体化运营"}),
    "G07-ertongzhuren": (3, D(2021, 6, 25), {6: "举办全市儿童主任业务培训班,村(社区)儿童主任轮训一遍"}),
    "G08-lvse": (1, D(2021, 12, 21), {12: "生态殡葬改革年度任务完成,惠民殡葬政策覆盖全市"}),
    "G08-zhengzhi": (2, D(2021, 9, 24), {5: "联合市场监管部门开展殡葬延伸服务环境检查",
                                         9: "殡葬延伸服务环境综合整治完成,服务收费全面公示"}),
    "G08-yifengyisu": (3, D(2021, 8, 27), {8: "殡葬移风易俗要求纳入村规民约(社区公约)修订内容"}),
    "G08-zhisang": (4, None, {7: "集中治丧场所设置指导意见印发",
                              **_span(10, 11, "已设置集中治丧场所的乡镇(街道)逐月增加"),
                              12: "部分乡镇(街道)集中治丧场所选址难、群众意见不一,未能全面设置;"
                                  "2022年结合文化礼堂和闲置用房改造继续推进"}),
    "G08-xinxi": (3, D(2021, 11, 25), {11: "殡葬信息系统升级完成,殡葬延伸服务纳入身后“一件事”联办"}),
    "G09-quhua": (1, D(2021, 12, 16), {12: "行政区划管理规范有序,平安边界创建年度任务完成"}),
    "G09-diming": (2, D(2021, 10, 29), {10: "不规范地名清理整治完成,更名和标准化处理的地名已公告"}),
    "G09-dizhiku": (3, D(2021, 12, 24), {12: "市地名地址库数据更新入库,与门牌数据比对完成"}),
    "G09-diming-wenhua": (4, D(2021, 11, 19), {11: "地名文化遗产名录整理完成,开展地名文化宣传"}),
    "G09-hunsu": (2, D(2021, 12, 10), {5: "各县(市、区)婚姻登记处开设婚姻家庭辅导室",
                                       12: "婚俗改革宣传进村社,集体婚礼、颁证仪式常态化开展"}),
    "G09-canji": (1, D(2021, 5, 28), {5: "残疾人两项补贴标准动态调整,补贴申请实现全程网办"}),
    "G09-jiuzhu-sheshi": (3, D(2021, 11, 30), {7: "救助管理站设施改造开工", 11: "救助管理站设施改造完工投用"}),
    "G09-jiuzhu-zhiliang": (1, D(2021, 12, 20), {12: "救助服务质量大提升专项行动年度任务完成,冬季街面巡查救助同步开展"}),
    "G09-yimin-fuwu": (1, D(2021, 12, 17), {6: "“入千访万”上半年走访移民户全覆盖",
                                            12: "移民“三服务”2.0版全面实施,移民来信来访按期办结"}),
    "G09-yimin-jingji": (2, D(2021, 12, 28), {12: "移民村“抱团发展”物业经济项目建成,移民村集体经济收入增加"}),
    "G09-houfu": (1, D(2021, 12, 24), {9: "后期扶持项目资金拨付过半",
                                       12: "后扶政策实施监测评估和绩效评价完成,年度项目资金拨付到位"}),
    "G09-fucai-jianshe": (1, D(2021, 12, 30), {12: "福彩销售站点标准化建设年度任务完成,销售管理系统升级上线"}),
    "G10-qinglian": (1, D(2021, 12, 28), {12: "“清廉民政”建设年度任务完成,两个主体责任清单落实"}),
    "G10-ganbu": (2, D(2021, 12, 24), {12: "全年举办民政干部专业能力培训,干部队伍建设年度任务完成"}),
    "G10-ducha": (1, D(2021, 9, 30), {4: "督查反馈意见整改清单印发", 9: "省政府专项督查反馈意见整改完成"}),
    "G10-paoyici": (1, D(2021, 12, 15), {12: "民政事项“最多跑一次”全覆盖,“一件事”联办持续扩面"}),
    "G10-juece": (3, D(2021, 7, 30), {7: "重大行政决策审查评估办法印发,合法性、风险性和廉洁性审查纳入决策程序"}),
    "G10-zhifa": (2, D(2021, 11, 26), {11: "“互联网+民政执法监管”上线运行,执法检查全程留痕"}),
}
TASKS_NOT_DONE = {"G04-pingtai", "G07-qianjian", "G08-zhisang"}  # 推进中 in December: 未完成 at the year's end


def task(task_id: str, m: int) -> Rec:
    """A 市本级 task's record for month m: its stage, with the day it was done once done, and its note."""
    start, done, notes = TASKS[task_id]
    if done is not None and (done.year, done.month) <= (YEAR, m):
        return Rec("已完成", done_on=done, note=notes.get(m, ""))
    return Rec("推进中" if m >= start else "未启动", note=notes.get(m, ""))


# ------------------------------------------------------------------------------------------------ the model
@dataclass
class Rec:
    """One county's figures for one indicator in one month (before it is written in any layout)."""

    value: float | str | None = None  # count/level number, or 是/否
    num: int | None = None
    den: int | None = None
    done_on: dt.date | None = None
    note: str = ""

    @property
    def blank(self) -> bool:
        return self.value is None and self.num is None and self.den is None


def fmt(value: float | int | None) -> str:
    """A number as the form shows it; an empty cell for none."""
    return "" if value is None else format_number(value)


def month_label(month: int) -> str:
    return period_label(f"{YEAR}-{month:02d}")


def level_word(name: str) -> str:
    """区/市/县: how a county calls itself in “全区”, “县政府”."""
    return name[-1] if name[-1] in "区市县" else "区"


class Generator:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.rng = Random(SEED)
        self.county_ids = [c.id for c in plan.counties]
        self.names = {c.id: c.name for c in plan.counties} | {CITY_ID: CITY_NAME}
        self.towns = {cid: TOWNS[cid].split() for cid in self.county_ids}
        #: (county, indicator) -> {month: Rec}: the figures as they stood, whether or not they were sent
        self.series: dict[tuple[str, str], dict[int, Rec]] = {}
        self.dibao_step: dict[str, tuple[int, int, int]] = {}  # county -> (元/月 before, after, month raised)
        self.den_update: tuple[int, int] | None = None  # dongyang's new elderly count: (month, count)
        self.absent = NEVER_REPORTS_ABSENT  # months without a kaifaqu G08-anzangdian row

    # ------------------------------------------------------------------ helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def weekday_in(self, month: int) -> dt.date:
        days = [dt.date(YEAR, month, d) for d in range(1, calendar.monthrange(YEAR, month)[1] + 1)]
        return self.pick([d for d in days if d.weekday() < 5])

    def unit_months(self, n: int, lo: int, hi: int, mode: float) -> list[int]:
        """The month each of n units was finished, drawn from a triangular distribution over lo..hi."""
        mode = min(max(mode, lo), hi)
        return [min(hi, int(self.rng.triangular(lo, hi + 1, mode + 0.5))) for _ in range(n)]

    def batches(self, total: int, pool: list[int], k: int) -> dict[int, int]:
        """total split into k increments (some may be 0) in k distinct months of pool."""
        months = sorted(self.rng.sample(pool, min(k, len(pool))))
        cuts = sorted(self.rng.randint(0, total) for _ in range(len(months) - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
        return dict(zip(months, parts))

    def ctx(self, cid: str, **extra) -> dict:
        towns = self.rng.sample(self.towns[cid], 2) if cid in self.towns else ["", ""]
        name = self.names[cid]
        base = {
            "town": towns[0], "town2": towns[1], "lvl": level_word(name), "cname": name,
            "k": self.rng.randint(2, 6), "n": len(self.towns.get(cid, [])), "nb": self.pick(NEIGHBOURS.get(cid, [""])),
            "mech": self.pick(MECHANISMS),
        }
        base.update(extra)
        return base

    # ------------------------------------------------------------------ generation
    def run(self) -> None:
        for ind in self.plan.indicators:
            if ind.is_task:  # 督办事项: from TASKS, no random draw (the counties' figures stay as they were)
                self.series[(CITY_ID, ind.id)] = {m: task(ind.id, m) for m in MONTHS}
                continue
            if ind.scope is Scope.CITY:
                self.city_indicator(ind)
                continue
            for county in self.plan.reporting_counties(ind):
                gen = {Kind.COUNT: self.count, Kind.LEVEL: self.level, Kind.RATIO: self.ratio,
                       Kind.MILESTONE: self.milestone}[ind.kind]
                self.series[(county.id, ind.id)] = gen(county.id, ind)
        self.tie_milestones_to_counts()

    def count(self, cid: str, ind: Indicator) -> dict[int, Rec]:
        target = int(ind.county_target(cid) or 0)
        lo, hi, mode = COUNT_SHAPE[ind.id]
        if target == 0:
            final = 0
        elif cid == "wucheng" and ind.id in WUCHENG_DECEMBER:
            final = WUCHENG_DECEMBER[ind.id]
        elif cid == AHEAD:
            final = target + AHEAD_EXTRA.get(ind.id, 0)
            if ind.id not in AHEAD_LATE:
                lo, hi, mode = max(1, lo - 1), 10, min(mode - 1, 8)
        elif cid == BEHIND:
            final = max(0, target - BEHIND_SHORT.get(ind.id, 0))
            lo, mode = min(lo + 1, 12), 12
        elif (cid, ind.id) in EXACT:
            final = target
        elif target >= 50:
            final = target + self.pick([0, 0, 0, 2, 4, 7, 11])
        else:
            r = self.rng.random()
            final = target - 1 if r < 0.07 and target >= 3 else target + 1 if r < 0.22 else target
        months = self.unit_months(final, lo, hi, mode)
        return {m: Rec(value=sum(1 for x in months if x <= m)) for m in MONTHS}

    def level(self, cid: str, ind: Indicator) -> dict[int, Rec]:
        if ind.id == "G02-dibao":
            if cid in ("wucheng", "jindong", "kaifaqu"):  # 金华市区: one standard
                (before, after), step = WUCHENG_DIBAO, 7
            elif cid == AHEAD:
                before, after, step = 870, 925, 4
            elif cid == BEHIND:
                before, after, step = 835, 875, 10
            else:
                before = self.pick([840, 845, 850, 855])
                after = before + self.pick([35, 40, 45, 50])
                step = self.pick([6, 7, 7, 7, 8])
            self.dibao_step[cid] = (before, after, step)
            return {m: Rec(value=12 * (after if m >= step else before)) for m in MONTHS}
        # G02-tekun: 特困供养标准 / 低保标准 (倍)
        target = ind.county_target(cid)
        if cid == AHEAD:
            return {m: Rec(value=round(target + 0.05, 2)) for m in MONTHS}
        start = 1.25 if cid == BEHIND else self.pick([target, target, target, target - 0.02, target - 0.05])
        step = 10 if cid == BEHIND else self.rng.randint(4, 8)
        after = target + self.pick([0, 0, 0.02])
        return {m: Rec(value=round(after if m >= step or start >= target else start, 2)) for m in MONTHS}

    def ratio(self, cid: str, ind: Indicator) -> dict[int, Rec]:
        if ind.id == "G03-huliyuan":
            den = ELDERLY[cid]
            per = ind.scale or 1
            rate0 = self.rng.uniform(13.0, 15.5)
            if cid == "wucheng":
                num1 = WUCHENG_HULIYUAN[0]
            elif cid == AHEAD:
                num1 = math.ceil((ind.county_target(cid) + 2.5) * den / per)
            elif cid == BEHIND:
                num1 = math.floor((ind.county_target(cid) - 1.8) * den / per)
            else:
                num1 = math.ceil(ind.county_target(cid) * den / per) + self.rng.randint(0, int(1.2 * den / per))
            num0 = min(num1, round(rate0 * den / per))
            pool = list(range(2, 11)) if cid == AHEAD else list(range(3, 13))
            steps = self.batches(num1 - num0, pool, self.rng.randint(3, 5))
            dens = {m: den for m in MONTHS}
            if cid == "dongyang":  # 按第七次人口普查结果更新老年人口数
                dens = {m: den if m < 7 else den + 3500 for m in MONTHS}
                self.den_update = (7, den + 3500)
            return {m: Rec(num=num0 + sum(v for k, v in steps.items() if k <= m), den=dens[m]) for m in MONTHS}
        if ind.id == "G09-hunyin3a":
            den = MARRIAGE_OFFICES.get(cid, 1)
            start, step = HUNYIN_3A.get(cid, (den, None))
            return {m: Rec(num=start + (1 if step and m >= step else 0), den=den) for m in MONTHS}
        # town ratios: G07-fugai, G08-anzangdian
        if (cid, ind.id) == NEVER_REPORTS:
            return {m: Rec() for m in MONTHS}
        den = len(self.towns[cid])
        share = ind.county_target(cid) / (ind.scale or 100)
        if ind.id == "G07-fugai" and cid == "wucheng":
            return {}  # tied to the new children's homes in tie_milestones_to_counts
        low, high = (0.45, 0.7) if ind.id == "G07-fugai" else (0.55, 0.8)
        num0 = round(den * self.rng.uniform(low, high))
        need = math.ceil(share * den - 1e-9)
        if cid == "wucheng":
            num1 = WUCHENG_ANZANGDIAN_DECEMBER
        elif cid == BEHIND:
            num1 = need - 2
        elif cid == AHEAD:
            num1 = den
        else:
            num1 = min(den, need + self.rng.randint(0, 1))
        num0 = min(num0, num1)
        pool = list(range(2, 10)) if cid == AHEAD else list(range(3, 13))
        steps = self.batches(num1 - num0, pool, self.rng.randint(2, 4))
        return {m: Rec(num=num0 + sum(v for k, v in steps.items() if k <= m), den=den) for m in MONTHS}

    def milestone(self, cid: str, ind: Indicator) -> dict[int, Rec]:
        if ind.id == "G03-zhongxin-fugai":
            return {}  # done when the county's new centres are all built: tie_milestones_to_counts
        lo, hi, p_not = MILESTONE_WINDOW[ind.id]
        if cid == AHEAD:
            hi, p_not = min(hi, lo + 2), 0.0
        elif cid == BEHIND:
            lo, hi, p_not = min(lo + 2, 12), 12, (1.0 if ind.id in BEHIND_NOT_DONE else p_not + 0.1)
        if ind.id == "G03-guihua-xian" and cid == "yongkang":
            p_not = 1.0  # still at the drafting stage
        month = None if self.chance(p_not) else self.rng.randint(lo, hi)
        if cid == "wucheng" and ind.id in WUCHENG_NOT_DONE:
            month = None
        if cid == "wucheng" and ind.id in WUCHENG_DONE and month is None:
            month = self.rng.randint(lo, hi)
        return self.milestone_series(month, ind.id == "G06-cishanri")

    def milestone_series(self, month: int | None, charity_day: bool = False) -> dict[int, Rec]:
        done_on = None
        if month is not None:
            done_on = dt.date(YEAR, 9, 5) if charity_day and month == 9 and self.chance(0.6) \
                else self.weekday_in(month)
        return {m: Rec(value="是" if done_on and m >= month else "否",
                       done_on=done_on if done_on and m >= month else None) for m in MONTHS}

    def tie_milestones_to_counts(self) -> None:
        fugai = self.plan.indicator("G03-zhongxin-fugai")
        for county in self.plan.reporting_counties(fugai):
            centres = self.series[(county.id, "G03-zhongxin")]
            target = self.plan.indicator("G03-zhongxin").county_target(county.id) or 0
            month = next((m for m in MONTHS if centres[m].value >= target), None) if target else 1
            self.series[(county.id, fugai.id)] = self.milestone_series(month)
        # wucheng: each new demonstration children's home (省级 + 市级) is in a town that had none
        homes = {m: self.series[("wucheng", "G07-shengji")][m].value + self.series[("wucheng", "G07-shiji")][m].value
                 for m in MONTHS}
        den = len(self.towns["wucheng"])
        self.series[("wucheng", "G07-fugai")] = {
            m: Rec(num=min(den, WUCHENG_TOWNS_WITH_HOMES_IN_JANUARY + homes[m]), den=den) for m in MONTHS}

    def city_indicator(self, ind: Indicator) -> None:
        if ind.kind is Kind.COUNT:
            total = int(ind.target)
            steps = self.batches(total, list(range(2, 12)), self.rng.randint(3, 5))
            self.series[(CITY_ID, ind.id)] = {m: Rec(value=sum(v for k, v in steps.items() if k <= m)) for m in MONTHS}
            return
        window = CITY_WINDOW[ind.id]
        month = None if window is None else self.rng.randint(*window)
        self.series[(CITY_ID, ind.id)] = self.milestone_series(month)

    # ------------------------------------------------------------------ notes
    def write_notes(self) -> None:
        for ind in self.plan.indicators:
            if ind.is_task:  # its notes are in TASKS
                continue
            cids = [CITY_ID] if ind.scope is Scope.CITY else [c.id for c in self.plan.reporting_counties(ind)]
            for cid in cids:
                series = self.series[(cid, ind.id)]
                for m in MONTHS:
                    note = self.note(cid, ind, m, series)
                    if note:
                        series[m].note = note
        for ind_id, note in WUCHENG_DECEMBER_NOTES.items():
            self.series[("wucheng", ind_id)][12].note = note
        if ("pujiang", 8) in MISSING_FILES:
            self.series[("pujiang", "G03-shilaohua")][9].note = (
                "8月报表因经办人员调整未按时报送,本月数据含8月进度")
        for (cid, m, ind_id), note in EMPTY_CELLS.items():
            self.series[(cid, ind_id)][m] = Rec(note=note)
        texts = self.rng.sample(["开发区未设殡葬管理机构,该项数据由属地统筹,暂无法填报",
                                 "辖区生态安葬点由婺城区统一规划建设,数据待核实后报送"], 2)
        for m, text in zip(sorted(set(MONTHS) - self.absent)[::3], texts):  # kaifaqu's word on what it never reports
            self.series[NEVER_REPORTS][m].note = text

    def note(self, cid: str, ind: Indicator, m: int, series: dict[int, Rec]) -> str:
        rec, prev = series[m], series.get(m - 1)
        if cid == CITY_ID:
            return self.city_note(ind, m, rec, prev)
        if ind.kind is Kind.COUNT:
            return self.count_note(cid, ind, m, rec, prev)
        if ind.kind is Kind.MILESTONE:
            return self.milestone_note(cid, ind, m, rec, prev)
        if ind.kind is Kind.LEVEL:
            return self.level_note(cid, ind, m, rec, prev)
        return self.ratio_note(cid, ind, m, rec, prev)

    def count_note(self, cid: str, ind: Indicator, m: int, rec: Rec, prev: Rec | None) -> str:
        target = int(ind.county_target(cid) or 0)
        v = int(rec.value)
        d = v - (int(prev.value) if prev else 0)
        unit = ind.unit or ""
        if target == 0:
            return "本年度未分配该项任务" if m in (1, 6) and self.chance(0.5) else ""
        c = self.ctx(cid, d=d, v=v, t=target, r=max(0, target - v), pct=round(100 * v / target),
                     unit=unit, mm=min(12, m + self.rng.randint(1, 2)), vil=self.rng.randint(5, 16))
        if target > v:
            c["k"] = self.rng.randint(1, target - v)
        if m == 12 and cid == BEHIND and ind.id in BEHIND_DECEMBER and v < target:
            return BEHIND_DECEMBER[ind.id].format(**c, s=target - v)
        if m == 12 and cid == AHEAD and v > target:
            return AHEAD_DECEMBER.format(**c)
        reached = v >= target and (prev is None or int(prev.value) < target)
        if reached:
            if cid == AHEAD and m <= 10:
                return self.pick(AHEAD_REACHED).format(**c)
            if self.chance(0.6):
                return self.pick(TARGET_REACHED if target > 1 else TARGET_REACHED[:2] + TARGET_REACHED[3:]).format(**c)
        expected = target * m / 12
        lagging = m >= 5 and v < target and v < 0.6 * expected
        if lagging and self.chance(0.75 if cid == BEHIND else 0.35):
            cause, kind = self.pick(LAG_CAUSES[ind.id])
            cause = cause.format(**c)
            lead = self.pick(BEHIND_CAUSES if m >= 8 else BEHIND_CAUSES[:1] + BEHIND_CAUSES[2:]) \
                if cid == BEHIND and kind == "build" else ""
            if lead and cause.startswith("受"):
                lead = ""
            measures = [t for t in MEASURES[kind] if m <= 10 or "{mm}" not in t]
            return lead + cause + self.pick([",", ";"]) + self.pick(measures).format(**c)
        if d > 0 and self.chance(0.45 if cid == AHEAD else 0.3):
            texts = PROGRESS_NOTES[ind.id][1 if d == 1 else 2]
            return self.pick(texts).format(**c)
        return ""

    def milestone_note(self, cid: str, ind: Indicator, m: int, rec: Rec, prev: Rec | None) -> str:
        c = self.ctx(cid, n=VILLAGES[cid] if ind.id.startswith("G04") else len(self.towns[cid]),
                     k=self.rng.randint(3, 60) if ind.id in ("G06-cishanri", "G09-tongban", "G03-dangjian",
                                                            "G10-shuangsuiji") else self.rng.randint(2, 6))
        just_done = rec.value == "是" and (prev is None or prev.value == "否")
        if just_done and ind.id in MILESTONE_DONE and self.chance(0.7):
            return self.pick(MILESTONE_DONE[ind.id]).format(**c)
        if rec.value == "否" and m >= 9 and ind.id in MILESTONE_LAG and self.chance(0.7 if cid == BEHIND else 0.4):
            return self.pick(MILESTONE_LAG[ind.id]).format(**c)
        return ""

    def level_note(self, cid: str, ind: Indicator, m: int, rec: Rec, prev: Rec | None) -> str:
        c = self.ctx(cid)
        if ind.id == "G02-dibao":
            before, after, step = self.dibao_step[cid]
            if m == step:
                return self.pick([f"自{m}月1日起低保标准由{before}元/月提高至{after}元/月",
                                  f"{c['lvl']}政府已发文,{m}月起城乡低保标准统一提高至每人每月{after}元",
                                  f"低保标准提高至{after}元/月({12 * after}元/年),{m}月起执行"])
            if cid == BEHIND and 7 <= m < step:
                return self.pick(["低保提标方案待县政府常务会议审议,预计10月起执行",
                                  "提标所需资金已列入县财政调整预算,正在走程序"])
            if m == step - 1 and self.chance(0.5):
                return f"提标方案已报{c['lvl']}政府审定"
            return ""
        if prev is not None and rec.value != prev.value and prev.value is not None:
            return self.pick([f"特困人员基本生活标准调整为低保标准的{fmt(rec.value)}倍",
                              "特困供养标准随低保标准同步调整"])
        return ""

    def ratio_note(self, cid: str, ind: Indicator, m: int, rec: Rec, prev: Rec | None) -> str:
        if prev is None or rec.num is None or prev.num is None:
            return ""
        k = rec.num - prev.num
        c = self.ctx(cid, k=k)
        if ind.id == "G03-huliyuan" and cid == "dongyang" and self.den_update and m == self.den_update[0]:
            return f"老年人口数按第七次人口普查结果更新为{rec.den}人"
        target = ind.county_target(cid) or 0
        below = rec.num / rec.den * (ind.scale or 1) < target
        if below and m >= 9 and ind.id in RATIO_LAG and self.chance(0.7 if cid == BEHIND else 0.25):
            return self.pick(RATIO_LAG[ind.id]).format(**c)
        if k <= 0 or not self.chance(0.45):
            return ""
        if ind.id == "G03-huliyuan":
            return self.pick(HULIYUAN_NOTES).format(**c)
        if ind.id == "G07-fugai":
            return (self.pick(FUGAI_NOTES) if k > 1 else FUGAI_NOTES[0]).format(**c)
        if ind.id == "G08-anzangdian":
            return (self.pick(ANZANGDIAN_NOTES) if k > 1 else self.pick(ANZANGDIAN_NOTES[:2])).format(**c)
        return "婚姻登记处完成场地改造,通过国家3A级评定"

    def city_note(self, ind: Indicator, m: int, rec: Rec, prev: Rec | None) -> str:
        c = self.ctx(CITY_ID, cname=self.pick([c.name for c in self.plan.counties[:-1]]),
                     k=self.rng.randint(3, 120))
        if ind.kind is Kind.COUNT:
            d = int(rec.value) - (int(prev.value) if prev else 0)
            return CITY_PROGRESS[ind.id].format(d=d, v=int(rec.value)) if d > 0 else ""
        if rec.value == "是" and (prev is None or prev.value == "否"):
            return CITY_DONE[ind.id].format(**c)
        if rec.value == "否" and ind.id in CITY_LAG and m >= 9:
            return self.pick(CITY_LAG[ind.id])
        return ""

    # ------------------------------------------------------------------ which rows each file has
    def files(self) -> dict[tuple[int, str], list[tuple[Indicator, Rec]]]:
        """(month, county) -> the rows of that file, in plan order (absent rows and files left out)."""
        out: dict[tuple[int, str], list[tuple[Indicator, Rec]]] = {}
        for m in MONTHS:
            for cid in [*self.county_ids, CITY_ID]:
                if (cid, m) in MISSING_FILES:
                    continue
                rows = []
                for ind in self.plan.indicators:
                    if (cid, ind.id) not in self.series:
                        continue
                    rec = self.series[(cid, ind.id)][m]
                    if (cid, ind.id) == NEVER_REPORTS:
                        if m in self.absent:
                            continue
                        rec = Rec(note=rec.note)
                    rows.append((ind, rec))
                out[(m, cid)] = rows
        return out


# ------------------------------------------------------------------------------------------------ rendering
def last_reported(series: dict[int, Rec], month: int, kind: Kind) -> str:
    for m in range(month - 1, 0, -1):
        rec = series.get(m)
        if rec is None or rec.blank:
            continue
        if kind is Kind.MILESTONE:  # as `mubiao form` shows it: 是 with its date, or 否
            text = f"是 {rec.done_on.isoformat()}" if rec.value == "是" and rec.done_on else rec.value
        elif kind is Kind.TASK:  # its stage
            text = rec.value
        else:
            text = f"{rec.num}/{rec.den}" if kind is Kind.RATIO else fmt(rec.value)
        return f"{text}({month_label(m)})"
    return ""


FULLWIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def typed(text: str, how: str, unit: str | None) -> str:
    if how == "fullwidth":
        return text.translate(FULLWIDTH)
    if how == "unit":
        return text + (unit or "")
    if how == "thousands":
        return f"{int(text):,}"
    raise ValueError(how)


@dataclass
class Row:
    """A row's cells as text, before a layout picks its columns."""

    county: str
    month: str
    indicator: str
    name: str
    unit: str
    target: float | str | None
    last: str
    guide: str
    value: str
    num: str
    den: str
    done_on: str
    note: str
    kind: Kind


def build_row(gen: Generator, cid: str, m: int, ind: Indicator, rec: Rec,
              sent: dict[tuple[str, str], dict[int, Rec]]) -> Row:
    target = ind.stages[-1] if ind.is_task else ind.target if cid == CITY_ID else ind.county_target(cid)
    cells = {
        "value": "" if ind.kind is Kind.RATIO else fmt(rec.value) if isinstance(rec.value, (int, float))
        else (rec.value or ""),
        "num": fmt(rec.num), "den": fmt(rec.den),
    }
    for column in cells:
        how = QUIRKS.get((cid, m, ind.id, {"num": "numerator", "den": "denominator"}.get(column, column)))
        if how and cells[column]:
            cells[column] = typed(cells[column], how, ind.unit)
    return Row(
        county=gen.names[cid], month=month_label(m), indicator=ind.id, name=ind.name, unit=ind.unit or "",
        target=target, last=last_reported(sent[(cid, ind.id)], m, ind.kind), guide=instructions(gen.plan, ind),
        value=cells["value"], num=cells["num"], den=cells["den"],
        done_on=rec.done_on.isoformat() if rec.done_on else "", note=rec.note, kind=ind.kind,
    )


def form_cells(row: Row) -> list[str]:
    # as `mubiao form` writes it: 完成 for a milestone, a task's last stage (已完成), else the number
    target = "完成" if row.kind is Kind.MILESTONE else row.target if row.kind is Kind.TASK else fmt(row.target)
    return [row.county, row.month, row.indicator, row.name, row.unit, target, row.last, row.guide,
            row.value, row.num, row.den, row.done_on, row.note]


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


FIXED_TIME = dt.datetime(2021, 6, 30, 9, 0, 0)


def xlsx_bytes(title: str, creator: str, rows: list[Row]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "6月填报"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FORM_HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(FORM_HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)

    def number(text: str):
        if not text:
            return None
        value = float(text)
        return int(value) if value.is_integer() else value

    for row in rows:
        value = row.value if row.value in ("是", "否") else number(row.value)
        done_on = dt.date.fromisoformat(row.done_on) if row.done_on else None
        sheet.append([row.county, row.month, row.indicator, row.name, row.unit or None,
                      "完成" if row.kind is Kind.MILESTONE else row.target if row.target is None
                      else number(fmt(row.target)), row.last or None, row.guide,
                      value, number(row.num), number(row.den), done_on, row.note or None])
    for letter, width in zip("ABCDEFGHIJKLM", (10, 10, 20, 40, 14, 10, 20, 26, 10, 10, 10, 12, 50)):
        sheet.column_dimensions[letter].width = width
    book.properties.creator = creator
    book.properties.lastModifiedBy = creator
    return stable_xlsx(book, FIXED_TIME, compress=False)  # stored: the bytes do not depend on zlib


def render(gen: Generator) -> dict[Path, bytes]:
    """Relative path -> file bytes, for every file of the sample workspace."""
    sent: dict[tuple[str, str], dict[int, Rec]] = {}
    files = gen.files()
    for (m, cid), rows in files.items():
        for ind, rec in rows:
            sent.setdefault((cid, ind.id), {})[m] = rec
    out: dict[Path, bytes] = {}
    for (m, cid), rows in files.items():
        period = f"{YEAR}-{m:02d}"
        built = [build_row(gen, cid, m, ind, rec, sent) for ind, rec in rows]
        if cid == "yiwu":
            table = [COMPACT_HEADER] + [[r.indicator, r.value, r.num, r.den, r.done_on, r.note] for r in built]
            out[Path(period, f"{cid}.csv")] = csv_bytes(table, "utf-8")
        elif cid == "jindong":
            table = [ALIAS_HEADER] + [[r.indicator, r.value, r.num, r.den, r.done_on, r.note] for r in built]
            out[Path(period, f"{cid}.csv")] = csv_bytes(table, "utf-8-sig")
        elif (cid, m) == XLSX_FILE:
            title = f"{gen.names[cid]}{month_label(m)}工作进度填报表"
            out[Path(period, f"{cid}.xlsx")] = xlsx_bytes(title, f"{gen.names[cid]}民政局", built)
        else:
            cells = [form_cells(r) for r in built]
            if any("|" in r.note for r in built):  # the new form: 存在问题 and 下步措施 beside the 备注
                cells = [row[:-1] + (row[-1].split("|") + ["", ""])[:3] for row in cells]
                table = [FORM_HEADER + ["存在问题", "下步措施"]] + cells
            else:
                table = [FORM_HEADER] + cells
            out[Path(period, f"{cid}.csv")] = csv_bytes(table, "gbk" if (cid, m) == GBK_FILE else "utf-8-sig")
    return dict(sorted(out.items()))


# ------------------------------------------------------------------------------------------------ self-check
def validate(gen: Generator, files: dict[tuple[int, str], list[tuple[Indicator, Rec]]]) -> None:
    """The rules `mubiao check` enforces on progress data, on the records before they are written."""
    problems = []
    ids = {ind.id for ind in gen.plan.indicators}
    last: dict[tuple[str, str], float] = {}
    for (m, cid), rows in sorted(files.items()):
        seen = set()
        for ind, rec in rows:
            where = f"{cid} {YEAR}-{m:02d} {ind.id}"
            if ind.id not in ids or ind.id in seen:
                problems.append(f"{where}: unknown or duplicate")
            seen.add(ind.id)
            if (cid == CITY_ID) != (ind.scope is Scope.CITY):
                problems.append(f"{where}: scope")
            if rec.note and rec.note[0] in "=+-@":
                problems.append(f"{where}: note starts with a formula character")
            if rec.blank:
                continue
            target = ind.target if cid == CITY_ID else ind.county_target(cid)
            if ind.is_task:
                if rec.value not in ind.stages or (rec.value == ind.stages[-1]) != (rec.done_on is not None):
                    problems.append(f"{where}: task {rec.value} {rec.done_on}")
                elif rec.done_on and (rec.done_on.year, rec.done_on.month) > (YEAR, m):
                    problems.append(f"{where}: done after the month")
                continue
            if ind.kind is Kind.MILESTONE:
                if rec.value not in ("是", "否") or (rec.value == "是") != (rec.done_on is not None):
                    problems.append(f"{where}: milestone {rec.value} {rec.done_on}")
                elif rec.done_on and (rec.done_on.year, rec.done_on.month) > (YEAR, m):
                    problems.append(f"{where}: done after the month")
                continue
            if ind.kind is Kind.RATIO:
                if not rec.den or rec.den <= 0 or rec.num < 0 or (ind.scale == 100 and rec.num > rec.den):
                    problems.append(f"{where}: ratio {rec.num}/{rec.den}")
                value = rec.num / rec.den * (ind.scale or 1)
            else:
                value = float(rec.value)
            if value < 0 or value > 10 * (target or 0) + 1e-9:
                problems.append(f"{where}: {value} against target {target}")
            if ind.kind is Kind.COUNT:
                if value < last.get((cid, ind.id), 0):
                    problems.append(f"{where}: cumulative count went down")
                last[(cid, ind.id)] = value
    if problems:
        raise SystemExit("make_sample: the generated data breaks the rules:\n  " + "\n  ".join(problems))


def check_storylines(gen: Generator) -> None:
    """The things data/README.md promises, so that a change of seed or shape cannot silently lose them."""
    s = gen.series
    for ind_id, value in WUCHENG_DECEMBER.items():
        assert s[("wucheng", ind_id)][12].value == value, ind_id
    assert s[("wucheng", "G02-dibao")][12].value == 12 * WUCHENG_DIBAO[1]
    assert (s[("wucheng", "G03-huliyuan")][12].num, s[("wucheng", "G03-huliyuan")][12].den) == WUCHENG_HULIYUAN
    assert (s[("wucheng", "G07-fugai")][12].num, s[("wucheng", "G07-fugai")][12].den) == (18, 18)
    for ind_id in WUCHENG_DONE:
        assert s[("wucheng", ind_id)][12].value == "是", ind_id
    for ind_id in WUCHENG_NOT_DONE:
        assert s[("wucheng", ind_id)][12].value == "否", ind_id
    counts = [ind for ind in gen.plan.indicators if ind.kind is Kind.COUNT and ind.scope is Scope.COUNTY]
    ahead = [i for i in counts if s[(AHEAD, i.id)][10].value >= (i.county_target(AHEAD) or 0)]
    assert len(ahead) > len(counts) // 2, "yiwu should have finished most counts by October"
    behind = [i for i in counts if s[(BEHIND, i.id)][12].value < (i.county_target(BEHIND) or 0)]
    assert len(behind) >= 3, "panan should end the year short on several counts"
    assert s[("lanxi", "G03-shilaohua")][12].value == 230  # the 230户 cell
    tasks = [ind.id for ind in gen.plan.indicators if ind.is_task]
    assert sorted(tasks) == sorted(TASKS), "every task of the plan, and only those, has its storyline in TASKS"
    not_done = {t for t in tasks if s[(CITY_ID, t)][12].value != "已完成"}
    assert not_done == TASKS_NOT_DONE and 2 <= len(not_done) <= 3, not_done
    assert all(s[(CITY_ID, t)][m].value != "未启动" for t in tasks for m in range(7, 13)), "未启动 after June"
    second_half = [t for t in tasks if t not in not_done and TASKS[t][1].month >= 7]
    assert len(second_half) > len(tasks) // 2, "most tasks are done in the second half"
    for t in not_done:  # the December note gives the cause and the next step
        assert "2022" in s[(CITY_ID, t)][12].note, t
    dibao = gen.plan.indicator("G02-dibao")
    for county in gen.plan.reporting_counties(dibao):  # every county raised its standard to the target in 2021
        assert s[(county.id, dibao.id)][1].value < dibao.county_target(county.id) <= s[(county.id, dibao.id)][12].value


# ------------------------------------------------------------------------------------------------ main
def generate(plan: Plan) -> tuple[Generator, dict[Path, bytes]]:
    gen = Generator(plan)
    gen.run()
    gen.write_notes()
    check_storylines(gen)
    validate(gen, gen.files())
    return gen, render(gen)


def write(out_dir: Path, files: dict[Path, bytes]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for child in sorted(out_dir.iterdir()):
        if child.is_dir() and re.fullmatch(r"\d{4}-\d{2}", child.name):
            shutil.rmtree(child)
    for relative, data in files.items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="output folder (default: data/<plan-id> in the repository)")
    args = parser.parse_args(argv)
    plan = load_plan(PLAN_PATH)
    out_dir = args.out or REPO / "data" / plan.id
    _, files = generate(plan)
    write(out_dir, files)
    print(f"wrote {len(files)} files to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
