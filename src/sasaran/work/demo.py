"""The demo's work (okrs.demo.register_demo_extra): spaces, lists and tasks behind some of the
demo's key results, so Work, the board and a key result's initiatives show something real. The
release checklist feeds the `tasks` key result "Finish the release checklist"."""

import datetime as dt

from sasaran.work import actions

# (English, Indonesian) titles; (title, status, assignee key, due in days from now or None).
RELEASE = [
    (("Freeze the release branch", "Bekukan cabang rilis"), "Done", "rizky", -20),
    (("Run the regression suite", "Jalankan uji regresi"), "Done", "mai", -18),
    (("Update the changelog", "Perbarui catatan perubahan"), "Done", "sarah", -15),
    (("Translate the release notes", "Terjemahkan catatan rilis"), "Done", "lucas", -14),
    (("Check the database migrations", "Periksa migrasi basis data"), "Done", "daniel", -12),
    (("Load-test the new dashboard", "Uji beban dasbor baru"), "Done", "daniel", -10),
    (("Sign off the security review", "Setujui tinjauan keamanan"), "Done", "arjun", -9),
    (("Brief customer success", "Beri pengarahan tim customer success"), "Done", "sarah", -7),
    (("Prepare the status page notice", "Siapkan pengumuman halaman status"), "Done", "rizky", -5),
    (("Record the demo video", "Rekam video demo"), "Cancelled", "putri", -3),
    (
        ("Publish the help-centre articles", "Terbitkan artikel pusat bantuan"),
        "In review",
        "lucas",
        2,
    ),
    (
        ("Enable the feature flag for 10%", "Aktifkan feature flag untuk 10%"),
        "In progress",
        "rizky",
        4,
    ),
    (
        ("Watch error rates for 48 hours", "Pantau tingkat galat selama 48 jam"),
        "To do",
        "daniel",
        6,
    ),
    (("Send the launch email", "Kirim email peluncuran"), "To do", "putri", -1),
]
ONBOARDING = [
    (("Interview ten new admins", "Wawancarai sepuluh admin baru"), "Done", "sarah", -25),
    (
        ("Redesign the first-run checklist", "Desain ulang daftar periksa awal"),
        "In progress",
        "budi",
        5,
    ),
    (("Add sample projects", "Tambahkan proyek contoh"), "In review", "sarah", 3),
    (("Measure drop-off per step", "Ukur angka putus per langkah"), "To do", "mai", 12),
]


def add_demo_work(workspace, actors, kr_ids: dict[str, int], now: dt.datetime, language: str):
    def title(pair):
        return pair[1] if language == "id" else pair[0]

    admin, sarah = actors["dewi"], actors["sarah"]
    today = now.date()
    product = actions.create_space(
        admin, name="Product", description=title(("Product's work.", "Pekerjaan tim Product."))
    )
    engineering = actions.create_space(admin, name="Engineering")
    actions.create_space(
        admin,
        name=title(("Leadership", "Pimpinan")),
        visibility="private",
        member_ids=[admin.user_id, actors["budi"].user_id],
    )
    for space, name, tasks, kr_key in (
        (engineering, ("Release checklist", "Daftar periksa rilis"), RELEASE, "c-release-tasks"),
        (product, ("Onboarding revamp", "Pembaruan onboarding"), ONBOARDING, "c-time-to-value"),
    ):
        task_list = actions.create_list(sarah, space, name=title(name))
        statuses = {s.name: s.pk for s in task_list.statuses.all()}
        by_category = {s.category: s.pk for s in task_list.statuses.order_by("-position")}
        english = dict(
            zip(
                ["To do", "In progress", "In review", "Done", "Cancelled"],
                statuses.values(),
                strict=True,
            )
        )
        for pair, status, who, due in tasks:
            actions.create_task(
                actors[who],
                task_list,
                title=title(pair),
                status_id=english.get(status, by_category["open"]),
                assignee_ids=[actors[who].user_id],
                due_date=today + dt.timedelta(days=due) if due is not None else None,
            )
        if kr_key in kr_ids:
            actions.link(
                actors["sarah"] if kr_key == "c-release-tasks" else admin,
                kr_ids[kr_key],
                list_id=task_list.pk,
            )
