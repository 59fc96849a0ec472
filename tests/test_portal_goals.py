"""The partner portal's goals, milestones and evidence (issue 6, points 2 and 7)."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from meetings.models import Reminder
from milestones import evidence as evidence_files
from milestones import services
from milestones.models import Goal, GoalAgreement, GoalChangeProposal, Milestone, MilestoneEvidence
from prm.choices import Language, Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
UNSHARED = "Buyers complained about our price list"


def office_file(main_part, extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        for name in extra:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Each test keeps its uploads in a folder of its own."""
    settings.PRM_PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    return Path(settings.PRM_PRIVATE_MEDIA_ROOT)


@pytest.fixture
def partner_user(distributor):
    """The distributor's portal user, reading in English (contacts default to Japanese)."""
    return factories.PortalUserFactory(
        portal_contact__distributor=distributor, portal_contact__language=Language.ENGLISH
    )


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


@pytest.fixture
def goal(account_manager, distributor, partner_user):
    return services.do_create_goal(
        account_manager,
        distributor,
        title="Open the Kansai drugstore channel",
        description="Listed in two Kansai drugstore chains.",
        horizon_start=dt.date(2026, 4, 1),
        horizon_end=dt.date(2028, 3, 31),
        owner_ours=account_manager,
        owner_distributor=partner_user.portal_contact,
    )


@pytest.fixture
def milestone(goal):
    return factories.MilestoneFactory(goal=goal, title="FOODEX Japan booth")


@pytest.fixture
def other_partner(db):
    """The user of a second distributor, B."""
    return factories.PortalUserFactory(portal_contact__distributor=factories.DistributorFactory())


@pytest.fixture
def other_milestone(other_partner):
    goal = factories.GoalFactory(
        distributor=other_partner.portal_distributor, title="Zebra secret goal"
    )
    return factories.MilestoneFactory(goal=goal, title="Zebra milestone")


def detail_url(goal):
    return reverse("portal:goal_detail", args=[goal.pk])


def accept_url(goal):
    return reverse("portal:goal_accept", args=[goal.pk])


def propose_url(goal):
    return reverse("portal:goal_propose_change", args=[goal.pk])


def evidence_url(milestone):
    return reverse("portal:evidence_add", args=[milestone.pk])


def download_url(evidence):
    return reverse("portal:evidence_download", args=[evidence.pk])


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def reminders(kind):
    return list(Reminder.objects.filter(kind=kind))


def upload(client, milestone, name, content, **data):
    """Post the evidence form as a browser would, with the file name exactly as given.

    Django's test client would send only the last part of a path: the body is written by
    hand so that a hostile name reaches the server as a hostile client sends it.
    """
    boundary = "----prm-evidence-boundary"
    fields = {"text": "", "link": "", **data}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        evidence_url(milestone), body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- list and detail -------------------------------------------------------------------


def test_goal_list_shows_own_goals_with_the_agreement_in_words(
    partner_client, goal, other_milestone
):
    factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
    html = page(partner_client, reverse("portal:goal_list"))
    assert "Open the Kansai drugstore channel" in html
    assert "Waiting for your acceptance" in html
    assert "Zebra secret goal" not in html


def test_goal_detail_shows_shared_evaluations_only_and_the_history(
    partner_client, account_manager, goal, milestone
):
    factories.MilestoneEvaluationFactory(milestone=milestone, narrative="Forty buyers came")
    factories.MilestoneEvaluationFactory(
        milestone=milestone, narrative=UNSHARED, shared_with_distributor=False
    )
    factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
    services.do_update_goal(account_manager, goal, measure="Two chains listing the gift set")
    html = page(partner_client, detail_url(goal))
    assert "FOODEX Japan booth" in html and "Forty buyers came" in html
    assert UNSHARED not in html
    # Version 2, with what changed from version 1.
    assert "Version 2" in html and "Version history" in html
    assert "Two chains listing the gift set" in html
    assert "Accept version 2" in html and "Propose a change" in html


def test_goal_list_makes_the_same_number_of_queries_for_5_and_50_goals(
    partner_client, account_manager, distributor, partner_user
):
    def make(n):
        for goal in factories.GoalFactory.create_batch(n, distributor=distributor):
            factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
            factories.MilestoneFactory(goal=goal)
            factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner_user)

    make(5)
    few = count_queries(partner_client, reverse("portal:goal_list"))
    make(45)
    many = count_queries(partner_client, reverse("portal:goal_list"))
    assert few == many


def test_goal_detail_makes_the_same_number_of_queries_for_5_and_50_milestones(
    partner_client, goal, partner_user
):
    def make(n):
        for milestone in factories.MilestoneFactory.create_batch(n, goal=goal):
            factories.MilestoneEvaluationFactory(milestone=milestone)
            factories.MilestoneEvidenceFactory(milestone=milestone, added_by=partner_user)

    make(5)
    few = count_queries(partner_client, detail_url(goal))
    make(45)
    many = count_queries(partner_client, detail_url(goal))
    assert few == many


# --- accepting -------------------------------------------------------------------------


def test_accepting_after_us_makes_the_goal_agreed_and_tells_the_account_manager(
    partner_client, partner_user, account_manager, goal
):
    services.do_accept_goal(account_manager, goal)
    response = partner_client.post(accept_url(goal), {"version": 1}, follow=True)
    assert "You accepted version 1" in response.content.decode()
    goal.refresh_from_db()
    assert goal.agreement_state() == Goal.Agreement.AGREED
    agreement = goal.agreements.get(side=Side.DISTRIBUTOR)
    assert agreement.accepted_by == partner_user
    [reminder] = reminders(Reminder.Kind.GOAL_ACCEPTED)
    assert reminder.recipient == account_manager and reminder.link == goal.get_absolute_url()
    assert "accepted version 1" in reminder.message and goal.title in reminder.message
    # Twice: harmless.
    partner_client.post(accept_url(goal), {"version": 1})
    assert goal.agreements.filter(side=Side.DISTRIBUTOR).count() == 1
    assert len(reminders(Reminder.Kind.GOAL_ACCEPTED)) == 1
    # Our people see it as agreed.
    partner_client.force_login(account_manager)
    html = page(partner_client, goal.get_absolute_url())
    assert str(Goal.Agreement.AGREED.label) in html


def test_accepting_a_version_that_changed_meanwhile_is_refused(
    partner_client, account_manager, goal
):
    services.do_accept_goal(account_manager, goal)
    services.do_update_goal(account_manager, goal, title="Open the Kansai and Kyushu channel")
    response = partner_client.post(accept_url(goal), {"version": 1}, follow=True)
    assert "changed to version 2" in response.content.decode()
    assert not GoalAgreement.objects.filter(side=Side.DISTRIBUTOR).exists()
    assert not reminders(Reminder.Kind.GOAL_ACCEPTED)


def test_accepting_without_a_version_is_a_message_not_an_error(partner_client, goal):
    response = partner_client.post(accept_url(goal), {"version": "x"}, follow=True)
    assert response.status_code == 200
    assert "accept the version you read" in response.content.decode()
    assert not goal.agreements.exists()


# --- proposing a change ---------------------------------------------------------------


def test_a_change_proposal_reopens_agreement_on_both_pages(
    partner_client, client, partner_user, account_manager, goal
):
    services.do_accept_goal(account_manager, goal)
    partner_client.post(accept_url(goal), {"version": 1})
    assert page(partner_client, propose_url(goal)).count('name="comment"') == 1
    response = partner_client.post(
        propose_url(goal), {"version": 1, "comment": "Start with Osaka only."}, follow=True
    )
    html = response.content.decode()
    assert "Your proposal was sent" in html
    assert "You proposed a change; waiting for our answer" in html
    assert "Start with Osaka only." in html
    assert "Accept version 1" not in html and ">Propose a change<" not in html
    proposal = GoalChangeProposal.objects.get()
    assert (proposal.goal, proposal.version, proposal.proposed_by) == (goal, 1, partner_user)
    goal.refresh_from_db()
    assert goal.agreement_state() == Goal.Agreement.CHANGE_PROPOSED and not goal.is_agreed
    [reminder] = reminders(Reminder.Kind.GOAL_CHANGE_PROPOSED)
    assert reminder.recipient == account_manager and "Start with Osaka only." in reminder.message

    client.force_login(account_manager)
    staff_html = page(client, goal.get_absolute_url())
    assert str(Goal.Agreement.CHANGE_PROPOSED.label) in staff_html
    assert "Start with Osaka only." in staff_html
    assert "Decline the proposal" in staff_html and "Edit the goal to answer" in staff_html


def test_a_second_proposal_while_one_is_open_is_refused_and_keeps_the_text(
    partner_client, goal, partner_user
):
    factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner_user)
    response = partner_client.post(propose_url(goal), {"version": 1, "comment": "And Kobe too"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "waiting for our answer" in html and "And Kobe too" in html
    assert GoalChangeProposal.objects.count() == 1
    # Nor can the distributor accept the version it asked to change.
    partner_client.post(accept_url(goal), {"version": 1})
    assert not goal.agreements.exists()


def test_an_empty_proposal_is_a_field_error(partner_client, goal):
    response = partner_client.post(propose_url(goal), {"version": 1, "comment": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert not GoalChangeProposal.objects.exists()


def test_our_edit_answers_the_proposal_with_a_new_version(
    partner_client, client, account_manager, goal, partner_user
):
    factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner_user)
    client.force_login(account_manager)
    assert "Saving a change to what the goal says answers" in page(
        client, reverse("milestones:goal_edit", args=[goal.pk])
    )
    data = {
        "title": "Open the Osaka drugstore channel",
        "description": goal.description,
        "rationale": "",
        "measure": "",
        "horizon_start": "2026-04-01",
        "horizon_end": "2028-03-31",
        "owner_ours": account_manager.pk,
        "owner_distributor": goal.owner_distributor_id,
        "status": "open",
    }
    response = client.post(reverse("milestones:goal_edit", args=[goal.pk]), data)
    assert response.status_code == 302
    goal.refresh_from_db()
    # A new version even though nobody had accepted version 1: the history shows the answer.
    assert goal.version == 2 and goal.versions.count() == 2
    proposal = GoalChangeProposal.objects.get()
    assert (proposal.answer, proposal.answered_version, proposal.answered_by) == (
        GoalChangeProposal.Answer.REVISED,
        2,
        account_manager,
    )
    assert goal.agreement_state() == Goal.Agreement.NOT_ACCEPTED

    client.force_login(partner_user)
    html = page(client, detail_url(goal))
    assert "Answered with version 2" in html and "Accept version 2" in html


def test_declining_keeps_the_goal_and_the_distributor_reads_the_note(
    partner_client, client, account_manager, goal, partner_user
):
    services.do_accept_goal(account_manager, goal)
    partner_client.post(accept_url(goal), {"version": 1})
    partner_client.post(propose_url(goal), {"version": 1, "comment": "Start with Osaka only."})
    proposal = GoalChangeProposal.objects.get()
    decline = reverse("milestones:change_proposal_decline", args=[proposal.pk])

    client.force_login(account_manager)
    response = client.post(decline, {"note": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(decline, {"note": "Kobe opens the same week."}, follow=True)
    assert "Proposal declined" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.answer == GoalChangeProposal.Answer.DECLINED
    goal.refresh_from_db()
    # Both sides had accepted version 1, which stands.
    assert goal.version == 1 and goal.agreement_state() == Goal.Agreement.AGREED
    # Declining twice says so instead of failing.
    response = client.post(decline, {"note": "Again"}, follow=True)
    assert "already been answered" in response.content.decode()

    client.force_login(partner_user)
    html = page(client, detail_url(goal))
    assert "Declined: we keep the goal as it is" in html and "Kobe opens the same week." in html


def test_only_account_managers_decline(client, executive, partner_user, goal):
    proposal = factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner_user)
    decline = reverse("milestones:change_proposal_decline", args=[proposal.pk])
    for user in (executive, partner_user):
        client.force_login(user)
        assert client.post(decline, {"note": "No"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.is_open


# --- evidence ---------------------------------------------------------------------------


def test_text_and_link_evidence_is_saved_and_shown_to_both_sides(
    partner_client, client, partner_user, account_manager, milestone
):
    response = partner_client.post(
        evidence_url(milestone),
        {"text": "Forty buyers visited the booth.", "link": "https://example.jp/foodex"},
    )
    assert response.status_code == 302
    assert response.url == detail_url(milestone.goal) + f"#milestone-{milestone.pk}"
    evidence = MilestoneEvidence.objects.get()
    assert (evidence.text, evidence.link, evidence.added_by) == (
        "Forty buyers visited the booth.",
        "https://example.jp/foodex",
        partner_user,
    )
    assert not evidence.file
    assert "Forty buyers visited the booth." in page(partner_client, detail_url(milestone.goal))
    [reminder] = reminders(Reminder.Kind.EVIDENCE_ADDED)
    assert reminder.recipient == account_manager
    assert reminder.link == milestone.get_absolute_url()

    client.force_login(account_manager)
    html = page(client, milestone.goal.get_absolute_url())
    assert "Forty buyers visited the booth." in html and str(partner_user) in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "link": ""}, "at least one of them"),
        ({"text": "", "link": "http://example.jp/foodex"}, "starts with https://"),
        ({"text": "", "link": "javascript:alert(1)"}, "starts with https://"),
    ],
)
def test_evidence_needs_something_and_links_must_be_https(partner_client, milestone, data, message):
    response = partner_client.post(evidence_url(milestone), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not MilestoneEvidence.objects.exists()


def test_a_file_is_stored_privately_under_a_generated_name_and_comes_back_to_the_owner(
    partner_client, client, settings, private_root, account_manager, milestone
):
    response = upload(partner_client, milestone, "Booth photo 2027.pdf", PDF, text="Our booth")
    assert response.status_code == 302
    evidence = MilestoneEvidence.objects.get()
    assert (evidence.file_name, evidence.file_size) == ("Booth photo 2027.pdf", len(PDF))
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(private_root.resolve()) and stored.read_bytes() == PDF
    assert "Booth" not in stored.name and stored.suffix == ""
    for served in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not stored.is_relative_to(Path(served).resolve())
    assert "Download Booth photo 2027.pdf" in page(partner_client, detail_url(milestone.goal))

    response = partner_client.get(download_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Booth photo 2027.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]

    client.force_login(account_manager)
    staff_download = reverse("milestones:evidence_download", args=[evidence.pk])
    assert staff_download in page(client, milestone.goal.get_absolute_url())
    response = client.get(staff_download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.PNG", PNG),
        ("plan.docx", office_file("word/document.xml")),
        ("sell-through.xlsx", office_file("xl/workbook.xml")),
        ("deck.pptx", office_file("ppt/presentation.xml")),
        ("stores.csv", "店舗,売上\n梅田,120\n".encode("cp932")),
        ("notes.txt", b"Booth 3-A, hall 5\n"),
    ],
)
def test_each_allowed_type_is_accepted(partner_client, milestone, name, content):
    assert upload(partner_client, milestone, name, content).status_code == 302
    evidence = MilestoneEvidence.objects.get()
    assert evidence.file_name == name
    response = partner_client.get(download_url(evidence))
    assert response["Content-Type"] == evidence_files.content_type(name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, "Only these file types can be added: PDF, PNG"),
        ("page.html", b"<script>alert(1)</script>", "Only these file types can be added"),
        ("report.pdf", EXE, "The content of “report.pdf” is not a PDF file"),
        ("photo.jpg", PNG, "is not a JPG file"),
        ("plan.docx", office_file("payload.js"), "is not a DOCX file"),
        ("plan.docx", EXE + office_file("word/document.xml"), "is not a DOCX file"),
        ("notes.txt", EXE, "is not a TXT file"),
        ("notes.csv", b"a,b\x00c", "is not a CSV file"),
        ("../../etc/passwd", b"root:x:0:0", "Only these file types can be added"),
        ("..\\..\\boot.ini", b"[boot]", "Only these file types can be added"),
        ("/etc/shadow", b"root:*:19000", "Only these file types can be added"),
        ("report.pdf\x00.exe", EXE, "Only these file types can be added"),
        ("report.pdf%00.exe", EXE, "Only these file types can be added"),
    ],
)
def test_refused_files_say_why_and_save_nothing(
    partner_client, milestone, private_root, name, content, message
):
    response = upload(partner_client, milestone, name, content, text="Keep this text")
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Keep this text" in html  # what was typed stays
    assert not MilestoneEvidence.objects.exists()
    assert not stored_files(private_root)
    assert not reminders(Reminder.Kind.EVIDENCE_ADDED)


def test_a_file_over_the_limit_is_refused_with_the_limit(
    partner_client, milestone, settings, private_root
):
    settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES = 1024
    response = upload(partner_client, milestone, "scan.pdf", PDF + b" " * 2048, text="Booth photos")
    html = response.content.decode()
    assert "“scan.pdf” is larger than 1.0\xa0KB, the most a file can be." in html
    # What was typed stays, and nothing is saved: not even the text without its file.
    assert "Booth photos" in html
    assert not MilestoneEvidence.objects.exists() and not stored_files(private_root)


def test_a_file_over_the_limit_is_not_kept_while_it_arrives(settings, rf):
    """The upload handler drops the file before Django writes it to a temporary file."""
    from django.core.files.uploadhandler import SkipFile

    from prm.uploads import SizeLimitedUploadHandler

    settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES = 1024
    request = rf.post("/")
    handler = SizeLimitedUploadHandler(request)
    handler.new_file("file", "huge.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 1000, 0) == b"x" * 1000
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 1000, 1000)
    assert request.refused_uploads == {"file": "huge.pdf"}


@pytest.mark.parametrize("closed", ["goal", "milestone"])
def test_no_evidence_once_the_goal_or_milestone_is_closed(partner_client, milestone, closed):
    if closed == "goal":
        Goal.objects.filter(pk=milestone.goal_id).update(status=Goal.Status.ACHIEVED)
    else:
        Milestone.objects.filter(pk=milestone.pk).update(status=Milestone.Status.CANCELLED)
    detail = page(partner_client, reverse("portal:goal_detail", args=[milestone.goal_id]))
    assert evidence_url(milestone) not in detail
    response = partner_client.post(evidence_url(milestone), {"text": "Late photos"}, follow=True)
    assert "Evidence can only be added to a milestone of an open goal." in response.content.decode()
    assert not MilestoneEvidence.objects.exists()


def test_the_default_limit_is_10_mb(settings):
    assert settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize("name", ["../../report.pdf", "..\\..\\report.pdf", "/tmp/report.pdf"])
def test_a_path_in_the_name_is_dropped_and_the_file_kept_under_a_generated_name(
    partner_client, milestone, private_root, name
):
    assert upload(partner_client, milestone, name, PDF).status_code == 302
    evidence = MilestoneEvidence.objects.get()
    assert evidence.file_name == "report.pdf"
    [stored] = stored_files(private_root)
    assert stored.parent == private_root / "evidence" and "report" not in stored.name
    assert not (private_root.parent / "report.pdf").exists()


def test_a_traversal_path_reaching_the_upload_by_another_way_is_refused():
    # Django's upload parser already keeps only the last part of a path; a name that
    # still carries one (another upload handler, a direct call) is refused, not trusted.
    for name in ("../../evil.pdf", "/etc/evil.pdf", "C:\\evil.pdf", "evil\x00.pdf", ".."):
        with pytest.raises(ValidationError) as refused:
            evidence_files.check_upload(File(io.BytesIO(PDF), name=name))
        assert "must not contain folders" in refused.value.messages[0]


def test_a_very_long_name_is_shortened_and_keeps_its_extension(partner_client, milestone):
    name = "報告" * 120 + ".pdf"
    assert upload(partner_client, milestone, name, PDF).status_code == 302
    evidence = MilestoneEvidence.objects.get()
    assert len(evidence.file_name) == evidence_files.MAX_NAME_LENGTH
    assert evidence.file_name.endswith("報告.pdf")
    response = partner_client.get(download_url(evidence))
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_a_missing_file_is_404_not_500(partner_client, milestone, private_root):
    upload(partner_client, milestone, "scan.pdf", PDF)
    evidence = MilestoneEvidence.objects.get()
    Path(evidence.file.path).unlink()
    assert partner_client.get(download_url(evidence)).status_code == 404


def test_the_private_root_must_not_be_served(settings):
    call_command("check")
    settings.PRM_PRIVATE_MEDIA_ROOT = str(Path(settings.STATIC_ROOT) / "evidence")
    with pytest.raises(SystemCheckError, match="milestones.E001"):
        call_command("check")


# --- who may do what ---------------------------------------------------------------------


@pytest.fixture
def other_evidence(other_partner, other_milestone):
    return services.do_add_evidence(
        other_partner,
        other_milestone,
        text="Zebra evidence",
        upload=evidence_files.check_upload(SimpleUploadedFile("zebra.pdf", PDF)),
    )


def goal_routes(goal, milestone, evidence):
    """(method, url) of every portal goal route for these objects."""
    return [
        ("get", detail_url(goal)),
        ("post", accept_url(goal)),
        ("get", propose_url(goal)),
        ("post", propose_url(goal)),
        ("get", evidence_url(milestone)),
        ("post", evidence_url(milestone)),
        ("get", download_url(evidence)),
    ]


def test_another_distributors_goal_milestone_and_file_are_404_on_every_route(
    partner_client, other_milestone, other_evidence
):
    for method, url in goal_routes(other_milestone.goal, other_milestone, other_evidence):
        data = {"version": 1, "comment": "Mine now", "text": "Mine now"}
        response = getattr(partner_client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, url
        assert "Zebra" not in response.content.decode()
    assert not other_milestone.goal.agreements.exists()
    assert not GoalChangeProposal.objects.exists()
    assert MilestoneEvidence.objects.count() == 1
    assert "Zebra" not in page(partner_client, reverse("portal:goal_list"))


def test_staff_get_403_on_portal_goal_routes(
    client, account_manager, executive, goal, milestone, other_evidence
):
    routes = [("get", reverse("portal:goal_list")), *goal_routes(goal, milestone, other_evidence)]
    for user in (account_manager, executive):
        client.force_login(user)
        for method, url in routes:
            assert getattr(client, method)(url).status_code == 403, url
    assert not goal.agreements.exists()


def test_anonymous_is_sent_to_login(client, goal, milestone, other_evidence):
    login = reverse("login")
    routes = [("get", reverse("portal:goal_list")), *goal_routes(goal, milestone, other_evidence)]
    for method, url in routes:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(login), url


def test_staff_download_is_for_staff_only(client, partner_user, other_evidence):
    url = reverse("milestones:evidence_download", args=[other_evidence.pk])
    assert client.get(url).status_code == 302
    client.force_login(partner_user)
    assert client.get(url).status_code == 403


def test_new_models_read_well(milestone):
    assert "FOODEX Japan booth" in str(factories.MilestoneEvidenceFactory(milestone=milestone))
    assert f"{milestone.goal} v1" in str(factories.GoalChangeProposalFactory(goal=milestone.goal))


def test_admin_shows_evidence_and_proposals_without_exposing_the_storage(
    client, partner_user, other_evidence, goal
):
    proposal = factories.GoalChangeProposalFactory(goal=goal, proposed_by=partner_user)
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    html = page(
        client, reverse("admin:milestones_milestoneevidence_change", args=[other_evidence.pk])
    )
    assert reverse("milestones:evidence_download", args=[other_evidence.pk]) in html
    assert other_evidence.file.name not in html
    page(client, reverse("admin:milestones_milestoneevidence_changelist"))
    page(client, reverse("admin:milestones_goalchangeproposal_change", args=[proposal.pk]))
    page(client, reverse("admin:milestones_goal_changelist"))
