"""schema.org data for pages, as JSON-LD that is safe inside a <script> element."""

import json

from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe


def to_script(data):
    # The same escapes as Django's json_script: user text cannot close the element.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_json_script_escapes))  # noqa: S308


def organization_jsonld(organization, profile, request):
    """schema.org/Organization for a directory entry (and its orgs.profile.EntryProfile):
    public fields only."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organization.name,
        "url": request.build_absolute_uri(organization.get_absolute_url()),
    }
    optional = {
        "alternateName": organization.short_name,
        # A value object: the purpose's own language, which may not be the page's.
        "description": {
            "@value": organization.description,
            "@language": organization.description_lang,
        }
        if organization.description
        else "",
        # What the public sees, whoever reads the page: search engines keep what they find.
        "email": organization.public_email,
        "telephone": organization.public_phone,
        "sameAs": organization.website,
        "foundingDate": str(organization.year_founded) if organization.year_founded else "",
    }
    data |= {key: value for key, value in optional.items() if value}
    data["address"] = {
        "@type": "PostalAddress",
        "addressCountry": str(organization.country),
        "addressLocality": organization.home_municipality.name,
        **({"streetAddress": organization.address} if organization.address else {}),
    }
    data["areaServed"] = [
        {"@type": "AdministrativeArea", "name": municipality.name}
        for municipality in [
            organization.home_municipality,
            *profile.municipalities_served,
        ]
    ]
    if organization.languages:
        data["knowsLanguage"] = organization.languages
    services = profile.services
    if services:
        data["makesOffer"] = [
            {
                "@type": "Offer",
                "itemOffered": {"@type": "Service", "name": s.name, "description": s.description},
            }
            for s in services
        ]
    if organization.contact_person and organization.contact_person_consent:
        data["contactPoint"] = {"@type": "ContactPoint", "name": organization.contact_person}
    return to_script(data)
