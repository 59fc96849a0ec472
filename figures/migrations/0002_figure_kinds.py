from django.db import migrations

SALES = [
    "import_agent",
    "primary_wholesaler",
    "secondary_wholesaler",
    "sub_wholesaler",
    "retailer_chain",
    "ecommerce",
]
WHOLESALE = ["import_agent", "primary_wholesaler", "secondary_wholesaler", "sub_wholesaler"]
LOGISTICS = ["3pl", "trucking", "cold_chain"]

# code, English, Japanese, unit, roles, by category
KINDS = [
    ("sell_in_amount", "Sell-in amount", "仕入金額（セルイン）", "jpy", SALES, True),
    ("sell_in_units", "Sell-in units", "仕入数量（セルイン）", "units", SALES, True),
    ("sell_through_amount", "Sell-through amount", "販売金額（セルスルー）", "jpy", SALES, True),
    ("sell_through_units", "Sell-through units", "販売数量（セルスルー）", "units", SALES, True),
    ("inventory_weeks", "Inventory in weeks", "在庫週数", "weeks", WHOLESALE, False),
    ("new_retail_doors", "New retail doors", "新規取扱店舗数", "count", SALES, False),
    ("on_time_delivery", "On-time delivery", "定時配送率", "percent", LOGISTICS, False),
    ("damage_claims", "Damage or claim count", "破損・クレーム件数", "count", LOGISTICS, False),
    ("lead_time_days", "Lead time", "リードタイム", "days", LOGISTICS, False),
    (
        "temperature_excursions",
        "Cold-chain temperature excursions",
        "温度逸脱件数",
        "count",
        ["cold_chain"],
        False,
    ),
]


def load(apps, schema_editor):
    FigureKind = apps.get_model("figures", "FigureKind")
    for position, (code, name_en, name_ja, unit, roles, by_category) in enumerate(KINDS, 1):
        FigureKind.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_ja": name_ja,
                "unit": unit,
                "distributor_roles": roles,
                "by_category": by_category,
                "shared_with_distributor": True,
                "position": position * 10,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("figures", "FigureKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("figures", "0001_performance_figures")]

    operations = [migrations.RunPython(load, unload)]
