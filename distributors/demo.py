"""A deterministic, bilingual demo data set: the partner network behind `manage.py seed_demo`.

One *network* is 40 distributors in a layered Japanese distribution chain (import agents,
primary, secondary and sub-wholesalers, retailer chains, 3PL, cold-chain, trucking and
e-commerce partners) with their contacts, about 18 months of touchpoints, alignment meetings,
advisory boards, goals with milestones and evaluations, and portal feedback. The first network
has hand-written names; `scale=N` adds networks 2..N with generated (but real-sounding) names.

Determinism: each network, and each distributor in it, draws from its own `random.Random`
seeded with a fixed string, and every date is an offset in days from today. Whatever decides
*how many* rows there are is drawn from those generators only, never from the calendar, so a
given scale always gives the same names and the same counts, on any day; and network k is the
same whether it is created alone or together with others.

Idempotence: a network is created only when none of its distributor codes exist yet; demo logins
are keyed by username. Running again, or with a larger scale, only adds what is missing.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from figures.demo import seed_figures
from meetings.models import (
    ActionItem,
    AgendaItem,
    AlignmentMeeting,
    Cadence,
    Touchpoint,
)
from milestones.models import (
    Goal,
    GoalAgreement,
    GoalChangeProposal,
    GoalVersion,
    Milestone,
    MilestoneEvaluation,
    MilestoneEvidence,
)
from prm import roles, signal_inputs
from prm.choices import Side
from prm.models import User

from .models import (
    Contact,
    Distributor,
    DistributorRole,
    DistributorStatus,
    Feedback,
    FeedbackReply,
    PortalInvitation,
    Prefecture,
    ProductCategory,
    SharedPlan,
    SharedPlanAcknowledgement,
)

SEED = "prm-demo-v1"
PASSWORD = "prm-demo"
NETWORK_SIZE = 40
BATCH_SIZE = 1000
HISTORY_DAYS = 545  # about 18 months of history

R = DistributorRole
S = DistributorStatus
SENIOR = Contact.Seniority.EXECUTIVE
MANAGER = Contact.Seniority.MANAGER
FRONT = Contact.Seniority.FRONT_LINE
TK = Touchpoint.Kind
MK = Milestone.Kind

# --------------------------------------------------------------------------------------------
# Reference words
# --------------------------------------------------------------------------------------------

CATEGORIES = {
    "FD": ("Frozen desserts", "冷凍デザート"),
    "CD": ("Chilled dairy", "チルド乳製品"),
    "SN": ("Snacks and confectionery", "スナック・菓子"),
    "BV": ("Beverages", "飲料"),
    "PB": ("Plant-based foods", "プラントベース食品"),
    "GS": ("Gift sets", "ギフトセット"),
    "HN": ("Health and nutrition", "健康・栄養食品"),
}

ROLE_CATEGORIES = {
    R.IMPORT_AGENT: ["FD", "CD", "SN", "BV", "PB", "GS", "HN"],
    R.PRIMARY_WHOLESALER: ["FD", "CD", "SN", "BV", "PB", "GS"],
    R.SECONDARY_WHOLESALER: ["FD", "CD", "SN", "BV", "GS"],
    R.SUB_WHOLESALER: ["SN", "BV", "CD"],
    R.RETAILER_CHAIN: ["FD", "CD", "SN", "BV", "PB", "HN"],
    R.THIRD_PARTY_LOGISTICS: ["SN", "BV", "GS"],
    R.TRUCKING: ["SN", "BV", "GS"],
    R.COLD_CHAIN: ["FD", "CD"],
    R.ECOMMERCE: ["GS", "SN", "HN", "PB", "FD"],
}

GROUP_OF_ROLE = {
    R.IMPORT_AGENT: "wholesale",
    R.PRIMARY_WHOLESALER: "wholesale",
    R.SECONDARY_WHOLESALER: "wholesale",
    R.SUB_WHOLESALER: "wholesale",
    R.RETAILER_CHAIN: "retail",
    R.THIRD_PARTY_LOGISTICS: "logistics",
    R.TRUCKING: "logistics",
    R.COLD_CHAIN: "logistics",
    R.ECOMMERCE: "ecommerce",
}


@dataclass(frozen=True)
class City:
    key: str
    en: str
    ja: str
    kana: str
    locality: str  # the municipal part of an address
    pref: int  # JIS code of the prefecture
    zip3: str
    area: str  # telephone area code


CITIES = [
    City(*row)
    for row in [
        ("sapporo", "Sapporo", "札幌", "サッポロ", "札幌市中央区", 1, "060", "011"),
        ("aomori", "Aomori", "青森", "アオモリ", "青森市", 2, "030", "017"),
        ("morioka", "Morioka", "盛岡", "モリオカ", "盛岡市", 3, "020", "019"),
        ("sendai", "Sendai", "仙台", "センダイ", "仙台市青葉区", 4, "980", "022"),
        ("akita", "Akita", "秋田", "アキタ", "秋田市", 5, "010", "018"),
        ("yamagata", "Yamagata", "山形", "ヤマガタ", "山形市", 6, "990", "023"),
        ("koriyama", "Koriyama", "郡山", "コオリヤマ", "郡山市", 7, "963", "024"),
        ("mito", "Mito", "水戸", "ミト", "水戸市", 8, "310", "029"),
        ("utsunomiya", "Utsunomiya", "宇都宮", "ウツノミヤ", "宇都宮市", 9, "320", "028"),
        ("takasaki", "Takasaki", "高崎", "タカサキ", "高崎市", 10, "370", "027"),
        ("omiya", "Omiya", "大宮", "オオミヤ", "さいたま市大宮区", 11, "330", "048"),
        ("chiba", "Chiba", "千葉", "チバ", "千葉市中央区", 12, "260", "043"),
        ("tokyo", "Tokyo", "東京", "トウキョウ", "中央区日本橋", 13, "103", "03"),
        ("yokohama", "Yokohama", "横浜", "ヨコハマ", "横浜市西区", 14, "220", "045"),
        ("niigata", "Niigata", "新潟", "ニイガタ", "新潟市中央区", 15, "950", "025"),
        ("toyama", "Toyama", "富山", "トヤマ", "富山市", 16, "930", "076"),
        ("kanazawa", "Kanazawa", "金沢", "カナザワ", "金沢市", 17, "920", "076"),
        ("fukui", "Fukui", "福井", "フクイ", "福井市", 18, "910", "0776"),
        ("kofu", "Kofu", "甲府", "コウフ", "甲府市", 19, "400", "055"),
        ("matsumoto", "Matsumoto", "松本", "マツモト", "松本市", 20, "390", "0263"),
        ("gifu", "Gifu", "岐阜", "ギフ", "岐阜市", 21, "500", "058"),
        ("shizuoka", "Shizuoka", "静岡", "シズオカ", "静岡市葵区", 22, "420", "054"),
        ("hamamatsu", "Hamamatsu", "浜松", "ハママツ", "浜松市中央区", 22, "430", "053"),
        ("nagoya", "Nagoya", "名古屋", "ナゴヤ", "名古屋市中村区", 23, "450", "052"),
        ("yokkaichi", "Yokkaichi", "四日市", "ヨッカイチ", "四日市市", 24, "510", "059"),
        ("otsu", "Otsu", "大津", "オオツ", "大津市", 25, "520", "077"),
        ("kyoto", "Kyoto", "京都", "キョウト", "京都市下京区", 26, "600", "075"),
        ("osaka", "Osaka", "大阪", "オオサカ", "大阪市北区", 27, "530", "06"),
        ("kobe", "Kobe", "神戸", "コウベ", "神戸市中央区", 28, "650", "078"),
        ("nara", "Nara", "奈良", "ナラ", "奈良市", 29, "630", "0742"),
        ("wakayama", "Wakayama", "和歌山", "ワカヤマ", "和歌山市", 30, "640", "073"),
        ("tottori", "Tottori", "鳥取", "トットリ", "鳥取市", 31, "680", "0857"),
        ("matsue", "Matsue", "松江", "マツエ", "松江市", 32, "690", "0852"),
        ("okayama", "Okayama", "岡山", "オカヤマ", "岡山市北区", 33, "700", "086"),
        ("kurashiki", "Kurashiki", "倉敷", "クラシキ", "倉敷市", 33, "710", "086"),
        ("hiroshima", "Hiroshima", "広島", "ヒロシマ", "広島市中区", 34, "730", "082"),
        ("shimonoseki", "Shimonoseki", "下関", "シモノセキ", "下関市", 35, "750", "083"),
        ("tokushima", "Tokushima", "徳島", "トクシマ", "徳島市", 36, "770", "088"),
        ("takamatsu", "Takamatsu", "高松", "タカマツ", "高松市", 37, "760", "087"),
        ("matsuyama", "Matsuyama", "松山", "マツヤマ", "松山市", 38, "790", "089"),
        ("kochi", "Kochi", "高知", "コウチ", "高知市", 39, "780", "088"),
        ("fukuoka", "Fukuoka", "福岡", "フクオカ", "福岡市博多区", 40, "812", "092"),
        (
            "kitakyushu",
            "Kitakyushu",
            "北九州",
            "キタキュウシュウ",
            "北九州市小倉北区",
            40,
            "802",
            "093",
        ),
        ("saga", "Saga", "佐賀", "サガ", "佐賀市", 41, "840", "0952"),
        ("nagasaki", "Nagasaki", "長崎", "ナガサキ", "長崎市", 42, "850", "095"),
        ("kumamoto", "Kumamoto", "熊本", "クマモト", "熊本市中央区", 43, "860", "096"),
        ("oita", "Oita", "大分", "オオイタ", "大分市", 44, "870", "097"),
        ("miyazaki", "Miyazaki", "宮崎", "ミヤザキ", "宮崎市", 45, "880", "0985"),
        ("kagoshima", "Kagoshima", "鹿児島", "カゴシマ", "鹿児島市", 46, "890", "099"),
        ("naha", "Naha", "那覇", "ナハ", "那覇市", 47, "900", "098"),
    ]
]
CITY = {c.key: c for c in CITIES}
HUB_PREFECTURES = (13, 27, 23, 40)  # Tokyo, Osaka, Aichi, Fukuoka

# Words that generated company names are made of: (English, kanji, kana).
NAME_ROOTS = [
    ("Asahi", "朝日", "アサヒ"),
    ("Aoi", "葵", "アオイ"),
    ("Hikari", "光", "ヒカリ"),
    ("Kaede", "楓", "カエデ"),
    ("Matsuba", "松葉", "マツバ"),
    ("Izumi", "泉", "イズミ"),
    ("Tachibana", "橘", "タチバナ"),
    ("Wakaba", "若葉", "ワカバ"),
    ("Tokiwa", "常磐", "トキワ"),
    ("Yamabuki", "山吹", "ヤマブキ"),
    ("Kikyo", "桔梗", "キキョウ"),
    ("Hinode", "日の出", "ヒノデ"),
    ("Marufuku", "丸福", "マルフク"),
    ("Daiichi", "第一", "ダイイチ"),
    ("Sanwa", "三和", "サンワ"),
    ("Kyoei", "共栄", "キョウエイ"),
    ("Chuo", "中央", "チュウオウ"),
    ("Nishiki", "錦", "ニシキ"),
    ("Kotobuki", "寿", "コトブキ"),
    ("Ginga", "銀河", "ギンガ"),
    ("Seiryu", "清流", "セイリュウ"),
    ("Tsubaki", "椿", "ツバキ"),
    ("Hotaru", "蛍", "ホタル"),
    ("Akebono", "曙", "アケボノ"),
    ("Sumire", "菫", "スミレ"),
    ("Momiji", "紅葉", "モミジ"),
    ("Shinsei", "新生", "シンセイ"),
    ("Mizuho", "瑞穂", "ミズホ"),
    ("Hokuto", "北斗", "ホクト"),
    ("Marusan", "丸三", "マルサン"),
    ("Yamaichi", "山一", "ヤマイチ"),
    ("Toyo", "東洋", "トウヨウ"),
    ("Taiyo", "太陽", "タイヨウ"),
    ("Meiwa", "明和", "メイワ"),
    ("Seiwa", "清和", "セイワ"),
    ("Hanabishi", "花菱", "ハナビシ"),
    ("Kinsei", "金星", "キンセイ"),
    ("Fukuju", "福寿", "フクジュ"),
]

NAME_SUFFIXES = {
    R.IMPORT_AGENT: [
        ("Boeki", "貿易", "ボウエキ"),
        ("Overseas Trading", "海外商事", "カイガイショウジ"),
        ("International", "インターナショナル", "インターナショナル"),
    ],
    R.PRIMARY_WHOLESALER: [
        ("Trading", "商事", "ショウジ"),
        ("Bussan", "物産", "ブッサン"),
        ("Foods", "食品", "ショクヒン"),
    ],
    R.SECONDARY_WHOLESALER: [
        ("Shoji", "商事", "ショウジ"),
        ("Shoten", "商店", "ショウテン"),
        ("Food Wholesale", "食品卸", "ショクヒンオロシ"),
    ],
    R.SUB_WHOLESALER: [
        ("Shoten", "商店", "ショウテン"),
        ("Wholesale", "卸売", "オロシウリ"),
        ("Sangyo", "産業", "サンギョウ"),
    ],
    R.RETAILER_CHAIN: [
        ("Supermarket", "スーパー", "スーパー"),
        ("Store", "ストア", "ストア"),
        ("Drug", "ドラッグ", "ドラッグ"),
        ("Mart", "マート", "マート"),
        ("Department Store", "百貨店", "ヒャッカテン"),
    ],
    R.THIRD_PARTY_LOGISTICS: [
        ("Logistics", "物流", "ブツリュウ"),
        ("Logi Service", "ロジサービス", "ロジサービス"),
        ("Warehouse", "倉庫", "ソウコ"),
    ],
    R.TRUCKING: [
        ("Transport", "運輸", "ウンユ"),
        ("Express", "急便", "キュウビン"),
        ("Freight", "運送", "ウンソウ"),
    ],
    R.COLD_CHAIN: [
        ("Cold Storage", "冷蔵", "レイゾウ"),
        ("Frozen Logistics", "冷凍物流", "レイトウブツリュウ"),
        ("Cold Chain", "コールドチェーン", "コールドチェーン"),
    ],
    R.ECOMMERCE: [
        ("Online", "オンライン", "オンライン"),
        ("Direct", "ダイレクト", "ダイレクト"),
        ("Net Shop", "ネットショップ", "ネットショップ"),
    ],
}

FAMILY_NAMES = [
    ("Sato", "佐藤", "サトウ"),
    ("Suzuki", "鈴木", "スズキ"),
    ("Takahashi", "高橋", "タカハシ"),
    ("Tanaka", "田中", "タナカ"),
    ("Watanabe", "渡辺", "ワタナベ"),
    ("Ito", "伊藤", "イトウ"),
    ("Yamamoto", "山本", "ヤマモト"),
    ("Nakamura", "中村", "ナカムラ"),
    ("Kobayashi", "小林", "コバヤシ"),
    ("Kato", "加藤", "カトウ"),
    ("Yoshida", "吉田", "ヨシダ"),
    ("Yamada", "山田", "ヤマダ"),
    ("Sasaki", "佐々木", "ササキ"),
    ("Yamaguchi", "山口", "ヤマグチ"),
    ("Matsumoto", "松本", "マツモト"),
    ("Inoue", "井上", "イノウエ"),
    ("Kimura", "木村", "キムラ"),
    ("Hayashi", "林", "ハヤシ"),
    ("Shimizu", "清水", "シミズ"),
    ("Yamazaki", "山崎", "ヤマザキ"),
    ("Abe", "阿部", "アベ"),
    ("Ikeda", "池田", "イケダ"),
    ("Hashimoto", "橋本", "ハシモト"),
    ("Yamashita", "山下", "ヤマシタ"),
    ("Ishikawa", "石川", "イシカワ"),
    ("Nakajima", "中島", "ナカジマ"),
    ("Maeda", "前田", "マエダ"),
    ("Fujita", "藤田", "フジタ"),
    ("Ogawa", "小川", "オガワ"),
    ("Goto", "後藤", "ゴトウ"),
    ("Okada", "岡田", "オカダ"),
    ("Hasegawa", "長谷川", "ハセガワ"),
    ("Murakami", "村上", "ムラカミ"),
    ("Kondo", "近藤", "コンドウ"),
    ("Ishii", "石井", "イシイ"),
    ("Saito", "斎藤", "サイトウ"),
    ("Sakamoto", "坂本", "サカモト"),
    ("Endo", "遠藤", "エンドウ"),
    ("Aoki", "青木", "アオキ"),
    ("Fujii", "藤井", "フジイ"),
    ("Nishimura", "西村", "ニシムラ"),
    ("Fukuda", "福田", "フクダ"),
    ("Miura", "三浦", "ミウラ"),
    ("Okamoto", "岡本", "オカモト"),
    ("Matsuda", "松田", "マツダ"),
    ("Nakagawa", "中川", "ナカガワ"),
]

GIVEN_NAMES = [
    ("Hiroshi", "浩", "ヒロシ"),
    ("Takeshi", "健", "タケシ"),
    ("Kenji", "健二", "ケンジ"),
    ("Makoto", "誠", "マコト"),
    ("Daisuke", "大輔", "ダイスケ"),
    ("Shota", "翔太", "ショウタ"),
    ("Yuto", "悠斗", "ユウト"),
    ("Kazuki", "和樹", "カズキ"),
    ("Naoki", "直樹", "ナオキ"),
    ("Tetsuya", "哲也", "テツヤ"),
    ("Ryo", "亮", "リョウ"),
    ("Satoshi", "聡", "サトシ"),
    ("Masahiro", "雅弘", "マサヒロ"),
    ("Koji", "浩二", "コウジ"),
    ("Yusuke", "祐介", "ユウスケ"),
    ("Takuya", "拓也", "タクヤ"),
    ("Akira", "明", "アキラ"),
    ("Osamu", "修", "オサム"),
    ("Shinji", "伸二", "シンジ"),
    ("Yoko", "洋子", "ヨウコ"),
    ("Keiko", "恵子", "ケイコ"),
    ("Naomi", "直美", "ナオミ"),
    ("Mika", "美香", "ミカ"),
    ("Aya", "彩", "アヤ"),
    ("Misaki", "美咲", "ミサキ"),
    ("Sayaka", "さやか", "サヤカ"),
    ("Tomoko", "智子", "トモコ"),
    ("Yumi", "由美", "ユミ"),
    ("Emi", "恵美", "エミ"),
    ("Megumi", "恵", "メグミ"),
    ("Akiko", "明子", "アキコ"),
    ("Kaori", "香織", "カオリ"),
    ("Rie", "理恵", "リエ"),
    ("Nanami", "七海", "ナナミ"),
    ("Asuka", "明日香", "アスカ"),
    ("Chihiro", "千尋", "チヒロ"),
    ("Junko", "純子", "ジュンコ"),
]

TITLES = {
    SENIOR: {
        "any": [
            ("代表取締役社長", "President & CEO"),
            ("代表取締役", "President"),
            ("専務取締役", "Senior Managing Director"),
            ("常務取締役 営業本部長", "Managing Director, Sales"),
        ],
        "logistics": [("取締役 物流本部長", "Director, Logistics Operations")],
        "ecommerce": [("取締役 EC事業部長", "Director, E-commerce")],
        "retail": [("取締役 商品本部長", "Director, Merchandising")],
        "wholesale": [("取締役 営業部長", "Director, Sales")],
    },
    MANAGER: {
        "wholesale": [
            ("営業部長", "Sales General Manager"),
            ("商品部 課長", "Merchandising Manager"),
            ("営業企画部 課長", "Sales Planning Manager"),
            ("物流部長", "Logistics Manager"),
        ],
        "retail": [
            ("商品部 バイヤー課長", "Buying Manager"),
            ("販促企画課長", "Promotion Manager"),
            ("店舗運営部長", "Store Operations Manager"),
        ],
        "logistics": [
            ("センター長", "Distribution Centre Manager"),
            ("運行管理課長", "Operations Manager"),
            ("品質管理課長", "Quality Manager"),
        ],
        "ecommerce": [
            ("EC運営マネージャー", "E-commerce Manager"),
            ("マーケティング課長", "Marketing Manager"),
        ],
    },
    FRONT: {
        "wholesale": [
            ("営業担当", "Sales Representative"),
            ("受発注担当", "Order Desk"),
            ("倉庫主任", "Warehouse Supervisor"),
        ],
        "retail": [("バイヤー", "Buyer"), ("店長", "Store Manager"), ("売場担当", "Floor Staff")],
        "logistics": [
            ("配車担当", "Dispatcher"),
            ("ドライバー主任", "Lead Driver"),
            ("倉庫主任", "Warehouse Supervisor"),
        ],
        "ecommerce": [
            ("カスタマーサポート", "Customer Support"),
            ("商品登録担当", "Listing Specialist"),
        ],
    },
}

SITES = {
    "wholesale": ("distribution centre", "物流センター"),
    "retail": ("flagship store", "旗艦店"),
    "logistics": ("warehouse", "倉庫"),
    "ecommerce": ("fulfilment centre", "フルフィルメントセンター"),
}

SEASONS = [
    ("Golden Week", "ゴールデンウィーク"),
    ("Obon", "お盆"),
    ("year-end and New Year", "年末年始"),
    ("Ochugen summer gift", "お中元"),
    ("Oseibo year-end gift", "お歳暮"),
    ("cherry-blossom", "お花見"),
]

# (English, Japanese, month, weekday (Mon=0), n-th) of the trade shows the demo refers to.
TRADE_SHOWS = [
    ("FOODEX JAPAN", "FOODEX JAPAN", 3, 1, 2),
    ("Supermarket Trade Show", "スーパーマーケット・トレードショー", 2, 2, 2),
    ("Gift Show Tokyo", "東京インターナショナル・ギフト・ショー", 9, 2, 1),
    ("Japan Drugstore Show", "ジャパンドラッグストアショー", 8, 4, 3),
]

# (English, Japanese, month, day): when each seasonal peak must be ready.
SEASONAL_PEAKS = [
    ("Golden Week", "ゴールデンウィーク", 4, 15),
    ("Obon", "お盆", 7, 31),
    ("Year-end and New Year", "年末年始", 12, 1),
]

# The season a local campaign around a given month would be about.
SEASON_OF_MONTH = {
    1: ("winter", "冬"),
    2: ("winter", "冬"),
    3: ("cherry-blossom", "お花見"),
    4: ("cherry-blossom", "お花見"),
    5: ("Golden Week", "ゴールデンウィーク"),
    6: ("Ochugen summer gift", "お中元"),
    7: ("Ochugen summer gift", "お中元"),
    8: ("Obon", "お盆"),
    9: ("autumn harvest", "秋の味覚"),
    10: ("autumn harvest", "秋の味覚"),
    11: ("Oseibo year-end gift", "お歳暮"),
    12: ("Oseibo year-end gift", "お歳暮"),
}

PLATFORMS = [
    ("Rakuten Ichiba", "楽天市場"),
    ("Amazon.co.jp", "Amazon.co.jp"),
    ("Yahoo! Shopping", "Yahoo!ショッピング"),
    ("the partner's own web shop", "自社ECサイト"),
]

# --------------------------------------------------------------------------------------------
# Sentences. Each is (English, Japanese); placeholders are filled from `_Words`.
# --------------------------------------------------------------------------------------------

OPENERS = {
    TK.SITE_VISIT: [
        (
            "Visited the {city} {site} with {san} and walked the picking lines.",
            "{san_ja}の案内で{city_ja}の{site_ja}を見学し、ピッキングラインを一緒に回った。",
        ),
        (
            "Site visit in {city}: {san} showed us the new racking and the inbound dock.",
            "{city_ja}の{site_ja}を訪問。{san_ja}から新しいラックと入荷バースの説明を受けた。",
        ),
        (
            "Half a day at the {site} in {city} with {san}.",
            "{city_ja}の{site_ja}で{san_ja}と半日過ごした。",
        ),
    ],
    TK.STORE_VISIT: [
        (
            "Store walk in {city} with {san}; checked the shelf position of the {category} range.",
            "{san_ja}と{city_ja}の店舗を巡回し、{category_ja}の棚位置を確認。",
        ),
        (
            "Visited three stores around {city} station with {san}.",
            "{san_ja}と{city_ja}駅周辺の3店舗を訪問。",
        ),
        (
            "Joined {san} on a Saturday store check in {city}.",
            "{city_ja}で{san_ja}の土曜日の店舗チェックに同行。",
        ),
    ],
    TK.EXECUTIVE_MEAL: [
        (
            "Dinner in {city} with {san} and their leadership team.",
            "{city_ja}で{san_ja}と経営陣の方々と会食。",
        ),
        ("Lunch with {san} near their head office.", "本社近くで{san_ja}とランチ。"),
        (
            "Evening meal with {san}; a long, relaxed conversation about the next three years.",
            "{san_ja}と夕食。今後3年間について、ゆっくり話ができた。",
        ),
    ],
    TK.TRADE_SHOW: [
        (
            "Met {san} at {show}; they spent half an hour at our booth.",
            "{show_ja}で{san_ja}にお会いした。当社ブースに30分ほど滞在。",
        ),
        (
            "Quick chat with {san} at {show} between appointments.",
            "{show_ja}の会場で{san_ja}と立ち話。",
        ),
    ],
    TK.CALL: [
        ("Phone call with {san}.", "{san_ja}と電話。"),
        (
            "{san} called about the next delivery window.",
            "次回の納品枠について{san_ja}から電話。",
        ),
        (
            "Short call with {san} to follow up on last week's visit.",
            "先週の訪問のフォローで{san_ja}に電話。",
        ),
    ],
    TK.VIDEO_CALL: [
        ("Video call with {san} and their team.", "{san_ja}のチームとビデオ会議。"),
        (
            "Online call with {san} to go through the {season} plan.",
            "{san_ja}とオンラインで{season_ja}のプランを確認。",
        ),
    ],
}

TOPICS = {
    "wholesale": [
        (
            "We discussed how the {category} range is moving through their secondary wholesalers.",
            "{category_ja}が二次卸経由でどう動いているかを議論。",
        ),
        (
            "They want earlier sight of our promotion calendar to brief their sales reps.",
            "営業担当への説明のため、販促カレンダーを早めに共有してほしいとの要望。",
        ),
        (
            "We talked about returns handling and the new carton labels.",
            "返品処理と新しい外箱ラベルについて話した。",
        ),
        (
            "We reviewed listings with the regional supermarket chains they serve.",
            "取引先の地域スーパーでの採用状況を確認。",
        ),
        (
            "They asked about our allocation for the {season} season.",
            "{season_ja}シーズンの割当について質問があった。",
        ),
        (
            "Sell-through by prefecture: {place} is growing fastest.",
            "県別の消化状況を共有。{place_ja}の伸びが最も大きい。",
        ),
    ],
    "retail": [
        (
            "Shelf execution is good in the flagship stores and weaker in suburban ones.",
            "旗艦店の棚作りは良いが、郊外店はまだ弱い。",
        ),
        (
            "The buying team wants a smaller pack size for convenience shoppers.",
            "バイヤーは少量パックを希望している。",
        ),
        (
            "We talked through the end-cap plan for the {season} season.",
            "{season_ja}向けのエンド展開について話した。",
        ),
        (
            "They are reviewing the {category} planogram; a chance to gain a facing.",
            "{category_ja}の棚割りを見直し中で、フェイス拡大のチャンスがある。",
        ),
        (
            "Tasting event results: good repeat purchase among families.",
            "試食イベントの結果を共有。ファミリー層のリピートが良好。",
        ),
    ],
    "logistics": [
        (
            "We reviewed on-time delivery for last month: two late arrivals into {place}.",
            "先月の定時配送を確認。{place_ja}向けで遅延が2件。",
        ),
        (
            "We talked about driver shortages and the 2024 overtime rules.",
            "ドライバー不足と2024年問題（時間外労働の上限規制）について議論。",
        ),
        (
            "We went through the temperature logs of the chilled route.",
            "チルド便の温度記録を一緒に確認。",
        ),
        (
            "They proposed sharing trucks with another shipper to raise load factors.",
            "積載率向上のため、他荷主との共同配送を提案された。",
        ),
        (
            "We discussed peak capacity for {season}.",
            "{season_ja}の繁忙期の輸送能力について協議。",
        ),
    ],
    "ecommerce": [
        (
            "We reviewed product-page conversion and customer reviews.",
            "商品ページの転換率とレビューを確認。",
        ),
        (
            "They want exclusive gift bundles for the {season} season.",
            "{season_ja}向けの限定ギフトセットを希望。",
        ),
        (
            "We talked about rising shipping costs and the free-shipping threshold.",
            "送料の値上がりと送料無料ラインについて話した。",
        ),
        (
            "We discussed a joint campaign for Rakuten's Super Sale.",
            "楽天スーパーSALEでの共同キャンペーンを検討。",
        ),
    ],
}

MOOD_LINES = {
    Touchpoint.Mood.POSITIVE: [
        (
            "Good energy; they are keen to do more together.",
            "前向きな雰囲気で、一緒にもっと取り組みたいとのこと。",
        ),
        (
            "Clear appreciation for our faster replies.",
            "当社の返答が早くなったことに感謝された。",
        ),
        (
            "{san} was relaxed and open; several ideas came from their side.",
            "{san_ja}はリラックスしており、先方から複数のアイデアが出た。",
        ),
        ("They proposed the next step themselves.", "次のステップを先方から提案してくれた。"),
    ],
    Touchpoint.Mood.NEUTRAL: [
        (
            "Business-like; nothing new, the relationship is steady.",
            "事務的な打ち合わせ。大きな変化はなく、関係は安定している。",
        ),
        (
            "Polite but brief; they are busy with the fiscal year-end.",
            "丁寧だが短時間。決算期で多忙な様子。",
        ),
        (
            "Mostly operational topics; follow up on the open points next month.",
            "主に実務的な話題。未決事項は来月フォローする。",
        ),
    ],
    Touchpoint.Mood.CONCERN: [
        ("A tense moment when prices came up.", "価格の話になると緊張感があった。"),
        (
            "{san} said twice that last season's allocation hurt them.",
            "{san_ja}は前シーズンの割当で苦労したと二度述べた。",
        ),
        (
            "They were unusually quiet and the answers were short.",
            "いつになく口数が少なく、返答も短かった。",
        ),
        (
            "Some frustration about slow answers from our headquarters.",
            "本社からの回答の遅さに不満が見られた。",
        ),
    ],
}

UNSPOKEN = [
    (
        "Sensed hesitation about the price revision; {san} changed the subject twice.",
        "価格改定の話題で{san_ja}が二度話題を変えた。ためらいを感じた。",
    ),
    (
        "Competitor samples on the meeting-room shelf: they may be talking to another brand.",
        "会議室に競合品のサンプルがあった。他ブランドと話している可能性。",
    ),
    (
        "The younger staff seemed worried about workload; nobody said it directly.",
        "若手社員が業務量を心配している様子。誰も直接は言わなかった。",
    ),
    (
        "I think the president is not yet fully convinced.",
        "社長はまだ完全には納得していないように感じた。",
    ),
    (
        "A change at the top may be coming; {san} hinted at 'new leadership next year'.",
        "経営交代の可能性。{san_ja}が「来年は新体制」とほのめかした。",
    ),
    (
        "They may feel we favour the bigger wholesalers.",
        "当社が大手卸を優遇していると感じているかもしれない。",
    ),
    (
        "Cash-flow pressure? Payment terms came up indirectly.",
        "資金繰りが厳しいのかもしれない。支払条件の話が間接的に出た。",
    ),
    (
        "The warehouse team looked stretched; year-end overtime was mentioned only in passing.",
        "倉庫チームが疲弊している様子。年末の残業には軽く触れただけだった。",
    ),
    (
        "They seem to want more recognition from our executives.",
        "当社経営陣からの評価をもっと求めているように感じる。",
    ),
    (
        "Unclear whether the new buyer has the mandate to decide.",
        "新任バイヤーに決裁権があるかは不明。",
    ),
]

MARKET_TRENDS = [
    (
        "Premium frozen desserts keep growing in urban supermarkets; discounters cut facings.",
        "都市部のスーパーでプレミアム冷凍デザートが伸長。ディスカウント店はフェイスを削減。",
    ),
    (
        "Consumers trade down on everyday items but still buy gifts for Ochugen and Oseibo.",
        "日常品は節約志向だが、お中元・お歳暮のギフト需要は堅調。",
    ),
    (
        "Inbound tourism lifts sales around stations and airports in {place}.",
        "インバウンド需要で{place_ja}の駅・空港周辺の売上が伸びている。",
    ),
    (
        "Drugstores keep expanding their food aisles, especially in Kansai.",
        "ドラッグストアが食品売場を拡大しており、特に関西で顕著。",
    ),
    (
        "Logistics costs keep rising with the 2024 overtime rules for drivers.",
        "ドライバーの時間外労働規制（2024年問題）で物流コストが上昇し続けている。",
    ),
    (
        "Online gift sales peaked earlier than last year.",
        "オンラインのギフト販売は昨年より早くピークを迎えた。",
    ),
    (
        "Plant-based products are still niche outside Tokyo and Osaka.",
        "プラントベース商品は東京・大阪以外ではまだニッチ。",
    ),
    (
        "Private-label competition is strongest in chilled dairy.",
        "チルド乳製品ではPB商品との競合が最も激しい。",
    ),
]

FEEDBACK_MINUTES = [
    (
        "Their sales reps find the Japanese product sheets too long; one page would help.",
        "営業担当からは日本語の商品資料が長すぎるとの声。1枚にまとめてほしい。",
    ),
    (
        "Retail buyers like the new packaging but ask for clearer allergen labelling.",
        "小売バイヤーは新パッケージを評価。ただしアレルゲン表示をより明確にしてほしい。",
    ),
    (
        "Lead times from our regional hub are too long for the year-end peak.",
        "地域拠点からのリードタイムが年末の繁忙期には長すぎる。",
    ),
    (
        "They value the joint store visits and would like one every quarter.",
        "合同店舗訪問を評価しており、四半期に一度は実施したい。",
    ),
    (
        "Minimum order quantities are hard on their smaller customers.",
        "最低発注数量が小規模な取引先には厳しい。",
    ),
    (
        "Damage rates improved after the new carton design.",
        "新しい外箱に変えてから破損率が改善した。",
    ),
]

JOINT_LEARNING = [
    (
        "In-store tastings work better on weekday afternoons than at weekends.",
        "店頭試食は週末より平日午後の方が効果的。",
    ),
    (
        "Regional flavours sell better when the story is told on the shelf.",
        "地域限定フレーバーは、棚で背景を伝えると売れ行きが良い。",
    ),
    (
        "Sharing the promotion plan eight weeks ahead avoids out-of-stocks.",
        "販促計画を8週間前に共有すると欠品を防げる。",
    ),
    (
        "A smaller first order lowered the risk for new doors and sped up listings.",
        "初回発注を小さくすると新規店舗のリスクが下がり、採用が早まった。",
    ),
    (
        "Temperature loggers on every pallet made claims discussions factual.",
        "全パレットに温度ロガーを付けたことで、クレームの議論が事実に基づくものになった。",
    ),
    (
        "Both sides underestimated Golden Week demand in resort areas.",
        "両社ともリゾート地のゴールデンウィーク需要を過小評価していた。",
    ),
]

DECISIONS = [
    (
        "Run a two-store pilot of the smaller pack before the summer.",
        "夏前に少量パックの2店舗パイロットを実施する。",
    ),
    (
        "Share the promotion calendar for the next two quarters by the end of the month.",
        "今月末までに次の2四半期分の販促カレンダーを共有する。",
    ),
    (
        "Meet every two months while the pilot runs.",
        "パイロット期間中は隔月で定例会議を行う。",
    ),
    ("Prepare a joint booth plan for FOODEX JAPAN.", "FOODEX JAPANの共同出展計画を準備する。"),
    (
        "Add a second delivery window for {place} stores during Obon.",
        "お盆期間中、{place_ja}の店舗向けに第2納品枠を追加する。",
    ),
    (
        "Review minimum order quantities for sub-wholesalers.",
        "二次・三次卸向けの最低発注数量を見直す。",
    ),
    (
        "Postpone the price revision for chilled items to October.",
        "チルド商品の価格改定を10月に延期する。",
    ),
]

AGENDA = {
    Side.OURS: [
        (
            "Review of last quarter: what worked, what did not",
            "前四半期の振り返り：うまくいったこと・いかなかったこと",
        ),
        ("Market trends in {place}", "{place_ja}の市場動向"),
        ("Progress on our shared goals", "共通目標の進捗"),
        ("{season} readiness", "{season_ja}に向けた準備"),
        ("New products for next season", "来シーズンの新商品"),
        ("Promotion calendar for the next two quarters", "今後2四半期の販促カレンダー"),
        ("Logistics: lead times and delivery windows", "物流：リードタイムと納品枠"),
    ],
    Side.DISTRIBUTOR: [
        ("Allocation for the {season} season", "{season_ja}シーズンの割当"),
        ("Request: a smaller pack size for convenience stores", "要望：コンビニ向け少量パック"),
        ("Point-of-sale materials in Japanese", "日本語の販促物"),
        ("Payment terms for new retail accounts", "新規小売取引先の支払条件"),
        ("Feedback from our sales reps", "当社営業担当からのフィードバック"),
        ("Joint visits to key accounts", "主要取引先への同行訪問"),
        ("Damage and claims handling", "破損・クレーム対応"),
    ],
}

AGENDA_DETAILS = (
    "Ten minutes; please bring the figures for {place}.",
    "{place_ja}の数字をご用意ください（10分）。",
)

ACTIONS = {
    Side.OURS: [
        (
            "Send the one-page product sheets in Japanese",
            "日本語の1枚版商品資料を送付する",
        ),
        ("Confirm the allocation for the {season} season", "{season_ja}シーズンの割当を確定する"),
        (
            "Share the promotion calendar for the next two quarters",
            "今後2四半期の販促カレンダーを共有する",
        ),
        ("Arrange samples for the buyer tasting", "バイヤー試食用のサンプルを手配する"),
        ("Check lead-time options from the regional hub", "地域拠点からのリードタイム案を確認する"),
        ("Book joint booth space at FOODEX JAPAN", "FOODEX JAPANの共同ブースを予約する"),
        ("Send the sell-through summary by prefecture", "県別の消化状況サマリーを送付する"),
    ],
    Side.DISTRIBUTOR: [
        ("Share the store list for the pilot", "パイロット対象の店舗リストを共有する"),
        ("Confirm delivery windows for Obon", "お盆期間の納品枠を確定する"),
        (
            "Collect feedback from the sales reps on the new pack",
            "新パッケージについて営業担当の意見を集める",
        ),
        ("Send the temperature logs for last quarter", "前四半期の温度記録を送付する"),
        ("Introduce the new buyer to our team", "新任バイヤーを紹介する"),
        ("Propose dates for the joint store visit", "同行店舗訪問の候補日を提案する"),
        (
            "Confirm warehouse capacity for the year-end peak",
            "年末繁忙期の倉庫キャパシティを確認する",
        ),
    ],
}

COMPLETION_NOTES = [
    ("Done and confirmed by e-mail.", "完了。メールで確認済み。"),
    ("Shared in the portal.", "ポータルで共有済み。"),
    ("Done; discussed at the following meeting.", "完了。次回の会議で共有した。"),
]

GOALS = {
    "wholesale": [
        (
            "Open the Kansai drugstore channel",
            "関西ドラッグストア販路の開拓",
            "List the core range with two regional drugstore chains through their network.",
            "Drugstores are expanding their food aisles and we are absent there today.",
            "Listed with two chains, around 150 doors, by the end of the horizon.",
        ),
        (
            "Grow sub-wholesaler coverage in {place}",
            "{place_ja}の二次・三次卸カバー率の拡大",
            "Reach the independent supermarkets in {place} through two more sub-wholesalers.",
            "Independent stores are loyal and under-served by the national wholesalers.",
            "Two more sub-wholesalers ordering every month.",
        ),
        (
            "Make the year-end gift season predictable",
            "年末ギフト商戦の安定化",
            "Agree allocation, forecasts and delivery windows for Oseibo by September.",
            "Both sides lost sales last year to late allocation and out-of-stocks.",
            "No out-of-stock week in December, as both sides see it.",
        ),
        (
            "Build a regional flavour line with local sourcing",
            "地元素材を使った地域限定フレーバーの展開",
            "Develop one flavour with a local ingredient from {place} and launch it regionally.",
            "Local stories sell well and strengthen the distributor's position with retailers.",
            "One regional flavour on shelf in the region.",
        ),
    ],
    "retail": [
        (
            "Launch the frozen dessert range in 40 stores",
            "冷凍デザートを40店舗で展開",
            "Bring the frozen dessert range into 40 of their stores, starting with the flagships.",
            "Premium frozen desserts are the fastest-growing category in their stores.",
            "On shelf in 40 stores with a repeat rate both sides find healthy.",
        ),
        (
            "Make seasonal end-caps a joint routine",
            "季節のエンド展開を共同の定例に",
            "Plan an end-cap for each seasonal peak together, eight weeks ahead.",
            "Late plans meant empty end-caps at Golden Week last year.",
            "An agreed end-cap plan for every peak of the year.",
        ),
        (
            "Improve shelf availability in suburban stores",
            "郊外店の棚在庫率の改善",
            "Fix replenishment for suburban stores with the store operations team.",
            "Suburban stores lose sales to gaps on the shelf on weekends.",
            "Store staff no longer report weekend gaps.",
        ),
    ],
    "logistics": [
        (
            "No temperature excursions through the summer peak",
            "夏の繁忙期に温度逸脱ゼロ",
            "Loggers on every pallet, pre-cooled trucks and a shared alert routine.",
            "Two excursions last summer damaged trust with a retail chain.",
            "No excursion from July to September.",
        ),
        (
            "Same-day replenishment for Kanto stores",
            "関東店舗への当日補充",
            "Move the order cut-off to 11:00 and deliver to Kanto stores the same day.",
            "Retailers want smaller, more frequent deliveries.",
            "Same-day delivery for orders placed before 11:00.",
        ),
        (
            "Halve damage and claims",
            "破損・クレームの半減",
            "New carton design, better palletising and a monthly review of claims.",
            "Claims cost both sides time and goodwill.",
            "Claims at half of last year's level.",
        ),
        (
            "Secure year-end capacity despite driver shortages",
            "ドライバー不足の中での年末輸送力の確保",
            "Book capacity early, share trucks with another shipper and spread deliveries.",
            "The 2024 overtime rules reduce the capacity available at peak.",
            "All year-end orders delivered on the agreed day.",
        ),
    ],
    "ecommerce": [
        (
            "Reach the top 10 of the gift category on Rakuten",
            "楽天ギフトカテゴリーでトップ10入り",
            "Better product pages, reviews and a seasonal bundle for each gift season.",
            "Gifts are where online shoppers pay for quality.",
            "Top 10 in the category during a gift season.",
        ),
        (
            "Launch an online-exclusive Ochugen gift set",
            "オンライン限定のお中元ギフトセットの発売",
            "Design, price and launch a gift set sold only online.",
            "An exclusive avoids price comparison with store channels.",
            "Launched in time for the Ochugen season.",
        ),
        (
            "Lift repeat purchases through subscriptions",
            "定期購入によるリピート率の向上",
            "Offer a monthly subscription box with a seasonal theme.",
            "Most buyers order only once a year today.",
            "A subscriber base both sides consider worth continuing.",
        ),
    ],
}

MILESTONE_KINDS = {
    R.IMPORT_AGENT: [MK.TRADE_SHOW, MK.LOGISTICS_SETUP, MK.REGIONAL_PILOT, MK.SEASONAL_READINESS],
    "wholesale": [
        MK.TRADE_SHOW,
        MK.NEW_RETAIL_DOORS,
        MK.LOCAL_CAMPAIGN,
        MK.REGIONAL_PILOT,
        MK.SEASONAL_READINESS,
    ],
    "retail": [
        MK.NEW_RETAIL_DOORS,
        MK.LOCAL_CAMPAIGN,
        MK.SEASONAL_READINESS,
        MK.REGIONAL_PILOT,
    ],
    "logistics": [MK.LOGISTICS_SETUP, MK.SEASONAL_READINESS, MK.REGIONAL_PILOT],
    "ecommerce": [MK.ECOMMERCE_LISTING, MK.LOCAL_CAMPAIGN, MK.SEASONAL_READINESS, MK.TRADE_SHOW],
}

MILESTONE_TITLES = {
    MK.NEW_RETAIL_DOORS: ("{n} new doors in {place}", "{place_ja}で新規{n}店舗"),
    MK.LOCAL_CAMPAIGN: (
        "{season} in-store campaign in {place}",
        "{place_ja}で{season_ja}の店頭キャンペーン",
    ),
    MK.REGIONAL_PILOT: ("{place} regional pilot", "{place_ja}地域パイロット"),
    MK.ECOMMERCE_LISTING: ("Listing on {platform}", "{platform_ja}への出品"),
    MK.LOGISTICS_SETUP: (
        "Cold-chain (-18 °C) cross-dock in {place}",
        "{place_ja}に冷凍（-18℃）クロスドックを開設",
    ),
}

EVALUATIONS = {
    "exceeded": [
        (
            "Went better than planned: buyers reordered within three weeks.",
            "計画以上の結果。バイヤーが3週間以内に追加発注した。",
        ),
        (
            "Twice as many store visits by buyers as expected.",
            "バイヤーの来店数が想定の2倍だった。",
        ),
    ],
    "achieved": [
        ("Delivered as agreed, on the agreed date.", "合意した内容を合意した日程で実施できた。"),
        (
            "Done; the stores reported a smooth start.",
            "実施完了。店舗からは順調な立ち上がりとの報告。",
        ),
    ],
    "partly": [
        (
            "Half of the planned stores took part; the rest postponed to next season.",
            "予定店舗の半数が参加。残りは次シーズンに延期。",
        ),
        (
            "Launched, but late: the labels were not ready in time.",
            "実施はしたが遅れた。ラベルが間に合わなかった。",
        ),
    ],
    "not_yet": [
        (
            "Not started yet: waiting for the buyer's decision.",
            "未着手。バイヤーの判断待ち。",
        ),
        (
            "On hold while both sides rethink the scope.",
            "双方で範囲を再検討中のため保留。",
        ),
    ],
}

LEARNINGS = [
    (
        "Small first orders make new retailers say yes faster.",
        "初回発注を小さくすると、新規小売店の判断が早くなる。",
    ),
    (
        "Front-line staff need the story, not just the price list.",
        "現場には価格表だけでなく、商品の背景が必要。",
    ),
    (
        "Plans shared eight weeks ahead are the ones that happen.",
        "8週間前に共有した計画は確実に実行される。",
    ),
    (
        "The peak starts earlier in the countryside than in the cities.",
        "地方では都市部より繁忙期が早く始まる。",
    ),
    (
        "Joint visits build more trust than reports.",
        "報告書よりも同行訪問の方が信頼を築く。",
    ),
]

NEXT_STEPS = [
    ("Repeat it next season with two more stores.", "次シーズンはさらに2店舗追加して実施する。"),
    ("Review the results at the next alignment meeting.", "次回の定例会議で結果を振り返る。"),
    ("Extend to the neighbouring prefecture.", "隣県に展開する。"),
    ("Keep as is; no change needed.", "現状維持。変更不要。"),
]

FEEDBACK_TEXT = {
    Feedback.Kind.MARKET: [
        (
            ("Competitor cut shelf prices in {place}", "競合が{place_ja}で店頭価格を引き下げ"),
            (
                "A competitor dropped its shelf price by about 15% in {place} supermarkets last "
                "week. Our customers ask whether we will follow.",
                "先週、{place_ja}のスーパーで競合が店頭価格を約15%引き下げました。"
                "取引先から当社も追随するのか質問されています。",
            ),
        ),
        (
            ("Strong demand for smaller packs", "少量パックの需要が強い"),
            (
                "Single households buy the small pack twice as often as the family pack.",
                "単身世帯ではファミリーパックより少量パックの購入頻度が2倍です。",
            ),
        ),
        (
            ("Tourists asking for gift boxes", "訪日客からギフトボックスの問い合わせ"),
            (
                "Stores near stations in {place} get many requests from tourists for gift boxes.",
                "{place_ja}の駅近くの店舗で、訪日客からギフトボックスの問い合わせが多くあります。",
            ),
        ),
    ],
    Feedback.Kind.IMPROVEMENT: [
        (
            ("Product sheets are too long", "商品資料が長すぎる"),
            (
                "Our sales reps need a one-page sheet in Japanese to use in store.",
                "営業担当が店頭で使えるよう、日本語の1枚版資料が必要です。",
            ),
        ),
        (
            ("Order cut-off is too early", "発注締め時間が早すぎる"),
            (
                "A cut-off at 10:00 is too early for our morning stock check; 12:00 would help.",
                "10時の締めでは朝の在庫確認が間に合いません。12時にしていただけると助かります。",
            ),
        ),
        (
            ("Carton labels are hard to scan", "外箱ラベルが読み取りにくい"),
            (
                "The barcode on the new cartons is too close to the edge for our scanners.",
                "新しい外箱のバーコードが端に寄りすぎていて、スキャナーで読み取れません。",
            ),
        ),
    ],
    Feedback.Kind.PRODUCT_IDEA: [
        (
            ("Yuzu flavour for winter", "冬季限定のゆず味"),
            (
                "A yuzu flavour would sell well from November to February in our region.",
                "当地域では11月から2月にかけて、ゆず味がよく売れると思います。",
            ),
        ),
        (
            ("Matcha gift set for Oseibo", "お歳暮向けの抹茶ギフトセット"),
            (
                "Customers ask for a Japanese-taste gift set; matcha would fit Oseibo.",
                "和風のギフトセットを求める声があり、お歳暮には抹茶が合うと思います。",
            ),
        ),
        (
            ("Single-serve cups for convenience stores", "コンビニ向けの個食カップ"),
            (
                "Convenience stores in our area would list a single-serve cup.",
                "当地域のコンビニでは、個食カップなら採用されそうです。",
            ),
        ),
    ],
    Feedback.Kind.CONCERN: [
        (
            ("Allocation for the {season} season", "{season_ja}シーズンの割当について"),
            (
                "Last season our allocation arrived late and we missed two promotions.",
                "前シーズンは割当の連絡が遅く、販促を2回逃しました。",
            ),
        ),
        (
            ("Slow answers from headquarters", "本社からの回答が遅い"),
            (
                "Questions on labelling have waited three weeks for an answer.",
                "表示に関する質問への回答を3週間待っています。",
            ),
        ),
        (
            ("Price revision announced too late", "価格改定の告知が遅すぎる"),
            (
                "We need three months' notice to renegotiate with our retail customers.",
                "小売取引先と再交渉するには3か月前の告知が必要です。",
            ),
        ),
    ],
}

REPLIES = {
    "ack": [
        (
            "Thank you, we have shared this with the product team.",
            "ありがとうございます。商品チームに共有しました。",
        ),
        (
            "Thank you for telling us. We are looking into it and will come back soon.",
            "ご連絡ありがとうございます。確認のうえ、改めてご連絡します。",
        ),
    ],
    "progress": [
        (
            "We are testing a change with two customers and will share the results.",
            "2社で変更を試しており、結果を共有します。",
        ),
        (
            "Our team in Tokyo is working on it; expect an update at the next meeting.",
            "東京のチームで対応中です。次回の会議で進捗をお伝えします。",
        ),
    ],
    "addressed": [
        (
            "We changed this from next month. Thank you for raising it.",
            "来月から変更します。ご指摘ありがとうございました。",
        ),
        (
            "Done: the new version is in the portal.",
            "対応しました。新しい版をポータルに掲載しています。",
        ),
    ],
    "declined": [
        (
            "We cannot change this for the current season, but we will revisit it in the autumn.",
            "今シーズンは変更できませんが、秋の見直しで再検討します。",
        ),
    ],
    "theirs": [
        ("Thank you for the quick answer.", "迅速なご回答ありがとうございます。"),
        ("Our sales team will try it next week.", "来週、当社の営業チームで試してみます。"),
        ("Understood. We will share it with our buyers.", "承知しました。バイヤーに共有します。"),
    ],
}

DISTRIBUTOR_NOTES = {
    "wholesale": "Strong with regional supermarkets; relationship built over years of visits.",
    "retail": "Buying decisions are made at head office; store managers influence listings.",
    "logistics": "Operational partner: on-time delivery and temperature control matter most.",
    "ecommerce": "Fast-moving team; decisions by e-mail and video calls.",
}
STATUS_NOTES = {
    S.PROSPECT: "Met at a trade show; exploring whether to work together.",
    S.ONBOARDING: "Contract signed; first orders and system set-up in progress.",
    S.PILOT: "Pilot running in a limited area before a wider roll-out.",
    S.ACTIVE: "",
    S.AT_RISK: "Mood has worsened over the last months: see the recent touchpoints.",
    S.PAUSED: "Paused at their request during an internal reorganisation.",
    S.ENDED: "Partnership ended by mutual agreement; kept for history.",
}

# --------------------------------------------------------------------------------------------
# The hand-written first network
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalPerson:
    username: str
    family: tuple[str, str, str]
    given: tuple[str, str, str]
    title: tuple[str, str]
    language: str


PARTNER_PEOPLE = {
    "partner": PortalPerson(
        "partner",
        ("Nakamura", "中村", "ナカムラ"),
        ("Yui", "結衣", "ユイ"),
        ("営業企画部 課長", "Sales Planning Manager"),
        "ja",
    ),
    "partner2": PortalPerson(
        "partner2",
        ("Ishikawa", "石川", "イシカワ"),
        ("Kenta", "健太", "ケンタ"),
        ("商品部 カテゴリーマネージャー", "Category Manager"),
        "en",
    ),
}

# code, English, kanji, kana, role, status, upstream code, home city, prefectures (JIS),
# categories, account manager (1: manager, 2: manager2), executive sponsor?, demo login
FIRST_NETWORK = [
    ("taiheiyo-trading", "Taiheiyo Trading", "太平洋貿易", "タイヘイヨウボウエキ",
     R.IMPORT_AGENT, S.ACTIVE, None, "tokyo", [13, 14, 12],
     ["FD", "CD", "SN", "BV", "PB", "GS", "HN"], 1, True, None),
    ("minato-boeki", "Minato Boeki", "港貿易", "ミナトボウエキ",
     R.IMPORT_AGENT, S.ACTIVE, None, "kobe", [28, 27, 26], ["FD", "SN", "BV", "GS"], 2, True, None),
    ("hakata-overseas-trading", "Hakata Overseas Trading", "博多海外商事", "ハカタカイガイショウジ",
     R.IMPORT_AGENT, S.ACTIVE, None, "fukuoka", [40, 41, 43], ["SN", "BV", "PB"], 2, False, None),
    ("sakura-trading", "Sakura Trading", "桜商事", "サクラショウジ",
     R.PRIMARY_WHOLESALER, S.ACTIVE, "taiheiyo-trading", "tokyo", [13, 11, 12, 14],
     ["FD", "CD", "SN", "GS"], 1, True, "partner"),
    ("fuji-bussan", "Fuji Bussan", "富士物産", "フジブッサン",
     R.PRIMARY_WHOLESALER, S.ACTIVE, "taiheiyo-trading", "shizuoka", [22, 23, 19],
     ["SN", "BV", "GS"], 1, True, None),
    ("naniwa-foods", "Naniwa Foods", "浪速食品", "ナニワショクヒン",
     R.PRIMARY_WHOLESALER, S.ACTIVE, "minato-boeki", "osaka", [27, 26, 28, 29],
     ["FD", "CD", "SN", "PB"], 1, True, None),
    ("hokusei-trading", "Hokusei Trading", "北星商事", "ホクセイショウジ",
     R.PRIMARY_WHOLESALER, S.AT_RISK, "taiheiyo-trading", "sapporo", [1, 2],
     ["FD", "CD", "SN"], 1, True, None),
    ("tsukushi-distribution", "Tsukushi Distribution", "筑紫流通", "ツクシリュウツウ",
     R.PRIMARY_WHOLESALER, S.ACTIVE, "hakata-overseas-trading", "fukuoka", [40, 41, 43, 42],
     ["SN", "BV", "GS"], 2, False, None),
    ("aoba-trading", "Aoba Trading", "青葉商事", "アオバショウジ",
     R.SECONDARY_WHOLESALER, S.ACTIVE, "sakura-trading", "sendai", [4, 3, 6],
     ["FD", "SN"], 1, False, None),
    ("kanto-food-wholesale", "Kanto Food Wholesale", "関東食品卸", "カントウショクヒンオロシ",
     R.SECONDARY_WHOLESALER, S.ACTIVE, "sakura-trading", "utsunomiya", [9, 8, 10],
     ["CD", "SN", "BV"], 1, False, None),
    ("meihan-trading", "Meihan Trading", "名阪商事", "メイハンショウジ",
     R.SECONDARY_WHOLESALER, S.ONBOARDING, "fuji-bussan", "nagoya", [23, 21, 24],
     ["SN", "BV"], 2, False, None),
    ("setouchi-bussan", "Setouchi Bussan", "瀬戸内物産", "セトウチブッサン",
     R.SECONDARY_WHOLESALER, S.ACTIVE, "naniwa-foods", "okayama", [33, 34, 37, 38],
     ["FD", "SN", "GS"], 1, False, None),
    ("yamato-shoten", "Yamato Shoten", "大和商店", "ヤマトショウテン",
     R.SECONDARY_WHOLESALER, S.ACTIVE, "naniwa-foods", "nara", [29, 30, 24],
     ["SN", "BV"], 2, False, None),
    ("hokuriku-shoji", "Hokuriku Shoji", "北陸商事", "ホクリクショウジ",
     R.SECONDARY_WHOLESALER, S.PAUSED, "fuji-bussan", "kanazawa", [15, 16, 17, 18],
     ["FD", "SN"], 1, False, None),
    ("sendai-kita-shoten", "Sendai Kita Shoten", "仙台北商店", "センダイキタショウテン",
     R.SUB_WHOLESALER, S.ACTIVE, "aoba-trading", "sendai", [4], ["SN"], 1, False, None),
    ("mito-shokuhin", "Mito Shokuhin", "水戸食品", "ミトショクヒン",
     R.SUB_WHOLESALER, S.ACTIVE, "kanto-food-wholesale", "mito", [8], ["CD", "SN"], 1, False, None),
    ("kurashiki-wholesale", "Kurashiki Wholesale", "倉敷卸売", "クラシキオロシウリ",
     R.SUB_WHOLESALER, S.PILOT, "setouchi-bussan", "kurashiki", [33], ["FD", "SN"], 1, False, None),
    ("marumitsu-shoten", "Marumitsu Shoten", "丸光商店", "マルミツショウテン",
     R.SUB_WHOLESALER, S.ACTIVE, "setouchi-bussan", "matsuyama", [38, 39],
     ["SN", "GS"], 2, False, None),
    ("hida-takayama-trading", "Hida Takayama Trading", "飛騨高山商事", "ヒダタカヤマショウジ",
     R.SUB_WHOLESALER, S.PROSPECT, "meihan-trading", "gifu", [21], ["SN"], 2, False, None),
    ("hanamizuki-supermarket", "Hanamizuki Supermarket", "はなみずきスーパー", "ハナミズキスーパー",
     R.RETAILER_CHAIN, S.ACTIVE, "sakura-trading", "yokohama", [14, 13, 11],
     ["FD", "CD", "SN", "BV", "PB"], 1, True, None),
    ("mirai-drug", "Mirai Drug", "ミライドラッグ", "ミライドラッグ",
     R.RETAILER_CHAIN, S.ACTIVE, "naniwa-foods", "osaka", [27, 28, 26, 25],
     ["SN", "BV", "HN"], 1, True, "partner2"),
    ("kotobukiya-department-store", "Kotobukiya Department Store", "寿屋百貨店",
     "コトブキヤヒャッカテン", R.RETAILER_CHAIN, S.ACTIVE, "tsukushi-distribution", "kumamoto",
     [43, 40], ["FD", "GS"], 2, False, None),
    ("seseragi-mart", "Seseragi Mart", "せせらぎマート", "セセラギマート",
     R.RETAILER_CHAIN, S.AT_RISK, "hokuriku-shoji", "matsumoto", [20, 15],
     ["SN", "BV"], 1, False, None),
    ("midori-co-op", "Midori Co-op", "みどり生活協同組合", "ミドリセイカツキョウドウクミアイ",
     R.RETAILER_CHAIN, S.ACTIVE, "kanto-food-wholesale", "chiba", [12, 8],
     ["CD", "SN", "PB"], 1, False, None),
    ("ryukyu-market", "Ryukyu Market", "琉球マーケット", "リュウキュウマーケット",
     R.RETAILER_CHAIN, S.PILOT, "tsukushi-distribution", "naha", [47], ["FD", "BV"],
     2, False, None),
    ("hokuyo-store", "Hokuyo Store", "北洋ストア", "ホクヨウストア",
     R.RETAILER_CHAIN, S.ONBOARDING, "hokusei-trading", "sapporo", [1],
     ["FD", "CD", "SN"], 1, False, None),
    ("nippon-link-logistics", "Nippon Link Logistics", "日本リンク物流", "ニッポンリンクブツリュウ",
     R.THIRD_PARTY_LOGISTICS, S.ACTIVE, None, "omiya", [11, 12, 27, 23],
     ["SN", "BV", "GS"], 1, True, None),
    ("kansai-warehouse", "Kansai Warehouse", "関西倉庫", "カンサイソウコ",
     R.THIRD_PARTY_LOGISTICS, S.ACTIVE, None, "kobe", [28, 27], ["SN", "BV"], 2, False, None),
    ("tohoku-logistics-center", "Tohoku Logistics Center", "東北物流センター",
     "トウホクブツリュウセンター", R.THIRD_PARTY_LOGISTICS, S.PILOT, None, "koriyama", [7, 4],
     ["SN", "BV"], 1, False, None),
    ("kyushu-logi-partners", "Kyushu Logi Partners", "九州ロジパートナーズ",
     "キュウシュウロジパートナーズ", R.THIRD_PARTY_LOGISTICS, S.PILOT, None, "kitakyushu",
     [40, 41, 44], ["SN", "BV", "GS"], 2, False, None),
    ("shirakawa-cold-storage", "Shirakawa Cold Storage", "白川冷蔵", "シラカワレイゾウ",
     R.COLD_CHAIN, S.ACTIVE, None, "yokohama", [14, 13, 22], ["FD", "CD"], 1, True, None),
    ("kitakaze-frozen-logistics", "Kitakaze Frozen Logistics", "北風冷凍物流",
     "キタカゼレイトウブツリュウ", R.COLD_CHAIN, S.ACTIVE, None, "sapporo", [1],
     ["FD", "CD"], 1, False, None),
    ("kansai-low-temp-transport", "Kansai Low-Temp Transport", "関西低温輸送",
     "カンサイテイオンユソウ", R.COLD_CHAIN, S.AT_RISK, None, "osaka", [27, 26, 28],
     ["FD", "CD"], 2, False, None),
    ("tsubame-transport", "Tsubame Transport", "燕運輸", "ツバメウンユ",
     R.TRUCKING, S.ACTIVE, None, "niigata", [15, 10, 11], ["SN", "BV"], 1, False, None),
    ("hayate-express", "Hayate Express", "疾風急便", "ハヤテキュウビン",
     R.TRUCKING, S.ACTIVE, None, "tokyo", [13, 27, 23, 40], ["SN", "BV", "GS"], 1, False, None),
    ("shikoku-road-freight", "Shikoku Road Freight", "四国街道運送", "シコクカイドウウンソウ",
     R.TRUCKING, S.ENDED, None, "takamatsu", [37, 36, 38, 39], ["SN"], 2, False, None),
    ("kaimono-lab", "Kaimono Lab", "かいものラボ", "カイモノラボ",
     R.ECOMMERCE, S.ACTIVE, None, "tokyo", [13], ["SN", "GS", "HN", "PB"], 1, False, None),
    ("nippon-gourmet-direct", "Nippon Gourmet Direct", "日本グルメ直送", "ニッポングルメチョクソウ",
     R.ECOMMERCE, S.ACTIVE, None, "osaka", [27, 13], ["FD", "GS"], 2, False, None),
    ("furusato-select", "Furusato Select", "ふるさとセレクト", "フルサトセレクト",
     R.ECOMMERCE, S.PILOT, None, "kagoshima", [46, 43], ["GS", "SN"], 1, False, None),
    ("tanuki-mart", "Tanuki Mart", "たぬきマート", "タヌキマート",
     R.ECOMMERCE, S.PROSPECT, None, "kyoto", [26], ["SN"], 2, False, None),
]  # fmt: skip
PARTNER_HOMES = {row[12]: row[0] for row in FIRST_NETWORK if row[12]}  # login → distributor code

# --------------------------------------------------------------------------------------------
# Logins
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: str | None
    label: str
    time_zone: str = settings.TIME_ZONE
    superuser: bool = False
    ja_share: float = 0.0  # how often this person writes notes in Japanese


STAFF_LOGINS = [
    DemoLogin("manager", "Haruka", "Mori", roles.ACCOUNT_MANAGER, "Account manager", ja_share=0.6),
    DemoLogin(
        "manager2", "Daniel", "Weber", roles.ACCOUNT_MANAGER, "Account manager", ja_share=0.1
    ),
    DemoLogin(
        "executive",
        "Sophie",
        "Laurent",
        roles.EXECUTIVE,
        "Executive",
        time_zone="Europe/Paris",
        ja_share=0.0,
    ),
    DemoLogin(
        "admin", "Site", "Administrator", None, "Administrator (Django admin)", superuser=True
    ),
]
PARTNER_LOGINS = [
    DemoLogin(p.username, p.given[0], p.family[0], roles.DISTRIBUTOR_USER, "Distributor user")
    for p in PARTNER_PEOPLE.values()
]
STAFF_DOMAIN = "prm-demo.example"

# --------------------------------------------------------------------------------------------
# What each lifecycle status implies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    since: tuple[int, int]  # days since the distributor was recorded
    contacts: tuple[int, int]
    touchpoints: tuple[int, int]
    window: tuple[int, int]  # touchpoints happened this many days ago
    meetings: str  # regular | kickoff | until_pause | past | none
    goals: tuple[int, int]
    goal_back: tuple[int, int]  # goals started this many days ago
    feedback: tuple[int, int]
    portal: float  # share of these distributors where one contact has a portal login
    moods: tuple[int, int, int]  # positive, neutral, concern


PROFILES = {
    S.ACTIVE: Profile(
        (600, 2400), (4, 6), (110, 150), (2, HISTORY_DAYS), "regular",
        (1, 3), (60, 420), (2, 6), 0.75, (55, 35, 10),
    ),
    S.PILOT: Profile(
        (340, 420), (3, 5), (80, 110), (2, 330), "regular",
        (1, 2), (30, 200), (1, 4), 0.7, (50, 40, 10),
    ),
    S.ONBOARDING: Profile(
        (130, 200), (3, 4), (15, 25), (2, 120), "kickoff",
        (1, 1), (-25, -5), (0, 2), 0.5, (60, 35, 5),
    ),
    S.PROSPECT: Profile(
        (210, 260), (2, 3), (4, 8), (5, 200), "none",
        (0, 0), (0, 0), (0, 0), 0.0, (50, 45, 5),
    ),
    S.AT_RISK: Profile(
        (700, 2500), (4, 6), (90, 120), (2, HISTORY_DAYS), "regular",
        (1, 2), (100, 420), (3, 6), 0.7, (35, 40, 25),
    ),
    S.PAUSED: Profile(
        (700, 2000), (3, 5), (50, 70), (95, HISTORY_DAYS), "until_pause",
        (1, 1), (200, 420), (1, 3), 0.5, (30, 45, 25),
    ),
    S.ENDED: Profile(
        (800, 2500), (3, 4), (40, 60), (240, HISTORY_DAYS), "past",
        (1, 1), (300, 500), (0, 0), 0.0, (25, 40, 35),
    ),
}  # fmt: skip

TOUCHPOINT_KINDS = [TK.SITE_VISIT, TK.STORE_VISIT, TK.EXECUTIVE_MEAL, TK.TRADE_SHOW, TK.CALL,
                    TK.VIDEO_CALL]  # fmt: skip
TOUCHPOINT_WEIGHTS = {
    "wholesale": (25, 10, 8, 5, 30, 22),
    "retail": (10, 35, 8, 5, 22, 20),
    "logistics": (35, 0, 6, 3, 30, 26),
    "ecommerce": (10, 0, 6, 6, 30, 48),
    "prospect": (20, 0, 5, 35, 25, 15),
}
MOODS = [Touchpoint.Mood.POSITIVE, Touchpoint.Mood.NEUTRAL, Touchpoint.Mood.CONCERN]
UNSPOKEN_CHANCE = {
    Touchpoint.Mood.POSITIVE: 0.1,
    Touchpoint.Mood.NEUTRAL: 0.2,
    Touchpoint.Mood.CONCERN: 0.55,
}

# --------------------------------------------------------------------------------------------
# Network specifications
# --------------------------------------------------------------------------------------------


@dataclass
class Spec:
    index: int
    code: str
    name_en: str
    name_ja: str
    name_kana: str
    role: str
    status: str
    upstream: int | None
    city: City
    prefectures: list[int]
    categories: list[str]
    manager: int
    sponsored: bool
    portal: PortalPerson | None = None  # the demo login of this distributor, if any
    has_portal: bool = False  # whether one of its contacts has a portal login

    @property
    def group(self):
        return GROUP_OF_ROLE[self.role]


def _first_network():
    index = {row[0]: i for i, row in enumerate(FIRST_NETWORK)}
    specs = []
    for i, row in enumerate(FIRST_NETWORK):
        code, en, ja, kana, role, status, up, city, prefs, cats, am, sponsored, login = row
        specs.append(
            Spec(
                index=i,
                code=code,
                name_en=en,
                name_ja=ja,
                name_kana=kana,
                role=role,
                status=status,
                upstream=index[up] if up else None,
                city=CITY[city],
                prefectures=sorted(prefs),
                categories=cats,
                manager=am,
                sponsored=sponsored,
                portal=PARTNER_PEOPLE[login] if login else None,
                # Fixed per position, so every network has the same number of portal logins.
                has_portal=bool(login)
                or random.Random(f"{SEED}:portal:{i}").random() < PROFILES[status].portal,
            )
        )
    return specs


def _coverage(rng, city, role, regions):
    """The prefectures a generated distributor covers: home, neighbours, maybe a hub."""
    home = city.pref
    neighbours = [code for code in sorted(regions) if regions[code] == regions[home]]
    neighbours.remove(home)
    extra = {
        R.IMPORT_AGENT: 2,
        R.PRIMARY_WHOLESALER: 3,
        R.SECONDARY_WHOLESALER: 2,
        R.SUB_WHOLESALER: rng.randint(0, 1),
        R.RETAILER_CHAIN: rng.randint(0, 2),
        R.THIRD_PARTY_LOGISTICS: 2,
        R.TRUCKING: rng.randint(2, 3),
        R.COLD_CHAIN: rng.randint(1, 2),
        R.ECOMMERCE: rng.randint(0, 1),
    }[role]
    covered = {home, *rng.sample(neighbours, min(extra, len(neighbours)))}
    if role in (R.IMPORT_AGENT, R.THIRD_PARTY_LOGISTICS, R.TRUCKING):
        covered.add(rng.choice(HUB_PREFECTURES))
    return sorted(covered)


def network_specs(network, regions):
    """The 40 distributors of network `network` (0-based): the same on every call."""
    first = _first_network()
    if network == 0:
        return first
    rng = random.Random(f"{SEED}:network:{network}")
    specs, used = [], set()
    for base in first:
        if base.upstream is not None and rng.random() < 0.75:
            up_region = regions[specs[base.upstream].city.pref]
            city = rng.choice([c for c in CITIES if regions[c.pref] == up_region])
        else:
            city = rng.choice(CITIES)
        while True:
            root = rng.choice(NAME_ROOTS)
            suffix = rng.choice(NAME_SUFFIXES[base.role])
            name_en = f"{city.en} {root[0]} {suffix[0]}"
            slug = slugify(name_en)[:34].rstrip("-")
            code = f"{slug}-{network + 1:03d}"
            if code not in used:
                used.add(code)
                break
        k = rng.randint(1, min(3, len(ROLE_CATEGORIES[base.role])))
        specs.append(
            Spec(
                index=base.index,
                code=code,
                name_en=name_en,
                name_ja=f"{city.ja}{root[1]}{suffix[1]}",
                name_kana=f"{city.kana}{root[2]}{suffix[2]}",
                role=base.role,
                status=base.status,
                upstream=base.upstream,
                city=city,
                prefectures=_coverage(rng, city, base.role, regions),
                categories=sorted(rng.sample(ROLE_CATEGORIES[base.role], k)),
                manager=base.manager,
                sponsored=base.sponsored,
                has_portal=base.has_portal,
            )
        )
    return specs


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _say(pair, lang, words):
    """One sentence in the language wanted; both, English first, for "bilingual"."""
    en, ja = pair
    if lang == "en":
        return en.format_map(words)
    if lang == "ja":
        return ja.format_map(words)
    return f"{en.format_map(words)}\n{ja.format_map(words)}"


def _join(sentences, lang):
    return ("" if lang == "ja" else " ").join(sentences)


def _bullets(pairs, lang, words):
    if lang == "bilingual":
        return "\n\n".join(_bullets(pairs, code, words) for code in ("en", "ja"))
    return "\n".join(f"• {_say(pair, lang, words)}" for pair in pairs)


def _is_off_day(day):
    """Weekends and the peak holiday windows (Golden Week, Obon, year-end/New Year)."""
    md = (day.month, day.day)
    return (
        day.weekday() >= 5
        or (4, 29) <= md <= (5, 6)
        or (8, 13) <= md <= (8, 16)
        or md >= (12, 28)
        or md <= (1, 4)
    )


def _workday(day, step):
    while _is_off_day(day):
        day += timedelta(days=step)
    return day


def _nth_weekday(year, month, weekday, n):
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _month_start(day):
    return day.replace(day=1)


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _fiscal(day):
    """(fiscal year, quarter) with the fiscal year starting in April."""
    fy = day.year if day.month >= 4 else day.year - 1
    return fy, (day.month - 4) % 12 // 3 + 1


def _season(day):
    return [
        ("Winter", "冬"),
        ("Spring", "春"),
        ("Summer", "夏"),
        ("Autumn", "秋"),
    ][day.month % 12 // 3]


def _phone(rng, area):
    middle = 10 - len(area) - 4
    return f"{area}-{rng.randint(10 ** (middle - 1), 10**middle - 1)}-{rng.randint(0, 9999):04d}"


def _mobile(rng):
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"


_AUTO_FIELDS: dict = {}


def _auto_fields(model):
    if model not in _AUTO_FIELDS:
        _AUTO_FIELDS[model] = [
            (f.attname, bool(f.auto_now_add))
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
    return _AUTO_FIELDS[model]


def _stamp(obj, created, updated=None):
    """Give `obj` a past creation (and update) time instead of 'now'."""
    for attname, on_creation in _auto_fields(type(obj)):
        setattr(obj, attname, created if on_creation else max(updated or created, created))
    return obj


def _keep_or_now(self, model_instance, add):
    value = getattr(model_instance, self.attname)
    if value is None:
        value = timezone.now()
        setattr(model_instance, self.attname, value)
    return value


@contextmanager
def _given_timestamps():
    """Let auto_now/auto_now_add fields keep the times we give them while seeding.

    The demo's history must look lived-in (feedback sent months ago, touchpoints logged the
    evening of the visit); bulk_create would otherwise stamp every row with "now". Fields
    left empty still get "now". The patch is on the field instances and undone on exit.
    """
    patched = []
    for label in ("distributors", "meetings", "milestones"):
        for model in apps.get_app_config(label).get_models():
            for attname, _ in _auto_fields(model):
                f = model._meta.get_field(attname)
                f.pre_save = _keep_or_now.__get__(f)
                patched.append(f)
    try:
        yield
    finally:
        for f in patched:
            del f.pre_save


def _link(descriptor, pairs):
    """Bulk-insert the rows of a many-to-many relation from (source, target) object pairs."""
    rel = descriptor.field
    through = rel.remote_field.through
    source, target = rel.m2m_field_name(), rel.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{f"{source}_id": a.pk, f"{target}_id": b.pk}) for a, b in pairs],
        batch_size=BATCH_SIZE,
    )


# --------------------------------------------------------------------------------------------
# Building one network
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    today: date
    now: datetime
    tz: ZoneInfo
    users: dict
    prefectures: dict
    regions: dict
    categories: dict
    portal_group: Group
    unusable_password: str
    shows: list = field(default_factory=list)

    def at(self, day, hour=10, minute=0):
        """An aware datetime on `day` at local time, never later than now."""
        moment = datetime.combine(day, clock(hour, minute), tzinfo=self.tz)
        return min(moment, self.now)

    def ja_share(self, user):
        for login in STAFF_LOGINS:
            if login.username == user.username:
                return login.ja_share
        return 0.0


@dataclass
class _Partner:
    spec: Spec
    rng: random.Random
    obj: Distributor
    manager: User
    sponsor: User | None
    contacts: list = field(default_factory=list)
    portal_user: User | None = None
    portal_contact: Contact | None = None
    names: set = field(default_factory=set)  # (family, given) pairs already used here
    goal_plans: list = field(default_factory=list)  # (goal, back, words, created) per goal

    def words(self, rng, ctx, contact=None):
        contact = contact or self.contacts[0]
        family_en = contact.name_latin.split()[-1]
        family_ja = contact.name_kanji.split()[0]
        pref = ctx.prefectures[rng.choice(self.spec.prefectures)]
        category = CATEGORIES[rng.choice(self.spec.categories)]
        season = rng.choice(SEASONS)
        site = SITES[self.spec.group]
        return {
            "san": f"{family_en}-san",
            "san_ja": f"{family_ja}さん",
            "city": self.spec.city.en,
            "city_ja": self.spec.city.ja,
            "site": site[0],
            "site_ja": site[1],
            "place": pref.name_en,
            "place_ja": pref.name_ja,
            "category": category[0].lower(),
            "category_ja": category[1],
            "season": season[0],
            "season_ja": season[1],
            "show": "FOODEX JAPAN",
            "show_ja": "FOODEX JAPAN",
        }


class _NetworkBuilder:
    def __init__(self, ctx, network, specs):
        self.ctx = ctx
        self.network = network
        self.specs = specs
        self.partners: list[_Partner] = []
        self.new_users = []
        self.dist_prefectures, self.dist_categories = [], []
        self.cadences, self.contacts = [], []
        self.touchpoints, self.tp_staff, self.tp_contacts = [], [], []
        self.meetings, self.m_distributors, self.m_staff, self.m_contacts = [], [], [], []
        self.agenda, self.actions = [], []
        self.goals, self.agreements, self.milestones = [], [], []
        self.evaluations, self.ev_staff, self.ev_contacts = [], [], []
        self.feedback, self.replies = [], []

    # -- distributors and people -------------------------------------------------------------

    def build(self):
        for spec in self.specs:
            self._partner(spec)
        for partner in self.partners:
            profile = PROFILES[partner.spec.status]
            self._touchpoints(partner, profile)
            self._meetings(partner, profile)
            self._goals(partner, profile)
            self._feedback(partner, profile, partner.rng, profile.feedback)
        self._advisory_boards()
        for partner in self.partners:
            self._volume(partner, PROFILES[partner.spec.status])

    def _volume(self, partner, profile):
        """A large manufacturer's volume (issue #11: about 10 contacts, 10 milestones and 20
        feedback items per distributor): more staff, milestones and feedback.

        Drawn from a generator of its own, after everything else, so that the rows of the
        story above (the ones the screenshots and the browser tests walk through) stay
        exactly as they were.
        """
        rng = random.Random(f"{SEED}:{self.network}:{partner.spec.index}:volume")
        low, high = profile.contacts
        self._more_contacts(partner, rng, rng.randint(low + 1, high + 2))
        for goal, back, words, created in partner.goal_plans:
            self._milestones(rng, partner, goal, back, words, created)
        low, high = profile.feedback
        self._feedback(partner, profile, rng, (8 * low, 8 * high))

    def _partner(self, spec):
        ctx = self.ctx
        rng = random.Random(f"{SEED}:{self.network}:{spec.index}")
        profile = PROFILES[spec.status]
        manager = ctx.users["manager" if spec.manager == 1 else "manager2"]
        sponsor = ctx.users["executive"] if spec.sponsored else None
        created = ctx.at(ctx.today - timedelta(days=rng.randint(*profile.since)), 9, 30)
        pref = ctx.prefectures[spec.city.pref]
        address = (
            f"〒{spec.city.zip3}-{rng.randint(1, 9999):04d} {pref.name_ja}{spec.city.locality}"
            f"{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        )
        notes = " ".join(filter(None, [DISTRIBUTOR_NOTES[spec.group], STATUS_NOTES[spec.status]]))
        obj = Distributor(
            code=spec.code,
            name_en=spec.name_en,
            name_ja=spec.name_ja,
            name_kana=spec.name_kana,
            role=spec.role,
            status=spec.status,
            upstream=self.partners[spec.upstream].obj if spec.upstream is not None else None,
            account_manager=manager,
            executive_sponsor=sponsor,
            website=f"https://www.{spec.code}.example.jp/",
            address=address,
            notes=notes,
        )
        _stamp(obj, created, ctx.now - timedelta(days=rng.randint(1, 90)))
        partner = _Partner(spec, rng, obj, manager, sponsor)
        self.partners.append(partner)
        for code in spec.prefectures:
            self.dist_prefectures.append((obj, ctx.prefectures[code]))
        for key in spec.categories:
            self.dist_categories.append((obj, ctx.categories[key]))
        self.cadences.append(
            Cadence(
                distributor=obj,
                alignment_interval_months=2 if spec.status == S.PILOT else 3,
                touchpoint_interval_weeks=self._touchpoint_weeks(spec),
                senior_contact_interval_months=4 if spec.sponsored else 6,
                due_soon_days=14,
            )
        )
        self._contacts(partner, profile, created)

    @staticmethod
    def _touchpoint_weeks(spec):
        if spec.sponsored:
            return 4
        return 8 if spec.group == "logistics" else 6

    def _contacts(self, partner, profile, created):
        ctx, spec, rng = self.ctx, partner.spec, partner.rng
        n = rng.randint(*profile.contacts)
        seniorities = [SENIOR, MANAGER, FRONT][:n]
        seniorities += rng.choices([SENIOR, MANAGER, FRONT], weights=(15, 40, 45), k=max(0, n - 3))
        portal_slot = 1 if spec.has_portal else None
        for i, seniority in enumerate(seniorities):
            if i == portal_slot and spec.portal:
                person = spec.portal
                family, given, title = person.family, person.given, person.title
                language = person.language
            else:
                family, given, title, language = self._someone(rng, partner, seniority)
            since = rng.randint(0, 30) if i < 3 else rng.randint(30, 400)
            contact = self._contact(rng, partner, seniority, (family, given, title, language))
            stamp = min(created + timedelta(days=since), ctx.now - timedelta(days=1))
            _stamp(contact, stamp)
            if i == portal_slot:
                user = self._portal_user(spec, contact, given, family, stamp)
                contact.portal_user = user
                partner.portal_user, partner.portal_contact = user, contact

    def _more_contacts(self, partner, rng, n):
        """Staff met later: mostly managers and front line, none with a portal login."""
        created = partner.obj.created_at
        for seniority in rng.choices([SENIOR, MANAGER, FRONT], weights=(10, 35, 55), k=n):
            person = self._someone(rng, partner, seniority)
            since = rng.randint(30, 500)
            contact = self._contact(rng, partner, seniority, person)
            _stamp(contact, min(created + timedelta(days=since), self.ctx.now - timedelta(days=1)))

    @staticmethod
    def _someone(rng, partner, seniority):
        """(family, given, title, language) of a new person, never a name used here."""
        spec = partner.spec
        while True:
            family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
            if (family, given) not in partner.names:
                break
        group_titles = TITLES[seniority]
        title = rng.choice(group_titles.get("any", []) + group_titles[spec.group])
        english = {R.IMPORT_AGENT: 0.4, R.ECOMMERCE: 0.2}.get(spec.role, 0.08)
        language = "en" if rng.random() < english else "ja"
        return family, given, title, language

    def _contact(self, rng, partner, seniority, person):
        family, given, title, language = person
        spec = partner.spec
        partner.names.add((family, given))
        contact = Contact(
            distributor=partner.obj,
            name_latin=f"{given[0]} {family[0]}",
            name_kanji=f"{family[1]} {given[1]}",
            name_kana=f"{family[2]} {given[2]}",
            title=f"{title[0]} {title[1]}",
            seniority=seniority,
            language=language,
            email=f"{given[0]}.{family[0]}@{spec.code}.example.jp".lower(),
            phone=_mobile(rng) if rng.random() < 0.35 else _phone(rng, spec.city.area),
        )
        partner.contacts.append(contact)
        self.contacts.append(contact)
        return contact

    def _portal_user(self, spec, contact, given, family, joined):
        if spec.portal:  # a demo login, created beforehand; tied to its contact here
            user = self.ctx.users[spec.portal.username]
            return None if Contact.objects.filter(portal_user=user).exists() else user
        user = User(
            username=contact.email,
            email=contact.email,
            first_name=given[0],
            last_name=family[0],
            password=self.ctx.unusable_password,
            date_joined=joined,
        )
        self.new_users.append(user)
        return user

    # -- touchpoints --------------------------------------------------------------------------

    def _met(self, rng, partner, kind):
        contacts = partner.contacts
        seniors = [c for c in contacts if c.seniority == SENIOR]
        if kind == TK.EXECUTIVE_MEAL:
            return rng.sample(seniors, min(len(seniors), rng.randint(1, 2)))
        if kind in (TK.CALL, TK.TRADE_SHOW):
            return [rng.choice(contacts)]
        return rng.sample(contacts, rng.randint(1, min(3, len(contacts))))

    def _touchpoints(self, partner, profile):
        ctx, spec, rng = self.ctx, partner.spec, partner.rng
        weights = TOUCHPOINT_WEIGHTS["prospect" if spec.status == S.PROSPECT else spec.group]
        n = rng.randint(*profile.touchpoints)
        low, high = profile.window
        shows = [s for s in ctx.shows if low <= (ctx.today - s[0]).days <= high]
        for offset in sorted((rng.randint(low, high) for _ in range(n)), reverse=True):
            # Each touchpoint draws from its own generator, and everything that decides how
            # many rows there are is drawn before anything that depends on the calendar.
            r = random.Random(rng.getrandbits(64))
            kind = r.choices(TOUCHPOINT_KINDS, weights=weights)[0]
            mood_weights = profile.moods
            if spec.status == S.AT_RISK and offset < 120:
                mood_weights = (15, 35, 50)
            mood = r.choices(MOODS, weights=mood_weights)[0]
            met = self._met(r, partner, kind)
            staff = [partner.manager]
            with_sponsor = kind == TK.EXECUTIVE_MEAL or (kind == TK.TRADE_SHOW and r.random() < 0.3)
            if partner.sponsor and with_sponsor:
                staff.append(partner.sponsor)
            logged_by = partner.manager
            if kind == TK.EXECUTIVE_MEAL and partner.sponsor and r.random() < 0.2:
                logged_by = partner.sponsor
            action = r.random() < 0.06
            show_roll = r.random()
            day = ctx.today - timedelta(days=offset)
            show = None
            if kind == TK.TRADE_SHOW:
                if shows:
                    show = shows[int(show_roll * len(shows))]
                    day = show[0]
                else:  # no show in this period: it was a call after all
                    kind = TK.CALL
            if kind not in (TK.STORE_VISIT, TK.TRADE_SHOW):
                day = _workday(day, -1)
            lang = "ja" if r.random() < ctx.ja_share(logged_by) else "en"
            w = partner.words(r, ctx, met[0])
            if show:
                w.update(show=show[1], show_ja=show[2])
            notes = _join(
                [
                    _say(r.choice(OPENERS[kind]), lang, w),
                    _say(r.choice(TOPICS[spec.group]), lang, w),
                    _say(r.choice(MOOD_LINES[mood]), lang, w),
                ],
                lang,
            )
            unspoken = ""
            if r.random() < UNSPOKEN_CHANCE[mood]:
                unspoken = _say(r.choice(UNSPOKEN), lang, w)
            tp = Touchpoint(
                distributor=partner.obj,
                kind=kind,
                occurred_on=day,
                mood=mood,
                notes=notes,
                unspoken_concerns=unspoken,
                logged_by=logged_by,
            )
            _stamp(tp, ctx.at(day + timedelta(days=r.randint(0, 2)), r.randint(17, 21), 30))
            self.touchpoints.append(tp)
            self.tp_staff.extend((tp, user) for user in staff)
            self.tp_contacts.extend((tp, contact) for contact in met)
            if action:
                self._action(
                    r, partner, lang, w, start=day, staff=staff, contacts=met, touchpoint=tp
                )

    # -- meetings -----------------------------------------------------------------------------

    def _meeting_offsets(self, rng, partner, profile):
        """(days ago of held meetings, newest first; days ahead of the planned one or None)."""
        interval = 61 if partner.spec.status == S.PILOT else 91
        held, planned = [], None
        if profile.meetings == "regular":
            latest = rng.randint(12, interval - 15)
            offset = latest
            while offset <= profile.window[1]:
                held.append(offset)
                offset += interval + rng.randint(-10, 10)
            planned = min(45, max(7, interval - latest + rng.randint(-5, 5)))
        elif profile.meetings == "kickoff":
            held, planned = [rng.randint(20, 60)], rng.randint(10, 40)
        elif profile.meetings in ("until_pause", "past"):
            first = (100, 130) if profile.meetings == "until_pause" else (250, 290)
            offset = rng.randint(*first)
            while offset <= HISTORY_DAYS:
                held.append(offset)
                offset += interval + rng.randint(-10, 10)
        return held, planned

    def _meetings(self, partner, profile):
        ctx, spec, rng = self.ctx, partner.spec, partner.rng
        held, planned = self._meeting_offsets(rng, partner, profile)
        cancelled = 1 if spec.status == S.AT_RISK and len(held) > 2 and rng.random() < 0.6 else -1
        oldest = len(held) - 1
        for i, offset in enumerate(held):
            day = _workday(ctx.today - timedelta(days=offset), -1)
            status = AlignmentMeeting.Status.HELD
            if i == cancelled:
                status = AlignmentMeeting.Status.CANCELLED
            label = None
            if i == oldest and spec.status == S.PILOT:
                label = ("Pilot kick-off", "パイロット開始会議")
            elif i == oldest and spec.status == S.ONBOARDING:
                label = ("Kick-off", "キックオフ会議")
            self._meeting(partner, rng, day, status, label=label)
        if planned is not None:
            day = _workday(ctx.today + timedelta(days=planned), 1)
            self._meeting(partner, rng, day, AlignmentMeeting.Status.PLANNED)

    def _language(self, contacts, staff):
        english = [c for c in contacts if c.language == "en"]
        if english and len(english) == len(contacts):
            return AlignmentMeeting.Language.ENGLISH
        if english or any(self.ctx.ja_share(u) < 0.5 for u in staff):
            return AlignmentMeeting.Language.BILINGUAL
        return AlignmentMeeting.Language.JAPANESE

    def _meeting(self, partner, rng, day, status, label=None):
        ctx, spec = self.ctx, partner.spec
        start = datetime.combine(
            day, clock(rng.choice((10, 14, 15)), rng.choice((0, 30))), tzinfo=ctx.tz
        )
        end = start + timedelta(minutes=rng.choice((90, 120)))
        fmt = rng.choices(
            [AlignmentMeeting.Format.IN_PERSON, AlignmentMeeting.Format.VIDEO,
             AlignmentMeeting.Format.HYBRID],
            weights=(50, 35, 15),
        )[0]  # fmt: skip
        managers = [c for c in partner.contacts if c.seniority != SENIOR]
        seniors = [c for c in partner.contacts if c.seniority == SENIOR]
        attendees = rng.sample(managers, min(len(managers), rng.randint(1, 2)))
        if seniors and (label or rng.random() < 0.5):
            attendees.insert(0, rng.choice(seniors))
        staff = [partner.manager]
        if partner.sponsor and (label or rng.random() < 0.35):
            staff.append(partner.sponsor)
        lang = self._language(attendees, staff)
        fy, quarter = _fiscal(day)
        if label:
            what = label
        elif spec.status == S.PILOT:
            what = ("Pilot review", "パイロット定例会議")
        else:
            what = (f"FY{fy} Q{quarter} alignment", f"{fy}年度 第{quarter}四半期 定例会議")
        held = status == AlignmentMeeting.Status.HELD
        w = partner.words(rng, ctx, attendees[0])
        meeting = AlignmentMeeting(
            kind=AlignmentMeeting.Kind.ALIGNMENT,
            title=f"{what[0]} · {spec.name_en} / {what[1]} · {spec.name_ja}",
            starts_at=start,
            ends_at=end,
            format=fmt,
            location=(
                f"{spec.name_en} head office, {spec.city.en}"
                if fmt != AlignmentMeeting.Format.VIDEO
                else ""
            ),
            join_url=(
                f"https://meet.{STAFF_DOMAIN}/{spec.code}-{day:%Y%m%d}"
                if fmt != AlignmentMeeting.Format.IN_PERSON
                else ""
            ),
            language=lang,
            status=status,
            organizer=partner.manager,
        )
        if held:
            meeting.minutes_market_trends = _bullets(rng.sample(MARKET_TRENDS, 2), lang, w)
            meeting.minutes_feedback = _bullets(
                rng.sample(FEEDBACK_MINUTES, rng.randint(1, 2)), lang, w
            )
            meeting.minutes_joint_learning = _bullets(
                rng.sample(JOINT_LEARNING, rng.randint(1, 2)), lang, w
            )
            meeting.decisions = _bullets(rng.sample(DECISIONS, rng.randint(1, 3)), lang, w)
            meeting.minutes_shared = rng.random() < 0.65
        created = start - timedelta(days=rng.randint(14, 40))
        if status == AlignmentMeeting.Status.PLANNED:
            created = ctx.now - timedelta(days=rng.randint(1, 10))
        updated = end + timedelta(days=rng.randint(1, 3)) if held else created
        _stamp(meeting, min(created, ctx.now), min(updated, ctx.now))
        self.meetings.append(meeting)
        self.m_distributors.append((meeting, partner.obj))
        self.m_staff.extend((meeting, user) for user in staff)
        self.m_contacts.extend((meeting, contact) for contact in attendees)
        self._agenda(rng, meeting, [partner], lang, w, status, rng.randint(3, 5))
        if held:
            for _ in range(rng.randint(2, 4)):
                self._action(
                    rng, partner, lang, w, start=day, staff=staff, contacts=attendees,
                    meeting=meeting, created=end,
                )  # fmt: skip

    def _agenda(self, rng, meeting, partners, lang, words, status, n):
        theirs = rng.randint(1, 2)
        text_lang = "en" if lang == "en" else "ja" if lang == "ja" else rng.choice(("en", "ja"))
        ours = rng.sample(AGENDA[Side.OURS], n - theirs)
        proposals = rng.sample(AGENDA[Side.DISTRIBUTOR], theirs)
        items = [(Side.OURS, pair) for pair in ours[:1]]
        items += [(Side.DISTRIBUTOR, pair) for pair in proposals]
        items += [(Side.OURS, pair) for pair in ours[1:]]
        for position, (side, pair) in enumerate(items, start=1):
            partner = rng.choice(partners)
            if side == Side.OURS:
                proposer, item_status = partner.manager, AgendaItem.Status.ACCEPTED
            else:
                proposer = partner.portal_user
                item_status = AgendaItem.Status.ACCEPTED
                if status == AlignmentMeeting.Status.PLANNED and rng.random() < 0.5:
                    item_status = AgendaItem.Status.PROPOSED
                elif status == AlignmentMeeting.Status.HELD and rng.random() < 0.1:
                    item_status = AgendaItem.Status.DECLINED
            self.agenda.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=_say(pair, text_lang, words)[:200],
                    description=_say(AGENDA_DETAILS, text_lang, words)
                    if rng.random() < 0.3
                    else "",
                    proposed_by=proposer,
                    proposer_side=side,
                    status=item_status,
                )
            )

    def _action(self, rng, partner, lang, words, *, start, staff, contacts, meeting=None,
                touchpoint=None, created=None):  # fmt: skip
        ctx = self.ctx
        rng = random.Random(rng.getrandbits(64))  # whatever happens here stays here
        side = rng.choice((Side.OURS, Side.DISTRIBUTOR))
        text_lang = "ja" if lang == "ja" else "en"
        due = start + timedelta(days=rng.randint(10, 45))
        status_roll, done_shift = rng.random(), rng.randint(-7, 2)
        note = _say(rng.choice(COMPLETION_NOTES), text_lang, words)
        item = ActionItem(
            meeting=meeting,
            touchpoint=touchpoint,
            distributor=partner.obj,
            description=_say(rng.choice(ACTIONS[side]), text_lang, words)[:300],
            owner_side=side,
            owner_user=rng.choice(staff) if side == Side.OURS else None,
            owner_contact=rng.choice(contacts or partner.contacts)
            if side == Side.DISTRIBUTOR
            else None,
            due_on=due,
        )
        overdue_by = (ctx.today - due).days  # the status depends on the day; counts do not
        if overdue_by > 14:
            done, cancelled = 0.85, 0.05
        elif overdue_by > 0:
            done, cancelled = 0.5, 0.0
        else:
            done, cancelled = 0.15, 0.0
        if status_roll < done:
            item.status = ActionItem.Status.DONE
            done_on = max(min(due + timedelta(days=done_shift), ctx.today), start)
            item.completed_at = ctx.at(done_on, 17, 30)
            item.completion_note = note
        elif status_roll < done + cancelled:
            item.status = ActionItem.Status.CANCELLED
        else:
            item.status = ActionItem.Status.OPEN
        _stamp(item, min(created or ctx.at(start, 19), ctx.now))
        self.actions.append(item)

    def _advisory_boards(self):
        ctx = self.ctx
        rng = random.Random(f"{SEED}:{self.network}:advisory")
        members = [
            p
            for p in self.partners
            if p.spec.status == S.ACTIVE
            and (p.spec.sponsored or p.spec.role in (R.IMPORT_AGENT, R.PRIMARY_WHOLESALER))
        ][:8]
        staff = [ctx.users["manager"], ctx.users["manager2"], ctx.users["executive"]]
        for offset in (-rng.randint(130, 200), rng.randint(25, 50)):
            day = _workday(ctx.today + timedelta(days=offset), 1 if offset > 0 else -1)
            held = offset < 0
            start = datetime.combine(day, clock(13, 30), tzinfo=ctx.tz)
            end = start + timedelta(hours=3)
            season = _season(day)
            attendees = [next(c for c in p.contacts if c.seniority == SENIOR) for p in members]
            w = members[0].words(rng, ctx, attendees[0])
            lang = AlignmentMeeting.Language.BILINGUAL
            meeting = AlignmentMeeting(
                kind=AlignmentMeeting.Kind.ADVISORY_BOARD,
                title=(
                    f"Partner advisory board · {season[0]} {day.year} / "
                    f"パートナー諮問会議 {day.year}年{season[1]}"
                ),
                starts_at=start,
                ends_at=end,
                format=AlignmentMeeting.Format.HYBRID,
                location="Marunouchi conference centre, Tokyo / 丸の内カンファレンスセンター",
                join_url=f"https://meet.{STAFF_DOMAIN}/advisory-{self.network + 1}-{day:%Y%m}",
                language=lang,
                status=AlignmentMeeting.Status.HELD if held else AlignmentMeeting.Status.PLANNED,
                organizer=ctx.users["executive"],
            )
            if held:
                meeting.minutes_market_trends = _bullets(rng.sample(MARKET_TRENDS, 3), lang, w)
                meeting.minutes_feedback = _bullets(rng.sample(FEEDBACK_MINUTES, 3), lang, w)
                meeting.minutes_joint_learning = _bullets(rng.sample(JOINT_LEARNING, 2), lang, w)
                meeting.decisions = _bullets(rng.sample(DECISIONS, 2), lang, w)
                meeting.minutes_shared = True
            created = start - timedelta(days=45) if held else ctx.now - timedelta(days=20)
            _stamp(meeting, min(created, ctx.now), min(end + timedelta(days=2), ctx.now))
            self.meetings.append(meeting)
            self.m_distributors.extend((meeting, p.obj) for p in members)
            self.m_staff.extend((meeting, user) for user in staff)
            self.m_contacts.extend((meeting, c) for c in attendees)
            meeting_status = meeting.status
            self._agenda(rng, meeting, members, lang, w, meeting_status, 5)
            if held:
                for _ in range(rng.randint(3, 5)):
                    member = rng.choice(members)
                    senior = attendees[members.index(member)]
                    self._action(
                        rng, member, lang, w, start=day, staff=staff, contacts=[senior],
                        meeting=meeting, created=end,
                    )  # fmt: skip

    # -- goals and milestones ----------------------------------------------------------------

    def _goals(self, partner, profile):
        ctx, spec, rng = self.ctx, partner.spec, partner.rng
        n = rng.randint(*profile.goals)
        if not n:
            return
        owners = [c for c in partner.contacts if c.seniority != FRONT]
        for template in rng.sample(GOALS[spec.group], min(n, len(GOALS[spec.group]))):
            back = rng.randint(*profile.goal_back)
            achieved = spec.status == S.ACTIVE and back >= 330 and rng.random() < 0.25
            start = _month_start(ctx.today - timedelta(days=back))
            end = _years_later(start, 2) - timedelta(days=1)
            w = partner.words(rng, ctx)
            title_en, title_ja, what, why, measure = template
            status = Goal.Status.OPEN
            if spec.status == S.ENDED:
                status = Goal.Status.DROPPED
            elif achieved:
                status = Goal.Status.ACHIEVED
            owner = rng.choice(owners)
            goal = Goal(
                distributor=partner.obj,
                title=f"{title_en.format_map(w)} / {title_ja.format_map(w)}"[:200],
                description=what.format_map(w),
                rationale=why.format_map(w),
                horizon_start=start,
                horizon_end=end,
                owner_ours=partner.manager,
                owner_distributor=owner,
                measure=measure.format_map(w) if rng.random() < 0.7 else "",
                status=status,
                version=1,
            )
            created = ctx.at(start - timedelta(days=rng.randint(10, 40)), 11)
            self.goals.append(goal)
            self._agreements(rng, partner, goal, owner, created)
            self._milestones(rng, partner, goal, back, w, created)
            partner.goal_plans.append((goal, back, w, created))
            _stamp(goal, created, ctx.now - timedelta(days=rng.randint(1, 30)))

    def _agreements(self, rng, partner, goal, owner, created):
        ctx, spec = self.ctx, partner.spec
        if spec.status == S.ONBOARDING:
            state = rng.choice((Goal.Agreement.AWAITING_DISTRIBUTOR, Goal.Agreement.NOT_ACCEPTED))
        elif goal.status != Goal.Status.OPEN:
            state = Goal.Agreement.AGREED
        else:
            state = rng.choices(
                [Goal.Agreement.AGREED, Goal.Agreement.AWAITING_DISTRIBUTOR,
                 Goal.Agreement.AWAITING_US, Goal.Agreement.NOT_ACCEPTED],
                weights=(55, 25, 10, 10),
            )[0]  # fmt: skip
        revised = state != Goal.Agreement.AGREED and spec.status != S.ONBOARDING
        revised = revised and rng.random() < 0.5
        goal.version = 2 if revised else 1
        first_ours = created + timedelta(days=rng.randint(1, 7))
        first_theirs = first_ours + timedelta(days=rng.randint(3, 20))
        latest = ctx.now - timedelta(days=rng.randint(3, 40))
        sides = {
            Goal.Agreement.AGREED: (Side.OURS, Side.DISTRIBUTOR),
            Goal.Agreement.AWAITING_DISTRIBUTOR: (Side.OURS,),
            Goal.Agreement.AWAITING_US: (Side.DISTRIBUTOR,),
            Goal.Agreement.NOT_ACCEPTED: (),
        }[state]
        rows = []
        if revised:  # version 1 was agreed by both; the change reopened it
            rows += [(1, Side.OURS, first_ours), (1, Side.DISTRIBUTOR, first_theirs)]
            rows += [(2, side, max(latest, first_theirs)) for side in sides]
        else:
            rows += [(1, side, first_ours if side == Side.OURS else first_theirs) for side in sides]
        for version, side, moment in rows:
            if side == Side.OURS:
                accepted_by, comment = partner.manager, ""
            elif partner.portal_user is not None:
                accepted_by, comment = partner.portal_user, ""
            else:
                accepted_by = None
                comment = (
                    f"Confirmed by {owner.name_latin} ({owner.name_kanji}) in the alignment "
                    f"meeting; recorded by {partner.manager.get_full_name()}."
                )
            agreement = GoalAgreement(
                goal=goal, version=version, side=side, accepted_by=accepted_by, comment=comment
            )
            _stamp(agreement, min(moment, ctx.now))
            self.agreements.append(agreement)

    def _milestones(self, rng, partner, goal, back, words, created):
        ctx, spec = self.ctx, partner.spec
        kinds = MILESTONE_KINDS.get(spec.role) or MILESTONE_KINDS[spec.group]
        n = rng.randint(2, 4)
        # Offsets from today, drawn from ranges that do not depend on the calendar, and always
        # inside the goal's horizon.
        low = -back + 20
        high = 669 - back
        if goal.status == Goal.Status.ACHIEVED:
            high = -31
        offsets = sorted(rng.randint(low, high) for _ in range(n))
        chosen = rng.sample(kinds, min(n, len(kinds)))
        chosen += rng.choices(kinds, k=n - len(chosen))
        for offset, kind in zip(offsets, chosen, strict=True):
            phase = "past" if offset < -30 else "current" if offset <= 45 else "future"
            target = ctx.today + timedelta(days=offset)
            title, target, kind = self._milestone_title(rng, kind, target, phase, words)
            if goal.status == Goal.Status.DROPPED:
                status = Milestone.Status.CANCELLED
                if phase == "past" and rng.random() < 0.5:
                    status = Milestone.Status.COMPLETED
            elif phase == "past":
                status = rng.choices(
                    [Milestone.Status.COMPLETED, Milestone.Status.CANCELLED], weights=(85, 15)
                )[0]
            elif phase == "current":
                status = Milestone.Status.IN_PROGRESS
            else:
                status = Milestone.Status.PLANNED
            milestone = Milestone(
                goal=goal,
                kind=kind,
                title=title[:200],
                description=_say(rng.choice(DECISIONS), "en", words),
                target_date=target,
                status=status,
            )
            made = min(created + timedelta(days=rng.randint(1, 20)), ctx.now)
            touched = ctx.at(min(target, ctx.today), 18) if status != "planned" else made
            _stamp(milestone, made, touched)
            self.milestones.append(milestone)
            self._evaluations(rng, partner, goal, milestone, phase)

    def _milestone_title(self, rng, kind, target, phase, words):
        ctx = self.ctx
        platform = rng.choice(PLATFORMS)  # drawn whether used or not: see the module docstring
        doors = rng.choice((5, 8, 12, 20, 30))

        def fits(day):
            distance = (day - ctx.today).days
            if phase == "past":
                return distance < -30
            if phase == "current":
                return -30 <= distance <= 45
            return distance > 45

        if kind in (MK.TRADE_SHOW, MK.SEASONAL_READINESS):
            if kind == MK.TRADE_SHOW:
                candidates = [(d, en, ja) for d, en, ja in ctx.shows if fits(d)]
            else:
                candidates = [
                    (date(year, month, day), en, ja)
                    for year in range(target.year - 1, target.year + 2)
                    for en, ja, month, day in SEASONAL_PEAKS
                    if fits(date(year, month, day))
                ]
            if candidates:
                day, en, ja = min(candidates, key=lambda c: (abs((c[0] - target).days), c[1]))
                if kind == MK.TRADE_SHOW:
                    return f"{en} {day.year} booth / {ja} {day.year} 出展", day, kind
                return f"{en} readiness {day.year} / {day.year}年 {ja}対策", day, kind
            kind = MK.LOCAL_CAMPAIGN
        season = SEASON_OF_MONTH[target.month]
        fill = {**words, "n": doors, "platform": platform[0]}
        fill.update(platform_ja=platform[1], season=season[0], season_ja=season[1])
        en, ja = MILESTONE_TITLES[kind]
        return f"{en.format_map(fill)} / {ja.format_map(fill)}", target, kind

    def _evaluations(self, rng, partner, goal, milestone, phase):
        ctx = self.ctx
        plans = []  # (evaluated_on, outcome)
        yesterday = ctx.today - timedelta(days=1)
        if milestone.status == Milestone.Status.COMPLETED:
            if rng.random() < 0.3:
                plans.append(
                    (milestone.target_date - timedelta(days=rng.randint(30, 60)), "not_yet")
                )
            outcome = rng.choices(["exceeded", "achieved", "partly"], weights=(20, 50, 30))[0]
            plans.append((milestone.target_date + timedelta(days=rng.randint(5, 20)), outcome))
        elif milestone.status == Milestone.Status.CANCELLED:
            if rng.random() < 0.5:
                plans.append((min(milestone.target_date, yesterday), "not_yet"))
        elif milestone.status == Milestone.Status.IN_PROGRESS and rng.random() < 0.4:
            plans.append((ctx.today - timedelta(days=rng.randint(3, 25)), rng.choice(
                ["partly", "not_yet"]
            )))  # fmt: skip
        for evaluated_on, outcome in plans:
            evaluated_on = min(evaluated_on, yesterday)
            lang = "ja" if rng.random() < 0.4 else "en"
            evaluation = MilestoneEvaluation(
                milestone=milestone,
                evaluated_on=evaluated_on,
                outcome=outcome,
                narrative=_say(rng.choice(EVALUATIONS[outcome]), lang, {}),
                learning=_say(rng.choice(LEARNINGS), lang, {}),
                next_step=_say(rng.choice(NEXT_STEPS), lang, {}),
                shared_with_distributor=rng.random() < 0.85,
                created_by=partner.manager,
            )
            _stamp(evaluation, ctx.at(evaluated_on, 18))
            self.evaluations.append(evaluation)
            staff = [partner.manager]
            if partner.sponsor and rng.random() < 0.25:
                staff.append(partner.sponsor)
            contacts = [goal.owner_distributor]
            others = [c for c in partner.contacts if c is not goal.owner_distributor]
            if others and rng.random() < 0.5:
                contacts.append(rng.choice(others))
            self.ev_staff.extend((evaluation, user) for user in staff)
            self.ev_contacts.extend((evaluation, contact) for contact in contacts)

    # -- feedback -----------------------------------------------------------------------------

    def _feedback(self, partner, profile, rng, counts):
        ctx = self.ctx
        if partner.portal_user is None:
            return
        n = rng.randint(*counts)
        lang = partner.portal_contact.language
        # A responsive team answers within days and closes most items: the few partners at
        # risk are where answers lag and items pile up, so that "needs attention" points
        # at them rather than at almost everyone.
        at_risk = partner.spec.status == S.AT_RISK
        concern_weight = 45 if at_risk else 20
        for _ in range(n):
            # Skewed towards recent weeks, so that new and acknowledged items exist too.
            offset = 1 + int(rng.random() ** 1.8 * (min(profile.window[1], 480) - 1))
            kind = rng.choices(
                list(FEEDBACK_TEXT), weights=(30, 30, 20, concern_weight)
            )[0]  # fmt: skip
            if offset < 3:
                choices, weights = ["new", "acknowledged"], (60, 40)
            elif kind == Feedback.Kind.CONCERN and not at_risk and offset >= 14:
                # A concern is taken up first: after two weeks it has been settled.
                choices, weights = ["addressed", "declined"], (85, 15)
            elif offset < 10:
                choices, weights = ["new", "acknowledged", "in_progress"], (
                    15 if at_risk else 0, 50, 35
                )  # fmt: skip
            elif offset < 45:
                choices, weights = ["new", "acknowledged", "in_progress", "addressed"], (
                    10 if at_risk else 0, 15, 35, 40
                )  # fmt: skip
            else:
                choices, weights = ["in_progress", "addressed", "declined"], (
                    20 if at_risk else 4, 76, 20
                )  # fmt: skip
            status = rng.choices(choices, weights=weights)[0]
            subject, body = rng.choice(FEEDBACK_TEXT[kind])
            w = partner.words(rng, ctx, partner.portal_contact)
            sent = ctx.now - timedelta(days=offset, hours=rng.randint(0, 8))
            item = Feedback(
                distributor=partner.obj,
                kind=kind,
                status=status,
                subject=_say(subject, lang, w)[:200],
                body=_say(body, lang, w),
                submitted_by=partner.portal_user,
                anonymous_to_team=rng.random() < 0.1,
            )
            thread = {
                "new": [],
                "acknowledged": ["ack"],
                "in_progress": ["ack", "progress"] if rng.random() < 0.5 else ["progress"],
                "addressed": ["ack", "theirs", "addressed"][rng.randint(0, 1) :],
                "declined": ["ack", "declined"],
            }[status]
            moment = sent
            first_reply_hours = 24 * 9 if at_risk else 24 * 4
            for step, what in enumerate(thread):
                hours = rng.randint(2, first_reply_hours) if step == 0 else rng.randint(4, 24 * 7)
                moment = min(moment + timedelta(hours=hours), ctx.now)
                author = partner.portal_user if what == "theirs" else partner.manager
                reply = FeedbackReply(
                    feedback=item, author=author, body=_say(rng.choice(REPLIES[what]), lang, w)
                )
                _stamp(reply, moment)
                self.replies.append(reply)
            _stamp(item, sent, moment)
            self.feedback.append(item)

    # -- writing ------------------------------------------------------------------------------

    def save(self):
        User.objects.bulk_create(self.new_users, batch_size=BATCH_SIZE)
        depth = {}
        for p in self.partners:
            up = p.spec.upstream
            depth[p.spec.index] = 0 if up is None else depth[up] + 1
        for level in sorted(set(depth.values())):
            Distributor.objects.bulk_create(
                [p.obj for p in self.partners if depth[p.spec.index] == level]
            )
        _link(Distributor.prefectures, self.dist_prefectures)
        _link(Distributor.product_categories, self.dist_categories)
        Cadence.objects.bulk_create(self.cadences, batch_size=BATCH_SIZE)
        Contact.objects.bulk_create(self.contacts, batch_size=BATCH_SIZE)
        _link(User.groups, [(user, self.ctx.portal_group) for user in self.new_users])
        Touchpoint.objects.bulk_create(self.touchpoints, batch_size=BATCH_SIZE)
        _link(Touchpoint.staff, self.tp_staff)
        _link(Touchpoint.contacts, self.tp_contacts)
        AlignmentMeeting.objects.bulk_create(self.meetings, batch_size=BATCH_SIZE)
        _link(AlignmentMeeting.distributors, self.m_distributors)
        _link(AlignmentMeeting.staff_attendees, self.m_staff)
        _link(AlignmentMeeting.contact_attendees, self.m_contacts)
        AgendaItem.objects.bulk_create(self.agenda, batch_size=BATCH_SIZE)
        ActionItem.objects.bulk_create(self.actions, batch_size=BATCH_SIZE)
        Goal.objects.bulk_create(self.goals, batch_size=BATCH_SIZE)
        GoalVersion.objects.bulk_create(
            [
                GoalVersion(
                    goal=goal,
                    version=goal.version,
                    created_by=goal.owner_ours,
                    created_at=goal.created_at,
                    **{name: getattr(goal, name) for name in GoalVersion.STATED_FIELDS},
                )
                for goal in self.goals
            ],
            batch_size=BATCH_SIZE,
        )
        GoalAgreement.objects.bulk_create(self.agreements, batch_size=BATCH_SIZE)
        Milestone.objects.bulk_create(self.milestones, batch_size=BATCH_SIZE)
        MilestoneEvaluation.objects.bulk_create(self.evaluations, batch_size=BATCH_SIZE)
        _link(MilestoneEvaluation.staff_participants, self.ev_staff)
        _link(MilestoneEvaluation.contact_participants, self.ev_contacts)
        Feedback.objects.bulk_create(self.feedback, batch_size=BATCH_SIZE)
        FeedbackReply.objects.bulk_create(self.replies, batch_size=BATCH_SIZE)
        # bulk_create sends no signal: the dashboards' kept results must go.
        signal_inputs.signal_inputs_changed()


# --------------------------------------------------------------------------------------------
# Shared plans (first network only)
# --------------------------------------------------------------------------------------------


def _shared_plans(ctx, builder):
    rng = random.Random(f"{SEED}:plans")
    fy, _ = _fiscal(ctx.today)
    by_role = {}
    for p in builder.partners:
        by_role.setdefault(p.spec.role, []).append(p)
    logistics = [p for p in builder.partners if p.spec.group == "logistics"]
    kansai = [p for p in builder.partners if {26, 27, 28} & set(p.spec.prefectures)]
    plans = [
        (
            (
                f"Japan market direction FY{fy}–FY{fy + 2}",
                f"日本市場の方向性（{fy}〜{fy + 2}年度）",
            ),
            (
                "Where we want to be in Japan in three years, and how we will get there together.",
                "3年後に日本市場で目指す姿と、共に実現するための道筋です。",
            ),
            (
                "We will grow through fewer, deeper partnerships rather than more distributors. "
                "Premium frozen desserts and gift sets are our focus; plant-based follows once "
                "demand outside Tokyo and Osaka is proven.",
                "今後3年間、取引先の数を増やすのではなく、一社一社との関係を深めることで成長します。"
                "重点はプレミアム冷凍デザートとギフトセット。プラントベースは東京・大阪以外での需要を"
                "確認してから展開します。",
            ),
            date(fy, 4, 1),
            date(fy + 3, 3, 31),
            SharedPlan.Audience.ALL,
            [],
            120,
            "executive",
        ),
        (
            ("Cold-chain network 2026", "コールドチェーン網 2026"),
            (
                "How frozen and chilled products will move from our hubs to stores.",
                "冷凍・冷蔵商品を拠点から店舗へ届ける仕組みです。",
            ),
            (
                "Two frozen cross-docks (Kanto and Kansai), loggers on every pallet, and shared "
                "trucks to keep capacity during the peaks.",
                "関東・関西の2か所に冷凍クロスドックを設け、全パレットに温度ロガーを装着。"
                "繁忙期の輸送力は共同配送で確保します。",
            ),
            date(fy, 10, 1),
            date(fy + 1, 9, 30),
            SharedPlan.Audience.CHOSEN,
            logistics,
            60,
            "manager",
        ),
        (
            ("Kansai premium dessert expansion", "関西プレミアムデザート展開"),
            (
                "Bringing the premium dessert range to drugstores and supermarkets in Kansai.",
                "プレミアムデザートを関西のドラッグストアとスーパーへ展開します。",
            ),
            (
                "Phase one: Osaka and Kobe flagships. Phase two: suburban supermarkets with "
                "smaller first orders.",
                "第1段階は大阪・神戸の旗艦店、第2段階は初回発注を小さくして郊外スーパーへ。",
            ),
            date(fy, 7, 1),
            date(fy + 2, 3, 31),
            SharedPlan.Audience.CHOSEN,
            kansai,
            30,
            "manager",
        ),
        (
            (
                "E-commerce pricing and listing guidelines (draft)",
                "EC価格・出品ガイドライン（案）",
            ),
            (
                "Draft for discussion with our online partners.",
                "EC パートナーの皆様との協議用の草案です。",
            ),
            (
                "Minimum advertised prices, bundle rules and image guidelines.",
                "最低広告価格、セット販売のルール、画像ガイドライン。",
            ),
            None,
            None,
            SharedPlan.Audience.CHOSEN,
            by_role.get(R.ECOMMERCE, []),
            None,
            "manager2",
        ),
    ]
    acknowledgements = []
    # Each text is (English, Japanese).
    for title, summary, body, start, end, audience, chosen, days_ago, author in plans:
        published = ctx.now - timedelta(days=days_ago) if days_ago is not None else None
        plan = SharedPlan(
            title=title[0],
            title_ja=title[1],
            summary=summary[0],
            summary_ja=summary[1],
            body=body[0],
            body_ja=body[1],
            horizon_start=start,
            horizon_end=end,
            audience=audience,
            published_at=published,
            author=ctx.users[author],
        )
        _stamp(plan, published or ctx.now - timedelta(days=5), published)
        plan.save()
        if chosen:
            plan.distributors.set([p.obj for p in chosen])
        if published is None:
            continue
        readers = builder.partners if audience == SharedPlan.Audience.ALL else chosen
        for p in readers:
            if p.portal_user is not None and rng.random() < 0.6:
                ack = SharedPlanAcknowledgement(plan=plan, user=p.portal_user)
                moment = published + timedelta(hours=rng.randint(2, 24 * days_ago))
                _stamp(ack, min(moment, ctx.now))
                acknowledgements.append(ack)
    SharedPlanAcknowledgement.objects.bulk_create(acknowledgements)


# --------------------------------------------------------------------------------------------
# Logins
# --------------------------------------------------------------------------------------------


def _ensure_logins(ctx):
    """Create the demo logins that are missing (existing ones are left as they are)."""
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.STAFF_ROLES)}
    password = None
    created = set()
    for login in STAFF_LOGINS + PARTNER_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            password = password or make_password(PASSWORD)
            domain = PARTNER_HOMES.get(login.username)
            domain = f"{domain}.example.jp" if domain else STAFF_DOMAIN
            user = User.objects.create(
                username=login.username,
                first_name=login.first_name,
                last_name=login.last_name,
                email=f"{login.first_name}.{login.last_name}@{domain}".lower(),
                password=password,
                is_staff=login.superuser,
                is_superuser=login.superuser,
                time_zone=login.time_zone,
            )
            created.add(login.username)
        if login.role in groups and not user.groups.filter(name=login.role).exists():
            user.groups.add(groups[login.role])
        ctx.users[login.username] = user
    return created


def _tie_partner_logins(ctx):
    """Give `partner` and `partner2` their contact and the distributor-user role.

    The contact must exist before the role is added (see prm.roles).
    """
    homes = PARTNER_HOMES
    for username, person in PARTNER_PEOPLE.items():
        user = User.objects.get(username=username)
        contact = Contact.objects.filter(portal_user=user).first()
        if contact is None:
            email = f"{person.given[0]}.{person.family[0]}@{homes[username]}.example.jp"
            contact = Contact.objects.filter(
                distributor__code=homes[username], email__iexact=email, portal_user__isnull=True
            ).first()
            if contact is None:
                continue
            contact.portal_user = user
            contact.save(update_fields=["portal_user"])
        user = User.objects.get(pk=user.pk)  # no cached "no contact" from before
        if not user.groups.filter(name=roles.DISTRIBUTOR_USER).exists():
            user.groups.add(ctx.portal_group)


def _portal_dialogue(ctx):
    """What `partner` has already done in the portal, so that both sides see it.

    Evidence on a milestone of an agreed goal and a change proposed to that goal, which
    reopens its agreement; and a colleague invited by the account manager who has not set a
    password yet. The goal that waits for `partner`'s acceptance is left for the demo.
    """
    partner = User.objects.get(username="partner")
    contact = Contact.objects.filter(portal_user=partner).select_related("distributor").first()
    if contact is None:
        return
    distributor = contact.distributor
    goal = (
        Goal.objects.filter(distributor=distributor, status=Goal.Status.OPEN)
        .filter(agreements__side=Side.DISTRIBUTOR)
        .order_by("pk")
        .first()
    )
    if goal is not None:
        # The first one written: the earliest of the story's milestones, not of the volume's.
        milestone = goal.milestones.order_by("pk").first()
        if milestone is not None:
            evidence = MilestoneEvidence(
                milestone=milestone,
                text="Photos of the tasting corner in 12 stores; buyers asked for a second "
                "flavour. / 12店舗の試食コーナーの写真です。"
                "バイヤーから2つ目のフレーバーの要望あり。",
                added_by=partner,
            )
            _stamp(evidence, ctx.now - timedelta(days=3))
            evidence.save()
        proposal = GoalChangeProposal(
            goal=goal,
            version=goal.version,
            comment="Could the horizon move by one quarter? Our Kyushu stores open in "
            "autumn. / 九州の店舗開店が秋になるため、期間を1四半期延ばせないでしょうか。",
            proposed_by=partner,
        )
        _stamp(proposal, ctx.now - timedelta(days=2))
        proposal.save()
    held = (
        AlignmentMeeting.objects.filter(
            distributors=distributor, status=AlignmentMeeting.Status.HELD
        )
        .order_by("-starts_at")
        .first()
    )
    if held is not None:
        # Left open for the demo: `partner` marks it done with a comment.
        item = ActionItem(
            meeting=held,
            distributor=distributor,
            description="Share the opening dates of the Kyushu stores / 九州店舗の開店日を共有する",
            owner_side=Side.DISTRIBUTOR,
            owner_contact=contact,
            due_on=ctx.today + timedelta(days=10),
        )
        _stamp(item, held.ends_at)
        item.save()
    _plan_for_the_partner_logins(ctx)
    colleague = (
        Contact.objects.filter(distributor=distributor, portal_user__isnull=True)
        .exclude(email="")
        .order_by("pk")
        .first()
    )
    if colleague is not None and distributor.account_manager is not None:
        # Nobody knows this link's token: the account manager sends a new invitation to
        # see the e-mail (printed on the console by `make run`).
        invitation = PortalInvitation(
            contact=colleague,
            token_hash=PortalInvitation.hash_token(secrets.token_urlsafe(32)),
            invited_by=distributor.account_manager,
            expires_at=ctx.now + timedelta(days=settings.PRM_INVITATION_DAYS - 1),
        )
        _stamp(invitation, ctx.now - timedelta(days=1))
        invitation.save()


def _plan_for_the_partner_logins(ctx):
    """A plan published last week for the companies of `partner` and `partner2`, read by
    neither yet: each portal's Home shows it as new, to read and acknowledge."""
    homes = [home for home in map(_partner_home, PARTNER_PEOPLE) if home is not None]
    published = ctx.now - timedelta(days=6)
    plan = SharedPlan(
        title="Next spring's promotion calendar",
        title_ja="来春の販促カレンダー",
        summary="The national campaigns of March to May, for your own store plans.",
        summary_ja="3月から5月の全国キャンペーンです。各店舗の計画にお役立てください。",
        body="Cherry-blossom gift sets from 1 March, a Golden Week tasting tour in Tokyo and "
        "Osaka, and new flavours in May.",
        body_ja="3月1日から桜のギフトセット、ゴールデンウィークは東京・大阪で試食イベント、"
        "5月に新フレーバーを発売します。",
        audience=SharedPlan.Audience.CHOSEN,
        published_at=published,
        author=ctx.users["manager"],
    )
    _stamp(plan, published - timedelta(days=1), published)
    plan.save()
    plan.distributors.set(homes)


def _partner_home(username):
    return Distributor.objects.filter(code=PARTNER_HOMES[username]).first()


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


@dataclass
class LoginInfo:
    username: str
    label: str
    name: str
    detail: str
    created: bool


@dataclass
class SeedResult:
    scale: int
    created_networks: list[int]
    present_networks: list[int]
    partial_networks: list[int]
    logins: list[LoginInfo]
    seconds: float

    @property
    def changed(self):
        return bool(self.created_networks)


def _context(today):
    tz = ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate(timezone=tz)
    prefectures = {p.code: p for p in Prefecture.objects.all()}
    categories = {}
    for key, (en, ja) in CATEGORIES.items():
        categories[key], _ = ProductCategory.objects.get_or_create(
            name_en=en, defaults={"name_ja": ja}
        )
    shows = sorted(
        (_nth_weekday(year, month, weekday, n), en, ja)
        for year in range(today.year - 3, today.year + 4)
        for en, ja, month, weekday, n in TRADE_SHOWS
    )
    return _Context(
        today=today,
        now=timezone.now(),
        tz=tz,
        users={},
        prefectures=prefectures,
        regions={code: p.region for code, p in prefectures.items()},
        categories=categories,
        portal_group=Group.objects.get(name=roles.DISTRIBUTOR_USER),
        unusable_password=make_password(None),
        shows=shows,
    )


def seed_demo(scale=1, *, today=None, progress: Callable[[str], None] | None = None):
    """Create the demo data set for `scale` networks of 40 distributors; return a summary.

    Networks that already exist (any of their distributor codes present) are left alone, so
    running twice changes nothing and a larger scale only adds the missing networks.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    started = time.monotonic()
    say = progress or (lambda message: None)
    created, present, partial = [], [], []
    with transaction.atomic(), _given_timestamps():
        ctx = _context(today)
        new_logins = _ensure_logins(ctx)
        for network in range(scale):
            specs = network_specs(network, ctx.regions)
            found = Distributor.objects.filter(code__in=[s.code for s in specs]).count()
            if found:
                present.append(network)
                if found < len(specs):
                    partial.append(network)
                continue
            builder = _NetworkBuilder(ctx, network, specs)
            builder.build()
            builder.save()
            if network == 0:
                _shared_plans(ctx, builder)
                seed_figures([p.obj for p in builder.partners], today=ctx.today, now=ctx.now)
            created.append(network)
            bar = "#" * (20 * (network + 1) // scale)
            say(
                f"[{bar:<20}] network {network + 1}/{scale}: {len(builder.partners)} "
                f"distributors, {len(builder.contacts)} contacts, {len(builder.touchpoints)} "
                f"touchpoints, {len(builder.meetings)} meetings, {len(builder.milestones)} "
                f"milestones, {len(builder.feedback)} feedback ({time.monotonic() - started:.1f} s)"
            )
        _tie_partner_logins(ctx)
        if 0 in created:
            _portal_dialogue(ctx)
    logins = []
    for login in STAFF_LOGINS + PARTNER_LOGINS:
        user = ctx.users[login.username]
        if login.role == roles.ACCOUNT_MANAGER:
            detail = f"account manager of {user.managed_distributors.count()} distributors"
        elif login.role == roles.EXECUTIVE:
            detail = f"executive sponsor of {user.sponsored_distributors.count()} distributors"
        elif login.role == roles.DISTRIBUTOR_USER:
            home = _partner_home(login.username)
            detail = f"portal of {home}" if home else "no distributor yet"
        else:
            detail = "superuser, Django admin"
        logins.append(
            LoginInfo(
                login.username,
                login.label,
                user.get_full_name(),
                detail,
                login.username in new_logins,
            )
        )
    return SeedResult(scale, created, present, partial, logins, time.monotonic() - started)
