"""A realistic synthetic directory for benchmarks (bench/directory.py)."""

import itertools
import json
import random
import time
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from orgs.counts import directory_counts_refresh
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
from roadmap_portal.lib.bulk import bulk_insert, bulk_update, indexes_set_aside

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
# From this many new rows, and no fewer than the directory holds already, PostgreSQL
# writes without the indexes and foreign keys and makes them again at the end
# (roadmap_portal.lib.bulk.indexes_set_aside): a million rows in minutes, not half an hour.
SET_INDEXES_ASIDE_FROM = 50_000

# The tables written, with the columns of a relation: (table's through model, column).
RELATIONS = {
    "fields": (Organization.fields_of_activity.through, "fieldofactivity_id"),
    "groups": (Organization.target_groups.through, "targetgroup_id"),
    "offers": (Organization.offers.through, "needkind_id"),
    "seeks": (Organization.seeks.through, "needkind_id"),
    "served": (Organization.municipalities_served.through, "municipality_id"),
}
SERVICE_COLUMNS = ["organization_id", "name", "description", "position"]


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
        started = time.monotonic()
        rng = random.Random(seed)  # noqa: S311 (reproducible fake data, not secrets)
        self.now = timezone.now()
        self.types = list(Organization.Type.values)
        self.statuses = list(STATUS_WEIGHTS)
        self.cumulative_weights = list(itertools.accumulate(STATUS_WEIGHTS.values()))
        municipalities = self.municipalities(municipalities_per_country)
        taxonomies = {
            "fields": list(FieldOfActivity.objects.values_list("pk", flat=True)),
            "groups": list(TargetGroup.objects.values_list("pk", flat=True)),
            "needs": list(NeedKind.objects.values_list("pk", flat=True)),
        }
        start_id = (
            Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        rows = (
            self.organization(rng, pk, municipalities, taxonomies)
            for pk in range(start_id, start_id + count)
        )
        if connection.vendor == "postgresql":
            # Counted, not read off the highest id: ids have gaps (rows deleted, a
            # sequence that ran on), so the highest id would refuse a large write.
            set_aside = count >= max(SET_INDEXES_ASIDE_FROM, Organization.objects.count())
            self.write_with_copy(rows, count, set_aside=set_aside)
        else:
            for batch in itertools.batched(rows, BATCH):
                self.write_with_orm(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('orgs_organization', 'id'),"
                    " (SELECT max(id) FROM orgs_organization))"
                )
                cursor.execute("ANALYZE")
        words = search_words_rebuild()
        directory_counts_refresh()
        self.stdout.write(
            f"Generated {count:,} organizations in {time.monotonic() - started:.0f} s;"
            f" {words:,} distinct search words."
        )

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
                result.append((municipality.pk, code, town.replace("-", " ")))
        self.spec = {
            code: {
                **spec,
                "words": spec["words"].split(),
                "nouns": spec["nouns"].split(),
                # A service's name: the start of one of the country's descriptions.
                "service_names": [
                    text.split(":")[0].split(",")[0][:80] for text in spec["descriptions"]
                ],
            }
            for code, spec in COUNTRIES.items()
        }
        return result

    def organization(self, rng, pk, municipalities, taxonomies):
        """One organization's columns (a dict by attname), services and relations."""
        municipality_id, code, town = rng.choice(municipalities)
        spec = self.spec[code]
        words = spec["words"]
        name = rng.choice(spec["names"]).format(
            word=rng.choice(words),
            word2=rng.choice(words),
            town=town,
            noun=rng.choice(spec["nouns"]),
        )
        description = rng.choice(spec["descriptions"]).format(town=town)
        org_type = rng.choice(self.types)
        status = rng.choices(self.statuses, cum_weights=self.cumulative_weights)[0]
        created = self.now - timedelta(days=rng.randint(0, 2000))
        services = [
            (rng.choice(spec["service_names"]), description) for _ in range(rng.randint(0, 2))
        ]
        served = [m[0] for m in rng.sample(municipalities, rng.choice([0, 0, 0, 1, 2]))]
        relations = {
            "fields": rng.sample(taxonomies["fields"], rng.randint(1, 3)),
            "groups": rng.sample(taxonomies["groups"], rng.randint(1, 3)),
            "offers": rng.sample(taxonomies["needs"], rng.randint(0, 3)),
            "seeks": rng.sample(taxonomies["needs"], rng.randint(0, 3)),
            "served": served,
        }
        legal_form = rng.choice(spec["legal_forms"])
        is_social_enterprise = org_type == "social_enterprise" or rng.random() < 0.05
        tokens = facet_tokens(
            country=code,
            type=org_type,
            municipality_ids=[municipality_id, *served],
            field_ids=relations["fields"],
            target_group_ids=relations["groups"],
            offer_ids=relations["offers"],
            is_social_enterprise=is_social_enterprise,
        )
        columns = {
            "id": pk,
            "name": f"{name} {pk}" if rng.random() < 0.3 else name,
            "slug": f"org-{pk}",
            "type": org_type,
            "legal_form": legal_form,
            "is_social_enterprise": is_social_enterprise,
            "registration_number": f"{code}{pk:09d}",
            "country": code,
            "home_municipality_id": municipality_id,
            "address": f"{town} {rng.randint(1, 200)}",
            "description": description,
            "languages": [spec["language"]] + (["en"] if rng.random() < 0.4 else []),
            "year_founded": rng.randint(1990, 2025),
            "email": f"info@org-{pk}.example.org",
            "status": status,
            "created_at": created,
            "updated_at": created + timedelta(days=rng.randint(0, 300)),
            "published_at": created if status == "published" else None,
            "last_confirmed_at": created if status == "published" else None,
            "search_text": "\n".join(
                [description, legal_form, *[f"{n}\n{d}" for n, d in services]]
            ),
            "facet_tokens": " " + " ".join(tokens) + " ",
        }
        return columns, services, relations

    def write_with_copy(self, rows, count, *, set_aside):
        """PostgreSQL: every table through COPY, a batch at a time, in one transaction; for a
        large write without the indexes and foreign keys, made again at the end."""
        fields = [f for f in Organization._meta.concrete_fields if not f.generated]
        # The columns the generator leaves out, at their defaults, adapted once.
        defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
        json_columns = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
        names = [f.attname for f in fields]
        quote = connection.ops.quote_name
        organization_copy = (
            f"COPY {quote(Organization._meta.db_table)}"
            f" ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
        )
        tables = [Organization._meta.db_table, Service._meta.db_table] + [
            model._meta.db_table for model, _column in RELATIONS.values()
        ]
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            indexes_set_aside(tables) if set_aside else nullcontext(),
        ):
            if set_aside:
                self.stdout.write("  indexes and foreign keys set aside")
            written = 0
            for start in range(0, count, BATCH):
                services, relations = [], {key: [] for key in RELATIONS}
                # The rows are made while the copy runs and sent by a thread of psycopg's:
                # the database inserts them while this process makes the next ones.
                writer = QueuedLibpqWriter(cursor.cursor)
                with cursor.cursor.copy(organization_copy, writer=writer) as copy:
                    batch = itertools.islice(rows, min(BATCH, count - start))
                    for columns, org_services, org_relations in batch:
                        values = defaults | columns
                        for name in json_columns:
                            values[name] = json.dumps(values[name])
                        copy.write_row([values[name] for name in names])
                        pk = columns["id"]
                        services += [
                            (pk, name, text, i) for i, (name, text) in enumerate(org_services)
                        ]
                        for key, ids in org_relations.items():
                            relations[key] += [(pk, value) for value in ids]
                        written += 1
                self.copy(cursor, Service._meta.db_table, SERVICE_COLUMNS, services)
                for key, (model, column) in RELATIONS.items():
                    columns = ["organization_id", column]
                    self.copy(cursor, model._meta.db_table, columns, relations[key])
                self.stdout.write(f"  {written:,} organizations")
            if set_aside:
                self.stdout.write("  making the indexes and foreign keys again")

    @staticmethod
    def copy(cursor, table, columns, rows):
        quote = connection.ops.quote_name
        statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    @transaction.atomic
    def write_with_orm(self, rows):
        """Elsewhere (SQLite): model instances and bulk_create."""
        organizations = [Organization(**columns) for columns, _s, _r in rows]
        bulk_insert(Organization, organizations)
        # bulk_create stamped both dates with the present (auto_now): the generated ones back.
        for organization, (columns, _s, _r) in zip(organizations, rows, strict=True):
            organization.created_at = columns["created_at"]
            organization.updated_at = columns["updated_at"]
        bulk_update(Organization, organizations, ["created_at", "updated_at"])
        Service.objects.bulk_create(
            Service(organization_id=columns["id"], name=name, description=text, position=i)
            for columns, services, _r in rows
            for i, (name, text) in enumerate(services)
        )
        for key, (model, column) in RELATIONS.items():
            model.objects.bulk_create(
                model(organization_id=columns["id"], **{column: value})
                for columns, _s, relations in rows
                for value in relations[key]
            )
        self.stdout.write(f"  {rows[-1][0]['id']:,} last id written")
