"""Reading a file of distributors or of contacts into rows and errors, and planning its save.

The file is read with the machinery every import shares (prm/imports.py): encodings,
Japanese or English headers, .xlsx. A row matches what exists by its natural key: a
distributor by its partner code, a contact by its distributor and e-mail address (by its
Latin name when the row gives no address). An empty cell keeps what is stored; a new
row gets the field's default. `plan` says, for the preview and for the save alike, which
rows are new, which change what, and which change nothing.
"""

from dataclasses import dataclass, field

from django import forms
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from prm.choices import Language
from prm.forms import HTTPS_URL_FIELDS
from prm.imports import ParsedFile, column_index, normalise, read_table

from .models import (
    Contact,
    ContactSeniority,
    Distributor,
    DistributorRole,
    DistributorStatus,
    Prefecture,
)

# Each row is saved through the services, with its audit history: a few queries a row.
MAX_ROWS = 2000

KANA_HEADERS = ("name (kana reading)", "kana", "name_kana", "フリガナ", "ふりがな", "カナ", "読み")
DISTRIBUTOR_HEADERS = {
    "code": (
        "partner code",
        "distributor code",
        "code",
        "代理店コード",
        "取引先コード",
        "販売店コード",
    ),
    "name_en": ("name (English)", "English name", "name", "name_en", "名称(英語)", "英語名"),
    "name_ja": (
        "name (Japanese)",
        "Japanese name",
        "name_ja",
        "名称(日本語)",
        "名称",
        "社名",
        "会社名",
        "代理店名",
    ),
    "name_kana": (
        "name (kana reading)",
        "kana",
        "name_kana",
        "フリガナ",
        "ふりがな",
        "カナ",
        "読み",
    ),
    "role": ("role in the network", "role", "役割", "ネットワーク上の役割", "業態"),
    "status": ("lifecycle status", "status", "ステータス", "状態"),
    "prefectures": (
        "prefectures covered",
        "prefectures",
        "prefecture",
        "対応都道府県",
        "都道府県",
    ),
    "website": ("website", "web site", "url", "ウェブサイト", "ホームページ"),
    "address": ("address", "住所", "所在地"),
}
CONTACT_HEADERS = {
    "distributor": (
        "distributor code",
        "partner code",
        "distributor",
        "代理店コード",
        "取引先コード",
        "代理店",
    ),
    "name_latin": ("name (Latin script)", "name", "name_latin", "氏名(ローマ字)", "ローマ字氏名"),
    "name_kanji": ("name (kanji)", "name_kanji", "氏名(漢字)", "氏名", "漢字氏名"),
    "name_kana": (
        "name (kana reading)",
        "kana",
        "name_kana",
        "フリガナ",
        "ふりがな",
        "カナ",
        "読み",
    ),
    "title": ("title", "job title", "役職", "肩書"),
    "seniority": ("seniority", "階層", "役職区分"),
    "language": ("preferred language", "language", "言語", "使用言語"),
    "email": ("e-mail", "email", "e-mail address", "メール", "メールアドレス", "電子メール"),
    "phone": ("phone", "telephone", "tel", "電話", "電話番号"),
}
DISTRIBUTOR_REQUIRED = ("code", "name_en", "role")
CONTACT_REQUIRED = ("distributor", "name_latin", "seniority")
# The fields a row sets when its cell is not empty, cleaned as the model's form field would.
DISTRIBUTOR_TEXT = ("name_en", "name_ja", "name_kana", "website", "address")
CONTACT_TEXT = ("name_latin", "name_kanji", "name_kana", "title", "email", "phone")
DISTRIBUTOR_CHOICES = {"role": DistributorRole, "status": DistributorStatus}
CONTACT_CHOICES = {"seniority": ContactSeniority, "language": Language}


def distributor_column_label(column):
    return {
        "code": _("Partner code (代理店コード)"),
        "name_en": _("Name in English (名称(英語))"),
        "name_ja": _("Name in Japanese (名称)"),
        "name_kana": _("Kana reading (フリガナ)"),
        "role": _("Role (役割)"),
        "status": _("Status (ステータス)"),
        "prefectures": _("Prefectures (都道府県)"),
        "website": _("Website (ウェブサイト)"),
        "address": _("Address (住所)"),
    }[column]


def contact_column_label(column):
    return {
        "distributor": _("Distributor code (代理店コード)"),
        "name_latin": _("Name in Latin script (氏名(ローマ字))"),
        "name_kanji": _("Name in kanji (氏名)"),
        "name_kana": _("Kana reading (フリガナ)"),
        "title": _("Title (役職)"),
        "seniority": _("Seniority (階層)"),
        "language": _("Language (言語)"),
        "email": _("E-mail (メール)"),
        "phone": _("Phone (電話)"),
    }[column]


def _choice_spellings(choices):
    """{normalised spelling: value}: the stored value and the label in English and Japanese."""
    spellings = {}
    for language in ("en", "ja"):
        with translation.override(language):
            for value, label in choices.choices:
                spellings.setdefault(normalise(value), value)
                spellings.setdefault(normalise(str(label)), value)
    return spellings


def _prefecture_spellings():
    """{normalised spelling: prefecture id}: 東京都, 東京, Tokyo or the JIS code 13."""
    spellings = {}
    for prefecture in Prefecture.objects.all():
        names = [prefecture.name_en, prefecture.name_ja, str(prefecture.code)]
        if prefecture.name_ja[-1:] in "都府県" and prefecture.name_ja != "北海道":
            names.append(prefecture.name_ja[:-1])
        for name in names:
            spellings.setdefault(normalise(name), prefecture.pk)
    return spellings


def _shown(value):
    """A cell as an error message quotes it: a pasted paragraph is cut short."""
    return Truncator(value).chars(60)


def _split_list(cell):
    """The items of a cell that lists several: 東京都、大阪府 / Tokyo; Osaka / 13,27."""
    text = str(cell)
    for separator in ("、", "・", ";", "；", "/", "／", "\n", "，"):
        text = text.replace(separator, ",")
    return [item.strip() for item in text.split(",") if item.strip()]


@dataclass
class _RowReader:
    """Cleans the cells of one row into model values, noting each problem by column."""

    parsed: ParsedFile
    table: object
    model: type
    choices: dict
    line: int = 0
    cells: list = field(default_factory=list)
    errors_before: int = 0
    _spellings: dict = field(default_factory=dict)

    def start(self, line, cells):
        self.line, self.cells, self.errors_before = line, cells, len(self.parsed.errors)

    @property
    def failed(self):
        return len(self.parsed.errors) > self.errors_before

    def raw(self, column):
        cell = self.table.cell(self.cells, column)
        return None if cell is None else str(cell).strip()

    def error(self, column, message):
        self.parsed.error(self.line, column, message)

    def text(self, column, fields):
        """Put the cleaned text of `column` in `fields`, unless the cell is empty."""
        value = self.raw(column)
        if value is None:
            return
        model_field = self.model._meta.get_field(column)
        form_field = model_field.formfield(**HTTPS_URL_FIELDS.get(type(model_field), {}))
        try:
            fields[column] = form_field.clean(value)
        except forms.ValidationError as error:
            self.error(column, " ".join(error.messages))

    def choice(self, column, fields):
        value = self.raw(column)
        if value is None:
            return
        choices = self.choices[column]
        if column not in self._spellings:
            self._spellings[column] = _choice_spellings(choices)
        found = self._spellings[column].get(normalise(value))
        if found is None:
            self.error(
                column,
                _("“%(value)s” is not one of: %(choices)s.")
                % {
                    "value": _shown(value),
                    "choices": ", ".join(str(label) for label in choices.labels),
                },
            )
        else:
            fields[column] = found

    def required(self, column):
        """The cell of a column every row must fill; None, with an error, when it is empty."""
        value = self.raw(column)
        if value is None:
            self.error(column, _("This cell is empty; every row needs it."))
        return value


def _distributors_by_code(codes):
    """{normalised code: distributor}. Codes are compared without case or width:
    "ＳＡＫＵＲＡ-01" in a file means the distributor whose code is "sakura-01"."""
    found = Distributor.objects.alias(code_lower=Lower("code")).filter(
        code_lower__in={normalise(code) for code in codes if code is not None}
    )
    return {normalise(distributor.code): distributor for distributor in found}


def read_distributor_file(file_name, content):
    """The file's distributors as they would be saved, and its errors by line and column."""
    parsed = ParsedFile(distributor_column_label)
    table = read_table(
        parsed,
        file_name,
        content,
        headers=column_index(DISTRIBUTOR_HEADERS),
        required=DISTRIBUTOR_REQUIRED,
        max_rows=MAX_ROWS,
    )
    if table is None:
        return parsed
    reader = _RowReader(parsed, table, Distributor, DISTRIBUTOR_CHOICES)
    existing = _distributors_by_code({table.cell(cells, "code") for _line, cells in table.rows})
    prefectures = _prefecture_spellings() if "prefectures" in table.columns else {}
    seen = {}
    for line, cells in table.rows:
        reader.start(line, cells)
        fields = {}
        code = reader.required("code")
        if code is not None:
            code = normalise(code)
            try:
                Distributor._meta.get_field("code").formfield().clean(code)
            except forms.ValidationError as error:
                reader.error("code", " ".join(error.messages))
            distributor = existing.get(code)
            if distributor is not None:
                # An update names the distributor as it is stored.
                code = distributor.code
            if distributor is not None and distributor.is_archived:
                reader.error(
                    "code",
                    _("The distributor “%(code)s” is archived: restore it first.") % {"code": code},
                )
        for column in ("name_en", "role"):
            reader.required(column)
        for column in DISTRIBUTOR_TEXT:
            reader.text(column, fields)
        for column in DISTRIBUTOR_CHOICES:
            reader.choice(column, fields)
        # Which distributor the preview showed the row for (None: a new one), so that
        # saving can tell when that changed in between.
        stored = existing.get(normalise(code)) if code is not None else None
        row = {"line": line, "code": code, "id": stored.pk if stored else None, "fields": fields}
        if (cell := reader.raw("prefectures")) is not None:
            row["prefectures"] = []
            for name in _split_list(cell):
                found = prefectures.get(normalise(name))
                if found is None:
                    reader.error(
                        "prefectures",
                        _("“%(name)s” is not a prefecture of Japan.") % {"name": _shown(name)},
                    )
                elif found not in row["prefectures"]:
                    row["prefectures"].append(found)
            row["prefectures"].sort()
        if reader.failed:
            continue
        if code in seen:
            reader.error("code", _("The same partner code as row %(line)d.") % {"line": seen[code]})
            continue
        seen[code] = line
        parsed.rows.append(row)
    return parsed


def _contact_key(distributor_id, email, name_latin):
    """What identifies a contact at its distributor: the e-mail address (any letter case),
    else the Latin name (any case or width)."""
    if email:
        return (distributor_id, "email", email.lower())
    return (distributor_id, "name", normalise(name_latin))


def read_contact_file(file_name, content):
    """The file's contacts as they would be saved, and its errors by line and column."""
    parsed = ParsedFile(contact_column_label)
    table = read_table(
        parsed,
        file_name,
        content,
        headers=column_index(CONTACT_HEADERS),
        required=CONTACT_REQUIRED,
        max_rows=MAX_ROWS,
    )
    if table is None:
        return parsed
    reader = _RowReader(parsed, table, Contact, CONTACT_CHOICES)
    distributors = _distributors_by_code(
        {table.cell(cells, "distributor") for _line, cells in table.rows}
    )
    named = _contacts_by_name([distributor.pk for distributor in distributors.values()])
    seen = {}
    for line, cells in table.rows:
        reader.start(line, cells)
        fields = {}
        code = reader.required("distributor")
        distributor = None
        if code is not None:
            distributor = distributors.get(normalise(code))
            if distributor is None:
                reader.error(
                    "distributor",
                    _("No distributor has the code “%(code)s”.") % {"code": _shown(code)},
                )
            elif distributor.is_archived:
                reader.error(
                    "distributor",
                    _("The distributor “%(code)s” is archived: restore it first.")
                    % {"code": distributor.code},
                )
        for column in ("name_latin", "seniority"):
            reader.required(column)
        for column in CONTACT_TEXT:
            reader.text(column, fields)
        for column in CONTACT_CHOICES:
            reader.choice(column, fields)
        if reader.failed:
            continue
        email = fields.get("email", "")
        key = _contact_key(distributor.pk, email, fields["name_latin"])
        if not email and len(named.get(key, ())) > 1:
            reader.error(
                "email",
                _("Several contacts at this distributor have this name: give the e-mail address."),
            )
            continue
        if key in seen:
            reader.error(None, _("The same contact as row %(line)d.") % {"line": seen[key]})
            continue
        seen[key] = line
        parsed.rows.append(
            {
                "line": line,
                "distributor_id": distributor.pk,
                "distributor": distributor.code,
                "fields": fields,
            }
        )
    return parsed


def _contacts_by_name(distributor_ids):
    """{(distributor id, "name", normalised Latin name): [contacts]}: the matches of rows
    that give no e-mail address."""
    found = {}
    for contact in Contact.objects.filter(distributor_id__in=distributor_ids).order_by("pk"):
        key = _contact_key(contact.distributor_id, "", contact.name_latin)
        found.setdefault(key, []).append(contact)
    return found


# ---------------------------------------------------------------------------------------------
# What a file would change


@dataclass
class Step:
    """One row of a file against what is stored: `target` is None for a new object."""

    row: dict
    target: object
    changes: dict  # field name: new value, only those that differ from what is stored

    @property
    def state(self):
        if self.target is None:
            return "new"
        return "changed" if self.changes else "unchanged"


def plan_distributors(rows):
    """The Steps of a distributor file's rows: three queries whatever the number of rows."""
    existing = {
        distributor.code: distributor
        for distributor in Distributor.objects.filter(
            code__in=[row["code"] for row in rows]
        ).prefetch_related("prefectures", "product_categories")
    }
    steps = []
    for row in rows:
        target = existing.get(row["code"])
        wanted = dict(row["fields"])
        if "prefectures" in row:
            wanted["prefectures"] = row["prefectures"]
        if target is None:
            steps.append(Step(row, None, {"code": row["code"], **wanted}))
            continue
        current = {name: getattr(target, name) for name in row["fields"]}
        current["prefectures"] = sorted(prefecture.pk for prefecture in target.prefectures.all())
        changes = {name: value for name, value in wanted.items() if current[name] != value}
        steps.append(Step(row, target, changes))
    return steps


def plan_contacts(rows):
    """The Steps of a contact file's rows: one query whatever the number of rows."""
    by_key = {}
    contacts = Contact.objects.filter(
        distributor_id__in={row["distributor_id"] for row in rows}
    ).order_by("pk")
    for contact in contacts:
        if contact.email:
            by_key.setdefault(_contact_key(contact.distributor_id, contact.email, ""), contact)
        by_key.setdefault(_contact_key(contact.distributor_id, "", contact.name_latin), contact)
    steps = []
    for row in rows:
        fields = row["fields"]
        key = _contact_key(row["distributor_id"], fields.get("email", ""), fields["name_latin"])
        target = by_key.get(key)
        if target is None:
            steps.append(Step(row, None, dict(fields)))
            continue
        changes = {name: value for name, value in fields.items() if getattr(target, name) != value}
        steps.append(Step(row, target, changes))
    return steps
