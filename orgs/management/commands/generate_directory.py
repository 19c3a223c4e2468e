"""A realistic synthetic directory for benchmarks (bench/directory.py)."""

import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from orgs.models import (
    FieldOfActivity,
    Municipality,
    NeedKind,
    Organization,
    Service,
    TargetGroup,
    facet_tokens,
)
from orgs.services import search_words_rebuild
from roadmap_portal.lib.bulk import bulk_insert

# Per country: time zone, municipality pattern, towns, organization name patterns, words
# for names, descriptions (with the country's common words: jauniešu, sporta, ungdom ...).
COUNTRIES = {
    "LV": {
        "time_zone": "Europe/Riga",
        "municipality": "{town} novads",
        "towns": "Talsi Kuldīga Sabile Valdemārpils Dundaga Jūrmala Ventspils Liepāja Cēsis Madona "
        "Smiltene Ķekava Ogre Jēkabpils Rēzekne Daugavpils Līvāni Aizkraukle Sigulda Ludza",
        "names": [
            "Biedrība „{word} {word2}”",
            "Jauniešu biedrība „{word}”",
            "Sporta klubs „{word}”",
            "{town} {noun} centrs",
            "Nodibinājums „{word} {word2}”",
            "SIA „{word} darbnīca”",
        ],
        "words": "Saulīte Ābele Dzērvenīte Ķepa Zīlīte Ozoliņš Gaismiņa Vējš Spārni Rūķīši Mežāre "
        "Pūce Zaļā Jaunā Draudzīgā Radošā Brīnumiņš Dzirkstele Ūdensroze Lāsīte Pīlādzis Zvaigzne",
        "nouns": "jauniešu kopienas sporta ģimeņu kultūras atbalsta",
        "descriptions": [
            "Jauniešu iniciatīvas un brīvā laika aktivitātes {town}.",
            "Sporta nodarbības bērniem un jauniešiem, sacensības un nometnes.",
            "Sociālie pakalpojumi ģimenēm ar bērniem ar invaliditāti.",
            "Kopienas attīstība, brīvprātīgais darbs un vides sakopšana.",
            "Neformālā izglītība, radošās darbnīcas un kultūras pasākumi.",
        ],
        "legal_forms": ["biedrība", "nodibinājums", "SIA (sociālais uzņēmums)"],
        "language": "lv",
    },
    "LT": {
        "time_zone": "Europe/Vilnius",
        "municipality": "{town} rajono savivaldybė",
        "towns": "Trakai Širvintos Žagarė Vilnius Kaunas Klaipėda Šiauliai Panevėžys Alytus "
        "Marijampolė Utena Elektrėnai Rūdiškės Lentvaris Kėdainiai Biržai Joniškis Molėtai",
        "names": [
            "Asociacija „{word} {word2}“",
            "VšĮ „{word}“",
            "{town} jaunimo klubas",
            "Sporto klubas „{word}“",
            "Labdaros ir paramos fondas „{word}“",
        ],
        "words": "Šviesa Ąžuolas Žiburys Vilties Gerumas Saulėlydis Bitutė Žalgiris Vėjas Liepa "
        "Ąžuoliukas Žingsnis Švyturys Kregždutė Ūsas Gintaras",
        "nouns": "jaunimo bendruomenės sporto",
        "descriptions": [
            "Jaunimo užimtumas, laisvalaikio renginiai ir neformalusis švietimas {town}.",
            "Sporto treniruotės vaikams ir jaunimui, varžybos ir stovyklos.",
            "Socialinės paslaugos šeimoms ir žmonėms su negalia.",
            "Bendruomenės iniciatyvos, savanorystė ir aplinkos tvarkymas.",
        ],
        "legal_forms": ["asociacija", "viešoji įstaiga", "labdaros ir paramos fondas"],
        "language": "lt",
    },
    "SE": {
        "time_zone": "Europe/Stockholm",
        "municipality": "{town} kommun",
        "towns": "Falun Borlänge Mora Leksand Rättvik Ludvika Avesta Hedemora Säter Orsa Älvdalen "
        "Malung Smedjebacken Gagnef Vansbro",
        "names": [
            "Föreningen {word}",
            "{town} ungdomsförening",
            "{word} idrottsförening",
            "Stiftelsen {word} {word2}",
            "{word} ekonomisk förening",
        ],
        "words": "Gläntan Fäboden Ängen Bäcken Älven Solrosen Gemenskap Framtid Kompisar Hjärtat "
        "Björkarna Källan Öppna Dörrar Lärkan",
        "nouns": "ungdoms idrotts kultur",
        "descriptions": [
            "Mötesplats för ungdom i {town}: fritid, läxhjälp och sommarjobb.",
            "Idrott och friluftsliv för barn och ungdom.",
            "Arbetsintegrerande socialt företag som ger långtidsarbetslösa ett jobb.",
            "Kultur, musik och teater för alla åldrar.",
        ],
        "legal_forms": ["ideell förening", "stiftelse", "ekonomisk förening"],
        "language": "sv",
    },
    "PT": {
        "time_zone": "Europe/Lisbon",
        "municipality": "Município de {town}",
        "towns": "Braga Guimarães Barcelos Famalicão Póvoa-de-Lanhoso Vila-Verde Amares Esposende "
        "Fafe Vizela Cabeceiras Terras-de-Bouro",
        "names": [
            "Associação {word} {word2}",
            "Associação Juvenil {word}",
            "Clube Desportivo de {town}",
            "Cooperativa {word}, CRL",
            "Fundação {word}",
        ],
        "words": "Sementes Horizonte Coração Esperança Caminhos Ação Partilha Curiosa Alegria "
        "Estrela Raízes Ponte Gaivota Liberdade",
        "nouns": "juvenil desportivo cultural",
        "descriptions": [
            "Atividades para jovens em {town}: tempos livres, voluntariado e formação.",
            "Desporto e atividade física para crianças e jovens.",
            "Inclusão social e apoio a famílias em situação de exclusão.",
            "Jogos de tabuleiro, cultura e encontros na comunidade.",
        ],
        "legal_forms": ["associação", "associação juvenil", "cooperativa de solidariedade social"],
        "language": "pt",
    },
    "CY": {
        "time_zone": "Asia/Nicosia",
        "municipality": "Δήμος {town}",
        "towns": "Αγλαντζιάς Λευκωσίας Λεμεσού Λάρνακας Πάφου Στροβόλου Λακατάμειας Λατσιών "
        "Έγκωμης Αραδίππου Πάρεκκλησιάς",
        "names": [
            "Σύνδεσμος {word} {word2}",
            "Σωματείο «{word}»",
            "Ίδρυμα «{word}»",
            "Αθλητικός Όμιλος {town}",
            "Οργάνωση Νεολαίας «{word}»",
        ],
        "words": "Ελπίδα Αλληλεγγύη Φως Ανατολή Δράση Ορίζοντες Κοινότητα Νέοι Αγάπη Ουρανός "
        "Θάλασσα Πυξίδα",
        "nouns": "νεολαίας αθλητικός πολιτιστικός",
        "descriptions": [
            "Δράσεις για τη νεολαία της περιοχής {town}: εθελοντισμός και ψυχαγωγία.",
            "Αθλητικές δραστηριότητες για παιδιά και νέους.",
            "Κοινωνική στήριξη οικογενειών και ηλικιωμένων.",
            "Πολιτιστικές εκδηλώσεις και εργαστήρια για όλους.",
        ],
        "legal_forms": ["σωματείο", "ίδρυμα", "σύνδεσμος"],
        "language": "el",
    },
}
STATUS_WEIGHTS = {"published": 95, "pending": 3, "rejected": 1, "archived": 1}
BATCH = 10_000


class Command(BaseCommand):
    help = (
        "Fill the directory with synthetic organizations for benchmarks: names and texts in "
        "the five pilot countries' languages, taxonomies, services, municipalities. "
        "Refused unless DEMO_DATA_ALLOWED (it is not real data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--municipalities-per-country", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count, municipalities_per_country, seed, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Refused: synthetic data only where DEMO_DATA_ALLOWED is on.")
        rng = random.Random(seed)  # noqa: S311 (reproducible fake data, not secrets)
        municipalities = self.municipalities(municipalities_per_country)
        taxonomies = {
            "fields": list(FieldOfActivity.objects.values_list("pk", flat=True)),
            "groups": list(TargetGroup.objects.values_list("pk", flat=True)),
            "needs": list(NeedKind.objects.values_list("pk", flat=True)),
        }
        start_id = (
            Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        written = 0
        while written < count:
            size = min(BATCH, count - written)
            rows = [
                self.organization(rng, start_id + written + i, municipalities, taxonomies)
                for i in range(size)
            ]
            self.write(rows)
            written += size
            self.stdout.write(f"  {written:,} organizations")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('orgs_organization', 'id'),"
                    " (SELECT max(id) FROM orgs_organization))"
                )
                cursor.execute("ANALYZE")
        words = search_words_rebuild()
        self.stdout.write(f"Generated {count:,} organizations; {words:,} distinct search words.")

    def municipalities(self, per_country):
        result = []
        for code, spec in COUNTRIES.items():
            for index, town in enumerate(spec["towns"].split()[:per_country]):
                # By name: the demo data may hold the same municipality already.
                municipality, _created = Municipality.objects.get_or_create(
                    country=code,
                    name=spec["municipality"].format(town=town.replace("-", " ")),
                    defaults={
                        "slug": f"synthetic-{code.lower()}-{index}",
                        "time_zone": spec["time_zone"],
                    },
                )
                result.append((municipality, town.replace("-", " ")))
        return result

    def organization(self, rng, pk, municipalities, taxonomies):
        municipality, town = rng.choice(municipalities)
        code = str(municipality.country)
        spec = COUNTRIES[code]
        words = spec["words"].split()
        name = rng.choice(spec["names"]).format(
            word=rng.choice(words),
            word2=rng.choice(words),
            town=town,
            noun=rng.choice(spec["nouns"].split()),
        )
        description = rng.choice(spec["descriptions"]).format(town=town)
        org_type = rng.choice(Organization.Type.values)
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        now = timezone.now()
        created = now - timedelta(days=rng.randint(0, 2000))
        services = [
            (rng.choice(spec["descriptions"]).split(":")[0].split(",")[0][:80], description)
            for _ in range(rng.randint(0, 2))
        ]
        served = [m for m, _town in rng.sample(municipalities, rng.choice([0, 0, 0, 1, 2]))]
        organization = Organization(
            pk=pk,
            name=f"{name} {pk}" if rng.random() < 0.3 else name,
            short_name="",
            slug=f"org-{pk}",
            type=org_type,
            legal_form=rng.choice(spec["legal_forms"]),
            is_social_enterprise=org_type == "social_enterprise" or rng.random() < 0.05,
            registration_number=f"{code}{pk:09d}",
            country=code,
            home_municipality=municipality,
            address=f"{town} {rng.randint(1, 200)}",
            description=description,
            languages=[spec["language"]] + (["en"] if rng.random() < 0.4 else []),
            year_founded=rng.randint(1990, 2025),
            email=f"info@org-{pk}.example.org",
            status=status,
            created_at=created,
            updated_at=created + timedelta(days=rng.randint(0, 300)),
            published_at=created if status == "published" else None,
            last_confirmed_at=created if status == "published" else None,
        )
        relations = {
            "fields": rng.sample(taxonomies["fields"], rng.randint(1, 3)),
            "groups": rng.sample(taxonomies["groups"], rng.randint(1, 3)),
            "offers": rng.sample(taxonomies["needs"], rng.randint(0, 3)),
            "seeks": rng.sample(taxonomies["needs"], rng.randint(0, 3)),
            "served": [m.pk for m in served],
        }
        organization.search_text = "\n".join(
            [description, organization.legal_form, *[f"{n}\n{d}" for n, d in services]]
        )
        tokens = facet_tokens(
            country=code,
            type=org_type,
            municipality_ids=[municipality.pk, *relations["served"]],
            field_ids=relations["fields"],
            target_group_ids=relations["groups"],
            offer_ids=relations["offers"],
            is_social_enterprise=organization.is_social_enterprise,
        )
        organization.facet_tokens = " " + " ".join(tokens) + " "
        return organization, services, relations

    @transaction.atomic
    def write(self, rows):
        organizations = [organization for organization, _s, _r in rows]
        bulk_insert(Organization, organizations)  # with their ids, so relations can follow
        Service.objects.bulk_create(
            Service(organization_id=o.pk, name=name, description=text, position=i)
            for o, services, _r in rows
            for i, (name, text) in enumerate(services)
        )
        through = {
            "fields": (Organization.fields_of_activity.through, "fieldofactivity_id"),
            "groups": (Organization.target_groups.through, "targetgroup_id"),
            "offers": (Organization.offers.through, "needkind_id"),
            "seeks": (Organization.seeks.through, "needkind_id"),
            "served": (Organization.municipalities_served.through, "municipality_id"),
        }
        for key, (model, column) in through.items():
            model.objects.bulk_create(
                model(organization_id=o.pk, **{column: value})
                for o, _s, relations in rows
                for value in relations[key]
            )
