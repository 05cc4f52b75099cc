"""Starter OKRs per department: the example OKRs of seed/clickup-saas-okr-guide.id.txt.

Each text is English with the seed's Indonesian original beside it (`*_id`); pages show the one
matching the active language. Values follow the demo workspace's reading of the examples.
"""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DEPARTMENTS = [
    ("product", _("Product")),
    ("engineering", _("Engineering")),
    ("marketing", _("Marketing")),
    ("sales", _("Sales")),
    ("customer-success", _("Customer Success")),
]


def _kr(title, title_id, kind="number", direction="increase", start=0.0, target=1.0, **extra):
    return {
        "title": title,
        "title_id": title_id,
        "kind": kind,
        "direction": direction,
        "start_value": float(start),
        "target_value": float(target),
        "unit": extra.get("unit", ""),
        "currency": extra.get("currency", ""),
        "milestones": extra.get("milestones", []),
    }


TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "product-experience",
        "department": "product",
        "title": "Improve the user experience over the next three months",
        "title_id": "Perbaiki pengalaman pengguna dalam tiga bulan ke depan",
        "key_results": [
            _kr(
                "Reach an average satisfaction score of nine or more in user surveys",
                "Dapatkan rata-rata skor kepuasan pelanggan sebesar sembilan atau lebih dari "
                "survei pengguna",
                start=8.1,
                target=9,
                unit="/10",
            ),
            _kr(
                "Reduce the average support response time by 10%, from 4.0 to 3.6 hours",
                "Kurangi waktu respons dukungan rata-rata sebesar 10%",
                direction="decrease",
                start=4,
                target=3.6,
                unit="h",
            ),
            _kr(
                "Increase customer retention by 20% through product updates, from 50% to 60%",
                "Tingkatkan retensi pelanggan sebesar 20% melalui pembaruan produk",
                kind="percentage",
                start=50,
                target=60,
            ),
        ],
    },
    {
        "key": "product-launch",
        "department": "product",
        "title": "Launch this quarter's new product release successfully",
        "title_id": "Luncurkan produk Q3 baru dengan sukses",
        "key_results": [
            _kr(
                "Talk to 30 customers to understand their needs and feedback",
                "Bicaralah dengan 30 pelanggan untuk memahami kebutuhan dan umpan balik mereka",
                target=30,
                unit="customer|customers",
            ),
            _kr(
                "Get the launch ready with Marketing and Sales",
                "Siapkan peluncuran bersama Pemasaran dan Penjualan",
                kind="milestones",
                milestones=[
                    {
                        "title": "Watch ten user videos and share the key points with the team",
                        "title_id": "Tonton sepuluh video pengguna dan bagikan poin-poin "
                        "pentingnya dengan tim",
                        "weight": 1.0,
                    },
                    {
                        "title": "Run two training sessions for Marketing and Sales",
                        "title_id": "Laksanakan dua sesi pelatihan untuk memastikan tim "
                        "pemasaran dan penjualan memahami dengan baik",
                        "weight": 2.0,
                    },
                    {
                        "title": "Review 15 customer requirement documents from product marketing",
                        "title_id": "Periksa 15 dokumen persyaratan pelanggan dari pemasaran "
                        "produk",
                        "weight": 1.0,
                    },
                ],
            ),
        ],
    },
    {
        "key": "engineering-quality",
        "department": "engineering",
        "title": "Improve the quality of product releases",
        "title_id": "Meningkatkan kualitas rilis produk",
        "key_results": [
            _kr(
                "Reduce the average number of new bug reports from 72 to 60 a month",
                "Kurangi rata-rata jumlah laporan bug baru dari 72 menjadi 60 per bulan",
                direction="decrease",
                start=72,
                target=60,
                unit="bugs/month",
            ),
            _kr(
                "Raise the failure-free release rate from 96% to 99%",
                "Tingkatkan tingkat keberhasilan tanpa kegagalan dari 96% menjadi 99% dalam "
                "rilis terbaru",
                kind="percentage",
                start=96,
                target=99,
            ),
            _kr(
                "Increase test coverage from 35% to 50% to catch more issues before launch",
                "Tingkatkan cakupan pengujian dari 35% menjadi 50% agar kita dapat mendeteksi "
                "lebih banyak masalah sebelum peluncuran",
                kind="percentage",
                start=35,
                target=50,
            ),
        ],
    },
    {
        "key": "engineering-speed",
        "department": "engineering",
        "title": "Speed up the development team",
        "title_id": "Percepat tim pengembangan",
        "key_results": [
            _kr(
                "Increase sprint velocity from 42 to 60 points",
                "Tingkatkan kecepatan sprint dari 42 menjadi 60 poin",
                start=42,
                target=60,
                unit="point|points",
            ),
            _kr(
                "Cut average code review time by 30%, from 20 to 14 hours",
                "Kurangi waktu rata-rata tinjauan kode sebesar 30%",
                direction="decrease",
                start=20,
                target=14,
                unit="h",
            ),
            _kr(
                "Make sure unfinished designs block no more than 2% of planned features",
                "Pastikan bahwa desain yang belum selesai tidak menghalangi lebih dari 2% fitur "
                "yang direncanakan",
                kind="percentage",
                direction="stay_at_or_below",
                start=2,
                target=2,
            ),
        ],
    },
    {
        "key": "marketing-alignment",
        "department": "marketing",
        "title": "Improve marketing-sales alignment on lead quality criteria",
        "title_id": "Perbaiki keselarasan pemasaran-penjualan berdasarkan kriteria kualitas "
        "prospek",
        "key_results": [
            _kr(
                "Reduce the share of unqualified leads passed to sales from 40% to 25%",
                "Kurangi persentase prospek yang tidak memenuhi syarat yang diteruskan ke tim "
                "penjualan dari 40% menjadi 25%",
                kind="percentage",
                direction="decrease",
                start=40,
                target=25,
            ),
            _kr(
                "Raise the MQL-to-SQL conversion rate from 12% to 20%",
                "Tingkatkan tingkat konversi MQL menjadi SQL dari 12% menjadi 20%",
                kind="percentage",
                start=12,
                target=20,
            ),
            _kr(
                "Launch a targeted content campaign for late-funnel buying decisions",
                "Luncurkan kampanye konten yang ditargetkan untuk mendukung pengambilan "
                "keputusan di tahap akhir funnel",
                kind="boolean",
            ),
        ],
    },
    {
        "key": "marketing-brand",
        "department": "marketing",
        "title": "Strengthen brand visibility and organic growth",
        "title_id": "Perkuat visibilitas merek dan pertumbuhan organik",
        "key_results": [
            _kr(
                "Grow organic website traffic 30% quarter on quarter, from 84,000 to 109,200 "
                "visits a month",
                "Tingkatkan lalu lintas organik situs web sebesar 30% secara kuartal ke kuartal",
                start=84000,
                target=109200,
                unit="visits/month",
            ),
            _kr(
                "Publish three high-intent case studies of customer success stories",
                "Publish tiga studi kasus berfokus pada niat tinggi yang menyoroti kisah sukses "
                "pelanggan",
                target=3,
                unit="case study|case studies",
            ),
            _kr(
                "Raise the email campaign open rate from 25% to 35%",
                "Tingkatkan tingkat pembukaan kampanye email dari 25% menjadi 35%",
                kind="percentage",
                start=25,
                target=35,
            ),
        ],
    },
    {
        "key": "sales-efficiency",
        "department": "sales",
        "title": "Improve sales efficiency and close more high-quality deals",
        "title_id": "Tingkatkan efisiensi penjualan dan tutup lebih banyak kesepakatan "
        "berkualitas tinggi",
        "key_results": [
            _kr(
                "Increase the win rate from 18% to 25%",
                "Tingkatkan tingkat keberhasilan dari 18% menjadi 25%",
                kind="percentage",
                start=18,
                target=25,
            ),
            _kr(
                "Reduce the average deal cycle from 42 to 30 days",
                "Kurangi siklus transaksi rata-rata dari 42 menjadi 30 hari",
                direction="decrease",
                start=42,
                target=30,
                unit="day|days",
            ),
            _kr(
                "Run a win-loss analysis on 100% of closed opportunities",
                "Lakukan analisis kemenangan dan kekalahan pada 100% peluang yang telah ditutup",
                kind="percentage",
                start=0,
                target=100,
            ),
        ],
    },
    {
        "key": "sales-outbound",
        "department": "sales",
        "title": "Build a repeatable, scalable outbound sales engine",
        "title_id": "Bangun mesin penjualan keluar yang dapat diulang dan skalabel",
        "key_results": [
            _kr(
                "Launch outbound sequences targeting our three main buyer personas",
                "Luncurkan urutan pemasaran keluar yang menargetkan tiga persona pembeli utama",
                kind="boolean",
            ),
            _kr(
                "Generate 50 new qualified leads from outbound channels",
                "Generate 50 prospek pemasaran baru yang berkualitas dari saluran pemasaran keluar",
                target=50,
                unit="lead|leads",
            ),
            _kr(
                "Achieve a 10% response rate across all outbound campaigns",
                "Capai tingkat respons 10% di semua kampanye keluar",
                kind="percentage",
                start=4,
                target=10,
            ),
        ],
    },
    {
        "key": "cs-satisfaction",
        "department": "customer-success",
        "title": "Increase customer satisfaction and loyalty",
        "title_id": "Tingkatkan kepuasan dan loyalitas pelanggan",
        "key_results": [
            _kr(
                "Raise customer satisfaction (CSAT) to 90% or more",
                "Tingkatkan skor kepuasan pelanggan (CSAT) dan capai 90% atau lebih",
                kind="percentage",
                start=86,
                target=90,
            ),
            _kr(
                "Reduce customer complaints by 15% compared with last quarter, from 280 to 240",
                "Kurangi keluhan pelanggan sebesar 15% dibandingkan dengan kuartal sebelumnya",
                direction="decrease",
                start=280,
                target=240,
                unit="complaint|complaints",
            ),
            _kr(
                "Raise our Net Promoter Score to 65 or higher",
                "Tingkatkan Skor Net Promoter (NPS) kami menjadi 65 atau lebih tinggi",
                start=52,
                target=65,
            ),
            _kr(
                "Respond faster: cut the average response time by 25%, from 4.0 to 3.0 hours",
                "Tanggapi pertanyaan pelanggan lebih cepat, mengurangi waktu respons rata-rata "
                "sebesar 25%",
                direction="decrease",
                start=4,
                target=3,
                unit="h",
            ),
        ],
    },
    {
        "key": "cs-retention",
        "department": "customer-success",
        "title": "Retain more customers and reduce churn",
        "title_id": "Pertahankan lebih banyak pelanggan dan kurangi tingkat churn",
        "key_results": [
            _kr(
                "Increase the retention rate of our high-value customers by 10%, from 80% to 88%",
                "Tingkatkan tingkat retensi pelanggan bernilai tinggi kami sebesar 10%",
                kind="percentage",
                start=80,
                target=88,
            ),
            _kr(
                "Reduce the churn rate by 15%, from 2.0% to 1.7% a month",
                "Kurangi tingkat churn sebesar 15% sehingga lebih sedikit pelanggan yang "
                "meninggalkan kami",
                kind="percentage",
                direction="decrease",
                start=2,
                target=1.7,
            ),
            _kr(
                "Hold quarterly business reviews with at least 80% of our key accounts",
                "Lakukan tinjauan bisnis triwulanan dengan setidaknya 80% pelanggan utama kami",
                kind="percentage",
                start=0,
                target=80,
            ),
            _kr(
                "Launch a referral programme that brings 30% of new business from happy customers",
                "Luncurkan program rujukan yang mendatangkan 30% bisnis baru melalui pelanggan "
                "yang puas",
                kind="percentage",
                start=8,
                target=30,
            ),
        ],
    },
]

_BY_KEY = {t["key"]: t for t in TEMPLATES}


def _pick(item: dict, lang: str) -> str:
    return item["title_id"] if lang == "id" else item["title"]


def localized(template: dict, lang: str | None = None) -> dict[str, Any]:
    """The template's texts in `lang` (the active language by default): English or Indonesian."""
    lang = (lang or get_language() or "en").split("-")[0]
    return {
        "key": template["key"],
        "department": template["department"],
        "title": _pick(template, lang),
        "key_results": [
            {
                **kr,
                "title": _pick(kr, lang),
                "milestones": [
                    {"title": _pick(m, lang), "weight": m["weight"]} for m in kr["milestones"]
                ],
            }
            for kr in template["key_results"]
        ],
    }


def get(key: str, lang: str | None = None) -> dict[str, Any] | None:
    template = _BY_KEY.get(key)
    return None if template is None else localized(template, lang)


def by_department(lang: str | None = None) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (label, [localized(t, lang) for t in TEMPLATES if t["department"] == key])
        for key, label in DEPARTMENTS
    ]
