"""What the action page shows under the edit form: the comments tab and the history tab."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.agenda.action_comments import action_comments, can_comment
from mano.agenda.models import Status
from mano.agenda.selectors import ActionRow
from mano.core.http import AuthenticatedHttpRequest
from mano.persons.views.comments import CommentForm

LABELS = {
    "name": _("Nom de l’action"),
    "description": _("Description"),
    "categories": _("Catégorie(s)"),
    "status": _("Statut"),
    "family": _("Action familiale"),
    "urgent": _("Action prioritaire"),
    "due_at": _("À faire le"),
    "with_time": _("Montrer l’heure"),
    "teams": _("Équipe(s) en charge"),
    "completed_at": _("Faite ou annulée le"),
    "recurrence": _("Récurrence"),
}
# Restricted members never read descriptions: their history says a description changed, not what it says.
HIDDEN_FOR_RESTRICTED = {"description"}
TABS = ("commentaires", "historique")
# Other apps add a card above the tabs (structures: the structure a referral points to); each returns its HTML
# for this action, or "" when it has nothing to show.
CARDS: list[Callable[[AuthenticatedHttpRequest, ActionRow], str]] = []


@dataclass(frozen=True)
class Change:
    label: str
    old: Any
    new: Any
    hidden: bool = False


@dataclass(frozen=True)
class HistoryRow:
    at: str
    user_name: str
    kind: str
    changes: list[Change]


def _value(key: str, value: Any) -> Any:
    if key == "status" and value in Status.values:
        return str(Status(value).label)
    return value


def action_history(*, user: User, data: dict[str, Any]) -> list[HistoryRow]:
    """The history kept in the action's payload, newest first, with French labels and status names."""
    restricted = user.role == "restricted"
    rows = []
    for item in reversed(data.get("history") or []):
        if not isinstance(item, dict):
            continue
        changes = [
            Change(
                str(LABELS.get(key, key)),
                _value(key, pair[0]),
                _value(key, pair[1]),
                hidden=restricted and key in HIDDEN_FOR_RESTRICTED,
            )
            for key, pair in (item.get("changes") or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        rows.append(
            HistoryRow(str(item.get("at") or ""), str(item.get("user_name") or ""), item.get("kind", ""), changes)
        )
    return rows


def action_page(request: AuthenticatedHttpRequest, row: ActionRow) -> dict[str, Any]:
    """Context for templates/agenda/_action_tabs.html (included at the end of the action's edit page)."""
    user = request.user
    commenting = can_comment(user)
    tab = request.GET.get("onglet", "")
    if tab not in TABS or (tab == "commentaires" and not commenting):
        tab = "commentaires" if commenting else "historique"
    tabs: dict[str, Any] = {
        "tab": tab,
        "can_comment": commenting,
        "can_duplicate": row.action.status == Status.CANCELLED,
        "entries": action_comments(user=user, keyring=request.keyring, action=row.action) if commenting else [],
    }
    if commenting:
        form = CommentForm(family=False, initial={"date": timezone.now()}, auto_id="comment_%s")
        form.fields["text"].widget.attrs["rows"] = 3
        tabs["comment_form"] = form
    if tab == "historique":
        tabs["history"] = action_history(user=user, data=row.data)
    tabs["cards"] = [card for card in (make(request, row) for make in CARDS) if card]
    return {"action_tabs": tabs}
