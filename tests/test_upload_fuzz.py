"""Fuzzed uploads (hypothesis): the file checks and the three upload pages never fail with a 500 and never
store a file that breaks the rules.

Inputs: random bytes, truncated and polyglot PDFs, DOCX and ODT that are ZIP bombs (declared size, entry
count) or carry macros, and hostile names (../, NUL, right-to-left override, 10 000 characters, only dots,
reserved Windows names). Properties: a refusal is a French `ValidationError` (or a French message on the
page) and leaves the stored rows and files as they were; an accepted file is stored under MEDIA_ROOT with a
clean name and a type allowed by its content. The number of cases is bounded (profile « ci » in conftest.py);
`pytest --hypothesis-show-statistics` prints how many ran.
"""

import datetime
import functools
import html
import io
import re
import zipfile
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from ami.models import Fichier
from bilans.forms.reunion import check_minutes
from bilans.services.opening import bilan_open
from bilans.services.reunion import reunion_set
from bilans.services.writing import bilan_remettre, bilan_write
from mlhg_app.uploads import (
    ACCEPTED_TYPES,
    JPEG,
    ODT,
    PDF,
    PNG,
    content_problem,
    detect_type,
    sanitize_filename,
    upload_check,
)
from seances.models import Emargement
from seances.services.attendance import check_sheet
from tests.factories import AMIFactory, DossierFactory, MembreFactory
from tests.forms import BILAN_TEXTS
from tests.seances_world import build_programme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CLEAN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}


# -- inputs ---------------------------------------------------------------------------------------


@functools.cache
def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def zip_of(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None, content_types: bytes = b"<Types/>") -> bytes:
    return zip_of(
        {"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<w:d/>"}
        | (extra or {})
    )


def odt(extra: dict[str, bytes] | None = None) -> bytes:
    return zip_of(
        {"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"} | (extra or {}),
        stored_first="mimetype",
    )


def lying_sizes(data: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed sizes the ZIP's directory declares (a bomb that lies about nothing else)."""
    out = bytearray(data)
    start = 0
    while (at := out.find(b"PK\x01\x02", start)) != -1:  # central directory entries
        out[at + 24 : at + 28] = declared.to_bytes(4, "little")
        start = at + 4
    return bytes(out)


@functools.cache
def real_bomb() -> bytes:
    """A DOCX whose one member inflates to 101 Mo of zeros (about 100 Ko compressed); built once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:d/>")
        with archive.open("word/media/zero.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(101):
                member.write(chunk)
    return buffer.getvalue()


MACRO_DOCUMENTS = {
    "docm vbaProject": lambda: docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
    "docm content type": lambda: docx(
        content_types=b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    ),
    "docx vbaData": lambda: docx({"word/vbaData.xml": b"<wne:vbaSuppData/>"}),
    "odt Basic": lambda: odt({"Basic/Standard/Module1.xml": b"<script:module>Sub Main</script:module>"}),
    "odt Scripts": lambda: odt({"Scripts/python/evil.py": b"import os"}),
}
BOMBS = {
    "declared size": lambda: lying_sizes(docx({"word/media/a.bin": b"\0" * 1000}), 4_000_000_000),
    "many entries": lambda: docx({f"word/media/{n}.xml": b"" for n in range(1200)}),
    "odt many entries": lambda: odt({f"Pictures/{n}.png": b"" for n in range(1200)}),
    "real deflate bomb": real_bomb,
}


def polyglot(kind: str, tail: bytes) -> bytes:
    heads = {"pdf": real_pdf(), "png": PNG_BYTES, "jpeg": JPEG_BYTES}
    return heads[kind] + tail


hostile_names = st.one_of(
    st.sampled_from(
        [
            "../../../../etc/passwd",
            "..\\..\\windows\\system32\\cmd.exe",
            "cv\x00.pdf",
            "facture\u202efdp.exe",
            "a" * 10_000 + ".pdf",
            "é" * 10_000,
            "...",
            ".",
            "..",
            "....pdf",
            "CON",
            "con.pdf",
            "NUL.docx",
            "LPT1.odt",
            "COM9.png",
            " ",
            "",
            "<script>alert(1)</script>.pdf",
            'x".pdf',
            "x\r\nContent-Type: text/html.pdf",
            "%2e%2e%2fetc%2fpasswd",
            "/absolute/path.pdf",
        ]
    ),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    st.builds(
        lambda prefix, stem, ext: prefix + stem + ext,
        st.sampled_from(["", "../", "..\\", "/", "./", "\u202e", "\x00"]),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
        st.sampled_from([".pdf", ".docx", ".odt", ".png", ".jpg", ".exe", ".docm", ""]),
    ),
)


def flip(data: bytes, at: int, byte: int) -> bytes:
    at %= len(data)
    return data[:at] + bytes([byte]) + data[at + 1 :]


def truncated(data: bytes, at: int) -> bytes:
    return data[: at % (len(data) + 1)]


contents = st.one_of(
    st.binary(max_size=4096),
    st.builds(lambda tail: b"%PDF-1.7\n" + tail, st.binary(max_size=512)),
    st.builds(lambda at: truncated(real_pdf(), at), st.integers(min_value=0)),
    st.builds(polyglot, st.sampled_from(["pdf", "png", "jpeg"]), st.sampled_from([docx(), odt(), zip_of({"a": b"b"})])),
    st.builds(lambda at: truncated(docx(), at), st.integers(min_value=0)),
    st.builds(lambda at: truncated(odt(), at), st.integers(min_value=0)),
    st.sampled_from(sorted(MACRO_DOCUMENTS)).map(lambda key: MACRO_DOCUMENTS[key]()),
    st.sampled_from(sorted(BOMBS)).map(lambda key: BOMBS[key]()),
    st.sampled_from([real_pdf(), PNG_BYTES, JPEG_BYTES, docx(), odt()]),
    st.builds(
        flip,  # one byte changed in a document
        st.sampled_from([docx(), odt(), real_pdf()]),
        st.integers(min_value=0, max_value=600),
        st.integers(min_value=0, max_value=255),
    ),
)


class RawUpload(io.BytesIO):
    """An uploaded file with exactly the name a hostile client sent (`SimpleUploadedFile` cleans it first)."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name
        self.size = len(data)

    def chunks(self, chunk_size=65536):
        self.seek(0)
        while chunk := self.read(chunk_size):
            yield chunk


BOUNDARY = "----mlhgfuzzboundary7MA4YWxkTrZu0gW"


def multipart(fields: dict[str, str], file_field: str, name: str, data: bytes, *, raw: bool) -> bytes:
    """A multipart body with the file name as sent: raw, or escaped as a browser does (" CR LF as %22 %0D %0A)."""
    if not raw:
        name = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    lines = []
    for key, value in fields.items():
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{key}"', "", value]
    head = "\r\n".join(
        [*lines, f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{file_field}"; filename="{name}"']
    )
    head += "\r\nContent-Type: application/octet-stream\r\n\r\n"
    return head.encode("utf-8", "surrogateescape") + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def post_file(client, url, fields, file_field, name, data, raw):
    body = multipart(fields, file_field, name, data, raw=raw)
    return client.post(url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


# -- what must hold -------------------------------------------------------------------------------


def assert_french_refusal(messages: list[str]):
    assert messages
    for message in messages:
        assert message.startswith("Le fichier « "), message
        shown = re.match(r"Le fichier « (.*) » (n'est pas|pèse|est refusé|\()", message).group(1)
        assert len(shown) <= 80
        assert not any(char in shown for char in "\x00\u202e\r\n/\\")


def assert_acceptable(data: bytes, mime: str):
    """An accepted file: an allowed type, by its content, and nothing the content checks refuse."""
    assert mime in ACCEPTED_TYPES
    assert detect_type(io.BytesIO(data)) == mime
    assert content_problem(io.BytesIO(data), mime) is None


def assert_clean_name(name: str):
    assert CLEAN_NAME.match(name), name
    assert name.split(".", 1)[0].upper() not in RESERVED
    assert sanitize_filename(name) == name


def media_files() -> dict[str, bytes]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def assert_inside_media(path: str):
    assert Path(path).resolve().is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())


# -- the checks, called directly ------------------------------------------------------------------


@FUZZ
@given(name=hostile_names, data=contents)
# Found by the fuzz: a damaged ODT raised EOFError / ValueError from zipfile (a 500 on the page).
@example(name="cv.odt", data=flip(odt(), 28, 255))
@example(name="cv.odt", data=flip(odt(), 271, 255))
def test_fuzz_upload_check(name, data):
    try:
        check = upload_check(RawUpload(name, data))
    except ValidationError as exc:
        assert_french_refusal(exc.messages)
        event("refusé")
        return
    event("accepté")
    assert_acceptable(data, check.type_mime)
    assert_clean_name(check.nom)
    assert check.taille == len(data)


@FUZZ
@given(name=hostile_names, data=contents)
def test_fuzz_check_sheet_and_check_minutes(name, data):
    try:
        stored, extension = check_sheet(RawUpload(name, data))
    except ValidationError as exc:
        assert_french_refusal(exc.messages)
    else:
        assert stored == data and extension in {"pdf", "png", "jpg"}
        assert_acceptable(data, detect_type(io.BytesIO(data)))
        assert detect_type(io.BytesIO(data)) in {PDF, PNG, JPEG}
    try:
        stored = check_minutes(RawUpload(name, data))
    except ValidationError as exc:
        assert_french_refusal(exc.messages)
    else:
        assert stored == data
        assert_acceptable(data, PDF)


@pytest.mark.parametrize("kind", sorted(MACRO_DOCUMENTS))
def test_a_document_with_macros_is_refused_in_french(kind):
    with pytest.raises(ValidationError) as exc:
        upload_check(SimpleUploadedFile("rapport.docx", MACRO_DOCUMENTS[kind]()))
    assert exc.value.messages == [
        "Le fichier « rapport.docx » est refusé : il contient des macros (du code exécutable) ; enregistrez-le "
        "sans macros (document DOCX ou ODT ordinaire) ou en PDF."
    ]


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("declared size", "une fois décompressé, il pèserait 15258,8 Mo (au plus 100 Mo)"),
        ("many entries", "il contient 1203 éléments compressés (au plus 1000)"),
        ("odt many entries", "il contient 1202 éléments compressés (au plus 1000)"),
        ("real deflate bomb", "une fois décompressé, il pèserait 101,1 Mo (au plus 100 Mo)"),
    ],
)
def test_a_zip_bomb_is_refused_before_it_is_read(kind, reason):
    with pytest.raises(ValidationError) as exc:
        upload_check(SimpleUploadedFile("cv.docx", BOMBS[kind]()))
    assert exc.value.messages == [f"Le fichier « cv.docx » est refusé : {reason} : c'est une archive piégée."]


def test_a_pdf_that_is_also_a_zip_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_minutes(SimpleUploadedFile("cr.pdf", polyglot("pdf", docx())))
    assert exc.value.messages == [
        "Le fichier « cr.pdf » est refusé : il contient aussi une archive ZIP (fichier polyglotte) ; "
        "enregistrez-le à nouveau."
    ]


def test_a_hostile_name_is_shown_short_and_stored_clean():
    with pytest.raises(ValidationError) as exc:
        upload_check(RawUpload("../../" + "x" * 10_000 + "\u202efdp.exe", b"MZ"))
    assert exc.value.messages == [
        f"Le fichier « {'x' * 79}… » n'est pas un PDF, DOCX, ODT, JPEG ou PNG (contenu reconnu : exécutable)."
    ]
    assert upload_check(SimpleUploadedFile("CON.pdf", real_pdf())).nom == "fichier_CON.pdf"
    assert upload_check(SimpleUploadedFile("....", real_pdf())).nom == "fichier.pdf"


# -- the upload pages -----------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def page_text(response) -> str:
    return html.unescape(response.content.decode(errors="replace"))


@pytest.fixture
def dossier_page(db):
    membre = MembreFactory()
    ami = AMIFactory(reference="ami-fuzz", date_limite=timezone.now() + datetime.timedelta(days=10))
    dossier = DossierFactory(ami=ami, prestataire=membre.prestataire)
    url = reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": "references"})
    return client_for(membre.user), url, dossier


@FUZZ
@given(name=hostile_names, data=contents, raw=st.booleans())
def test_fuzz_dossier_file_upload_page(dossier_page, name, data, raw):
    client, url, dossier = dossier_page
    rows_before = list(Fichier.objects.values_list("pk", "nom", "sha256"))
    files_before = media_files()
    fields = {"references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0"}
    response = post_file(client, url, fields, "lettres", name, data, raw)
    assert response.status_code < 500
    new = Fichier.objects.exclude(pk__in=[pk for pk, _, _ in rows_before])
    if not new.exists():
        assert list(Fichier.objects.values_list("pk", "nom", "sha256")) == rows_before
        assert media_files() == files_before
        event("refusé")
        if response.status_code == 200 and "Le fichier « " in page_text(response):
            assert re.search(r"Le fichier « .{0,80} » (n'est pas|pèse|est refusé|\()", page_text(response))
        return
    event("accepté")
    fichier = new.get()
    assert_clean_name(fichier.nom)
    assert_inside_media(fichier.fichier.path)
    with fichier.fichier.open("rb") as handle:
        stored = handle.read()
    assert stored == data
    assert_acceptable(stored, fichier.type_mime)
    fichier.delete()  # the next example starts from the same draft (the 50 Mo total stays far)
    Path(fichier.fichier.path).unlink()


@pytest.fixture
def attendance_page(users):
    programme = build_programme(users)
    seance = programme.seances.get()
    with time_machine.travel(datetime.datetime(2026, 10, 20, 10, 0, tzinfo=PARIS), tick=False):
        yield client_for(users["intervenant"]), reverse("seances:attendance", args=[seance.pk]), seance


@FUZZ
@given(name=hostile_names, data=contents, raw=st.booleans())
def test_fuzz_attendance_sheet_upload_page(attendance_page, name, data, raw):
    client, url, seance = attendance_page
    before = Emargement.objects.filter(seance=seance).values_list("feuille_signee", flat=True).first() or ""
    files_before = media_files()
    response = post_file(client, url, {}, "feuille", name, data, raw)
    assert response.status_code < 500
    after = Emargement.objects.filter(seance=seance).values_list("feuille_signee", flat=True).first() or ""
    if response.status_code != 302 or after == before:  # refused, or no file reached the form (name ".", "")
        assert after == before
        assert media_files() == files_before
        event("refusé ou sans fichier")
        return
    event("accepté")
    emargement = Emargement.objects.get(seance=seance)
    assert_inside_media(emargement.feuille_signee.path)
    assert_clean_name(Path(emargement.feuille_signee.name).name)
    assert emargement.feuille_signee.read() == data
    assert detect_type(io.BytesIO(data)) in {PDF, PNG, JPEG}
    assert_acceptable(data, detect_type(io.BytesIO(data)))


@pytest.fixture
def reunion_page(users):
    programme = build_programme(users)
    with time_machine.travel(datetime.datetime(2027, 6, 1, 10, 0, tzinfo=PARIS), tick=False):
        bilan = bilan_open(programme=programme, user=users["prestataire"])
        bilan_write(bilan=bilan, user=users["prestataire"], texts=BILAN_TEXTS)
        bilan_remettre(bilan=bilan, user=users["prestataire"])
        reunion_set(
            bilan=bilan, user=users["responsable"], when=datetime.datetime(2027, 6, 15, 14, tzinfo=PARIS), lieu="Siège"
        )
        yield client_for(users["prestataire"]), reverse("bilans:reunion", kwargs={"pk": bilan.pk}), bilan


@FUZZ
@given(name=hostile_names, data=contents, raw=st.booleans())
def test_fuzz_reunion_minutes_upload_page(reunion_page, name, data, raw):
    client, url, bilan = reunion_page
    bilan.refresh_from_db()
    before = bilan.reunion_compte_rendu.name
    files_before = media_files()
    response = post_file(client, url, {"action": "compte_rendu"}, "fichier", name, data, raw)
    assert response.status_code < 500
    bilan.refresh_from_db()
    if response.status_code != 302:
        assert bilan.reunion_compte_rendu.name == before
        assert media_files() == files_before
        event("refusé")
        return
    event("accepté")
    assert_inside_media(bilan.reunion_compte_rendu.path)
    assert_clean_name(Path(bilan.reunion_compte_rendu.name).name)
    assert bilan.reunion_compte_rendu.read() == data
    assert_acceptable(data, PDF)
