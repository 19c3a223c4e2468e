"""The portal's PAdES seal on the PDFs it signs off, with pyHanko: seal_pdf() and
seal_status(). docs/signed-pdf.md says what it proves and how to configure it.

The seal is a certification signature (PAdES B-B: no timestamp server, there is no network)
made with the certificate and key of a PKCS#12 file, settings.PDF_SEAL_CERTIFICATE with
settings.PDF_SEAL_PASSWORD. It is added as an incremental update, so the document as
WeasyPrint wrote it, tags and text, stays as it was.

With no certificate configured, a development portal (settings.PDF_SEAL_DEVELOPMENT, on when
DEBUG is) makes a self-signed one once, under BASE_DIR/var/seal/, so that `make run` and
`make test` need no step by hand. A production portal (DEBUG off) with none refuses to seal:
SealNotConfigured, loud in the task worker's log, and the PDF is marked failed rather than
kept with a seal nobody can trust.

This module imports no app.
"""

import asyncio
import concurrent.futures
import datetime
import functools
import io
import os
import tempfile
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

FIELD_NAME = "RoadmapPortalSeal"
REASON = "Sealed by Roadmap Portal: the document is unchanged since the portal made it."
DEVELOPMENT_SUBJECT = "Roadmap Portal development seal (self-signed, not trusted)"
DEVELOPMENT_PASSWORD = b"development-only"
DEVELOPMENT_YEARS = 10


class SealNotConfigured(ImproperlyConfigured):
    """No certificate to seal with, and a development one is not allowed (DEBUG off)."""


def development_certificate_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "seal" / "development-seal.p12"


def _make_development_certificate(path: Path) -> None:
    """A self-signed certificate and its key as PKCS#12, written atomically: two workers
    starting at once each write a whole file, and one of them is kept."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_SUBJECT),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Roadmap Portal"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * DEVELOPMENT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"roadmap-portal-seal",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(DEVELOPMENT_PASSWORD),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _certificate_file() -> tuple[Path, bytes]:
    """The PKCS#12 file to seal with and its password."""
    configured = settings.PDF_SEAL_CERTIFICATE
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SealNotConfigured(f"PDF_SEAL_CERTIFICATE {configured!r} is not a file.")
        return path, settings.PDF_SEAL_PASSWORD.encode()
    if not settings.PDF_SEAL_DEVELOPMENT:
        raise SealNotConfigured(
            "PDF_SEAL_CERTIFICATE is not set: a portal with DEBUG off seals its signed PDFs "
            "only with a configured certificate (docs/signed-pdf.md)."
        )
    path = development_certificate_path()
    if not path.is_file():
        _make_development_certificate(path)
    return path, DEVELOPMENT_PASSWORD


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with its private key read once. SimpleSigner reads the key
    from its DER again for every signature, twice a seal (a trial signature that sizes the
    field, then the signature), and cryptography checks an RSA key's consistency on each
    read: 50 ms each, more than half of a seal. This one reads (and checks) it once and
    signs RSA PKCS#1 v1.5, the seal's mechanism, with it; any other through SimpleSigner."""

    def __init__(self, loaded: signers.SimpleSigner):
        super().__init__(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
            signature_mechanism=loaded.signature_mechanism,
            prefer_pss=loaded.prefer_pss,
            embed_roots=loaded.embed_roots,
        )
        self.private_key = serialization.load_der_private_key(
            loaded.signing_key.dump(), password=None
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:  # one asn1crypto does not name: SimpleSigner's way
            algorithm = None
        if algorithm == "rsassa_pkcs1v15" and isinstance(self.private_key, rsa.RSAPrivateKey):
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            return self.private_key.sign(data, padding.PKCS1v15(), hash_algorithm)
        return super().sign_raw(data, digest_algorithm)


@functools.cache
def _signer(path: Path, modified: float, password: bytes) -> signers.SimpleSigner:
    # Read once per file (and again when it is replaced: its time is part of the key).
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=password or None)
    if signer is None:
        raise SealNotConfigured(f"Cannot read the certificate and key in {str(path)!r}.")
    return _KeptKeySigner(signer)


def seal_signer() -> signers.SimpleSigner:
    path, password = _certificate_file()
    return _signer(path, path.stat().st_mtime, password)


def seal_certificate() -> asn1_x509.Certificate:
    """The certificate the portal seals with: what seal_status() trusts."""
    return seal_signer().signing_cert


def _without_event_loop(function, *args):
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a
    thread that already runs one (an async caller, Playwright's tests): there, in a thread
    of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args).result()


def seal_pdf(content: bytes) -> bytes:
    """The PDF with the portal's seal: a PAdES B-B certification signature that allows no
    change, in an invisible field, added as an incremental update."""
    return _without_event_loop(_seal, content)


def _seal(content: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    _add_tagged_field(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=REASON,
        name="Roadmap Portal",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    output = signers.sign_pdf(writer, metadata, signer=seal_signer())
    return output.getvalue()


def _add_tagged_field(writer: IncrementalPdfFileWriter) -> None:
    """The seal's invisible field, made before signing (which then fills it) so that the
    sealed PDF stays PDF/UA-1: the field has a name for readers (/TU, 7.18.1) and its
    widget is in the structure tree, a Form element after the document's content (7.18.4),
    on a page whose tab order follows the structure (7.18.3)."""
    name = generic.pdf_name
    root = writer.root
    with translation.override(str(root.get("/Lang", "")) or None):
        readable_name = gettext("Seal of the Roadmap Portal")
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name=FIELD_NAME, readable_field_name=readable_name)
    )
    if "/StructTreeRoot" not in root:  # an untagged PDF: nothing to keep tagged
        return
    field_reference = next(
        reference
        for field_name, _value, reference in fields.enumerate_sig_fields(writer)
        if field_name == FIELD_NAME
    )
    widget = field_reference.get_object()  # pyHanko's field and widget are one dictionary
    page_reference = widget.raw_get("/P")
    tree = root["/StructTreeRoot"]
    top = tree["/K"]
    # WeasyPrint's tree: [Document]; the seal goes last in the document's reading order.
    document_reference = top.raw_get(0) if isinstance(top, generic.ArrayObject) else None
    if not isinstance(document_reference, generic.IndirectObject):
        return
    document = document_reference.get_object()
    if "/ParentTree" not in tree or "/Nums" not in tree["/ParentTree"]:
        return  # not what WeasyPrint writes (pyHanko's get() would not resolve a reference)
    parent_tree = tree["/ParentTree"]
    numbers = parent_tree["/Nums"]
    key = max(
        [
            int(tree.get("/ParentTreeNextKey", 0)),
            *(int(numbers[index]) + 1 for index in range(0, len(numbers), 2)),
        ]
    )
    form = writer.add_object(
        generic.DictionaryObject(
            {
                name("/Type"): name("/StructElem"),
                name("/S"): name("/Form"),
                name("/P"): document_reference,
                name("/Pg"): page_reference,
                name("/K"): generic.DictionaryObject(
                    {
                        name("/Type"): name("/OBJR"),
                        name("/Obj"): field_reference,
                        name("/Pg"): page_reference,
                    }
                ),
            }
        )
    )
    widget[name("/StructParent")] = generic.NumberObject(key)
    children = document["/K"]
    if not isinstance(children, generic.ArrayObject):
        children = generic.ArrayObject([document.raw_get("/K")])
        document[name("/K")] = children
    children.append(form)
    numbers.extend([generic.NumberObject(key), form])
    tree[name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    page = page_reference.get_object()
    page[name("/Tabs")] = name("/S")
    for changed in (document, numbers, parent_tree, tree, page):
        writer.update_container(changed)


def seal_status(content: bytes) -> dict:
    """What pyHanko says of the PDF's seal: `sealed` (it has one), `intact` (the bytes it
    covers are unchanged), `valid` (its cryptography holds), `whole_file` (it covers the
    whole file: nothing was added after it), `trusted` (its certificate is the one this
    portal seals with, or chains to a root the validation trusts), `signer` (the
    certificate's subject), and `ok`: all of them. A file that is not a PDF is not sealed."""
    return _without_event_loop(_status, content)


def _status(content: bytes) -> dict:
    status = {
        "sealed": False,
        "intact": False,
        "valid": False,
        "whole_file": False,
        "trusted": False,
        "signer": "",
        "ok": False,
    }
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # not a PDF, or one pyHanko cannot read: not sealed
        return status
    if not embedded:
        return status
    signature = embedded[-1]
    status["sealed"] = True
    trusted = seal_certificate()  # not configured: raised, not taken for a broken seal
    try:
        context = ValidationContext(trust_roots=[trusted], allow_fetching=False)
        result = validate_pdf_signature(signature, context)
    except Exception:  # SignatureValidationError, or a file too damaged to read: no seal holds
        return status
    status.update(
        intact=bool(result.intact),
        valid=bool(result.valid),
        whole_file=result.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(embedded) == 1,
        trusted=bool(result.trusted),
        signer=result.signing_cert.subject.human_friendly,
    )
    status["ok"] = all(status[key] for key in ("intact", "valid", "whole_file", "trusted"))
    return status
