"""Open Referral HSDS: the directory as an HSDS 3.0 tabular data package
(exchange/hsds_read.py reads packages back).

`write_package` writes a zip of CSV files and the `datapackage.json` that describes them.
`TABLES` describes, by hand, only the columns the export writes: their type, format,
whether HSDS requires them and the values they may take, as the HSDS 3.0 schemas say
(tests/exchange/test_hsds_write.py checks that they agree). HSDS is machine data: values are
written as they are (no spreadsheet formula escaping), and a value the schema would refuse
(a website that is no URI) is left out rather than making the package invalid. Ids are
UUIDs derived from the portal's own ids: every export gives an entry the same id.
"""

import csv
import io
import json
import re
import shutil
import tempfile
import uuid
import zipfile
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from orgs.models import Service

from .export import value_chunks

# Fixed for good: every export's ids derive from it.
NAMESPACE = uuid.UUID("6e4ada59-3e34-421f-8f1a-4b60bd3735c3")
# Tables of an export past this size wait in a temporary file, not in memory.
SPOOL_BYTES = 1024 * 1024


def field(name, type="string", format=None, enum=None):
    """A Frictionless field descriptor, the choices as a constraint. As in HSDS's own
    tabular profile (schema/tabular.json), no field is marked required: the schemas'
    required fields are columns of every table written (tests/exchange/test_hsds_write.py
    checks it), though a cell stays empty where the directory has no value (an
    organization without a purpose, an address that does not split into street, city and
    postal code)."""
    descriptor = {"name": name, "type": type}
    if format:
        descriptor["format"] = format
    if enum:
        descriptor["constraints"] = {"enum": enum}
    return descriptor


def uuid_field(name):
    return field(name, format="uuid")


LOCATION_KINDS = ["physical", "postal", "virtual"]
SERVICE_STATUSES = ["active", "inactive", "defunct", "temporarily closed"]
# The tables of an export: the CSV file HSDS 3.0 names for each, and the columns written,
# the fields HSDS requires (in its tabular form: with the link to the parent) and those
# the directory has data for.
TABLES = {
    "organization": ("organizations.csv", [
        uuid_field("id"),
        field("name"),
        field("alternate_name"),
        field("description"),
        field("email", format="email"),
        field("website", format="uri"),
        field("year_incorporated", type="number"),
        field("legal_status"),
    ]),
    "organization_identifier": ("organization_identifiers.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("identifier_type"),
        field("identifier"),
    ]),
    "service": ("services.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("name"),
        field("description"),
        field("status", enum=SERVICE_STATUSES),
    ]),
    "location": ("locations.csv", [
        uuid_field("id"),
        field("location_type", enum=LOCATION_KINDS),
        uuid_field("organization_id"),
    ]),
    "address": ("addresses.csv", [
        uuid_field("id"),
        uuid_field("location_id"),
        field("address_1"),
        field("city"),
        field("state_province"),
        field("postal_code"),
        field("country"),
        field("address_type", enum=LOCATION_KINDS),
    ]),
    "phone": ("phones.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("number"),
    ]),
    "contact": ("contacts.csv", [
        uuid_field("id"),
        uuid_field("organization_id"),
        field("name"),
    ]),
}  # fmt: skip
# The header of each table's CSV.
HEADERS = {name: [column["name"] for column in fields] for name, (_path, fields) in TABLES.items()}
ORGANIZATION_FIELDS = [
    "id", "name", "short_name", "legal_form", "registration_number", "country", "address",
    "description", "email", "phone", "website", "year_founded", "contact_person",
    "contact_person_consent", "email_public", "phone_public", "home_municipality__name",
]  # fmt: skip
# A postal code as the portal's countries write it: LV-3201, LT-01100, 123 45, 1000-001.
POSTAL_CODE = re.compile(r"(?:[A-Z]{2}-)?\d{3,5}(?:[- ]\d{2,4})?")
# What RFC 3986 allows in a URI (the schemas' "uri" format).
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def stable_id(kind, pk):
    """The HSDS id of a portal row: the same in every export of this database."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def datapackage():
    """The package descriptor: each CSV with its fields as the HSDS schema defines them."""
    resources = []
    for name, (path, fields) in TABLES.items():
        columns = HEADERS[name]
        references = {
            f"{table}_id": table for table in TABLES if f"{table}_id" in columns and table != name
        }
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": [column], "reference": {"resource": table, "fields": ["id"]}}
                        for column, table in references.items()
                    ],
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "roadmap-portal-organizations",
        "title": "Community organizations (Open Referral HSDS 3.0)",
        "created": timezone.now().isoformat(timespec="seconds"),
        "resources": resources,
    }


def _email(value):
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _uri(value):
    """The website as an RFC 3986 URI (an address with non-Latin letters percent-encoded),
    or nothing when it is no web address at all."""
    if not value:
        return ""
    try:
        URLValidator()(value)
    except ValidationError:
        return ""
    uri = iri_to_uri(value)
    return uri if URI_CHARACTERS.fullmatch(uri) else ""


def split_address(text):
    """(address_1, city, postal_code) of an address written "street, city, postal code".

    Split only where the parts are plain, so that joining them again with ", " (as
    read_package does) gives the address back exactly."""
    parts = text.split(", ")
    if any(not part or part != part.strip() for part in parts):
        return text, "", ""
    postal_code = parts.pop() if len(parts) > 1 and POSTAL_CODE.fullmatch(parts[-1]) else ""
    city = parts.pop() if len(parts) > 1 else ""
    return ", ".join(parts), city, postal_code


def _package_rows(row, services):
    """(table, {column: value}) for one organization and what belongs to it."""
    pk = row["id"]
    organization_id = stable_id("organization", pk)
    yield (
        "organization",
        {
            "id": organization_id,
            "name": row["name"],
            "alternate_name": row["short_name"],
            "description": row["description"],
            # A package is public: the e-mail and phone only where the entry shows them.
            "email": _email(row["email"]) if row["email_public"] else "",
            "website": _uri(row["website"]),
            "year_incorporated": "" if row["year_founded"] is None else row["year_founded"],
            "legal_status": row["legal_form"],
        },
    )
    if row["registration_number"]:
        yield (
            "organization_identifier",
            {
                "id": stable_id("organization_identifier", pk),
                "organization_id": organization_id,
                "identifier_type": "Registration number",
                "identifier": row["registration_number"],
            },
        )
    for service_pk, name, description in services:
        yield (
            "service",
            {
                "id": stable_id("service", service_pk),
                "organization_id": organization_id,
                "name": name,
                "description": description,
                # The directory lists what organizations offer now.
                "status": "active",
            },
        )
    if row["address"].strip():
        location_id = stable_id("location", pk)
        yield (
            "location",
            {"id": location_id, "location_type": "physical", "organization_id": organization_id},
        )
        address_1, city, postal_code = split_address(row["address"])
        yield (
            "address",
            {
                "id": stable_id("address", pk),
                "location_id": location_id,
                "address_1": address_1,
                "city": city,
                "postal_code": postal_code,
                # The nearest the pilot countries have to a state or province.
                "state_province": row["home_municipality__name"],
                "country": str(row["country"] or ""),
                "address_type": "physical",
            },
        )
    if row["phone"].strip() and row["phone_public"]:
        yield (
            "phone",
            {
                "id": stable_id("phone", pk),
                "organization_id": organization_id,
                "number": row["phone"],
            },
        )
    # Personal data: public only with the person's consent.
    if row["contact_person"].strip() and row["contact_person_consent"]:
        yield (
            "contact",
            {
                "id": stable_id("contact", pk),
                "organization_id": organization_id,
                "name": row["contact_person"],
            },
        )


def _services_of(ids):
    services = defaultdict(list)
    for organization_id, *service in (
        Service.objects.filter(organization_id__in=ids)
        .order_by("organization_id", "position", "id")
        .values_list("organization_id", "id", "name", "description")
    ):
        services[organization_id].append(service)
    return services


def _zip_text(archive, table):
    path, _fields = TABLES[table]
    return io.TextIOWrapper(archive.open(path, "w"), encoding="utf-8", newline="")


def write_package(organizations, target):
    """Write the organizations (a queryset: the caller chooses which) as an HSDS 3.0
    tabular data package, a zip, to the binary file `target`. Returns the rows per table.

    One pass over the organizations, a chunk at a time: organizations.csv goes into the
    zip as it is written, the other tables into temporary files (a zip takes one file at
    a time) that follow it. Every row of a chunk comes from the same two queries, so no
    service or phone points at an organization that is not in the package."""
    counts = dict.fromkeys(TABLES, 0)
    spools = {
        name: tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed in the finally clause)
            max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
        )
        for name in TABLES
        if name != "organization"
    }
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            with _zip_text(archive, "organization") as organizations_csv:
                writers = {name: csv.writer(spool) for name, spool in spools.items()}
                writers["organization"] = csv.writer(organizations_csv)
                for name, writer in writers.items():
                    writer.writerow(HEADERS[name])
                for chunk in value_chunks(organizations, ORGANIZATION_FIELDS):
                    services = _services_of([row["id"] for row in chunk])
                    for row in chunk:
                        for name, values in _package_rows(row, services.get(row["id"], [])):
                            writers[name].writerow([values.get(key, "") for key in HEADERS[name]])
                            counts[name] += 1
            for name, spool in spools.items():
                spool.seek(0)
                with _zip_text(archive, name) as table_csv:
                    shutil.copyfileobj(spool, table_csv)
            archive.writestr(
                "datapackage.json", json.dumps(datapackage(), ensure_ascii=False, indent=2)
            )
    finally:
        for spool in spools.values():
            spool.close()
    return counts
