"""The persons list's rows written in Python (`mano.persons.rows`) print exactly what the former template printed,
for every kind of row: family, other names, vigilance, out of the active list, search reasons, several teams,
a stale or missing last interaction, markup in names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from mano.persons.filters import PersonFilters
from mano.persons.models import Person
from mano.persons.selectors.persons import person_list, person_search
from mano.persons.services import person_create
from mano.persons.services.families import family_link
from mano.persons.services.lifecycle import person_leave_active_list

pytestmark = pytest.mark.django_db

LABELS = (
    '{% load i18n mano %}{% translate "Nom" as l_name %}{% translate "Naissance" as l_birth %}'
    '{% translate "Équipes" as l_teams %}{% translate "Suivi·e depuis" as l_since %}'
    '{% translate "Dernière interaction" as l_last %}{% translate "vigilance" as l_vigilance %}'
    '{% translate "hors file active" as l_out %}{% translate "trouvé dans" as l_found %}'
    '{% translate "Plus de deux ans : vérifiez si ce dossier doit être conservé" as l_stale %}'
)
# The former loop of templates/persons/list.html, without its empty case.
FORMER = LABELS + (
    '{% for row in page %}<tr{% if row.card.out_of_active_list %} class="row--out"{% endif %}>\n'
    '<td data-label="{{ l_name }}">{% if row.card.family and user.organisation.families_enabled %}'
    "<span title=\"{% translate 'Famille' %}\">👪</span> {% endif %}"
    "<a href=\"{% url 'persons:detail' row.person.pk %}\">{{ row.name }}</a>"
    '{% if row.card.other_names %} <small class="muted">– {{ row.card.other_names }}</small>{% endif %}'
    '{% if row.card.vulnerable %} <span class="badge badge--warn">{{ l_vigilance }}</span>{% endif %}'
    '{% if row.card.out_of_active_list %} <span class="badge">{{ l_out }}</span>{% endif %}'
    '{% if row.reasons %}<br><small class="muted">{{ l_found }} : {{ row.reasons|join:", " }}</small>{% endif %}'
    "</td>\n"
    '<td data-label="{{ l_birth }}">{{ row.card.birth_date|frdate|default:"—" }}</td>\n'
    '<td data-label="{{ l_teams }}">{% for t in row.person.teams.all %}<span class="tag">{{ t.name }}</span> '
    "{% endfor %}</td>\n"
    '<td data-label="{{ l_since }}">{{ row.card.followed_since|frdate|default:"—" }}</td>\n'
    '<td data-label="{{ l_last }}"><span{% if row.person.last_interaction_at|is_stale %} class="stale" '
    'title="{{ l_stale }}"{% endif %}>{{ row.person.last_interaction_at|date:"d/m/Y"|default:"—" }}</span></td>\n'
    "</tr>\n{% endfor %}"
)
NOW = "{% load person_rows %}{% person_rows page %}"


@pytest.fixture
def people(bob, org_a):
    make = lambda name, **kw: person_create(user=bob.user, keyring=bob.keyring, name=name, **kw)  # noqa: E731
    dupont = make(
        "Dupont <b>Éloïse</b> & co",
        teams=[org_a.day, org_a.night],
        other_names="« La 'Rousse\" »",
        birth_date=date(1980, 3, 12),
        followed_since=date(2024, 5, 2),
        vulnerable=True,
    )
    brother = make("Dupont Marc", teams=[org_a.day], description="frère de dupont")
    family_link(user=bob.user, keyring=bob.keyring, person=dupont, other=brother, description="frères")
    gone = make("Dupontel Léa", teams=[org_a.day])
    gone.refresh_from_db()
    person_leave_active_list(
        user=bob.user,
        keyring=bob.keyring,
        person=gone,
        team=org_a.day,
        reasons=["Hébergée"],
        day=date(2026, 1, 15),
        expected_version=gone.version,
    )
    Person.objects.filter(pk=brother.pk).update(last_interaction_at=timezone.now() - timedelta(days=800))
    Person.objects.filter(pk=gone.pk).update(last_interaction_at=None)
    make("Zoé Martin", teams=[org_a.night])


def _both(bob, page) -> tuple[str, str]:
    request = RequestFactory().get("/personnes/")
    context = {"page": page, "user": bob.user, "request": request}
    django = engines["django"]
    return django.from_string(FORMER).render(context, request), django.from_string(NOW).render(context, request)


@pytest.mark.parametrize("families", [True, False])
def test_the_rows_are_the_former_templates_byte_for_byte(bob, org_a, people, families):
    org_a.organisation.families_enabled = families
    org_a.organisation.save(update_fields=["families_enabled"])
    bob.user.refresh_from_db()
    listed = person_list(user=bob.user, keyring=bob.keyring, team=None, filters=PersonFilters(), sort="name", page=1)
    found = person_search(user=bob.user, keyring=bob.keyring, query="dupont", page=1)
    assert len(listed) == 4 and len(found) == 3
    for page in (listed, found):
        former, now = _both(bob, page)
        assert now == former
    assert "&lt;b&gt;Éloïse&lt;/b&gt; &amp; co" in now and "trouvé dans" in now
    assert ("👪" in now) is families
